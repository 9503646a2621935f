/* state.c — a registration's identity as an opaque, versioned, checksummed text blob, so that a
 * reloaded page or a restarted worker refreshes the SAME binding (same Call-ID with the next
 * CSeq, same contacts, instance and reg-id: RFC 3261 §10.2, RFC 5626 §4.2.2) instead of leaving a
 * ghost binding behind. Credentials are never in it; the cached nonce is (it is not a secret and
 * saves a challenge round trip, RFC 7616 §3.4).
 *
 * Format: "sipreg-state/1" then one "key=value" per line ('%'-escaped), then "sum=<8 hex>" over
 * everything before it (MD5, truncated: it detects damage, it does not authenticate). */
#include "reg_internal.h"
#include "hash.h"

#include <stdlib.h>

#define STATE_MAGIC "sipreg-state/1\n"
#define CHECKSUM_HEX 8                      /* hex digits of the check value */
#define SUM_LINE_LEN (4 + CHECKSUM_HEX + 1) /* "sum=" 8 hex "\n" */
#define SAVED_TEXT_MAX 2048                 /* bytes of the saved contacts' URIs, unescaped */
#define SAVED_GRUU_MAX 256                  /* longest saved GRUU we restore */

/* Append s with '%', CR, LF, '|' and control bytes escaped as %HH. */
static void put_escaped(struct sipreg__buf *b, struct sipreg_str s) {
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '%' || c == '|' || c < 0x20 || c == 0x7f) {
            sipreg__putl(b, "%");
            sipreg__puthex(b, c, 2);
        } else {
            sipreg__put(b, (const char *)&c, 1);
        }
    }
}

/* Append "key=value\n". */
static void put_line(struct sipreg__buf *b, const char *key, struct sipreg_str v) {
    sipreg__putc(b, key);
    sipreg__putl(b, "=");
    put_escaped(b, v);
    sipreg__putl(b, "\n");
}

/* Append "key=number\n". */
static void put_num(struct sipreg__buf *b, const char *key, int64_t v) {
    sipreg__putc(b, key);
    sipreg__putl(b, "=");
    sipreg__puti(b, v);
    sipreg__putl(b, "\n");
}

/* The 8-hex-digit check value of data[0..len). */
static void checksum(const char *data, size_t len, char out[CHECKSUM_HEX]) {
    static const char HEX[] = "0123456789abcdef";
    uint8_t d[SIPREG__MD5_LEN];
    struct sipreg__md5 h;
    sipreg__md5_init(&h);
    sipreg__md5_update(&h, data, len);
    sipreg__md5_final(&h, d);
    for (int i = 0; i < CHECKSUM_HEX / 2; i++) {
        out[2 * i] = HEX[d[i] >> 4];
        out[2 * i + 1] = HEX[d[i] & 15];
    }
}

