/* test_msg_party.c — To and From (RFC 3261 §20.20, §20.39, §25.1 name-addr / addr-spec): their
 * tags, sipreg_nameaddr_parse, the errors sipreg_msg_parse reports for a malformed one (RFC 4475
 * §3.1.2.6), their objects in the parse view, and a registration answered with an odd To. A "§"
 * in a table input marks where err_off must point: it is removed from the input before parsing,
 * and its position is the expected offset. */
#include "test_msg.h"

/* To/From tags (§19.3): the header parameter, never the URI's. */
static void test_tags(void) {
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
        {"\"a\\\"b\" <sip:x@y>;tag=1", "1"},
        {"<sip:x@y;tag=uri-param>;tag=header", "header"},
        {"<sip:a@x>;tag", ""},
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

/* To / From in sipreg_msg_parse (§20.20, §20.39, §25.1): a malformed one makes the message an
 * error, at the "§" (RFC 4475 §3.1.2.6: an unterminated quoted display name is invalid, and the
 * parser does not guess where it ends). Each row is the To value (From stays valid) and then
 * the From value (To stays valid). */
static void test_party_errors(void) {
    static const struct {
        const char *value;
        int err;
    } T[] = {
        {MARK "\"Mr. J. User <sip:j.user@example.com>", SIPREG_E_QUOTE}, /* RFC 4475 quotbal */
        {MARK "\"unterminated \\\" <sip:a@x>", SIPREG_E_QUOTE}, /* the last quote is escaped */
        {"\"Alice\" " MARK "<sip:a@x", SIPREG_E_QUOTE},         /* no '>' */
        {MARK "<sip:a@x;tag=1", SIPREG_E_QUOTE},
        {"\"Alice\"" MARK, SIPREG_E_HEADER_VALUE},            /* display name, no URI */
        {"\"Alice\" " MARK "sip:a@x", SIPREG_E_HEADER_VALUE}, /* a quoted name needs <...> */
        {"<" MARK ">;tag=1", SIPREG_E_URI_SCHEME},            /* empty URI */
        {MARK "Alice", SIPREG_E_URI_SCHEME},                  /* a name alone is no addr-spec */
        {MARK ";tag=1", SIPREG_E_URI_SCHEME},
        /* RFC 4475 §3.1.2.15 baddn as rendered in §3 (the Appendix A copy stops short) */
        {MARK "Bell, Alexander <sip:a.g.bell@example.com>;tag=43", SIPREG_E_URI_SCHEME},
        {"<sip:a@x>;" MARK ";tag=1", SIPREG_E_HEADER_VALUE}, /* empty parameter */
        {"<sip:a@x>;tag=" MARK "\"open", SIPREG_E_QUOTE},
        {"<sip:a@x>" MARK ", <sip:b@y>", SIPREG_E_HEADER_VALUE}, /* single-valued */
        {"sip:a@x" MARK "?subject=hi", SIPREG_E_HEADER_VALUE},   /* '?' needs <...> (§20.10) */
    };
    static struct input in;
    for (size_t i = 0; i < 2 * (sizeof T / sizeof T[0]); i++) {
        char raw[512];
        const int to = i % 2 == 0;
        const char *v = T[i / 2].value;
        snprintf(raw, sizeof raw, RESP VIA CALLID CSEQ "%s%s\r\n\r\n",
                 to ? "From: <sip:alice@example.com>;tag=1\r\nTo: " : "To: <sip:b@y>\r\nFrom: ", v);
        take(&in, raw, strlen(raw));
        struct sipreg_hdr hdrs[16];
        struct sipreg_msg m;
        size_t off = 999;
        int r = sipreg_msg_parse(&m, in.buf, in.len, hdrs, 16, &off);
        CHECK_MSG(r == T[i / 2].err, "%s [%s]: %s", to ? "To" : "From", v, ename(r));
        CHECK_MSG(in.at >= 0 && off == (size_t)in.at, "%s [%s]: err_off %zu, expected %ld",
                  to ? "To" : "From", v, off, in.at);
        /* the view says the same: ok false, the error's name and offset */
        char json[1024], want[160];
        int n = sipreg_parse_json(in.buf, in.len, json, sizeof json);
        CHECK(n > 0 && (size_t)n < sizeof json);
        json[n > 0 ? n : 0] = 0;
        snprintf(want, sizeof want, "{\"ok\":false,\"error\":\"%s\",\"offset\":%ld,", ename(r),
                 in.at);
        CHECK_MSG(!strncmp(json, want, strlen(want)), "[%s]: %s", v, json);
    }
}

/* The RFC 4475 torture message with a malformed To (the Appendix A bytes): refused at To's
 * opening quote. */
static void test_party_rfc4475(void) {
    size_t len = 0;
    char *buf = check_read_file("tests/vectors/rfc4475/quotbal.sip", &len);
    CHECK(buf != NULL);
    if (!buf) return;
    struct sipreg_hdr hdrs[32];
    struct sipreg_msg m;
    size_t off = 0;
    CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, 32, &off), SIPREG_E_QUOTE);
    const char *to = strstr(buf, "\nTo: ");
    CHECK(to != NULL && off == (size_t)(to + 5 - buf) && buf[off] == '"');
    free(buf);
}

