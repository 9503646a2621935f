/* test_request.c — the request table walked row by row (every row is the first to hold for one
 * request below, and each request gets that row's status), then the responses the core composes
 * (RFC 3261 §8.2.6: Via, From, To with a stable tag, Call-ID, CSeq; Allow, Accept, Supported,
 * Unsupported), what sipreg_recv says of requests and foreign responses, the response queue and
 * the routing keys. */
#include "check.h"
#include "sipreg.h"

#include <stdio.h>

#define AOR "sip:alice@example.test"
#define CONTACT "sip:abc@xyz.invalid;transport=ws"

/* One request through the table: what it is, and the row that must answer it. */
struct row_case {
    const char *name;
    const char *method; /* request-line method */
    const char *ruri;   /* Request-URI */
    const char *cseq;   /* CSeq method ("" = the request's) */
    const char *to_tag; /* ";tag=..." on To, or "" */
    const char *extra;  /* more header lines */
    int drop;           /* 1: no Call-ID header */
    int test;           /* enum sipreg_request_test of the row that answers */
    int status;         /* its status */
};

static const struct row_case CASES[] = {
    {"ACK to us", "ACK", CONTACT, "", ";tag=x", "", 0, SIPREG_RQ_ACK, 0},
    {"ACK without Call-ID", "ACK", CONTACT, "", "", "", 1, SIPREG_RQ_ACK, 0},
    {"no Call-ID", "INVITE", CONTACT, "", "", "", 1, SIPREG_RQ_MALFORMED, 400},
    {"CSeq method differs", "INVITE", CONTACT, "BYE", "", "", 0, SIPREG_RQ_MALFORMED, 400},
    {"http Request-URI", "OPTIONS", "http://example.test/", "", "", "", 0, SIPREG_RQ_SCHEME, 416},
    {"mailto Request-URI", "MESSAGE", "mailto:a@example.test", "", "", "", 0, SIPREG_RQ_SCHEME,
     416},
    {"Require: 100rel", "INVITE", CONTACT, "", "", "Require: 100rel\r\n", 0, SIPREG_RQ_REQUIRE,
     420},
    {"Require: gruu (supported)", "OPTIONS", CONTACT, "", "", "Require: gruu\r\n", 0,
     SIPREG_RQ_OPTIONS, 200},
    {"CANCEL with Require", "CANCEL", CONTACT, "", "", "Require: foo\r\n", 0, SIPREG_RQ_CANCEL,
     481},
    {"CANCEL", "CANCEL", CONTACT, "", "", "", 0, SIPREG_RQ_CANCEL, 481},
    {"BYE in a dialog", "BYE", CONTACT, "", ";tag=abc", "", 0, SIPREG_RQ_IN_DIALOG, 481},
    {"OPTIONS to someone else", "OPTIONS", "sip:bob@example.test", "", "", "", 0,
     SIPREG_RQ_NOT_OURS, 404},
    {"tel: not ours", "INVITE", "tel:+15551234", "", "", "", 0, SIPREG_RQ_NOT_OURS, 404},
    {"OPTIONS to the contact", "OPTIONS", CONTACT, "", "", "", 0, SIPREG_RQ_OPTIONS, 200},
    {"OPTIONS to the AOR", "OPTIONS", AOR, "", "", "", 0, SIPREG_RQ_OPTIONS, 200},
    {"OPTIONS, other params and case", "OPTIONS", "sip:abc@XYZ.invalid;transport=WS;alias=1", "",
     "", "", 0, SIPREG_RQ_OPTIONS, 200},
    {"INVITE", "INVITE", CONTACT, "", "", "", 0, SIPREG_RQ_KNOWN, 480},
    {"MESSAGE", "MESSAGE", CONTACT, "", "", "", 0, SIPREG_RQ_KNOWN, 480},
    {"PUBLISH", "PUBLISH", AOR, "", "", "", 0, SIPREG_RQ_KNOWN, 480},
    {"invite (methods have case)", "invite", CONTACT, "", "", "", 0, SIPREG_RQ_OTHER, 501},
    {"FOO", "FOO", CONTACT, "", "", "", 0, SIPREG_RQ_OTHER, 501},
};

/* Write the request of a case into buf; its length. */
static int build(char *buf, size_t cap, const struct row_case *c, const char *branch) {
    return snprintf(buf, cap,
                    "%s %s SIP/2.0\r\n"
                    "Via: SIP/2.0/WSS proxy.example.test;branch=%s\r\n"
                    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKup;rport=5060\r\n"
                    "Max-Forwards: 69\r\n"
                    "From: \"Bob\" <sip:bob@example.test>;tag=from1\r\n"
                    "To: <%s>%s\r\n"
                    "%s"
                    "CSeq: 7 %s\r\n"
                    "%s"
                    "Content-Length: 0\r\n\r\n",
                    c->method, c->ruri, branch, c->ruri, c->to_tag,
                    c->drop ? "" : "Call-ID: call-1@example.test\r\n",
                    c->cseq[0] ? c->cseq : c->method, c->extra);
}

