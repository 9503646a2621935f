/* test_uri.c — the URI module: every row of tests/vectors/uri_parse.txt and uri_equal.txt (read
 * from the repo root, ctest's working directory), plus direct API checks: parameter lookup,
 * argument errors, limits, and no reads past `len`. */
#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

/* Value of a hex digit, or -1. */
static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A vector field decoded (\xHH -> byte) into its own malloc'd buffer of exactly its length, so
 * that AddressSanitizer catches any read past `len`. */
struct field {
    char *p;
    size_t len;
};

/* Decode a field of the vector file. */
static struct field field_decode(const char *s, size_t n) {
    struct field f;
    char *tmp = malloc(n + 1);
    f.len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 &&
            hexval(s[i + 3]) >= 0) {
            tmp[f.len++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
            i += 3;
        } else {
            tmp[f.len++] = s[i];
        }
    }
    f.p = malloc(f.len ? f.len : 1);
    memcpy(f.p, tmp, f.len);
    free(tmp);
    return f;
}

/* Split line[0..n) at tabs into up to `max` fields; returns the number of fields. */
static size_t split_tabs(const char *line, size_t n, const char **starts, size_t *lens,
                         size_t max) {
    size_t k = 0, b = 0;
    for (size_t i = 0; i <= n && k < max; i++) {
        if (i == n || line[i] == '\t') {
            starts[k] = line + b;
            lens[k] = i - b;
            k++;
            b = i + 1;
        }
    }
    return k;
}

/* Append a view to a '|'-joined description. */
static void put(char *out, size_t cap, size_t *len, const char *p, size_t n) {
    for (size_t i = 0; i < n && *len + 1 < cap; i++)
        out[(*len)++] = p[i];
    out[*len] = 0;
}

/* The "scheme|user|password|host|port|params|headers" description of a parsed URI. */
static void describe(const struct sipreg_uri *u, char *out, size_t cap) {
    size_t n = 0;
    char port[16];
    out[0] = 0;
    put(out, cap, &n, u->scheme_s.p, u->scheme_s.len);
    put(out, cap, &n, "|", 1);
    if (u->scheme == SIPREG_SCHEME_OTHER)
        put(out, cap, &n, u->opaque.p, u->opaque.len);
    else
        put(out, cap, &n, u->user.p, u->user.len);
    put(out, cap, &n, "|", 1);
    if (u->has_password && u->password.len == 0)
        put(out, cap, &n, "<empty>", 7);
    else
        put(out, cap, &n, u->password.p, u->password.len);
    put(out, cap, &n, "|", 1);
    put(out, cap, &n, u->host.p, u->host.len);
    put(out, cap, &n, "|", 1);
    if (u->port >= 0) {
        snprintf(port, sizeof port, "%d", u->port);
        put(out, cap, &n, port, strlen(port));
    }
    put(out, cap, &n, "|", 1);
    put(out, cap, &n, u->params.p, u->params.len);
    put(out, cap, &n, "|", 1);
    put(out, cap, &n, u->headers.p, u->headers.len);
}

/* 1 when the view equals the NUL-terminated literal ignoring ASCII case. */
static int ieq(struct sipreg_str s, const char *lit) {
    if (s.len != strlen(lit)) return 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != lit[i]) return 0;
    }
    return 1;
}

/* Every view of u lies inside u->raw (or is empty). */
static int views_inside(const struct sipreg_uri *u) {
    const struct sipreg_str v[] = {u->scheme_s, u->user,    u->password, u->host,
                                   u->params,   u->headers, u->opaque};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i].len && (v[i].p < u->raw.p || v[i].p + v[i].len > u->raw.p + u->raw.len)) return 0;
    return 1;
}

