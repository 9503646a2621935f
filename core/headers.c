/* headers.c — typed accessors over a parsed message (RFC 3261 §7.3, §20, §25.1): comma-separated
 * element iteration, name-addr / addr-spec, Contact (RFC 3261 §20.10, RFC 5626 §10,
 * RFC 5627), delta-seconds headers, Retry-After, Via branch, To/From tag.
 *
 * Error offsets of sipreg_nameaddr_parse and sipreg_contact_parse are relative to elem.p; those of
 * sipreg_contact_next are relative to the value of the header the iterator stopped in
 * (it->msg->hdrs[it->hdr].value.p). An element that fails leaves the iterator after it, so a
 * caller may report it and go on with the next one. */
#include "internal.h"

/* delta-seconds above 2^32-1 are clamped to it (§20.19 range; RFC 4475 §3.1.2.4) */
#define DELTA_MAX 4294967295u

/* A view of s from index i to its end. */
static inline struct sipreg_str from(struct sipreg_str s, size_t i) {
    return sipreg__str(s.p + i, s.len - i);
}

/* 1 when byte c is a token character (§25.1). */

/* 1 when byte c is SP or HTAB. */
SIPREG__INLINE int is_ws(unsigned char c) { return c == ' ' || c == '\t'; }

/* ------------------------------------------------------------------------------------------ */
/* Element iteration (§7.3.1: rows of one name combine into one comma-separated list)         */
/* ------------------------------------------------------------------------------------------ */

void sipreg_iter_init(struct sipreg_iter *it, const struct sipreg_msg *m, int id) {
    it->msg = m;
    it->id = id;
    it->hdr = 0;
    it->rest = sipreg__str(NULL, 0);
    it->started = 0;
}

/* Move the iterator to the next header with its id at index >= i (or past the end). */
static void iter_seek(struct sipreg_iter *it, size_t i) {
    const struct sipreg_hdr *h = sipreg_msg_find(it->msg, it->id, &i);
    it->hdr = h ? (size_t)(h - it->msg->hdrs) : it->msg->nhdrs;
    it->rest = h ? h->value : sipreg__str(NULL, 0);
}

/* Bytes that end the plain run of an element: ',' ends it, '"' and '<' open a nested part. */
static const unsigned char STOP[256] = {[','] = 1, ['"'] = 1, ['<'] = 1};

/* sipreg_iter_next with the error offset (relative to the current header's value) in *bad. A
 * comma inside a quoted-string or <...> does not split (§7.3.1, §20.10); empty elements (",,")
 * are skipped. */
static int iter_next_at(struct sipreg_iter *it, struct sipreg_str *elem, size_t *bad) {
    if (!it->msg) return 0;
    if (!it->started) {
        it->started = 1;
        iter_seek(it, 0);
    }
    while (it->hdr < it->msg->nhdrs) {
        struct sipreg_str s = sipreg__skip_lws(it->rest);
        while (s.len > 0 && s.p[0] == ',')
            s = sipreg__skip_lws(from(s, 1));
        if (s.len == 0) {
            iter_seek(it, it->hdr + 1);
            continue;
        }
        size_t i = 0;
        for (;;) {
            while (i < s.len && !STOP[(unsigned char)s.p[i]])
                i++;
            if (i == s.len || s.p[i] == ',') break;
            size_t end = 0; /* just past the quoted string or the '>' */
            if (s.p[i] == '"') {
                const long q = sipreg__quoted_end(from(s, i));
                end = q < 0 ? 0 : i + (size_t)q;
            } else {
                const char *gt = memchr(s.p + i, '>', s.len - i);
                end = gt ? (size_t)(gt - s.p) + 1 : 0;
            }
            if (end == 0) { /* unterminated: report it and skip the rest of this row */
                *bad = (size_t)(s.p + i - it->msg->hdrs[it->hdr].value.p);
                it->rest = sipreg__str(s.p + s.len, 0);
                return SIPREG_E_QUOTE;
            }
            i = end;
        }
        *elem = sipreg__trim(sipreg__str(s.p, i));
        it->rest = from(s, i);
        return 1;
    }
    return 0;
}