/* A registration with one contact, its flow up. */
static struct sipreg *make(void) {
    struct sipreg_config cfg;
    sipreg_config_init(&cfg);
    cfg.aor = AOR;
    cfg.seed[0] = 7;
    sipreg_config_add_contact(&cfg, CONTACT, -1, -1);
    struct sipreg *r = NULL;
    CHECK_INT(sipreg_new(&r, &cfg), 0);
    sipreg_transport(r, 1, 0);
    return r;
}

/* The next message to send, NUL-terminated in out; its length or a negative code. */
static int next_out(struct sipreg *r, char *out, size_t cap) {
    int n = sipreg_poll_send(r, out, cap - 1);
    out[n > 0 ? n : 0] = 0;
    return n;
}

/* Walk the table: each row answers at least one case, as the first row that holds. */
static void walk_rows(struct sipreg *r) {
    size_t n;
    const struct sipreg_request_rule *rules = sipreg_request_rules(&n);
    CHECK_INT(n, 10);
    char buf[2048];
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(rules[i].why && strstr(rules[i].why, "RFC "), "row %zu cites no RFC", i);
        CHECK(strcmp(sipreg_request_test_name(rules[i].test), "unknown") != 0);
        int seen = 0;
        for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
            const struct row_case *c = &CASES[k];
            if (c->test != rules[i].test) continue;
            seen = 1;
            CHECK_INT(c->status, rules[i].status);
            int len = build(buf, sizeof buf, c, "z9hG4bKrow");
            CHECK_MSG(sipreg_request_answer(r, buf, (size_t)len) == c->status, "%s: got %d",
                      c->name, sipreg_request_answer(r, buf, (size_t)len));
            /* recv calls it a request (ACK too: the host sees it, the table sends nothing) */
            CHECK_MSG(sipreg_recv(r, buf, (size_t)len, 0) == SIPREG_RECV_REQUEST, "%s", c->name);
        }
        CHECK_MSG(seen, "row %zu (%s) has no case", i, sipreg_request_test_name(rules[i].test));
    }
}

/* 1 when the response has the line `line` (with its CRLF). */
static int has_line(const char *msg, const char *line) {
    char want[512];
    snprintf(want, sizeof want, "\r\n%s\r\n", line);
    return strstr(msg, want) != NULL;
}

/* The To tag of a response into tag (cap bytes). */
static void to_tag_of(const char *msg, char *tag, size_t cap) {
    const char *t = strstr(msg, "\r\nTo: ");
    const char *g = t ? strstr(t, ";tag=") : NULL;
    size_t n = 0;
    if (g)
        for (g += 5; g[n] && g[n] != '\r' && n + 1 < cap; n++)
            tag[n] = g[n];
    tag[n] = 0;
}

