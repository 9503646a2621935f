/* auth.c — client side of SIP Digest authentication: the challenges of WWW-Authenticate and
 * Proxy-Authenticate (RFC 3261 §22, §25.1 `challenge`; RFC 7616 §3.3; RFC 7235 §2.1 for several
 * challenges in one field), picking the one to answer (RFC 7616 §3.7, RFC 8760 §2.4), and the
 * credentials of Authorization / Proxy-Authorization (RFC 7616 §3.4, RFC 8760 §2.6).
 *
 * Values returned in a struct sipreg_challenge are views into the header value with the quotes
 * stripped but quoted-pairs kept ("a\"b"), so they can be echoed verbatim inside quotes; digests
 * are computed over unq() of them (RFC 7616 §3.3: quotes and quoting slashes removed). A view
 * with p == NULL means the parameter was absent.
 *
 * err_off (sipreg_challenge_next): on a negative return, the byte offset, counted from
 * m->hdrs[it->hdr].value.p (the header the iterator stopped in), of the first byte that breaks the
 * grammar: the opening '"' of an unterminated quoted-string (SIPREG_E_QUOTE), else the offending
 * byte (SIPREG_E_HEADER_VALUE). It is always <= that value's length. The next call resumes with
 * the following header. */
#include "hash.h"

#include <limits.h>

/* The view s without its first n bytes (n <= s.len). */
static struct sipreg_str adv(struct sipreg_str s, size_t n) {
    return sipreg__str(s.p + n, s.len - n);
}

/* 1 for the header ids that carry challenges (RFC 3261 §20.27, §20.44). */
static int is_challenge_hdr(int id) {
    return id == SIPREG_H_WWW_AUTHENTICATE || id == SIPREG_H_PROXY_AUTHENTICATE;
}

/* Number of leading token characters (RFC 3261 §25.1 token). */
static size_t token_len(struct sipreg_str s) {
    size_t i = 0;
    while (i < s.len && sipreg__is_token((unsigned char)s.p[i]))
        i++;
    return i;
}

/* Skip LWS and list separators; *sep (if not NULL) is set when one was skipped. Empty list
 * elements are allowed (RFC 7230 §7 "#" rule); ';' is skipped too, as sipreg_param_next does. */
static struct sipreg_str skip_seps(struct sipreg_str s, int *sep) {
    for (;;) {
        if (s.len == 0) return s; /* also keeps {NULL, 0} away from pointer arithmetic */
        s = sipreg__skip_lws(s);
        if (s.len == 0 || (s.p[0] != ',' && s.p[0] != ';')) return s;
        if (sep) *sep = 1;
        s = adv(s, 1);
    }
}

/* 1 when c ends a name or unquoted value in sipreg_param_next (',' is our separator). */
static int param_stop(char c) {
    return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where sipreg_param_next failed on the element at s: mirrors its steps (name, LWS "=" LWS
 * quoted-string or value, LWS, separator) and returns the first byte it could not accept. */
static const char *param_error_at(struct sipreg_str s) {
    size_t i = 0;
    while (i < s.len && s.p[i] != '=' && !param_stop(s.p[i]))
        i++;
    if (i == 0) return s.p;
    struct sipreg_str t = sipreg__skip_lws(adv(s, i));
    if (t.len && t.p[0] == '=') {
        t = sipreg__skip_lws(adv(t, 1));
        if (t.len && t.p[0] == '"') {
            long end = sipreg__quoted_end(t);
            if (end < 0) return t.p; /* the opening quote of the unterminated string */
            t = adv(t, (size_t)end);
        } else {
            size_t j = 0;
            while (j < t.len && !param_stop(t.p[j]))
                j++;
            t = adv(t, j);
        }
        t = sipreg__skip_lws(t);
    }
    return t.p;
}

/* The first byte of an auth-param value that we refuse, or NULL. Control bytes never belong in a
 * value (RFC 3261 §25.1 qdtext / token); an unquoted value must also be free of '"' and '\' so
 * that every value can be echoed inside quotes verbatim. CR/LF only occur in folded quoted text. */
static const char *bad_value_byte(struct sipreg_str v, int quoted) {
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if (c == 0x7f || (c < 0x20 && c != '\t' && !(quoted && (c == '\r' || c == '\n'))))
            return v.p + i;
        if (!quoted && (c == '"' || c == '\\')) return v.p + i;
    }
    return NULL;
}

