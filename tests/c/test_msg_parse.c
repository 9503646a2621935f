/* test_msg_parse.c — sipreg_msg_parse (RFC 3261 §7, §7.3.1, §7.5, §18.3, §25.1): one table of
 * accepted and refused messages, the views it fills, its limits, header names to ids, and the
 * fuzz regressions. In the tables a "§" marks where err_off must point: it is removed from the
 * input before parsing, and its position is the expected offset. */
#include "test_msg.h"

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
    test_parse_table();
    test_parse_fields();
    test_limits();
    test_header_ids();
    test_fuzz_regressions();
    return check_done("msg_parse");
}
