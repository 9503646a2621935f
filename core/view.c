/* view.c — the two outputs of the structured views: JSON text and the word tape (sipreg.h).
 * The walkers (view_msg.c, view_reg.c) are written once against struct sipreg__view_ops. */
#include "view.h"

#include <string.h>

size_t sipreg__utf8_seq(const unsigned char *p, size_t n, size_t *skip) {
    /* RFC 3629 §4: UTF8-2 = %xC2-DF UTF8-tail; UTF8-3 excludes E0 80-9F (overlong) and
     * ED A0-BF (surrogates); UTF8-4 excludes F0 80-8F (overlong) and F4 90-BF (> U+10FFFF) */
    const unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len = 0, k = 1;
    *skip = 1;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    for (; k < len && k < n && p[k] >= lo && p[k] <= hi; k++)
        lo = 0x80, hi = 0xbf;
    if (k == len) return len;
    /* the maximal subpart p[0..k) becomes one U+FFFD (Unicode §3.9, as WHATWG's TextDecoder) */
    *skip = k;
    return 0;
}

void sipreg__view_init(struct sipreg__view *v, const struct sipreg__view_ops *ops, char *out,
                       size_t cap) {
    v->ops = ops;
    v->b.p = out;
    v->b.cap = cap;
    sipreg__view_reset(v);
}

void sipreg__view_reset(struct sipreg__view *v) {
    v->b.len = 0;
    v->comma = 0;
}

int sipreg__view_end(const struct sipreg__view *v) {
    if (v->b.len > v->b.cap) return SIPREG_E_BUFFER;
    return (int)(v->ops == SIPREG__TAPE_OPS ? v->b.len / sizeof(uintptr_t) : v->b.len);
}

#ifndef SIPREG_VIEW_TAPE_ONLY
/* ---- JSON text ---- */

/* sipreg__put for the JSON writer (native builds only): memcpy, which the compiler writes out
 * inline for a literal's constant length. */
static inline void json_put(struct sipreg__buf *b, const char *s, size_t n) {
    if (b->len <= b->cap && n <= b->cap - b->len) memcpy(b->p + b->len, s, n);
    b->len += n;
}
#define json_putl(b, lit) json_put((b), "" lit, sizeof(lit) - 1)

