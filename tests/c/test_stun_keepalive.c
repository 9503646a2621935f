/* test_stun_keepalive.c — the STUN keep-alive of a registration over UDP (RFC 5626 §4.4.2, §8;
 * RFC 5389 §7.2.1): when it runs (a table of keep-alive settings and 2xx promises), its interval
 * (U[0.8, 1.0] of the Flow-Timer, else U[24, 29] s), the retransmission schedule of one Binding
 * request (0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s at T1 = 500 ms) and the failure at 39.5 s, the
 * answer that clears it and names the mapped address, and the answers that fail the flow: an
 * error response, a new mapped address, an unknown comprehension-required attribute. Stale and
 * unasked STUN messages change nothing. A registrar without a STUN server: OPTIONS probes
 * instead (test_no_stun_server). The STUN answers are built here byte by byte. */
#include "check.h"

#include <stdlib.h>

static char buf[SIPREG_MAX_MESSAGE];

/* policy.probe of the next registration (probes off unless a test says otherwise) */
static int probe_mode = SIPREG_PROBE_NONE;

/* A UDP registration of sip:alice@example.test from 192.0.2.1:5060 (probe_mode). */
static void config(struct sipreg_config *c, int keepalive) {
    sipreg_config_init(c);
    c->aor = "sip:alice@example.test";
    c->password = "secret";
    c->transport = SIPREG_TP_UDP;
    c->policy.probe = probe_mode;
    c->policy.keepalive = keepalive;
}

