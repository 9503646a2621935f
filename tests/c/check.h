/* check.h — a tiny table-friendly test harness: CHECK macros count failures, main returns them. */
#ifndef SIPREG_CHECK_H
#define SIPREG_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sipreg.h"

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        check_count++;                                                                             \
        if (check_a_ != check_b_) {                                                                \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a,    \
                    check_a_, #b, check_b_);                                                       \
        }                                                                                          \
    } while (0)

/* Compare a view (p, len) with a NUL-terminated expectation. */
#define CHECK_STR(view, expect)                                                                    \
    do {                                                                                           \
        const char *check_e_ = (expect);                                                           \
        check_count++;                                                                             \
        if ((view).len != strlen(check_e_) || memcmp((view).p, check_e_, (view).len) != 0) {       \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == \"%.*s\", expected \"%s\"\n", __FILE__, __LINE__, #view, \
                    (int)(view).len, (view).p ? (view).p : "", check_e_);                          \
        }                                                                                          \
    } while (0)

/* CHECK_STR for views that may be {NULL, 0} (memcmp must not see a NULL pointer). */
#define CHECK_VIEW(view, expect)                                                                   \
    do {                                                                                           \
        const struct sipreg_str check_v_ = (view);                                                 \
        const char *check_e_ = (expect);                                                           \
        CHECK_MSG(check_v_.len == strlen(check_e_) &&                                              \
                      (check_v_.len == 0 || !memcmp(check_v_.p, check_e_, check_v_.len)),          \
                  "%s == \"%.*s\", expected \"%s\"", #view, (int)check_v_.len,                     \
                  check_v_.p ? check_v_.p : "", check_e_);                                         \
    } while (0)

/* End of main: print a summary and return the exit status. */
static inline int check_done(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

/* Read a whole file into a malloc'd buffer (test helper only). */
#include <stdlib.h>
static inline char *check_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

/* Value of header `name` (exact case) in a CRLF message, copied into out; "" when absent. */
static inline void check_header(const char *msg, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    out[0] = 0;
    for (const char *p = strstr(msg, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        if (!strncmp(p + 2, name, n) && p[2 + n] == ':') {
            const char *v = p + 3 + n, *e = strstr(v, "\r\n");
            while (*v == ' ')
                v++;
            size_t len = e && e > v ? (size_t)(e - v) : 0;
            if (len >= cap) len = cap - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return;
        }
    }
}

/* Feed r a response to the request `req` with `status` ("200 OK") and extra header lines
 * (Via, Call-ID and CSeq copied from req); the core must take it. */
static inline void check_answer(struct sipreg *r, const char *req, const char *status,
                                const char *extra, int64_t now) {
    char via[512], cid[64], cseq[64], resp[2048];
    check_header(req, "Via", via, sizeof via);
    check_header(req, "Call-ID", cid, sizeof cid);
    check_header(req, "CSeq", cseq, sizeof cseq);
    int n = snprintf(
        resp, sizeof resp,
        "SIP/2.0 %s\r\nVia: %s\r\nFrom: <sip:alice@example.test>;tag=a\r\nTo: "
        "<sip:alice@example.test>;tag=b\r\nCall-ID: %s\r\nCSeq: %s\r\n%sContent-Length: 0\r\n\r\n",
        status, via, cid, cseq, extra);
    CHECK_INT(sipreg_recv(r, resp, (size_t)n, now), 0);
}

#endif
