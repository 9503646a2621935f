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

/* The ops a tape view starts with: none in a tape-only build (its walkers call the tape
 * directly, and the table would keep every operation in the module). */
#ifdef SIPREG_VIEW_TAPE_ONLY
#define SIPREG__TAPE_OPS NULL
#else
#define SIPREG__TAPE_OPS (&sipreg__view_tape)
#endif

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
#ifdef SIPREG_VIEW_TAPE_ONLY
void sipreg__tape_skey(struct sipreg__view *v, const char *k); /* static NUL-terminated name */
#define sipreg__v_key(v, k) sipreg__tape_skey((v), "" k)
#else
#define sipreg__v_key(v, k) (SIPREG__VIEW(v, key)((v), "" k, sizeof(k) - 1, 1))
#endif

#ifdef SIPREG_VIEW_TAPE_ONLY
/* The tape's string value (NULL p: null) and any one word, with scalar arguments (wasm passes a
 * struct argument through the stack: a copy per call). */
void sipreg__tape_strn(struct sipreg__view *v, const char *p, size_t n);
void sipreg__tape_word(struct sipreg__view *v, uintptr_t w);
#endif

/* A string value (NULL p: null). */
static inline void sipreg__v_str(struct sipreg__view *v, struct sipreg_str s) {
#ifdef SIPREG_VIEW_TAPE_ONLY
    sipreg__tape_strn(v, s.p, s.len);
#else
    SIPREG__VIEW(v, str)(v, s, 0);
#endif
}

