/* test_msg.h — what the test_msg_*.c suites share: the "§" error-offset marker of their
 * tables and the mandatory headers (RFC 3261 §8.1.1) for building test messages. */
#ifndef SIPREG_TEST_MSG_H
#define SIPREG_TEST_MSG_H

#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

#define MARK "\xc2\xa7" /* "§" in UTF-8 */

/* A table input with its "§" removed: bytes, length, and the marker position (-1 if none). */
struct input {
    char buf[80000];
    size_t len;
    long at;
};

/* Copy s[0..n) into in, dropping the first "§" and noting where it was. */
static inline void take(struct input *in, const char *s, size_t n) {
    in->len = 0;
    in->at = -1;
    for (size_t i = 0; i < n; i++) {
        if (in->at < 0 && i + 1 < n && memcmp(s + i, MARK, 2) == 0) {
            in->at = (long)in->len;
            i++;
            continue;
        }
        in->buf[in->len++] = s[i];
    }
}

/* A view of a NUL-terminated string. */
static inline struct sipreg_str view(const char *s) {
    struct sipreg_str v = {s, strlen(s)};
    return v;
}

/* The error name, or "ok". */
static inline const char *ename(int r) { return r >= 0 ? "ok" : sipreg_errname(r); }

/* Mandatory headers (§8.1.1) for building test messages. */
#define VIA "Via: SIP/2.0/WS h.invalid;branch=z9hG4bK776asdhds\r\n"
#define TO "To: <sip:alice@example.com>\r\n"
#define FROM "From: <sip:alice@example.com>;tag=1928301774\r\n"
#define CALLID "Call-ID: a84b4c76e66710@pc33\r\n"
#define CSEQ "CSeq: 314159 REGISTER\r\n"
#define BASE VIA TO FROM CALLID CSEQ
#define REQ "REGISTER sip:example.com SIP/2.0\r\n"
#define RESP "SIP/2.0 200 OK\r\n"

#endif /* SIPREG_TEST_MSG_H */
