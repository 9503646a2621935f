/* view.h — one walker, two outputs: the structured views (a parsed message, an event, a
 * registration snapshot) are walked once and written either as JSON text (native CLI, tests) or
 * as the word tape of sipreg.h (wasm hosts build their objects from it without a JSON pass).
 * Internal to the core. */
#ifndef SIPREG_VIEW_H
#define SIPREG_VIEW_H

#include "internal.h"

struct sipreg__view;

/* One output format. Strings with p == NULL are written as null. */
struct sipreg__view_ops {
    void (*open)(struct sipreg__view *v, int array);  /* start an object (0) or array (1) */
    void (*close)(struct sipreg__view *v, int array); /* end it */
    /* member name / string value; stat: NUL-terminated in static memory (never moves) */
    void (*key)(struct sipreg__view *v, const char *k, size_t n, int stat);
    void (*str)(struct sipreg__view *v, struct sipreg_str s, int stat);
    void (*num)(struct sipreg__view *v, int64_t x, int dec3); /* integer (or thousandths) */
    void (*lit)(struct sipreg__view *v, int which);           /* SIPREG_TAPE_NULL/TRUE/FALSE */
};

/* A view being written. */
struct sipreg__view {
    const struct sipreg__view_ops *ops;
    struct sipreg__buf b; /* JSON: the text; tape: the words */
    int comma;            /* JSON: a member or element was written at this level */
};

extern const struct sipreg__view_ops sipreg__view_json; /* JSON text */
extern const struct sipreg__view_ops sipreg__view_tape; /* sipreg.h word tape */

/* The tape's operations (what sipreg__view_tape points to). */
void sipreg__tape_open(struct sipreg__view *v, int array);
void sipreg__tape_close(struct sipreg__view *v, int array);
void sipreg__tape_key(struct sipreg__view *v, const char *k, size_t n, int stat);
void sipreg__tape_str(struct sipreg__view *v, struct sipreg_str s, int stat);
void sipreg__tape_num(struct sipreg__view *v, int64_t x, int dec3);
void sipreg__tape_lit(struct sipreg__view *v, int which);

/* SIPREG__VIEW(v, op): the view's operation. A build that writes only tapes (the wasm build
 * defines SIPREG_VIEW_TAPE_ONLY) calls the tape directly: no JSON writer, no indirect calls. */
#ifdef SIPREG_VIEW_TAPE_ONLY
#define SIPREG__VIEW(v, op) sipreg__tape_##op
#else
#define SIPREG__VIEW(v, op) (v)->ops->op
#endif

/* A walker compiled for size even where its file is compiled for speed (the wasm build's -O2
 * views): the parts for rarer input (errors, challenges, routes, parameters, To/From) and the
 * small shared ones, which cost a call instead of an inlined copy each (the wasm size guard). */
#ifdef __clang__
#define SIPREG__SMALL __attribute__((minsize))
#else
#define SIPREG__SMALL
#endif

/* Start a view into out[0..cap). */
void sipreg__view_init(struct sipreg__view *v, const struct sipreg__view_ops *ops, char *out,
                       size_t cap);

/* Drop what was written (an error view replaces a partial one). */
void sipreg__view_reset(struct sipreg__view *v);

/* The result: JSON length in bytes / tape length in words, or SIPREG_E_BUFFER. */
int sipreg__view_end(const struct sipreg__view *v);

/* Length of the well-formed UTF-8 sequence at p[0..n) (1..4; RFC 3629 §4: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when it is not one, with *skip the length of the
 * ill-formed part that one U+FFFD replaces (its maximal subpart, Unicode §3.9). */
size_t sipreg__utf8_seq(const unsigned char *p, size_t n, size_t *skip);

/* ---- shorthands used by the walkers ---- */

static inline void sipreg__v_open(struct sipreg__view *v) { SIPREG__VIEW(v, open)(v, 0); }
static inline void sipreg__v_close(struct sipreg__view *v) { SIPREG__VIEW(v, close)(v, 0); }
static inline void sipreg__v_aopen(struct sipreg__view *v) { SIPREG__VIEW(v, open)(v, 1); }
static inline void sipreg__v_aclose(struct sipreg__view *v) { SIPREG__VIEW(v, close)(v, 1); }

/* "k": member name from a string literal. */
#define sipreg__v_key(v, k) (SIPREG__VIEW(v, key)((v), "" k, sizeof(k) - 1, 1))

/* A string value (NULL p: null). */
static inline void sipreg__v_str(struct sipreg__view *v, struct sipreg_str s) {
    SIPREG__VIEW(v, str)(v, s, 0);
}

/* A static NUL-terminated string value (NULL: null). */
static inline void sipreg__v_cstr(struct sipreg__view *v, const char *s) {
    SIPREG__VIEW(v, str)(v, s ? sipreg__cstr(s) : sipreg__str(NULL, 0), 1);
}

/* An integer value. */
static inline void sipreg__v_int(struct sipreg__view *v, int64_t x) {
    SIPREG__VIEW(v, num)(v, x, 0);
}

/* An integer value, or null when negative (absent). */
static inline void sipreg__v_opt(struct sipreg__view *v, int64_t x) {
    if (x < 0)
        SIPREG__VIEW(v, lit)(v, SIPREG_TAPE_NULL);
    else
        SIPREG__VIEW(v, num)(v, x, 0);
}

/* A q-value from thousandths (RFC 3261 §20.10), or null when negative. */
static inline void sipreg__v_q(struct sipreg__view *v, int q) {
    if (q < 0)
        SIPREG__VIEW(v, lit)(v, SIPREG_TAPE_NULL);
    else
        SIPREG__VIEW(v, num)(v, q, 1);
}

/* true / false. */
static inline void sipreg__v_bool(struct sipreg__view *v, int b) {
    SIPREG__VIEW(v, lit)(v, b ? SIPREG_TAPE_TRUE : SIPREG_TAPE_FALSE);
}

/* null. */
static inline void sipreg__v_null(struct sipreg__view *v) {
    SIPREG__VIEW(v, lit)(v, SIPREG_TAPE_NULL);
}

/* Object members: "k" and its value in one call (k a string literal). */
#define sipreg__m_str(v, k, s) (sipreg__v_key(v, k), sipreg__v_str(v, s))
#define sipreg__m_cstr(v, k, s) (sipreg__v_key(v, k), sipreg__v_cstr(v, s))
#define sipreg__m_int(v, k, x) (sipreg__v_key(v, k), sipreg__v_int(v, x))
#define sipreg__m_opt(v, k, x) (sipreg__v_key(v, k), sipreg__v_opt(v, x))
#define sipreg__m_q(v, k, q) (sipreg__v_key(v, k), sipreg__v_q(v, q))
#define sipreg__m_bool(v, k, b) (sipreg__v_key(v, k), sipreg__v_bool(v, b))

#endif /* SIPREG_VIEW_H */
