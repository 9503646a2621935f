/* test_reg.c — the registration API outside the scenarios: configuration checks, determinism,
 * bounded output, and the composer's own rules. */
#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

/* A config with an AOR and one fixed contact. */
static void base_config(struct sipreg_config *c) {
    sipreg_config_init(c);
    c->aor = "sip:alice@example.test";
    c->contacts[0].uri = "sip:abc@xyz.invalid;transport=ws";
    c->contacts[0].expires = -1;
    c->contacts[0].q = -1;
    c->ncontacts = 1;
}

/* The first REGISTER of a registration made from cfg, into buf; its length or an error. */
static int first_register(const struct sipreg_config *cfg, char *buf, size_t cap) {
    struct sipreg *r;
    int err = sipreg_new(&r, cfg);
    if (err < 0) return err;
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    int n = sipreg_poll_send(r, buf, cap);
    sipreg_free(r);
    return n;
}

/* Configuration errors: each row breaks one rule and must be refused. */
static void test_config_errors(void) {
    static const struct {
        const char *what;
        int field;
        const char *value;
        int expect;
    } ROWS[] = {
        {"AOR not a URI", 0, "alice@example.test", SIPREG_E_CONFIG},
        {"AOR is tel: (§10.2: To MUST be SIP/SIPS)", 0, "tel:+15551234", SIPREG_E_CONFIG},
        {"registrar with userinfo (§10.2)", 1, "sip:bob@registrar.test", SIPREG_E_CONFIG},
        {"registrar not SIP", 1, "http://registrar.test", SIPREG_E_CONFIG},
        {"User-Agent with CRLF (header injection)", 2, "x\r\nEvil: 1", SIPREG_E_CONFIG},
        {"contact URI does not parse", 3, "sip:", SIPREG_E_CONFIG},
        {"fine", 0, "sip:alice@example.test", 0},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct sipreg_config c;
        base_config(&c);
        if (ROWS[i].field == 0) c.aor = ROWS[i].value;
        if (ROWS[i].field == 1) c.registrar = ROWS[i].value;
        if (ROWS[i].field == 2) c.user_agent = ROWS[i].value;
        if (ROWS[i].field == 3) c.contacts[0].uri = ROWS[i].value;
        struct sipreg *r = NULL;
        int err = sipreg_new(&r, &c);
        CHECK_MSG(err == ROWS[i].expect, "%s: got %s", ROWS[i].what, sipreg_errname(err));
        sipreg_free(r);
    }
    struct sipreg_config c;
    base_config(&c);
    c.reg_id = 0; /* RFC 5626: reg-id MUST NOT be 0 */
    struct sipreg *r = NULL;
    CHECK_INT(sipreg_new(&r, &c), SIPREG_E_CONFIG);
    base_config(&c);
    c.contacts[0].q = 1001;
    CHECK_INT(sipreg_new(&r, &c), SIPREG_E_CONFIG);
    base_config(&c);
    c.ncontacts = SIPREG_MAX_CONTACTS + 1;
    CHECK_INT(sipreg_new(&r, &c), SIPREG_E_LIMIT);
    CHECK_INT(sipreg_new(&r, NULL), SIPREG_E_INVAL);
}

/* sipreg_config_problem: every refusal of sipreg_new has a sentence naming the setting and the
 * value; an accepted configuration has none. Each row breaks one rule. */
