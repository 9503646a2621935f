/* fuzz_msg.c — libFuzzer target for the message parser and every header accessor.
 *
 * Invariants (any violation traps): err_off never exceeds the input length; every view the
 * parser or an accessor returns lies inside the input (or is empty); iteration terminates;
 * a parsed message's body ends where `length` says; the views (JSON and tape) fit their buffers or
 * say SIPREG_E_BUFFER, agree on success, and the tape is well-formed: balanced, every string inside
 * the input, nothing after the root. Seeds: tests/fuzz/seeds/fuzz_msg/ (the
 * RFC 4475 messages and the Kamailio responses). */
#include "sipreg.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The input being checked: views must stay inside [lo, hi). */
struct bounds {
    const char *lo, *hi;
};

/* Trap unless v is empty-with-NULL or inside the input. */
static void inside(const struct bounds *b, struct sipreg_str v) {
    if (!v.p) {
        if (v.len) __builtin_trap();
        return;
    }
    if (v.p < b->lo || v.p > b->hi || v.len > (size_t)(b->hi - v.p)) __builtin_trap();
}

/* Trap unless the error offset (relative to base) stays inside the input. */
static void offset_inside(const struct bounds *b, const char *base, size_t off) {
    if (base < b->lo || off > (size_t)(b->hi - base)) __builtin_trap();
}

/* Check every view of a Contact. */
static void contact_inside(const struct bounds *b, const struct sipreg_contact *c) {
    inside(b, c->na.display);
    inside(b, c->na.uri);
    inside(b, c->na.params);
    inside(b, c->instance);
    inside(b, c->pub_gruu);
    inside(b, c->temp_gruu);
    if (c->q > 1000 || c->q < -1 || c->expires > 4294967295LL || c->expires < -1) __builtin_trap();
}

/* Walk every accessor of a parsed message. */
static void walk(const struct bounds *b, const struct sipreg_msg *m) {
    inside(b, m->method);
    inside(b, m->ruri);
    inside(b, m->reason);
    inside(b, m->body);
    if (m->body.p + m->body.len != b->lo + m->length) __builtin_trap();
    for (size_t i = 0; i < m->nhdrs; i++) {
        inside(b, m->hdrs[i].name);
        inside(b, m->hdrs[i].value);
    }
    /* the elements of every header id */
    for (int id = 0; id < SIPREG_H_COUNT_; id++) {
        struct sipreg_iter it;
        struct sipreg_str e;
        int r, n = 0;
        sipreg_iter_init(&it, m, id);
        while ((r = sipreg_iter_next(&it, &e)) != 0) {
            if (++n > 100000) __builtin_trap();
            if (r < 0) continue;
            inside(b, e);
            struct sipreg_nameaddr na;
            size_t off = 0;
            if (sipreg_nameaddr_parse(&na, e, &off) == 0) {
                inside(b, na.display);
                inside(b, na.uri);
                inside(b, na.params);
            } else {
                offset_inside(b, e.p, off);
            }
        }
    }
    /* Contacts */
    struct sipreg_iter it;
    struct sipreg_contact c;
    size_t off = 0;
    int r, n = 0;
    sipreg_iter_init(&it, m, SIPREG_H_CONTACT);
    while ((r = sipreg_contact_next(&it, &c, &off)) != 0) {
        if (++n > 100000) __builtin_trap();
        if (r == 1)
            contact_inside(b, &c);
        else
            offset_inside(b, m->hdrs[it.hdr].value.p, off);
    }
    /* scalars */
    static const int DELTAS[] = {SIPREG_H_EXPIRES, SIPREG_H_MIN_EXPIRES, SIPREG_H_FLOW_TIMER};
    for (size_t i = 0; i < 3; i++) {
        const int64_t v = sipreg_msg_delta(m, DELTAS[i]);
        if (v > 4294967295LL) __builtin_trap();
    }
    if (sipreg_msg_retry_after(m) > 4294967295LL) __builtin_trap();
    size_t pos = 0;
    const struct sipreg_hdr *h;
    while ((h = sipreg_msg_find(m, SIPREG_H_DATE, &pos))) {
        int64_t t;
        if (sipreg_parse_date(h->value, &t) == 0 &&
            (t < -62167219200LL || t > 253402300799LL)) /* years 0000..9999 */
            __builtin_trap();
    }
    struct sipreg_cseq cs;
    if (sipreg_msg_cseq(m, &cs) == 0) {
        inside(b, cs.method);
        if (cs.seq >= 2147483648u) __builtin_trap();
    } else {
        __builtin_trap(); /* a parsed message has a valid CSeq */
    }
    inside(b, sipreg_msg_call_id(m));
    inside(b, sipreg_msg_via_branch(m));
    inside(b, sipreg_msg_tag(m, SIPREG_H_TO));
    inside(b, sipreg_msg_tag(m, SIPREG_H_FROM));
}