/* The next message into buf: its length, or a negative code. */
static int next_send(struct sipreg *r) {
    int n = sipreg_poll_send(r, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

/* Drop the events; 1 when one of `type` with `reason` was among them (its status, text kept). */
static int took_event(struct sipreg *r, int type, int reason, struct sipreg_event *got) {
    struct sipreg_event ev;
    int found = 0;
    while (sipreg_poll_event(r, &ev) == 0)
        if (ev.type == type && ev.reason == reason) {
            found = 1;
            if (got) *got = ev;
        }
    return found;
}

/* Answer the request in buf (a REGISTER, or an OPTIONS probe: no Contact) with a 200 OK with
 * `headers`: sipreg_recv's result. */
static int reply(struct sipreg *r, const char *headers, sipreg_ms now) {
    static const char *const ECHO[] = {"Via:", "From:", "To:", "Call-ID:", "CSeq:", "Contact:"};
    char resp[4096];
    size_t n = (size_t)snprintf(resp, sizeof resp, "SIP/2.0 200 OK\r\n%s", headers);
    int options = !strncmp(buf, "OPTIONS ", 8);
    for (size_t k = 0; k < sizeof ECHO / sizeof ECHO[0] - (size_t)options; k++) {
        const char *h = strstr(buf, ECHO[k]), *e = h ? strstr(h, "\r\n") : NULL;
        CHECK(e != NULL);
        if (!e) return SIPREG_E_INVAL;
        n += (size_t)snprintf(resp + n, sizeof resp - n, "%.*s%s\r\n", (int)(e - h), h,
                              k == 2   ? ";tag=t1"
                              : k == 5 ? ";expires=600"
                                       : "");
    }
    n += (size_t)snprintf(resp + n, sizeof resp - n, "Content-Length: 0\r\n\r\n");
    return sipreg_recv(r, resp, n, now);
}

/* A registration over `transport` whose first REGISTER got a 200 OK at t=100 with `headers`
 * (e.g. "Require: outbound\r\nFlow-Timer: 20\r\n"). */
static struct sipreg *registered(int keepalive, int transport, const char *headers,
                                 int64_t keepalive_s) {
    struct sipreg_config c;
    config(&c, keepalive);
    c.transport = transport;
    if (keepalive_s) c.policy.keepalive_s = keepalive_s;
    struct sipreg *r = NULL;
    CHECK_INT(sipreg_new(&r, &c), 0);
    if (!r) return NULL;
    CHECK_INT(sipreg_set_flow(r, transport, "192.0.2.1", 9, 5060, 0), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    CHECK(next_send(r) > 0);
    CHECK_INT(reply(r, headers, 100), 0);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
    took_event(r, 0, 0, NULL);
    return r;
}

/* A Binding response of class `cls` (2 success, 3 error) to the request in buf, with an
 * XOR-MAPPED-ADDRESS of a.b.c.d:port (a = 0: none), ERROR-CODE `code` (0: none) and one more
 * attribute of type `extra` (0: none). Its length, written to out. */
static size_t answer(uint8_t *out, int cls, const uint8_t ip[4], int port, int code, int extra) {
    const uint8_t *req = (const uint8_t *)buf;
    size_t n = 20;
    if (ip) {
        /* RFC 5389 §15.2: port ^ 0x2112, address ^ the magic cookie */
        uint8_t attr[12] = {
            0x00, 0x20, 0, 8, 0, 1, (uint8_t)((port >> 8) ^ 0x21), (uint8_t)((port & 255) ^ 0x12)};
        for (int i = 0; i < 4; i++)
            attr[8 + i] = ip[i] ^ req[4 + i];
        memcpy(out + n, attr, sizeof attr);
        n += sizeof attr;
    }
    if (code) {
        uint8_t attr[8] = {0x00, 0x09, 0, 4, 0, 0, (uint8_t)(code / 100), (uint8_t)(code % 100)};
        memcpy(out + n, attr, sizeof attr);
        n += sizeof attr;
    }
    if (extra) {
        uint8_t attr[8] = {(uint8_t)(extra >> 8), (uint8_t)extra, 0, 4, 1, 2, 3, 4};
        memcpy(out + n, attr, sizeof attr);
        n += sizeof attr;
    }
    /* §6: Binding (0x001) with the class bits C1 (0x100) and C0 (0x010) */
    unsigned type = 0x001 | (cls & 2 ? 0x100 : 0) | (cls & 1 ? 0x010 : 0);
    out[0] = (uint8_t)(type >> 8);
    out[1] = (uint8_t)type;
    out[2] = (uint8_t)((n - 20) >> 8);
    out[3] = (uint8_t)(n - 20);
    memcpy(out + 4, req + 4, 16); /* cookie and transaction ID of the request */
    return n;
}

/* 1 when buf holds a 20-byte Binding request. */
static int is_binding_request(int n) {
    struct sipreg_stun m;
    return n == 20 && sipreg_stun_is(buf, 20) && sipreg_stun_parse(&m, buf, 20, NULL) == 0 &&
           m.cls == SIPREG_STUN_REQUEST && m.method == SIPREG_STUN_BINDING;
}

static const uint8_t IP1[4] = {203, 0, 113, 7};

/* Run r to its next keep-alive, which must be a Binding request (in buf): the time it went. */
static sipreg_ms ping(struct sipreg *r) {
    sipreg_ms t = sipreg_deadline(r);
    sipreg_on_timeout(r, t);
    CHECK(is_binding_request(next_send(r)));
    return t;
}

/* When keep-alives run and how often (RFC 5626 §4.4, §4.4.1, §4.4.2, §8). */
static void test_when(void) {
    static const struct {
        const char *name;
        int keepalive, transport;
        const char *headers;
        int64_t keepalive_s;
        int liveness;         /* enum sipreg_liveness after the 2xx */
        int64_t lo_ms, hi_ms; /* the first ping after the 2xx at t=100 */
        int stun;             /* the ping is a STUN Binding request (else CRLF CRLF) */
    } T[] = {
        {"outbound 2xx with Flow-Timer 20 (§4.4: U[0.8, 1.0] of it)", SIPREG_KA_AUTO, SIPREG_TP_UDP,
         "Require: outbound\r\nFlow-Timer: 20\r\n", 0, SIPREG_LIVE_STUN, 16100, 20100, 1},
        {"outbound 2xx without Flow-Timer (§4.4.2: U[24, 29] s)", SIPREG_KA_AUTO, SIPREG_TP_UDP,
         "Require: outbound\r\n", 0, SIPREG_LIVE_STUN, 24100, 29100, 1},
        {"Flow-Timer alone is the promise", SIPREG_KA_AUTO, SIPREG_TP_UDP, "Flow-Timer: 40\r\n", 0,
         SIPREG_LIVE_STUN, 32100, 40100, 1},
        {"no promise: no STUN over UDP (§8: an explicit indication first)", SIPREG_KA_AUTO,
         SIPREG_TP_UDP, "", 0, SIPREG_LIVE_NONE, -1, -1, 0},
        {"keepalive always: configuration is the indication", SIPREG_KA_ALWAYS, SIPREG_TP_UDP, "",
         0, SIPREG_LIVE_STUN, 24100, 29100, 1},
        {"keepalive always, keepalive-s 10: the same share of it", SIPREG_KA_ALWAYS, SIPREG_TP_UDP,
         "", 10, SIPREG_LIVE_STUN, 8375, 10100, 1},
        {"keepalive never: none even when promised", SIPREG_KA_NEVER, SIPREG_TP_UDP,
         "Require: outbound\r\nFlow-Timer: 20\r\n", 0, SIPREG_LIVE_NONE, -1, -1, 0},
        {"TCP keeps CRLF (§4.4.1; STUN MUST NOT go over TCP, §4.4.2)", SIPREG_KA_AUTO,
         SIPREG_TP_TCP, "Require: outbound\r\nFlow-Timer: 20\r\n", 0, SIPREG_LIVE_CRLF, 16100,
         20100, 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        struct sipreg *r =
            registered(T[i].keepalive, T[i].transport, T[i].headers, T[i].keepalive_s);
        if (!r) continue;
        struct sipreg_info in;
        sipreg_get_info(r, &in);
        CHECK_MSG(in.liveness == T[i].liveness, "%s: liveness %d", T[i].name, in.liveness);
        CHECK_MSG(in.mapped.len == 0, "%s: a mapped address before any answer", T[i].name);
        sipreg_ms d = sipreg_deadline(r);
        if (T[i].lo_ms < 0) {
            /* nothing due before the refresh: no keep-alive goes out */
            sipreg_on_timeout(r, 60000);
            CHECK_MSG(next_send(r) < 0, "%s: something was sent", T[i].name);
        } else {
            CHECK_MSG(d >= T[i].lo_ms && d <= T[i].hi_ms, "%s: first ping at %lld", T[i].name,
                      (long long)d);
            sipreg_on_timeout(r, d);
            int n = next_send(r);
            if (T[i].stun)
                CHECK_MSG(is_binding_request(n), "%s: not a Binding request (%d)", T[i].name, n);
            else
                CHECK_MSG(n == 4 && !memcmp(buf, "\r\n\r\n", 4), "%s: not CRLF CRLF", T[i].name);
            CHECK_MSG(next_send(r) == SIPREG_E_DONE, "%s: one ping", T[i].name);
        }
        sipreg_free(r);
    }
}

/* RFC 5389 §7.2.1 (RFC 5626 §4.4.2): Rc = 7 sends of the same request at 0, RTO, 3 RTO, ...,
 * 63 RTO, failure 16 RTO after the last: with T1 = 500 ms 39.5 s after the first. */
static void test_unanswered(void) {
    struct sipreg *r = registered(SIPREG_KA_AUTO, SIPREG_TP_UDP, "Require: outbound\r\n", 0);
    if (!r) return;
    sipreg_ms t0 = sipreg_deadline(r);
    sipreg_on_timeout(r, t0);
    CHECK(is_binding_request(next_send(r)));
    uint8_t first[20];
    memcpy(first, buf, 20);
    static const int64_t RETX[] = {500, 1500, 3500, 7500, 15500, 31500};
    for (size_t k = 0; k < sizeof RETX / sizeof RETX[0]; k++) {
        CHECK_INT(sipreg_deadline(r), t0 + RETX[k]);
        sipreg_on_timeout(r, t0 + RETX[k] - 1);
        CHECK_MSG(next_send(r) == SIPREG_E_DONE, "early retransmission %zu", k);
        sipreg_on_timeout(r, t0 + RETX[k]);
        int n = next_send(r);
        CHECK_MSG(n == 20 && !memcmp(buf, first, 20), "retransmission %zu is the same request", k);
    }
    CHECK_INT(sipreg_deadline(r), t0 + 39500);
    sipreg_on_timeout(r, t0 + 39499);
    CHECK(next_send(r) == SIPREG_E_DONE);
    CHECK(!took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL));
    sipreg_on_timeout(r, t0 + 39500);
    CHECK(took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL));
    CHECK(next_send(r) == SIPREG_E_DONE);
    /* the host closes the flow: a flow that carried the registration is replaced at once */
    sipreg_transport(r, 0, t0 + 39510);
    CHECK(took_event(r, SIPREG_EV_CONNECT, SIPREG_R_FLOW, NULL));
    sipreg_free(r);
}

/* Answers: the success clears the transaction and names the mapped address; the same address
 * again is fine; a new one fails the flow (reason mapping, the event's text says it); a new flow
 * learns its own. Stale and unasked STUN messages change nothing. */
static void test_answers(void) {
    struct sipreg *r = registered(SIPREG_KA_AUTO, SIPREG_TP_UDP, "Flow-Timer: 20\r\n", 0);
    if (!r) return;
    uint8_t ans[128];
    sipreg_ms t = ping(r);
    /* unasked or stale first: a request, a short datagram, another transaction's answer */
    size_t n = answer(ans, SIPREG_STUN_SUCCESS, IP1, 40000, 0, 0);
    ans[0] = 0x00; /* class request: type 0x0001 */
    CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 10), SIPREG_E_STUN_UNEXPECTED);
    CHECK_INT(sipreg_recv(r, "\x01\x01\x00\x00", 4, t + 10), SIPREG_E_STUN_HEADER);
    n = answer(ans, SIPREG_STUN_SUCCESS, IP1, 40000, 0, 0);
    ans[19] ^= 1;
    CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 10), SIPREG_RECV_STALE);
    CHECK_INT(sipreg_deadline(r), t + 500); /* still open: the retransmission is due */
    n = answer(ans, SIPREG_STUN_SUCCESS, IP1, 40000, 0, 0);
    CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 20), 0);
    struct sipreg_info in;
    sipreg_get_info(r, &in);
    CHECK_STR(in.mapped, "203.0.113.7:40000");
    CHECK_INT(in.pong_deadline, SIPREG_NEVER);
    CHECK(sipreg_deadline(r) >= t + 16000 && sipreg_deadline(r) <= t + 20000);
    /* a duplicate answer is stale now */
    CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 30), SIPREG_RECV_STALE);
    /* the next keep-alive: a new transaction ID; the same address again */
    t = ping(r);
    CHECK(memcmp(buf + 8, ans + 8, 12)); /* a new transaction ID */
    n = answer(ans, SIPREG_STUN_SUCCESS, IP1, 40000, 0, 0);
    CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 20), 0);
    CHECK(!took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_MAPPING, NULL));
    /* then a new port: the NAT binding changed (RFC 5626 §4.4.2) */
    t = ping(r);
    n = answer(ans, SIPREG_STUN_SUCCESS, IP1, 40001, 0, 0);
    CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 20), 0);
    struct sipreg_event ev = {0};
    CHECK(took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_MAPPING, &ev));
    CHECK_STR(ev.text, "203.0.113.7:40001");
    CHECK(next_send(r) == SIPREG_E_DONE);
    /* the new flow learns its own address */
    sipreg_transport(r, 0, t + 30);
    sipreg_get_info(r, &in);
    CHECK_INT(in.mapped.len, 0);
    CHECK_INT(in.liveness, SIPREG_LIVE_NONE);
    sipreg_free(r);
}