static void test_config_problems(void) {
    static const struct {
        const char *what;
        const char *key, *value; /* through sipreg_config_set, or key NULL: see `field` */
        int field; /* 1 contact 1 expires 0 / 2 every contact 0 / 3 contact q / 4 contact URI /
                    * 5 a third-party from */
        const char *says; /* a fragment the sentence must contain */
    } ROWS[] = {
        {"expires 0", "expires", "0", 0,
         "expires must be at least 1 s, got 0 (unregister() removes bindings)"},
        {"AOR tel:", "aor", "tel:+15551234", 0, "aor must be a sip: or sips: URI"},
        {"registrar with user", "registrar", "sip:bob@r.test", 0, "registrar must be"},
        {"User-Agent CRLF", "user-agent", "x\r\nEvil: 1", 0, "user-agent must be one line"},
        {"t2 below t1", "t2-ms", "100", 0, "t2-ms must be at least t1-ms, got 100"},
        {"every contact at expires 0", NULL, NULL, 2, "every contact has expires 0"},
        {"contact 1 q 1001", NULL, NULL, 3, "contact 1: q must be 0..1000"},
        {"contact 0 URI", "aor", "sip:alice@example.test", 4, "contact 0: URI does not parse"},
        {"from tel: (§10.2)", "from", "tel:+15551234", 0,
         "from (RFC 3261 §10.2) must be a sip: or sips: URI, got \"tel:+15551234\""},
        {"route http:", "route", "http://proxy.test", 0,
         "route (the outbound proxy, RFC 3261 §8.1.2) must be a sip: or sips: URI, got "
         "\"http://proxy.test\""},
        {"route with URI headers", "route", "sip:proxy.test?Subject=x", 0,
         "got \"sip:proxy.test?Subject=x\""},
        {"route and from: fine", "route", "sips:proxy.test:5061;lr", 5, NULL},
        {"one contact at 0 among live: fine", NULL, NULL, 1, NULL},
        {"fine", "expires", "1", 0, NULL},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct sipreg_config c;
        base_config(&c);
        sipreg_config_add_contact(&c, "sip:second@xyz.invalid", -1, -1);
        if (ROWS[i].key) CHECK_INT(sipreg_config_set(&c, ROWS[i].key, ROWS[i].value), 0);
        if (ROWS[i].field == 1) c.contacts[1].expires = 0;
        if (ROWS[i].field == 2) c.contacts[0].expires = c.contacts[1].expires = 0;
        if (ROWS[i].field == 3) c.contacts[1].q = 1001;
        if (ROWS[i].field == 4) c.contacts[0].uri = "sip:";
        if (ROWS[i].field == 5) c.from = "sip:assistant@example.test";
        const char *p = sipreg_config_problem(&c);
        struct sipreg *r = NULL;
        int err = sipreg_new(&r, &c);
        if (ROWS[i].says) {
            CHECK_MSG(p && strstr(p, ROWS[i].says), "%s: got \"%s\"", ROWS[i].what,
                      p ? p : "(none)");
            CHECK_MSG(err == SIPREG_E_CONFIG, "%s: sipreg_new gave %s", ROWS[i].what,
                      sipreg_errname(err));
        } else {
            CHECK_MSG(!p && err == 0, "%s: %s", ROWS[i].what, p ? p : sipreg_errname(err));
        }
        sipreg_free(r);
    }
    /* sipreg_set_contacts refuses the same way */
    struct sipreg_config c;
    base_config(&c);
    struct sipreg *r = NULL;
    CHECK_INT(sipreg_new(&r, &c), 0);
    struct sipreg_contact_spec zero = {"sip:abc@xyz.invalid", 0, -1};
    CHECK_INT(sipreg_set_contacts(r, &zero, 1, 0), SIPREG_E_CONFIG);
    sipreg_free(r);
}

/* Same seed and inputs: same bytes. Another seed: another Call-ID, tag, branch. */
static void test_determinism(void) {
    struct sipreg_config c;
    char a[4096], b[4096];
    base_config(&c);
    c.seed[0] = 42;
    int na = first_register(&c, a, sizeof a), nb = first_register(&c, b, sizeof b);
    CHECK(na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0);
    c.seed[31] = 1;
    nb = first_register(&c, b, sizeof b);
    CHECK(nb > 0 && (na != nb || memcmp(a, b, (size_t)na) != 0));
    a[na] = 0;
    CHECK(strstr(a, "Via: SIP/2.0/WS ") != NULL && strstr(a, ".invalid;branch=z9hG4bK") != NULL);
    CHECK(strstr(a, "\r\nCSeq: 1 REGISTER\r\n") != NULL);
    CHECK(strstr(a, "\r\nMax-Forwards: 70\r\n") != NULL);
    CHECK(strstr(a, "\r\nSupported: path, gruu, outbound\r\n") != NULL);
    CHECK(strstr(a, "\r\nContent-Length: 0\r\n\r\n") != NULL);
}

