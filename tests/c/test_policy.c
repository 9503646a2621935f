/* test_policy.c — the failure table walked row by row: every status of every row maps to the
 * row's action through sipreg_failure_action (first match wins, so a row shadowed by an earlier
 * one would fail here), and a response with that status to a live registration's refresh leads
 * to the row's behaviour (RFC 3261 §8.1.3, §10.2.7; RFC 5626 §4.5). */
#include "check.h"
#include "sipreg.h"

#include <stdio.h>

/* Answer the last REGISTER in `req` with `status` and extra header lines. */
static void answer(struct sipreg *r, const char *req, int status, const char *extra, int64_t now) {
    char via[512], cid[64], cseq[64], resp[2048];
    check_header(req, "Via", via, sizeof via);
    check_header(req, "Call-ID", cid, sizeof cid);
    check_header(req, "CSeq", cseq, sizeof cseq);
    int n = snprintf(resp, sizeof resp,
                     "SIP/2.0 %d Status\r\nVia: %s\r\nFrom: <sip:alice@example.test>;tag=a\r\n"
                     "To: <sip:alice@example.test>;tag=b\r\nCall-ID: %s\r\nCSeq: %s\r\n%s"
                     "Content-Length: 0\r\n\r\n",
                     status, via, cid, cseq, extra);
    CHECK_INT(sipreg_recv(r, resp, (size_t)n, now), 0);
}

/* The next REGISTER, NUL-terminated in req; its length or a negative error. */
static int next_send(struct sipreg *r, char *req, size_t cap) {
    int n = sipreg_poll_send(r, req, cap - 1);
    req[n > 0 ? n : 0] = 0;
    return n;
}

/* Extra headers that make each action's response well-formed for its handler. */
static const char *extra_for(int action) {
    switch (action) {
    case SIPREG_ACT_CHALLENGE:
        return "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"n1\", qop=\"auth\"\r\n"
               "Proxy-Authenticate: Digest realm=\"proxy.test\", nonce=\"p1\", qop=\"auth\"\r\n";
    case SIPREG_ACT_INTERVAL:
        return "Min-Expires: 1200\r\n";
    case SIPREG_ACT_REDIRECT:
        return "Contact: <sip:elsewhere.example.test>\r\n";
    case SIPREG_ACT_EXTENSION:
        return "Unsupported: gruu\r\nRequire: gruu\r\n";
    default:
        return "";
    }
}

