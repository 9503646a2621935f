/* test_flow.c — the flow the host reports (sipreg_set_flow), the outbound proxy (route) and
 * third-party registration (from): what each puts into the REGISTER, what each refuses, the
 * saved state across a reload, and the memory a registration holds with them. Timed rules
 * (failover, the switch to TCP, the removal of an old Contact) are scenario scripts 80-86. */
#include "check.h"
#include "hash.h"
#include "sipreg.h"

#include <stdlib.h>

static char req[SIPREG_MAX_MESSAGE]; /* the request under test (begin() writes it) */

/* A registration of sip:alice@example.test with one generated contact (no outbound, so the
 * Contact line ends at the URI). */
static void config(struct sipreg_config *c) {
    sipreg_config_init(c);
    c->aor = "sip:alice@example.test";
    c->password = "secret";
    c->outbound = 0;
    c->policy.probe = SIPREG_PROBE_NONE;
}

/* The next message of r into buf (NUL-terminated); its length, or a negative code. */
static int next_send(struct sipreg *r, char *buf, size_t cap) {
    int n = sipreg_poll_send(r, buf, cap - 1);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

/* A registration from c (NULL: none made) whose flow (host NULL: none reported) comes up, and
 * its first REGISTER in `req`. */
static struct sipreg *begin(const struct sipreg_config *c, const char *blob, size_t blen,
                            int transport, const char *host, int port) {
    struct sipreg *r = NULL;
    CHECK_INT(sipreg_new_with_state(&r, c, blob, blen), 0);
    if (!r) return NULL;
    if (host) CHECK_INT(sipreg_set_flow(r, transport, host, strlen(host), port, 0), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    CHECK(next_send(r, req, sizeof req) > 0);
    return r;
}

/* sipreg_set_flow per transport (RFC 3261 §18.1.1 Via; RFC 3581 rport over UDP; §25.1 IPv6
 * references in brackets; RFC 7118 §5 for WebSocket): each row reports one flow and checks the
 * first REGISTER's Via and generated Contact. */
static void test_flow_table(void) {
    static const struct {
        int transport;
        const char *host;
        int port;
        const char *via;     /* the Via line's start */
        const char *contact; /* the end of the generated Contact URI, with the closing '>' */
        const char *lacks;   /* text the request must not have */
    } ROWS[] = {
        {SIPREG_TP_UDP, "192.0.2.1", 5060, "Via: SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK",
         "@192.0.2.1:5060>\r\n", ";transport="},
        {SIPREG_TP_TCP, "192.0.2.2", 40000, "Via: SIP/2.0/TCP 192.0.2.2:40000;branch=z9hG4bK",
         "@192.0.2.2:40000;transport=tcp>\r\n", ";rport"},
        {SIPREG_TP_TLS, "192.0.2.3", 40001, "Via: SIP/2.0/TLS 192.0.2.3:40001;branch=z9hG4bK",
         "@192.0.2.3:40001;transport=tls>\r\n", "sips:"},
        {SIPREG_TP_UDP, "::1", 5062,
         "Via: SIP/2.0/UDP [::1]:5062;rport;branch=", "@[::1]:5062>\r\n", "@::1"},
        {SIPREG_TP_TCP, "2001:db8::7", 40002, "Via: SIP/2.0/TCP [2001:db8::7]:40002;branch=",
         "@[2001:db8::7]:40002;transport=tcp>\r\n", ";rport"},
        {SIPREG_TP_TLS, "[2001:db8::8]", 40003, "Via: SIP/2.0/TLS [2001:db8::8]:40003;branch=",
         "@[2001:db8::8]:40003;transport=tls>\r\n", "[["},
        {SIPREG_TP_UDP, "fe80::1%eth0", 5064,
         "Via: SIP/2.0/UDP [fe80::1]:5064;rport;branch=", "@[fe80::1]:5064>\r\n", "%"},
        {SIPREG_TP_TCP, "client.example.test", 40004,
         "Via: SIP/2.0/TCP client.example.test:40004;branch=",
         "@client.example.test:40004;transport=tcp>\r\n", ".invalid"},
        {SIPREG_TP_WS, "192.0.2.9", 80, "Via: SIP/2.0/WS ", ".invalid;transport=ws>\r\n",
         "192.0.2.9"},
        {SIPREG_TP_WSS, "192.0.2.9", 443, "Via: SIP/2.0/WSS ", ".invalid;transport=ws>\r\n",
         "192.0.2.9"},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct sipreg_config c;
        struct sipreg *r;
        config(&c);
        c.transport = ROWS[i].transport;
        r = begin(&c, NULL, 0, ROWS[i].transport, ROWS[i].host, ROWS[i].port);
        CHECK_MSG(strstr(req, ROWS[i].via) != NULL, "row %zu: no \"%s\" in\n%s", i, ROWS[i].via,
                  req);
        const char *ct = strstr(req, "\r\nContact: <sip:");
        CHECK_MSG(ct && strstr(ct, ROWS[i].contact), "row %zu: no \"%s\" in\n%s", i,
                  ROWS[i].contact, req);
        CHECK_MSG(strstr(req, ROWS[i].lacks) == NULL, "row %zu: \"%s\" in\n%s", i, ROWS[i].lacks,
                  req);
        sipreg_free(r);
    }
}

/* Bad flows are refused (SIPREG_E_INVAL) and change nothing: the next REGISTER is as before. */
static void test_flow_refused(void) {
    static const struct {
        const char *what;
        int transport;
        const char *host;
        int port;
    } ROWS[] = {
        {"transport 0", 0, "192.0.2.1", 5060},
        {"transport 6", 6, "192.0.2.1", 5060},
        {"no host", SIPREG_TP_UDP, "", 5060},
        {"port 0", SIPREG_TP_TCP, "192.0.2.1", 0},
        {"port 65536", SIPREG_TP_TCP, "192.0.2.1", 65536},
        {"a space", SIPREG_TP_UDP, "a b", 5060},
        {"header injection", SIPREG_TP_UDP, "h\r\nX: y", 5060},
        {"userinfo", SIPREG_TP_UDP, "user@host", 5060},
        {"parameters", SIPREG_TP_UDP, "host;lr", 5060},
        {"host:port (not an IPv6 address)", SIPREG_TP_UDP, "host:5060", 5060},
        {"unbalanced bracket", SIPREG_TP_UDP, "[::1", 5060},
        {"65 bytes", SIPREG_TP_TCP,
         "a123456789b123456789c123456789d123456789e123456789f123456789.test", 5060},
    };
    struct sipreg_config c;
    struct sipreg *r;
    config(&c);
    c.transport = SIPREG_TP_UDP;
    CHECK_INT(sipreg_new(&r, &c), 0);
    CHECK_INT(sipreg_set_flow(r, SIPREG_TP_UDP, "192.0.2.1", 9, 5060, 0), 0);
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
        CHECK_MSG(sipreg_set_flow(r, ROWS[i].transport, ROWS[i].host, strlen(ROWS[i].host),
                                  ROWS[i].port, 0) == SIPREG_E_INVAL,
                  "%s: accepted", ROWS[i].what);
    CHECK_INT(sipreg_set_flow(NULL, SIPREG_TP_UDP, "192.0.2.1", 9, 5060, 0), SIPREG_E_INVAL);
    CHECK_INT(sipreg_set_flow(r, SIPREG_TP_UDP, NULL, 0, 5060, 0), SIPREG_E_INVAL);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    CHECK(next_send(r, req, sizeof req) > 0);
    CHECK(strstr(req, "Via: SIP/2.0/UDP 192.0.2.1:5060;rport;branch=") != NULL);
    CHECK(strstr(req, "@192.0.2.1:5060>\r\n") != NULL);
    sipreg_free(r);
}

/* The composer's From, To and Route (RFC 3261 §10.2 third party, §8.1.2 outbound proxy): a
 * Route URI with ;lr keeps it (once), one without gets it; the digest user follows From. */
static void test_route_and_from(void) {
    static const struct {
        const char *route, *from, *username;
        const char *has[3];
    } ROWS[] = {
        {"sip:proxy.test",
         NULL,
         NULL,
         {"\r\nMax-Forwards: 70\r\nRoute: <sip:proxy.test;lr>\r\n",
          "\r\nFrom: <sip:alice@example.test>;tag=", "\r\nTo: <sip:alice@example.test>\r\n"}},
        {"sip:proxy.test;lr", NULL, NULL, {"Route: <sip:proxy.test;lr>\r\n", "", ""}},
        {"sips:10.0.0.1:5061;LR;transport=tcp",
         NULL,
         NULL,
         {"Route: <sips:10.0.0.1:5061;LR;transport=tcp>\r\n", "", ""}},
        {"sip:[2001:db8::1]:5060;maddr=10.0.0.2",
         NULL,
         NULL,
         {"Route: <sip:[2001:db8::1]:5060;maddr=10.0.0.2;lr>\r\n", "", ""}},
        {NULL,
         "sip:boss-assistant@corp.test",
         NULL,
         {"\r\nFrom: <sip:boss-assistant@corp.test>;tag=", "\r\nTo: <sip:alice@example.test>\r\n",
          "Digest username=\"boss-assistant\""}},
        {NULL,
         "sip:corp.test",
         NULL, /* no user part: the AOR's user answers challenges */
         {"\r\nFrom: <sip:corp.test>;tag=", "Digest username=\"alice\"", ""}},
        {NULL,
         "sips:pa@corp.test",
         "override",
         {"\r\nFrom: <sips:pa@corp.test>;tag=", "Digest username=\"override\"", ""}},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct sipreg_config c;
        struct sipreg *r;
        config(&c);
        c.route = ROWS[i].route;
        c.from = ROWS[i].from;
        c.username = ROWS[i].username;
        r = begin(&c, NULL, 0, 0, NULL, 0);
        check_answer(
            r, req, "401 Unauthorized",
            "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"n\", qop=\"auth\"\r\n", 5);
        CHECK(next_send(r, req, sizeof req) > 0);
        for (int k = 0; k < 3; k++)
            CHECK_MSG(strstr(req, ROWS[i].has[k]) != NULL, "row %zu: no \"%s\" in\n%s", i,
                      ROWS[i].has[k], req);
        const char *route = strstr(req, "Route: ");
        CHECK_MSG(!ROWS[i].route || (route && !strstr(route + 1, "Route: ") &&
                                     !strstr(req, ";lr;lr") && !strstr(req, ";LR;lr")),
                  "row %zu: one Route with one lr:\n%s", i, req);
        CHECK(ROWS[i].route || !route);
        sipreg_free(r);
    }
}

/* The saved state keeps a generated Contact as generated (sipreg_export): after a reload over
 * WebSocket it continues as it was; over UDP/TCP/TLS the reported flow replaces it, the saved one
 * removed once (expires=0). A blob saved before this field existed still loads (configured). */
static void test_state(void) {
    static char blob[SIPREG_MAX_MESSAGE];
    struct sipreg_config c;
    struct sipreg *r;
    config(&c);
    c.transport = SIPREG_TP_TCP;
    r = begin(&c, NULL, 0, SIPREG_TP_TCP, "192.0.2.5", 40100);
    if (!r) return;
    char uri[128] = "";
    const char *a = strstr(req, "Contact: <"), *b = a ? strchr(a, '>') : NULL;
    if (a && b) snprintf(uri, sizeof uri, "%.*s", (int)(b - a - 10), a + 10);
    CHECK(strstr(uri, "@192.0.2.5:40100;transport=tcp") != NULL);
    char line[256];
    snprintf(line, sizeof line, "Contact: <%s>;expires=600\r\n", uri);
    check_answer(r, req, "200 OK", line, 10);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
    int n = sipreg_export(r, blob, sizeof blob);
    CHECK(n > 0);
    sipreg_free(r);
    CHECK_MSG(strstr(blob, "|1\n") != NULL, "generated flag saved:\n%s", blob);

    /* reload; the new TCP flow has another local port: the saved Contact goes once with
     * expires=0, the new one at the new address with the same Call-ID and the next CSeq */
    r = begin(&c, blob, (size_t)n, SIPREG_TP_TCP, "192.0.2.5", 40200);
    if (!r) return;
    snprintf(line, sizeof line, "Contact: <%s>;expires=0\r\n", uri);
    CHECK_MSG(strstr(req, line) != NULL, "saved contact removed:\n%s", req);
    CHECK(strstr(req, "@192.0.2.5:40200;transport=tcp>\r\n") != NULL);
    CHECK(strstr(req, "\r\nCSeq: 2 REGISTER\r\n") != NULL);
    sipreg_free(r);

    /* reload over WebSocket: the saved Contact continues unchanged (no removal) */
    r = begin(&c, blob, (size_t)n, SIPREG_TP_WSS, "", 0);
    if (!r) return;
    snprintf(line, sizeof line, "Contact: <%s>\r\n", uri);
    CHECK_MSG(strstr(req, line) != NULL && !strstr(req, "expires=0"), "kept:\n%s", req);
    CHECK(strstr(req, "Via: SIP/2.0/WSS ") != NULL);
    sipreg_free(r);

    /* a damaged generated field is refused like any damage (the checksum is redone here) */
    char *bad = strstr(blob, "|1\n");
    if (bad) bad[1] = '7';
    char *sum = strstr(blob, "sum=");
    if (sum) { /* re-seal it as the exporter does: MD5 over what precedes "sum=", 8 hex */
        uint8_t d[SIPREG__MD5_LEN];
        struct sipreg__md5 h;
        sipreg__md5_init(&h);
        sipreg__md5_update(&h, blob, (size_t)(sum - blob));
        sipreg__md5_final(&h, d);
        for (int i = 0; i < 4; i++)
            snprintf(sum + 4 + 2 * i, 3, "%02x", d[i]);
        sum[12] = '\n';
    }
    CHECK_INT(sipreg_new_with_state(&r, &c, blob, (size_t)n), SIPREG_E_STATE_BLOB);
}

/* Memory per registration stays small with a route, a third-party From and a long flow host
 * (the documented 4 KiB budget; the flow host is allocated to size). */
static void test_memory(void) {
    struct sipreg_config c;
    struct sipreg *r;
    config(&c);
    c.route = "sip:outbound-proxy.example.test:5060;transport=tcp";
    c.from = "sip:assistant@example.test";
    sipreg_config_add_contact(&c, NULL, -1, -1);
    sipreg_config_add_contact(&c, NULL, -1, 500);
    CHECK_INT(sipreg_new(&r, &c), 0);
    size_t before = sipreg_memory(r);
    static const char host[] = "a123456789b123456789c123456789d123456789e123456789f12345.test";
    CHECK_INT(sipreg_set_flow(r, SIPREG_TP_TLS, host, sizeof host - 1, 65535, 0), 0);
    size_t after = sipreg_memory(r);
    CHECK_MSG(after <= 4096 && after >= before + sizeof host - 1, "%zu -> %zu bytes", before,
              after);
    sipreg_free(r);
}

/* The new keys by name (sipreg_config_set): values out of range are refused. */
static void test_config_keys(void) {
    static const struct {
        const char *key, *value;
        int expect;
    } ROWS[] = {
        {"alternates", "0", 0},
        {"alternates", "3", 0},
        {"alternates", "20", 0},
        {"alternates", "-1", SIPREG_E_CONFIG},
        {"alternates", "21", SIPREG_E_CONFIG},
        {"alternates", "two", SIPREG_E_CONFIG},
        {"udp-max", "1300", 0},
        {"udp-max", "0", 0},
        {"udp-max", "65535", 0},
        {"udp-max", "65536", SIPREG_E_CONFIG},
        {"udp-max", "-5", SIPREG_E_CONFIG},
        {"from", "sip:pa@example.test", 0},
        {"route", "sip:proxy.test", 0},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct sipreg_config c;
        config(&c);
        CHECK_MSG(sipreg_config_set(&c, ROWS[i].key, ROWS[i].value) == ROWS[i].expect, "%s=%s",
                  ROWS[i].key, ROWS[i].value);
    }
    struct sipreg_config c;
    config(&c);
    CHECK_INT(c.policy.alternates, 0); /* the defaults */
    CHECK_INT(c.policy.udp_max, 1300);
    CHECK_INT(sipreg_config_set(&c, "udp-max", "900"), 0);
    CHECK_INT(c.policy.udp_max, 900);
    CHECK_INT(sipreg_config_set(&c, "alternates", "4"), 0);
    CHECK_INT(c.policy.alternates, 4);
    CHECK_INT(sipreg_config_set(&c, "route", "sip:p.test"), 0);
    CHECK(c.route && !strcmp(c.route, "sip:p.test"));
}

/* sipreg_set_multicast (RFC 3261 §18.1.1: a request sent to a multicast group MUST carry maddr
 * in its Via, and ttl 1 for IPv4): set, the next REGISTER names the group; cleared (a registrar
 * answered and the flow sends to it), the next one does not; bad groups are refused. */
static void test_multicast(void) {
    static const char *const REFUSED[] = {
        "192.0.2.1",       /* unicast */
        "240.0.0.1",       /* reserved, not multicast */
        "224.0.1",         /* three parts */
        "224.0.1.75.1",    /* five */
        "224.0.1.256",     /* an octet over 255 */
        "224.0.01.75",     /* a leading zero */
        "224..1.75",       /* an empty part */
        "ff02::1",         /* IPv6 (no group is allocated for SIP, §10.2.6) */
        "224.0.1.75;x=1",  /* parameters */
        "239.255.255.2555" /* longer than an address */
    };
    struct sipreg_config c;
    struct sipreg *r;
    config(&c);
    c.transport = SIPREG_TP_UDP;
    c.discovery = SIPREG_DISCOVER_MULTICAST;
    CHECK_INT(sipreg_new(&r, &c), 0);
    CHECK_INT(sipreg_set_flow(r, SIPREG_TP_UDP, "192.0.2.1", 9, 5060, 0), 0);
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++)
        CHECK_MSG(sipreg_set_multicast(r, REFUSED[i], strlen(REFUSED[i]), 1) == SIPREG_E_INVAL,
                  "%s: accepted", REFUSED[i]);
    CHECK_INT(sipreg_set_multicast(r, "224.0.1.75", 10, 256), SIPREG_E_INVAL);
    CHECK_INT(sipreg_set_multicast(r, "224.0.1.75", 10, -1), SIPREG_E_INVAL);
    CHECK_INT(sipreg_set_multicast(NULL, "224.0.1.75", 10, 1), SIPREG_E_INVAL);
    CHECK_INT(sipreg_set_multicast(r, "224.0.1.75", 10, 1), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    CHECK(next_send(r, req, sizeof req) > 0);
    CHECK_MSG(strstr(req, "Via: SIP/2.0/UDP 192.0.2.1:5060;rport;maddr=224.0.1.75;ttl=1;branch=") !=
                  NULL,
              "no maddr/ttl in\n%s", req);
    CHECK(strncmp(req, "REGISTER sip:sip.mcast.net SIP/2.0\r\n", 36) == 0);
    /* a Timer E copy is the same bytes: still to the group */
    char again[SIPREG_MAX_MESSAGE];
    sipreg_on_timeout(r, 500);
    CHECK(next_send(r, again, sizeof again) > 0 && !strcmp(again, req));
    /* a registrar answered (401): the request with credentials goes to it alone */
    CHECK_INT(sipreg_set_multicast(r, NULL, 0, 0), 0);
    check_answer(r, req, "401 Unauthorized",
                 "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"n1\"\r\n", 600);
    CHECK(next_send(r, req, sizeof req) > 0);
    CHECK(strstr(req, "Authorization: Digest") != NULL);
    CHECK_MSG(strstr(req, "maddr") == NULL && strstr(req, ";ttl=") == NULL, "maddr in\n%s", req);
    sipreg_free(r);
}

int main(void) {
    test_config_keys();
    test_multicast();
    test_flow_table();
    test_flow_refused();
    test_route_and_from();
    test_state();
    test_memory();
    return check_done("flow");
}