int sipreg_export(const struct sipreg *r, char *out, size_t cap) {
    if (!r || (!out && cap)) return SIPREG_E_INVAL;
    struct sipreg__buf b = {out, cap, 0};
    sipreg__putc(&b, STATE_MAGIC);
    put_line(&b, "aor", r->aor);
    put_line(&b, "call-id", sipreg__str(r->call_id, SIPREG__CALL_ID_LEN));
    put_line(&b, "tag", sipreg__str(r->from_tag, SIPREG__TAG_LEN));
    put_num(&b, "cseq", r->cseq);
    put_line(&b, "instance", r->instance);
    put_num(&b, "reg-id", r->reg_id);
    put_num(&b, "no-outbound", r->outbound_refused);
    put_num(&b, "requested", r->requested);
    for (size_t i = 0; i < r->ncontacts; i++) {
        const struct sipreg__contact *c = &r->contacts[i];
        if (c->removing) continue;
        /* contact=uri|expires|q|carrier|pub-gruu|temp-gruu|generated */
        sipreg__putl(&b, "contact=");
        put_escaped(&b, c->uri);
        sipreg__putl(&b, "|");
        sipreg__puti(&b, c->expires);
        sipreg__putl(&b, "|");
        sipreg__puti(&b, c->q);
        sipreg__putc(&b, c->carrier ? "|1|" : "|0|");
        put_escaped(&b, sipreg__arena_str(r, c->pub_off, c->pub_len));
        sipreg__putl(&b, "|");
        put_escaped(&b, sipreg__arena_str(r, c->temp_off, c->temp_len));
        /* generated: sipreg_set_flow gives it the flow's address (the flow is not saved: after
         * a reload the first UDP/TCP/TLS flow reported replaces it, see sipreg_export) */
        sipreg__putc(&b, c->generated ? "|1\n" : "|0\n");
    }
    for (int k = 0; k < 2; k++) {
        /* one line per cached challenge kind (RFC 3261 §22.3: WWW and Proxy), proxy field 0/1 */
        const struct sipreg__auth *a = r->auth[k];
        if (!a) continue;
        /* auth=alg|qop|nc|proxy|userhash|realm|nonce|opaque(or -) */
        sipreg__putl(&b, "auth=");
        sipreg__puti(&b, a->alg);
        sipreg__putl(&b, "|");
        sipreg__puti(&b, a->qop);
        sipreg__putl(&b, "|");
        sipreg__putu(&b, a->nc);
        sipreg__putc(&b, a->proxy ? "|1" : "|0");
        sipreg__putc(&b, a->userhash ? "|1|" : "|0|");
        put_escaped(&b, SIPREG__AUTH_REALM(a));
        sipreg__putl(&b, "|");
        put_escaped(&b, SIPREG__AUTH_NONCE(a));
        sipreg__putl(&b, "|");
        if (a->has_opaque)
            put_escaped(&b, SIPREG__AUTH_OPAQUE(a));
        else
            sipreg__putl(&b, "-");
        sipreg__putl(&b, "\n");
    }
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    char sum[CHECKSUM_HEX];
    checksum(out, b.len, sum);
    sipreg__putl(&b, "sum=");
    sipreg__put(&b, sum, CHECKSUM_HEX);
    sipreg__putl(&b, "\n");
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    return (int)b.len;
}

/* Decode %HH escapes of s into dst (cap bytes); the decoded length, or -1. */
static long unescape(struct sipreg_str s, char *dst, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++, n++) {
        if (n >= cap) return -1;
        if (s.p[i] == '%') {
            int hi = i + 2 < s.len ? sipreg__hexval((unsigned char)s.p[i + 1]) : -1;
            int lo = i + 2 < s.len ? sipreg__hexval((unsigned char)s.p[i + 2]) : -1;
            if (hi < 0 || lo < 0) return -1;
            dst[n] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            dst[n] = s.p[i];
        }
    }
    return (long)n;
}

/* 1 when every byte of s is printable ASCII other than '"', '\\', '<' and '>' (values we put
 * inside quotes or brackets when composing). */
static int printable(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>') return 0;
    }
    return 1;
}

/* Split off the next '|'-separated field of *rest. */
static struct sipreg_str field(struct sipreg_str *rest) {
    const char *bar = rest->len ? memchr(rest->p, '|', rest->len) : NULL;
    size_t n = bar ? (size_t)(bar - rest->p) : rest->len;
    struct sipreg_str f = sipreg__str(rest->p, n);
    *rest = bar ? sipreg__str(bar + 1, rest->len - n - 1) : sipreg__str(rest->p + n, 0);
    return f;
}

/* A decimal field (optionally negative) in [lo, hi], or SIPREG_E_STATE_BLOB. */
static int num(struct sipreg_str s, int64_t lo, int64_t hi, int64_t *out) {
    int neg = s.len && s.p[0] == '-';
    uint64_t u;
    if (sipreg__parse_u64(sipreg__str(s.p + neg, s.len - neg), (uint64_t)INT64_MAX, &u) < 0)
        return SIPREG_E_STATE_BLOB;
    int64_t v = neg ? -(int64_t)u : (int64_t)u;
    if (v < lo || v > hi) return SIPREG_E_STATE_BLOB;
    *out = v;
    return 0;
}

