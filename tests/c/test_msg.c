/* test_msg.c — the SIP message parser and its header accessors (RFC 3261 §7, §20, §25.1).
 *
 * Part 1 parses every message of the Kamailio transcripts in tests/vectors/kamailio/ and compares
 * a summary (start line, Call-ID, CSeq, Expires, Min-Expires, WWW-Authenticate count, every
 * Contact) with expect.txt, written by an independent Python oracle (expect.py).
 * Part 2 is one table per accessor. In the tables a "§" marks where err_off must point: it is
 * removed from the input before parsing, and its position is the expected offset. */
#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

#define MARK "\xc2\xa7" /* "§" in UTF-8 */

/* A table input with its "§" removed: bytes, length, and the marker position (-1 if none). */
struct input {
    char buf[80000];
    size_t len;
    long at;
};

/* Copy s[0..n) into in, dropping the first "§" and noting where it was. */
static void take(struct input *in, const char *s, size_t n) {
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
static struct sipreg_str view(const char *s) {
    struct sipreg_str v = {s, strlen(s)};
    return v;
}

/* The error name, or "ok". */
static const char *ename(int r) { return r >= 0 ? "ok" : sipreg_errname(r); }

/* ------------------------------------------------------------------------------------------ */
/* Part 1: Kamailio transcripts                                                               */
/* ------------------------------------------------------------------------------------------ */

/* One message of a transcript. */
struct tmsg {
    char dir[5];   /* "C->S" or "S->C" */
    const char *p; /* first byte */
    size_t len;    /* bytes up to the next '#' line */
};

/* Split a transcript (format: tests/vectors/kamailio/README.md) into its messages: a line
 * "##### C->S ..." or "##### S->C ..." starts one, the next line starting with '#' ends it, and
 * "(no response within timeout)" is not a message. Returns the number of messages. */
static size_t split_transcript(const char *buf, size_t len, struct tmsg *out, size_t max) {
    static const char SILENT[] = "(no response within timeout)\r\n";
    size_t n = 0, i = 0;
    int open = 0;
    while (i <= len) {
        const char *nl = i < len ? memchr(buf + i, '\n', len - i) : NULL;
        const size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        if (i == len || buf[i] == '#') {
            if (open && !(out[n].len == sizeof SILENT - 1 && !memcmp(out[n].p, SILENT, out[n].len)))
                n++;
            open = 0;
            if (i < len && n < max &&
                (!strncmp(buf + i, "##### C->S", 10) || !strncmp(buf + i, "##### S->C", 10))) {
                memcpy(out[n].dir, buf + i + 6, 4);
                out[n].dir[4] = 0;
                out[n].p = buf + end;
                out[n].len = 0;
                open = 1;
            }
            if (i == len) break;
        } else if (open) {
            out[n].len = end - (size_t)(out[n].p - buf);
        }
        i = end;
    }
    return n;
}

/* Append printf-style text to a fixed buffer. */
#define ADD(...) (void)(o += snprintf(out + o, o < cap ? cap - o : 0, __VA_ARGS__))

/* The summary expect.py writes for one message. */
static void summarize(const char *msg, size_t len, char *out, size_t cap) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t o = 0, off = 0;
    int r = sipreg_msg_parse(&m, msg, len, hdrs, SIPREG_MAX_HEADERS, &off);
    out[0] = 0;
    if (r < 0) {
        ADD("reject %s\t", sipreg_errname(r));
        return;
    }
    ADD("ok\t");
    if (m.type == SIPREG_RESPONSE)
        ADD("%d", m.status);
    else
        ADD("%.*s %.*s", (int)m.method.len, m.method.p, (int)m.ruri.len, m.ruri.p);
    struct sipreg_str cid = sipreg_msg_call_id(&m);
    struct sipreg_cseq cs;
    CHECK_INT(sipreg_msg_cseq(&m, &cs), 0);
    ADD(" call-id=%.*s cseq=%u %.*s", (int)cid.len, cid.p, cs.seq, (int)cs.method.len, cs.method.p);
    static const struct {
        int id;
        const char *key;
    } DELTAS[] = {{SIPREG_H_EXPIRES, "exp"}, {SIPREG_H_MIN_EXPIRES, "minexp"}};
    for (size_t i = 0; i < 2; i++) {
        int64_t v = sipreg_msg_delta(&m, DELTAS[i].id);
        if (v == SIPREG_E_NOT_FOUND) continue;
        if (v < 0)
            ADD(" %s=!", DELTAS[i].key);
        else
            ADD(" %s=%lld", DELTAS[i].key, (long long)v);
    }
    size_t www = 0, pos = 0;
    while (sipreg_msg_find(&m, SIPREG_H_WWW_AUTHENTICATE, &pos))
        www++;
    ADD(" www=%zu contacts=[", www);
    struct sipreg_iter it;
    struct sipreg_contact c;
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    for (int first = 1; (r = sipreg_contact_next(&it, &c, &off)) != 0; first = 0) {
        if (!first) ADD(" | ");
        if (r < 0) {
            ADD("!%s", sipreg_errname(r));
            continue;
        }
        if (c.star) {
            ADD("*");
            continue;
        }
        struct sipreg_str rcv;
        ADD("%.*s e=", (int)c.na.uri.len, c.na.uri.p);
        if (c.expires < 0)
            ADD("-");
        else
            ADD("%lld", (long long)c.expires);
        if (c.q < 0)
            ADD(" q=-");
        else
            ADD(" q=%d", c.q);
        if (sipreg_param_find(c.na.params, "received", &rcv) == 1)
            ADD(" rcv=%.*s", (int)rcv.len, rcv.p);
        else
            ADD(" rcv=-");
        if (c.instance.p) ADD(" inst=%.*s", (int)c.instance.len, c.instance.p);
        if (c.reg_id >= 0) ADD(" regid=%lld", (long long)c.reg_id);
    }
    ADD("]");
}

/* A loaded transcript with its messages. */
struct transcript {
    char name[64];
    char *buf;
    size_t len, n;
    struct tmsg msgs[64];
};

