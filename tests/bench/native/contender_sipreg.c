/* contender_sipreg.c — sipreg's native parse walk and REGISTER composer, plus the memchr floors. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "sipreg.h"
#include "internal.h" /* the PRNG (not public API): the benchmark draws branches as the core does */

static struct sipreg_str view(const char *s) {
    struct sipreg_str v = {s, s ? strlen(s) : 0};
    return v;
}

static long reject(struct walk_info *info, int err, size_t off) {
    if (info && !info->why[0])
        snprintf(info->why, sizeof info->why, "%s at offset %zu", sipreg_errname(err), off);
    return err < 0 ? err : -1;
}

long walk_sipreg(const char *buf, size_t len, struct walk_info *info) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t off = 0;
    int e = sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off);
    if (e < 0) return reject(info, e, off);
    long sum = m.status + (long)m.nhdrs + (long)m.method.len;
    sum += (long)sipreg_msg_call_id(&m).len;
    struct sipreg_cseq cs;
    if (sipreg_msg_cseq(&m, &cs) == 0) sum += cs.seq;

    struct sipreg_iter it;
    struct sipreg_contact c;
    int r, n = 0, parsed = 0;
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    while ((r = sipreg_contact_next(&it, &c, &off)) == 1) {
        if (c.star) continue;
        struct sipreg_uri u;
        e = sipreg_uri_parse(&u, c.na.uri.p, c.na.uri.len, &off);
        if (e < 0) return reject(info, e, off);
        sum += u.scheme + (long)u.user.len + (long)u.host.len + u.port + c.expires + c.q;
        n++;
        parsed++;
    }
    if (r < 0) return reject(info, r, off);

    struct sipreg_challenge ch;
    sipreg_challenge_iter_init(&it, &m);
    while ((r = sipreg_challenge_next(&it, &ch, &off)) == 1)
        sum += (long)(ch.realm.len + ch.nonce.len) + ch.alg + (long)ch.qop_mask;
    if (r < 0) return reject(info, r, off);

    int64_t v = sipreg_msg_delta(&m, SIPREG_H_EXPIRES);
    if (v >= 0) sum += (long)v;
    v = sipreg_msg_delta(&m, SIPREG_H_MIN_EXPIRES);
    if (v >= 0) sum += (long)v;
    if (info) {
        info->contacts = n;
        info->uris_parsed = parsed;
    }
    return sum;
}

/* The JSON view the wasm build hands to JavaScript, produced natively (to split the wasm cost
 * into "the same C work" and "crossing into JS"). */
long walk_sipreg_json(const char *buf, size_t len, struct walk_info *info) {
    static char out[64 * 1024];
    int n = sipreg_parse_json(buf, len, out, sizeof out);
    if (n < 0) return reject(info, n, 0);
    if (info) {
        info->contacts = -1; /* not counted: the JSON is not read back here */
        info->uris_parsed = 0;
    }
    return n + out[n / 2];
}

/* Floor: one pass over every byte (memchr for a byte that is not there). */
static volatile int absent_byte = 0;
long walk_memchr(const char *buf, size_t len, struct walk_info *info) {
    (void)info;
    const char *p = memchr(buf, absent_byte, len);
    return p ? (long)(p - buf) : (long)len;
}

/* Floor: split into lines (memchr for every LF), the least a line-based parser does. */
static volatile int lf_byte = '\n';
long walk_lines(const char *buf, size_t len, struct walk_info *info) {
    (void)info;
    const int lf = lf_byte;
    long lines = 0;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *q = memchr(p, lf, (size_t)(end - p));
        if (!q) break;
        lines++;
        p = q + 1;
    }
    return lines;
}

/* ---- compose ---- */

static struct {
    const struct compose_case *cc;
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg msg;
    struct sipreg_challenge ch;
    struct sipreg_prng prng;
    char branch[7 + 16];
    char cred[1024];
} S;

static int sipreg_setup(const struct compose_case *cc) {
    size_t off;
    S.cc = cc;
    if (sipreg_msg_parse(&S.msg, cc->challenge, cc->challenge_len, S.hdrs, SIPREG_MAX_HEADERS, &off) < 0)
        return -1;
    if (sipreg_challenge_pick(&S.msg, 0, &S.ch) != 1) return -1;
    uint8_t seed[32] = {7};
    sipreg_prng_init(&S.prng, seed);
    memcpy(S.branch, "z9hG4bK", 7);
    return 0;
}

static int sipreg_compose(unsigned seq, char *buf, size_t cap) {
    const struct compose_case *cc = S.cc;
    sipreg_prng_token(&S.prng, S.branch + 7, 16); /* a new transaction (§8.1.1.7) */

    struct sipreg_digest_input in;
    memset(&in, 0, sizeof in);
    in.alg = S.ch.alg;
    in.qop = SIPREG_QOP_AUTH;
    in.username = view(cc->username);
    in.password = view(cc->password);
    in.method = view("REGISTER");
    in.uri = view(cc->ruri);
    in.cnonce = view(cc->cnonce);
    in.nc = seq;
    int alen = sipreg_compose_authorization(&S.ch, &in, S.cred, sizeof S.cred);
    if (alen < 0) return alen;

    struct sipreg_contact_out out[2] = {
        {view(cc->contact1), 600, 900, view(cc->instance), 1},
        {view(cc->contact2), 300, 500, view(NULL), -1},
    };
    struct sipreg_register_req q;
    memset(&q, 0, sizeof q);
    q.ruri = view(cc->ruri);
    q.aor = view(cc->aor);
    q.from_tag = view(cc->from_tag);
    q.call_id = view(cc->call_id);
    q.cseq = seq;
    q.transport = SIPREG_TP_WSS;
    q.via_host = view(cc->via_host);
    q.via_port = -1;
    q.branch.p = S.branch;
    q.branch.len = sizeof S.branch;
    q.contacts = out;
    q.ncontacts = 2;
    q.expires = 600;
    q.supported = view("path, gruu, outbound");
    q.user_agent = view("sipreg/" SIPREG_VERSION);
    q.authorization.p = S.cred;
    q.authorization.len = (size_t)alen;
    return sipreg_compose_register(&q, buf, cap);
}

static void sipreg_teardown(void) {}

const struct composer compose_sipreg = {"sipreg-native", sipreg_setup, sipreg_compose, sipreg_teardown};
