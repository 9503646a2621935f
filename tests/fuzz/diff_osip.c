/* diff_osip.c — differential fuzz target: our parser against libosip2 (the native oracle). When
 * both accept an input, the fields both expose must agree: message type, status code, Call-ID
 * and CSeq number. (Known, tabled disagreements about acceptance and Contact leniency live in
 * tests/oracle/oracle_osip.c; this target looks for new ones in the shared core.) */
#include "sipreg.h"

#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy s without SP, HTAB, CR, LF (truncated to cap - 1). A Call-ID has no whitespace in its
 * grammar (RFC 3261 §25.1 callid = word ["@" word]); for inputs that carry some anyway the two
 * parsers keep different renderings (ours: the raw folded view; libosip2: trimmed around '@'). */
static size_t squash(const char *s, size_t n, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') out[k++] = s[i];
    out[k] = 0;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int init;
    if (!init) {
        parser_init();
        init = 1;
    }
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t off;
    if (sipreg_msg_parse(&m, (const char *)data, size, hdrs, SIPREG_MAX_HEADERS, &off) != 0)
        return 0;
    /* libosip2 reads past embedded NULs badly (tabled in the oracle); compare NUL-free inputs */
    if (memchr(data, 0, size)) return 0;
    osip_message_t *o = NULL;
    if (osip_message_init(&o) != 0) return 0;
    if (osip_message_parse(o, (const char *)data, size) != 0) {
        osip_message_free(o);
        return 0;
    }
    int theirs_response = MSG_IS_RESPONSE(o);
    if (theirs_response != (m.type == SIPREG_RESPONSE)) __builtin_trap();
    if (theirs_response && osip_message_get_status_code(o) != m.status) __builtin_trap();
    osip_call_id_t *cid = osip_message_get_call_id(o);
    char *cid_text = NULL;
    if (cid && osip_call_id_to_str(cid, &cid_text) == 0) {
        struct sipreg_str ours = sipreg_msg_call_id(&m);
        /* our value is a zero-copy view that keeps folded lines as written; libosip2 unfolds and
         * trims: compare both without whitespace */
        char a[1024], b[1024];
        size_t an = squash(ours.p, ours.len, a, sizeof a),
               bn = squash(cid_text, strlen(cid_text), b, sizeof b);
        if (an != bn || memcmp(a, b, an) != 0) {
            fprintf(stderr, "Call-ID: ours '%.*s' theirs '%s'\n", (int)an, a, b);
            __builtin_trap();
        }
        osip_free(cid_text);
    }
    osip_cseq_t *cs = osip_message_get_cseq(o);
    struct sipreg_cseq ours;
    if (cs && cs->number && sipreg_msg_cseq(&m, &ours) == 0 &&
        strtoul(cs->number, NULL, 10) != ours.seq) {
        fprintf(stderr, "CSeq: ours %u theirs %s\n", ours.seq, cs->number);
        __builtin_trap();
    }
    osip_message_free(o);
    return 0;
}