/* A static NUL-terminated string value (NULL: null). */
static inline void sipreg__v_cstr(struct sipreg__view *v, const char *s) {
#ifdef SIPREG_VIEW_TAPE_ONLY
    sipreg__tape_word(v, s ? SIPREG_TAPE_SSTR | (uintptr_t)s << 4 : SIPREG_TAPE_NULL);
#else
    SIPREG__VIEW(v, str)(v, s ? sipreg__cstr(s) : sipreg__str(NULL, 0), 1);
#endif
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

/* One tape word (dropped, but counted, when it does not fit: the caller sees SIPREG_E_BUFFER). */
#define SIPREG__HOT static inline __attribute__((always_inline))
SIPREG__HOT void sipreg__h_word(struct sipreg__view *v, uintptr_t w) {
    if (v->b.len + sizeof w <= v->b.cap) memcpy(v->b.p + v->b.len, &w, sizeof w);
    v->b.len += sizeof w;
}

/* ---- the hot path: a run of members written inline (the wasm build only) ----
 * The wasm build compiles the views at -Oz (size); the loop that runs once per binding (a
 * 10-binding 200 OK writes some 200 words there) writes each binding's members as one run
 * instead: room for SIPREG__RUN_MAX words is checked once, then every word is one store (when
 * there is no room the run goes to a scratch array and sipreg__run_end keeps what fits: the same
 * tape, the same SIPREG_E_BUFFER, as word by word). In the JSON build a run is the ordinary
 * operations. */
#define SIPREG__RUN_MAX 32 /* words: the largest run (a binding's members) writes 27 */
#ifdef SIPREG_VIEW_TAPE_ONLY
struct sipreg__run {
    uintptr_t *w, *start;
    uintptr_t scratch[SIPREG__RUN_MAX];
};

/* Start a run of at most SIPREG__RUN_MAX words at the end of v's tape. */
SIPREG__HOT void sipreg__run_begin(struct sipreg__view *v, struct sipreg__run *run) {
    int room = v->b.len + SIPREG__RUN_MAX * sizeof(uintptr_t) <= v->b.cap;
    run->start = room ? (uintptr_t *)(void *)(v->b.p + v->b.len) : run->scratch;
    run->w = run->start;
}

/* A run that went to scratch: copy what fits (view.c). A safety net: the message view writes at
 * least 32 more words after a binding's run, so a run without room means SIPREG_E_BUFFER. */
void sipreg__run_spill(struct sipreg__view *v, const struct sipreg__run *run);

/* End the run: its words are part of the tape. */
SIPREG__HOT void sipreg__run_end(struct sipreg__view *v, struct sipreg__run *run) {
    if (run->start == run->scratch) sipreg__run_spill(v, run);
    v->b.len += (size_t)(run->w - run->start) * sizeof(uintptr_t);
}

/* An integer that needs more than one word, or thousandths above 2^28 (view.c, as
 * sipreg__tape_num): the next free word. */
uintptr_t *sipreg__run_big(uintptr_t *w, int64_t x, int dec3);

#define sipreg__r_word(run, x) (*(run)->w++ = (uintptr_t)(x))
/* A member name from a string literal: one word, its address (sipreg.h SKEY). */
#define sipreg__r_key(run, k) sipreg__r_word(run, SIPREG_TAPE_SKEY | (uintptr_t)("" k) << 4)
/* A string value (NULL p: null). */
SIPREG__HOT void sipreg__r_str(struct sipreg__run *run, struct sipreg_str s) {
    if (!s.p) {
        sipreg__r_word(run, SIPREG_TAPE_NULL);
        return;
    }
    run->w[0] = SIPREG_TAPE_STR | (uintptr_t)s.len << 4;
    run->w[1] = (uintptr_t)s.p;
    run->w += 2;
}
/* An integer (thousandths when dec3), or null when negative. */
SIPREG__HOT void sipreg__r_num(struct sipreg__run *run, int64_t x, int dec3) {
    if (x >= 0 && x < (int64_t)1 << 28)
        sipreg__r_word(run, (dec3 ? SIPREG_TAPE_DEC3 : SIPREG_TAPE_INT) | (uintptr_t)x << 4);
    else if (x < 0)
        sipreg__r_word(run, SIPREG_TAPE_NULL);
    else
        run->w = sipreg__run_big(run->w, x, dec3);
}
#define sipreg__r_open(run) sipreg__r_word(run, SIPREG_TAPE_OBJECT)
#define sipreg__rm_str(run, k, s) (sipreg__r_key(run, k), sipreg__r_str(run, s))
#define sipreg__rm_opt(run, k, x) (sipreg__r_key(run, k), sipreg__r_num(run, x, 0))
#define sipreg__rm_q(run, k, q) (sipreg__r_key(run, k), sipreg__r_num(run, q, 1))
#else
struct sipreg__run {
    struct sipreg__view *v;
};
#define sipreg__run_begin(view, run) ((run)->v = (view))
#define sipreg__run_end(view, run) ((void)(view), (void)(run))
#define sipreg__r_key(run, k) sipreg__v_key((run)->v, k)
#define sipreg__r_open(run) sipreg__v_open((run)->v)
#define sipreg__rm_str(run, k, s) sipreg__m_str((run)->v, k, s)
#define sipreg__rm_opt(run, k, x) sipreg__m_opt((run)->v, k, x)
#define sipreg__rm_q(run, k, q) sipreg__m_q((run)->v, k, q)
#endif

/* Object members: "k" and its value in one call (k a string literal). */
#define sipreg__m_str(v, k, s) (sipreg__v_key(v, k), sipreg__v_str(v, s))
#define sipreg__m_cstr(v, k, s) (sipreg__v_key(v, k), sipreg__v_cstr(v, s))
#define sipreg__m_int(v, k, x) (sipreg__v_key(v, k), sipreg__v_int(v, x))
#define sipreg__m_opt(v, k, x) (sipreg__v_key(v, k), sipreg__v_opt(v, x))
#define sipreg__m_q(v, k, q) (sipreg__v_key(v, k), sipreg__v_q(v, q))
#define sipreg__m_bool(v, k, b) (sipreg__v_key(v, k), sipreg__v_bool(v, b))

#endif /* SIPREG_VIEW_H */
