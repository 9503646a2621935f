/* sha2.c — SHA-256 and SHA-512/256 (FIPS 180-4 §6.2, §6.4, §6.7), streaming. RFC 7616 §3.7
 * makes SHA-256 mandatory to implement and SHA-512/256 the backup; RFC 8760 §2.1 brings both to
 * SIP. SHA-512/256 is SHA-512 with its own initial value (§5.3.6.2), truncated to 256 bits. */
#include "hash.h"

/* SHA-256 constants: first 32 bits of the fractional parts of the cube roots of the first 64
 * primes (FIPS 180-4 §4.2.2). */
static const uint32_t K256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

/* SHA-512 constants: first 64 bits of the fractional parts of the cube roots of the first 80
 * primes (FIPS 180-4 §4.2.3). */
static const uint64_t K512[80] = {
    UINT64_C(0x428a2f98d728ae22), UINT64_C(0x7137449123ef65cd), UINT64_C(0xb5c0fbcfec4d3b2f),
    UINT64_C(0xe9b5dba58189dbbc), UINT64_C(0x3956c25bf348b538), UINT64_C(0x59f111f1b605d019),
    UINT64_C(0x923f82a4af194f9b), UINT64_C(0xab1c5ed5da6d8118), UINT64_C(0xd807aa98a3030242),
    UINT64_C(0x12835b0145706fbe), UINT64_C(0x243185be4ee4b28c), UINT64_C(0x550c7dc3d5ffb4e2),
    UINT64_C(0x72be5d74f27b896f), UINT64_C(0x80deb1fe3b1696b1), UINT64_C(0x9bdc06a725c71235),
    UINT64_C(0xc19bf174cf692694), UINT64_C(0xe49b69c19ef14ad2), UINT64_C(0xefbe4786384f25e3),
    UINT64_C(0x0fc19dc68b8cd5b5), UINT64_C(0x240ca1cc77ac9c65), UINT64_C(0x2de92c6f592b0275),
    UINT64_C(0x4a7484aa6ea6e483), UINT64_C(0x5cb0a9dcbd41fbd4), UINT64_C(0x76f988da831153b5),
    UINT64_C(0x983e5152ee66dfab), UINT64_C(0xa831c66d2db43210), UINT64_C(0xb00327c898fb213f),
    UINT64_C(0xbf597fc7beef0ee4), UINT64_C(0xc6e00bf33da88fc2), UINT64_C(0xd5a79147930aa725),
    UINT64_C(0x06ca6351e003826f), UINT64_C(0x142929670a0e6e70), UINT64_C(0x27b70a8546d22ffc),
    UINT64_C(0x2e1b21385c26c926), UINT64_C(0x4d2c6dfc5ac42aed), UINT64_C(0x53380d139d95b3df),
    UINT64_C(0x650a73548baf63de), UINT64_C(0x766a0abb3c77b2a8), UINT64_C(0x81c2c92e47edaee6),
    UINT64_C(0x92722c851482353b), UINT64_C(0xa2bfe8a14cf10364), UINT64_C(0xa81a664bbc423001),
    UINT64_C(0xc24b8b70d0f89791), UINT64_C(0xc76c51a30654be30), UINT64_C(0xd192e819d6ef5218),
    UINT64_C(0xd69906245565a910), UINT64_C(0xf40e35855771202a), UINT64_C(0x106aa07032bbd1b8),
    UINT64_C(0x19a4c116b8d2d0c8), UINT64_C(0x1e376c085141ab53), UINT64_C(0x2748774cdf8eeb99),
    UINT64_C(0x34b0bcb5e19b48a8), UINT64_C(0x391c0cb3c5c95a63), UINT64_C(0x4ed8aa4ae3418acb),
    UINT64_C(0x5b9cca4f7763e373), UINT64_C(0x682e6ff3d6b2b8a3), UINT64_C(0x748f82ee5defb2fc),
    UINT64_C(0x78a5636f43172f60), UINT64_C(0x84c87814a1f0ab72), UINT64_C(0x8cc702081a6439ec),
    UINT64_C(0x90befffa23631e28), UINT64_C(0xa4506cebde82bde9), UINT64_C(0xbef9a3f7b2c67915),
    UINT64_C(0xc67178f2e372532b), UINT64_C(0xca273eceea26619c), UINT64_C(0xd186b8c721c0c207),
    UINT64_C(0xeada7dd6cde0eb1e), UINT64_C(0xf57d4f7fee6ed178), UINT64_C(0x06f067aa72176fba),
    UINT64_C(0x0a637dc5a2c898a6), UINT64_C(0x113f9804bef90dae), UINT64_C(0x1b710b35131c471b),
    UINT64_C(0x28db77f523047d84), UINT64_C(0x32caab7b40c72493), UINT64_C(0x3c9ebe0a15c9bebc),
    UINT64_C(0x431d67c49c100d4c), UINT64_C(0x4cc5d4becb3e42b6), UINT64_C(0x597f299cfc657e2a),
    UINT64_C(0x5fcb6fab3ad6faec), UINT64_C(0x6c44198c4a475817),
};

/* Rotate a 32-bit word right by n (0 < n < 32). */
static uint32_t rotr32(uint32_t v, unsigned n) { return (v >> n) | (v << (32 - n)); }

/* Rotate a 64-bit word right by n (0 < n < 64). */
static uint64_t rotr64(uint64_t v, unsigned n) { return (v >> n) | (v << (64 - n)); }

/* Big-endian 32-bit load (FIPS 180-4 §3.1: the most significant byte first). */
static uint32_t load_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Big-endian 64-bit load. */
static uint64_t load_be64(const uint8_t *p) {
    return (uint64_t)load_be32(p) << 32 | (uint64_t)load_be32(p + 4);
}

