/* prng.c — ChaCha20 keystream (RFC 8439 §2.3 block function) as the core's only source of
 * randomness: Call-IDs, tags, branches, cnonces and jitter. Keyed by the host's 32-byte seed,
 * so the same seed gives the same bytes out (deterministic scenarios). */
#include "internal.h"

static uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

#define QR(a, b, c, d)                                                                             \
    do {                                                                                           \
        a += b;                                                                                    \
        d = rotl(d ^ a, 16);                                                                       \
        c += d;                                                                                    \
        b = rotl(b ^ c, 12);                                                                       \
        a += b;                                                                                    \
        d = rotl(d ^ a, 8);                                                                        \
        c += d;                                                                                    \
        b = rotl(b ^ c, 7);                                                                        \
    } while (0)

static void chacha_block(struct sipreg_prng *g) {
    uint32_t in[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u}; /* "expand 32-byte k" */
    for (int i = 0; i < 8; i++)
        in[4 + i] = g->key[i];
    in[12] = (uint32_t)g->counter;
    in[13] = (uint32_t)(g->counter >> 32);
    in[14] = 0;
    in[15] = 0;
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int r = 0; r < 10; r++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        g->buf[i] = x[i] + in[i];
    g->counter++;
    g->pos = 0;
}

void sipreg_prng_init(struct sipreg_prng *g, const uint8_t seed[32]) {
    for (int i = 0; i < 8; i++)
        g->key[i] = (uint32_t)seed[4 * i] | (uint32_t)seed[4 * i + 1] << 8 |
                    (uint32_t)seed[4 * i + 2] << 16 | (uint32_t)seed[4 * i + 3] << 24;
    g->counter = 0;
    g->pos = 16;
    memset(g->buf, 0, sizeof g->buf);
}

uint32_t sipreg_prng_u32(struct sipreg_prng *g) {
    if (g->pos >= 16) chacha_block(g);
    return g->buf[g->pos++];
}

int64_t sipreg_prng_range(struct sipreg_prng *g, int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    /* rejection sampling over 64 bits: unbiased */
    uint64_t limit = span ? UINT64_MAX - UINT64_MAX % span : UINT64_MAX;
    uint64_t v;
    do {
        v = (uint64_t)sipreg_prng_u32(g) << 32 | sipreg_prng_u32(g);
    } while (span && v >= limit);
    return span ? (int64_t)((uint64_t)lo + v % span) : (int64_t)v;
}

void sipreg_prng_token(struct sipreg_prng *g, char *out, size_t n) {
    static const char ALPHABET[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    /* four characters per 32-bit draw: a byte below 252 (= 7 * 36) maps to one without bias,
     * the other four byte values are skipped (rejection sampling) */
    for (size_t i = 0; i < n;) {
        uint32_t w = sipreg_prng_u32(g);
        for (int k = 0; k < 4 && i < n; k++, w >>= 8)
            if ((w & 255) < 252) out[i++] = ALPHABET[(w & 255) % 36];
    }
}
