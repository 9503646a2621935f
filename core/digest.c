/* digest.c — the Digest request-digest computation (RFC 7616 §3.4.1-§3.4.3, RFC 2617 §3.2.2 for
 * the qop-less form, RFC 3261 §22.4, RFC 8760 §2) over MD5, SHA-256 and SHA-512/256, and the
 * algorithm table: names, parsing and the rank used to pick the strongest challenge. */
#include "hash.h"

/* One row per supported algorithm (RFC 7616 §6.1 registry plus the -sess variants). */
struct alg_row {
    int alg;          /* enum sipreg_alg */
    const char *name; /* wire name (RFC 8760 §2.7 ABNF spelling) */
    int kind;         /* 1 MD5, 2 SHA-256, 3 SHA-512/256 */
    int sess;         /* 1 for "<algorithm>-sess" (RFC 7616 §3.4.2) */
    int rank;         /* higher is stronger; see sipreg_alg_rank */
};

/* Rank: SHA-512-256 > SHA-256 > MD5 (local policy over RFC 7616 §3.7's order: SHA-512/256 has the
 * same output size as SHA-256 but runs on SHA-512's 512-bit state, FIPS 180-4 §6.7; MD5 is NOT
 * RECOMMENDED, RFC 8760 §3). A -sess variant ranks just below its base: it adds nothing for a
 * client that knows the password, and servers implement it less often and less consistently. */
static const struct alg_row ALGS[] = {
    {SIPREG_ALG_MD5, "MD5", 1, 0, 2},
    {SIPREG_ALG_MD5_SESS, "MD5-sess", 1, 1, 1},
    {SIPREG_ALG_SHA256, "SHA-256", 2, 0, 4},
    {SIPREG_ALG_SHA256_SESS, "SHA-256-sess", 2, 1, 3},
    {SIPREG_ALG_SHA512_256, "SHA-512-256", 3, 0, 6},
    {SIPREG_ALG_SHA512_256_SESS, "SHA-512-256-sess", 3, 1, 5},
};

/* The table row of `alg`, or NULL when we do not support it. */
static const struct alg_row *alg_row(int alg) {
    for (size_t i = 0; i < sizeof ALGS / sizeof ALGS[0]; i++)
        if (ALGS[i].alg == alg) return &ALGS[i];
    return NULL;
}

size_t sipreg_digest_hex_len(int alg) {
    const struct alg_row *r = alg_row(alg);
    if (!r) return 0;
    return r->kind == 1 ? 2 * SIPREG__MD5_LEN : 2 * SIPREG__SHA256_LEN; /* RFC 7616 §3.2 */
}

int sipreg_alg_rank(int alg) {
    const struct alg_row *r = alg_row(alg);
    return r ? r->rank : 0;
}

const char *sipreg_alg_name(int alg) {
    const struct alg_row *r = alg_row(alg);
    return r ? r->name : "";
}

int sipreg_alg_parse(struct sipreg_str s) {
    /* algorithm tokens compare case-insensitively (RFC 7616 §3.3 names; RFC 2617 §1.2 tokens) */
    for (size_t i = 0; i < sizeof ALGS / sizeof ALGS[0]; i++)
        if (sipreg__ieq(s, sipreg__cstr(ALGS[i].name))) return ALGS[i].alg;
    return SIPREG_ALG_UNKNOWN;
}

size_t sipreg__hash_init(struct sipreg__hash *h, int alg) {
    const struct alg_row *r = alg_row(alg);
    h->kind = r ? r->kind : 0;
    switch (h->kind) {
    case 1:
        sipreg__md5_init(&h->u.md5);
        return SIPREG__MD5_LEN;
    case 2:
        sipreg__sha256_init(&h->u.sha256);
        return SIPREG__SHA256_LEN;
    case 3:
        sipreg__sha512_256_init(&h->u.sha512);
        return SIPREG__SHA256_LEN;
    default:
        return 0;
    }
}

void sipreg__hash_update(struct sipreg__hash *h, const void *data, size_t n) {
    if (n == 0) return; /* views may be {NULL, 0} */
    switch (h->kind) {
    case 1:
        sipreg__md5_update(&h->u.md5, data, n);
        break;
    case 2:
        sipreg__sha256_update(&h->u.sha256, data, n);
        break;
    case 3:
        sipreg__sha512_update(&h->u.sha512, data, n);
        break;
    default:
        break;
    }
}

