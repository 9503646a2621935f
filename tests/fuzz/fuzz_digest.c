/* fuzz_digest.c — libFuzzer target: the input is a WWW-Authenticate (and, again, a
 * Proxy-Authenticate) header value of a hand-built message. Iterates every challenge, picks for
 * each header kind, and composes credentials for what was picked. Checks: no crash, err_off and
 * views inside the value, iteration ends, composed credentials fit or SIPREG_E_BUFFER, and they
 * re-parse as an auth-param list whose response is the right number of hex digits. */
#include "sipreg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Abort (a libFuzzer crash) when cond is false. */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) abort();                                                                      \
    } while (0)

/* 1 when a view is absent or lies inside [base, base + len). */
static int inside(struct sipreg_str s, const char *base, size_t len) {
    if (!s.p) return s.len == 0;
    return s.p >= base && s.len <= len && (size_t)(s.p - base) <= len - s.len;
}

/* Compose credentials for a picked challenge into a small fixed buffer and a large one. */
static void compose(const struct sipreg_challenge *ch, size_t size) {
    struct sipreg_digest_input in;
    memset(&in, 0, sizeof in);
    in.username = (struct sipreg_str){"alice", 5};
    in.password = (struct sipreg_str){"secret", 6};
    in.method = (struct sipreg_str){"REGISTER", 8};
    in.uri = (struct sipreg_str){"sip:example.test", 16};
    in.cnonce = (struct sipreg_str){"0a4f113b", 8};
    in.qop = (unsigned)(size % 3); /* none (automatic), auth, auth-int */
    in.nc = (uint32_t)size;
    size_t big_cap = 4 * size + 1024;
    char *big = malloc(big_cap);
    char small[256];
    REQUIRE(big != NULL);
    int rb = sipreg_compose_authorization(ch, &in, big, big_cap);
    int rs = sipreg_compose_authorization(ch, &in, small, sizeof small);
    if (rb >= 0) {
        REQUIRE((size_t)rb < big_cap && big[rb] == '\0' && strlen(big) == (size_t)rb);
        if ((size_t)rb <= sizeof small) {
            REQUIRE(rs == rb && memcmp(small, big, (size_t)rb) == 0);
        } else {
            REQUIRE(rs == SIPREG_E_BUFFER);
        }
        /* credentials = "Digest" LWS digest-response: every parameter parses */
        REQUIRE(rb > 7 && memcmp(big, "Digest ", 7) == 0);
        struct sipreg_str cur = {big + 7, (size_t)rb - 7}, n, v;
        int r, seen_response = 0;
        while ((r = sipreg_param_next(&cur, ',', &n, &v, NULL)) == 1) {
            if (n.len == 8 && memcmp(n.p, "response", 8) == 0) {
                REQUIRE(v.len == sipreg_digest_hex_len(ch->alg));
                seen_response = 1;
            }
        }
        REQUIRE(r == 0 && seen_response);
    } else {
        REQUIRE(rs == rb); /* a refusal does not depend on the buffer */
    }
    free(big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *v = malloc(size ? size : 1); /* exact size: ASan sees any over-read */
    REQUIRE(v != NULL);
    if (size) memcpy(v, data, size);
    struct sipreg_hdr h[3];
    memset(h, 0, sizeof h);
    h[0].id = SIPREG_H_WWW_AUTHENTICATE;
    h[0].value = (struct sipreg_str){v, size};
    h[1].id = SIPREG_H_CONTACT; /* not a challenge header: skipped */
    h[1].value = (struct sipreg_str){v, size};
    h[2].id = SIPREG_H_PROXY_AUTHENTICATE;
    h[2].value = (struct sipreg_str){v, size};
    struct sipreg_msg m;
    memset(&m, 0, sizeof m);
    m.type = SIPREG_RESPONSE;
    m.status = 401;
    m.hdrs = h;
    m.nhdrs = 3;

    struct sipreg_iter it;
    struct sipreg_challenge ch;
    sipreg_challenge_iter_init(&it, &m);
    size_t guard = 0, off = 0;
    int r;
    while ((r = sipreg_challenge_next(&it, &ch, &off)) != 0) {
        REQUIRE(++guard <= 2 * size + 4); /* each challenge consumes at least one byte */
        REQUIRE(it.hdr == 0 || it.hdr == 2);
        if (r < 0) {
            REQUIRE(r == SIPREG_E_HEADER_VALUE || r == SIPREG_E_QUOTE);
            REQUIRE(off <= size);
            continue;
        }
        REQUIRE(r == 1 && ch.scheme.len > 0 && ch.proxy == (it.hdr == 2));
        REQUIRE(inside(ch.scheme, v, size) && inside(ch.realm, v, size));
        REQUIRE(inside(ch.nonce, v, size) && inside(ch.opaque, v, size));
        REQUIRE(inside(ch.algorithm, v, size) && inside(ch.qop, v, size));
        REQUIRE((ch.qop_mask & ~3u) == 0);
    }
    for (int proxy = -1; proxy <= 1; proxy++) {
        r = sipreg_challenge_pick(&m, proxy, &ch);
        REQUIRE(r <= 1);
        if (r == 1) {
            REQUIRE(sipreg_alg_rank(ch.alg) > 0);
            compose(&ch, size);
        }
    }
    free(v);
    return 0;
}