/* Big-endian 32-bit store. */
static void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Big-endian 64-bit store. */
static void store_be64(uint8_t *p, uint64_t v) {
    store_be32(p, (uint32_t)(v >> 32));
    store_be32(p + 4, (uint32_t)v);
}

/* SHA-256 compression of one 64-byte block (FIPS 180-4 §6.2.2). */
static void sha256_block(void *state, const uint8_t *blk) {
    uint32_t *h = state;
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = load_be32(blk + 4 * t);
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr32(w[t - 15], 7) ^ rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3); /* σ0 */
        uint32_t s1 = rotr32(w[t - 2], 17) ^ rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10);  /* σ1 */
        w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25); /* Σ1 (§4.1.2) */
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = k + S1 + ch + K256[t] + w[t];
        uint32_t S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22); /* Σ0 */
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

/* SHA-512 compression of one 128-byte block (FIPS 180-4 §6.4.2). */
static void sha512_block(void *state, const uint8_t *blk) {
    uint64_t *h = state;
    uint64_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = load_be64(blk + 8 * t);
    for (int t = 16; t < 80; t++) {
        uint64_t s0 = rotr64(w[t - 15], 1) ^ rotr64(w[t - 15], 8) ^ (w[t - 15] >> 7); /* σ0 */
        uint64_t s1 = rotr64(w[t - 2], 19) ^ rotr64(w[t - 2], 61) ^ (w[t - 2] >> 6);  /* σ1 */
        w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }
    uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 80; t++) {
        uint64_t S1 = rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41); /* Σ1 (§4.1.3) */
        uint64_t ch = (e & f) ^ (~e & g);
        uint64_t t1 = k + S1 + ch + K512[t] + w[t];
        uint64_t S0 = rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39); /* Σ0 */
        uint64_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint64_t t2 = S0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

void sipreg__sha256_init(struct sipreg__sha256 *c) {
    /* FIPS 180-4 §5.3.3: square roots of the first 8 primes */
    static const uint32_t IV[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    memcpy(c->h, IV, sizeof IV);
    c->n = 0;
}

void sipreg__sha256_update(struct sipreg__sha256 *c, const void *data, size_t n) {
    sipreg__absorb(c->h, sha256_block, c->buf, 64, &c->n, data, n);
}

void sipreg__sha256_final(struct sipreg__sha256 *c, uint8_t out[SIPREG__SHA256_LEN]) {
    /* FIPS 180-4 §5.1.1: a 1 bit, zeros to 448 mod 512 bits, the 64-bit big-endian bit length */
    sipreg__pad(c->h, sha256_block, c->buf, 64, c->n, 8);
    store_be64(c->buf + 56, c->n * 8);
    sha256_block(c->h, c->buf);
    for (int i = 0; i < 8; i++)
        store_be32(out + 4 * i, c->h[i]);
}

void sipreg__sha512_256_init(struct sipreg__sha512 *c) {
    /* FIPS 180-4 §5.3.6.2: the SHA-512/256 initial hash value (from the §5.3.6 IV generator) */
    static const uint64_t IV[8] = {UINT64_C(0x22312194fc2bf72c), UINT64_C(0x9f555fa3c84c64c2),
                                   UINT64_C(0x2393b86b6f53b151), UINT64_C(0x963877195940eabd),
                                   UINT64_C(0x96283ee2a88effe3), UINT64_C(0xbe5e1e2553863992),
                                   UINT64_C(0x2b0199fc2c85b8aa), UINT64_C(0x0eb72ddc81c52ca2)};
    memcpy(c->h, IV, sizeof IV);
    c->n = 0;
}

void sipreg__sha512_update(struct sipreg__sha512 *c, const void *data, size_t n) {
    sipreg__absorb(c->h, sha512_block, c->buf, 128, &c->n, data, n);
}

void sipreg__sha512_256_final(struct sipreg__sha512 *c, uint8_t out[SIPREG__SHA256_LEN]) {
    /* FIPS 180-4 §5.1.2: a 1 bit, zeros to 896 mod 1024 bits, the 128-bit big-endian bit length */
    sipreg__pad(c->h, sha512_block, c->buf, 128, c->n, 16);
    store_be64(c->buf + 112, c->n >> 61); /* high 64 bits of n * 8 */
    store_be64(c->buf + 120, c->n << 3);
    sha512_block(c->h, c->buf);
    for (int i = 0; i < 4; i++)
        store_be64(out + 8 * i, c->h[i]); /* §6.7: leftmost 256 bits */
}

void sipreg__absorb(void *state, sipreg__block_fn block, uint8_t *buf, size_t bsize,
                    uint64_t *count, const uint8_t *p, size_t n) {
    size_t used = (size_t)(*count % bsize);
    *count += n;
    if (used) {
        size_t take = bsize - used < n ? bsize - used : n;
        memcpy(buf + used, p, take);
        p += take;
        n -= take;
        if (used + take < bsize) return;
        block(state, buf);
    }
    for (; n >= bsize; p += bsize, n -= bsize)
        block(state, p);
    if (n) memcpy(buf, p, n);
}

void sipreg__pad(void *state, sipreg__block_fn block, uint8_t *buf, size_t bsize, uint64_t count,
                 size_t lenbytes) {
    size_t used = (size_t)(count % bsize);
    buf[used++] = 0x80;
    if (used > bsize - lenbytes) {
        memset(buf + used, 0, bsize - used);
        block(state, buf);
        used = 0;
    }
    memset(buf + used, 0, bsize - lenbytes - used);
}
