/* uri.c — URI parsing: sip/sips (RFC 3261 §19.1.1, §25.1, RFC 5954 §4.1), tel (RFC 3966 §3) and
 * other absolute URIs (RFC 3261 §25.1 absoluteURI), plus uri-parameter lookup. Zero-copy: every
 * view points into the caller's text; the text is not NUL-terminated and never read past len. */
#include "uri_internal.h"

/* Parser state: the input and the offset of the first bad byte. */
struct uparse {
    const char *s; /* the URI text */
    size_t len;    /* its length */
    size_t err;    /* offset of the error, when one is returned */
};

/* Record the error offset and return the code. */
static int fail(struct uparse *ps, size_t off, int code) {
    ps->err = off;
    return code;
}

/* 1 when c is an ASCII digit. */
SIPREG__INLINE int is_digit(unsigned char c) { return sipreg__is(c, SIPREG__C_DIGIT); }

/* 1 when c is an ASCII letter. */
SIPREG__INLINE int is_alpha(unsigned char c) {
    return sipreg__is(c, SIPREG__C_ALNUM) && !is_digit(c);
}

/* 1 when c is one of the NUL-terminated set `extra` (c != 0). */
static int in_set(unsigned char c, const char *extra) {
    return c != 0 && extra != NULL && strchr(extra, c) != NULL;
}

/* Scan s[i..end) over bytes of class `cls`, bytes in `extra` and escapes; stop at any other byte.
 * Returns the stop offset, or SIPREG_E_URI_ESCAPE for a '%' not followed by two hex digits. */
static long scan(struct uparse *ps, size_t i, size_t end, unsigned cls, const char *extra) {
    while (i < end) {
        const unsigned char c = (unsigned char)ps->s[i];
        if (c == '%') {
            /* escaped = "%" HEXDIG HEXDIG (RFC 3261 §25.1) */
            if (end - i < 3 || sipreg__hexval((unsigned char)ps->s[i + 1]) < 0 ||
                sipreg__hexval((unsigned char)ps->s[i + 2]) < 0)
                return fail(ps, i, SIPREG_E_URI_ESCAPE);
            i += 3;
        } else if (sipreg__is(c, cls) || in_set(c, extra)) {
            i++;
        } else {
            break;
        }
    }
    return (long)i;
}

/* IPv4address = dec-octet 3( "." dec-octet ) (RFC 3986 §3.2.2, required by RFC 5954 §4.1: no
 * leading zeros, each octet 0..255). Returns 0, or -1 with *bad = index of the first bad byte. */
static int ipv4_parse(const char *p, size_t n, uint8_t out[4], size_t *bad) {
    size_t i = 0;
    for (int k = 0; k < 4; k++) {
        if (k > 0) {
            if (i >= n || p[i] != '.') {
                *bad = i;
                return -1;
            }
            i++;
        }
        size_t j = i;
        unsigned v = 0;
        while (j < n && j - i < 3 && is_digit((unsigned char)p[j]))
            v = v * 10 + (unsigned)(p[j++] - '0');
        if (j == i || (j - i > 1 && p[i] == '0') || v > 255) {
            *bad = i;
            return -1;
        }
        out[k] = (uint8_t)v;
        i = j;
    }
    if (i != n) {
        *bad = i;
        return -1;
    }
    return 0;
}