static void responses(void) {
    struct sipreg *r = make();
    char req[2048], out[4096], tag1[80], tag2[80], tag3[80];
    const struct row_case options = {"", "OPTIONS", CONTACT, "", "", "", 0, 0, 0};
    int len = build(req, sizeof req, &options, "z9hG4bKone");
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 200);
    CHECK(next_out(r, out, sizeof out) > 0);
    CHECK(strncmp(out, "SIP/2.0 200 OK\r\n", 16) == 0);
    /* §8.2.6.2: every Via in order, From, Call-ID and CSeq as they came */
    const char *v1 = strstr(out, "\r\nVia: SIP/2.0/WSS proxy.example.test;branch=z9hG4bKone\r\n");
    const char *v2 = strstr(out, "\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKup;rport=5060");
    CHECK(v1 && v2 && v1 < v2);
    CHECK(has_line(out, "From: \"Bob\" <sip:bob@example.test>;tag=from1"));
    CHECK(has_line(out, "Call-ID: call-1@example.test"));
    CHECK(has_line(out, "CSeq: 7 OPTIONS"));
    /* §11.2 */
    CHECK(has_line(out, "Allow: OPTIONS"));
    CHECK(has_line(out, "Accept: application/sdp"));
    CHECK(has_line(out, "Supported: path, gruu, outbound"));
    CHECK(strstr(out, "Content-Length: 0\r\n\r\n") != NULL);
    to_tag_of(out, tag1, sizeof tag1);
    CHECK_INT(strlen(tag1), 16);
    /* §8.2.7: the retransmission gets the same tag; another transaction another one */
    sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0);
    next_out(r, out, sizeof out);
    to_tag_of(out, tag2, sizeof tag2);
    CHECK(strcmp(tag1, tag2) == 0);
    len = build(req, sizeof req, &options, "z9hG4bKtwo");
    sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0);
    next_out(r, out, sizeof out);
    to_tag_of(out, tag3, sizeof tag3);
    CHECK(strlen(tag3) == 16 && strcmp(tag1, tag3) != 0);
    /* another registration (another seed: another secret) tags the same request otherwise */
    struct sipreg_config c2;
    sipreg_config_init(&c2);
    c2.aor = AOR;
    c2.seed[0] = 8;
    sipreg_config_add_contact(&c2, CONTACT, -1, -1);
    struct sipreg *r2 = NULL;
    CHECK_INT(sipreg_new(&r2, &c2), 0);
    sipreg_transport(r2, 1, 0);
    sipreg_respond(r2, req, (size_t)len, 0, NULL, 0, NULL, 0);
    next_out(r2, out, sizeof out);
    to_tag_of(out, tag2, sizeof tag2);
    CHECK(strlen(tag2) == 16 && strcmp(tag2, tag3) != 0);
    sipreg_free(r2);

    /* the host's own status, reason and headers; 100 gets no tag */
    const struct row_case invite = {"", "INVITE", CONTACT, "", "", "", 0, 0, 0};
    len = build(req, sizeof req, &invite, "z9hG4bKinv");
    const char *hdrs = "Retry-After: 30\r\nWarning: 399 x \"busy\"\r\n";
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 486, NULL, 0, hdrs, strlen(hdrs)), 486);
    next_out(r, out, sizeof out);
    CHECK(strncmp(out, "SIP/2.0 486 Busy Here\r\n", 23) == 0);
    CHECK(has_line(out, "Retry-After: 30") && has_line(out, "Warning: 399 x \"busy\""));
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 100, NULL, 0, NULL, 0), 100);
    next_out(r, out, sizeof out);
    CHECK(has_line(out, "To: <" CONTACT ">"));
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 299, "Fine", 4, NULL, 0), 299);
    next_out(r, out, sizeof out);
    CHECK(strncmp(out, "SIP/2.0 299 Fine\r\n", 18) == 0);
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 480);
    next_out(r, out, sizeof out);
    CHECK(strncmp(out, "SIP/2.0 480 Temporarily Unavailable\r\n", 37) == 0);
    CHECK(strstr(out, "Allow:") == NULL);

    /* refusals: each names what is wrong by SIPREG_E_INVAL, nothing is queued */
    static const struct {
        int status;
        const char *reason, *headers;
    } BAD[] = {
        {99, NULL, NULL},
        {700, NULL, NULL},
        {200, "a\r\nb", NULL},
        {200, NULL, "Via: x\r\n"},
        {200, NULL, "v: x\r\n"},
        {200, NULL, "content-length: 3\r\n"},
        {200, NULL, "CSeq: 1 X\r\n"},
        {200, NULL, "No-Colon\r\n"},
        {200, NULL, "A: b"},
        {200, NULL, "A: b\nC: d\r\n"},
        {200, NULL, ": b\r\n"},
        {200, NULL, "To: x\r\n"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const char *re = BAD[i].reason, *h = BAD[i].headers;
        CHECK_MSG(sipreg_respond(r, req, (size_t)len, BAD[i].status, re, re ? strlen(re) : 0, h,
                                 h ? strlen(h) : 0) == SIPREG_E_INVAL,
                  "BAD[%zu]", i);
    }
    CHECK_INT(sipreg_poll_send(r, out, sizeof out), SIPREG_E_DONE);

    /* 420 names the tags; 501 says what we allow (configured) */
    const struct row_case req100rel = {
        "", "INVITE", CONTACT, "", "", "Require: 100rel, gruu, timer\r\n", 0, 0, 0};
    len = build(req, sizeof req, &req100rel, "z9hG4bK420");
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 420);
    next_out(r, out, sizeof out);
    CHECK(has_line(out, "Unsupported: 100rel, timer"));
    /* ACK: nothing, whatever the status asked */
    const struct row_case ack = {"", "ACK", CONTACT, "", ";tag=x", "", 0, 0, 0};
    len = build(req, sizeof req, &ack, "z9hG4bKack");
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 200, NULL, 0, NULL, 0), 0);
    CHECK_INT(sipreg_poll_send(r, out, sizeof out), SIPREG_E_DONE);

    /* bounded: four wait, the fifth is refused; a flow going down drops them */
    len = build(req, sizeof req, &invite, "z9hG4bKq");
    for (int i = 0; i < 4; i++)
        CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 480);
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), SIPREG_E_LIMIT);
    CHECK_INT(sipreg_poll_send(r, out, 10), SIPREG_E_BUFFER);
    CHECK(next_out(r, out, sizeof out) > 0);
    sipreg_transport(r, 0, 0);
    sipreg_transport(r, 1, 0);
    CHECK_INT(sipreg_poll_send(r, out, sizeof out), SIPREG_E_DONE);
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 480);
    sipreg_free(r); /* frees the queued one (ASan) */
}