/* Apply one saved contact line to the list being rebuilt. */
static int load_contact(struct sipreg_str v, struct sipreg_contact_spec *spec, char *text,
                        size_t *pos, size_t cap, int *carrier, struct sipreg_str gruu[2],
                        int *generated) {
    struct sipreg_str uri = field(&v), ex = field(&v), q = field(&v), car = field(&v);
    int64_t e, qv, cv;
    long n = unescape(uri, text + *pos, cap - *pos - 1);
    struct sipreg_uri u;
    if (n <= 0 || num(ex, -1, 0xffffffffLL, &e) < 0 || num(q, -1, 1000, &qv) < 0 ||
        num(car, 0, 1, &cv) < 0 || sipreg_uri_parse(&u, text + *pos, (size_t)n, NULL) < 0)
        return SIPREG_E_STATE_BLOB;
    text[*pos + (size_t)n] = 0;
    spec->uri = text + *pos;
    spec->expires = e;
    spec->q = (int)qv;
    *pos += (size_t)n + 1;
    *carrier = (int)cv;
    gruu[0] = field(&v);
    gruu[1] = field(&v);
    /* absent in blobs saved before sipreg_set_flow existed: a configured contact */
    struct sipreg_str g = field(&v);
    *generated = sipreg__eq(g, sipreg__cstr("1"));
    return g.len && !*generated && !sipreg__eq(g, sipreg__cstr("0")) ? SIPREG_E_STATE_BLOB : 0;
}

/* The saved contacts, gathered while the blob is read and applied at its end. */
struct saved_contacts {
    struct sipreg_contact_spec specs[SIPREG_MAX_CONTACTS];
    int carriers[SIPREG_MAX_CONTACTS], generated[SIPREG_MAX_CONTACTS];
    struct sipreg_str gruus[SIPREG_MAX_CONTACTS][2];
    size_t n, text_len;
    char text[SAVED_TEXT_MAX]; /* their URIs, unescaped and NUL-terminated */
};

/* The blob's body (between the magic line and the "sum=" line) when its envelope is intact
 * (magic, final newline, checksum), else 0. */
static int open_envelope(const char *state, size_t len, struct sipreg_str *body) {
    /* the checksum first: a damaged blob is not read at all */
    const char *sum = len >= SUM_LINE_LEN ? state + len - SUM_LINE_LEN : NULL;
    char want[CHECKSUM_HEX];
    if (len < sizeof STATE_MAGIC || memcmp(state, STATE_MAGIC, sizeof STATE_MAGIC - 1) != 0 ||
        !sum || memcmp(sum, "sum=", 4) != 0 || state[len - 1] != '\n')
        return 0;
    checksum(state, (size_t)(sum - state), want);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* fuzz builds reach the reader behind it */
    if (memcmp(want, sum + 4, CHECKSUM_HEX) != 0) return 0;
#endif
    const char *p = state + sizeof STATE_MAGIC - 1;
    *body = sipreg__str(p, (size_t)(sum - p));
    return 1;
}

/* A fixed-length alphanumeric token (Call-ID, From tag) into dst: 0, or SIPREG_E_STATE_BLOB. */
static int load_token(struct sipreg_str val, char *dst, size_t len) {
    if (val.len != len) return SIPREG_E_STATE_BLOB;
    for (size_t i = 0; i < val.len; i++)
        if (!sipreg__is((unsigned char)val.p[i], SIPREG__C_ALNUM)) return SIPREG_E_STATE_BLOB;
    memcpy(dst, val.p, val.len);
    return 0;
}

/* The saved instance: a configured one wins (options over the blob); a generated one gives way
 * to the saved one, which fits its room (a generated URN's bytes). */
static int load_instance(struct sipreg *r, const struct sipreg_config *cfg, struct sipreg_str val) {
    char buf[SIPREG__NONCE_MAX + 1];
    long n = unescape(val, buf, sizeof buf);
    /* RFC 5626 §4.1: the instance is the device's; it must be the one we hold */
    if (n < 0 || !printable(buf, (size_t)n)) return SIPREG_E_STATE_BLOB;
    if (!cfg->instance_id && n) {
        if ((size_t)n > r->instance.len) return SIPREG_E_STATE_BLOB;
        memcpy((char *)r->instance.p, buf, (size_t)n);
        r->instance.len = (size_t)n;
    }
    return 0;
}

