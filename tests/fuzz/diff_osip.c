/* diff_osip.c — differential fuzz target: our parser against libosip2 (the native oracle). When
 * both accept an input, the fields both expose must agree: message type, status code, Call-ID
 * and CSeq number. (Known, tabled disagreements about acceptance and Contact leniency live in
 * tests/oracle/oracle_osip.c; this target looks for new ones in the shared core.) */
#include "sipreg.h"

#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int init;
    if (!init) {
        parser_init();
        init = 1;
    }
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t off;
    if (sipreg_msg_parse(&m, (const char *)data, size, hdrs, SIPREG_MAX_HEADERS, &off) != 0) return 0;
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
        /* compare ignoring surrounding whitespace, which libosip2 trims differently */
        if (strlen(cid_text) != ours.len || memcmp(cid_text, ours.p, ours.len) != 0) {
            fprintf(stderr, "Call-ID: ours '%.*s' theirs '%s'\n", (int)ours.len, ours.p, cid_text);
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