int sipreg_iter_next(struct sipreg_iter *it, struct sipreg_str *elem) {
    size_t bad = 0;
    return iter_next_at(it, elem, &bad);
}

/* ------------------------------------------------------------------------------------------ */
/* Parameters                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* The common shape of a parameter, s at its ';': ";" token [ "=" ( quoted-string / 1*value byte
 * ) ], then ';' or the end, without white space. Then 1 with the results sipreg__param_next_strict
 * gives (the same views), *s after it; otherwise 0 and sipreg__param_next_strict takes its general
 * way. */
SIPREG__INLINE int param_fast(struct sipreg_str *s, struct sipreg_str *name,
                              struct sipreg_str *value, int *quoted) {
    const char *p = s->p;
    const size_t n = s->len;
    size_t i = 1, v, e;
    int q = 0;
    while (i < n && sipreg__is_token((unsigned char)p[i]))
        i++;
    if (i == 1) return 0;
    v = e = i; /* no value: an empty view after the name */
    if (i < n && p[i] == '=') {
        v = e = i + 1;
        if (v < n && p[v] == '"') {
            const long end = sipreg__quoted_end_n(p + v, n - v);
            if (end < 0) return 0;
            e = v + (size_t)end;
            q = 1;
        } else {
            while (e < n && !(sipreg__pstop[(unsigned char)p[e]] & 1))
                e++;
            if (e == v) return 0;
        }
    }
    if (e < n && p[e] != ';') return 0;
    *name = sipreg__str(p + 1, i - 1);
    *value = sipreg__str(p + v + q, e - v - 2 * (size_t)q);
    if (quoted) *quoted = q;
    *s = from(*s, e);
    return 1;
}

/* Next ";name[=value]" of a header parameter list (*(SEMI generic-param), §25.1) with stricter
 * checks than sipreg_param_next: each ';' must be followed by a token name (no empty ";;",
 * RFC 4475 §3.1.2.1). Returns 1, 0 at the end, or negative with *bad at the offending byte. */
int sipreg__param_next_strict(struct sipreg_str *cur, struct sipreg_str *name,
                              struct sipreg_str *value, int *quoted, const char **bad) {
    struct sipreg_str s = sipreg__skip_lws(*cur);
    if (s.len == 0) {
        *cur = s;
        return 0;
    }
    if (s.p[0] != ';') {
        *bad = s.p;
        return SIPREG_E_HEADER_VALUE;
    }
    if (param_fast(&s, name, value, quoted)) {
        *cur = s;
        return 1;
    }
    struct sipreg_str t = sipreg__skip_lws(from(s, 1));
    if (t.len == 0 || !sipreg__is_token((unsigned char)t.p[0])) {
        *bad = t.len ? t.p : s.p;
        return SIPREG_E_HEADER_VALUE;
    }
    const int r = sipreg_param_next(&t, ';', name, value, quoted);
    if (r < 0) { /* point at the unterminated quote, or at the parameter */
        const char *q = r == SIPREG_E_QUOTE ? memchr(t.p, '"', t.len) : NULL;
        *bad = q ? q : t.p;
        return r;
    }
    for (size_t i = 0; i < name->len; i++)
        if (!sipreg__is_token((unsigned char)name->p[i])) {
            *bad = name->p + i;
            return SIPREG_E_HEADER_VALUE;
        }
    if (t.len > 0 && t.p[0] != ';') { /* a ',' cannot follow inside one element */
        *bad = t.p;
        return SIPREG_E_HEADER_VALUE;
    }
    *cur = t;
    return 1;
}

