/* uri_equal.c — URI equivalence: RFC 3261 §19.1.4 for sip/sips (with RFC 5954 §4.2 for IP
 * addresses), RFC 3966 §4 for tel, and a byte comparison for other schemes. Never allocates:
 * escaped strings are compared by decoding both streams byte by byte, and parameter lists by
 * looking every parameter of one URI up in the other (both at most SIPREG__URI_MAX_PARAMS long,
 * which the parser guarantees; a longer list handed in by other means compares "different"). */
#include "uri_internal.h"

#define UNIT_KEPT 0x100u   /* an escaped character that stays distinct from its literal form */
#define UNIT_BADPCT 0x200u /* a '%' that does not start an escape (never after a parse) */

/* reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / "," (RFC 3261 §25.1). */
static int is_reserved(unsigned c) { return c != 0 && c < 128 && strchr(";/?:@&=+$,", (int)c); }

/* Next unit of the decoded stream of s at *i: the byte, plus UNIT_KEPT for an escaped reserved
 * character. RFC 3261 §19.1.4: "Characters other than those in the reserved set are equivalent
 * to their %HEX HEX encoding"; RFC 3966 §3 adds the "unsafe" set, of which only "[" and "]" can
 * appear literally in a tel URI. */
static unsigned next_unit(struct sipreg_str s, size_t *i, unsigned mode) {
    unsigned c = (unsigned char)s.p[*i];
    if (c == '%' && s.len - *i >= 3 && sipreg__hexval((unsigned char)s.p[*i + 1]) >= 0 &&
        sipreg__hexval((unsigned char)s.p[*i + 2]) >= 0) {
        c = (unsigned)(sipreg__hexval((unsigned char)s.p[*i + 1]) * 16 +
                       sipreg__hexval((unsigned char)s.p[*i + 2]));
        *i += 3;
        if (is_reserved(c) || ((mode & SIPREG__ESC_TEL) && (c == '[' || c == ']'))) c |= UNIT_KEPT;
    } else {
        *i += 1;
        if (c == '%') c |= UNIT_BADPCT;
    }
    if (mode & SIPREG__ESC_CASE) c = (c & ~0xffu) | sipreg__lower((unsigned char)(c & 0xffu));
    return c;
}

/* Compare two escaped strings unit by unit (see uri_internal.h). */
int sipreg__uri_esc_eq(struct sipreg_str a, struct sipreg_str b, unsigned mode) {
    size_t i = 0, j = 0;
    while (i < a.len && j < b.len)
        if (next_unit(a, &i, mode) != next_unit(b, &j, mode)) return 0;
    return i == a.len && j == b.len;
}

/* Find parameter `name` in list (names compared with `mode`); 1 with its value, else 0. */
static int find_param(struct sipreg_str list, char sep, struct sipreg_str name, unsigned mode,
                      struct sipreg_str *value, int *has_value) {
    struct sipreg_str n;
    int count = 0;
    while (sipreg__uri_param_next(&list, sep, &n, value, has_value)) {
        if (++count > SIPREG__URI_MAX_PARAMS) return 0;
        if (sipreg__uri_esc_eq(n, name, mode)) return 1;
    }
    return 0;
}

/* RFC 3261 §19.1.4: 1 for the parameters that never match when present in only one URI: user,
 * ttl, method (explicitly), maddr (explicitly) and transport (default-valued components). */
static int sticky_param(struct sipreg_str n) {
    static const char *const STICKY[] = {"user", "ttl", "method", "maddr", "transport"};
    for (size_t k = 0; k < sizeof STICKY / sizeof STICKY[0]; k++)
        if (sipreg__uri_esc_eq(n, sipreg__cstr(STICKY[k]), SIPREG__ESC_CASE)) return 1;
    return 0;
}

/* RFC 3261 §19.1.4, one direction: every uri-parameter of pa that is also in pb matches it
 * (names and values case-insensitive, escapes decoded); one only in pa is ignored unless sticky. */
static int sip_params_cover(struct sipreg_str pa, struct sipreg_str pb) {
    struct sipreg_str n, v, v2;
    int hv, hv2;
    for (int count = 0; sipreg__uri_param_next(&pa, ';', &n, &v, &hv);) {
        if (++count > SIPREG__URI_MAX_PARAMS) return 0;
        if (find_param(pb, ';', n, SIPREG__ESC_CASE, &v2, &hv2)) {
            if (hv != hv2 || !sipreg__uri_esc_eq(v, v2, SIPREG__ESC_CASE)) return 0;
        } else if (sticky_param(n)) {
            return 0;
        }
    }
    return 1;
}

