/* test_digest_auth.c — WWW-Authenticate / Proxy-Authenticate challenge parsing (RFC 3261 §25.1,
 * RFC 7616 §3.3, RFC 7235 §2.1), picking (RFC 8760 §2.4) and Authorization composition
 * (RFC 7616 §3.4). Messages are built by hand: no dependency on the message parser. */
#include "check.h"
#include "hash.h"
#include "sipreg.h"

#define S(lit) sipreg__str((lit), sizeof(lit) - 1)
#define WWW SIPREG_H_WWW_AUTHENTICATE
#define PRX SIPREG_H_PROXY_AUTHENTICATE
#define MAXH 4

/* Header list of a hand-built message. */
struct hdrs {
    int id[MAXH];
    const char *value[MAXH];
};

/* Build a response message over up to MAXH headers (stops at the first NULL value). */
static void build(struct sipreg_msg *m, struct sipreg_hdr *h, const struct hdrs *in) {
    memset(m, 0, sizeof *m);
    m->type = SIPREG_RESPONSE;
    m->status = 401;
    m->hdrs = h;
    for (size_t i = 0; i < MAXH && in->value[i]; i++) {
        h[i].id = in->id[i];
        h[i].name = S("X");
        h[i].value = sipreg__cstr(in->value[i]);
        m->nhdrs = i + 1;
    }
}

/* Expected challenge; NULL strings mean "absent" (view p == NULL). */
struct exp {
    const char *scheme, *realm, *nonce, *opaque, *algorithm, *qop;
    int alg;
    unsigned qop_mask;
    int stale, userhash, proxy;
};

/* One parsing case: the challenges in order, or an error at a step. */
struct pcase {
    const char *name;
    struct hdrs h;
    struct exp ex[6];
    int nex;
    int err;       /* 0, or the error returned after the nex challenges */
    size_t hdr;    /* header index the error is in */
    size_t off;    /* err_off */
    int after_err; /* challenges still returned after the error */
};

#define MD5 SIPREG_ALG_MD5
#define A SIPREG_QOP_AUTH
#define AI SIPREG_QOP_AUTH_INT
#define KAM                                                                                        \
    "Digest realm=\"example.test\", nonce=\"awSouGsEp4xR+5RGA4spxvizoBb3vgpo\", "                  \
    "qop=\"auth\", algorithm=MD5"