/* qop-options = LDQUOT qop-value *("," qop-value) RDQUOT (RFC 3261 §25.1): the bits of the
 * values we support; unrecognised options are ignored (RFC 7616 §3.3). */
static unsigned qop_bits(struct sipreg_str q) {
    unsigned mask = 0;
    size_t i = 0;
    while (i < q.len) {
        while (i < q.len && (q.p[i] == ',' || q.p[i] == ' ' || q.p[i] == '\t' || q.p[i] == '\r' ||
                             q.p[i] == '\n'))
            i++;
        size_t start = i;
        while (i < q.len && q.p[i] != ',' && q.p[i] != ' ' && q.p[i] != '\t' && q.p[i] != '\r' &&
               q.p[i] != '\n')
            i++;
        struct sipreg_str tok = sipreg__str(q.p + start, i - start);
        if (sipreg__ieq_lit(tok, "auth")) mask |= SIPREG_QOP_AUTH;
        if (sipreg__ieq_lit(tok, "auth-int")) mask |= SIPREG_QOP_AUTH_INT;
    }
    return mask;
}

/* Store a known parameter's value; SIPREG_E_HEADER_VALUE when it was already set (RFC 7235
 * §2.1: each parameter name MUST only occur once per challenge). */
static int set_once(struct sipreg_str *slot, struct sipreg_str v) {
    if (slot->p) return SIPREG_E_HEADER_VALUE;
    *slot = v;
    return 0;
}

/* Where the value of auth-param `name` goes (RFC 7616 §3.3 parameters; stale and userhash into
 * the caller's views), or NULL: anything else (domain, charset, extensions) is ignored, RFC 2617
 * §3.2.1 auth-param. */
static struct sipreg_str *param_slot(struct sipreg_challenge *out, struct sipreg_str name,
                                     struct sipreg_str *stale, struct sipreg_str *userhash) {
    if (sipreg__ieq_lit(name, "realm")) return &out->realm;
    if (sipreg__ieq_lit(name, "nonce")) return &out->nonce;
    if (sipreg__ieq_lit(name, "opaque")) return &out->opaque;
    if (sipreg__ieq_lit(name, "algorithm")) return &out->algorithm;
    if (sipreg__ieq_lit(name, "qop")) return &out->qop;
    if (sipreg__ieq_lit(name, "stale")) return stale;
    if (sipreg__ieq_lit(name, "userhash")) return userhash;
    return NULL;
}

/* The parsed parameters' meaning: algorithm, qop bits, stale, userhash. */
static void finish_challenge(struct sipreg_challenge *out, struct sipreg_str stale,
                             struct sipreg_str userhash) {
    int digest = sipreg__ieq_lit(out->scheme, "digest");
    /* algorithm absent: "MD5" (RFC 7616 §3.3); not understood: ignore the challenge (ibid.) */
    if (!digest)
        out->alg = SIPREG_ALG_UNKNOWN;
    else
        out->alg = out->algorithm.p ? sipreg_alg_parse(out->algorithm) : SIPREG_ALG_MD5;
    out->qop_mask = out->qop.p ? qop_bits(out->qop) : 0;
    out->stale = sipreg__ieq_lit(stale, "true");       /* case-insensitive (RFC 7616 §3.3) */
    out->userhash = sipreg__ieq_lit(userhash, "true"); /* "true" / "false" (RFC 7616 §3.3) */
}

/* Parse the challenge whose scheme starts at s (RFC 3261 §25.1: challenge = ("Digest" LWS
 * digest-cln *(COMMA digest-cln)) / other-challenge). Returns 1 and sets *next to the start of the
 * following challenge (or the end of the value), or a negative code with *bad at the culprit. */