/* The headers view without its leading '?'. */
static struct sipreg_str header_list(const struct sipreg_uri *u) {
    if (u->headers.len == 0) return u->headers;
    return sipreg__str(u->headers.p + 1, u->headers.len - 1);
}

/* Number of headers in list equal to name=value (see sip_headers_eq for the rule). */
static int header_count(struct sipreg_str list, struct sipreg_str name, struct sipreg_str value) {
    struct sipreg_str n, v;
    int hv, count = 0, matches = 0;
    while (sipreg__uri_param_next(&list, '&', &n, &v, &hv) && ++count <= SIPREG__URI_MAX_PARAMS)
        matches += sipreg__uri_esc_eq(n, name, SIPREG__ESC_CASE) && sipreg__uri_esc_eq(v, value, 0);
    return count > SIPREG__URI_MAX_PARAMS ? -1 : matches;
}

/* RFC 3261 §19.1.4: "Any present header component MUST be present in both URIs and match"; order
 * is not significant. The per-field rules of §20 are not applied: names compare case-insensitively
 * and values case-sensitively, both after %HEX decoding (reserved characters stay escaped), which
 * never equates two different values. The lists are compared as multisets, so a header repeated
 * in one URI must be repeated as often in the other. */
static int sip_headers_eq(const struct sipreg_uri *a, const struct sipreg_uri *b) {
    const struct sipreg_str ha = header_list(a), hb = header_list(b);
    for (int pass = 0; pass < 2; pass++) {
        struct sipreg_str cur = pass ? hb : ha, n, v;
        int hv, count = 0;
        while (sipreg__uri_param_next(&cur, '&', &n, &v, &hv)) {
            if (++count > SIPREG__URI_MAX_PARAMS) return 0;
            const int ca = header_count(ha, n, v), cb = header_count(hb, n, v);
            if (ca < 0 || ca != cb) return 0;
        }
    }
    return 1;
}

/* Host equality: case-insensitive (RFC 3261 §19.1.4); IP addresses by their binary value
 * (RFC 5954 §4.2). IPv4 text is canonical after parsing (no leading zeros), IPv6 text is not. */
static int host_eq(const struct sipreg_uri *a, const struct sipreg_uri *b) {
    if (a->host_kind != b->host_kind) return 0; /* §19.1.4: a name never equals its address */
    if (a->host_kind == SIPREG_HOST_IPV6 && a->host.len > 2 && b->host.len > 2) {
        uint8_t x[16], y[16];
        size_t bad;
        if (sipreg__ipv6_parse(a->host.p + 1, a->host.len - 2, x, &bad) == 0 &&
            sipreg__ipv6_parse(b->host.p + 1, b->host.len - 2, y, &bad) == 0)
            return memcmp(x, y, 16) == 0;
    }
    return sipreg__ieq(a->host, b->host);
}

/* RFC 3261 §19.1.4 for two sip (or two sips) URIs. */
static int sip_equal(const struct sipreg_uri *a, const struct sipreg_uri *b) {
    /* "A URI omitting the user component will not match a URI that includes one", same for the
     * password; userinfo is case-sensitive, escapes of unreserved characters decoded. */
    if (a->has_user != b->has_user || a->has_password != b->has_password) return 0;
    if (!sipreg__uri_esc_eq(a->user, b->user, 0) ||
        !sipreg__uri_esc_eq(a->password, b->password, 0))
        return 0;
    if (!host_eq(a, b)) return 0;
    /* "a URI omitting the optional port component will not match a URI explicitly declaring
     * port 5060": -1 (absent) differs from every explicit port */
    if (a->port != b->port) return 0;
    /* uri-parameters, checked from both sides (order not significant) */
    if (!sip_params_cover(a->params, b->params) || !sip_params_cover(b->params, a->params))
        return 0;
    return sip_headers_eq(a, b);
}

/* RFC 3966 §4: digit strings equal "after removing all visual separators", ignoring case. */
static int digits_eq(struct sipreg_str a, struct sipreg_str b) {
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a.len && sipreg__is_visual((unsigned char)a.p[i]))
            i++;
        while (j < b.len && sipreg__is_visual((unsigned char)b.p[j]))
            j++;
        if (i == a.len || j == b.len) return i == a.len && j == b.len;
        if (sipreg__lower((unsigned char)a.p[i++]) != sipreg__lower((unsigned char)b.p[j++]))
            return 0;
    }
}

