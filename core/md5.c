/* md5.c — MD5 message digest (RFC 1321), streaming. Kept only because RFC 7616 §3.2 and
 * RFC 8760 §3 keep MD5 for backward compatibility: most SIP registrars still challenge with it. */
#include "hash.h"

/* T[i] = floor(2^32 * abs(sin(i + 1))) (RFC 1321 §3.4). */
static const uint32_t MD5_T[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u,
    0xfd469501u, 0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u,
    0xa679438eu, 0x49b40821u, 0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du,
    0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u, 0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au, 0xfffa3942u, 0x8771f681u, 0x6d9d6122u,
    0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u, 0x289b7ec6u, 0xeaa127fau,
    0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u, 0xf4292244u,
    0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu,
    0xeb86d391u,
};

/* Per-round shift amounts, four per round (RFC 1321 §3.4). */
static const unsigned char MD5_S[4][4] = {
    {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

/* Rotate left by n (0 < n < 32). */
static uint32_t rotl32(uint32_t v, unsigned n) { return (v << n) | (v >> (32 - n)); }

/* Little-endian 32-bit load from bytes (RFC 1321 §2: low-order byte first). */
static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Little-endian 32-bit store. */
static void store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The auxiliary functions of the four rounds (RFC 1321 §3.4). */
#define MD5_F(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define MD5_G(x, y, z) (((x) & (z)) | ((y) & ~(z)))
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
/* One operation: a = b + ((a + fn(b,c,d) + X[k] + T[i]) <<< s) (RFC 1321 §3.4). */
#define MD5_OP(fn, a, b, c, d, k, s, i)                                                            \
    (a) = (b) + rotl32((a) + fn((b), (c), (d)) + x[(k)] + MD5_T[(i)], (s))
/* Four operations of round r from operation i on words k0..k3, the registers rotating. */
#define MD5_QUAD(fn, r, i, k0, k1, k2, k3)                                                         \
    do {                                                                                           \
        MD5_OP(fn, a, b, c, d, k0, MD5_S[r][0], (i));                                              \
        MD5_OP(fn, d, a, b, c, k1, MD5_S[r][1], (i) + 1);                                          \
        MD5_OP(fn, c, d, a, b, k2, MD5_S[r][2], (i) + 2);                                          \
        MD5_OP(fn, b, c, d, a, k3, MD5_S[r][3], (i) + 3);                                          \
    } while (0)
/* Process one 64-byte block (RFC 1321 §3.4: four rounds of 16 operations). */
static void md5_block(void *state, const uint8_t *blk) {
    uint32_t *h = state;
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = load_le32(blk + 4 * i);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    /* the 64 operations written out (RFC 1321 §3.4 lists them so): no loop, no branch per step,
     * every word index, shift and constant known where it is used */
    /* round 1: F(X,Y,Z) = XY v not(X) Z */
    MD5_QUAD(MD5_F, 0, 0, 0, 1, 2, 3);
    MD5_QUAD(MD5_F, 0, 4, 4, 5, 6, 7);
    MD5_QUAD(MD5_F, 0, 8, 8, 9, 10, 11);
    MD5_QUAD(MD5_F, 0, 12, 12, 13, 14, 15);
    /* round 2: G(X,Y,Z) = XZ v Y not(Z) */
    MD5_QUAD(MD5_G, 1, 16, 1, 6, 11, 0);
    MD5_QUAD(MD5_G, 1, 20, 5, 10, 15, 4);
    MD5_QUAD(MD5_G, 1, 24, 9, 14, 3, 8);
    MD5_QUAD(MD5_G, 1, 28, 13, 2, 7, 12);
    /* round 3: H(X,Y,Z) = X xor Y xor Z */
    MD5_QUAD(MD5_H, 2, 32, 5, 8, 11, 14);
    MD5_QUAD(MD5_H, 2, 36, 1, 4, 7, 10);
    MD5_QUAD(MD5_H, 2, 40, 13, 0, 3, 6);
    MD5_QUAD(MD5_H, 2, 44, 9, 12, 15, 2);
    /* round 4: I(X,Y,Z) = Y xor (X v not(Z)) */
    MD5_QUAD(MD5_I, 3, 48, 0, 7, 14, 5);
    MD5_QUAD(MD5_I, 3, 52, 12, 3, 10, 1);
    MD5_QUAD(MD5_I, 3, 56, 8, 15, 6, 13);
    MD5_QUAD(MD5_I, 3, 60, 4, 11, 2, 9);
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

void sipreg__md5_init(struct sipreg__md5 *c) {
    /* RFC 1321 §3.3: word A = 01 23 45 67 (low-order byte first), B, C, D likewise */
    c->h[0] = 0x67452301u;
    c->h[1] = 0xefcdab89u;
    c->h[2] = 0x98badcfeu;
    c->h[3] = 0x10325476u;
    c->n = 0;
}

void sipreg__md5_update(struct sipreg__md5 *c, const void *data, size_t n) {
    sipreg__absorb(c->h, md5_block, c->buf, 64, &c->n, data, n);
}

void sipreg__md5_final(struct sipreg__md5 *c, uint8_t out[SIPREG__MD5_LEN]) {
    /* RFC 1321 §3.1-3.2: a 1 bit, zeros to 56 mod 64 bytes, then the bit length (LE, mod 2^64) */
    uint64_t bits = c->n * 8;
    sipreg__pad(c->h, md5_block, c->buf, 64, c->n, 8);
    store_le32(c->buf + 56, (uint32_t)bits);
    store_le32(c->buf + 60, (uint32_t)(bits >> 32));
    md5_block(c->h, c->buf);
    for (int i = 0; i < 4; i++)
        store_le32(out + 4 * i, c->h[i]); /* §3.5: A, B, C, D */
}
