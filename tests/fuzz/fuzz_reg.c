/* fuzz_reg.c — drives one registration with random commands, responses and time steps, and
 * checks the state machine's invariants after every step:
 *   - never two REGISTERs in flight: a new REGISTER goes out only after the previous transaction
 *     ended (a final response we fed, Timer F, or the flow going down);
 *   - every message sent (REGISTER or OPTIONS probe) carries the registration's Call-ID and a
 *     CSeq above every earlier one (RFC 3261 §10.2.4, §8.1.1.5), retransmissions (same branch
 *     and CSeq) excepted;
 *   - every fetch and unregister command ends (an outcome event for its op) within a bound, given
 *     a host that answers SIPREG_EV_CONNECT within 2 s and closes a failed flow;
 *   - after on_timeout(now) the deadline is later than now, or never (no busy loop);
 *   - every state change is a legal transition;
 *   - memory stays within the documented budget.
 * Responses are built to match the last REGISTER (so they reach the state machine) or not. The
 * host reports each flow it brings up (sipreg_set_flow: the kind the core asked for, or UDP when
 * it has no TCP) and random flows of its own; failover (alternates), the switch to TCP
 * (udp_max), a route and a third-party From come from the configuration byte. Requests arrive
 * too (built from tables, or raw bytes): sipreg_request_answer gives a status of the request
 * table, sipreg_respond queues at most a bounded number of responses, and every response sent is
 * a whole message (RFC 3261 §8.2.6) that never disturbs the REGISTER invariants above. A STUN
 * keep-alive over UDP (RFC 5626 §4.4.2) is a 20-byte Binding request; the host answers the last
 * one sometimes (success with a mapped port from the input, or an error response). */
#include "sipreg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #c, __LINE__);                     \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

/* Input reader. */
struct in {
    const uint8_t *p;
    size_t n;
};

