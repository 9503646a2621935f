/* fuzz_uri.c — libFuzzer target for the URI module. The input is split at the first '\n' or TAB
 * into A and B (no separator: B = A). Each is parsed from an exact-size copy (so AddressSanitizer
 * sees any read past len); on failure err_off must lie within the text. A parsed URI must equal
 * itself, every view must lie inside raw, reparsing raw must give the same views, and printing
 * the components back ("scheme:user:password@host:port;params?headers") must reparse to the same
 * components and an equal URI. When both parse, equality must be symmetric. Violations trap. */
#include "sipreg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Trap unless cond holds. */
static void require(int cond) {
    if (!cond) __builtin_trap();
}

/* An exact-size heap copy of data[0..n) (at least one byte allocated). */
static char *copy(const uint8_t *data, size_t n) {
    char *p = malloc(n ? n : 1);
    if (n) memcpy(p, data, n);
    return p;
}

/* 1 when the views have the same bytes. */
static int same_text(struct sipreg_str a, struct sipreg_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* 1 when view a (of text abase) and view b (of text bbase) are the same slice of equal texts. */
static int same_slice(struct sipreg_str a, const char *abase, struct sipreg_str b,
                      const char *bbase) {
    return a.len == b.len && (a.len == 0 || a.p - abase == b.p - bbase);
}

/* 1 when view v is empty or inside u->raw. */
static int inside(const struct sipreg_uri *u, struct sipreg_str v) {
    return v.len == 0 || (v.p >= u->raw.p && v.p + v.len <= u->raw.p + u->raw.len);
}

/* Append n bytes to out (capacity checked by the caller's sizing). */
static void put(char *out, size_t *len, const char *p, size_t n) {
    if (n) memcpy(out + *len, p, n);
    *len += n;
}

/* Print u's components back into text; returns its length (out has room for raw.len + 8). */
static size_t print(const struct sipreg_uri *u, char *out) {
    size_t n = 0;
    put(out, &n, u->scheme_s.p, u->scheme_s.len);
    put(out, &n, ":", 1);
    if (u->scheme == SIPREG_SCHEME_OTHER) {
        put(out, &n, u->opaque.p, u->opaque.len);
        return n;
    }
    if (u->has_user) {
        put(out, &n, u->user.p, u->user.len);
        if (u->has_password) {
            put(out, &n, ":", 1);
            put(out, &n, u->password.p, u->password.len);
        }
        put(out, &n, "@", 1);
    } else if (u->scheme == SIPREG_SCHEME_TEL) {
        put(out, &n, u->user.p, u->user.len);
    }
    put(out, &n, u->host.p, u->host.len);
    if (u->port >= 0) {
        char digits[8];
        size_t k = sizeof digits;
        int v = u->port;
        do {
            digits[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        put(out, &n, ":", 1);
        put(out, &n, digits + k, sizeof digits - k);
    }
    put(out, &n, u->params.p, u->params.len);
    put(out, &n, u->headers.p, u->headers.len);
    return n;
}

/* Invariants of one successfully parsed URI. */
static void check_parsed(const struct sipreg_uri *u) {
    require(sipreg_uri_equal(u, u) == 1);
    require(inside(u, u->scheme_s) && inside(u, u->user) && inside(u, u->password) &&
            inside(u, u->host) && inside(u, u->params) && inside(u, u->headers) &&
            inside(u, u->opaque));
    require(u->scheme >= SIPREG_SCHEME_SIP && u->scheme <= SIPREG_SCHEME_OTHER);
    require(u->port >= -1 && u->port <= 65535);

    /* reparse raw from another buffer: the same slices */
    char *again = copy((const uint8_t *)u->raw.p, u->raw.len);
    struct sipreg_uri v;
    require(sipreg_uri_parse(&v, again, u->raw.len, NULL) == 0);
    const char *a = u->raw.p;
    require(v.scheme == u->scheme && v.port == u->port && v.host_kind == u->host_kind &&
            v.has_user == u->has_user && v.has_password == u->has_password);
    require(
        same_slice(u->scheme_s, a, v.scheme_s, again) && same_slice(u->user, a, v.user, again) &&
        same_slice(u->password, a, v.password, again) && same_slice(u->host, a, v.host, again) &&
        same_slice(u->params, a, v.params, again) && same_slice(u->headers, a, v.headers, again) &&
        same_slice(u->opaque, a, v.opaque, again));
    require(sipreg_uri_equal(u, &v) == 1 && sipreg_uri_equal(&v, u) == 1);

    /* print the components and parse again: same components, equal URI */
    char *printed = malloc(u->raw.len + 8);
    const size_t plen = print(u, printed);
    char *exact = copy((const uint8_t *)printed, plen);
    struct sipreg_uri w;
    require(sipreg_uri_parse(&w, exact, plen, NULL) == 0);
    require(w.scheme == u->scheme && w.port == u->port && w.host_kind == u->host_kind &&
            w.has_user == u->has_user && w.has_password == u->has_password);
    require(same_text(w.scheme_s, u->scheme_s) && same_text(w.user, u->user) &&
            same_text(w.password, u->password) && same_text(w.host, u->host) &&
            same_text(w.params, u->params) && same_text(w.headers, u->headers) &&
            same_text(w.opaque, u->opaque));
    require(sipreg_uri_equal(u, &w) == 1 && sipreg_uri_equal(&w, u) == 1);
    free(exact);
    free(printed);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cut = 0;
    while (cut < size && data[cut] != '\n' && data[cut] != '\t')
        cut++;
    const size_t alen = cut, boff = cut < size ? cut + 1 : 0, blen = cut < size ? size - boff : cut;
    char *a = copy(data, alen), *b = copy(data + boff, blen);
    struct sipreg_uri ua, ub;
    size_t oa = 0, ob = 0;
    const int ra = sipreg_uri_parse(&ua, a, alen, &oa);
    const int rb = sipreg_uri_parse(&ub, b, blen, &ob);
    require(ra == 0 ? oa == 0 : (ra < 0 && oa <= alen));
    require(rb == 0 ? ob == 0 : (rb < 0 && ob <= blen));
    if (ra == 0) check_parsed(&ua);
    if (rb == 0) check_parsed(&ub);
    if (ra == 0 && rb == 0) {
        const int ab = sipreg_uri_equal(&ua, &ub), ba = sipreg_uri_equal(&ub, &ua);
        require((ab == 0 || ab == 1) && ab == ba);
        require(sipreg_uri_equal_str(a, alen, b, blen) == ab);
    } else {
        const int r = sipreg_uri_equal_str(a, alen, b, blen);
        require(r == (ra < 0 ? ra : rb));
    }
    free(a);
    free(b);
    return 0;
}