/* A buffer too small keeps the message queued; a big enough one then gets it. */
static void test_small_buffer(void) {
    struct sipreg_config c;
    base_config(&c);
    struct sipreg *r;
    CHECK_INT(sipreg_new(&r, &c), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    char small[64], big[4096];
    CHECK_INT(sipreg_poll_send(r, small, sizeof small), SIPREG_E_BUFFER);
    CHECK(sipreg_poll_send(r, big, sizeof big) > 0);
    CHECK_INT(sipreg_poll_send(r, big, sizeof big), SIPREG_E_DONE);
    /* a second register() while in flight queues, it does not send (§10.2) */
    sipreg_register(r, 10);
    CHECK_INT(sipreg_poll_send(r, big, sizeof big), SIPREG_E_DONE);
    sipreg_free(r);
}

/* The event queue is bounded: the oldest events are dropped, never memory growth. */
static void test_event_bound(void) {
    struct sipreg_config c;
    base_config(&c);
    struct sipreg *r;
    CHECK_INT(sipreg_new(&r, &c), 0);
    for (int i = 0; i < 100; i++) {
        sipreg_transport(r, 1, i);
        sipreg_transport(r, 0, i);
        sipreg_register(r, i);
    }
    struct sipreg_event ev;
    int n = 0;
    while (sipreg_poll_event(r, &ev) == 0)
        n++;
    CHECK(n > 0 && n <= 16);
    CHECK(sipreg_memory(r) <= 4096);
    sipreg_free(r);
}

/* The composer: refuses injection and the forbidden "*" mix (§10.2.2). */
static void test_composer_rules(void) {
    struct sipreg_contact_out ct = {{"sip:a@b", 7}, 60, 500, {NULL, 0}, -1};
    struct sipreg_register_req q;
    char buf[2048];
    memset(&q, 0, sizeof q);
    q.ruri = (struct sipreg_str){"sip:b", 5};
    q.aor = (struct sipreg_str){"sip:a@b", 7};
    q.from_tag = (struct sipreg_str){"t1", 2};
    q.call_id = (struct sipreg_str){"c1", 2};
    q.cseq = 1;
    q.transport = SIPREG_TP_TCP;
    q.via_host = (struct sipreg_str){"h.invalid", 9};
    q.via_port = 5060;
    q.branch = (struct sipreg_str){"z9hG4bKx", 8};
    q.contacts = &ct;
    q.ncontacts = 1;
    q.expires = 600;
    int n = sipreg_compose_register(&q, buf, sizeof buf);
    CHECK(n > 0);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strstr(buf, "Via: SIP/2.0/TCP h.invalid:5060;branch=z9hG4bKx\r\n") != NULL);
    CHECK(strstr(buf, "Contact: <sip:a@b>;expires=60;q=0.5\r\n") != NULL);
    q.star = 1; /* "*" with another Contact is forbidden */
    CHECK_INT(sipreg_compose_register(&q, buf, sizeof buf), SIPREG_E_INVAL);
    q.star = 0;
    q.extra = (struct sipreg_str){"X-A: 1\r\n\r\nINVITE", 17}; /* would end the header section */
    CHECK_INT(sipreg_compose_register(&q, buf, sizeof buf), SIPREG_E_INVAL);
    q.extra = (struct sipreg_str){"X-A: 1\r\n", 8};
    CHECK(sipreg_compose_register(&q, buf, sizeof buf) > 0);
    q.cseq = 0x80000000u; /* §8.1.1.5: CSeq < 2^31 */
    CHECK_INT(sipreg_compose_register(&q, buf, sizeof buf), SIPREG_E_INVAL);
    q.cseq = 2;
    CHECK_INT(sipreg_compose_register(&q, buf, 20), SIPREG_E_BUFFER);
    /* §22.3: a proxy's and the registrar's credentials side by side, each one line */
    q.authorization = (struct sipreg_str){"Digest w", 8};
    q.proxy_authorization = (struct sipreg_str){"Digest p", 8};
    n = sipreg_compose_register(&q, buf, sizeof buf);
    CHECK(n > 0);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strstr(buf, "\r\nProxy-Authorization: Digest p\r\nAuthorization: Digest w\r\n") != NULL);
    q.proxy_authorization = (struct sipreg_str){"Digest p\r\nX: 1", 15};
    CHECK_INT(sipreg_compose_register(&q, buf, sizeof buf), SIPREG_E_INVAL);
}

/* Regression (ASan): a short AOR with default User-Agent and Supported overflowed the string
 * block, whose size did not count the defaults. */