/* Over TCP a message that starts with 0x01 is no STUN (RFC 5626 §4.4.2): a SIP parse error. */
static void test_not_over_tcp(void) {
    struct sipreg *r = registered(SIPREG_KA_AUTO, SIPREG_TP_TCP, "Flow-Timer: 20\r\n", 0);
    if (!r) return;
    static const char STUN_LIKE[] = "\x01\x01\x00\x00\x21\x12\xa4\x42"
                                    "abcdefghijkl";
    int e = sipreg_recv(r, STUN_LIKE, sizeof STUN_LIKE - 1, 200);
    CHECK_MSG(e < 0 && e > SIPREG_E_STUN_HEADER, "a STUN result over TCP: %d", e);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
    sipreg_free(r);
}

/* Answers that fail the flow: an error response (its code is the event's status) and a success
 * with an unknown comprehension-required attribute (RFC 5389 §7.3.3); an optional unknown one
 * is fine. */
static void test_failing_answers(void) {
    static const struct {
        const char *name;
        int cls, code, extra;
        int fails, status;
    } T[] = {
        {"Binding error response 500 (§4.4.2)", SIPREG_STUN_ERROR, 500, 0, 1, 500},
        {"unknown comprehension-required attribute", SIPREG_STUN_SUCCESS, 0, 0x7777, 1, 0},
        {"unknown comprehension-optional attribute", SIPREG_STUN_SUCCESS, 0, 0x8777, 0, 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        struct sipreg *r = registered(SIPREG_KA_AUTO, SIPREG_TP_UDP, "Flow-Timer: 20\r\n", 0);
        if (!r) continue;
        uint8_t ans[128];
        sipreg_ms t = ping(r);
        size_t n = answer(ans, T[i].cls, T[i].cls == SIPREG_STUN_SUCCESS ? IP1 : NULL, 40000,
                          T[i].code, T[i].extra);
        CHECK_MSG(sipreg_recv(r, (char *)ans, n, t + 20) == 0, "%s: recv", T[i].name);
        struct sipreg_event ev = {0};
        int failed = took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, &ev);
        CHECK_MSG(failed == T[i].fails, "%s: failed %d", T[i].name, failed);
        CHECK_MSG(!failed || ev.status == T[i].status, "%s: status %d", T[i].name, ev.status);
        CHECK_MSG(sipreg_state(r) == SIPREG_ST_REGISTERED, "%s: state", T[i].name);
        sipreg_free(r);
    }
}