static int parse_challenge(struct sipreg_str s, struct sipreg_challenge *out,
                           struct sipreg_str *next, const char **bad) {
    size_t k = token_len(s); /* auth-scheme = token */
    struct sipreg_str cur = adv(s, k);
    if (k == 0 ||
        (cur.len && cur.p[0] != ',' && cur.p[0] != ';' && sipreg__skip_lws(cur).p == cur.p)) {
        *bad = k == 0 ? s.p : cur.p; /* the scheme must be a token followed by LWS (or end) */
        return SIPREG_E_HEADER_VALUE;
    }
    out->scheme = sipreg__str(s.p, k);
    struct sipreg_str stale = {NULL, 0}, userhash = {NULL, 0};
    int first = 1, sep = 0;
    for (;;) {
        struct sipreg_str t = skip_seps(cur, &sep);
        if (t.len == 0) {
            *next = t;
            break;
        }
        /* a token followed by LWS and then not "=" starts the next challenge (its scheme), as
         * does a bare token after a comma (a scheme without parameters, RFC 7235 §2.1); a bare
         * token right after the scheme is token68 data (RFC 7235 §2.1) and is skipped as a
         * parameter without value */
        size_t tk = token_len(t);
        struct sipreg_str u = sipreg__skip_lws(adv(t, tk));
        if (tk > 0 && !(u.len && u.p[0] == '=')) {
            int bare = u.len == 0 || u.p[0] == ',' || u.p[0] == ';';
            if (bare ? (sep || !first) : (u.p != t.p + tk)) {
                *next = t;
                break;
            }
        }
        struct sipreg_str name, value, rest = t;
        int quoted = 0;
        int r = sipreg_param_next(&rest, ',', &name, &value, &quoted); /* auth-param */
        if (r < 0) {
            *bad = param_error_at(t);
            return r;
        }
        if (r == 0) { /* cannot happen: t is non-empty and starts with no separator */
            *next = rest;
            break;
        }
        size_t nk = token_len(name); /* auth-param-name = token (RFC 3261 §25.1) */
        if (nk != name.len) {
            *bad = name.p + nk;
            return SIPREG_E_HEADER_VALUE;
        }
        const char *vb = bad_value_byte(value, quoted);
        if (vb) {
            *bad = vb;
            return SIPREG_E_HEADER_VALUE;
        }
        struct sipreg_str *slot = param_slot(out, name, &stale, &userhash);
        if (slot && set_once(slot, value) < 0) {
            *bad = name.p;
            return SIPREG_E_HEADER_VALUE;
        }
        first = 0;
        sep = 0;
        cur = rest;
    }
    finish_challenge(out, stale, userhash);
    return 1;
}

void sipreg_challenge_iter_init(struct sipreg_iter *it, const struct sipreg_msg *m) {
    it->msg = m;
    it->id = -1; /* marks a challenge iterator (both header kinds) */
    it->hdr = 0;
    it->rest = sipreg__str(NULL, 0);
    it->started = 0;
}

int sipreg_challenge_next(struct sipreg_iter *it, struct sipreg_challenge *out, size_t *err_off) {
    if (!it || !out || !it->msg || it->id != -1) return SIPREG_E_INVAL;
    const struct sipreg_msg *m = it->msg;
    for (;;) {
        if (it->started) {
            struct sipreg_str s = skip_seps(it->rest, NULL);
            if (s.len) {
                const struct sipreg_hdr *h = &m->hdrs[it->hdr];
                struct sipreg_str next = {NULL, 0};
                const char *bad = s.p;
                memset(out, 0, sizeof *out);
                out->proxy = h->id == SIPREG_H_PROXY_AUTHENTICATE; /* RFC 7616 §3.8 */
                int r = parse_challenge(s, out, &next, &bad);
                if (r < 0) {
                    if (err_off) *err_off = (size_t)(bad - h->value.p);
                    it->rest = sipreg__str(NULL, 0); /* resume with the next header */
                    return r;
                }
                it->rest = next;
                return 1;
            }
            if (it->hdr >= m->nhdrs) return 0;
            it->hdr++;
        }
        it->started = 1;
        while (it->hdr < m->nhdrs && !is_challenge_hdr(m->hdrs[it->hdr].id))
            it->hdr++;
        if (it->hdr >= m->nhdrs) {
            it->rest = sipreg__str(NULL, 0);
            return 0;
        }
        it->rest = m->hdrs[it->hdr].value;
    }
}

/* 1 when we can answer the challenge: Digest, an algorithm we support, realm and nonce present
 * (RFC 2617 §1.2, §3.2.1), and qop auth or auth-int offered — or no qop at all (RFC 2617
 * §3.2.2.1 compatibility), which -sess cannot use since it needs the cnonce (RFC 3261 §22.4 #8). */