static void test_short_aor(void) {
    struct sipreg_config c;
    char buf[2048];
    sipreg_config_init(&c);
    c.aor = "sip:a@b";
    CHECK(first_register(&c, buf, sizeof buf) > 0);
    c.aor = "sip:a@b";
    c.user_agent =
        "a very long User-Agent string that is longer than the AOR many times over, twice";
    c.supported = "path, gruu, outbound, and, many, more, option, tags, than, the, default";
    CHECK(first_register(&c, buf, sizeof buf) > 0);
}

/* A response `status` to the REGISTER req (its Via, From, To, Call-ID and CSeq echoed) plus the
 * header lines in `contacts`. */
static size_t answer(const char *req, const char *status, const char *contacts, char *out,
                     size_t cap) {
    static const char *const ECHO[] = {"Via:", "From:", "To:", "Call-ID:", "CSeq:"};
    size_t n = (size_t)snprintf(out, cap, "SIP/2.0 %s\r\n", status);
    for (size_t k = 0; k < sizeof ECHO / sizeof ECHO[0]; k++) {
        const char *h = strstr(req, ECHO[k]), *e = h ? strstr(h, "\r\n") : NULL;
        if (!e) return 0;
        n += (size_t)snprintf(out + n, cap - n, "%.*s%s\r\n", (int)(e - h), h,
                              k == 2 ? ";tag=t1" : "");
    }
    n += (size_t)snprintf(out + n, cap - n, "%sContent-Length: 0\r\n\r\n", contacts);
    return n;
}

/* answer() with 200 OK. */
static size_t answer_200(const char *req, const char *contacts, char *out, size_t cap) {
    return answer(req, "200 OK", contacts, out, cap);
}

/* A view of a C string. */
static struct sipreg_str str(const char *s) {
    struct sipreg_str v = {s, strlen(s)};
    return v;
}

/* The binding view's storage is allocated only when a 2xx needs it (memory per registration):
 * alone on its AOR a registration holds none; another device's binding brings it. */
static void test_view_store(void) {
    struct sipreg_config c;
    base_config(&c);
    struct sipreg *r;
    char req[4096], res[4096];
    CHECK_INT(sipreg_new(&r, &c), 0);
    const size_t bare = sipreg_memory(r);
    /* issue 15: contacts sized to the list, the event queue only while events wait: 2624 -> 1501 B */
    CHECK(bare <= 1600);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    CHECK(sipreg_poll_send(r, req, sizeof req) > 0);
    size_t n = answer_200(req, "Contact: <sip:abc@xyz.invalid;transport=ws>;expires=600\r\n", res,
                          sizeof res);
    CHECK_INT(sipreg_recv(r, res, n, 10), 0);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
    CHECK(sipreg_memory(r) > bare); /* the events wait in their queue */
    struct sipreg_event ev;
    while (sipreg_poll_event(r, &ev) == 0) {
    }
    CHECK_INT((int)sipreg_memory(r), (int)bare); /* drained: no queue */
    sipreg_register(r, 20);
    CHECK(sipreg_poll_send(r, req, sizeof req) > 0);
    n = answer_200(req,
                   "Contact: <sip:abc@xyz.invalid;transport=ws>;expires=600\r\n"
                   "Contact: <sip:other@198.51.100.7>;expires=300\r\n",
                   res, sizeof res);
    CHECK_INT(sipreg_recv(r, res, n, 30), 0);
    struct sipreg_binding b[4];
    size_t nb = 0;
    sipreg_bindings(r, b, 4, &nb);
    CHECK_INT((int)nb, 2);
    CHECK(nb == 2 && !b[1].ours);
    CHECK_VIEW(b[1].uri, "sip:other@198.51.100.7");
    CHECK(sipreg_memory(r) > bare + 1024);
    sipreg_free(r);
}