/* Check one uri_parse.txt row. */
static void parse_row(int line, const char **f, const size_t *fl, size_t nf) {
    struct field uri = field_decode(f[1], fl[1]);
    struct sipreg_uri u;
    size_t off = 12345;
    const int r = sipreg_uri_parse(&u, uri.p, uri.len, &off);
    if (fl[0] == 2 && memcmp(f[0], "ok", 2) == 0 && nf == 3) {
        char got[1024], want[1024];
        CHECK_MSG(r == 0, "line %d: %.*s: %s at %zu", line, (int)fl[1], f[1], sipreg_errname(r),
                  off);
        if (r == 0) {
            describe(&u, got, sizeof got);
            snprintf(want, sizeof want, "%.*s", (int)fl[2], f[2]);
            CHECK_MSG(strcmp(got, want) == 0, "line %d: got %s, want %s", line, got, want);
            /* the kind follows the scheme; the host kind follows the host text */
            int kind = ieq(u.scheme_s, "sip")    ? SIPREG_SCHEME_SIP
                       : ieq(u.scheme_s, "sips") ? SIPREG_SCHEME_SIPS
                       : ieq(u.scheme_s, "tel")  ? SIPREG_SCHEME_TEL
                                                 : SIPREG_SCHEME_OTHER;
            CHECK_MSG(u.scheme == kind, "line %d: scheme kind %d", line, u.scheme);
            if (kind <= SIPREG_SCHEME_SIPS) {
                int hk = SIPREG_HOST_IPV4;
                for (size_t i = 0; i < u.host.len; i++)
                    if (!(u.host.p[i] == '.' || (u.host.p[i] >= '0' && u.host.p[i] <= '9')))
                        hk = SIPREG_HOST_NAME;
                if (u.host.len && u.host.p[0] == '[') hk = SIPREG_HOST_IPV6;
                CHECK_MSG(u.host_kind == hk, "line %d: host kind %d, want %d", line, u.host_kind,
                          hk);
                CHECK_MSG(u.has_user == (u.user.len > 0), "line %d: has_user", line);
            } else {
                CHECK_MSG(u.host_kind == 0 && u.port == -1 && u.host.len == 0, "line %d", line);
            }
            CHECK_MSG(u.raw.p == uri.p && u.raw.len == uri.len, "line %d: raw", line);
            CHECK_MSG(views_inside(&u), "line %d: views outside raw", line);
            CHECK_MSG(sipreg_uri_equal(&u, &u) == 1, "line %d: not reflexive", line);
            CHECK_INT(off, 0);
        }
    } else if (fl[0] == 5 && memcmp(f[0], "error", 5) == 0 && nf == 4) {
        char want[64];
        snprintf(want, sizeof want, "%.*s", (int)fl[2], f[2]);
        const size_t want_off = (size_t)strtoul(f[3], NULL, 10);
        CHECK_MSG(r < 0 && strcmp(sipreg_errname(r), want) == 0, "line %d: %.*s: got %s, want %s",
                  line, (int)fl[1], f[1], sipreg_errname(r), want);
        CHECK_MSG(off == want_off, "line %d: %.*s: offset %zu, want %zu", line, (int)fl[1], f[1],
                  off, want_off);
        CHECK(off <= uri.len);
    } else {
        CHECK_MSG(0, "uri_parse.txt line %d: malformed row", line);
    }
    free(uri.p);
}

/* Check one uri_equal.txt row, in both orders. */
static void equal_row(int line, const char **f, const size_t *fl, size_t nf) {
    struct field a = field_decode(f[1], fl[1]), b = field_decode(f[2], fl[2]);
    const int ab = sipreg_uri_equal_str(a.p, a.len, b.p, b.len);
    const int ba = sipreg_uri_equal_str(b.p, b.len, a.p, a.len);
    int want = -100;
    if (nf == 3 && fl[0] == 5 && memcmp(f[0], "equal", 5) == 0) want = 1;
    if (nf == 3 && fl[0] == 9 && memcmp(f[0], "different", 9) == 0) want = 0;
    if (nf == 3 && fl[0] == 5 && memcmp(f[0], "error", 5) == 0) want = -1;
    CHECK_MSG(want != -100, "uri_equal.txt line %d: malformed row", line);
    if (want >= 0) {
        CHECK_MSG(ab == want && ba == want, "line %d: %.*s vs %.*s: got %d/%d, want %d", line,
                  (int)a.len, a.p, (int)b.len, b.p, ab, ba, want);
        struct sipreg_uri ua, ub;
        if (sipreg_uri_parse(&ua, a.p, a.len, NULL) == 0 &&
            sipreg_uri_parse(&ub, b.p, b.len, NULL) == 0) {
            CHECK_MSG(sipreg_uri_equal(&ua, &ua) == 1 && sipreg_uri_equal(&ub, &ub) == 1,
                      "line %d: not reflexive", line);
            CHECK_MSG(sipreg_uri_equal(&ua, &ub) == sipreg_uri_equal(&ub, &ua),
                      "line %d: not symmetric", line);
        }
    } else if (want == -1) {
        CHECK_MSG(ab < 0 && ba < 0, "line %d: %.*s vs %.*s: got %d/%d, want errors", line,
                  (int)a.len, a.p, (int)b.len, b.p, ab, ba);
    }
    free(a.p);
    free(b.p);
}