/* Parse a delta-seconds value (1*DIGIT, §25.1), clamped to 2^32-1. 0 or SIPREG_E_HEADER_VALUE. */
static int delta_parse(struct sipreg_str v, int64_t *out) {
    uint64_t x = 0;
    if (sipreg__parse_u64(v, DELTA_MAX, &x) < 0) return SIPREG_E_HEADER_VALUE;
    *out = (int64_t)x;
    return 0;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (§20.10, §25.1), in thousandths.
 * Returns the value 0..1000 or SIPREG_E_HEADER_VALUE. */
static int qvalue_parse(struct sipreg_str v) {
    if (v.len == 0 || v.len > 5 || (v.p[0] != '0' && v.p[0] != '1')) return SIPREG_E_HEADER_VALUE;
    if (v.len > 1 && v.p[1] != '.') return SIPREG_E_HEADER_VALUE;
    int q = 0, scale = 100;
    for (size_t i = 2; i < v.len; i++, scale /= 10) {
        if (v.p[i] < '0' || v.p[i] > '9') return SIPREG_E_HEADER_VALUE;
        q += (v.p[i] - '0') * scale;
    }
    if (v.p[0] == '1') return q == 0 ? 1000 : SIPREG_E_HEADER_VALUE;
    return q;
}

/* ------------------------------------------------------------------------------------------ */
/* name-addr / addr-spec (§20.10, §25.1)                                                       */
/* ------------------------------------------------------------------------------------------ */

/* 1 when the URI starts with a scheme and ':' (scheme = ALPHA *(ALPHA / DIGIT / "+" / "-" /
 * "."), RFC 3986 §3.1): every addr-spec alternative (SIP-URI, SIPS-URI, absoluteURI) does. The
 * rest of the URI is left to sipreg_uri_parse. */
static int has_scheme(struct sipreg_str u) {
    if (u.len == 0 || !(sipreg__cclass[(unsigned char)u.p[0]] & SIPREG__C_ALNUM) ||
        (sipreg__cclass[(unsigned char)u.p[0]] & SIPREG__C_DIGIT))
        return 0;
    for (size_t i = 1; i < u.len; i++) {
        const unsigned char c = (unsigned char)u.p[i];
        if (c == ':') return 1;
        if (!(sipreg__cclass[c] & SIPREG__C_ALNUM) && c != '+' && c != '-' && c != '.') return 0;
    }
    return 0;
}

/* sipreg_nameaddr_parse with *bad pointing at the offending byte; the parameter list is checked
 * only with `check_params` (a Contact walks it anyway, once). */
static int nameaddr_at(struct sipreg_nameaddr *out, struct sipreg_str elem, int check_params,
                       const char **bad) {
    const struct sipreg_str s = sipreg__trim(elem);
    out->display = out->uri = out->params = sipreg__str(NULL, 0);
    *bad = s.p;
    if (s.len == 0) return SIPREG_E_HEADER_VALUE;

    size_t i = 0;
    if (s.p[0] == '"') { /* display-name = quoted-string: quotes stripped, escapes kept */
        const long end = sipreg__quoted_end(s);
        if (end < 0) return SIPREG_E_QUOTE;
        out->display = sipreg__str(s.p + 1, (size_t)end - 2);
        const struct sipreg_str t = sipreg__skip_lws(from(s, (size_t)end));
        i = (size_t)(t.p - s.p);
        if (i == s.len || s.p[i] != '<') {
            *bad = s.p + i;
            return SIPREG_E_HEADER_VALUE;
        }
    } else { /* display-name = *(token LWS), LWS before '<' optional (RFC 4475 §3.1.1.6) */
        while (i < s.len && (sipreg__is_token((unsigned char)s.p[i]) ||
                             is_ws((unsigned char)s.p[i]) || s.p[i] == '\r' || s.p[i] == '\n'))
            i++;
        if (i < s.len && s.p[i] == '<') out->display = sipreg__trim(sipreg__str(s.p, i));
    }

    struct sipreg_str rest;
    if (i < s.len && s.p[i] == '<') {
        /* name-addr: the URI with its own parameters sits inside <...>; LWS just inside the
         * brackets is tolerated (RFC 4475 §3.1.2.14) */
        const char *gt = memchr(s.p + i, '>', s.len - i);
        if (!gt) {
            *bad = s.p + i;
            return SIPREG_E_QUOTE;
        }
        out->uri = sipreg__trim(sipreg__str(s.p + i + 1, (size_t)(gt - s.p) - i - 1));
        *bad = out->uri.p;
        if (!has_scheme(out->uri)) return SIPREG_E_URI_SCHEME;
        rest = sipreg__skip_lws(sipreg__str(gt + 1, (size_t)(s.p + s.len - gt - 1)));
    } else {
        /* addr-spec: everything after the first ';' is a header parameter (§20.10); a URI with
         * ',', '?' or ';' must use name-addr, so '?' here is an error (RFC 4475 §3.1.2.13) */
        const char *semi = memchr(s.p, ';', s.len);
        out->uri = sipreg__trim(sipreg__str(s.p, semi ? (size_t)(semi - s.p) : s.len));
        if (!has_scheme(out->uri)) return SIPREG_E_URI_SCHEME;
        for (size_t k = 0; k < out->uri.len; k++) {
            const unsigned char c = (unsigned char)out->uri.p[k];
            if (c <= ' ' || c == '?' || c == '<' || c == '>' || c == '"' || c == 0x7f) {
                *bad = out->uri.p + k;
                return SIPREG_E_HEADER_VALUE;
            }
        }
        rest = sipreg__str(semi ? semi : s.p + s.len, semi ? (size_t)(s.p + s.len - semi) : 0);
    }
    out->params = rest;
    if (!check_params) return 0;
    /* the parameters must be well-formed: *(SEMI generic-param) */
    struct sipreg_str cur = rest, n, v;
    int r;
    while ((r = sipreg__param_next_strict(&cur, &n, &v, NULL, bad)) == 1) {
    }
    return r;
}

int sipreg__nameaddr_split(struct sipreg_nameaddr *out, struct sipreg_str elem) {
    const char *bad;
    return nameaddr_at(out, elem, 0, &bad);
}

int sipreg_nameaddr_parse(struct sipreg_nameaddr *out, struct sipreg_str elem, size_t *err_off) {
    const char *bad = elem.p;
    const int r = nameaddr_at(out, elem, 1, &bad);
    if (err_off) *err_off = r < 0 ? (size_t)(bad - elem.p) : 0;
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Contact (§20.10, RFC 5626 §10, RFC 5627)                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Bits of the Contact parameters seen so far (a parameter name appears at most once, §7.3.1). */
enum {
    SEEN_EXPIRES = 1,
    SEEN_Q = 2,
    SEEN_INSTANCE = 4,
    SEEN_REG_ID = 8,
    SEEN_PUB = 16,
    SEEN_TEMP = 32
};

/* Which registration parameter the name n is (SEEN_* bit), or 0 for any other (names are
 * case-insensitive, §7.3.1); one compare, chosen by length. */
unsigned sipreg__contact_param_kind(struct sipreg_str n) {
    switch (n.len) {
    case 1:
        return (n.p[0] | 0x20) == 'q' ? SEEN_Q : 0;
    case 6:
        return sipreg__ieq_lit(n, "reg-id") ? SEEN_REG_ID : 0;
    case 7:
        return sipreg__ieq_lit(n, "expires") ? SEEN_EXPIRES : 0;
    case 8:
        return sipreg__ieq_lit(n, "pub-gruu") ? SEEN_PUB : 0;
    case 9:
        return sipreg__ieq_lit(n, "temp-gruu") ? SEEN_TEMP : 0;
    case 13:
        return sipreg__ieq_lit(n, "+sip.instance") ? SEEN_INSTANCE : 0;
    default:
        return 0;
    }
}

/* Check the parameter list of c and fill its registration parameters. 0 or negative with *bad. */
static int contact_params(struct sipreg_contact *c, const char **bad) {
    struct sipreg_str cur = c->na.params, n, v;
    unsigned seen = 0;
    int quoted = 0, r;
    while ((r = sipreg__param_next_strict(&cur, &n, &v, &quoted, bad)) == 1) {
        const unsigned bit = sipreg__contact_param_kind(n);
        *bad = quoted ? v.p - 1 : v.p; /* a bad value: its first byte (or its opening quote) */
        switch (bit) {
        case SEEN_EXPIRES: /* c-p-expires = "expires" EQUAL delta-seconds (§20.10) */
            if (quoted || delta_parse(v, &c->expires) < 0) return SIPREG_E_HEADER_VALUE;
            break;
        case SEEN_Q: /* c-p-q = "q" EQUAL qvalue (§20.10) */
            c->q = quoted ? SIPREG_E_HEADER_VALUE : qvalue_parse(v);
            if (c->q < 0) return SIPREG_E_HEADER_VALUE;
            break;
        case SEEN_INSTANCE: /* c-p-instance (RFC 5626 §10): quotes stripped */
            c->instance = v;
            break;
        case SEEN_REG_ID: { /* c-p-reg = "reg-id" EQUAL 1*DIGIT, 1 to 2^31-1 (RFC 5626 §10) */
            uint64_t id = 0;
            if (quoted || sipreg__parse_u64(v, (uint64_t)1 << 31, &id) < 0 || id == 0 ||
                id >= (uint64_t)1 << 31)
                return SIPREG_E_HEADER_VALUE;
            c->reg_id = (int64_t)id;
            break;
        }
        case SEEN_PUB: /* RFC 5627 §4.2: quotes stripped */
            c->pub_gruu = v;
            break;
        case SEEN_TEMP:
            c->temp_gruu = v;
            break;
        default:
            c->other_params++;
            continue;
        }
        if (seen & bit) {
            *bad = n.p;
            return SIPREG_E_HEADER_VALUE;
        }
        seen |= bit;
    }
    return r;
}

/* sipreg_contact_parse with *bad pointing at the offending byte. */
static int contact_at(struct sipreg_contact *out, struct sipreg_str elem, const char **bad) {
    const struct sipreg_str s = sipreg__trim(elem);
    out->star = 0;
    out->na.display = out->na.uri = out->na.params = sipreg__str(NULL, 0);
    out->expires = -1;
    out->q = -1;
    out->instance = out->pub_gruu = out->temp_gruu = sipreg__str(NULL, 0);
    out->reg_id = -1;
    out->other_params = 0;
    *bad = s.p;
    /* STAR (§20.10): "*" alone; "*;expires=0" is tolerated as Kamailio accepts it (its
     * fixture 09), while "* <sip:...>" is a name-addr with display name "*" */
    if (s.len > 0 && s.p[0] == '*') {
        const struct sipreg_str t = sipreg__skip_lws(from(s, 1));
        if (t.len == 0 || t.p[0] == ';') {
            out->star = 1;
            out->na.params = t;
            return contact_params(out, bad);
        }
    }
    const int r = nameaddr_at(&out->na, s, 0, bad);
    if (r < 0) return r;
    return contact_params(out, bad);
}

int sipreg_contact_parse(struct sipreg_contact *out, struct sipreg_str elem, size_t *err_off) {
    const char *bad = elem.p;
    const int r = contact_at(out, elem, &bad);
    if (err_off) *err_off = r < 0 ? (size_t)(bad - elem.p) : 0;
    return r;
}

int sipreg_contact_next(struct sipreg_iter *it, struct sipreg_contact *out, size_t *err_off) {
    struct sipreg_str elem;
    size_t off = 0;
    int r = iter_next_at(it, &elem, &off);
    if (r == 1) {
        const char *bad = elem.p;
        r = contact_at(out, elem, &bad);
        off = (size_t)(bad - it->msg->hdrs[it->hdr].value.p);
        if (r == 0) r = 1;
    }
    if (err_off) *err_off = r < 0 ? off : 0;
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Scalar headers                                                                             */
/* ------------------------------------------------------------------------------------------ */

int64_t sipreg_msg_delta(const struct sipreg_msg *m, int id) {
    /* Expires / Min-Expires = delta-seconds (§20.19, §20.23), Flow-Timer = 1*DIGIT (RFC 5626) */
    const struct sipreg_hdr *h = sipreg_msg_find(m, id, NULL);
    int64_t v = 0;
    if (!h) return SIPREG_E_NOT_FOUND;
    if (delta_parse(sipreg__trim(h->value), &v) < 0) return SIPREG_E_HEADER_VALUE;
    return v;
}

/* Index just past the comment "(...)" at s.p[0] (ctext, quoted-pair and nested comments, §25.1),
 * or 0 when it is not terminated. */
static size_t comment_end(struct sipreg_str s) {
    size_t depth = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] == '\\') {
            i++;
        } else if (s.p[i] == '(') {
            depth++;
        } else if (s.p[i] == ')') {
            if (--depth == 0) return i + 1;
        }
    }
    return 0;
}