/* Next byte (0 at the end). */
static uint8_t next(struct in *in) {
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

/* Value of header `name` in the CRLF message `msg` (copied), or "". */
static void header(const char *msg, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    out[0] = 0;
    for (const char *p = strstr(msg, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        if (!strncmp(p + 2, name, n) && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t len = e ? (size_t)(e - v) : 0;
            if (len >= cap) len = cap - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return;
        }
    }
}

/* The longest a fetch or an unregister may stay without its outcome (fuzz time): the open
 * transaction and the commands ahead of it, each a few Timer F (32 s) or the 32 s bound; with
 * failover (policy.alternates) every attempt may take one Timer F per server. */
#define COMMAND_BOUND_MS (20 * 60 * 1000 * (1 + cfg.policy.alternates))

/* A legal state change (from -> to): some row of the transition table leads there (the
 * trigger is not visible in the event; the core itself checks the full row in native builds). */
static int legal(int from, int to) {
    size_t n;
    const struct sipreg_transition *t = sipreg_transitions(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].from == from && t[i].to == to) return 1;
    return 0;
}

static const char *const STATUS_LINES[] = {"SIP/2.0 100 Trying",
                                           "SIP/2.0 200 OK",
                                           "SIP/2.0 401 Unauthorized",
                                           "SIP/2.0 407 Proxy Authentication Required",
                                           "SIP/2.0 423 Interval Too Brief",
                                           "SIP/2.0 439 First Hop Lacks Outbound Support",
                                           "SIP/2.0 503 Service Unavailable",
                                           "SIP/2.0 403 Forbidden",
                                           "SIP/2.0 302 Moved",
                                           "SIP/2.0 500 Server Error"};

static const char *const EXTRA_HEADERS[] = {
    "Contact: <sip:abc@xyz.invalid;transport=ws>;expires=600\r\n",
    "Contact: <sip:abc@xyz.invalid;transport=ws>;expires=0\r\n",
    ("Contact: <sip:other@x.invalid>;expires=30, <sip:abc@xyz.invalid;transport=ws>\r\n"
     "Expires: 70\r\n"),
    "WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"\r\n",
    "WWW-Authenticate: Digest realm=\"r\", nonce=\"n2\", stale=true, algorithm=SHA-256\r\n",
    "Proxy-Authenticate: Digest realm=\"p\", nonce=\"n3\"\r\n",
    "Min-Expires: 900\r\n",
    "Min-Expires: 10\r\n",
    "Retry-After: 0\r\n",
    "Retry-After: 5\r\n",
    "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n",
    "Contact: *\r\n",
    "",
};

/* Methods and Request-URIs of the requests the fuzzer sends (ours: the configured contact). */
static const char *const METHODS[] = {"OPTIONS", "INVITE", "ACK",     "CANCEL",
                                      "BYE",     "FOO",    "MESSAGE", "invite"};
static const char *const RURIS[] = {"sip:a@b.invalid;transport=ws", "sip:alice@example.test",
                                    "sip:other@example.test", "tel:+1555", "http://x/"};

/* Answer a request the core called one: the table's status, or one the byte picks; the result is
 * a status of the table, 0 (ACK) or a documented refusal. */
static void respond(struct sipreg *r, const char *req, size_t n, uint8_t b) {
    static const int STATUSES[] = {0, 100, 180, 200, 486, 603, 99, 700};
    static const char *const HEADERS[] = {"", "X-A: 1\r\n", "Via: x\r\n", "bad"};
    int a = sipreg_request_answer(r, req, n);
    CHECK(a < 0 || a == 0 || a == 200 || a == 400 || a == 404 || a == 416 || a == 420 || a == 480 ||
          a == 481 || a == 501);
    const char *h = HEADERS[(b >> 3) & 3];
    int s = STATUSES[b & 7];
    int rc = sipreg_respond(r, req, n, s, NULL, 0, h, strlen(h));
    CHECK(rc >= 0 || rc == SIPREG_E_INVAL || rc == SIPREG_E_LIMIT || rc == SIPREG_E_NOMEM ||
          rc == a);
    if (rc > 0) CHECK(rc == (s ? s : a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct in in = {data, size};
    struct sipreg_config cfg;
    sipreg_config_init(&cfg);
    cfg.aor = "sip:alice@example.test";
    cfg.password = "secret";
    cfg.contacts[0].uri = "sip:abc@xyz.invalid;transport=ws";
    cfg.contacts[0].expires = -1;
    cfg.contacts[0].q = -1;
    cfg.ncontacts = 1;
    uint8_t mode = next(&in);
    cfg.transport = (mode & 1) ? SIPREG_TP_UDP : SIPREG_TP_WS;
    cfg.expires = (mode & 2) ? 30 : 600;
    cfg.policy.manual_refresh = (mode & 4) != 0;
    cfg.policy.keepalive = (mode >> 3) % 3;
    cfg.policy.probe = (mode >> 5) % 3;
    uint8_t mode2 = next(&in);
    cfg.policy.alternates = mode2 & 3;
    cfg.policy.udp_max = (mode2 & 4) ? 400 : 1300;
    if (mode2 & 8) cfg.route = "sip:proxy.example.test";
    if (mode2 & 16) cfg.from = "sip:assistant@example.test";
    if (mode2 & 32) cfg.contacts[0].uri = NULL; /* a generated contact (set_flow rewrites it) */
    for (int i = 0; i < 8; i++)
        cfg.seed[i] = next(&in);
    struct sipreg *r;
    if (sipreg_new(&r, &cfg) != 0) return 0;
    struct sipreg_info info;
    sipreg_get_info(r, &info);
    char call_id[128];
    snprintf(call_id, sizeof call_id, "%.*s", (int)info.call_id.len, info.call_id.p);

    static char sent[SIPREG_MAX_MESSAGE];     /* the last message sent */
    static char reg_sent[SIPREG_MAX_MESSAGE]; /* the last REGISTER sent */
    static char opt_sent[SIPREG_MAX_MESSAGE]; /* the last OPTIONS sent */
    static char msg[4096];
    char last_branch[128] = "";
    int have_reg = 0, have_opt = 0, have_stun = 0;
    uint8_t stun_sent[SIPREG_STUN_HEADER]; /* the last STUN Binding request sent */
    unsigned last_cseq = 0;
    int tx_open = 0; /* our view: a REGISTER is in flight */
    int64_t tx_sent = 0;
    int state = SIPREG_ST_IDLE;
    int64_t now = 0;
    /* the host: answers a connect request within 2 s, closes a failed flow */
    int64_t connect_asked = -1, close_asked = -1;
    int64_t connect_kind = 0; /* the connect event's value: 0 any flow, SIPREG_TP_TCP */
    uint16_t port = 40000;    /* local ports of the flows the host opens */
    /* commands waiting for their outcome, since when (-1: none) */
    int64_t fetch_since = -1, unreg_since = -1;

    for (int steps = 0; in.n && steps < 200; steps++) {
        uint8_t op = next(&in);
        switch (op % 14) {
        case 0:
            sipreg_register(r, now);
            break;
        case 1:
            sipreg_unregister(r, next(&in) & 1, now);
            if (unreg_since < 0) unreg_since = now;
            break;
        case 2:
            sipreg_fetch(r, now);
            if (fetch_since < 0) fetch_since = now;
            break;
        case 3: {
            int up = next(&in) & 1;
            sipreg_transport(r, up, now);
            if (!up) tx_open = 0; /* a flow going down ends the transaction */
            if (!up) close_asked = -1;
            connect_asked = -1;
            break;
        }
        case 4: {
            struct sipreg_contact_spec c[2] = {{"sip:new@xyz.invalid;transport=ws", 300, 500},
                                               {NULL, -1, -1}};
            sipreg_set_contacts(r, c, 1 + (next(&in) & 1), now);
            break;
        }
        case 5:
        case 6: {
            /* a response, built to match the last REGISTER (or OPTIONS) unless the byte says
             * otherwise */
            uint8_t b = next(&in), h = next(&in);
            int to_opt = (h & 8) && have_opt;
            if (!have_reg && !to_opt) break;
            const char *req = to_opt ? opt_sent : reg_sent;
            char via[512], cid[128], cseq[64];
            header(req, "Via", via, sizeof via);
            header(req, "Call-ID", cid, sizeof cid);
            header(req, "CSeq", cseq, sizeof cseq);
            if (b & 0x80) cid[0] = 'X';
            int n = snprintf(msg, sizeof msg,
                             "%s\r\nVia: %s\r\nFrom: <sip:alice@example.test>;tag=1\r\n"
                             "To: <sip:alice@example.test>;tag=2\r\nCall-ID: %s\r\nCSeq: %s\r\n"
                             "%s%s\r\n",
                             STATUS_LINES[b % 10], via, cid, cseq, EXTRA_HEADERS[h % 13],
                             EXTRA_HEADERS[(h >> 4) % 13]);
            int rc = sipreg_recv(r, msg, (size_t)n, now);
            if (rc == 0 && b % 10 != 0 && !to_opt) tx_open = 0; /* a final response ended it */
            break;
        }
        case 7: {
            /* raw bytes from the input as a message */
            size_t n = next(&in) % 64;
            if (n > in.n) n = in.n;
            if (sipreg_recv(r, (const char *)in.p, n, now) == SIPREG_RECV_REQUEST)
                respond(r, (const char *)in.p, n, next(&in));
            /* a pool's routing key: "r:..." or "c:...", NUL-terminated, or an error */
            char key[96];
            int kl = sipreg_route_key((const char *)in.p, n, key, sizeof key);
            CHECK(kl < 0 || ((size_t)kl < sizeof key && key[kl] == 0 && key[1] == ':' &&
                             (key[0] == 'r' || key[0] == 'c')));
            in.p += n;
            in.n -= n;
            break;
        }
        case 13: {
            /* a request on the flow: method, Request-URI, headers from tables */
            uint8_t b = next(&in), h = next(&in);
            int n = snprintf(msg, sizeof msg,
                             "%s %s SIP/2.0\r\nVia: SIP/2.0/WS p.invalid;branch=z9hG4bK%u\r\n"
                             "From: <sip:bob@example.test>;tag=f\r\nTo: <%s>%s\r\n"
                             "Call-ID: c%u\r\nCSeq: 1 %s\r\n%s\r\n",
                             METHODS[b % 8], RURIS[(b >> 3) % 5], (unsigned)h, RURIS[(b >> 3) % 5],
                             h & 1 ? ";tag=t" : "", (unsigned)(h >> 4),
                             METHODS[(b >> 6) ? b % 8 : 0], EXTRA_HEADERS[h % 13]);
            int rc = sipreg_recv(r, msg, (size_t)n, now);
            CHECK(rc == SIPREG_RECV_REQUEST || rc < 0);
            if (rc == SIPREG_RECV_REQUEST) respond(r, msg, (size_t)n, next(&in));
            break;
        }
        case 8:
            sipreg_network_changed(r, now);
            break;
        case 9: {
            uint8_t b = have_stun ? next(&in) : 0;
            if (!(b & 1)) {
                sipreg_recv(r, "\r\n", 2, now); /* a pong */
                break;
            }
            /* the answer to the last STUN request: success with XOR-MAPPED-ADDRESS 192.168.1.9
             * and port 0 or 1 (RFC 5389 §15.2), or an error response 500 (§15.6) */
            static const uint8_t XOR_ADDR[8] = {0x00, 0x01, 0x21, 0x12, 0xe1, 0xba, 0xa5, 0x4b};
            static const uint8_t ERROR_CODE[4] = {0x00, 0x00, 0x05, 0x00};
            int err = b & 2, alen = err ? 4 : 8;
            uint8_t a[32];
            memcpy(a, stun_sent, SIPREG_STUN_HEADER);
            a[0] = 0x01;
            a[1] = err ? 0x11 : 0x01;
            a[3] = (uint8_t)(4 + alen);
            a[20] = 0x00;
            a[21] = err ? 0x09 : 0x20;
            a[22] = 0x00;
            a[23] = (uint8_t)alen;
            memcpy(a + 24, err ? ERROR_CODE : XOR_ADDR, (size_t)alen);
            if (!err) a[27] ^= (uint8_t)(b >> 7);
            int rc = sipreg_recv(r, (const char *)a, SIPREG_STUN_HEADER + a[3], now);
            /* well-formed: ours or stale over UDP; over a flow of another kind no STUN (§4.4.2) */
            CHECK(rc == 0 || rc == SIPREG_RECV_STALE || (rc < 0 && rc > SIPREG_E_STUN_HEADER));
            break;
        }
        case 10: {
            /* the host reports a flow of its own: any kind, a v4/v6/bad host, any port */
            static const char *const HOSTS[] = {"192.0.2.1", "2001:db8::1",    "[::1]",
                                                "bad host",  "h.example.test", ""};
            uint8_t b = next(&in), h = next(&in);
            const char *host = HOSTS[h % 6];
            int rc =
                sipreg_set_flow(r, b % 7, host, strlen(host), (int)(next(&in) * 300) - 100, now);
            CHECK(rc == 0 || rc == SIPREG_E_INVAL);
            break;
        }
        default: {
            /* time passes: a little, a lot, or to the deadline (a host timer firing) */
            uint8_t t = next(&in);
            sipreg_ms d = sipreg_deadline(r);
            if ((t & 3) == 0 && d != SIPREG_NEVER)
                now = d > now ? d : now;
            else
                now += (int64_t)(t >> 2) * ((t & 1) ? 1000 : 37);
            sipreg_on_timeout(r, now);
            CHECK(sipreg_deadline(r) > now);
            if (tx_open && now >= tx_sent + 32000) tx_open = 0; /* Timer F */
            /* the host acts: a failed flow is closed, a connect completes or fails */
            if (close_asked >= 0) {
                sipreg_transport(r, 0, now);
                tx_open = 0;
                close_asked = -1;
            } else if (connect_asked >= 0 && now >= connect_asked + 2000) {
                int up = t & 2 ? 1 : 0;
                /* the flow's kind: TCP when asked for (or UDP: a host without TCP), else ours */
                int kind =
                    connect_kind == SIPREG_TP_TCP && !(t & 0x80) ? SIPREG_TP_TCP : cfg.transport;
                if (up) CHECK(sipreg_set_flow(r, kind, "192.0.2.9", 9, ++port, now) == 0);
                sipreg_transport(r, up, now);
                if (!up) tx_open = 0; /* a stream flow asked for while one was up: it failed */
                connect_asked = -1;
            }
        }
        }
        /* drain: every new REGISTER needs the previous transaction to have ended */
        int n;
        while ((n = sipreg_poll_send(r, sent, sizeof sent - 1)) > 0) {
            sent[n] = 0;
            if (sipreg_stun_is(sent, (size_t)n)) {
                /* a STUN keep-alive: a Binding request of 20 bytes (RFC 5626 §8) */
                struct sipreg_stun m;
                CHECK(n == SIPREG_STUN_HEADER && sipreg_stun_parse(&m, sent, 20, NULL) == 0);
                CHECK(m.cls == SIPREG_STUN_REQUEST && m.method == SIPREG_STUN_BINDING);
                memcpy(stun_sent, sent, SIPREG_STUN_HEADER);
                have_stun = 1;
                continue;
            }
            if (!strncmp(sent, "SIP/2.0 ", 8)) {
                /* our response to a request: whole, with no body (§8.2.6) */
                CHECK(n > 24 && !strcmp(sent + n - 21, "Content-Length: 0\r\n\r\n"));
                continue;
            }
            const char *cs = strstr(sent, "\r\nCSeq: ");
            if (!cs) {
                CHECK(n == 4 && !memcmp(sent, "\r\n\r\n", 4)); /* a keep-alive ping */
                continue;
            }
            int is_options = !strncmp(sent, "OPTIONS ", 8);
            CHECK(is_options || !strncmp(sent, "REGISTER ", 9));
            char cid[128], via[512];
            header(sent, "Call-ID", cid, sizeof cid);
            CHECK(!strcmp(cid, call_id)); /* one Call-ID per registration (§10.2) */
            header(sent, "Via", via, sizeof via);
            const char *br = strstr(via, ";branch=");
            CHECK(br != NULL);
            unsigned seq = (unsigned)strtoul(cs + 8, NULL, 10);
            if (seq == last_cseq && !strcmp(br, last_branch)) {
                CHECK(!is_options); /* a retransmission (UDP REGISTER only) */
            } else {
                CHECK(seq > last_cseq); /* CSeq only increases within the Call-ID (§10.2.4) */
                if (!is_options) {
                    CHECK(!tx_open); /* never two REGISTERs in flight (RFC 3261 §10.2) */
                    tx_open = 1;
                    tx_sent = now;
                }
            }
            last_cseq = seq;
            snprintf(last_branch, sizeof last_branch, "%s", br);
            if (is_options) {
                memcpy(opt_sent, sent, (size_t)n + 1);
                have_opt = 1;
            } else {
                memcpy(reg_sent, sent, (size_t)n + 1);
                have_reg = 1;
            }
        }
        struct sipreg_event ev;
        while (sipreg_poll_event(r, &ev) == 0) {
            if (ev.type == SIPREG_EV_STATE) {
                CHECK(legal(state, (int)ev.value));
                state = (int)ev.value;
            }
            CHECK(ev.at == SIPREG_NEVER || ev.at >= 0);
            if (ev.type == SIPREG_EV_CONNECT && connect_asked < 0) connect_asked = now;
            if (ev.type == SIPREG_EV_CONNECT) {
                CHECK(ev.value == 0 || ev.value == SIPREG_TP_TCP);
                connect_kind = ev.value;
            }
            if (ev.type == SIPREG_EV_FLOW_FAILED) close_asked = now;
            int outcome = ev.type == SIPREG_EV_FAILED || ev.type == SIPREG_EV_BINDINGS ||
                          ev.type == SIPREG_EV_UNREGISTERED;
            if (outcome && ev.op == SIPREG_OP_FETCH) fetch_since = -1;
            if (outcome && (ev.op == SIPREG_OP_UNREGISTER || ev.op == SIPREG_OP_UNREGISTER_ALL))
                unreg_since = -1;
        }
        /* every command ends (issue 11): no fetch or unregister waits past the bound */
        CHECK(fetch_since < 0 || now - fetch_since <= COMMAND_BOUND_MS);
        CHECK(unreg_since < 0 || now - unreg_since <= COMMAND_BOUND_MS);
        CHECK(sipreg_memory(r) <= 4096 + 256);
        struct sipreg_binding b[SIPREG_MAX_BINDINGS + SIPREG_MAX_CONTACTS];
        size_t nb;
        CHECK(sipreg_bindings(r, b, sizeof b / sizeof b[0], &nb) == 0);
    }
    sipreg_free(r);
    return 0;
}