/* IPv6 text to 16 bytes (see uri_internal.h). */
int sipreg__ipv6_parse(const char *p, size_t n, uint8_t out[16], size_t *bad) {
    /* IPv6address (RFC 3986 §3.2.2): eight h16, or fewer around one "::"; ls32 may be IPv4. */
    unsigned g[8];
    size_t ng = 0, i = 0;
    long dbl = -1; /* index in g where "::" stands, or -1 */
    if (n >= 2 && p[0] == ':' && p[1] == ':') {
        dbl = 0;
        i = 2;
    } else if (n > 0 && p[0] == ':') {
        *bad = 0; /* a single leading ':' */
        return -1;
    }
    while (i < n) {
        size_t j = i;
        unsigned v = 0;
        while (j < n && j - i < 5 && sipreg__hexval((unsigned char)p[j]) >= 0)
            v = v * 16 + (unsigned)sipreg__hexval((unsigned char)p[j++]);
        if (j < n && p[j] == '.') {
            /* ls32 = ( h16 ":" h16 ) / IPv4address: the last 32 bits only */
            uint8_t v4[4];
            size_t b4 = 0;
            if (ng > 6 || ipv4_parse(p + i, n - i, v4, &b4) != 0) {
                *bad = ng > 6 ? i : i + b4;
                return -1;
            }
            g[ng++] = (unsigned)v4[0] << 8 | v4[1];
            g[ng++] = (unsigned)v4[2] << 8 | v4[3];
            i = n;
            break;
        }
        /* h16 = 1*4HEXDIG */
        if (j == i || j - i > 4 || ng == 8) {
            *bad = j - i > 4 ? i + 4 : i;
            return -1;
        }
        g[ng++] = v;
        i = j;
        if (i == n) break;
        if (p[i] != ':') {
            *bad = i;
            return -1;
        }
        i++;
        if (i < n && p[i] == ':') {
            if (dbl >= 0 || ng == 8) { /* at most one "::", and it stands for >= 1 group */
                *bad = i;
                return -1;
            }
            dbl = (long)ng;
            i++;
        } else if (i == n) { /* a single trailing ':' */
            *bad = i - 1;
            return -1;
        }
    }
    /* Without "::" exactly 8 groups; "::" stands for at least one zero group. */
    if (dbl < 0 ? ng != 8 : ng > 7) {
        *bad = n;
        return -1;
    }
    memset(out, 0, 16);
    const size_t head = dbl < 0 ? ng : (size_t)dbl, tail = ng - head;
    for (size_t k = 0; k < head; k++) {
        out[2 * k] = (uint8_t)(g[k] >> 8);
        out[2 * k + 1] = (uint8_t)g[k];
    }
    for (size_t k = 0; k < tail; k++) {
        out[16 - 2 * tail + 2 * k] = (uint8_t)(g[head + k] >> 8);
        out[16 - 2 * tail + 2 * k + 1] = (uint8_t)g[head + k];
    }
    return 0;
}

/* hostname = *( domainlabel "." ) toplabel [ "." ] (RFC 3261 §25.1; also RFC 3966 domainname).
 * Returns 0, or -1 with *bad = index of the first bad byte. */
static int hostname_check(const char *p, size_t n, size_t *bad) {
    size_t i = 0, last = 0;
    if (n == 0) {
        *bad = 0;
        return -1;
    }
    while (i < n) {
        /* domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum */
        size_t j = i;
        while (j < n && (sipreg__is((unsigned char)p[j], SIPREG__C_ALNUM) || p[j] == '-'))
            j++;
        if (j == i || p[i] == '-') {
            *bad = i;
            return -1;
        }
        if (p[j - 1] == '-') {
            *bad = j - 1;
            return -1;
        }
        last = i;
        if (j == n) break;
        if (p[j] != '.') {
            *bad = j;
            return -1;
        }
        i = j + 1; /* a final "." ends the loop with i == n */
    }
    /* toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum */
    if (!is_alpha((unsigned char)p[last])) {
        *bad = last;
        return -1;
    }
    return 0;
}

/* Next parameter of a validated URI list, with whether it has a value (see uri_internal.h). */
int sipreg__uri_param_next(struct sipreg_str *cursor, char sep, struct sipreg_str *name,
                           struct sipreg_str *value, int *has_value) {
    if (cursor->len == 0) return 0;
    const char *end = cursor->p + cursor->len;
    const int r = sipreg_param_next(cursor, sep, name, value, NULL);
    if (r != 1) return 0;
    /* Validated URI lists hold no whitespace or quotes: '=' directly follows a name. */
    *has_value = name->p + name->len < end && name->p[name->len] == '=';
    return 1;
}

/* 1 when a parameter named like `name` occurs in list (escapes decoded, case ignored). */
static int has_param(struct sipreg_str list, char sep, struct sipreg_str name) {
    struct sipreg_str n, v;
    int hv;
    while (sipreg__uri_param_next(&list, sep, &n, &v, &hv))
        if (sipreg__uri_esc_eq(n, name, SIPREG__ESC_CASE)) return 1;
    return 0;
}