/* A registered registration (refresh in flight) gets `status`: check the row's behaviour. */
static void behaviour(int status, int action) {
    struct sipreg_config c;
    sipreg_config_init(&c);
    c.aor = "sip:alice@example.test";
    c.password = "secret";
    sipreg_config_add_contact(&c, "sip:abc@xyz.invalid;transport=ws", -1, -1);
    struct sipreg *r;
    static char req[SIPREG_MAX_MESSAGE];
    CHECK_INT(sipreg_new(&r, &c), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    CHECK(next_send(r, req, sizeof req) > 0);
    answer(r, req, 200, "Contact: <sip:abc@xyz.invalid;transport=ws>;expires=600\r\n", 10);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
    sipreg_register(r, 1000); /* a refresh */
    CHECK(next_send(r, req, sizeof req) > 0);
    answer(r, req, status, extra_for(action), 1010);
    int st = sipreg_state(r);
    int sent = next_send(r, req, sizeof req);
    switch (action) {
    case SIPREG_ACT_TERMINAL:
        CHECK_MSG(st == SIPREG_ST_FAILED && sent == SIPREG_E_DONE, "%d terminal: state %s, sent %d",
                  status, sipreg_state_name(st), sent);
        break;
    case SIPREG_ACT_TRANSIENT:
        CHECK_MSG(st == SIPREG_ST_BACKOFF && sent == SIPREG_E_DONE &&
                      sipreg_deadline(r) != SIPREG_NEVER,
                  "%d transient: state %s, sent %d", status, sipreg_state_name(st), sent);
        break;
    default:
        /* challenge, redirect, interval, extension, outbound: one new REGISTER at once */
        CHECK_MSG(st == SIPREG_ST_REFRESHING && sent > 0 && strstr(req, "\r\nCSeq: 3 REGISTER"),
                  "%d %s: state %s, sent %d", status, sipreg_action_name(action),
                  sipreg_state_name(st), sent);
        if (action == SIPREG_ACT_CHALLENGE)
            CHECK(strstr(req, status == 407 ? "\r\nProxy-Authorization: Digest "
                                            : "\r\nAuthorization: Digest ") != NULL);
        if (action == SIPREG_ACT_REDIRECT)
            CHECK(!strncmp(req, "REGISTER sip:elsewhere.example.test SIP/2.0\r\n", 45));
        if (action == SIPREG_ACT_INTERVAL) CHECK(strstr(req, "\r\nExpires: 1200\r\n") != NULL);
        if (action == SIPREG_ACT_EXTENSION)
            CHECK(strstr(req, "\r\nSupported: path, outbound\r\n") != NULL);
        if (action == SIPREG_ACT_OUTBOUND) CHECK(strstr(req, "reg-id") == NULL);
    }
    sipreg_free(r);
}

int main(void) {
    size_t n;
    const struct sipreg_failure_rule *rules = sipreg_failure_rules(&n);
    CHECK(n > 10 && rules != NULL);
    int covered[700] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct sipreg_failure_rule *w = &rules[i];
        CHECK_MSG(w->lo >= 300 && w->hi <= 699 && w->lo <= w->hi, "row %zu range", i);
        CHECK_MSG(w->why && strstr(w->why, "RFC "), "row %zu cites no RFC", i);
        CHECK(strcmp(sipreg_action_name(w->action), "unknown") != 0);
        int live = 0; /* statuses this row decides (not taken by an earlier row) */
        for (int s = w->lo; s <= w->hi; s++) {
            if (covered[s]) continue;
            covered[s] = 1;
            live++;
            CHECK_MSG(sipreg_failure_action(s) == w->action, "%d: %s, row %zu says %s", s,
                      sipreg_action_name(sipreg_failure_action(s)), i,
                      sipreg_action_name(w->action));
            behaviour(s, w->action);
        }
        CHECK_MSG(live > 0, "row %zu is shadowed by earlier rows", i);
    }
    for (int s = 300; s <= 699; s++)
        CHECK_MSG(covered[s], "%d has no row", s);
    /* the rows the issue names, spelled out */
    static const struct {
        int status, action;
    } NAMED[] = {
        {301, SIPREG_ACT_REDIRECT},  {302, SIPREG_ACT_REDIRECT},  {305, SIPREG_ACT_TERMINAL},
        {380, SIPREG_ACT_TERMINAL},  {400, SIPREG_ACT_TERMINAL},  {401, SIPREG_ACT_CHALLENGE},
        {403, SIPREG_ACT_TERMINAL},  {404, SIPREG_ACT_TERMINAL},  {405, SIPREG_ACT_TERMINAL},
        {407, SIPREG_ACT_CHALLENGE}, {408, SIPREG_ACT_TRANSIENT}, {420, SIPREG_ACT_EXTENSION},
        {421, SIPREG_ACT_EXTENSION}, {423, SIPREG_ACT_INTERVAL},  {439, SIPREG_ACT_OUTBOUND},
        {480, SIPREG_ACT_TRANSIENT}, {484, SIPREG_ACT_TERMINAL},  {485, SIPREG_ACT_TERMINAL},
        {500, SIPREG_ACT_TRANSIENT}, {503, SIPREG_ACT_TRANSIENT}, {504, SIPREG_ACT_TRANSIENT},
        {600, SIPREG_ACT_TRANSIENT}, {603, SIPREG_ACT_TRANSIENT}, {604, SIPREG_ACT_TERMINAL},
        {486, SIPREG_ACT_TERMINAL},  {599, SIPREG_ACT_TRANSIENT},
    };
    for (size_t i = 0; i < sizeof NAMED / sizeof NAMED[0]; i++)
        CHECK_MSG(sipreg_failure_action(NAMED[i].status) == NAMED[i].action, "%d: %s",
                  NAMED[i].status, sipreg_action_name(sipreg_failure_action(NAMED[i].status)));
    CHECK(!strcmp(sipreg_action_name(SIPREG_ACT_TERMINAL), "terminal"));
    CHECK(!strcmp(sipreg_action_name(99), "unknown"));
    return check_done("policy");
}