void sipreg__hash_str(struct sipreg__hash *h, struct sipreg_str s) {
    sipreg__hash_update(h, s.p, s.len);
}

void sipreg__hash_unq(struct sipreg__hash *h, struct sipreg_str s) {
    /* unq(X): quoting slashes removed (RFC 7616 §3.3); quoted-pair = "\" CHAR (RFC 3261 §25.1) */
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] == '\\' && i + 1 < s.len) {
            sipreg__hash_update(h, s.p + start, i - start);
            start = ++i; /* keep the escaped byte, drop the slash */
        }
    }
    sipreg__hash_update(h, s.p + start, s.len - start);
}

size_t sipreg__hash_final_hex(struct sipreg__hash *h, char *hex) {
    static const char HEX[] = "0123456789abcdef";
    uint8_t d[SIPREG__HASH_MAX];
    size_t n = 0;
    switch (h->kind) {
    case 1:
        sipreg__md5_final(&h->u.md5, d);
        n = SIPREG__MD5_LEN;
        break;
    case 2:
        sipreg__sha256_final(&h->u.sha256, d);
        n = SIPREG__SHA256_LEN;
        break;
    case 3:
        sipreg__sha512_256_final(&h->u.sha512, d);
        n = SIPREG__SHA256_LEN;
        break;
    default:
        break;
    }
    /* RFC 7616 §3.2: most significant nibble first, lowercase 0123456789abcdef */
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = HEX[d[i] >> 4];
        hex[2 * i + 1] = HEX[d[i] & 15];
    }
    hex[2 * n] = '\0';
    return 2 * n;
}

/* Feed ":" to the hash (the field separator of A1, A2 and the response, RFC 7616 §3.4.5). */
static void colon(struct sipreg__hash *h) { sipreg__hash_update(h, ":", 1); }

/* Feed a realm or nonce, undoing quoted-pairs when it came from a challenge (unq != 0). */
static void feed(struct sipreg__hash *h, struct sipreg_str s, int unq) {
    if (unq)
        sipreg__hash_unq(h, s);
    else
        sipreg__hash_str(h, s);
}

/* Copy a caller-supplied H(A1) as lowercase hex; 0, or SIPREG_E_INVAL when it is not `n` hex
 * digits. */
static int take_ha1(struct sipreg_str ha1, size_t n, char *out) {
    if (ha1.len != n) return SIPREG_E_INVAL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)ha1.p[i];
        if (sipreg__hexval(c) < 0) return SIPREG_E_INVAL;
        out[i] = (char)sipreg__lower(c);
    }
    out[n] = '\0';
    return 0;
}

