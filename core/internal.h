/* internal.h — helpers shared by the core's modules; not part of the public API.
 * Names use the `sipreg__` (double underscore) prefix: visible across files, never exported. */
#ifndef SIPREG_INTERNAL_H
#define SIPREG_INTERNAL_H

#include "sipreg.h"

#include <string.h>

/* PRNG: ChaCha20 keystream keyed by a 32-byte seed (no system entropy is ever read). */

/* Deterministic random number generator state. */
struct sipreg_prng {
    uint32_t key[8];  /* from the seed */
    uint64_t counter; /* block counter */
    uint32_t buf[16]; /* current keystream block */
    unsigned pos;     /* next unread word in buf (16 = empty) */
};

/* Initialise from a 32-byte seed. */
void sipreg_prng_init(struct sipreg_prng *g, const uint8_t seed[32]);

/* Next 32 random bits. */
uint32_t sipreg_prng_u32(struct sipreg_prng *g);

/* Uniform integer in [lo, hi] (inclusive); returns lo when hi <= lo. */
int64_t sipreg_prng_range(struct sipreg_prng *g, int64_t lo, int64_t hi);

/* Fill `out` with `n` lowercase alphanumeric characters (token-safe). */
void sipreg_prng_token(struct sipreg_prng *g, char *out, size_t n);

/* 1 when the transport is reliable (everything but UDP). */
int sipreg_transport_reliable(int transport);

/* Character classes of RFC 3261 §25.1. */
#define SIPREG__C_TOKEN 0x01      /* token chars: alphanum / "-.!%*_+`'~" */
#define SIPREG__C_ALNUM 0x02      /* ALPHA / DIGIT */
#define SIPREG__C_DIGIT 0x04      /* DIGIT */
#define SIPREG__C_HEX 0x08        /* HEXDIG (either case) */
#define SIPREG__C_UNRESERVED 0x10 /* alphanum / mark ("-_.!~*'()") */
#define SIPREG__C_WS 0x20         /* SP / HTAB */
#define SIPREG__C_PARAMCHAR                                                                        \
    0x40                       /* param-unreserved ("[]/:&+$") plus unreserved (escaped aside)     \
                                */
#define SIPREG__C_HNVCHAR 0x80 /* hnv-unreserved ("[]/?:+$") plus unreserved */

/* Class bits of byte c (table in text.c). */
extern const unsigned char sipreg__cclass[256];

/* 1 when byte c has any of the class bits `cls`. */
static inline __attribute__((always_inline)) int sipreg__is(unsigned char c, unsigned cls) {
    return (sipreg__cclass[c] & cls) != 0;
}

/* 1 when byte c is a token character (RFC 3261 §25.1 token). */
static inline __attribute__((always_inline)) int sipreg__is_token(unsigned char c) {
    return sipreg__is(c, SIPREG__C_TOKEN);
}

/* 1 when c is a visual-separator = "-" / "." / "(" / ")" (RFC 3966 §3). */
static inline int sipreg__is_visual(unsigned char c) {
    return c == '-' || c == '.' || c == '(' || c == ')';
}

/* ASCII lowercase of c. */
static inline __attribute__((always_inline)) unsigned char sipreg__lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Value of a hex digit, or -1. */
static inline int sipreg__hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = sipreg__lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* For one-line helpers on hot paths: -Oz would keep them as calls. */
#define SIPREG__INLINE static inline __attribute__((always_inline))

/* SWAR (eight bytes in a 64-bit word): one byte of 0x01 / 0x80 in every lane. */
#define SIPREG__LANES_01 0x0101010101010101ull
#define SIPREG__LANES_80 0x8080808080808080ull

/* Nonzero when some byte of w is below `below` (<= 0x80): the high bit of such a lane is set
 * (exact for existence, not for position). */
SIPREG__INLINE uint64_t sipreg__lanes_below(uint64_t w, unsigned char below) {
    return (w - SIPREG__LANES_01 * below) & ~w & SIPREG__LANES_80;
}

/* Nonzero when some byte of w equals b. */
SIPREG__INLINE uint64_t sipreg__lanes_eq(uint64_t w, unsigned char b) {
    return sipreg__lanes_below(w ^ (SIPREG__LANES_01 * b), 1);
}