/* One "auth=" line: a cached challenge of one kind (a second line of one kind is not ours). */
static int load_auth(struct sipreg *r, struct sipreg_str val) {
    int64_t alg, qop, nc, proxy, uh;
    struct sipreg_str rest = val;
    char realm[SIPREG__REALM_MAX], nonce[SIPREG__NONCE_MAX], opaque[SIPREG__OPAQUE_MAX];
    if (num(field(&rest), 1, 6, &alg) < 0 || num(field(&rest), 0, 3, &qop) < 0 ||
        num(field(&rest), 0, 0x7fffffff, &nc) < 0 || num(field(&rest), 0, 1, &proxy) < 0 ||
        num(field(&rest), 0, 1, &uh) < 0 || r->auth[proxy])
        return SIPREG_E_STATE_BLOB;
    long rl = unescape(field(&rest), realm, sizeof realm);
    long nl = unescape(field(&rest), nonce, sizeof nonce);
    struct sipreg_str op = field(&rest);
    long ol = sipreg__eq(op, sipreg__cstr("-")) ? -2 : unescape(op, opaque, sizeof opaque);
    if (rl < 0 || nl <= 0 || ol == -1 || !printable(realm, (size_t)rl) ||
        !printable(nonce, (size_t)nl) || (ol > 0 && !printable(opaque, (size_t)ol)))
        return SIPREG_E_STATE_BLOB;
    struct sipreg_challenge ch;
    memset(&ch, 0, sizeof ch);
    ch.proxy = (int)proxy;
    ch.alg = (int)alg;
    ch.qop_mask = (unsigned)qop; /* the chosen qop, kept as it was */
    ch.userhash = (int)uh;
    ch.realm = sipreg__str(realm, (size_t)rl);
    ch.nonce = sipreg__str(nonce, (size_t)nl);
    ch.opaque = ol >= 0 ? sipreg__str(opaque, (size_t)ol) : sipreg__str(NULL, 0);
    if (sipreg__auth_store(r, &ch) < 0) return SIPREG_E_STATE_BLOB;
    r->auth[proxy]->nc = (uint32_t)nc;
    return 0;
}

/* One "key=value" line of the body: 0, or SIPREG_E_STATE_BLOB (a bad value, an unknown key:
 * another version or a foreign blob). */
static int load_line(struct sipreg *r, const struct sipreg_config *cfg, struct sipreg_str key,
                     struct sipreg_str val, struct saved_contacts *sc) {
    int64_t v;
    if (sipreg__eq(key, sipreg__cstr("aor"))) {
        /* a blob of another address-of-record is foreign (§19.1.4 equality) */
        char buf[SIPREG__NONCE_MAX + 1];
        long n = unescape(val, buf, sizeof buf);
        if (n <= 0 || sipreg_uri_equal_str(buf, (size_t)n, r->aor.p, r->aor.len) != 1)
            return SIPREG_E_STATE_BLOB;
        return 0;
    }
    int call_id = sipreg__eq(key, sipreg__cstr("call-id"));
    if (call_id || sipreg__eq(key, sipreg__cstr("tag"))) /* one token check for both */
        return load_token(val, call_id ? r->call_id : r->from_tag,
                          call_id ? SIPREG__CALL_ID_LEN : SIPREG__TAG_LEN);
    if (sipreg__eq(key, sipreg__cstr("cseq"))) {
        /* §10.2: the next REGISTER continues the sequence of the same Call-ID */
        if (num(val, 0, 0x7ffffff0, &v) < 0) return SIPREG_E_STATE_BLOB;
        r->cseq = (uint32_t)v;
        return 0;
    }
    if (sipreg__eq(key, sipreg__cstr("instance"))) return load_instance(r, cfg, val);
    if (sipreg__eq(key, sipreg__cstr("reg-id")))
        return num(val, 1, 0x7fffffff, &v) < 0 || v != r->reg_id ? SIPREG_E_STATE_BLOB : 0;
    if (sipreg__eq(key, sipreg__cstr("no-outbound"))) {
        if (num(val, 0, 1, &v) < 0) return SIPREG_E_STATE_BLOB;
        r->outbound_refused = (int)v;
        return 0;
    }
    if (sipreg__eq(key, sipreg__cstr("requested")))
        /* the configured expires wins (options over the blob): a 423 asks again */
        return num(val, 0, 0xffffffffLL, &v) < 0 ? SIPREG_E_STATE_BLOB : 0;
    if (sipreg__eq(key, sipreg__cstr("contact"))) {
        if (sc->n == SIPREG_MAX_CONTACTS ||
            load_contact(val, &sc->specs[sc->n], sc->text, &sc->text_len, sizeof sc->text,
                         &sc->carriers[sc->n], sc->gruus[sc->n], &sc->generated[sc->n]) < 0)
            return SIPREG_E_STATE_BLOB;
        sc->n++;
        return 0;
    }
    if (sipreg__eq(key, sipreg__cstr("auth"))) return load_auth(r, val);
    return SIPREG_E_STATE_BLOB;
}