/* host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1, RFC 5954 §4.1), then the byte
 * after it must end the hostport. Returns the offset after the host, or a negative error. */
static long parse_host(struct uparse *ps, struct sipreg_uri *u, size_t i) {
    const char *s = ps->s;
    const size_t len = ps->len, h = i;
    size_t bad = 0;
    if (i < len && s[i] == '[') {
        /* IPv6reference = "[" IPv6address "]" */
        size_t j = i + 1;
        while (j < len && (sipreg__hexval((unsigned char)s[j]) >= 0 || s[j] == ':' || s[j] == '.'))
            j++;
        if (j >= len || s[j] != ']') return fail(ps, j, SIPREG_E_URI_HOST);
        uint8_t bin[16];
        if (sipreg__ipv6_parse(s + i + 1, j - i - 1, bin, &bad) != 0)
            return fail(ps, i + 1 + bad, SIPREG_E_URI_HOST);
        u->host_kind = SIPREG_HOST_IPV6;
        i = j + 1;
    } else {
        int dotted = 1; /* only digits and dots so far */
        while (i < len &&
               (sipreg__is((unsigned char)s[i], SIPREG__C_ALNUM) || s[i] == '-' || s[i] == '.')) {
            dotted &= is_digit((unsigned char)s[i]) || s[i] == '.';
            i++;
        }
        /* §19.1.1: the host is mandatory; §19.1.2: no escapes in the host. */
        if (i == h) return fail(ps, h, SIPREG_E_URI_HOST);
        if (dotted) {
            uint8_t v4[4];
            if (ipv4_parse(s + h, i - h, v4, &bad) != 0)
                return fail(ps, h + bad, SIPREG_E_URI_HOST);
            u->host_kind = SIPREG_HOST_IPV4;
        } else {
            if (hostname_check(s + h, i - h, &bad) != 0)
                return fail(ps, h + bad, SIPREG_E_URI_HOST);
            u->host_kind = SIPREG_HOST_NAME;
        }
    }
    /* hostport = host [ ":" port ], then uri-parameters and headers */
    if (i < len && s[i] != ':' && s[i] != ';' && s[i] != '?') return fail(ps, i, SIPREG_E_URI_HOST);
    u->host = sipreg__str(s + h, i - h);
    return (long)i;
}

/* uri-parameters = *( ";" uri-parameter ), other-param = pname [ "=" pvalue ] (RFC 3261 §25.1);
 * every specific uri-parameter is also an other-param, so this is the whole grammar. */
static long parse_sip_params(struct uparse *ps, struct sipreg_uri *u, size_t i) {
    const char *s = ps->s;
    const size_t len = ps->len, p0 = i;
    int count = 0;
    while (i < len && s[i] == ';') {
        if (++count > SIPREG__URI_MAX_PARAMS) return fail(ps, i, SIPREG_E_LIMIT);
        const size_t n0 = i + 1;
        /* pname = 1*paramchar; paramchar = param-unreserved / unreserved / escaped */
        long j = scan(ps, n0, len, SIPREG__C_PARAMCHAR, NULL);
        if (j < 0) return j;
        if ((size_t)j == n0) return fail(ps, n0, SIPREG_E_URI);
        const struct sipreg_str name = sipreg__str(s + n0, (size_t)j - n0);
        if ((size_t)j < len && s[j] == '=') {
            /* pvalue = 1*paramchar */
            const size_t v0 = (size_t)j + 1;
            j = scan(ps, v0, len, SIPREG__C_PARAMCHAR, NULL);
            if (j < 0) return j;
            if ((size_t)j == v0) return fail(ps, v0, SIPREG_E_URI);
        }
        if ((size_t)j < len && s[j] != ';' && s[j] != '?') return fail(ps, (size_t)j, SIPREG_E_URI);
        /* §19.1.1: "any given parameter-name MUST NOT appear more than once" */
        if (has_param(sipreg__str(s + p0, i - p0), ';', name)) return fail(ps, n0, SIPREG_E_URI);
        i = (size_t)j;
    }
    u->params = sipreg__str(s + p0, i - p0);
    return (long)i;
}