/* RFC 3966 §4: compare two values of tel parameter `name`. */
static int tel_value_eq(struct sipreg_str name, struct sipreg_str va, struct sipreg_str vb) {
    if (sipreg__ieq_lit(name, "phone-context")) {
        /* "compared as a host name if it is a domainname or digit by digit if it is
         * global-number-digits" (after removing visual separators) */
        const int ga = va.len > 0 && va.p[0] == '+', gb = vb.len > 0 && vb.p[0] == '+';
        if (ga != gb) return 0;
        return ga ? digits_eq(va, vb) : sipreg__ieq(va, vb);
    }
    if (sipreg__ieq_lit(name, "ext")) return digits_eq(va, vb); /* 1*phonedigit */
    /* "URI comparisons are case-insensitive" */
    return sipreg__uri_esc_eq(va, vb, SIPREG__ESC_CASE | SIPREG__ESC_TEL);
}

/* RFC 3966 §4, one direction: every parameter of pa is in pb with an equal value. */
static int tel_params_cover(struct sipreg_str pa, struct sipreg_str pb) {
    struct sipreg_str n, v, v2;
    int hv, hv2;
    for (int count = 0; sipreg__uri_param_next(&pa, ';', &n, &v, &hv);) {
        if (++count > SIPREG__URI_MAX_PARAMS) return 0;
        /* "If one URI has a parameter name not found in the other, the two URIs are not equal" */
        if (!find_param(pb, ';', n, SIPREG__ESC_CASE | SIPREG__ESC_TEL, &v2, &hv2)) return 0;
        if (hv != hv2 || !tel_value_eq(n, v, v2)) return 0;
    }
    return 1;
}

/* RFC 3966 §4 for two tel URIs. */
static int tel_equal(const struct sipreg_uri *a, const struct sipreg_uri *b) {
    /* "Both must be either a 'local-number' or a 'global-number'" */
    const int ga = a->user.len > 0 && a->user.p[0] == '+';
    const int gb = b->user.len > 0 && b->user.p[0] == '+';
    if (ga != gb || !digits_eq(a->user, b->user)) return 0;
    return tel_params_cover(a->params, b->params) && tel_params_cover(b->params, a->params);
}

/* Other schemes: scheme case-insensitive, the rest byte-equal except for the case of the two hex
 * digits of each %HEX escape (RFC 3261 §25.1 absoluteURI; no scheme-specific rules). */
static int other_equal(const struct sipreg_uri *a, const struct sipreg_uri *b) {
    if (!sipreg__ieq(a->scheme_s, b->scheme_s) || a->opaque.len != b->opaque.len) return 0;
    int hex = 0; /* hex digits of an escape still to come (same in both: the bytes so far match) */
    for (size_t i = 0; i < a->opaque.len; i++) {
        unsigned char x = (unsigned char)a->opaque.p[i], y = (unsigned char)b->opaque.p[i];
        if (hex > 0) {
            hex--;
            x = sipreg__lower(x);
            y = sipreg__lower(y);
        } else if (x == '%') {
            hex = 2;
        }
        if (x != y) return 0;
    }
    return 1;
}

/* RFC 3261 §19.1.4 / RFC 3966 §4 equivalence of two parsed URIs (see sipreg.h). */
int sipreg_uri_equal(const struct sipreg_uri *a, const struct sipreg_uri *b) {
    if (!a || !b) return 0;
    /* §19.1.4: "A SIP and SIPS URI are never equivalent"; other pairs of kinds neither */
    if (a->scheme != b->scheme) return 0;
    switch (a->scheme) {
    case SIPREG_SCHEME_SIP:
    case SIPREG_SCHEME_SIPS:
        return sip_equal(a, b);
    case SIPREG_SCHEME_TEL:
        return tel_equal(a, b);
    case SIPREG_SCHEME_OTHER:
        return other_equal(a, b);
    default:
        return 0;
    }
}

/* Parse both texts, then compare them (see sipreg.h). */
int sipreg_uri_equal_str(const char *a, size_t alen, const char *b, size_t blen) {
    struct sipreg_uri ua, ub;
    int r = sipreg_uri_parse(&ua, a, alen, NULL);
    if (r < 0) return r;
    r = sipreg_uri_parse(&ub, b, blen, NULL);
    if (r < 0) return r;
    return sipreg_uri_equal(&ua, &ub);
}