/* Check the tape of words [0, n): structure and string bounds. Returns 1 for an "ok":true view. */
static int tape_check(const struct bounds *b, const uintptr_t *w, size_t n) {
    size_t i = 0, depth = 0;
    int ok = -1, first_key = 1;
    while (i < n) {
        const uintptr_t op = w[i] & 15, x = w[i] >> 4;
        i++;
        if (i > 1 && depth == 0) __builtin_trap(); /* nothing after the root */
        switch (op) {
        case SIPREG_TAPE_OBJECT:
        case SIPREG_TAPE_ARRAY:
            if (++depth > 8) __builtin_trap();
            break;
        case SIPREG_TAPE_END:
            if (depth-- == 0) __builtin_trap();
            break;
        case SIPREG_TAPE_KEY:
        case SIPREG_TAPE_STR:
            if (i >= n) __builtin_trap();
            inside(b, (struct sipreg_str){(const char *)w[i], (size_t)x});
            i++;
            break;
        case SIPREG_TAPE_SKEY:
        case SIPREG_TAPE_SSTR:
            if (!x) __builtin_trap();
            if (op == SIPREG_TAPE_SKEY && first_key) {
                first_key = 0;
                if (strcmp((const char *)x, "ok") != 0) __builtin_trap(); /* the view starts "ok" */
                if (i >= n) __builtin_trap();
                ok = (int)(w[i] & 15) == SIPREG_TAPE_TRUE;
            }
            break;
        case SIPREG_TAPE_INT64:
            i += 2;
            if (i > n) __builtin_trap();
            break;
        case SIPREG_TAPE_INT:
        case SIPREG_TAPE_DEC3:
        case SIPREG_TAPE_NULL:
        case SIPREG_TAPE_TRUE:
        case SIPREG_TAPE_FALSE:
            break;
        default:
            __builtin_trap();
        }
    }
    if (depth != 0 || ok < 0) __builtin_trap();
    return ok;
}

/* The views of the input: JSON and tape agree, fit or report SIPREG_E_BUFFER. */
static void views(const struct bounds *b, const char *buf, size_t size) {
    static uintptr_t tape[1 << 16];
    static char json[1 << 20];
    const int n = sipreg_parse_tape(buf, size, tape, sizeof tape);
    if (n < 0 || (size_t)n > sizeof tape / sizeof tape[0]) __builtin_trap();
    const int ok = tape_check(b, tape, (size_t)n);
    const int j = sipreg_parse_json(buf, size, json, sizeof json);
    if (j < 0 || (size_t)j > sizeof json) __builtin_trap();
    if ((j >= 10 && memcmp(json, "{\"ok\":true", 10) == 0) != ok) __builtin_trap();
    /* too small: SIPREG_E_BUFFER, never a partial success */
    if (n > 1 &&
        sipreg_parse_tape(buf, size, tape, (size_t)(n - 1) * sizeof tape[0]) != SIPREG_E_BUFFER)
        __builtin_trap();
    if (j > 1 && sipreg_parse_json(buf, size, json, (size_t)j - 1) != SIPREG_E_BUFFER)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *buf = (const char *)data;
    const struct bounds b = {buf, buf + size};
    struct sipreg_hdr hdrs[32];
    struct sipreg_msg m;
    size_t off = (size_t)-1;
    const int r = sipreg_msg_parse(&m, buf, size, hdrs, 32, &off);
    if (off > size) __builtin_trap();
    if (r == 0) {
        if (m.length > size || m.nhdrs > 32) __builtin_trap();
        walk(&b, &m);
    } else if (r > 0) {
        __builtin_trap();
    }
    /* the whole input as one Contact element and as a Date value */
    struct sipreg_contact c;
    const struct sipreg_str all = {buf, size};
    if (sipreg_contact_parse(&c, all, &off) == 0)
        contact_inside(&b, &c);
    else if (off > size)
        __builtin_trap();
    int64_t t;
    (void)sipreg_parse_date(all, &t);
    views(&b, buf, size);
    return 0;
}