static int usable(const struct sipreg_challenge *ch) {
    if (!sipreg__ieq_lit(ch->scheme, "digest") || sipreg_alg_rank(ch->alg) == 0) return 0;
    if (!ch->realm.p || !ch->nonce.p) return 0;
    if (ch->qop_mask & (SIPREG_QOP_AUTH | SIPREG_QOP_AUTH_INT)) return 1;
    int sess = ch->alg == SIPREG_ALG_MD5_SESS || ch->alg == SIPREG_ALG_SHA256_SESS ||
               ch->alg == SIPREG_ALG_SHA512_256_SESS;
    return !ch->qop.p && !sess;
}

int sipreg_challenge_pick(const struct sipreg_msg *m, int proxy, struct sipreg_challenge *out) {
    if (!m || !out) return SIPREG_E_INVAL;
    struct sipreg_iter it;
    struct sipreg_challenge ch;
    size_t off = 0;
    int r, best = 0;
    sipreg_challenge_iter_init(&it, m);
    while ((r = sipreg_challenge_next(&it, &ch, &off)) != 0) {
        if (r < 0) {
            /* a malformed header of the kind we were asked about fails the pick; one of the
             * other kind does not concern this answer */
            int is_proxy = m->hdrs[it.hdr].id == SIPREG_H_PROXY_AUTHENTICATE;
            if (proxy < 0 || is_proxy == (proxy != 0)) return r;
            continue;
        }
        if (proxy >= 0 && ch.proxy != (proxy != 0)) continue;
        if (!usable(&ch)) continue; /* "MUST ignore any challenge it does not understand" */
        /* local policy (RFC 8760 §2.4, RFC 7616 §3.7 "unless a local policy dictates
         * otherwise"): the strongest algorithm wins, which defeats a downgrade to MD5 (RFC 8760
         * §3); among equals the topmost, as both RFCs prescribe */
        int rank = sipreg_alg_rank(ch.alg);
        if (rank > best) {
            best = rank;
            *out = ch;
        }
    }
    return best > 0;
}

/* 1 when s can go between DQUOTEs as is: every '"' and '\' escaped as a quoted-pair, no control
 * bytes (quoted-pair cannot carry CR or LF, RFC 3261 §25.1), no trailing lone '\'. */
static int quotable(struct sipreg_str s) {
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '\\') {
            if (++i >= s.len) return 0;
            c = (unsigned char)s.p[i];
        } else if (c == '"') {
            return 0;
        }
        if (c == 0x7f || (c < 0x20 && c != '\t')) return 0;
    }
    return 1;
}

/* 1 when s is non-empty printable ASCII without SP, '"' or '\' (safe inside quotes as is). */
static int plain_word(struct sipreg_str s) {
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') return 0;
    }
    return s.len > 0;
}

/* Append s as quoted-string content, escaping '"' and '\' as quoted-pairs (RFC 3261 §25.1). */
static void put_escaped(struct sipreg__buf *b, struct sipreg_str s) {
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] == '"' || s.p[i] == '\\') {
            sipreg__put(b, s.p + start, i - start);
            sipreg__put(b, "\\", 1);
            start = i;
        }
    }
    sipreg__put(b, s.p + start, s.len - start);
}

/* Append `, name="value"` with value written verbatim (already quoted-string content). */
static void put_quoted(struct sipreg__buf *b, const char *name, struct sipreg_str v) {
    sipreg__putl(b, ", ");
    sipreg__putc(b, name);
    sipreg__putl(b, "=\"");
    sipreg__puts(b, v);
    sipreg__putl(b, "\"");
}