int64_t sipreg_msg_retry_after(const struct sipreg_msg *m) {
    /* Retry-After = delta-seconds [ comment ] *( SEMI retry-param ), retry-param = "duration"
     * EQUAL delta-seconds / generic-param (§20.33, §25.1) */
    const struct sipreg_hdr *h = sipreg_msg_find(m, SIPREG_H_RETRY_AFTER, NULL);
    if (!h) return SIPREG_E_NOT_FOUND;
    struct sipreg_str s = sipreg__trim(h->value);
    size_t nd = 0;
    while (nd < s.len && s.p[nd] >= '0' && s.p[nd] <= '9')
        nd++;
    int64_t secs = 0, dur = 0;
    if (delta_parse(sipreg__str(s.p, nd), &secs) < 0) return SIPREG_E_HEADER_VALUE;
    s = sipreg__skip_lws(from(s, nd));
    if (s.len > 0 && s.p[0] == '(') {
        const size_t end = comment_end(s);
        if (end == 0) return SIPREG_E_HEADER_VALUE;
        s = from(s, end);
    } else if (s.len > 0 && s.p[0] != ';') {
        return SIPREG_E_HEADER_VALUE;
    }
    struct sipreg_str n, v;
    const char *bad;
    int quoted = 0, r;
    while ((r = sipreg__param_next_strict(&s, &n, &v, &quoted, &bad)) == 1)
        if (sipreg__ieq_lit(n, "duration") && (quoted || delta_parse(v, &dur) < 0))
            return SIPREG_E_HEADER_VALUE;
    return r < 0 ? r : secs;
}