/* Run `fn` on every row of a vector file; returns the number of rows. */
static int for_rows(const char *path, void (*fn)(int, const char **, const size_t *, size_t)) {
    size_t len = 0;
    char *buf = check_read_file(path, &len);
    int rows = 0, line = 0;
    CHECK_MSG(buf != NULL, "cannot read %s (run from the repo root)", path);
    if (!buf) return 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && buf[e] != '\n')
            e++;
        size_t n = e - i;
        if (n && buf[i + n - 1] == '\r') n--;
        line++;
        if (n && buf[i] != '#') {
            const char *f[6];
            size_t fl[6];
            const size_t nf = split_tabs(buf + i, n, f, fl, 6);
            fn(line, f, fl, nf);
            rows++;
        }
        i = e + 1;
    }
    free(buf);
    return rows;
}

/* Build "sip:h.example" followed by n copies of `item` (each formatted with its index). */
static size_t build(char *out, size_t cap, const char *head, const char *fmt, int n) {
    size_t len = (size_t)snprintf(out, cap, "%s", head);
    for (int i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, fmt, i);
    return len;
}

/* Direct API checks beyond the vector tables. */
static void api_checks(void) {
    struct sipreg_uri u;
    struct sipreg_str v;
    int hv = -1;
    size_t off = 99;

    /* sipreg_uri_param: case-insensitive names, escapes decoded, value views keep escapes */
    const char *s = "sip:alice@atlanta.com;transport=tcp;lr;%6Daddr=1.2.3.4;x=%41";
    CHECK_INT(sipreg_uri_parse(&u, s, strlen(s), &off), 0);
    CHECK_INT(sipreg_uri_param(&u, "transport", &v, &hv), 1);
    CHECK_STR(v, "tcp");
    CHECK_INT(hv, 1);
    CHECK_INT(sipreg_uri_param(&u, "TRANSPORT", &v, &hv), 1);
    CHECK_INT(sipreg_uri_param(&u, "lr", &v, &hv), 1);
    CHECK_INT(hv, 0);
    CHECK_INT(v.len, 0);
    CHECK_INT(sipreg_uri_param(&u, "maddr", &v, &hv), 1);
    CHECK_STR(v, "1.2.3.4");
    CHECK_INT(sipreg_uri_param(&u, "x", &v, NULL), 1);
    CHECK_STR(v, "%41");
    CHECK_INT(sipreg_uri_param(&u, "user", &v, &hv), 0);
    CHECK_INT(sipreg_uri_param(&u, "l", NULL, NULL), 0);
    CHECK_INT(sipreg_uri_param(NULL, "lr", &v, &hv), SIPREG_E_INVAL);
    CHECK_INT(sipreg_uri_param(&u, NULL, &v, &hv), SIPREG_E_INVAL);
    s = "sip:alice@atlanta.com?transport=tcp";
    CHECK_INT(sipreg_uri_parse(&u, s, strlen(s), NULL), 0);
    CHECK_INT(sipreg_uri_param(&u, "transport", &v, &hv), 0); /* a header, not a parameter */
    s = "tel:7042;phone-context=example.com;ext=12";
    CHECK_INT(sipreg_uri_parse(&u, s, strlen(s), NULL), 0);
    CHECK_INT(sipreg_uri_param(&u, "Phone-Context", &v, &hv), 1);
    CHECK_STR(v, "example.com");
    CHECK_STR(u.user, "7042");
    s = "urn:uuid:00000000-0000-0000-0000-000000000000;x=1";
    CHECK_INT(sipreg_uri_parse(&u, s, strlen(s), NULL), 0);
    CHECK_INT(sipreg_uri_param(&u, "x", &v, &hv), 0); /* opaque: no parameters */

    /* argument errors */
    CHECK_INT(sipreg_uri_parse(NULL, "sip:a", 5, &off), SIPREG_E_INVAL);
    CHECK_INT(sipreg_uri_parse(&u, NULL, 3, &off), SIPREG_E_INVAL);
    CHECK_INT(sipreg_uri_parse(&u, NULL, 0, &off), SIPREG_E_URI_SCHEME);
    CHECK_INT(off, 0);
    CHECK_INT(sipreg_uri_equal(NULL, &u), 0);
    CHECK_INT(sipreg_uri_equal(&u, NULL), 0);

    /* sipreg_uri_equal_str reports the first parse error of either side */
    CHECK_INT(sipreg_uri_equal_str("sip:a@", 6, "sip:a@b", 7), SIPREG_E_URI_HOST);
    CHECK_INT(sipreg_uri_equal_str("sip:a@b", 7, "sip:a@b:70000", 13), SIPREG_E_URI_PORT);
    CHECK_INT(sipreg_uri_equal_str("sip:%@b", 7, "sip:a@b", 7), SIPREG_E_URI_ESCAPE);
    CHECK_INT(sipreg_uri_equal_str("a@b", 3, "sip:a@b", 7), SIPREG_E_URI_SCHEME);
    CHECK_INT(sipreg_uri_equal_str("sip:a@b", 7, "sip:a@b", 7), 1);

    /* len bounds the text: a prefix of a longer string parses on its own */
    s = "sip:alice@atlanta.com;transport=tcp";
    CHECK_INT(sipreg_uri_parse(&u, s, 21, NULL), 0);
    CHECK_INT(u.params.len, 0);
    CHECK_STR(u.host, "atlanta.com");
    /* every prefix of every kind, each in an exact-size buffer (ASan sees over-reads) */
    const char *kinds[] = {"sip:al%41ce:pw@[2001:db8::1.2.3.4]:5060;a=%42;lr?h=%43&i=",
                           "tel:863-1234;phone-context=+1-914-555;isub=a:b",
                           "http://[::1]:80/a%20b?c"};
    for (size_t k = 0; k < 3; k++) {
        const size_t n = strlen(kinds[k]);
        for (size_t cut = 0; cut <= n; cut++) {
            char *exact = malloc(cut ? cut : 1);
            memcpy(exact, kinds[k], cut);
            const int r = sipreg_uri_parse(&u, exact, cut, &off);
            CHECK(r == 0 || off <= cut);
            if (r == 0) CHECK(sipreg_uri_equal(&u, &u) == 1);
            free(exact);
        }
    }

    /* parameter and header limits (SIPREG_E_LIMIT past 64, at the 65th separator) */
    static char big[70000];
    size_t n = build(big, sizeof big, "sip:h.example", ";p%d=1", 64);
    CHECK_INT(sipreg_uri_parse(&u, big, n, &off), 0);
    CHECK_INT(sipreg_uri_equal(&u, &u), 1);
    n = build(big, sizeof big, "sip:h.example", ";p%d=1", 65);
    CHECK_INT(sipreg_uri_parse(&u, big, n, &off), SIPREG_E_LIMIT);
    CHECK(off < n && big[off] == ';');
    n = build(big, sizeof big, "sip:h.example?h=0", "&h%d=1", 63);
    CHECK_INT(sipreg_uri_parse(&u, big, n, &off), 0);
    n = build(big, sizeof big, "sip:h.example?h=0", "&h%d=1", 64);
    CHECK_INT(sipreg_uri_parse(&u, big, n, &off), SIPREG_E_LIMIT);
    n = build(big, sizeof big, "tel:+1", ";p%d", 65);
    CHECK_INT(sipreg_uri_parse(&u, big, n, &off), SIPREG_E_LIMIT);

    /* a message-sized URI: 64 long parameters and 64 long headers compare quickly */
    n = (size_t)snprintf(big, sizeof big, "sip:h.example");
    for (int i = 0; i < 64; i++) {
        n += (size_t)snprintf(big + n, sizeof big - n, ";p%d=", i);
        for (int k = 0; k < 400; k++)
            big[n++] = (char)('a' + (i + k) % 26);
    }
    big[n++] = '?';
    for (int i = 0; i < 64; i++) {
        n += (size_t)snprintf(big + n, sizeof big - n, "%sh=", i ? "&" : "");
        for (int k = 0; k < 150; k++) {
            memcpy(big + n, "%41", 3);
            n += 3;
        }
    }
    CHECK(n < sizeof big);
    struct sipreg_uri w;
    CHECK_INT(sipreg_uri_parse(&u, big, n, &off), 0);
    CHECK_INT(sipreg_uri_parse(&w, big, n, &off), 0);
    CHECK_INT(sipreg_uri_equal(&u, &w), 1);
}

int main(void) {
    const int prow = for_rows("tests/vectors/uri_parse.txt", parse_row);
    const int erow = for_rows("tests/vectors/uri_equal.txt", equal_row);
    CHECK_MSG(prow >= 40, "uri_parse.txt has %d rows", prow);
    CHECK_MSG(erow >= 40, "uri_equal.txt has %d rows", erow);
    printf("uri: %d parse rows, %d equality rows\n", prow, erow);
    api_checks();
    return check_done("uri");
}