/* The value of `name="..."` (or name=token) in header line text, copied into out. */
static const char *auth_param(const char *msg, const char *name, char *out, size_t cap) {
    const char *h = strstr(msg, "Authorization: Digest ");
    char key[32];
    snprintf(key, sizeof key, " %s=", name);
    const char *p = h ? strstr(h, key) : NULL;
    out[0] = 0;
    if (!p) return out;
    p += strlen(key);
    int quoted = *p == '"';
    p += quoted;
    size_t n = 0;
    while (p[n] && n + 1 < cap && (quoted ? p[n] != '"' : (p[n] != ',' && p[n] != '\r')))
        n++;
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

/* H(A1) is hashed once per challenge (RFC 7616 §3.4.2), not per REGISTER: every Authorization
 * must still carry the response the toolkit computes from the password, for a realm with
 * quoted-pairs (unq() undone before hashing, §3.3) and after the realm changes (a new cache). */
static void test_ha1_per_challenge(void) {
    static const struct {
        const char *quoted, *plain; /* the realm as the challenge writes it, and unq() of it */
    } REALMS[] = {{"example.test", "example.test"},
                  {"ex\\\"am\\\\ple", "ex\"am\\ple"},
                  {"other.test", "other.test"}};
    struct sipreg_config c;
    base_config(&c);
    c.username = "alice";
    c.password = "secret";
    struct sipreg *r;
    char req[4096], res[4096], resp[65], want[65];
    CHECK_INT(sipreg_new(&r, &c), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    sipreg_ms t = 0;
    for (size_t i = 0; i < sizeof REALMS / sizeof REALMS[0]; i++) {
        CHECK(sipreg_poll_send(r, req, sizeof req) > 0);
        char chal[256];
        snprintf(chal, sizeof chal,
                 "WWW-Authenticate: Digest realm=\"%s\", nonce=\"n%zu\", qop=\"auth\"\r\n",
                 REALMS[i].quoted, i);
        size_t n = answer(req, "401 Unauthorized", chal, res, sizeof res);
        CHECK_INT(sipreg_recv(r, res, n, ++t), 0);
        for (int k = 0; k < 2; k++) { /* the answer to the challenge, then a refresh (nc 2) */
            CHECK(sipreg_poll_send(r, req, sizeof req) > 0);
            char nonce[32], cnonce[64], uri[128], nc[16];
            struct sipreg_digest_input in;
            memset(&in, 0, sizeof in);
            in.alg = SIPREG_ALG_MD5;
            in.qop = SIPREG_QOP_AUTH;
            in.username = str("alice");
            in.realm = str(REALMS[i].plain);
            in.password = str("secret");
            in.method = str("REGISTER");
            in.uri = str(auth_param(req, "uri", uri, sizeof uri));
            in.nonce = str(auth_param(req, "nonce", nonce, sizeof nonce));
            in.cnonce = str(auth_param(req, "cnonce", cnonce, sizeof cnonce));
            in.nc = (uint32_t)strtoul(auth_param(req, "nc", nc, sizeof nc), NULL, 16);
            CHECK_INT(in.nc, (uint32_t)k + 1);
            CHECK_INT(sipreg_digest_response(&in, want, sizeof want), 32);
            CHECK(!strcmp(auth_param(req, "response", resp, sizeof resp), want));
            n = answer_200(req, "Contact: <sip:abc@xyz.invalid;transport=ws>;expires=600\r\n", res,
                           sizeof res);
            CHECK_INT(sipreg_recv(r, res, n, ++t), 0);
            sipreg_register(r, ++t);
        }
    }
    sipreg_free(r);
}

/* Names of states, reasons, events and match rules are stable strings (used by the JS glue). */
static void test_names(void) {
    CHECK(!strcmp(sipreg_state_name(SIPREG_ST_REGISTERED), "registered"));
    CHECK(!strcmp(sipreg_state_name(99), "unknown"));
    CHECK(!strcmp(sipreg_reason_name(SIPREG_R_RETRY_AFTER), "retry-after"));
    CHECK(!strcmp(sipreg_event_name(SIPREG_EV_REGISTERED), "registered"));
    CHECK(!strcmp(sipreg_match_name(SIPREG_MATCH_INSTANCE), "instance"));
    CHECK(!strcmp(sipreg_errname(SIPREG_E_AUTH_LOOP), "SIPREG_E_AUTH_LOOP"));
    CHECK(strlen(sipreg_strerror(SIPREG_E_URI_PORT)) > 5);
}

int main(void) {
    test_config_errors();
    test_config_problems();
    test_determinism();
    test_small_buffer();
    test_event_bound();
    test_composer_rules();
    test_names();
    test_short_aor();
    test_view_store();
    test_ha1_per_challenge();
    return check_done("reg");
}