int sipreg_compose_authorization(const struct sipreg_challenge *ch,
                                 const struct sipreg_digest_input *in, char *buf, size_t cap) {
    if (!ch || !in || (!buf && cap)) return SIPREG_E_INVAL;
    if ((ch->scheme.len && !sipreg__ieq_lit(ch->scheme, "digest")) || sipreg_alg_rank(ch->alg) == 0)
        return SIPREG_E_AUTH_ALGORITHM;
    /* qop: one of the server's options (RFC 7616 §3.4); the caller's choice when offered, else
     * auth before auth-int (REGISTER has no body, and auth is what registrars verify) */
    unsigned offered = ch->qop_mask & (SIPREG_QOP_AUTH | SIPREG_QOP_AUTH_INT), qop = 0;
    if (offered) {
        if (in->qop == SIPREG_QOP_AUTH || in->qop == SIPREG_QOP_AUTH_INT)
            qop = (offered & in->qop) ? in->qop : 0;
        if (!qop) qop = (offered & SIPREG_QOP_AUTH) ? SIPREG_QOP_AUTH : SIPREG_QOP_AUTH_INT;
    } else if (ch->qop.p) {
        return SIPREG_E_AUTH_QOP; /* qop offered, but none of it is ours */
    }
    /* username: quoted-pairs cannot carry control bytes; uri (a Request-URI) and cnonce (a token
     * per sipreg.h, though any quoted ASCII-only string is accepted, RFC 7616 §3.4) never hold
     * '"', '\', SP or controls; echoed challenge values must be quotable */
    for (size_t i = 0; i < in->username.len; i++) {
        unsigned char c = (unsigned char)in->username.p[i];
        if (c == 0x7f || (c < 0x20 && c != '\t')) return SIPREG_E_INVAL;
    }
    if (!plain_word(in->uri) || (qop && !plain_word(in->cnonce))) return SIPREG_E_INVAL;
    if (!quotable(ch->realm) || !quotable(ch->nonce) || !quotable(ch->opaque))
        return SIPREG_E_HEADER_VALUE;

    struct sipreg_digest_input d = *in;
    d.alg = ch->alg;
    d.qop = qop;
    d.realm = ch->realm;
    d.nonce = ch->nonce;
    char resp[2 * SIPREG__HASH_MAX + 1], uh[2 * SIPREG__HASH_MAX + 1];
    int r = sipreg__digest_response(&d, 1, resp, sizeof resp);
    if (r < 0) return r;
    if (ch->userhash) {
        /* username = H(unq(username) ":" unq(realm)), same algorithm (RFC 7616 §3.4.4) */
        struct sipreg__hash h;
        sipreg__hash_init(&h, ch->alg);
        sipreg__hash_str(&h, in->username);
        sipreg__hash_update(&h, ":", 1);
        sipreg__hash_unq(&h, ch->realm);
        sipreg__hash_final_hex(&h, uh);
    }

    /* credentials = "Digest" LWS digest-response (RFC 3261 §25.1); username, realm, nonce, uri,
     * response, cnonce, opaque quoted; algorithm, qop, nc unquoted (RFC 7616 §3.4) */
    struct sipreg__buf b = {buf, cap, 0};
    sipreg__putl(&b, "Digest username=\"");
    if (ch->userhash)
        sipreg__putc(&b, uh);
    else
        put_escaped(&b, in->username);
    sipreg__putl(&b, "\"");
    put_quoted(&b, "realm", ch->realm);
    put_quoted(&b, "nonce", ch->nonce);
    put_quoted(&b, "uri", in->uri); /* RFC 3261 §22.4 item 2: quoted in SIP */
    put_quoted(&b, "response", sipreg__cstr(resp));
    /* the algorithm as the challenge wrote it (RFC 7616 §3.4), "MD5" when it had none */
    sipreg__putl(&b, ", algorithm=");
    if (sipreg_alg_parse(ch->algorithm) == ch->alg)
        sipreg__puts(&b, ch->algorithm);
    else
        sipreg__putc(&b, sipreg_alg_name(ch->alg));
    if (qop) put_quoted(&b, "cnonce", in->cnonce);          /* RFC 2617 §3.2.2: only with qop */
    if (ch->opaque.p) put_quoted(&b, "opaque", ch->opaque); /* echoed unchanged (§3.4) */
    if (qop) {
        sipreg__putc(&b, qop == SIPREG_QOP_AUTH ? ", qop=auth, nc=" : ", qop=auth-int, nc=");
        sipreg__puthex(&b, in->nc, 8); /* nc-value = 8LHEX */
    }
    if (ch->userhash) sipreg__putl(&b, ", userhash=true"); /* RFC 7616 §3.4.4 */
    if (sipreg__overflow(&b) || b.len > (size_t)INT_MAX) return SIPREG_E_BUFFER;
    if (b.len < cap) buf[b.len] = '\0';
    return (int)b.len;
}
