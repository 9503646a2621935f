/* hash.h — internal message digests for Digest authentication: MD5 (RFC 1321), SHA-256 and
 * SHA-512/256 (FIPS 180-4), with a streaming init/update/final API so auth-int can hash a body
 * in place. Also the digest helpers that auth.c shares with digest.c. Not part of the public API.
 *
 * Portability: input bytes are assembled into words with shifts (no unaligned loads, no
 * dependence on host byte order); no malloc, no mutable globals (only const round tables). */
#ifndef SIPREG_HASH_H
#define SIPREG_HASH_H

#include "internal.h"

#include <stdint.h>

#define SIPREG__MD5_LEN 16    /* MD5 digest bytes */
#define SIPREG__SHA256_LEN 32 /* SHA-256 and SHA-512/256 digest bytes */
#define SIPREG__HASH_MAX 32   /* the longest digest we produce, in bytes */

/* MD5 state (RFC 1321 §3.3). */
struct sipreg__md5 {
    uint32_t h[4];   /* A, B, C, D */
    uint64_t n;      /* message bytes so far */
    uint8_t buf[64]; /* partial block */
};

/* SHA-256 state (FIPS 180-4 §6.2). */
struct sipreg__sha256 {
    uint32_t h[8];   /* H0..H7 */
    uint64_t n;      /* message bytes so far */
    uint8_t buf[64]; /* partial block */
};

/* SHA-512 family state (FIPS 180-4 §6.4), used for SHA-512/256 (§6.7). */
struct sipreg__sha512 {
    uint64_t h[8];    /* H0..H7 */
    uint64_t n;       /* message bytes so far (the 128-bit length's high bits come from n) */
    uint8_t buf[128]; /* partial block */
};

/* A compression function: one block into the state words. */
typedef void (*sipreg__block_fn)(void *state, const uint8_t *block);

/* Merkle-Damgard buffering shared by the three hashes: absorb n bytes into a bsize-byte block
 * buffer, compressing every full block; *count tracks the message length in bytes. */
void sipreg__absorb(void *state, sipreg__block_fn block, uint8_t *buf, size_t bsize,
                    uint64_t *count, const uint8_t *p, size_t n);

/* The common padding: 0x80 then zeros up to bsize - lenbytes (compressing a block if needed);
 * the caller writes the length field at buf + bsize - lenbytes and compresses the last block. */
void sipreg__pad(void *state, sipreg__block_fn block, uint8_t *buf, size_t bsize, uint64_t count,
                 size_t lenbytes);

/* Start an MD5 computation. */
void sipreg__md5_init(struct sipreg__md5 *c);
/* Feed n bytes. */
void sipreg__md5_update(struct sipreg__md5 *c, const void *data, size_t n);
/* Finish and write the 16-byte digest; the state must be re-initialised before reuse. */
void sipreg__md5_final(struct sipreg__md5 *c, uint8_t out[SIPREG__MD5_LEN]);

/* Start a SHA-256 computation. */
void sipreg__sha256_init(struct sipreg__sha256 *c);
/* Feed n bytes. */
void sipreg__sha256_update(struct sipreg__sha256 *c, const void *data, size_t n);
/* Finish and write the 32-byte digest. */
void sipreg__sha256_final(struct sipreg__sha256 *c, uint8_t out[SIPREG__SHA256_LEN]);

/* Start a SHA-512/256 computation (SHA-512 rounds, own IV, output truncated to 32 bytes). */
void sipreg__sha512_256_init(struct sipreg__sha512 *c);
/* Feed n bytes. */
void sipreg__sha512_update(struct sipreg__sha512 *c, const void *data, size_t n);
/* Finish and write the leftmost 32 bytes of the SHA-512 state (FIPS 180-4 §6.7). */
void sipreg__sha512_256_final(struct sipreg__sha512 *c, uint8_t out[SIPREG__SHA256_LEN]);

/* One of the three hashes, chosen by a Digest algorithm (the -sess variants hash like their
 * base). Implemented in digest.c. */
struct sipreg__hash {
    int kind; /* 1 MD5, 2 SHA-256, 3 SHA-512/256 */
    union {
        struct sipreg__md5 md5;
        struct sipreg__sha256 sha256;
        struct sipreg__sha512 sha512;
    } u;
};

/* Start the hash of `alg` (enum sipreg_alg). Returns the digest size in bytes, 0 if unknown. */
size_t sipreg__hash_init(struct sipreg__hash *h, int alg);
/* Feed n bytes. */
void sipreg__hash_update(struct sipreg__hash *h, const void *data, size_t n);
/* Feed a view. */
void sipreg__hash_str(struct sipreg__hash *h, struct sipreg_str s);
/* Feed the content of a quoted-string with its quoted-pairs undone (unq(), RFC 7616 §3.3). */
void sipreg__hash_unq(struct sipreg__hash *h, struct sipreg_str s);
/* Finish, writing the digest as lowercase hex plus NUL into hex (room for 2*32+1 bytes).
 * Returns the hex length. */
size_t sipreg__hash_final_hex(struct sipreg__hash *h, char *hex);

/* sipreg_digest_response with realm and nonce given as quoted-string content (escapes kept, as
 * the challenge parser returns them) when `unq` is 1, or as literal bytes when it is 0. */
int sipreg__digest_response(const struct sipreg_digest_input *in, int unq, char *out, size_t cap);

/* H(A1) = H(username ":" realm ":" passwd) as lowercase hex plus NUL into hex (room for 2*32+1),
 * the realm as quoted-string content when `unq` is 1 (RFC 7616 §3.4.2); the hex length, or 0
 * for an unknown algorithm. For -sess algorithms this is the inner hash (§5.2). */
size_t sipreg__digest_ha1(int alg, struct sipreg_str username, struct sipreg_str realm, int unq,
                          struct sipreg_str password, char *hex);

#endif /* SIPREG_HASH_H */