static const struct pcase PC[] = {
    {"kamailio",
     {{WWW}, {KAM}},
     {{"Digest", "example.test", "awSouGsEp4xR+5RGA4spxvizoBb3vgpo", NULL, "MD5", "auth", MD5, A, 0,
       0, 0}},
     1,
     0,
     0,
     0,
     0},
    {"rfc7616 folded, two headers",
     {{WWW, WWW},
      {"Digest\r\n    realm=\"http-auth@example.org\",\r\n    qop=\"auth, auth-int\",\r\n"
       "    algorithm=SHA-256,\r\n    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
       "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
       "Digest\r\n\trealm=\"http-auth@example.org\",\r\n\tqop=\"auth, auth-int\",\r\n\t"
       "algorithm=MD5,\r\n\tnonce=\"7ypf\",\r\n\topaque=\"FQhe\""}},
     {{"Digest", "http-auth@example.org", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
       "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", "SHA-256", "auth, auth-int",
       SIPREG_ALG_SHA256, A | AI, 0, 0, 0},
      {"Digest", "http-auth@example.org", "7ypf", "FQhe", "MD5", "auth, auth-int", MD5, A | AI, 0,
       0, 0}},
     2,
     0,
     0,
     0,
     0},
    {"several in one header",
     {{WWW},
      {"Digest realm=\"a\", nonce=\"1\", Digest realm=\"a\", nonce=\"2\", "
       "algorithm=SHA-256"}},
     {{"Digest", "a", "1", NULL, NULL, NULL, MD5, 0, 0, 0, 0},
      {"Digest", "a", "2", NULL, "SHA-256", NULL, SIPREG_ALG_SHA256, 0, 0, 0, 0}},
     2,
     0,
     0,
     0,
     0},
    {"mixed WWW / other / Proxy",
     {{PRX, SIPREG_H_VIA, WWW},
      {"Digest realm=\"p\", nonce=\"x\", qop=\"auth-int\", stale=TRUE",
       "Digest realm=\"via-is-not-a-challenge\"", "Digest realm=\"w\", nonce=\"y\", stale=false"}},
     {{"Digest", "p", "x", NULL, NULL, "auth-int", MD5, AI, 1, 0, 1},
      {"Digest", "w", "y", NULL, NULL, NULL, MD5, 0, 0, 0, 0}},
     2,
     0,
     0,
     0,
     0},
    {"unquoted values, spaces around =",
     {{WWW},
      {"Digest realm = example.test ,nonce= abc/+= , algorithm=md5-SESS,qop=auth, "
       "stale=\"true\""}},
     {{"Digest", "example.test", "abc/+=", NULL, "md5-SESS", "auth", SIPREG_ALG_MD5_SESS, A, 1, 0,
       0}},
     1,
     0,
     0,
     0,
     0},
    {"qop list with unknown tokens; userhash; ignored params",
     {{WWW},
      {"Digest realm=\"r\", domain=\"sip:a sip:b\", nonce=\"n\", qop=\"auth-conf,auth-int "
       ",AUTH\", charset=UTF-8, userhash=true, x-ext=\"y\""}},
     {{"Digest", "r", "n", NULL, NULL, "auth-conf,auth-int ,AUTH", MD5, A | AI, 0, 1, 0}},
     1,
     0,
     0,
     0,
     0},
    {"qop with nothing we support",
     {{WWW}, {"Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf\""}},
     {{"Digest", "r", "n", NULL, NULL, "auth-conf", MD5, 0, 0, 0, 0}},
     1,
     0,
     0,
     0,
     0},
    {"unknown algorithm",
     {{WWW}, {"Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1, qop=\"auth\""}},
     {{"Digest", "r", "n", NULL, "SHA-1", "auth", SIPREG_ALG_UNKNOWN, A, 0, 0, 0}},
     1,
     0,
     0,
     0,
     0},
    {"Bearer, Negotiate token68, bare scheme",
     {{WWW},
      {"Bearer realm=\"b\", scope=\"reg\", Negotiate abc==, Basic dXNlcjpwYXNz, NTLM, "
       "Digest realm=\"d\",nonce=\"n\""}},
     {{"Bearer", "b", NULL, NULL, NULL, NULL, SIPREG_ALG_UNKNOWN, 0, 0, 0, 0},
      {"Negotiate", NULL, NULL, NULL, NULL, NULL, SIPREG_ALG_UNKNOWN, 0, 0, 0, 0},
      {"Basic", NULL, NULL, NULL, NULL, NULL, SIPREG_ALG_UNKNOWN, 0, 0, 0, 0},
      {"NTLM", NULL, NULL, NULL, NULL, NULL, SIPREG_ALG_UNKNOWN, 0, 0, 0, 0},
      {"Digest", "d", "n", NULL, NULL, NULL, MD5, 0, 0, 0, 0}},
     5,
     0,
     0,
     0,
     0},
    {"quoted-pair kept in views",
     {{WWW}, {"Digest realm=\"a\\\"b\\\\c\", nonce=\"n\\,\", opaque=\"\""}},
     {{"Digest", "a\\\"b\\\\c", "n\\,", "", NULL, NULL, MD5, 0, 0, 0, 0}},
     1,
     0,
     0,
     0,
     0},
    {"empty elements and trailing comma",
     {{WWW, WWW}, {" , ,", ", Digest realm=\"a\", nonce=\"b\",  , "}},
     {{"Digest", "a", "b", NULL, NULL, NULL, MD5, 0, 0, 0, 0}},
     1,
     0,
     0,
     0,
     0},
    {"unterminated quote",
     {{WWW}, {"Digest realm=\"abc, nonce=\"1"}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     26,
     0},
    {"unterminated quote at end",
     {{WWW}, {"Digest realm=\"a\", nonce=\"xyz"}},
     {{0}},
     0,
     SIPREG_E_QUOTE,
     0,
     24,
     0},
    {"missing comma",
     {{WWW}, {"Digest realm=\"a\" nonce=\"b\""}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     17,
     0},
    {"no scheme", {{WWW}, {"realm=\"a\""}}, {{0}}, 0, SIPREG_E_HEADER_VALUE, 0, 5, 0},
    {"scheme not a token",
     {{WWW}, {"\"Digest\" realm=\"a\""}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     0,
     0},
    {"duplicate realm",
     {{WWW}, {"Digest realm=\"a\", realm=\"b\", nonce=\"c\""}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     18,
     0},
    {"bad parameter name",
     {{WWW}, {"Digest re@lm=\"a\""}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     9,
     0},
    {"control byte in a value",
     {{WWW},
      {"Digest realm=a\x01"
       "b"}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     14,
     0},
    {"quote inside an unquoted value",
     {{WWW}, {"Digest realm=a\"b\""}},
     {{0}},
     0,
     SIPREG_E_HEADER_VALUE,
     0,
     14,
     0},
    {"error, then the next header",
     {{WWW, PRX}, {"Digest realm=\"a\", Digest nonce=\"x", "Digest realm=\"p\", nonce=\"q\""}},
     {{"Digest", "a", NULL, NULL, NULL, NULL, MD5, 0, 0, 0, 0},
      {"Digest", "p", "q", NULL, NULL, NULL, MD5, 0, 0, 0, 1}},
     1,
     SIPREG_E_QUOTE,
     0,
     31,
     1},
};

/* Compare a view with an expectation where NULL means absent. */
static int view_is(struct sipreg_str v, const char *e) {
    if (!e) return v.p == NULL;
    return v.p != NULL && v.len == strlen(e) && memcmp(v.p, e, v.len) == 0;
}

/* Check one returned challenge against its expectation. */
static void check_exp(const char *name, int k, const struct sipreg_challenge *c,
                      const struct exp *e) {
    CHECK_MSG(view_is(c->scheme, e->scheme), "%s #%d scheme %.*s", name, k, (int)c->scheme.len,
              c->scheme.p);
    CHECK_MSG(view_is(c->realm, e->realm), "%s #%d realm %.*s", name, k, (int)c->realm.len,
              c->realm.p ? c->realm.p : "(null)");
    CHECK_MSG(view_is(c->nonce, e->nonce), "%s #%d nonce", name, k);
    CHECK_MSG(view_is(c->opaque, e->opaque), "%s #%d opaque", name, k);
    CHECK_MSG(view_is(c->algorithm, e->algorithm), "%s #%d algorithm", name, k);
    CHECK_MSG(view_is(c->qop, e->qop), "%s #%d qop", name, k);
    CHECK_MSG(c->alg == e->alg && c->qop_mask == e->qop_mask && c->stale == e->stale &&
                  c->userhash == e->userhash && c->proxy == e->proxy,
              "%s #%d alg %d qop %u stale %d userhash %d proxy %d", name, k, c->alg, c->qop_mask,
              c->stale, c->userhash, c->proxy);
}

/* Table of parsing cases. */
static void test_challenges(void) {
    for (size_t i = 0; i < sizeof PC / sizeof PC[0]; i++) {
        const struct pcase *t = &PC[i];
        struct sipreg_msg m;
        struct sipreg_hdr h[MAXH];
        struct sipreg_iter it;
        struct sipreg_challenge c;
        size_t off = 999;
        build(&m, h, &t->h);
        sipreg_challenge_iter_init(&it, &m);
        CHECK_INT(it.id, -1);
        int k = 0, r;
        for (; k < t->nex; k++) {
            r = sipreg_challenge_next(&it, &c, &off);
            CHECK_MSG(r == 1, "%s: challenge %d returned %d (off %zu)", t->name, k, r, off);
            if (r != 1) break;
            check_exp(t->name, k, &c, &t->ex[k]);
        }
        r = sipreg_challenge_next(&it, &c, &off);
        CHECK_MSG(r == t->err, "%s: end returned %d, expected %d", t->name, r, t->err);
        if (t->err) {
            CHECK_MSG(it.hdr == t->hdr && off == t->off, "%s: error in header %zu at %zu", t->name,
                      it.hdr, off);
            CHECK(off <= h[it.hdr].value.len);
            for (int a = 0; a < t->after_err; a++) {
                CHECK_INT(sipreg_challenge_next(&it, &c, &off), 1);
                check_exp(t->name, t->nex + a, &c, &t->ex[t->nex + a]);
            }
            CHECK_INT(sipreg_challenge_next(&it, &c, &off), 0);
        }
        CHECK_INT(sipreg_challenge_next(&it, &c, &off), 0); /* stays at the end */
    }
    struct sipreg_iter it;
    struct sipreg_challenge c;
    memset(&it, 0, sizeof it);
    it.id = WWW; /* an element iterator is not a challenge iterator */
    CHECK_INT(sipreg_challenge_next(&it, &c, NULL), SIPREG_E_INVAL);
    struct sipreg_msg empty;
    memset(&empty, 0, sizeof empty);
    sipreg_challenge_iter_init(&it, &empty);
    CHECK_INT(sipreg_challenge_next(&it, &c, NULL), 0);
}

/* One pick case: headers, which kind, and the realm + algorithm expected (NULL: none). */
struct kcase {
    const char *name;
    struct hdrs h;
    int proxy;
    int ret;
    const char *realm;
    int alg;
};

#define W2(a, b)                                                                                   \
    {                                                                                              \
        {WWW, WWW}, { a, b }                                                                       \
    }
#define DG(r, extra) "Digest realm=\"" r "\", nonce=\"n\"" extra

static const struct kcase KC[] = {
    {"rfc7616 order: SHA-256 first",
     W2(DG("r", ", algorithm=SHA-256, qop=\"auth, auth-int\""),
        DG("r", ", algorithm=MD5, qop=\"auth, auth-int\"")),
     0, 1, "r", SIPREG_ALG_SHA256},
    {"strongest wins over topmost",
     W2(DG("r", ", algorithm=MD5, qop=\"auth\""), DG("r", ", algorithm=SHA-256, qop=\"auth\"")), 0,
     1, "r", SIPREG_ALG_SHA256},
    {"SHA-512-256 over SHA-256-sess",
     {{WWW, WWW, WWW},
      {DG("a", ", algorithm=SHA-256-sess, qop=\"auth\""),
       DG("b", ", algorithm=SHA-512-256, qop=\"auth\""), DG("c", ", qop=\"auth\"")}},
     0,
     1,
     "b",
     SIPREG_ALG_SHA512_256},
    {"plain over -sess of the same hash",
     W2(DG("s", ", algorithm=SHA-256-sess, qop=\"auth\""),
        DG("p", ", algorithm=SHA-256, qop=auth")),
     0, 1, "p", SIPREG_ALG_SHA256},
    {"tie: topmost realm", W2(DG("first", ", qop=\"auth\""), DG("second", ", qop=\"auth\"")), 0, 1,
     "first", MD5},
    {"Bearer only", {{WWW}, {"Bearer realm=\"r\", nonce=\"n\""}}, 0, 0, NULL, 0},
    {"Bearer skipped", {{WWW}, {"Bearer realm=\"b\", " DG("d", "")}}, 0, 1, "d", MD5},
    {"unknown algorithm only",
     {{WWW}, {DG("r", ", algorithm=SHA-1, qop=\"auth\"")}},
     0,
     0,
     NULL,
     0},
    {"unsupported qop only", {{WWW}, {DG("r", ", qop=\"auth-conf\"")}}, 0, 0, NULL, 0},
    {"auth-int only", {{WWW}, {DG("r", ", qop=\"auth-int\"")}}, 0, 1, "r", MD5},
    {"MD5-sess without qop", {{WWW}, {DG("r", ", algorithm=MD5-sess")}}, 0, 0, NULL, 0},
    {"MD5 without qop (RFC 2069)", {{WWW}, {DG("r", "")}}, 0, 1, "r", MD5},
    {"missing nonce", {{WWW}, {"Digest realm=\"r\", qop=\"auth\""}}, 0, 0, NULL, 0},
    {"missing realm", {{WWW}, {"Digest nonce=\"n\", qop=\"auth\""}}, 0, 0, NULL, 0},
    {"proxy 0 takes WWW",
     {{PRX, WWW}, {DG("p", ", algorithm=SHA-256"), DG("w", "")}},
     0,
     1,
     "w",
     MD5},
    {"proxy 1 takes Proxy",
     {{PRX, WWW}, {DG("p", ", algorithm=SHA-256"), DG("w", "")}},
     1,
     1,
     "p",
     SIPREG_ALG_SHA256},
    {"proxy -1 takes either",
     {{WWW, PRX}, {DG("w", ""), DG("p", ", algorithm=SHA-256")}},
     -1,
     1,
     "p",
     SIPREG_ALG_SHA256},
    {"no Proxy-Authenticate", {{WWW}, {DG("w", "")}}, 1, 0, NULL, 0},
    {"malformed WWW", W2(DG("w", ""), "Digest realm=\"x"), 0, SIPREG_E_QUOTE, NULL, 0},
    {"malformed Proxy ignored for WWW",
     {{PRX, WWW}, {"Digest realm=\"x", DG("w", "")}},
     0,
     1,
     "w",
     MD5},
};

/* Table of pick cases. */
static void test_pick(void) {
    for (size_t i = 0; i < sizeof KC / sizeof KC[0]; i++) {
        struct sipreg_msg m;
        struct sipreg_hdr h[MAXH];
        struct sipreg_challenge c;
        memset(&c, 0, sizeof c);
        build(&m, h, &KC[i].h);
        int r = sipreg_challenge_pick(&m, KC[i].proxy, &c);
        CHECK_MSG(r == KC[i].ret, "%s: pick returned %d", KC[i].name, r);
        if (r == 1)
            CHECK_MSG(view_is(c.realm, KC[i].realm) && c.alg == KC[i].alg, "%s: got %.*s alg %d",
                      KC[i].name, (int)c.realm.len, c.realm.p, c.alg);
    }
    struct sipreg_challenge c;
    CHECK_INT(sipreg_challenge_pick(NULL, 0, &c), SIPREG_E_INVAL);
}

/* Pick the first WWW-Authenticate challenge of a single header value. */
static int pick1(const char *value, struct sipreg_challenge *c, struct sipreg_msg *m,
                 struct sipreg_hdr *h) {
    struct hdrs hh = {{WWW}, {value}};
    build(m, h, &hh);
    return sipreg_challenge_pick(m, 0, c);
}

/* One compose case: challenge, caller's qop, and the exact credentials. */
struct ccase {
    const char *chal;
    const char *user, *uri, *cnonce;
    unsigned qop;
    uint32_t nc;
    const char *expect;
};

#define RN "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RC "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define RO "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
#define UN "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK"
#define UC "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v"
#define UO "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS"

static const struct ccase CC[] = {
    /* RFC 7616 §3.9.1 (password "Circle of Life") */
    {"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"" RN
     "\", opaque=\"" RO "\"",
     "Mufasa", "/dir/index.html", RC, 0, 1,
     "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", nonce=\"" RN "\", "
     "uri=\"/dir/index.html\", response=\"8ca523f5e9506fed4657c9700eebdbec\", algorithm=MD5, "
     "cnonce=\"" RC "\", opaque=\"" RO "\", qop=auth, nc=00000001"},
    {"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
     "nonce=\"" RN "\", opaque=\"" RO "\"",
     "Mufasa", "/dir/index.html", RC, SIPREG_QOP_AUTH, 1,
     "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", nonce=\"" RN "\", "
     "uri=\"/dir/index.html\", response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5"
     "856cb6c1\", algorithm=SHA-256, cnonce=\"" RC "\", opaque=\"" RO "\", qop=auth, nc=00000001"},
    /* RFC 7616 §3.9.2 userhash (password "Secret, or not?"), corrected values of erratum 4897 */
    {"Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, nonce=\"" UN
     "\", opaque=\"" UO "\", charset=UTF-8, userhash=true",
     "J\xc3\xa4s\xc3\xb8n Doe", "/doe.json", UC, 0, 1,
     "Digest username=\"793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b\", "
     "realm=\"api@example.org\", nonce=\"" UN "\", uri=\"/doe.json\", response=\"3798d4131c27784629"
     "3534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5\", algorithm=SHA-512-256, cnonce=\"" UC "\", "
     "opaque=\"" UO "\", qop=auth, nc=00000001, userhash=true"},
    /* Kamailio lab, digest without qop (10-auth-variants.txt): no cnonce, qop or nc */
    {"Digest realm=\"example.test\", nonce=\"awSou2sEp4++tid9QUu8oNjxpKavjTz/\"", "erin",
     "sip:example.test", "ignored", 0, 7,
     "Digest username=\"erin\", realm=\"example.test\", "
     "nonce=\"awSou2sEp4++tid9QUu8oNjxpKavjTz/\", "
     "uri=\"sip:example.test\", response=\"4b7c89d32510bfb1e6434c5891c87970\", algorithm=MD5"},
    /* nc 0x1f as 8 lowercase hex digits; algorithm echoed as written */
    {"Digest realm=\"example.test\", nonce=\"n0nce/+=\", qop=\"auth\", algorithm=md5", "alice",
     "sip:example.test", "c0ffee", 0, 0x1f,
     "Digest username=\"alice\", realm=\"example.test\", nonce=\"n0nce/+=\", "
     "uri=\"sip:example.test\""
     ", response=\"85a16c375df4d41338274a79e2dead4a\", algorithm=md5, cnonce=\"c0ffee\", qop=auth, "
     "nc=0000001f"},
    /* auth-int when asked for and offered (empty body: H(""), RFC 8760 §2.6 item 7) */
    {"Digest realm=\"example.test\", nonce=\"n0nce/+=\", qop=\"auth,auth-int\", algorithm=SHA-256",
     "alice", "sip:example.test", "c0ffee", SIPREG_QOP_AUTH_INT, 1,
     "Digest username=\"alice\", realm=\"example.test\", nonce=\"n0nce/+=\", "
     "uri=\"sip:example.test\""
     ", response=\"b40299dc13cc8a5e88bed1b1522a2626ac307b86e7ae0a134fb2a0952c4a71c2\", "
     "algorithm=SHA-256, cnonce=\"c0ffee\", qop=auth-int, nc=00000001"},
    /* auth-int asked for, only auth offered: auth */
    {"Digest realm=\"example.test\", nonce=\"n0nce/+=\", qop=\"auth\", algorithm=MD5-sess", "alice",
     "sip:example.test", "c0ffee", SIPREG_QOP_AUTH_INT, 0x1f,
     "Digest username=\"alice\", realm=\"example.test\", nonce=\"n0nce/+=\", "
     "uri=\"sip:example.test\""
     ", response=\"b55c7a9514e35c22d0f28b2a7d25f9e8\", algorithm=MD5-sess, cnonce=\"c0ffee\", "
     "qop=auth, nc=0000001f"},
    /* escaping: username and realm with '"' and '\'; empty opaque echoed */
    {"Digest realm=\"x\\\"y\", nonce=\"n\", qop=\"auth\", opaque=\"\"", "a\"b\\c", "sip:x", "c", 0,
     1,
     "Digest username=\"a\\\"b\\\\c\", realm=\"x\\\"y\", nonce=\"n\", uri=\"sip:x\", "
     "response=\"5c77734c8df13411d41069a730834ff3\", algorithm=MD5, cnonce=\"c\", opaque=\"\", "
     "qop=auth, nc=00000001"},
};

/* Password of a compose case. */
static const char *cpass(const struct ccase *c) {
    if (strcmp(c->user, "Mufasa") == 0) return "Circle of Life";
    if (strncmp(c->user, "J\xc3\xa4", 3) == 0) return "Secret, or not?";
    if (strcmp(c->user, "a\"b\\c") == 0) return "pw";
    return "secret";
}

/* Composition: exact strings, buffer edges, and refusals. */
static void test_compose(void) {
    struct sipreg_msg m;
    struct sipreg_hdr h[MAXH];
    struct sipreg_challenge c;
    struct sipreg_digest_input in;
    char out[600];
    for (size_t i = 0; i < sizeof CC / sizeof CC[0]; i++) {
        CHECK_INT(pick1(CC[i].chal, &c, &m, h), 1);
        memset(&in, 0, sizeof in);
        in.username = sipreg__cstr(CC[i].user);
        in.password = sipreg__cstr(cpass(&CC[i]));
        in.method = strncmp(CC[i].uri, "sip:", 4) == 0 ? S("REGISTER") : S("GET");
        in.uri = sipreg__cstr(CC[i].uri);
        in.cnonce = sipreg__cstr(CC[i].cnonce);
        in.qop = CC[i].qop;
        in.nc = CC[i].nc;
        int n = sipreg_compose_authorization(&c, &in, out, sizeof out);
        CHECK_MSG(n == (int)strlen(CC[i].expect) && strcmp(out, CC[i].expect) == 0,
                  "case %zu: %d %s\n   expected %s", i, n, out, CC[i].expect);
        /* every shorter buffer: SIPREG_E_BUFFER; exact fit: no NUL; one more: NUL */
        int edges_ok = 1;
        for (int cap = 0; cap < n; cap++) {
            char small[600];
            edges_ok &=
                sipreg_compose_authorization(&c, &in, small, (size_t)cap) == SIPREG_E_BUFFER;
        }
        CHECK(edges_ok);
        memset(out, 'X', sizeof out);
        CHECK_INT(sipreg_compose_authorization(&c, &in, out, (size_t)n), n);
        CHECK(out[n] == 'X');
        CHECK_INT(sipreg_compose_authorization(&c, &in, out, (size_t)n + 1), n);
        CHECK(out[n] == '\0');
    }
    CHECK_INT(sipreg_compose_authorization(&c, &in, NULL, 0), SIPREG_E_BUFFER);

    /* refusals */
    memset(&in, 0, sizeof in);
    in.username = S("alice");
    in.password = S("secret");
    in.method = S("REGISTER");
    in.uri = S("sip:example.test");
    in.cnonce = S("abc");
    in.nc = 1;
    CHECK_INT(pick1("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"", &c, &m, h), 1);
    CHECK(sipreg_compose_authorization(&c, &in, out, sizeof out) > 0);
    in.uri = S("sip:a b");
    CHECK_INT(sipreg_compose_authorization(&c, &in, out, sizeof out), SIPREG_E_INVAL);
    in.uri = S("");
    CHECK_INT(sipreg_compose_authorization(&c, &in, out, sizeof out), SIPREG_E_INVAL);
    in.uri = S("sip:example.test");
    in.cnonce = S("");
    CHECK_INT(sipreg_compose_authorization(&c, &in, out, sizeof out), SIPREG_E_INVAL);
    in.cnonce = S("a\"b");
    CHECK_INT(sipreg_compose_authorization(&c, &in, out, sizeof out), SIPREG_E_INVAL);
    in.cnonce = S("abc");
    in.username = S("al\r\nice");
    CHECK_INT(sipreg_compose_authorization(&c, &in, out, sizeof out), SIPREG_E_INVAL);
    in.username = S("alice");
    struct sipreg_challenge bad = c;
    bad.alg = SIPREG_ALG_UNKNOWN;
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_AUTH_ALGORITHM);
    bad = c;
    bad.scheme = S("Bearer");
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_AUTH_ALGORITHM);
    bad = c;
    bad.qop_mask = 0; /* qop present, nothing we support */
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_AUTH_QOP);
    bad = c;
    bad.realm = S("fold\r\n in realm");
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_HEADER_VALUE);
    bad.realm = S("raw\"quote");
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_HEADER_VALUE);
    bad.realm = S("trailing\\");
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_HEADER_VALUE);
    bad = c;
    bad.alg = SIPREG_ALG_SHA256_SESS; /* -sess without qop (RFC 3261 §22.4 item 8) */
    bad.qop = sipreg__str(NULL, 0);
    bad.qop_mask = 0;
    CHECK_INT(sipreg_compose_authorization(&bad, &in, out, sizeof out), SIPREG_E_AUTH_QOP);
    /* a challenge rebuilt from a cache (qop view absent, mask set) still gets qop */
    bad = c;
    bad.qop = sipreg__str(NULL, 0);
    bad.algorithm = sipreg__str(NULL, 0);
    CHECK(sipreg_compose_authorization(&bad, &in, out, sizeof out) > 0 &&
          strstr(out, ", qop=auth, nc=00000001") && strstr(out, "algorithm=MD5"));
    CHECK_INT(sipreg_compose_authorization(NULL, &in, out, sizeof out), SIPREG_E_INVAL);
    CHECK_INT(sipreg_compose_authorization(&c, &in, NULL, 10), SIPREG_E_INVAL);
}

/* Edge inputs of the iterator (short, truncated, odd). Every crash input fuzz_digest finds goes
 * here too; none so far (60 s + 240 s + 60 s runs, about 1.7 million executions). */
static void test_regressions(void) {
    static const char *const R[] = {
        "Digest",        "Digest ",           ",",
        "Digest realm=", "Digest realm=\"\\", "Digest realm=\"a\\\"",
        "Digest =",      "Digest a b c d",    "a,b,c",
    };
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++) {
        struct sipreg_msg m;
        struct sipreg_hdr h[MAXH];
        struct sipreg_iter it;
        struct sipreg_challenge c;
        struct hdrs hh = {{WWW}, {R[i]}};
        build(&m, h, &hh);
        sipreg_challenge_iter_init(&it, &m);
        int r, guard = 0;
        size_t off = 0;
        while ((r = sipreg_challenge_next(&it, &c, &off)) != 0 && guard++ < 100)
            if (r < 0) CHECK_MSG(off <= strlen(R[i]), "%s: off %zu", R[i], off);
        CHECK_MSG(guard < 100, "%s: iteration does not end", R[i]);
        r = sipreg_challenge_pick(&m, 0, &c);
        CHECK(r <= 1);
    }
}

int main(void) {
    test_challenges();
    test_pick();
    test_compose();
    test_regressions();
    return check_done("digest_auth");
}
