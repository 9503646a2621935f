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
static void checksum(const char *data, size_t len, char out[8]) {
    static const char HEX[] = "0123456789abcdef";
    uint8_t d[SIPREG__MD5_LEN];
    struct sipreg__md5 h;
    sipreg__md5_init(&h);
    sipreg__md5_update(&h, data, len);
    sipreg__md5_final(&h, d);
    for (int i = 0; i < 4; i++) {
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
        /* generated: sipreg_set_flow may give it the next flow's address (the flow is not
         * saved: after a reload this URI goes out until the host reports its address) */
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
    char sum[8];
    checksum(out, b.len, sum);
    sipreg__putl(&b, "sum=");
    sipreg__put(&b, sum, 8);
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

int sipreg_new_with_state(struct sipreg **out, const struct sipreg_config *cfg, const char *state,
                          size_t len) {
    int err = sipreg_new(out, cfg);
    if (err < 0 || !state || !len) return err;
    struct sipreg *r = *out;
    /* the checksum first: a damaged blob is not read at all */
    const char *sum = len >= 13 ? state + len - 13 : NULL; /* "sum=" 8 hex "\n" */
    char want[8];
    if (len < sizeof STATE_MAGIC || memcmp(state, STATE_MAGIC, sizeof STATE_MAGIC - 1) != 0 ||
        !sum || memcmp(sum, "sum=", 4) != 0 || state[len - 1] != '\n')
        goto bad;
    checksum(state, (size_t)(sum - state), want);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* fuzz builds reach the reader behind it */
    if (memcmp(want, sum + 4, 8) != 0) goto bad;
#endif

    struct sipreg_contact_spec specs[SIPREG_MAX_CONTACTS];
    int carriers[SIPREG_MAX_CONTACTS], generated[SIPREG_MAX_CONTACTS];
    struct sipreg_str gruus[SIPREG_MAX_CONTACTS][2];
    size_t nspecs = 0, tpos = 0;
    char text[2048];
    char buf[SIPREG__NONCE_MAX + 1];
    int64_t v;
    const char *p = state + sizeof STATE_MAGIC - 1, *end = sum;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eq = nl ? memchr(p, '=', (size_t)(nl - p)) : NULL;
        if (!eq) goto bad;
        struct sipreg_str key = sipreg__str(p, (size_t)(eq - p));
        struct sipreg_str val = sipreg__str(eq + 1, (size_t)(nl - eq - 1));
        p = nl + 1;
        long n;
        if (sipreg__eq(key, sipreg__cstr("aor"))) {
            /* a blob of another address-of-record is foreign (§19.1.4 equality) */
            n = unescape(val, buf, sizeof buf);
            if (n <= 0 || sipreg_uri_equal_str(buf, (size_t)n, r->aor.p, r->aor.len) != 1) goto bad;
        } else if (sipreg__eq(key, sipreg__cstr("call-id"))) {
            if (val.len != SIPREG__CALL_ID_LEN) goto bad;
            for (size_t i = 0; i < val.len; i++)
                if (!sipreg__is((unsigned char)val.p[i], SIPREG__C_ALNUM)) goto bad;
            memcpy(r->call_id, val.p, val.len);
        } else if (sipreg__eq(key, sipreg__cstr("tag"))) {
            if (val.len != SIPREG__TAG_LEN) goto bad;
            for (size_t i = 0; i < val.len; i++)
                if (!sipreg__is((unsigned char)val.p[i], SIPREG__C_ALNUM)) goto bad;
            memcpy(r->from_tag, val.p, val.len);
        } else if (sipreg__eq(key, sipreg__cstr("cseq"))) {
            /* §10.2: the next REGISTER continues the sequence of the same Call-ID */
            if (num(val, 0, 0x7ffffff0, &v) < 0) goto bad;
            r->cseq = (uint32_t)v;
        } else if (sipreg__eq(key, sipreg__cstr("instance"))) {
            /* RFC 5626 §4.1: the instance is the device's; it must be the one we hold */
            n = unescape(val, buf, sizeof buf);
            if (n < 0 || !printable(buf, (size_t)n)) goto bad;
            /* a configured instance wins (options over the blob); a generated one gives way
             * to the saved one, which fits its room (a generated URN's 45 bytes) */
            if (!cfg->instance_id && n) {
                if ((size_t)n > r->instance.len) goto bad;
                memcpy((char *)r->instance.p, buf, (size_t)n);
                r->instance.len = (size_t)n;
            }
        } else if (sipreg__eq(key, sipreg__cstr("reg-id"))) {
            if (num(val, 1, 0x7fffffff, &v) < 0 || v != r->reg_id) goto bad;
        } else if (sipreg__eq(key, sipreg__cstr("no-outbound"))) {
            if (num(val, 0, 1, &v) < 0) goto bad;
            r->outbound_refused = (int)v;
        } else if (sipreg__eq(key, sipreg__cstr("requested"))) {
            /* the configured expires wins (options over the blob): a 423 asks again */
            if (num(val, 0, 0xffffffffLL, &v) < 0) goto bad;
        } else if (sipreg__eq(key, sipreg__cstr("contact"))) {
            if (nspecs == SIPREG_MAX_CONTACTS ||
                load_contact(val, &specs[nspecs], text, &tpos, sizeof text, &carriers[nspecs],
                             gruus[nspecs], &generated[nspecs]) < 0)
                goto bad;
            nspecs++;
        } else if (sipreg__eq(key, sipreg__cstr("auth"))) {
            /* one line per challenge kind; a second line of one kind is not ours */
            int64_t alg, qop, nc, proxy, uh;
            struct sipreg_str rest = val;
            char realm[SIPREG__REALM_MAX], nonce[SIPREG__NONCE_MAX], opaque[SIPREG__OPAQUE_MAX];
            if (num(field(&rest), 1, 6, &alg) < 0 || num(field(&rest), 0, 3, &qop) < 0 ||
                num(field(&rest), 0, 0x7fffffff, &nc) < 0 || num(field(&rest), 0, 1, &proxy) < 0 ||
                num(field(&rest), 0, 1, &uh) < 0 || r->auth[proxy])
                goto bad;
            long rl = unescape(field(&rest), realm, sizeof realm);
            long nl2 = unescape(field(&rest), nonce, sizeof nonce);
            struct sipreg_str op = field(&rest);
            long ol = sipreg__eq(op, sipreg__cstr("-")) ? -2 : unescape(op, opaque, sizeof opaque);
            if (rl < 0 || nl2 <= 0 || ol == -1 || !printable(realm, (size_t)rl) ||
                !printable(nonce, (size_t)nl2) || (ol > 0 && !printable(opaque, (size_t)ol)))
                goto bad;
            struct sipreg_challenge ch;
            memset(&ch, 0, sizeof ch);
            ch.proxy = (int)proxy;
            ch.alg = (int)alg;
            ch.qop_mask = (unsigned)qop; /* the chosen qop, kept as it was */
            ch.userhash = (int)uh;
            ch.realm = sipreg__str(realm, (size_t)rl);
            ch.nonce = sipreg__str(nonce, (size_t)nl2);
            ch.opaque = ol >= 0 ? sipreg__str(opaque, (size_t)ol) : sipreg__str(NULL, 0);
            if (sipreg__auth_store(r, &ch) < 0) goto bad;
            r->auth[proxy]->nc = (uint32_t)nc;
        } else {
            goto bad; /* an unknown key: another version or a foreign blob */
        }
    }
    if (nspecs) {
        err = sipreg_set_contacts(r, specs, nspecs, 0);
        if (err < 0) goto bad;
        for (size_t i = 0; i < nspecs; i++) {
            struct sipreg__contact *c = &r->contacts[i];
            c->carrier = (uint8_t)carriers[i];
            c->generated = (uint8_t)generated[i];
            char g[256];
            for (int k = 0; k < 2; k++) {
                long gl = unescape(gruus[i][k], g, sizeof g);
                if (gl > 0 && !printable(g, (size_t)gl)) gl = -1; /* a damaged GRUU is dropped */
                int off = gl > 0 ? sipreg__arena_put(r, sipreg__str(g, (size_t)gl)) : -1;
                uint16_t *o = k ? &c->temp_off : &c->pub_off, *l = k ? &c->temp_len : &c->pub_len;
                *o = off < 0 ? 0 : (uint16_t)off;
                *l = off < 0 ? 0 : (uint16_t)gl;
            }
        }
    }
    if (nspecs && cfg->ncontacts) {
        /* contacts given with the blob win: the saved ones they drop are removed once (expires=0
         * in the first REGISTER), so the registrar ends with our new set only (§10.2.2) */
        for (size_t i = 0; i < cfg->ncontacts; i++)
            if (!cfg->contacts[i].uri) goto keep; /* a generated contact: nothing to compare */
        if (sipreg__swap_contacts(r, cfg->contacts, cfg->ncontacts, 1) < 0) goto bad;
    }
keep:
    return 0;
bad:
    /* a corrupt, foreign or other-version blob: refuse it, the caller starts fresh */
    sipreg_free(r);
    *out = NULL;
    return SIPREG_E_STATE_BLOB;
}