/* The saved contacts become ours, with their carrier and generated marks and GRUUs. */
static int restore_contacts(struct sipreg *r, const struct saved_contacts *sc) {
    if (sipreg_set_contacts(r, sc->specs, sc->n, 0) < 0) return SIPREG_E_STATE_BLOB;
    for (size_t i = 0; i < sc->n; i++) {
        struct sipreg__contact *c = &r->contacts[i];
        c->carrier = (uint8_t)sc->carriers[i];
        c->generated = (uint8_t)sc->generated[i];
        char g[SAVED_GRUU_MAX];
        for (int k = 0; k < 2; k++) {
            long gl = unescape(sc->gruus[i][k], g, sizeof g);
            if (gl > 0 && !printable(g, (size_t)gl)) gl = -1; /* a damaged GRUU is dropped */
            int off = gl > 0 ? sipreg__arena_put(r, sipreg__str(g, (size_t)gl)) : -1;
            uint16_t *o = k ? &c->temp_off : &c->pub_off, *l = k ? &c->temp_len : &c->pub_len;
            *o = off < 0 ? 0 : (uint16_t)off;
            *l = off < 0 ? 0 : (uint16_t)gl;
        }
    }
    return 0;
}

/* Read the blob into the new registration r: 0, or SIPREG_E_STATE_BLOB. */
static int load_state(struct sipreg *r, const struct sipreg_config *cfg, const char *state,
                      size_t len) {
    struct sipreg_str body;
    if (!open_envelope(state, len, &body)) return SIPREG_E_STATE_BLOB;
    struct saved_contacts sc;
    sc.n = sc.text_len = 0;
    const char *p = body.p, *end = body.p + body.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eq = nl ? memchr(p, '=', (size_t)(nl - p)) : NULL;
        if (!eq) return SIPREG_E_STATE_BLOB;
        struct sipreg_str key = sipreg__str(p, (size_t)(eq - p));
        struct sipreg_str val = sipreg__str(eq + 1, (size_t)(nl - eq - 1));
        p = nl + 1;
        if (load_line(r, cfg, key, val, &sc) < 0) return SIPREG_E_STATE_BLOB;
    }
    if (!sc.n) return 0;
    if (restore_contacts(r, &sc) < 0) return SIPREG_E_STATE_BLOB;
    if (!cfg->ncontacts) return 0;
    /* contacts given with the blob win: the saved ones they drop are removed once (expires=0 in
     * the first REGISTER), so the registrar ends with our new set only (§10.2.2) */
    for (size_t i = 0; i < cfg->ncontacts; i++)
        if (!cfg->contacts[i].uri) return 0; /* a generated contact: nothing to compare */
    return sipreg__swap_contacts(r, cfg->contacts, cfg->ncontacts, 1) < 0 ? SIPREG_E_STATE_BLOB : 0;
}

int sipreg_new_with_state(struct sipreg **out, const struct sipreg_config *cfg, const char *state,
                          size_t len) {
    int err = sipreg_new(out, cfg);
    if (err < 0 || !state || !len) return err;
    if (load_state(*out, cfg, state, len) == 0) return 0;
    /* a corrupt, foreign or other-version blob: refuse it, the caller starts fresh */
    sipreg_free(*out);
    *out = NULL;
    return SIPREG_E_STATE_BLOB;
}