/* The "to" and "from" objects of the parse view: {uri, display, tag, params}. The display name
 * keeps its quoted-pairs as written (§25.1, as a Contact's), the URI keeps its own parameters, and
 * params are the header parameters but tag (§20.10: in addr-spec form every ';' after the URI
 * starts a header parameter). */
static void test_party_view(void) {
    static const struct {
        const char *to, *json;
    } T[] = {
        {"\"a\\\"b\" <sip:x@y>;tag=1",
         "{\"uri\":\"sip:x@y\",\"display\":\"a\\\\\\\"b\",\"tag\":\"1\",\"params\":{}}"},
        {"sip:x@y;tag=2", "{\"uri\":\"sip:x@y\",\"display\":null,\"tag\":\"2\",\"params\":{}}"},
        {"<sip:x@y;tag=uri-param>;tag=header",
         "{\"uri\":\"sip:x@y;tag=uri-param\",\"display\":null,\"tag\":\"header\",\"params\":{}}"},
        {"Bob Smith <sips:bob@b.example;transport=tcp> ; TAG = z9 ;x=\"q;v\";lr",
         "{\"uri\":\"sips:bob@b.example;transport=tcp\",\"display\":\"Bob Smith\",\"tag\":\"z9\","
         "\"params\":{\"x\":\"q;v\",\"lr\":true}}"},
        {"<sip:x@y>", "{\"uri\":\"sip:x@y\",\"display\":null,\"tag\":null,\"params\":{}}"},
        {"\"\" <sip:x@y>;tag=",
         "{\"uri\":\"sip:x@y\",\"display\":null,\"tag\":\"\",\"params\":{}}"},
        {"< sip:x@y >", "{\"uri\":\"sip:x@y\",\"display\":null,\"tag\":null,\"params\":{}}"},
        {"isbn:2983792873", "{\"uri\":\"isbn:2983792873\",\"display\":null,\"tag\":null,"
                            "\"params\":{}}"}, /* RFC 4475 §3.3.4 unksm2 */
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        char msg[512], json[2048], want[512];
        int n = snprintf(msg, sizeof msg, RESP VIA FROM CALLID CSEQ "To: %s\r\n\r\n", T[i].to);
        int j = sipreg_parse_json(msg, (size_t)n, json, sizeof json - 1);
        CHECK(j > 0);
        json[j > 0 ? j : 0] = 0;
        snprintf(want, sizeof want, ",\"to\":%s,", T[i].json);
        CHECK_MSG(strstr(json, want) != NULL, "[%s]: %s", T[i].to, json);
        CHECK_MSG(strstr(json, "\"from\":{\"uri\":\"sip:alice@example.com\",\"display\":null,"
                               "\"tag\":\"1928301774\",\"params\":{}},\"to\":") != NULL,
                  "[%s]: %s", T[i].to, json);
    }
}

/* The registration core takes a 2xx whose To is odd but valid (a tag in the URI and in the
 * header, an escaped quote in the display name, extra parameters) and drops one whose To is
 * malformed (§8.1.3.1 leaves the UAC nothing to match a broken response with; RFC 4475
 * §3.1.2.6). Responses match on Via branch, Call-ID and CSeq (§17.1.3), never on To. */
static void test_party_registration(void) {
    static const struct {
        const char *to;
        int recv, registered;
    } T[] = {
        {"\"Alice \\\"A\\\" Tester\" <sip:alice@example.test;tag=u>;tag=srv;x=1", 0, 1},
        {"sip:alice@example.test;tag=srv", 0, 1},
        {"\"Alice <sip:alice@example.test>;tag=srv", SIPREG_E_QUOTE, 0},
        {"<sip:alice@example.test;tag=srv", SIPREG_E_QUOTE, 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        static char req[SIPREG_MAX_MESSAGE];
        char via[512], cid[64], cseq[64], contact[256], resp[2048];
        struct sipreg_config c;
        struct sipreg *r = NULL;
        sipreg_config_init(&c);
        c.aor = "sip:alice@example.test";
        c.seed[0] = (uint8_t)(i + 1);
        CHECK_INT(sipreg_new(&r, &c), 0);
        if (!r) continue;
        sipreg_transport(r, 1, 0);
        sipreg_register(r, 0);
        int n = sipreg_poll_send(r, req, sizeof req - 1);
        req[n > 0 ? n : 0] = 0;
        check_header(req, "Via", via, sizeof via);
        check_header(req, "Call-ID", cid, sizeof cid);
        check_header(req, "CSeq", cseq, sizeof cseq);
        check_header(req, "Contact", contact, sizeof contact);
        n = snprintf(resp, sizeof resp,
                     "SIP/2.0 200 OK\r\nVia: %s\r\nFrom: <sip:alice@example.test>;tag=a\r\n"
                     "To: %s\r\nCall-ID: %s\r\nCSeq: %s\r\nContact: %s;expires=600\r\n"
                     "Content-Length: 0\r\n\r\n",
                     via, T[i].to, cid, cseq, contact);
        CHECK_MSG(sipreg_recv(r, resp, (size_t)n, 10) == T[i].recv, "[%s]", T[i].to);
        CHECK_MSG((sipreg_state(r) == SIPREG_ST_REGISTERED) == T[i].registered, "[%s]", T[i].to);
        sipreg_free(r);
    }
}

int main(void) {
    test_tags();
    test_nameaddr();
    test_party_errors();
    test_party_rfc4475();
    test_party_view();
    test_party_registration();
    return check_done("msg_party");
}