/* Check every row of tests/vectors/kamailio/expect.txt, and that every message has a row. */
static void test_kamailio_table(void) {
    size_t elen = 0;
    char *exp = check_read_file("tests/vectors/kamailio/expect.txt", &elen);
    CHECK_MSG(exp != NULL, "cannot read tests/vectors/kamailio/expect.txt (run from repo root)");
    if (!exp) return;
    static struct transcript t;
    size_t rows_in_file = 0, files = 0, rows = 0;
    char path[128], got[8192];
    for (char *line = strtok(exp, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *f[5] = {line, NULL, NULL, NULL, NULL};
        for (int k = 1; k < 5; k++) {
            f[k] = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
            if (f[k]) *f[k]++ = 0;
        }
        if (!f[4]) {
            CHECK_MSG(0, "malformed expect.txt row: %s", line);
            continue;
        }
        if (strcmp(t.name, f[0]) != 0) {
            if (t.buf)
                CHECK_MSG(rows_in_file == t.n, "%s: %zu rows for %zu messages", t.name,
                          rows_in_file, t.n);
            free(t.buf);
            snprintf(t.name, sizeof t.name, "%s", f[0]);
            snprintf(path, sizeof path, "tests/vectors/kamailio/%s", f[0]);
            t.buf = check_read_file(path, &t.len);
            CHECK_MSG(t.buf != NULL, "cannot read %s", path);
            if (!t.buf) break;
            t.n = split_transcript(t.buf, t.len, t.msgs, 64);
            rows_in_file = 0;
            files++;
        }
        const size_t idx = (size_t)atoi(f[1]);
        rows_in_file++;
        rows++;
        if (idx >= t.n) {
            CHECK_MSG(0, "%s: no message %zu", f[0], idx);
            continue;
        }
        CHECK_MSG(!strcmp(t.msgs[idx].dir, f[2]), "%s #%zu: direction %s, expected %s", f[0], idx,
                  t.msgs[idx].dir, f[2]);
        summarize(t.msgs[idx].p, t.msgs[idx].len, got, sizeof got);
        char want[8192];
        snprintf(want, sizeof want, "%s\t%s", f[3], f[4]);
        CHECK_MSG(!strcmp(got, want), "%s #%zu:\n   got  %s\n   want %s", f[0], idx, got, want);
    }
    if (t.buf)
        CHECK_MSG(rows_in_file == t.n, "%s: %zu rows for %zu messages", t.name, rows_in_file, t.n);
    CHECK_INT(files, 19);
    CHECK(rows >= 190);
    free(t.buf);
    t.buf = NULL;
    free(exp);
}

/* Load one transcript into t (test helper). */
static int load(struct transcript *t, const char *name) {
    char path[128];
    snprintf(path, sizeof path, "tests/vectors/kamailio/%s", name);
    t->buf = check_read_file(path, &t->len);
    CHECK_MSG(t->buf != NULL, "cannot read %s", path);
    if (!t->buf) return 0;
    t->n = split_transcript(t->buf, t->len, t->msgs, 64);
    return 1;
}

/* The points the registration relies on, spelled out on the transcripts. */
static void test_kamailio_facts(void) {
    static const char *const FILES[] = {"01-register-401-200.txt",
                                        "02-two-contacts-q-expires.txt",
                                        "03-fetch.txt",
                                        "04-remove-one.txt",
                                        "05-star-expires-0.txt",
                                        "06-interval-too-brief-423.txt",
                                        "07-expires-edge-cases.txt",
                                        "08-q-values.txt",
                                        "09-star-rules.txt",
                                        "10-auth-variants.txt",
                                        "11-callid-cseq-rules.txt",
                                        "12-outbound-instance-regid.txt",
                                        "13-ws-close-keeps-binding.txt",
                                        "14-udp-register.txt",
                                        "15-malformed.txt",
                                        "17-stock-config-double-reply.txt",
                                        "18-jssip-register-unregister.txt",
                                        "19-sipjs-register-unregister.txt"};
    static struct transcript t;
    size_t n401 = 0, n423 = 0, nresp = 0;
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        if (!load(&t, FILES[f])) continue;
        for (size_t i = 0; i < t.n; i++) {
            struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
            struct sipreg_msg m;
            size_t off;
            if (strcmp(t.msgs[i].dir, "S->C") != 0) continue;
            if (sipreg_msg_parse(&m, t.msgs[i].p, t.msgs[i].len, hdrs, SIPREG_MAX_HEADERS, &off))
                continue; /* the rejects are in expect.txt */
            nresp++;
            CHECK_INT(m.type, SIPREG_RESPONSE);
            CHECK(m.length <= t.msgs[i].len);
            /* every 401 carries a challenge (§22.2); Kamailio's only one, with qop and MD5 */
            if (m.status == 401) {
                n401++;
                const struct sipreg_hdr *w = sipreg_msg_find(&m, SIPREG_H_WWW_AUTHENTICATE, NULL);
                CHECK_MSG(w && !strncmp(w->value.p, "Digest realm=\"example.test\"", 27),
                          "%s #%zu: 401 without WWW-Authenticate", FILES[f], i);
            }
            /* every 423 says Min-Expires: 60 (§10.3 step 7, §20.23) */
            if (m.status == 423) {
                n423++;
                CHECK_INT(sipreg_msg_delta(&m, SIPREG_H_MIN_EXPIRES), 60);
            }
            const struct sipreg_str br = sipreg_msg_via_branch(&m); /* §8.1.1.7 cookie */
            CHECK(br.len > 7 && !memcmp(br.p, "z9hG4bK", 7));
            CHECK(sipreg_msg_tag(&m, SIPREG_H_TO).len > 0);
            CHECK(sipreg_msg_tag(&m, SIPREG_H_FROM).len > 0);
        }
        free(t.buf);
    }
    CHECK(nresp > 60);
    CHECK_INT(n401, 18);
    CHECK_INT(n423, 4);

    /* 07: "Expires: 4294967296" (2^32) in a REGISTER is clamped to 2^32-1 (§20.19) */
    if (load(&t, "07-expires-edge-cases.txt")) {
        int seen = 0;
        for (size_t i = 0; i < t.n; i++) {
            struct sipreg_hdr hdrs[32];
            struct sipreg_msg m;
            size_t off;
            if (sipreg_msg_parse(&m, t.msgs[i].p, t.msgs[i].len, hdrs, 32, &off)) continue;
            const struct sipreg_hdr *h = sipreg_msg_find(&m, SIPREG_H_EXPIRES, NULL);
            if (h && h->value.len == 10 && !memcmp(h->value.p, "4294967296", 10)) {
                CHECK_INT(sipreg_msg_delta(&m, SIPREG_H_EXPIRES), 4294967295LL);
                seen++;
            }
        }
        CHECK_INT(seen, 1);
        free(t.buf);
    }

    /* 15: the LF-only request parses (lenient), and the response that mixes LF and CRLF */
    if (load(&t, "15-malformed.txt")) {
        int seen = 0;
        for (size_t i = 0; i < t.n; i++) {
            struct sipreg_hdr hdrs[32];
            struct sipreg_msg m;
            size_t off;
            const char *p = t.msgs[i].p;
            if (t.msgs[i].len < 34 || memcmp(p, "REGISTER sip:example.test SIP/2.0\n", 34))
                continue;
            CHECK_INT(sipreg_msg_parse(&m, p, t.msgs[i].len, hdrs, 32, &off), 0);
            CHECK_INT(m.length, t.msgs[i].len - 2); /* the transcript's own CRLF is not in it */
            CHECK_INT(m.nhdrs, 11);
            CHECK_VIEW(sipreg_msg_call_id(&m), "d3928289a2f5d33d8aa1@lab");
            CHECK_VIEW(sipreg_msg_via_branch(&m), "z9hG4bKea3b0631a440");
            /* the response: status line and Via end in CRLF, To..Contact in LF */
            const struct tmsg *r = &t.msgs[i + 1];
            CHECK_INT(sipreg_msg_parse(&m, r->p, r->len, hdrs, 32, &off), 0);
            CHECK_INT(m.status, 200);
            CHECK_VIEW(sipreg_msg_tag(&m, SIPREG_H_TO),
                       "9dd61ff61e802d8e2bef5f14621ef3c2.f3cc0000");
            struct sipreg_iter it;
            struct sipreg_contact c;
            struct sipreg_str rcv;
            sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
            CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
            CHECK_VIEW(c.na.uri, "sip:j1@xyz.invalid;transport=ws");
            CHECK_INT(c.expires, 300);
            CHECK_INT(sipreg_param_find(c.na.params, "received", &rcv), 1);
            CHECK_VIEW(rcv, "sip:127.0.0.1:48454;transport=ws");
            seen++;
        }
        CHECK_INT(seen, 1);
        free(t.buf);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Part 2: tables                                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Mandatory headers (§8.1.1) for building test messages. */
#define VIA "Via: SIP/2.0/WS h.invalid;branch=z9hG4bK776asdhds\r\n"
#define TO "To: <sip:alice@example.com>\r\n"
#define FROM "From: <sip:alice@example.com>;tag=1928301774\r\n"
#define CALLID "Call-ID: a84b4c76e66710@pc33\r\n"
#define CSEQ "CSeq: 314159 REGISTER\r\n"
#define BASE VIA TO FROM CALLID CSEQ
#define REQ "REGISTER sip:example.com SIP/2.0\r\n"
#define RESP "SIP/2.0 200 OK\r\n"

/* One sipreg_msg_parse case; `at` is given by the "§" in msg. */
struct parse_case {
    const char *name;
    const char *msg;
    size_t len;
    int err;
};
#define P(name, lit, err)                                                                          \
    { name, lit, sizeof(lit) - 1, err }

static const struct parse_case PARSE[] = {
    /* accepted */
    P("response", RESP BASE "Content-Length: 0\r\n\r\n", 0),
    P("request", REQ BASE "Content-Length: 0\r\n\r\n", 0),
    P("CRLFs before the start line are skipped (§7.5)", "\r\n\r\n" RESP BASE "\r\n", 0),
    P("SIP-Version is case-insensitive (§7.1)", "sip/2.0 200 OK\r\n" BASE "\r\n", 0),
    P("empty reason phrase without its SP (RFC 4475 §3.1.1.13)", "SIP/2.0 100\r\n" BASE "\r\n", 0),
    P("status 699", "SIP/2.0 699 Whatever\r\n" BASE "\r\n", 0),
    P("HTAB in a reason phrase", "SIP/2.0 200 O\tK\r\n" BASE "\r\n", 0),
    P("LWS on both sides of the colon (§7.3.1)", RESP BASE "Subject   :lunch\r\n\r\n", 0),
    P("empty header value", RESP BASE "Subject:\r\n\r\n", 0),
    P("bare LF line ends (lenient)",
      "SIP/2.0 200 OK\nVia: SIP/2.0/WS h;branch=z9hG4bK1\n"
      "To: <sip:a@x>\nFrom: <sip:a@x>;tag=1\nCall-ID: c\nCSeq: 1 REGISTER\n\n",
      0),
    P("mixed CRLF and LF", RESP VIA TO "From: <sip:a@x>;tag=1\n" CALLID CSEQ "\n", 0),
    P("escaped NUL, BEL, DEL in a quoted string (§25.1 quoted-pair)",
      RESP BASE "Subject: \"BEL:\\\a NUL:\\\0 DEL:\\\x7f\"\r\n\r\n", 0),
    P("UTF-8 in a header value", RESP BASE "Subject: \xe2\x82\xac\r\n\r\n", 0),
    P("identical Content-Length rows", RESP BASE "l: 3\r\nContent-Length: 3\r\n\r\nabc", 0),
    P("identical Call-ID rows", RESP BASE CALLID "\r\n", 0),
    P("CSeq method of a response is not compared",
      "SIP/2.0 200 OK\r\n" VIA TO FROM CALLID "CSeq: 1 INVITE\r\n\r\n", 0),
    P("CSeq 2^31-1 with folding and leading zeros",
      REQ VIA TO FROM CALLID "CSeq: 0002147483647\r\n REGISTER \r\n\r\n", 0),
    P("body bytes are not checked", RESP BASE "Content-Length: 3\r\n\r\n\0\x01\x7f", 0),

    /* start line (§7.1, §7.2) */
    P("empty input", MARK "", SIPREG_E_INCOMPLETE),
    P("only CRLFs (a keep-alive)", "\r\n\r\n" MARK, SIPREG_E_INCOMPLETE),
    P("start line without its line end", "SIP/2.0 200 OK" MARK, SIPREG_E_INCOMPLETE),
    P("SIP/3.0 request", "REGISTER sip:x " MARK "SIP/3.0\r\n" BASE "\r\n", SIPREG_E_VERSION),
    P("SIP/2.1 response", MARK "SIP/2.1 200 OK\r\n" BASE "\r\n", SIPREG_E_VERSION),
    P("HTTP response", MARK "HTTP/1.1 101 Switching Protocols\r\n" BASE "\r\n", SIPREG_E_VERSION),
    P("HTTP request", "GET / " MARK "HTTP/1.1\r\nHost: x\r\n\r\n", SIPREG_E_VERSION),
    P("garbage line", "HELLO WORLD " MARK ";branch=z9hG4bK5117286d9d8a\r\n\r\n", SIPREG_E_VERSION),
    P("status with 2 digits", "SIP/2.0 " MARK "20 OK\r\n" BASE "\r\n", SIPREG_E_STATUS),
    P("status 700", "SIP/2.0 " MARK "700 Nope\r\n" BASE "\r\n", SIPREG_E_STATUS),
    P("status 099", "SIP/2.0 " MARK "099 Nope\r\n" BASE "\r\n", SIPREG_E_STATUS),
    P("status 4294967301 (RFC 4475 §3.1.2.19)", "SIP/2.0 " MARK "4294967301 x\r\n" BASE "\r\n",
      SIPREG_E_STATUS),
    P("status 2x0", "SIP/2.0 " MARK "2x0 OK\r\n" BASE "\r\n", SIPREG_E_STATUS),
    P("status 200OK", "SIP/2.0 " MARK "200OK\r\n" BASE "\r\n", SIPREG_E_STATUS),
    P("status line without a code", "SIP/2.0" MARK "\r\n" BASE "\r\n", SIPREG_E_START_LINE),
    P("method with '@'", "REG" MARK "@ISTER sip:x SIP/2.0\r\n" BASE "\r\n", SIPREG_E_METHOD),
    P("start line begins with SP", MARK " REGISTER sip:x SIP/2.0\r\n" BASE "\r\n", SIPREG_E_METHOD),
    P("a header where the start line should be (CRLFs before it are skipped)",
      "\r\nVia" MARK ": SIP/2.0/WS h\r\n" BASE "\r\n", SIPREG_E_METHOD),
    P("one word", "REGISTER" MARK "\r\n" BASE "\r\n", SIPREG_E_START_LINE),
    P("no SIP-Version", "REGISTER sip:x" MARK "\r\n" BASE "\r\n", SIPREG_E_START_LINE),
    P("two SP after the method (RFC 4475 §3.1.2.9)",
      "REGISTER " MARK " sip:x SIP/2.0\r\n" BASE "\r\n", SIPREG_E_START_LINE),
    P("SP inside the Request-URI (§3.1.2.8)", "REGISTER sip:x;" MARK " lr SIP/2.0\r\n" BASE "\r\n",
      SIPREG_E_START_LINE),
    P("SP after SIP-Version (§3.1.2.10)", "REGISTER sip:x SIP/2.0" MARK "  \r\n" BASE "\r\n",
      SIPREG_E_START_LINE),
    P("<> around the Request-URI (§3.1.2.7)", "REGISTER " MARK "<sip:x> SIP/2.0\r\n" BASE "\r\n",
      SIPREG_E_URI),
    P("non-ASCII in the Request-URI", "REGISTER sip:" MARK "\xc3\xa9@x SIP/2.0\r\n" BASE "\r\n",
      SIPREG_E_URI),
    P("HTAB in the Request-URI", "REGISTER sip:" MARK "\tx SIP/2.0\r\n" BASE "\r\n", SIPREG_E_URI),
    P("NUL in the start line", "REGISTER sip:" MARK "\0x SIP/2.0\r\n" BASE "\r\n", SIPREG_E_CHAR),
    P("escaped NUL is no quoted-pair in a start line", "SIP/2.0 200 a\\" MARK "\0\r\n" BASE "\r\n",
      SIPREG_E_CHAR),
    P("bare CR in the start line", "SIP/2.0 200 O" MARK "\rK\r\n" BASE "\r\n", SIPREG_E_CHAR),

    /* header fields (§7.3.1, §25.1) */
    P("header line without a colon", RESP BASE "Foo" MARK "\r\n\r\n", SIPREG_E_HEADER_COLON),
    P("name followed by a word", RESP BASE "Foobar " MARK "roobar\r\n\r\n", SIPREG_E_HEADER_COLON),
    P("'@' in a header name", RESP BASE "Fo" MARK "@o: x\r\n\r\n", SIPREG_E_HEADER_NAME),
    P("empty header name", RESP BASE MARK ": x\r\n\r\n", SIPREG_E_HEADER_NAME),
    P("continuation line right after the start line", RESP MARK " folded\r\n" BASE "\r\n",
      SIPREG_E_HEADER_NAME),
    P("NUL in a header name", RESP BASE "Sub" MARK "\0ject: x\r\n\r\n", SIPREG_E_CHAR),
    P("NUL in a header value", RESP BASE "Subject: a" MARK "\0b\r\n\r\n", SIPREG_E_CHAR),
    P("DEL in a header value", RESP BASE "Subject: a" MARK "\x7f\r\n\r\n", SIPREG_E_CHAR),
    P("ESC in a header value", RESP BASE "Subject: a" MARK "\x1b[0m\r\n\r\n", SIPREG_E_CHAR),
    P("NUL after an escaped backslash", RESP BASE "Subject: \"a\\\\" MARK "\0\"\r\n\r\n",
      SIPREG_E_CHAR),
    P("bare CR in a header value", RESP BASE "Subject: a" MARK "\rb\r\n\r\n", SIPREG_E_CHAR),
    P("bare CR as the empty line", RESP BASE MARK "\rx\r\n\r\n", SIPREG_E_CHAR),
    P("no empty line after the headers", RESP BASE MARK, SIPREG_E_INCOMPLETE),
    P("buffer ends inside CRLF", RESP BASE "\r" MARK, SIPREG_E_INCOMPLETE),
    P("buffer ends inside a header", RESP BASE "Subj" MARK, SIPREG_E_INCOMPLETE),

    /* Content-Length and framing (§20.14, §18.3) */
    P("negative Content-Length (RFC 4475 §3.1.2.3)",
      RESP BASE "Content-Length: " MARK "-999\r\n\r\n", SIPREG_E_CONTENT_LENGTH),
    P("Content-Length: five", RESP BASE "Content-Length: " MARK "five\r\n\r\n",
      SIPREG_E_CONTENT_LENGTH),
    P("Content-Length: 12abc", RESP BASE "l: 12" MARK "abc\r\n\r\n", SIPREG_E_CONTENT_LENGTH),
    P("empty Content-Length", RESP BASE "Content-Length: " MARK "\r\n\r\n",
      SIPREG_E_CONTENT_LENGTH),
    P("Content-Length rows disagree (RFC 4475 §3.3.9)",
      RESP BASE "l: 5\r\nContent-Length: " MARK "6\r\n\r\nabcdef", SIPREG_E_CONTENT_LENGTH),
    P("Content-Length beyond the buffer (§18.3)", RESP BASE "Content-Length: 10\r\n\r\nabc" MARK,
      SIPREG_E_BODY),
    P("Content-Length beyond SIPREG_MAX_MESSAGE", RESP BASE "Content-Length: " MARK "70000\r\n\r\n",
      SIPREG_E_TOO_BIG),
    P("Content-Length of 30 digits",
      RESP BASE "Content-Length: " MARK "999999999999999999999999999999\r\n\r\n", SIPREG_E_TOO_BIG),

    /* mandatory headers (§8.1.1): the offset is the empty line */
    P("no Call-ID", RESP VIA TO FROM CSEQ MARK "\r\n", SIPREG_E_MISSING_HEADER),
    P("no CSeq", RESP VIA TO FROM CALLID MARK "\r\n", SIPREG_E_MISSING_HEADER),
    P("no From", RESP VIA TO CALLID CSEQ MARK "\r\n", SIPREG_E_MISSING_HEADER),
    P("no To", RESP VIA FROM CALLID CSEQ MARK "\r\n", SIPREG_E_MISSING_HEADER),
    P("no Via", RESP TO FROM CALLID CSEQ MARK "\r\n", SIPREG_E_MISSING_HEADER),
    P("a second, different Call-ID (RFC 4475 §3.3.8)", RESP BASE "i: " MARK "other\r\n\r\n",
      SIPREG_E_HEADER_VALUE),
    P("a second, different To", RESP BASE "t: " MARK "<sip:bob@x>\r\n\r\n", SIPREG_E_HEADER_VALUE),
    P("a second, different From", RESP BASE "From: " MARK "<sip:b@x>;tag=2\r\n\r\n",
      SIPREG_E_HEADER_VALUE),
    P("a second, different CSeq", RESP BASE "CSeq: " MARK "5 REGISTER\r\n\r\n", SIPREG_E_CSEQ),

    /* CSeq (§20.16, §8.1.1.5) */
    P("CSeq not a number", RESP VIA TO FROM CALLID "CSeq: " MARK "abc REGISTER\r\n\r\n",
      SIPREG_E_CSEQ),
    P("CSeq 2^31", RESP VIA TO FROM CALLID "CSeq: " MARK "2147483648 REGISTER\r\n\r\n",
      SIPREG_E_CSEQ),
    P("CSeq 2^65", RESP VIA TO FROM CALLID "CSeq: " MARK "36893488147419103232 REGISTER\r\n\r\n",
      SIPREG_E_CSEQ),
    P("CSeq without a method", RESP VIA TO FROM CALLID "CSeq: 1" MARK "\r\n\r\n", SIPREG_E_CSEQ),
    P("CSeq without LWS", RESP VIA TO FROM CALLID "CSeq: 1" MARK "REGISTER\r\n\r\n", SIPREG_E_CSEQ),
    P("CSeq method not a token", RESP VIA TO FROM CALLID "CSeq: 1 " MARK "@X\r\n\r\n",
      SIPREG_E_CSEQ),
    P("CSeq with a third word", RESP VIA TO FROM CALLID "CSeq: 1 REGISTER " MARK "x\r\n\r\n",
      SIPREG_E_CSEQ),
    P("CSeq method differs from the request's",
      REQ VIA TO FROM CALLID "CSeq: 1 " MARK "INVITE\r\n\r\n", SIPREG_E_CSEQ),
    P("CSeq method case differs (case-sensitive, §20.16)",
      REQ VIA TO FROM CALLID "CSeq: 1 " MARK "register\r\n\r\n", SIPREG_E_CSEQ),
};

/* Every row of PARSE: the result, and for errors err_off at the "§". */
static void test_parse_table(void) {
    static struct input in;
    for (size_t i = 0; i < sizeof PARSE / sizeof PARSE[0]; i++) {
        const struct parse_case *c = &PARSE[i];
        struct sipreg_hdr hdrs[32];
        struct sipreg_msg m;
        size_t off = 12345;
        take(&in, c->msg, c->len);
        int r = sipreg_msg_parse(&m, in.buf, in.len, hdrs, 32, &off);
        CHECK_MSG(r == c->err, "%s: got %s, expected %s", c->name, ename(r), ename(c->err));
        CHECK_MSG(off <= in.len, "%s: err_off %zu beyond %zu", c->name, off, in.len);
        if (c->err)
            CHECK_MSG(in.at >= 0 && off == (size_t)in.at, "%s: err_off %zu, expected %ld", c->name,
                      off, in.at);
        else
            CHECK_MSG(m.length == in.len, "%s: length %zu of %zu", c->name, m.length, in.len);
    }
}

/* Accepted messages: the views the parser fills. */
static void test_parse_fields(void) {
    struct sipreg_hdr hdrs[32];
    struct sipreg_msg m;
    size_t off;

    /* status line (§7.2) */
    static const char r1[] = "SIP/2.0 423 Interval Too Brief\r\n" BASE "Min-Expires: 60\r\n\r\n";
    CHECK_INT(sipreg_msg_parse(&m, r1, sizeof r1 - 1, hdrs, 32, &off), 0);
    CHECK_INT(m.type, SIPREG_RESPONSE);
    CHECK_INT(m.status, 423);
    CHECK_VIEW(m.reason, "Interval Too Brief");
    CHECK_INT(m.nhdrs, 6);
    CHECK_VIEW(m.hdrs[5].name, "Min-Expires");
    CHECK_INT(m.hdrs[5].id, SIPREG_H_MIN_EXPIRES);
    CHECK_VIEW(m.hdrs[5].value, "60");
    CHECK_INT(m.body.len, 0);
    CHECK(m.body.p == r1 + sizeof r1 - 1);

    /* request line (§7.1) */
    static const char q1[] = "REGISTER sip:registrar.biloxi.com SIP/2.0\r\n" BASE "\r\n";
    CHECK_INT(sipreg_msg_parse(&m, q1, sizeof q1 - 1, hdrs, 32, &off), 0);
    CHECK_INT(m.type, SIPREG_REQUEST);
    CHECK_VIEW(m.method, "REGISTER");
    CHECK_VIEW(m.ruri, "sip:registrar.biloxi.com");

    /* folding (§7.3.1): the value view spans the continuation lines; trailing WS stays */
    static const char f1[] = RESP BASE "Subject: I know you're there,\r\n"
                                       "         pick up the phone\r\n\tand talk to me! \r\n\r\n";
    CHECK_INT(sipreg_msg_parse(&m, f1, sizeof f1 - 1, hdrs, 32, &off), 0);
    CHECK_VIEW(m.hdrs[5].value,
               "I know you're there,\r\n         pick up the phone\r\n\tand talk to me! ");
    /* a value that starts on the continuation line ("TO :\r\n sip:...", RFC 4475 wsinv) */
    static const char f2[] =
        RESP VIA FROM CALLID CSEQ "TO :\r\n sip:alice@example.com ; tag = 9\r\n"
                                  "Subject:\r\n \r\n\r\n";
    CHECK_INT(sipreg_msg_parse(&m, f2, sizeof f2 - 1, hdrs, 32, &off), 0);
    CHECK_VIEW(m.hdrs[4].name, "TO");
    CHECK_VIEW(m.hdrs[4].value, "sip:alice@example.com ; tag = 9");
    CHECK_VIEW(sipreg_msg_tag(&m, SIPREG_H_TO), "9");
    CHECK_INT(m.hdrs[5].value.len, 0);

    /* folding with bare LF */
    static const char f3[] = "SIP/2.0 200 OK\n" VIA TO FROM CALLID "CSeq: 7\n REGISTER\n\n";
    CHECK_INT(sipreg_msg_parse(&m, f3, sizeof f3 - 1, hdrs, 32, &off), 0);
    CHECK_VIEW(m.hdrs[4].value, "7\n REGISTER");

    /* framing (§18.3): bytes after Content-Length are not part of the message */
    static const char b1[] = RESP BASE "Content-Length: 3\r\n\r\nabcINVITE sip:x SIP/2.0\r\n";
    CHECK_INT(sipreg_msg_parse(&m, b1, sizeof b1 - 1, hdrs, 32, &off), 0);
    CHECK_VIEW(m.body, "abc");
    CHECK_INT(m.length, sizeof b1 - 1 - 22);
    /* without Content-Length the body is the rest of the buffer (§18.3, RFC 7118 §5) */
    static const char b2[] = RESP BASE "\r\nv=0\r\n";
    CHECK_INT(sipreg_msg_parse(&m, b2, sizeof b2 - 1, hdrs, 32, &off), 0);
    CHECK_VIEW(m.body, "v=0\r\n");
    CHECK_INT(m.length, sizeof b2 - 1);

    /* compact forms (§7.3.3) */
    static const char c1[] = "SIP/2.0 200 OK\r\nv: SIP/2.0/WS h;branch=z9hG4bKc\r\nt: <sip:a@x>\r\n"
                             "f: <sip:a@x>;tag=f\r\ni: cid\r\nCSeq: 2 REGISTER\r\nm: <sip:c@h>\r\n"
                             "l: 0\r\nk: path\r\nc: text/plain\r\ne: gzip\r\ns: hi\r\no: x\r\n\r\n";
    static const int c1_ids[] = {SIPREG_H_VIA,
                                 SIPREG_H_TO,
                                 SIPREG_H_FROM,
                                 SIPREG_H_CALL_ID,
                                 SIPREG_H_CSEQ,
                                 SIPREG_H_CONTACT,
                                 SIPREG_H_CONTENT_LENGTH,
                                 SIPREG_H_SUPPORTED,
                                 SIPREG_H_CONTENT_TYPE,
                                 SIPREG_H_CONTENT_ENCODING,
                                 SIPREG_H_SUBJECT,
                                 SIPREG_H_OTHER};
    CHECK_INT(sipreg_msg_parse(&m, c1, sizeof c1 - 1, hdrs, 32, &off), 0);
    CHECK_INT(m.nhdrs, 12);
    for (size_t i = 0; i < 12 && i < m.nhdrs; i++)
        CHECK_INT(m.hdrs[i].id, c1_ids[i]);
    CHECK_VIEW(sipreg_msg_call_id(&m), "cid");
    CHECK_VIEW(sipreg_msg_via_branch(&m), "z9hG4bKc");
    CHECK_VIEW(sipreg_msg_tag(&m, SIPREG_H_FROM), "f");

    /* sipreg_msg_find walks the rows of one id in order */
    static const char d1[] = RESP BASE "Contact: <sip:1@x>\r\nSubject: s\r\nm: <sip:2@x>\r\n\r\n";
    CHECK_INT(sipreg_msg_parse(&m, d1, sizeof d1 - 1, hdrs, 32, &off), 0);
    size_t pos = 0;
    const struct sipreg_hdr *h = sipreg_msg_find(&m, SIPREG_H_CONTACT, &pos);
    CHECK(h && h == &m.hdrs[5] && pos == 6);
    h = sipreg_msg_find(&m, SIPREG_H_CONTACT, &pos);
    CHECK(h && h == &m.hdrs[7] && pos == 8);
    CHECK(sipreg_msg_find(&m, SIPREG_H_CONTACT, &pos) == NULL && pos == 8);
    CHECK(sipreg_msg_find(&m, SIPREG_H_DATE, NULL) == NULL);

    /* CSeq and Call-ID accessors */
    static const char s1[] =
        RESP VIA TO FROM "Call-ID:   c1@host  \r\nCSeq: 0009\r\n  INVITE\r\n\r\n";
    struct sipreg_cseq cs;
    CHECK_INT(sipreg_msg_parse(&m, s1, sizeof s1 - 1, hdrs, 32, &off), 0);
    CHECK_INT(sipreg_msg_cseq(&m, &cs), 0);
    CHECK_INT(cs.seq, 9);
    CHECK_VIEW(cs.method, "INVITE");
    CHECK_VIEW(sipreg_msg_call_id(&m), "c1@host");
    struct sipreg_msg empty = m;
    empty.nhdrs = 0;
    CHECK_INT(sipreg_msg_call_id(&empty).len, 0);
    CHECK_INT(sipreg_msg_cseq(&empty, &cs), SIPREG_E_NOT_FOUND);
    CHECK_INT(sipreg_msg_via_branch(&empty).len, 0);
    CHECK_INT(sipreg_msg_tag(&empty, SIPREG_H_TO).len, 0);

    /* argument checks */
    CHECK_INT(sipreg_msg_parse(NULL, r1, sizeof r1 - 1, hdrs, 32, &off), SIPREG_E_INVAL);
    CHECK_INT(off, 0);
    CHECK_INT(sipreg_msg_parse(&m, NULL, 5, hdrs, 32, &off), SIPREG_E_INVAL);
    CHECK_INT(sipreg_msg_parse(&m, r1, sizeof r1 - 1, NULL, 32, &off), SIPREG_E_INVAL);
    CHECK_INT(sipreg_msg_parse(&m, r1, sizeof r1 - 1, hdrs, 32, NULL), 0);
}

/* The limits: SIPREG_MAX_MESSAGE, SIPREG_MAX_LINE, the caller's header array. */
static void test_limits(void) {
    static char buf[SIPREG_MAX_MESSAGE + 20000];
    struct sipreg_hdr hdrs[32];
    struct sipreg_msg m;
    size_t off, n;
    static const char head[] = RESP BASE;

    /* a header line of exactly SIPREG_MAX_LINE bytes is fine, one more is not */
    for (int extra = 0; extra <= 1; extra++) {
        n = sizeof head - 1;
        memcpy(buf, head, n);
        const size_t line = n;
        memcpy(buf + n, "Subject: ", 9);
        n += 9;
        memset(buf + n, 'a', SIPREG_MAX_LINE - 9 + (size_t)extra);
        n += SIPREG_MAX_LINE - 9 + (size_t)extra;
        memcpy(buf + n, "\r\n\r\n", 4);
        n += 4;
        int r = sipreg_msg_parse(&m, buf, n, hdrs, 32, &off);
        CHECK_INT(r, extra ? SIPREG_E_LINE_TOO_LONG : 0);
        if (extra) CHECK_INT(off, line + SIPREG_MAX_LINE);
    }
    /* folding counts: 3 continuation lines of 3000 bytes */
    n = sizeof head - 1;
    memcpy(buf, head, n);
    const size_t fline = n;
    memcpy(buf + n, "Subject: x", 10);
    n += 10;
    for (int k = 0; k < 3; k++) {
        memcpy(buf + n, "\r\n ", 3);
        memset(buf + n + 3, 'b', 3000);
        n += 3003;
    }
    memcpy(buf + n, "\r\n\r\n", 4);
    n += 4;
    CHECK_INT(sipreg_msg_parse(&m, buf, n, hdrs, 32, &off), SIPREG_E_LINE_TOO_LONG);
    CHECK_INT(off, fline + SIPREG_MAX_LINE);
    /* a start line over the limit */
    memcpy(buf, "REGISTER sip:", 13);
    memset(buf + 13, 'u', SIPREG_MAX_LINE);
    memcpy(buf + 13 + SIPREG_MAX_LINE, " SIP/2.0\r\n\r\n", 12);
    CHECK_INT(sipreg_msg_parse(&m, buf, 25 + SIPREG_MAX_LINE, hdrs, 32, &off),
              SIPREG_E_LINE_TOO_LONG);
    CHECK_INT(off, SIPREG_MAX_LINE);
    /* a header name (with no colon) over the limit */
    n = sizeof head - 1;
    memcpy(buf, head, n);
    memset(buf + n, 'N', SIPREG_MAX_LINE + 10);
    CHECK_INT(sipreg_msg_parse(&m, buf, n + SIPREG_MAX_LINE + 10, hdrs, 32, &off),
              SIPREG_E_LINE_TOO_LONG);
    CHECK_INT(off, n + SIPREG_MAX_LINE);

    /* a body that makes the message longer than SIPREG_MAX_MESSAGE */
    n = sizeof head - 1;
    memcpy(buf, head, n);
    memcpy(buf + n, "\r\n", 2);
    memset(buf + n + 2, 'z', SIPREG_MAX_MESSAGE);
    CHECK_INT(sipreg_msg_parse(&m, buf, n + 2 + SIPREG_MAX_MESSAGE, hdrs, 32, &off),
              SIPREG_E_TOO_BIG);
    CHECK_INT(off, SIPREG_MAX_MESSAGE);
    /* the same bytes after "Content-Length: 0" are not part of the message */
    memcpy(buf + n, "l: 0\r\n\r\n", 8);
    CHECK_INT(sipreg_msg_parse(&m, buf, n + 8 + SIPREG_MAX_MESSAGE, hdrs, 32, &off), 0);
    CHECK_INT(m.length, n + 8);
    /* a header section that does not end within SIPREG_MAX_MESSAGE */
    n = sizeof head - 1;
    memcpy(buf, head, n);
    while (n < SIPREG_MAX_MESSAGE + 1000) {
        memcpy(buf + n, "X-Pad: 0123456789abcdef\r\n", 25);
        n += 25;
    }
    CHECK_INT(sipreg_msg_parse(&m, buf, n, hdrs, 32, &off), SIPREG_E_TOO_MANY_HEADERS);
    static struct sipreg_hdr many[4000];
    CHECK_INT(sipreg_msg_parse(&m, buf, n, many, 4000, &off), SIPREG_E_TOO_BIG);
    CHECK_INT(off, SIPREG_MAX_MESSAGE);
    /* ... and one that does, just: an exactly SIPREG_MAX_MESSAGE-byte message */
    n = sizeof head - 1;
    memcpy(buf, head, n);
    memcpy(buf + n, "\r\n", 2);
    memset(buf + n + 2, 'z', SIPREG_MAX_MESSAGE - n - 2);
    CHECK_INT(sipreg_msg_parse(&m, buf, SIPREG_MAX_MESSAGE, hdrs, 32, &off), 0);
    CHECK_INT(m.length, SIPREG_MAX_MESSAGE);

    /* the caller's header array: 5 fit in 5, a 6th does not */
    static const char five[] = RESP BASE "\r\n", six[] = RESP BASE "Subject: s\r\n\r\n";
    CHECK_INT(sipreg_msg_parse(&m, five, sizeof five - 1, hdrs, 5, &off), 0);
    CHECK_INT(m.nhdrs, 5);
    CHECK_INT(sipreg_msg_parse(&m, six, sizeof six - 1, hdrs, 5, &off), SIPREG_E_TOO_MANY_HEADERS);
    CHECK_INT(off, sizeof six - 1 - 14);
    CHECK_INT(sipreg_msg_parse(&m, six, sizeof six - 1, hdrs, 0, &off), SIPREG_E_TOO_MANY_HEADERS);
    CHECK_INT(off, sizeof RESP - 1);
}

/* Header names to ids (§7.3.1 case-insensitive names, §7.3.3 compact forms). */
static void test_header_ids(void) {
    static const struct {
        const char *name, *value;
        int id;
    } T[] = {
        {"Via", "SIP/2.0/WS h.invalid;branch=z9hG4bK776asdhds", SIPREG_H_VIA},
        {"v", "SIP/2.0/WS h.invalid;branch=z9hG4bK776asdhds", SIPREG_H_VIA},
        {"vIA", "SIP/2.0/WS h.invalid;branch=z9hG4bK776asdhds", SIPREG_H_VIA},
        {"To", "<sip:alice@example.com>", SIPREG_H_TO},
        {"t", "<sip:alice@example.com>", SIPREG_H_TO},
        {"TO", "<sip:alice@example.com>", SIPREG_H_TO},
        {"From", "<sip:alice@example.com>;tag=1928301774", SIPREG_H_FROM},
        {"F", "<sip:alice@example.com>;tag=1928301774", SIPREG_H_FROM},
        {"Call-ID", "a84b4c76e66710@pc33", SIPREG_H_CALL_ID},
        {"call-id", "a84b4c76e66710@pc33", SIPREG_H_CALL_ID},
        {"I", "a84b4c76e66710@pc33", SIPREG_H_CALL_ID},
        {"CSeq", "314159 REGISTER", SIPREG_H_CSEQ},
        {"CSEQ", "314159 REGISTER", SIPREG_H_CSEQ},
        {"Contact", "<sip:a@b>", SIPREG_H_CONTACT},
        {"m", "<sip:a@b>", SIPREG_H_CONTACT},
        {"Expires", "1", SIPREG_H_EXPIRES},
        {"Min-Expires", "1", SIPREG_H_MIN_EXPIRES},
        {"Retry-After", "1", SIPREG_H_RETRY_AFTER},
        {"Date", "x", SIPREG_H_DATE},
        {"Content-Length", "0", SIPREG_H_CONTENT_LENGTH},
        {"l", "0", SIPREG_H_CONTENT_LENGTH},
        {"Content-Type", "x/y", SIPREG_H_CONTENT_TYPE},
        {"c", "x/y", SIPREG_H_CONTENT_TYPE},
        {"WWW-Authenticate", "Digest", SIPREG_H_WWW_AUTHENTICATE},
        {"www-authenticate", "Digest", SIPREG_H_WWW_AUTHENTICATE},
        {"Proxy-Authenticate", "Digest", SIPREG_H_PROXY_AUTHENTICATE},
        {"Authorization", "Digest", SIPREG_H_AUTHORIZATION},
        {"Proxy-Authorization", "Digest", SIPREG_H_PROXY_AUTHORIZATION},
        {"Service-Route", "<sip:x>", SIPREG_H_SERVICE_ROUTE},
        {"Path", "<sip:x>", SIPREG_H_PATH},
        {"Flow-Timer", "120", SIPREG_H_FLOW_TIMER},
        {"Supported", "path", SIPREG_H_SUPPORTED},
        {"k", "path", SIPREG_H_SUPPORTED},
        {"Require", "x", SIPREG_H_REQUIRE},
        {"Max-Forwards", "70", SIPREG_H_MAX_FORWARDS},
        {"Route", "<sip:x>", SIPREG_H_ROUTE},
        {"Record-Route", "<sip:x>", SIPREG_H_RECORD_ROUTE},
        {"Content-Encoding", "gzip", SIPREG_H_CONTENT_ENCODING},
        {"e", "gzip", SIPREG_H_CONTENT_ENCODING},
        {"Subject", "x", SIPREG_H_SUBJECT},
        {"s", "x", SIPREG_H_SUBJECT},
        {"User-Agent", "x", SIPREG_H_USER_AGENT},
        {"Server", "x", SIPREG_H_SERVER},
        {"Unsupported", "x", SIPREG_H_UNSUPPORTED},
        /* unknown names */
        {"X", "x", SIPREG_H_OTHER},
        {"o", "x", SIPREG_H_OTHER}, /* Event's compact form (RFC 6665): not ours */
        {"Vias", "x", SIPREG_H_OTHER},
        {"Tox", "x", SIPREG_H_OTHER},
        {"Contac", "x", SIPREG_H_OTHER},
        {"C%6Fntact", "x", SIPREG_H_OTHER}, /* RFC 4475 §3.1.1.5 */
        {"Call_ID", "x", SIPREG_H_OTHER},
        {"Content-Lengths", "x", SIPREG_H_OTHER},
        {"Www-Authenticat_", "x", SIPREG_H_OTHER},
        {"Min-Expire", "x", SIPREG_H_OTHER},
        {"P-Registrar-Error", "x", SIPREG_H_OTHER},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        char buf[512];
        struct sipreg_hdr hdrs[8];
        struct sipreg_msg m;
        size_t off;
        int n = snprintf(buf, sizeof buf, "%s%s: %s\r\n" BASE "\r\n", RESP, T[i].name, T[i].value);
        int r = sipreg_msg_parse(&m, buf, (size_t)n, hdrs, 8, &off);
        CHECK_MSG(r == 0, "%s: %s", T[i].name, ename(r));
        if (r == 0) {
            CHECK_MSG(m.hdrs[0].id == T[i].id, "%s: id %d, expected %d", T[i].name, m.hdrs[0].id,
                      T[i].id);
            CHECK_VIEW(m.hdrs[0].name, T[i].name);
        }
    }
}

/* One sipreg_contact_parse case; "§" in elem marks the expected error offset. */
struct contact_case {
    const char *elem;
    int err;
    int star;
    const char *display, *uri, *params;
    long long expires;
    int q;
    const char *instance;
    long long reg_id;
    const char *pub, *temp;
};

/* An error row of CONTACTS. */
#define CERR(elem, err)                                                                            \
    { elem, err, 0, NULL, NULL, NULL, 0, 0, NULL, 0, NULL, NULL }

static const struct contact_case CONTACTS[] = {
    /* elem, err, star, display, uri, params, expires, q, instance, reg-id, pub-gruu, temp-gruu */
    {"<sip:a@x>", 0, 0, "", "sip:a@x", "", -1, -1, NULL, -1, NULL, NULL},
    /* §20.10 examples */
    {"\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>\r\n   ;q=0.7; expires=3600", 0, 0,
     "Mr. Watson", "sip:watson@worcester.bell-telephone.com", ";q=0.7; expires=3600", 3600, 700,
     NULL, -1, NULL, NULL},
    {"\"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1", 0, 0, "Mr. Watson",
     "mailto:watson@bell-telephone.com", ";q=0.1", -1, 100, NULL, -1, NULL, NULL},
    {"<sips:bob@192.0.2.4>;expires=60", 0, 0, "", "sips:bob@192.0.2.4", ";expires=60", 60, -1, NULL,
     -1, NULL, NULL},
    /* addr-spec: parameters after the URI are header parameters (§20.10) */
    {"sip:a@x;expires=60", 0, 0, "", "sip:a@x", ";expires=60", 60, -1, NULL, -1, NULL, NULL},
    {"sip:a@x ; expires = 60 ; q = 0", 0, 0, "", "sip:a@x", "; expires = 60 ; q = 0", 60, 0, NULL,
     -1, NULL, NULL},
    {"sip:+19725552222@gw1.example.net;unknownparam", 0, 0, "", "sip:+19725552222@gw1.example.net",
     ";unknownparam", -1, -1, NULL, -1, NULL, NULL},
    {"<sip:a@x;transport=ws;expires=5>", 0, 0, "", "sip:a@x;transport=ws;expires=5", "", -1, -1,
     NULL, -1, NULL, NULL},
    /* display names: tokens (LWS before '<' optional, RFC 4475 §3.1.1.6) or a quoted string */
    {"caller<sip:caller@example.com>;tag=323", 0, 0, "caller", "sip:caller@example.com", ";tag=323",
     -1, -1, NULL, -1, NULL, NULL},
    {"A. Bell <sip:a.g.bell@example.com>", 0, 0, "A. Bell", "sip:a.g.bell@example.com", "", -1, -1,
     NULL, -1, NULL, NULL},
    {"\"Judy \\\"J\\\" Doe\" <sip:j3@xyz.invalid;transport=ws>;expires=120", 0, 0,
     "Judy \\\"J\\\" Doe", "sip:j3@xyz.invalid;transport=ws", ";expires=120", 120, -1, NULL, -1,
     NULL, NULL},
    {"\"Doe, John <x>\" <sip:j@x>", 0, 0, "Doe, John <x>", "sip:j@x", "", -1, -1, NULL, -1, NULL,
     NULL},
    {"\"\" <sip:e@x>", 0, 0, "", "sip:e@x", "", -1, -1, NULL, -1, NULL, NULL},
    {"< sip:t.watson@example.org >", 0, 0, "", "sip:t.watson@example.org", "", -1, -1, NULL, -1,
     NULL, NULL},
    {"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>", 0, 0, "",
     "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "", -1, -1, NULL, -1, NULL, NULL},
    /* STAR (§10.2.2, §20.10); "*;expires=0" tolerated; "* <...>" is a display name */
    {"*", 0, 1, "", "", "", -1, -1, NULL, -1, NULL, NULL},
    {" * ", 0, 1, "", "", "", -1, -1, NULL, -1, NULL, NULL},
    {"*;expires=0", 0, 1, "", "", ";expires=0", 0, -1, NULL, -1, NULL, NULL},
    {"* <sip:x@y>", 0, 0, "*", "sip:x@y", "", -1, -1, NULL, -1, NULL, NULL},
    CERR(MARK "*x", SIPREG_E_URI_SCHEME),
    /* RFC 5626 §10, RFC 5627 */
    {"<sip:a@x>;+sip.instance=\"<urn:uuid:3f4c2c0a-7a5e-4b5f-8b57-3c0e1f2a9d11>\";reg-id=1", 0, 0,
     "", "sip:a@x", ";+sip.instance=\"<urn:uuid:3f4c2c0a-7a5e-4b5f-8b57-3c0e1f2a9d11>\";reg-id=1",
     -1, -1, "<urn:uuid:3f4c2c0a-7a5e-4b5f-8b57-3c0e1f2a9d11>", 1, NULL, NULL},
    {"<sip:a@x>;+SIP.INSTANCE=\"\";REG-ID=2147483647", 0, 0, "", "sip:a@x",
     ";+SIP.INSTANCE=\"\";REG-ID=2147483647", -1, -1, "", 2147483647, NULL, NULL},
    {"<sip:callee@192.0.2.1>;pub-gruu=\"sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765"
     "-00a0c91e6bf6\";temp-gruu=\"sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr\"",
     0, 0, "", "sip:callee@192.0.2.1",
     ";pub-gruu=\"sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\";temp-"
     "gruu=\"sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr\"",
     -1, -1, NULL, -1, "sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
     "sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr"},
    {"<sip:a@x>;q=0.5;+sip.ice;x=\"quoted ; value, too\"", 0, 0, "", "sip:a@x",
     ";q=0.5;+sip.ice;x=\"quoted ; value, too\"", -1, 500, NULL, -1, NULL, NULL},
    /* errors: the offset is relative to the element */
    CERR("<sip:a@x>;reg-id=" MARK "0", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;reg-id=" MARK "2147483648", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;reg-id=" MARK "abc", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;expires=1;" MARK "expires=2", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;q=1;" MARK "Q=0", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;" MARK ";", SIPREG_E_HEADER_VALUE),
    CERR("\"Joe\" <sip:joe@example.org>;" MARK ";;;",
         SIPREG_E_HEADER_VALUE), /* RFC 4475 badinv01 */
    CERR("<sip:a@x>" MARK ";", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;" MARK "=v", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x>;a" MARK "\"b=c", SIPREG_E_HEADER_VALUE),
    CERR("<sip:a@x> " MARK "junk", SIPREG_E_HEADER_VALUE),
    CERR(MARK "\"unterminated <sip:a@x>", SIPREG_E_QUOTE),
    CERR(MARK "<sip:a@x", SIPREG_E_QUOTE),
    CERR("\"a\" " MARK "sip:a@x", SIPREG_E_HEADER_VALUE),
    CERR("<" MARK ">", SIPREG_E_URI_SCHEME),
    CERR("<" MARK "not a uri>", SIPREG_E_URI_SCHEME), /* Kamailio 15-malformed lists one */
    CERR(MARK "Bell", SIPREG_E_URI_SCHEME),           /* RFC 4475 baddn after the comma split */
    CERR(MARK "foo@bar <sip:x>", SIPREG_E_URI_SCHEME),
    CERR("<" MARK "1sip:x>", SIPREG_E_URI_SCHEME),
    CERR("sip:user@example.com" MARK "?Route=%3Csip:sip.example.com%3E", SIPREG_E_HEADER_VALUE),
    CERR("sip:a" MARK " b@x", SIPREG_E_HEADER_VALUE),
    CERR(MARK "", SIPREG_E_HEADER_VALUE),
};

/* Every row of CONTACTS through sipreg_contact_parse. */
static void test_contact_table(void) {
    static struct input in;
    for (size_t i = 0; i < sizeof CONTACTS / sizeof CONTACTS[0]; i++) {
        const struct contact_case *t = &CONTACTS[i];
        struct sipreg_contact c;
        size_t off = 999;
        take(&in, t->elem, strlen(t->elem));
        struct sipreg_str e = {in.buf, in.len};
        int r = sipreg_contact_parse(&c, e, &off);
        CHECK_MSG(r == t->err, "[%s]: got %s, expected %s", t->elem, ename(r), ename(t->err));
        if (r != 0 || t->err != 0) {
            CHECK_MSG(in.at >= 0 && off == (size_t)in.at, "[%s]: err_off %zu, expected %ld",
                      t->elem, off, in.at);
            continue;
        }
        CHECK_INT(off, 0);
        CHECK_INT(c.star, t->star);
        CHECK_VIEW(c.na.display, t->display);
        CHECK_VIEW(c.na.uri, t->uri);
        CHECK_VIEW(c.na.params, t->params);
        CHECK_INT(c.expires, t->expires);
        CHECK_INT(c.q, t->q);
        CHECK_INT(c.reg_id, t->reg_id);
        CHECK(t->instance ? c.instance.p != NULL : c.instance.p == NULL);
        if (t->instance) CHECK_VIEW(c.instance, t->instance);
        CHECK(t->pub ? c.pub_gruu.p != NULL : c.pub_gruu.p == NULL);
        if (t->pub) CHECK_VIEW(c.pub_gruu, t->pub);
        CHECK(t->temp ? c.temp_gruu.p != NULL : c.temp_gruu.p == NULL);
        if (t->temp) CHECK_VIEW(c.temp_gruu, t->temp);
    }
}

/* q (§20.10 qvalue) and expires (§20.10 c-p-expires, delta-seconds clamped to 2^32-1). */
static void test_q_and_expires(void) {
    static const struct {
        const char *q;
        int want; /* thousandths, or the error */
    } Q[] = {
        {"0", 0},
        {"0.", 0},
        {"0.5", 500},
        {"0.05", 50},
        {"0.123", 123},
        {"0.001", 1},
        {"0.999", 999},
        {"1", 1000},
        {"1.", 1000},
        {"1.0", 1000},
        {"1.000", 1000},
        {"2.0", SIPREG_E_HEADER_VALUE},
        {"abc", SIPREG_E_HEADER_VALUE},
        {"1.5", SIPREG_E_HEADER_VALUE},
        {"1.001", SIPREG_E_HEADER_VALUE},
        {"0.1234", SIPREG_E_HEADER_VALUE},
        {".5", SIPREG_E_HEADER_VALUE},
        {"", SIPREG_E_HEADER_VALUE},
        {"-0", SIPREG_E_HEADER_VALUE},
        {"00.5", SIPREG_E_HEADER_VALUE},
        {"0,5", SIPREG_E_HEADER_VALUE},
        {"\"0.5\"", SIPREG_E_HEADER_VALUE},
        {"0.5x", SIPREG_E_HEADER_VALUE},
    };
    for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
        char elem[64];
        struct sipreg_contact c;
        size_t off;
        snprintf(elem, sizeof elem, "<sip:a@x>;q=%s", Q[i].q);
        int r = sipreg_contact_parse(&c, view(elem), &off);
        if (Q[i].want < 0)
            CHECK_MSG(r == Q[i].want, "q=%s: got %s", Q[i].q, ename(r));
        else
            CHECK_MSG(r == 0 && c.q == Q[i].want, "q=%s: got %s q=%d", Q[i].q, ename(r), c.q);
    }
    static const struct {
        const char *e;
        long long want; /* seconds, or the error */
    } E[] = {
        {"0", 0},
        {"3600", 3600},
        {"007", 7},
        {"4294967295", 4294967295LL},
        {"4294967296", 4294967295LL},      /* 2^32: Kamailio fixture 07 */
        {"280297596632815", 4294967295LL}, /* RFC 4475 scalar02 */
        {"1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000",
         4294967295LL},
        {"soon", SIPREG_E_HEADER_VALUE}, /* Kamailio 15-malformed */
        {"", SIPREG_E_HEADER_VALUE},
        {"-1", SIPREG_E_HEADER_VALUE},
        {"1.5", SIPREG_E_HEADER_VALUE},
        {"\"60\"", SIPREG_E_HEADER_VALUE},
        {"60s", SIPREG_E_HEADER_VALUE},
    };
    for (size_t i = 0; i < sizeof E / sizeof E[0]; i++) {
        char elem[160];
        struct sipreg_contact c;
        size_t off;
        snprintf(elem, sizeof elem, "<sip:a@x>;expires=%s", E[i].e);
        int r = sipreg_contact_parse(&c, view(elem), &off);
        if (E[i].want < 0)
            CHECK_MSG(r == E[i].want && off == 18, "expires=%s: got %s at %zu", E[i].e, ename(r),
                      off);
        else
            CHECK_MSG(r == 0 && c.expires == E[i].want, "expires=%s: got %s %lld", E[i].e, ename(r),
                      (long long)c.expires);
    }
}

/* The iterator over comma-separated elements of all rows of one id (§7.3.1). */
static void test_iterator(void) {
    static const char msg[] =
        RESP BASE "Contact: \"Doe, John\" <sip:j@x>;q=0.5, <sip:a,b@x;p=1,2>;expires=5\r\n"
                  "Subject: not a contact, really\r\n"
                  "m: sip:c@x\r\n"
                  "Contact: ,, <sip:d@x> ,\r\n"
                  "Contact: <sip:e@x>;\r\n expires=60,\r\n\t<sip:f@x>\r\n\r\n";
    static const char *const WANT[] = {"\"Doe, John\" <sip:j@x>;q=0.5",
                                       "<sip:a,b@x;p=1,2>;expires=5",
                                       "sip:c@x",
                                       "<sip:d@x>",
                                       "<sip:e@x>;\r\n expires=60",
                                       "<sip:f@x>"};
    struct sipreg_hdr hdrs[32];
    struct sipreg_msg m;
    struct sipreg_iter it;
    struct sipreg_str e;
    size_t off, k = 0;
    CHECK_INT(sipreg_msg_parse(&m, msg, sizeof msg - 1, hdrs, 32, &off), 0);
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    while (sipreg_iter_next(&it, &e) == 1) {
        if (k < 6) CHECK_VIEW(e, WANT[k]);
        k++;
    }
    CHECK_INT(k, 6);
    CHECK_INT(sipreg_iter_next(&it, &e), 0); /* stays at the end */

    /* the same through sipreg_contact_next */
    static const char *const URIS[] = {"sip:j@x", "sip:a,b@x;p=1,2", "sip:c@x",
                                       "sip:d@x", "sip:e@x",         "sip:f@x"};
    static const long long EXP[] = {-1, 5, -1, -1, 60, -1};
    struct sipreg_contact c;
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    for (k = 0; sipreg_contact_next(&it, &c, &off) == 1; k++) {
        if (k >= 6) break;
        CHECK_VIEW(c.na.uri, URIS[k]);
        CHECK_INT(c.expires, EXP[k]);
    }
    CHECK_INT(k, 6);

    /* an unterminated quote / bracket: SIPREG_E_QUOTE at the opening byte (relative to the
     * row's value), the rest of that row is skipped, the next row still comes */
    static const char bad[] = RESP BASE "Contact: <sip:a@x>, \"oops <sip:b@x>\r\n"
                                        "Contact: <sip:c@x>, <sip:d@x\r\n"
                                        "Contact: <sip:e@x>;q=7, <sip:f@x>\r\n\r\n";
    CHECK_INT(sipreg_msg_parse(&m, bad, sizeof bad - 1, hdrs, 32, &off), 0);
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
    CHECK_VIEW(c.na.uri, "sip:a@x");
    CHECK_INT(sipreg_contact_next(&it, &c, &off), SIPREG_E_QUOTE);
    CHECK_INT(off, 11);
    CHECK_INT(it.hdr, 5);
    CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
    CHECK_VIEW(c.na.uri, "sip:c@x");
    CHECK_INT(sipreg_contact_next(&it, &c, &off), SIPREG_E_QUOTE);
    CHECK_INT(off, 11);
    CHECK_INT(sipreg_contact_next(&it, &c, &off), SIPREG_E_HEADER_VALUE); /* q=7 */
    CHECK_INT(off, 12);
    CHECK_INT(it.hdr, 7);
    CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
    CHECK_VIEW(c.na.uri, "sip:f@x");
    CHECK_INT(sipreg_contact_next(&it, &c, &off), 0);

    /* no such header */
    sipreg_iter_init(&it, &m, SIPREG_H_PATH);
    CHECK_INT(sipreg_iter_next(&it, &e), 0);
}

/* Expires / Min-Expires / Flow-Timer (§20.19, §20.23, RFC 5626 §10): delta-seconds clamped. */
static void test_delta(void) {
    static const struct {
        const char *hdr;
        int id;
        long long want;
    } T[] = {
        {"Expires: 3600", SIPREG_H_EXPIRES, 3600},
        {"Expires:  0 ", SIPREG_H_EXPIRES, 0},
        {"Expires: 4294967295", SIPREG_H_EXPIRES, 4294967295LL},
        {"Expires: 4294967296", SIPREG_H_EXPIRES, 4294967295LL},
        {"Expires: 1000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "000000000000000000000",
         SIPREG_H_EXPIRES, 4294967295LL}, /* RFC 4475 scalar02 */
        {"Expires: soon", SIPREG_H_EXPIRES, SIPREG_E_HEADER_VALUE},
        {"Expires:", SIPREG_H_EXPIRES, SIPREG_E_HEADER_VALUE},
        {"Expires: -1", SIPREG_H_EXPIRES, SIPREG_E_HEADER_VALUE},
        {"Expires: 60 ;x", SIPREG_H_EXPIRES, SIPREG_E_HEADER_VALUE},
        {"Expires: 0x10", SIPREG_H_EXPIRES, SIPREG_E_HEADER_VALUE},
        {"Expires: Thu, 01 Dec 1994 16:00:00 GMT", SIPREG_H_EXPIRES, SIPREG_E_HEADER_VALUE},
        {"Subject: 5", SIPREG_H_EXPIRES, SIPREG_E_NOT_FOUND},
        {"Min-Expires: 60", SIPREG_H_MIN_EXPIRES, 60},
        {"Min-Expires: 60", SIPREG_H_EXPIRES, SIPREG_E_NOT_FOUND},
        {"Flow-Timer: 120", SIPREG_H_FLOW_TIMER, 120},
        {"Expires: 30\r\nExpires: 40", SIPREG_H_EXPIRES, 30}, /* the first row */
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        char buf[512];
        struct sipreg_hdr hdrs[16];
        struct sipreg_msg m;
        size_t off;
        int n = snprintf(buf, sizeof buf, RESP BASE "%s\r\n\r\n", T[i].hdr);
        CHECK_INT(sipreg_msg_parse(&m, buf, (size_t)n, hdrs, 16, &off), 0);
        long long got = sipreg_msg_delta(&m, T[i].id);
        CHECK_MSG(got == T[i].want, "[%s]: %lld, expected %lld", T[i].hdr, got, T[i].want);
    }
}

/* Retry-After = delta-seconds [ comment ] *( SEMI retry-param ) (§20.33). */
static void test_retry_after(void) {
    static const struct {
        const char *value;
        long long want;
    } T[] = {
        {"120", 120},
        {"18000;duration=3600", 18000},
        {"120 (I'm in a meeting)", 120},
        {"120 (nested (comment) \\) here) ;duration=60", 120},
        {"300;foo=bar;duration = 10", 300},
        {"0", 0},
        {"4294967296", 4294967295LL},
        {"949302838503028349304023988", 4294967295LL}, /* RFC 4475 scalarlg */
        {"abc", SIPREG_E_HEADER_VALUE},
        {"", SIPREG_E_HEADER_VALUE},
        {"-5", SIPREG_E_HEADER_VALUE},
        {"120 (unterminated", SIPREG_E_HEADER_VALUE},
        {"120;duration=abc", SIPREG_E_HEADER_VALUE},
        {"120;duration=\"5\"", SIPREG_E_HEADER_VALUE},
        {"120 junk", SIPREG_E_HEADER_VALUE},
        {"120 (c) junk", SIPREG_E_HEADER_VALUE},
        {"120;;duration=5", SIPREG_E_HEADER_VALUE},
        {"Fri, 31 Dec 1999 23:59:59 GMT", SIPREG_E_HEADER_VALUE}, /* HTTP's date form */
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        char buf[512];
        struct sipreg_hdr hdrs[16];
        struct sipreg_msg m;
        size_t off;
        int n = snprintf(buf, sizeof buf, "SIP/2.0 503 Busy\r\n" BASE "Retry-After: %s\r\n\r\n",
                         T[i].value);
        CHECK_INT(sipreg_msg_parse(&m, buf, (size_t)n, hdrs, 16, &off), 0);
        long long got = sipreg_msg_retry_after(&m);
        CHECK_MSG(got == T[i].want, "[%s]: %lld, expected %lld", T[i].value, got, T[i].want);
    }
    static const char none[] = RESP BASE "\r\n";
    struct sipreg_hdr hdrs[16];
    struct sipreg_msg m;
    size_t off;
    CHECK_INT(sipreg_msg_parse(&m, none, sizeof none - 1, hdrs, 16, &off), 0);
    CHECK_INT(sipreg_msg_retry_after(&m), SIPREG_E_NOT_FOUND);
}

/* rfc1123-date (§20.17, §25.1) to epoch seconds. */
static void test_date(void) {
    static const struct {
        const char *date;
        int err;
        long long epoch;
    } T[] = {
        {"Sat, 13 Nov 2010 23:29:00 GMT", 0, 1289690940LL}, /* §20.17 example */
        {"Thu, 01 Jan 1970 00:00:00 GMT", 0, 0},
        {"Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777LL},
        {"Sat, 15 Oct 2005 04:44:56 GMT", 0, 1129351496LL}, /* RFC 4475 mpart01 */
        {"Tue, 29 Feb 2000 12:00:00 GMT", 0, 951825600LL},  /* 2000 is a leap year */
        {"Thu, 01 Mar 1900 00:00:00 GMT", 0, -2203891200LL},
        {"Wed, 31 Dec 1969 23:59:59 GMT", 0, -1},
        {"Tue, 19 Jan 2038 03:14:08 GMT", 0, 2147483648LL},
        {"Fri, 31 Dec 9999 23:59:59 GMT", 0, 253402300799LL},
        {"Wed, 01 Mar 1600 00:00:00 GMT", 0, -11670912000LL},
        {"Mon, 01 Jan 0001 00:00:00 GMT", 0, -62135596800LL},
        {"  Sat, 13 Nov 2010 23:29:00 GMT \t", 0, 1289690940LL},     /* LWS around the value */
        {"Fri, 01 Jan 2010 16:00:00 EST", SIPREG_E_HEADER_VALUE, 0}, /* RFC 4475 baddate */
        {"Fri, 01 Jan 2010 16:00:00 UTC", SIPREG_E_HEADER_VALUE, 0},
        {"Fri, 01 Jan 2010 16:00:00 UT", SIPREG_E_HEADER_VALUE, 0},
        {"Fri, 01 Jan 2010 16:00:00 gmt", SIPREG_E_HEADER_VALUE, 0}, /* case-sensitive */
        {"fri, 01 Jan 2010 16:00:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Fri, 01 JAN 2010 16:00:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sun, 13 Nov 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0}, /* it was a Saturday */
        {"Xyz, 13 Nov 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nox 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat,13 Nov 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nov 2010  23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 3 Nov 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nov 10 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nov 2010 23:29 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Thu, 13 Nov 2010 24:00:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nov 2010 23:60:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nov 2010 23:59:60 GMT", SIPREG_E_HEADER_VALUE, 0}, /* 00:00:00 - 23:59:59 */
        {"Wed, 31 Nov 2010 00:00:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Mon, 29 Feb 2010 00:00:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Thu, 29 Feb 1900 00:00:00 GMT", SIPREG_E_HEADER_VALUE, 0}, /* 1900 is not leap */
        {"Sat, 00 Nov 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 1a Nov 2010 23:29:00 GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sat, 13 Nov 2010 23:29:0x GMT", SIPREG_E_HEADER_VALUE, 0},
        {"Sunday, 06-Nov-94 08:49:37 GMT", SIPREG_E_HEADER_VALUE, 0}, /* RFC 850 */
        {"Sun Nov  6 08:49:37 1994", SIPREG_E_HEADER_VALUE, 0},       /* asctime */
        {"Sat, 13 Nov 2010 23:29:00 GMT x", SIPREG_E_HEADER_VALUE, 0},
        {"", SIPREG_E_HEADER_VALUE, 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        int64_t e = 42;
        int r = sipreg_parse_date(view(T[i].date), &e);
        CHECK_MSG(r == T[i].err, "[%s]: %s", T[i].date, ename(r));
        if (!T[i].err)
            CHECK_MSG(e == T[i].epoch, "[%s]: %lld, expected %lld", T[i].date, (long long)e,
                      T[i].epoch);
    }
}

/* Via branch (§8.1.1.7: the topmost Via) and To/From tags (§19.3). */
static void test_branch_and_tags(void) {
    static const struct {
        const char *hdrs; /* Via rows (To/From/Call-ID/CSeq are added) */
        const char *branch;
    } B[] = {
        {"Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP g;branch=z9hG4bK2\r\n"
         "Via: SIP/2.0/UDP k;branch=z9hG4bK3\r\n",
         "z9hG4bK1"},
        {"v: SIP / 2.0 / TCP spindle.example.com ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n"
         " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n",
         "z9hG4bK9ikj8"}, /* RFC 4475 wsinv */
        {"Via: SIP/2.0/UDP [2001:db8::1]:5060;received=192.0.2.1;BRANCH=z9hG4bKv6\r\n",
         "z9hG4bKv6"},
        {"Via: SIP/2.0/UDP h:5060;rport;branch=z9hG4bK-.!%66*_+`'~\r\n", "z9hG4bK-.!%66*_+`'~"},
        {"Via: SIP/2.0/UDP iftgw.example.com\r\n", ""}, /* RFC 2543 style */
        {"Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n", ""},  /* RFC 4475 badinv01 */
        {"Via: , SIP/2.0/UDP h;branch=z9hG4bKafterempty\r\n", "z9hG4bKafterempty"},
    };
    for (size_t i = 0; i < sizeof B / sizeof B[0]; i++) {
        char buf[512];
        struct sipreg_hdr hdrs[16];
        struct sipreg_msg m;
        size_t off;
        int n = snprintf(buf, sizeof buf, RESP "%s" TO FROM CALLID CSEQ "\r\n", B[i].hdrs);
        CHECK_INT(sipreg_msg_parse(&m, buf, (size_t)n, hdrs, 16, &off), 0);
        CHECK_VIEW(sipreg_msg_via_branch(&m), B[i].branch);
    }
    static const struct {
        const char *to, *tag;
    } T[] = {
        {"<sip:a@x>;tag=abc", "abc"},
        {"<sip:a@x>", ""},
        {"sip:a@x;tag=1", "1"},
        {"sip:a@x ;   tag    = 1918181833n", "1918181833n"}, /* RFC 4475 wsinv */
        {"\"a;tag=no\" <sip:a@x;tag=no>;tag=yes", "yes"},
        {"<sip:a@x>;TAG=Up", "Up"},
        {"\"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423", "433423"},
        {"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", ""}, /* RFC 4475 baddn */
        {"\"Mr. J. User <sip:j.user@example.com>", ""},            /* RFC 4475 quotbal */
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        char buf[512];
        struct sipreg_hdr hdrs[16];
        struct sipreg_msg m;
        size_t off;
        int n = snprintf(buf, sizeof buf, RESP VIA FROM CALLID CSEQ "To: %s\r\n\r\n", T[i].to);
        CHECK_INT(sipreg_msg_parse(&m, buf, (size_t)n, hdrs, 16, &off), 0);
        CHECK_VIEW(sipreg_msg_tag(&m, SIPREG_H_TO), T[i].tag);
    }
}

/* sipreg_nameaddr_parse on To/From style values (§20.10 rules apply to To and From). */
static void test_nameaddr(void) {
    static const struct {
        const char *elem;
        int err;
        const char *display, *uri, *params;
    } T[] = {
        {"<sip:a@x>;tag=1", 0, "", "sip:a@x", ";tag=1"},
        {"sip:+16505552222@ss1.example.net;user=phone", 0, "", "sip:+16505552222@ss1.example.net",
         ";user=phone"}, /* RFC 4475 inv2543: user=phone is a header param here */
        {"\"%Z%45\" <sip:resource@example.com>", 0, "%Z%45", "sip:resource@example.com", ""},
        {"token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%="
         "\"\xd1\x80\xd0\xb0\";tag=_token~1'+`*%!-.",
         0, "token1~` token2'+_ token3*%!.-", "sip:mundane@example.com",
         ";fromParam''~+*_!.-%=\"\xd1\x80\xd0\xb0\";tag=_token~1'+`*%!-."}, /* RFC 4475 intmeth */
        {"isbn:2983792873", 0, "", "isbn:2983792873", ""},
        {"<http://www.example.com>;tag=3234233", 0, "", "http://www.example.com", ";tag=3234233"},
        {MARK "Bell, Alexander <sip:x>", SIPREG_E_URI_SCHEME, NULL, NULL, NULL},
        {"<sip:a@x>;" MARK "=1", SIPREG_E_HEADER_VALUE, NULL, NULL, NULL},
        {"<sip:a@x>;tag=" MARK "\"open", SIPREG_E_QUOTE, NULL, NULL, NULL},
    };
    static struct input in;
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        struct sipreg_nameaddr na;
        size_t off = 999;
        take(&in, T[i].elem, strlen(T[i].elem));
        struct sipreg_str e = {in.buf, in.len};
        int r = sipreg_nameaddr_parse(&na, e, &off);
        CHECK_MSG(r == T[i].err, "[%s]: %s", T[i].elem, ename(r));
        if (T[i].err) {
            CHECK_MSG(in.at >= 0 && off == (size_t)in.at, "[%s]: err_off %zu, expected %ld",
                      T[i].elem, off, in.at);
        } else if (r == 0) {
            CHECK_VIEW(na.display, T[i].display);
            CHECK_VIEW(na.uri, T[i].uri);
            CHECK_VIEW(na.params, T[i].params);
        }
    }
}

/* Inputs that crashed or misbehaved stay here as regressions. The fuzzer (tests/fuzz/fuzz_msg.c)
 * has found nothing so far; these rows are the bugs caught in review while writing msg.c. */
static void test_fuzz_regressions(void) {
    static const struct {
        const char *name;
        const char *msg;
        size_t len;
        int err;
    } T[] = {
#define R(name, lit, err) {name, lit, sizeof(lit) - 1, err}
        /* the SIP-Version search stepped before the method when the line had no SP */
        R("one-word request line", "REGISTER\r\n\r\n", SIPREG_E_START_LINE),
        R("one-word line of token bytes", "!\r\n\r\n", SIPREG_E_START_LINE),
        /* a CR as the very last byte must not be read past */
        R("CR as the last byte of the start line", "SIP/2.0 200 OK\r", SIPREG_E_INCOMPLETE),
        R("CR as the last byte of a header", RESP BASE "Subject: x\r", SIPREG_E_INCOMPLETE),
        /* the header-name scan ran past the line limit and the value scan started beyond it */
        R("name, WS, no colon, end of input", RESP BASE "Subject   ", SIPREG_E_INCOMPLETE),
        /* quoted-pair counting stops at the line start, and an even run escapes nothing */
        R("even backslash run before NUL", RESP BASE "Subject: \\\\\0\r\n\r\n", SIPREG_E_CHAR),
        R("odd backslash run before NUL", RESP BASE "Subject: \\\\\\\0\r\n\r\n", 0),
        R("backslash on the previous line does not escape",
          RESP BASE "Subject: a\\\r\n \x01\r\n\r\n", SIPREG_E_CHAR),
        /* CRLFs before the start line, then a folded nothing */
        R("CRLF then SP as the start line", "\r\n \r\n\r\n", SIPREG_E_METHOD),
        R("fold at the end, no empty line", RESP BASE "Subject: x\r\n \r\n", SIPREG_E_INCOMPLETE),
#undef R
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        struct sipreg_hdr hdrs[32];
        struct sipreg_msg m;
        size_t off;
        int r = sipreg_msg_parse(&m, T[i].msg, T[i].len, hdrs, 32, &off);
        CHECK_MSG(r == T[i].err, "%s: %s", T[i].name, ename(r));
        CHECK(off <= T[i].len);
    }
}

int main(void) {
    test_kamailio_table();
    test_kamailio_facts();
    test_parse_table();
    test_parse_fields();
    test_limits();
    test_header_ids();
    test_contact_table();
    test_q_and_expires();
    test_iterator();
    test_delta();
    test_retry_after();
    test_date();
    test_branch_and_tags();
    test_nameaddr();
    test_fuzz_regressions();
    return check_done("msg");
}