/* ------------------------------------------------------------------------------------------ */
/* Via branch, To/From tag                                                                    */
/* ------------------------------------------------------------------------------------------ */

struct sipreg_str sipreg_msg_via_branch(const struct sipreg_msg *m) {
    /* the topmost Via is the first element of the first Via row (§8.1.1.7, §18.2.1); via-parm =
     * sent-protocol LWS sent-by *( SEMI via-params ) (§25.1): sent-by holds no ';', so the
     * parameters start at the first ';' */
    struct sipreg_iter it;
    struct sipreg_str elem, v;
    sipreg_iter_init(&it, m, SIPREG_H_VIA);
    if (sipreg_iter_next(&it, &elem) != 1) return sipreg__str(NULL, 0);
    const char *semi = memchr(elem.p, ';', elem.len);
    if (!semi) return sipreg__str(NULL, 0);
    const struct sipreg_str params = sipreg__str(semi, (size_t)(elem.p + elem.len - semi));
    if (sipreg_param_find(params, "branch", &v) != 1) return sipreg__str(NULL, 0);
    return v;
}

struct sipreg_str sipreg_msg_tag(const struct sipreg_msg *m, int id) {
    /* To / From = ( name-addr / addr-spec ) *( SEMI (tag-param / generic-param) ) (§20.20,
     * §20.39); a single-valued header, so the whole value is one element */
    const struct sipreg_hdr *h = sipreg_msg_find(m, id, NULL);
    struct sipreg_nameaddr na;
    struct sipreg_str v;
    const char *bad;
    if (!h || nameaddr_at(&na, h->value, 1, &bad) < 0) return sipreg__str(NULL, 0);
    if (sipreg_param_find(na.params, "tag", &v) != 1) return sipreg__str(NULL, 0);
    return v;
}