int sipreg__digest_response(const struct sipreg_digest_input *in, int unq, char *out, size_t cap) {
    static const char HEX[] = "0123456789abcdef";
    if (!in || !out) return SIPREG_E_INVAL;
    const struct alg_row *row = alg_row(in->alg);
    if (!row) return SIPREG_E_AUTH_ALGORITHM;
    if (in->qop != 0 && in->qop != SIPREG_QOP_AUTH && in->qop != SIPREG_QOP_AUTH_INT)
        return SIPREG_E_INVAL;
    /* RFC 3261 §22.4 item 8: -sess needs the cnonce, which is only sent with qop */
    if (row->sess && in->qop == 0) return SIPREG_E_AUTH_QOP;
    size_t hl = sipreg_digest_hex_len(in->alg);
    if (cap < hl + 1) return SIPREG_E_BUFFER;

    struct sipreg__hash h;
    char ha1[2 * SIPREG__HASH_MAX + 1], ha2[2 * SIPREG__HASH_MAX + 1],
        tmp[2 * SIPREG__HASH_MAX + 1];

    /* H(A1), A1 = unq(username) ":" unq(realm) ":" passwd (RFC 7616 §3.4.2), or the stored one */
    if (in->ha1_hex.len) {
        int r = take_ha1(in->ha1_hex, hl, ha1);
        if (r < 0) return r;
    } else {
        sipreg__digest_ha1(in->alg, in->username, in->realm, unq, in->password, ha1);
    }
    if (row->sess) {
        /* -sess: A1 = H(user:realm:pass) ":" unq(nonce-prime) ":" unq(cnonce-prime) (§3.4.2) */
        sipreg__hash_init(&h, in->alg);
        sipreg__hash_update(&h, ha1, hl);
        colon(&h);
        feed(&h, in->nonce, unq);
        colon(&h);
        sipreg__hash_str(&h, in->cnonce);
        sipreg__hash_final_hex(&h, ha1);
    }

    /* H(A2): A2 = Method ":" request-uri [":" H(entity-body)] for auth-int (RFC 7616 §3.4.3);
     * an empty body hashes as H("") (RFC 8760 §2.6 item 7, RFC 3261 §22.4 item 7) */
    if (in->qop == SIPREG_QOP_AUTH_INT) {
        sipreg__hash_init(&h, in->alg);
        sipreg__hash_str(&h, in->body);
        sipreg__hash_final_hex(&h, tmp);
    }
    sipreg__hash_init(&h, in->alg);
    sipreg__hash_str(&h, in->method);
    colon(&h);
    sipreg__hash_str(&h, in->uri);
    if (in->qop == SIPREG_QOP_AUTH_INT) {
        colon(&h);
        sipreg__hash_update(&h, tmp, hl);
    }
    sipreg__hash_final_hex(&h, ha2);

    /* response = KD(H(A1), unq(nonce):nc:unq(cnonce):unq(qop):H(A2)) (RFC 7616 §3.4.1), or
     * KD(H(A1), unq(nonce):H(A2)) without qop (RFC 2617 §3.2.2.1, RFC 2069 compatibility) */
    sipreg__hash_init(&h, in->alg);
    sipreg__hash_update(&h, ha1, hl);
    colon(&h);
    feed(&h, in->nonce, unq);
    colon(&h);
    if (in->qop) {
        char nc[8]; /* nc-value = 8LHEX (RFC 3261 §25.1, RFC 7616 §3.4) */
        for (int i = 0; i < 8; i++)
            nc[i] = HEX[(in->nc >> (28 - 4 * i)) & 15];
        sipreg__hash_update(&h, nc, sizeof nc);
        colon(&h);
        sipreg__hash_str(&h, in->cnonce);
        colon(&h);
        sipreg__hash_str(&h, sipreg__cstr(in->qop == SIPREG_QOP_AUTH ? "auth" : "auth-int"));
        colon(&h);
    }
    sipreg__hash_update(&h, ha2, hl);
    sipreg__hash_final_hex(&h, tmp);
    memcpy(out, tmp, hl + 1);
    return (int)hl;
}

int sipreg_digest_response(const struct sipreg_digest_input *in, char *out, size_t cap) {
    return sipreg__digest_response(in, 0, out, cap);
}

size_t sipreg__digest_ha1(int alg, struct sipreg_str username, struct sipreg_str realm, int unq,
                          struct sipreg_str password, char *hex) {
    struct sipreg__hash h;
    if (!sipreg__hash_init(&h, alg)) return 0;
    sipreg__hash_str(&h, username);
    colon(&h);
    feed(&h, realm, unq);
    colon(&h);
    sipreg__hash_str(&h, password);
    return sipreg__hash_final_hex(&h, hex);
}

int sipreg_digest_ha1(int alg, struct sipreg_str username, struct sipreg_str realm,
                      struct sipreg_str password, char *out, size_t cap) {
    /* H(A1) with A1 = username ":" realm ":" passwd (RFC 7616 §3.4.2); for -sess this is the
     * inner hash, which is what a stored HA1 must hold (RFC 7616 §5.2) */
    if (!out) return SIPREG_E_INVAL;
    size_t n = sipreg_digest_hex_len(alg);
    if (!n) return SIPREG_E_AUTH_ALGORITHM;
    if (cap < n + 1) return SIPREG_E_BUFFER;
    char hex[2 * SIPREG__HASH_MAX + 1];
    size_t hl = sipreg__digest_ha1(alg, username, realm, 0, password, hex);
    memcpy(out, hex, hl + 1);
    return (int)hl;
}