/* Run r's timers from its next deadline up to `until`: the Binding requests and OPTIONS sent
 * are counted (buf keeps the last message). */
static void run_until(struct sipreg *r, sipreg_ms until, int *stun, int *options) {
    static char keep[sizeof buf];
    sipreg_ms last = -1;
    for (sipreg_ms d = sipreg_deadline(r); d <= until; d = sipreg_deadline(r)) {
        CHECK_MSG(d > last, "a deadline again at %lld", (long long)d);
        if (d <= last) return; /* the clock stands still: a bug, reported */
        last = d;
        sipreg_on_timeout(r, d);
        for (int n; (n = next_send(r)) > 0;) {
            if (is_binding_request(n)) ++*stun;
            if (!strncmp(buf, "OPTIONS ", 8)) ++*options;
            memcpy(keep, buf, (size_t)n + 1);
        }
        memcpy(buf, keep, sizeof keep);
    }
}

/* A registrar that promised outbound but runs no STUN server (RFC 5626 §8 asks it to): the
 * flow's first Binding transaction unanswered (7 sends, 79 T1 = 39.5 s) is checked at once with
 * an OPTIONS probe (RFC 5626 §4.4: the UA's own keep-alive check); answered, the flow stays on
 * OPTIONS probes at the keep-alive interval (liveness options, a liveness event with reason
 * no-stun), also across a refresh that promises outbound again; unanswered, the flow failed. A
 * flow that had a STUN answer fails on a later unanswered transaction (the path died), and
 * probe none keeps the strict rule (test_unanswered too). */
