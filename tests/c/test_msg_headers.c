/* test_msg_headers.c — the header accessors but To/From (test_msg_party.c): Contact (RFC 3261
 * §20.10, RFC 5626 §10, RFC 5627) through one table, q and expires, the comma-separated element
 * iterator (§7.3.1), Expires / Min-Expires / Flow-Timer (delta-seconds), Retry-After, Date
 * (rfc1123-date) and the topmost Via's branch. A "§" in a table input marks where err_off must
 * point: it is removed from the input before parsing, and its position is the expected offset. */
#include "test_msg.h"

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

/* Via branch (§8.1.1.7: the topmost Via). */
static void test_branch(void) {
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
}

int main(void) {
    test_contact_table();
    test_q_and_expires();
    test_iterator();
    test_delta();
    test_retry_after();
    test_date();
    test_branch();
    return check_done("msg_headers");
}