static void configured(void) {
    struct sipreg_config cfg;
    sipreg_config_init(&cfg);
    cfg.aor = AOR;
    CHECK_INT(sipreg_config_set(&cfg, "allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE"), 0);
    CHECK_INT(sipreg_config_set(&cfg, "accept", "application/sdp, text/plain"), 0);
    CHECK_INT(sipreg_config_set(&cfg, "supported", ""), 0);
    sipreg_config_add_contact(&cfg, CONTACT, -1, -1);
    struct sipreg *r = NULL;
    CHECK_INT(sipreg_new(&r, &cfg), 0);
    sipreg_transport(r, 1, 0);
    char req[2048], out[4096];
    const struct row_case options = {"", "OPTIONS", AOR, "", "", "", 0, 0, 0};
    int len = build(req, sizeof req, &options, "z9hG4bKc");
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 200);
    next_out(r, out, sizeof out);
    CHECK(has_line(out, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE"));
    CHECK(has_line(out, "Accept: application/sdp, text/plain"));
    CHECK(strstr(out, "Supported:") == NULL);
    const struct row_case foo = {"", "FOO", AOR, "", "", "", 0, 0, 0};
    len = build(req, sizeof req, &foo, "z9hG4bKf");
    CHECK_INT(sipreg_respond(r, req, (size_t)len, 0, NULL, 0, NULL, 0), 501);
    next_out(r, out, sizeof out);
    CHECK(has_line(out, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE"));
    sipreg_free(r);
    sipreg_config_init(&cfg);
    cfg.aor = AOR;
    cfg.allow = "INVITE\r\nX: y";
    CHECK(sipreg_config_problem(&cfg) && strstr(sipreg_config_problem(&cfg), "allow"));
}

/* What recv says of what arrives, and the routing keys. */
static void recv_and_keys(void) {
    struct sipreg *r = make();
    char buf[2048], key[256];
    const struct row_case invite = {"", "INVITE", "sip:abc@XYZ.Invalid;transport=ws", "", "", "", 0,
                                    0,  0};
    int len = build(buf, sizeof buf, &invite, "z9hG4bKk");
    CHECK_INT(sipreg_recv(r, buf, (size_t)len, 0), SIPREG_RECV_REQUEST);
    CHECK_INT(sipreg_route_key(buf, (size_t)len, key, sizeof key), 17);
    CHECK(strcmp(key, "r:abc@xyz.invalid") == 0);
    CHECK_INT(sipreg_route_key(buf, (size_t)len, key, 5), SIPREG_E_BUFFER);
    /* a request without Via cannot be answered: a parse error */
    const char *novia = "OPTIONS " CONTACT " SIP/2.0\r\nTo: <" AOR ">\r\nFrom: <" AOR
                        ">;tag=1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
    CHECK_INT(sipreg_recv(r, novia, strlen(novia), 0), SIPREG_E_MISSING_HEADER);
    CHECK_INT(sipreg_request_answer(r, novia, strlen(novia)), SIPREG_E_MISSING_HEADER);
    /* a response that is not ours: the host's own transaction */
    const char *resp =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKapp\r\nTo: <" AOR
        ">;tag=2\r\nFrom: <" AOR ">;tag=1\r\nCall-ID: app-call\r\nCSeq: 2 INVITE\r\n\r\n";
    CHECK_INT(sipreg_recv(r, resp, strlen(resp), 0), SIPREG_E_ASYMMETRIC);
    CHECK_INT(sipreg_route_key(resp, strlen(resp), key, sizeof key), 10);
    CHECK(strcmp(key, "c:app-call") == 0);
    CHECK_INT(sipreg_request_answer(r, resp, strlen(resp)), SIPREG_E_INVAL);
    CHECK_INT(sipreg_respond(r, resp, strlen(resp), 0, NULL, 0, NULL, 0), SIPREG_E_INVAL);
    char keys[512];
    int n = sipreg_request_keys(r, keys, sizeof keys);
    CHECK(n > 0 && strcmp(keys, "r:abc@xyz.invalid\nr:alice@example.test\n") == 0);
    CHECK_INT(sipreg_request_keys(r, keys, 8), SIPREG_E_BUFFER);
    sipreg_free(r);
}

int main(void) {
    struct sipreg *r = make();
    walk_rows(r);
    sipreg_free(r);
    responses();
    configured();
    recv_and_keys();
    printf("test_request: %d checks, %d failures\n", check_count, check_failures);
    return check_failures != 0;
}