/* 1 when byte c goes into a JSON string as it is: printable ASCII but '"' and '\\'. */
static inline int json_plain(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* 1 when the eight bytes at p are all json_plain. */
static inline int json_plain8(const char *p) {
    const uint64_t w = sipreg__word(p);
    return !(sipreg__lanes_below(w, 0x20) | (w & SIPREG__LANES_80) |
             sipreg__lanes_eq2(w, '"', '\\'));
}

/* Append s as a JSON string, escaped as JavaScript's JSON.stringify escapes, ill-formed UTF-8
 * replaced as TextDecoder replaces it (so a host that decodes the tape's strings and
 * re-serialises its objects prints the same bytes). */
static void json_string(struct sipreg__buf *b, struct sipreg_str s) {
    static const char HEX[] = "0123456789abcdef";
    json_putl(b, "\"");
    size_t i = 0;
    while (i < s.len) {
        /* the common case: a run of printable ASCII that needs no escape, copied at once */
        size_t run = i;
        while (s.len - run >= 8 && json_plain8(s.p + run))
            run += 8;
        while (run < s.len && json_plain((unsigned char)s.p[run]))
            run++;
        if (run > i) {
            json_put(b, s.p + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s.p[i];
        const char *shortform = c == '"'    ? "\\\""
                                : c == '\\' ? "\\\\"
                                : c == '\b' ? "\\b"
                                : c == '\t' ? "\\t"
                                : c == '\n' ? "\\n"
                                : c == '\f' ? "\\f"
                                : c == '\r' ? "\\r"
                                            : NULL;
        if (shortform) {
            json_put(b, shortform, 2);
            i++;
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
            json_put(b, esc, 6);
            i++;
        } else {
            size_t skip, n = sipreg__utf8_seq((const unsigned char *)s.p + i, s.len - i, &skip);
            if (n) {
                json_put(b, s.p + i, n);
                i += n;
            } else {
                json_putl(b, "\xef\xbf\xbd");
                i += skip;
            }
        }
    }
    json_putl(b, "\"");
}

/* A comma before every member or element but the first of its level. */
static void json_sep(struct sipreg__view *v) {
    if (v->comma) json_putl(&v->b, ",");
    v->comma = 1;
}

static void json_open(struct sipreg__view *v, int array) {
    json_sep(v);
    json_put(&v->b, array ? "[" : "{", 1);
    v->comma = 0;
}

static void json_close(struct sipreg__view *v, int array) {
    json_put(&v->b, array ? "]" : "}", 1);
    v->comma = 1;
}

static void json_key(struct sipreg__view *v, const char *k, size_t n, int stat) {
    json_sep(v);
    if (stat) { /* a static name is plain ASCII (view.h): no escape to look for */
        json_putl(&v->b, "\"");
        json_put(&v->b, k, n);
        json_putl(&v->b, "\":");
    } else {
        json_string(&v->b, sipreg__str(k, n));
        json_putl(&v->b, ":");
    }
    v->comma = 0;
}

static void json_str(struct sipreg__view *v, struct sipreg_str s, int stat) {
    (void)stat;
    json_sep(v);
    if (s.p)
        json_string(&v->b, s);
    else
        json_putl(&v->b, "null");
}

static void json_num(struct sipreg__view *v, int64_t x, int dec3) {
    json_sep(v);
    if (dec3)
        sipreg__putq(&v->b, (int)x);
    else
        sipreg__puti(&v->b, x);
}

static void json_lit(struct sipreg__view *v, int which) {
    json_sep(v);
    if (which == SIPREG_TAPE_TRUE)
        json_putl(&v->b, "true");
    else if (which == SIPREG_TAPE_FALSE)
        json_putl(&v->b, "false");
    else
        json_putl(&v->b, "null");
}

const struct sipreg__view_ops sipreg__view_json = {json_open, json_close, json_key,
                                                   json_str,  json_num,   json_lit};

#endif

/* ---- word tape ---- */

/* Append one word (view.h: dropped, but counted, when it does not fit; the caller sees
 * SIPREG_E_BUFFER and retries with more room). Inline in every operation: the wasm build
 * compiles this file for size, and a call per word would cost the views their speed. */
#define tape_word sipreg__h_word

/* Append op | len << 4, ptr: the bytes as they are (the host decodes them as UTF-8 with
 * replacement, the way the JSON writer replaces). */
SIPREG__HOT void tape_text(struct sipreg__view *v, uintptr_t op, struct sipreg_str s) {
    tape_word(v, op | (uintptr_t)s.len << 4);
    tape_word(v, (uintptr_t)s.p);
}

void sipreg__tape_open(struct sipreg__view *v, int array) {
    tape_word(v, array ? SIPREG_TAPE_ARRAY : SIPREG_TAPE_OBJECT);
}

void sipreg__tape_close(struct sipreg__view *v, int array) {
    (void)array;
    tape_word(v, SIPREG_TAPE_END);
}

/* Static strings (stat) are NUL-terminated and ASCII: one word, their address. */
void sipreg__tape_key(struct sipreg__view *v, const char *k, size_t n, int stat) {
    if (stat)
        tape_word(v, SIPREG_TAPE_SKEY | (uintptr_t)k << 4);
    else
        tape_text(v, SIPREG_TAPE_KEY, sipreg__str(k, n));
}

void sipreg__tape_str(struct sipreg__view *v, struct sipreg_str s, int stat) {
    if (!s.p)
        tape_word(v, SIPREG_TAPE_NULL);
    else if (stat)
        tape_word(v, SIPREG_TAPE_SSTR | (uintptr_t)s.p << 4);
    else
        tape_text(v, SIPREG_TAPE_STR, s);
}

#ifdef SIPREG_VIEW_TAPE_ONLY
void sipreg__tape_strn(struct sipreg__view *v, const char *p, size_t n) {
    if (!p)
        tape_word(v, SIPREG_TAPE_NULL);
    else
        tape_text(v, SIPREG_TAPE_STR, sipreg__str(p, n));
}

void sipreg__tape_word(struct sipreg__view *v, uintptr_t w) { tape_word(v, w); }

void sipreg__run_spill(struct sipreg__view *v, const struct sipreg__run *run) {
    for (const uintptr_t *w = run->start; w < run->w; w++)
        tape_word(v, *w);
    v->b.len -= (size_t)(run->w - run->start) * sizeof(uintptr_t); /* sipreg__run_end counts */
}

uintptr_t *sipreg__run_big(uintptr_t *w, int64_t x, int dec3) {
    if (dec3) { /* as sipreg__tape_num: thousandths are one word */
        *w++ = SIPREG_TAPE_DEC3 | (uintptr_t)x << 4;
        return w;
    }
    uint64_t u = (uint64_t)x;
    *w++ = SIPREG_TAPE_INT64;
    *w++ = (uintptr_t)(u & 0xffffffffu);
    *w++ = (uintptr_t)(u >> 32 & 0xffffffffu);
    return w;
}

void sipreg__tape_skey(struct sipreg__view *v, const char *k) {
    tape_word(v, SIPREG_TAPE_SKEY | (uintptr_t)k << 4);
}
#endif

void sipreg__tape_num(struct sipreg__view *v, int64_t x, int dec3) {
    if (dec3 || (x >= 0 && x < (int64_t)1 << 28)) {
        tape_word(v, (dec3 ? SIPREG_TAPE_DEC3 : SIPREG_TAPE_INT) | (uintptr_t)x << 4);
        return;
    }
    uint64_t u = (uint64_t)x;
    tape_word(v, SIPREG_TAPE_INT64);
    tape_word(v, (uintptr_t)(u & 0xffffffffu));
    tape_word(v, (uintptr_t)(u >> 32 & 0xffffffffu));
}

void sipreg__tape_lit(struct sipreg__view *v, int which) { tape_word(v, (uintptr_t)which); }

#ifndef SIPREG_VIEW_TAPE_ONLY
const struct sipreg__view_ops sipreg__view_tape = {sipreg__tape_open, sipreg__tape_close,
                                                   sipreg__tape_key,  sipreg__tape_str,
                                                   sipreg__tape_num,  sipreg__tape_lit};
#endif