static void test_no_stun_server(void) {
    static const struct {
        const char *name;
        int probe;      /* policy.probe */
        int had_answer; /* a STUN answer came before the unanswered transaction */
        int options_ok; /* the OPTIONS probe is answered */
        int falls_back; /* an OPTIONS probe went instead of failing the flow */
        int survives;   /* the flow stays (no flowfailed) */
    } T[] = {
        {"no STUN server, OPTIONS answered: probes keep the flow", SIPREG_PROBE_OPTIONS, 0, 1, 1,
         1},
        {"no STUN server, OPTIONS unanswered: the flow failed", SIPREG_PROBE_OPTIONS, 0, 0, 1, 0},
        {"STUN answered once, then silent: the path died", SIPREG_PROBE_OPTIONS, 1, 1, 0, 0},
        {"probe none: strict, the flow failed on the STUN timeout", SIPREG_PROBE_NONE, 0, 1, 0, 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        probe_mode = T[i].probe;
        struct sipreg *r =
            registered(SIPREG_KA_AUTO, SIPREG_TP_UDP, "Require: outbound\r\nFlow-Timer: 20\r\n", 0);
        probe_mode = SIPREG_PROBE_NONE;
        if (!r) continue;
        uint8_t ans[128];
        if (T[i].had_answer) {
            sipreg_ms t = ping(r);
            size_t n = answer(ans, SIPREG_STUN_SUCCESS, IP1, 40000, 0, 0);
            CHECK_INT(sipreg_recv(r, (char *)ans, n, t + 20), 0);
        }
        sipreg_ms t0 = sipreg_deadline(r);
        int stun = 0, options = 0;
        run_until(r, t0 + 39500, &stun, &options);
        CHECK_MSG(stun == 7, "%s: %d Binding requests", T[i].name, stun);
        CHECK_MSG(options == T[i].falls_back, "%s: %d OPTIONS at the STUN timeout", T[i].name,
                  options);
        struct sipreg_event ev = {0};
        int failed = took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL);
        CHECK_MSG(failed == !T[i].falls_back, "%s: failed %d at the STUN timeout", T[i].name,
                  failed);
        if (!T[i].falls_back) {
            sipreg_free(r);
            continue;
        }
        struct sipreg_info in;
        sipreg_get_info(r, &in);
        CHECK_MSG(in.liveness == SIPREG_LIVE_OPTIONS, "%s: liveness %d", T[i].name, in.liveness);
        CHECK_MSG(in.pong_deadline > t0 + 39500 && in.pong_deadline != SIPREG_NEVER,
                  "%s: the probe's deadline", T[i].name);
        sipreg_ms t = t0 + 39500;
        if (!T[i].options_ok) {
            /* no answer within pong_timeout_ms: the flow failed (§4.4.2, as without probes) */
            sipreg_on_timeout(r, in.pong_deadline - 1);
            CHECK_MSG(!took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL), "%s: early",
                      T[i].name);
            sipreg_on_timeout(r, in.pong_deadline);
            CHECK_MSG(took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL), "%s: not failed",
                      T[i].name);
            sipreg_free(r);
            continue;
        }
        CHECK_INT(reply(r, "", t + 50), 0);
        while (sipreg_poll_event(r, &ev) == 0 && ev.type != SIPREG_EV_LIVENESS) {
        }
        CHECK_INT(ev.type, SIPREG_EV_LIVENESS);
        CHECK_INT(ev.reason, SIPREG_R_NO_STUN);
        CHECK_INT(ev.value, SIPREG_LIVE_OPTIONS);
        CHECK_STR(ev.text, "no STUN answer; OPTIONS probes keep the flow");
        CHECK(!took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL));
        /* the next probe within U[0.8, 1.0] of the Flow-Timer (20 s), not probe_s (30 s) */
        sipreg_ms d = sipreg_deadline(r);
        CHECK_MSG(d >= t + 50 + 16000 && d <= t + 50 + 20000, "%s: next probe at %lld", T[i].name,
                  (long long)(d - t));
        /* three cycles, each an OPTIONS answered, no STUN, no failure */
        for (int k = 0; k < 3; k++) {
            stun = options = 0;
            t = sipreg_deadline(r);
            run_until(r, t, &stun, &options);
            CHECK_MSG(stun == 0 && options == 1, "%s: cycle %d: %d STUN, %d OPTIONS", T[i].name, k,
                      stun, options);
            CHECK_INT(reply(r, "", t + 30), 0);
        }
        /* a refresh whose 2xx promises outbound again: still OPTIONS on this flow */
        CHECK_INT(sipreg_register(r, t + 100), 0);
        CHECK(next_send(r) > 0);
        CHECK(!strncmp(buf, "REGISTER ", 9));
        CHECK_INT(reply(r, "Require: outbound\r\nFlow-Timer: 20\r\n", t + 150), 0);
        sipreg_get_info(r, &in);
        CHECK_MSG(in.liveness == SIPREG_LIVE_OPTIONS, "%s: liveness %d after a refresh", T[i].name,
                  in.liveness);
        stun = options = 0;
        run_until(r, sipreg_deadline(r), &stun, &options);
        CHECK_MSG(stun == 0 && options == 1, "%s: after the refresh: %d STUN, %d OPTIONS",
                  T[i].name, stun, options);
        CHECK(!took_event(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, NULL));
        CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
        /* a new flow tries STUN again (it may reach another server) */
        sipreg_transport(r, 0, t + 200);
        sipreg_transport(r, 1, t + 210);
        CHECK(next_send(r) > 0 && !strncmp(buf, "REGISTER ", 9));
        CHECK_INT(reply(r, "Require: outbound\r\nFlow-Timer: 20\r\n", t + 250), 0);
        sipreg_get_info(r, &in);
        CHECK_MSG(in.liveness == SIPREG_LIVE_STUN, "%s: liveness %d on a new flow", T[i].name,
                  in.liveness);
        sipreg_free(r);
    }
}

int main(void) {
    test_when();
    test_unanswered();
    test_answers();
    test_failing_answers();
    test_no_stun_server();
    test_not_over_tcp();
    return check_done("test_stun_keepalive");
}