/* Nonzero when some byte of w equals a or b. */
SIPREG__INLINE uint64_t sipreg__lanes_eq2(uint64_t w, unsigned char a, unsigned char b) {
    return sipreg__lanes_eq(w, a) | sipreg__lanes_eq(w, b);
}

/* Index (0..7) of the first byte in memory order whose lane has its high bit set in m (m != 0,
 * only high bits set: an exact per-lane mask, not sipreg__lanes_below's). */
SIPREG__INLINE unsigned sipreg__first_lane(uint64_t m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (unsigned)__builtin_clzll(m) >> 3;
#else
    return (unsigned)__builtin_ctzll(m) >> 3;
#endif
}

/* Eight bytes at p as a word (unaligned). */
SIPREG__INLINE uint64_t sipreg__word(const void *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* A view from a pointer and a length (always inlined: -Oz would otherwise keep a call, and wasm
 * passes the struct through memory). */
static inline __attribute__((always_inline)) struct sipreg_str sipreg__str(const char *p,
                                                                           size_t len) {
    struct sipreg_str s;
    s.p = p;
    s.len = len;
    return s;
}

/* A view of a NUL-terminated string (NULL gives an empty view). */
static inline struct sipreg_str sipreg__cstr(const char *s) {
    return sipreg__str(s, s ? strlen(s) : 0);
}

/* An instance as a 2xx carries it, quoted and bracketed ("<urn:uuid:...>"), without its
 * brackets: the URN as we configure and show it (RFC 5626 §4.1, RFC 3840 string form). */
static inline struct sipreg_str sipreg__instance_urn(struct sipreg_str inst) {
    if (inst.len >= 2 && inst.p[0] == '<' && inst.p[inst.len - 1] == '>')
        return sipreg__str(inst.p + 1, inst.len - 2);
    return inst;
}

/* 1 when the views are byte-equal. */
static inline int sipreg__eq(struct sipreg_str a, struct sipreg_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* The string after the first i of a packed list ("a\0b\0..."): a name table without pointers. */
const char *sipreg__nth(const char *packed, size_t i);

/* 1 when a[0..n) and b[0..n) are equal ignoring ASCII case. */
int sipreg__ieq_n(const char *a, const char *b, size_t n);

/* 1 when the views are equal ignoring ASCII case. (The inline wrappers keep views out of memory
 * in wasm, where a struct argument is passed through the stack.) */
static inline __attribute__((always_inline)) int sipreg__ieq(struct sipreg_str a,
                                                             struct sipreg_str b) {
    return a.len == b.len && sipreg__ieq_n(a.p, b.p, a.len);
}

/* 1 when view a equals the NUL-terminated lowercase literal `lit` ignoring ASCII case (the
 * length is compared first, and is a constant for a literal). */
static inline __attribute__((always_inline)) int sipreg__ieq_lit(struct sipreg_str a,
                                                                 const char *lit) {
    const size_t n = strlen(lit);
    return a.len == n && sipreg__ieq_n(a.p, lit, n);
}

/* sipreg__skip_lws when s starts with SP, HTAB, CR or LF. */
struct sipreg_str sipreg__skip_lws_slow(struct sipreg_str s);

/* sipreg__trim when s starts or ends with SP, HTAB, CR or LF. */
struct sipreg_str sipreg__trim_slow(struct sipreg_str s);

/* Skip linear white space (SP, HTAB, and CRLF/LF followed by SP/HTAB: §7.3.1 folding) from the
 * front of s. (Inline: most views start with a visible byte.) */
static inline __attribute__((always_inline)) struct sipreg_str
sipreg__skip_lws(struct sipreg_str s) {
    if (s.len == 0 || (unsigned char)s.p[0] > ' ') return s;
    return sipreg__skip_lws_slow(s);
}

/* Trim linear white space from both ends. */
static inline __attribute__((always_inline)) struct sipreg_str sipreg__trim(struct sipreg_str s) {
    if (s.len == 0 || ((unsigned char)s.p[0] > ' ' && (unsigned char)s.p[s.len - 1] > ' '))
        return s;
    return sipreg__trim_slow(s);
}

/* sipreg__quoted_end on p[0..len). */
long sipreg__quoted_end_n(const char *p, size_t len);

/* Index of the end of a quoted string starting at s.p[0] == '"' (the index just past the closing
 * quote, honouring quoted-pair), or SIPREG_E_QUOTE. */
static inline __attribute__((always_inline)) long sipreg__quoted_end(struct sipreg_str s) {
    return sipreg__quoted_end_n(s.p, s.len);
}

/* Parse a run of decimal digits (all of s must be digits, 1..n of them). Saturates at `max`.
 * Returns 0 or SIPREG_E_HEADER_VALUE. */
int sipreg__parse_u64(struct sipreg_str s, uint64_t max, uint64_t *out);

/* sipreg_nameaddr_parse without the check of the header parameters (for a value already checked:
 * the message's To and From). 0 or negative. */
int sipreg__nameaddr_split(struct sipreg_nameaddr *out, struct sipreg_str elem);

/* Bytes that end a parameter name or value in sipreg_param_next: ';' and white space (1), '='
 * (2), ',' (4), '&' (8) (table in text.c). */
extern const unsigned char sipreg__pstop[256];

/* The next ";name[=value]" of a header parameter list (*(SEMI generic-param), RFC 3261 §25.1),
 * checked: each ';' is followed by a token name (RFC 4475 §3.1.2.1). On a list that passed this
 * check it gives the views sipreg_param_next gives (its common case in one pass). 1, 0 at the end,
 * or negative with *bad at the offending byte. */
int sipreg__param_next_strict(struct sipreg_str *cur, struct sipreg_str *name,
                              struct sipreg_str *value, int *quoted, const char **bad);

/* Which Contact registration parameter (expires, q, +sip.instance, reg-id, pub-gruu, temp-gruu)
 * the name is: a nonzero bit, or 0 for any other parameter. */
unsigned sipreg__contact_param_kind(struct sipreg_str n);

/* Output buffer with sticky overflow: writes past cap set `overflow` and are dropped. */
struct sipreg__buf {
    char *p;    /* destination */
    size_t cap; /* capacity */
    size_t len; /* bytes written (may exceed cap when overflowed: the length needed) */
};

/* Append bytes. */
void sipreg__put(struct sipreg__buf *b, const char *s, size_t n);

/* Append a string literal (its length known at compile time). */
#define sipreg__putl(b, lit) sipreg__put((b), "" lit, sizeof(lit) - 1)

/* Append a view. */
void sipreg__puts(struct sipreg__buf *b, struct sipreg_str s);

/* Append a NUL-terminated string. */
void sipreg__putc(struct sipreg__buf *b, const char *s);

/* Append an unsigned decimal number. */
void sipreg__putu(struct sipreg__buf *b, uint64_t v);

/* Append a signed decimal number. */
void sipreg__puti(struct sipreg__buf *b, int64_t v);

/* Append a q-value from thousandths (1000 -> "1", 500 -> "0.5", 123 -> "0.123"). */
void sipreg__putq(struct sipreg__buf *b, int q);

/* Append n lowercase hex digits of v (most significant first). */
void sipreg__puthex(struct sipreg__buf *b, uint64_t v, unsigned n);

/* 1 when the buffer overflowed. */
static inline int sipreg__overflow(const struct sipreg__buf *b) { return b->len > b->cap; }

/* The lines every request we send starts with (RFC 3261 §8.1.1): request line, Via, Max-Forwards,
 * To, From, Call-ID, CSeq. */
struct sipreg__head {
    struct sipreg_str ruri, to, from, from_tag, call_id;
    uint32_t cseq;
    int transport; /* enum sipreg_transport */
    struct sipreg_str via_host;
    int via_port; /* or -1 */
    struct sipreg_str branch;
    struct sipreg_str route; /* outbound proxy URI (with ;lr), or empty */
    struct sipreg_str maddr; /* multicast destination (Via ;maddr, §18.1.1), or empty */
    int ttl;                 /* Via ;ttl with maddr */
};

/* Write the head of a `method` request (compose.c: one composer for REGISTER and the OPTIONS
 * probe). */
void sipreg__compose_head(struct sipreg__buf *b, const char *method, const struct sipreg__head *h);

#endif /* SIPREG_INTERNAL_H */