/* headers = "?" header *( "&" header ); header = hname "=" hvalue (RFC 3261 §25.1). */
static long parse_sip_headers(struct uparse *ps, struct sipreg_uri *u, size_t i) {
    const char *s = ps->s;
    const size_t len = ps->len, h0 = i;
    int count = 0;
    if (i >= len || s[i] != '?') return (long)i;
    do {
        if (++count > SIPREG__URI_MAX_PARAMS) return fail(ps, i, SIPREG_E_LIMIT);
        const size_t n0 = ++i; /* past '?' or '&' */
        /* hname = 1*( hnv-unreserved / unreserved / escaped ) */
        long j = scan(ps, n0, len, SIPREG__C_HNVCHAR, NULL);
        if (j < 0) return j;
        if ((size_t)j == n0) return fail(ps, n0, SIPREG_E_URI);
        if ((size_t)j >= len || s[j] != '=') return fail(ps, (size_t)j, SIPREG_E_URI);
        /* hvalue = *( hnv-unreserved / unreserved / escaped ) */
        j = scan(ps, (size_t)j + 1, len, SIPREG__C_HNVCHAR, NULL);
        if (j < 0) return j;
        if ((size_t)j < len && s[j] != '&') return fail(ps, (size_t)j, SIPREG_E_URI);
        i = (size_t)j;
    } while (i < len);
    u->headers = sipreg__str(s + h0, i - h0);
    return (long)i;
}

/* SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ] (RFC 3261 §25.1). */
static int parse_sip(struct uparse *ps, struct sipreg_uri *u, size_t i) {
    const char *s = ps->s;
    const size_t len = ps->len;
    /* userinfo = ( user / telephone-subscriber ) [ ":" password ] "@". No other component may
     * hold a literal '@' (host, paramchar and hnv chars exclude it), so the first '@' ends it. */
    const char *at = memchr(s + i, '@', len - i);
    if (at) {
        const size_t a = (size_t)(at - s);
        /* user = 1*( unreserved / escaped / user-unreserved ), user-unreserved = "&=+$,;?/";
         * §25.1: telephone-subscriber chars outside this set must be escaped, so one rule. */
        long j = scan(ps, i, a, SIPREG__C_UNRESERVED, "&=+$,;?/");
        if (j < 0) return (int)j;
        /* §19.1.1: "If the @ sign is present ... the user field MUST NOT be empty." */
        if ((size_t)j == i) return fail(ps, i, SIPREG_E_URI);
        u->user = sipreg__str(s + i, (size_t)j - i);
        u->has_user = 1;
        if ((size_t)j < a) {
            if (s[j] != ':') return fail(ps, (size_t)j, SIPREG_E_URI);
            /* password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
            const size_t p0 = (size_t)j + 1;
            j = scan(ps, p0, a, SIPREG__C_UNRESERVED, "&=+$,");
            if (j < 0) return (int)j;
            if ((size_t)j < a) return fail(ps, (size_t)j, SIPREG_E_URI);
            u->password = sipreg__str(s + p0, a - p0);
            u->has_password = 1;
        }
        i = a + 1;
    }
    long r = parse_host(ps, u, i);
    if (r < 0) return (int)r;
    i = (size_t)r;
    if (i < len && s[i] == ':') {
        /* port = 1*DIGIT (RFC 3261 §25.1); we require 0..65535 */
        const size_t p0 = i + 1;
        size_t j = p0;
        uint32_t v = 0;
        while (j < len && is_digit((unsigned char)s[j])) {
            if (v <= 65535) v = v * 10 + (uint32_t)(s[j] - '0');
            j++;
        }
        if (j == p0 || (j < len && s[j] != ';' && s[j] != '?'))
            return fail(ps, j, SIPREG_E_URI_PORT);
        if (v > 65535) return fail(ps, p0, SIPREG_E_URI_PORT);
        u->port = (int)v;
        i = j;
    }
    r = parse_sip_params(ps, u, i);
    if (r < 0) return (int)r;
    r = parse_sip_headers(ps, u, (size_t)r);
    if (r < 0) return (int)r;
    if ((size_t)r != len) return fail(ps, (size_t)r, SIPREG_E_URI);
    return 0;
}

/* global-number-digits = "+" *phonedigit DIGIT *phonedigit (RFC 3966 §3), all of p[0..n).
 * Returns 0, or -1 with *bad set. */
static int global_digits_check(const char *p, size_t n, size_t *bad) {
    size_t i = 1;
    int digits = 0;
    if (n == 0 || p[0] != '+') {
        *bad = 0;
        return -1;
    }
    for (; i < n && (is_digit((unsigned char)p[i]) || sipreg__is_visual((unsigned char)p[i])); i++)
        digits += is_digit((unsigned char)p[i]);
    if (i < n || !digits) {
        *bad = i;
        return -1;
    }
    return 0;
}

/* Check one tel parameter value by its name (RFC 3966 §3); `local` for a local number. Returns 0
 * or a negative error. */
static int tel_param_check(struct uparse *ps, struct sipreg_str name, size_t v0, size_t v1,
                           int local) {
    const char *v = ps->s + v0;
    const size_t n = v1 - v0;
    size_t bad = 0;
    if (sipreg__ieq_lit(name, "ext")) {
        /* extension = ";ext=" 1*phonedigit */
        for (size_t k = 0; k < n; k++)
            if (!is_digit((unsigned char)v[k]) && !sipreg__is_visual((unsigned char)v[k]))
                return fail(ps, v0 + k, SIPREG_E_URI);
    } else if (local && sipreg__ieq_lit(name, "phone-context")) {
        /* context = ";phone-context=" descriptor; descriptor = domainname / global-number-digits.
         * After a global number "phone-context" is only a generic parameter (pvalue). */
        const int r = v[0] == '+' ? global_digits_check(v, n, &bad) : hostname_check(v, n, &bad);
        if (r != 0) return fail(ps, v0 + bad, SIPREG_E_URI);
    }
    return 0;
}

/* telephone-uri = "tel:" telephone-subscriber (RFC 3966 §3). */
static int parse_tel(struct uparse *ps, struct sipreg_uri *u, size_t i) {
    const char *s = ps->s;
    const size_t len = ps->len, n0 = i;
    const int global = i < len && s[i] == '+';
    int digits = 0, context = 0, isub_ext = 0, count = 0;
    if (global) {
        /* global-number-digits = "+" *phonedigit DIGIT *phonedigit */
        for (i++;
             i < len && (is_digit((unsigned char)s[i]) || sipreg__is_visual((unsigned char)s[i]));
             i++)
            digits += is_digit((unsigned char)s[i]);
    } else {
        /* local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex */
        for (; i < len && (sipreg__hexval((unsigned char)s[i]) >= 0 || s[i] == '*' || s[i] == '#' ||
                           sipreg__is_visual((unsigned char)s[i]));
             i++)
            digits += !sipreg__is_visual((unsigned char)s[i]);
    }
    if (!digits || (i < len && s[i] != ';')) return fail(ps, i, SIPREG_E_URI);
    u->user = sipreg__str(s + n0, i - n0);
    const size_t p0 = i;
    while (i < len && s[i] == ';') {
        if (++count > SIPREG__URI_MAX_PARAMS) return fail(ps, i, SIPREG_E_LIMIT);
        /* parameter = ";" pname ["=" pvalue ]; pname = 1*( alphanum / "-" ) */
        const size_t a = i + 1;
        size_t j = a;
        while (j < len && (sipreg__is((unsigned char)s[j], SIPREG__C_ALNUM) || s[j] == '-'))
            j++;
        if (j == a) return fail(ps, a, SIPREG_E_URI);
        const struct sipreg_str name = sipreg__str(s + a, j - a);
        const int isub = sipreg__ieq_lit(name, "isub");
        /* §3: each pname, isub, ext and the context MUST NOT appear more than once */
        if (has_param(sipreg__str(s + p0, i - p0), ';', name)) return fail(ps, a, SIPREG_E_URI);
        /* §5.3: isdn-subaddress and extension cannot appear both */
        if (isub || sipreg__ieq_lit(name, "ext")) {
            if (isub_ext++) return fail(ps, a, SIPREG_E_URI);
        }
        context |= sipreg__ieq_lit(name, "phone-context");
        if (j < len && s[j] == '=') {
            /* pvalue = 1*paramchar; isdn-subaddress = ";isub=" 1*uric (';' ends it here) */
            const size_t v0 = j + 1;
            const long k = isub ? scan(ps, v0, len, SIPREG__C_UNRESERVED, "/?:@&=+$,")
                                : scan(ps, v0, len, SIPREG__C_PARAMCHAR, NULL);
            if (k < 0) return (int)k;
            if ((size_t)k == v0) return fail(ps, v0, SIPREG_E_URI);
            const int r = tel_param_check(ps, name, v0, (size_t)k, !global);
            if (r < 0) return r;
            j = (size_t)k;
        } else if (isub || sipreg__ieq_lit(name, "ext") ||
                   (!global && sipreg__ieq_lit(name, "phone-context"))) {
            return fail(ps, j, SIPREG_E_URI); /* isub, ext and a context always carry a value */
        }
        if (j < len && s[j] != ';') return fail(ps, j, SIPREG_E_URI);
        i = j;
    }
    /* §5.1.5: local numbers MUST have a phone-context */
    if (!global && !context) return fail(ps, len, SIPREG_E_URI);
    u->params = sipreg__str(s + p0, i - p0);
    return 0;
}

/* absoluteURI = scheme ":" ( hier-part / opaque-part ) (RFC 3261 §25.1): every byte must be a
 * uric (reserved / unreserved / escaped); "[" and "]" are also allowed (RFC 2732 literals). */
static int parse_other(struct uparse *ps, struct sipreg_uri *u, size_t i) {
    const long j = scan(ps, i, ps->len, SIPREG__C_UNRESERVED, ";/?:@&=+$,[]");
    if (j < 0) return (int)j;
    if ((size_t)j != ps->len || i == ps->len) return fail(ps, (size_t)j, SIPREG_E_URI);
    u->opaque = sipreg__str(ps->s + i, ps->len - i);
    return 0;
}

/* Parse one URI of any scheme (see sipreg.h). */
int sipreg_uri_parse(struct sipreg_uri *out, const char *s, size_t len, size_t *err_off) {
    struct uparse ps = {s, len, 0};
    int r;
    if (err_off) *err_off = 0;
    if (!out || (!s && len)) return SIPREG_E_INVAL;
    memset(out, 0, sizeof *out);
    out->raw = sipreg__str(s, len);
    out->port = -1;
    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3261 §25.1) */
    size_t i = 0;
    while (i < len && (is_alpha((unsigned char)s[i]) ||
                       (i > 0 && (is_digit((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
                                  s[i] == '.'))))
        i++;
    if (i == 0 || i >= len || s[i] != ':') {
        r = fail(&ps, i, SIPREG_E_URI_SCHEME);
    } else {
        out->scheme_s = sipreg__str(s, i);
        /* schemes are case-insensitive ("SIP:ALICE@..." in RFC 3261 §19.1.4) */
        if (sipreg__ieq_lit(out->scheme_s, "sip") || sipreg__ieq_lit(out->scheme_s, "sips")) {
            out->scheme = out->scheme_s.len == 3 ? SIPREG_SCHEME_SIP : SIPREG_SCHEME_SIPS;
            r = parse_sip(&ps, out, i + 1);
        } else if (sipreg__ieq_lit(out->scheme_s, "tel")) {
            out->scheme = SIPREG_SCHEME_TEL;
            r = parse_tel(&ps, out, i + 1);
        } else {
            out->scheme = SIPREG_SCHEME_OTHER;
            r = parse_other(&ps, out, i + 1);
        }
    }
    if (r < 0 && err_off) *err_off = ps.err;
    return r;
}

/* Look up a uri-parameter by name (see sipreg.h). */
int sipreg_uri_param(const struct sipreg_uri *u, const char *name, struct sipreg_str *value,
                     int *has_value) {
    struct sipreg_str n, v;
    int hv = 0;
    if (!u || !name) return SIPREG_E_INVAL;
    struct sipreg_str list = u->params;
    const struct sipreg_str want = sipreg__cstr(name);
    /* names compare case-insensitively with escapes decoded (RFC 3261 §19.1.4) */
    while (sipreg__uri_param_next(&list, ';', &n, &v, &hv)) {
        if (sipreg__uri_esc_eq(n, want, SIPREG__ESC_CASE)) {
            if (value) *value = v;
            if (has_value) *has_value = hv;
            return 1;
        }
    }
    return 0;
}
