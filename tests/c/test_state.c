/* test_state.c — saved state survives a reload: the restored registration continues the same
 * Call-ID and CSeq with the same contacts, instance and cached nonce (no ghost binding, no extra
 * challenge); corrupt, foreign and truncated blobs are refused. */
#include "check.h"
#include "hash.h"
#include "sipreg.h"

static void config(struct sipreg_config *c, uint8_t seed) {
    sipreg_config_init(c);
    c->aor = "sip:alice@example.test";
    c->password = "s3cr3t-pass";
    c->seed[0] = seed;
}

/* The first REGISTER of a registration restored from blob with cfg, into req. */
static void first_request(const struct sipreg_config *cfg, const char *blob, size_t blen, char *req,
                          size_t cap) {
    struct sipreg *r;
    req[0] = 0;
    CHECK_INT(sipreg_new_with_state(&r, cfg, blob, blen), 0);
    if (!r) return;
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    int n = sipreg_poll_send(r, req, cap - 1);
    req[n > 0 ? n : 0] = 0;
    sipreg_free(r);
}

/* Options given with the blob win over it (sipreg.h above sipreg_new_with_state): expires,
 * contacts (the dropped saved ones removed once), instance; Call-ID and CSeq still continue. */
static void precedence(const char *blob, size_t blen) {
    static char req[SIPREG_MAX_MESSAGE];
    struct sipreg_config c;
    /* expires: the blob asked 600; the caller now asks 10 */
    config(&c, 5);
    c.expires = 10;
    first_request(&c, blob, blen, req, sizeof req);
    CHECK(strstr(req, "\r\nExpires: 10\r\n") != NULL);
    CHECK(strstr(req, "\r\nCSeq: 3 REGISTER\r\n") != NULL);
    /* contacts: the caller's replace the saved one, which goes out once with expires=0 */
    config(&c, 6);
    sipreg_config_add_contact(&c, "sip:new@xyz.invalid;transport=ws", -1, -1);
    first_request(&c, blob, blen, req, sizeof req);
    CHECK(strstr(req, "\r\nCSeq: 3 REGISTER\r\n") != NULL);
    CHECK(strstr(req, "Contact: <sip:new@xyz.invalid;transport=ws>;+sip.instance=") != NULL);
    const char *old = strstr(req, ".invalid;transport=ws>;expires=0");
    CHECK(old != NULL && strstr(req, "Contact: <sip:new@") > old); /* removal first */
    /* instance: the configured one wins over the saved one */
    config(&c, 7);
    c.instance_id = "urn:uuid:11111111-2222-4333-8444-555555555555";
    first_request(&c, blob, blen, req, sizeof req);
    CHECK(strstr(req, "+sip.instance=\"<urn:uuid:11111111-2222-4333-8444-555555555555>\"") != NULL);
    CHECK(strstr(req, "\r\nCSeq: 3 REGISTER\r\n") != NULL);
    /* nothing given: the blob's contact and instance continue */
    config(&c, 8);
    first_request(&c, blob, blen, req, sizeof req);
    CHECK(strstr(req, "expires=0") == NULL && strstr(req, "\r\nExpires: 600\r\n") != NULL);
}

/* Two challenge kinds (RFC 3261 §22.3): a 407 then a 401 are both cached, saved as two auth
 * lines, and both answered again after a reload without a new challenge. */
static void two_slots(void) {
    static char req[SIPREG_MAX_MESSAGE], blob[SIPREG_MAX_MESSAGE];
    struct sipreg_config c;
    struct sipreg *r;
    config(&c, 9);
    CHECK_INT(sipreg_new(&r, &c), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    int n = sipreg_poll_send(r, req, sizeof req - 1);
    req[n > 0 ? n : 0] = 0;
    check_answer(r, req, "407 Proxy Authentication Required",
                 "Proxy-Authenticate: Digest realm=\"proxy.test\", nonce=\"P1\", qop=\"auth\"\r\n",
                 10);
    n = sipreg_poll_send(r, req, sizeof req - 1);
    req[n > 0 ? n : 0] = 0;
    check_answer(r, req, "401 Unauthorized",
                 "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"W1\", qop=\"auth\"\r\n",
                 20);
    n = sipreg_poll_send(r, req, sizeof req - 1);
    req[n > 0 ? n : 0] = 0;
    CHECK(strstr(req, "Proxy-Authorization: Digest ") && strstr(req, "\r\nAuthorization: Digest "));
    char contact[256], ok[400];
    check_header(req, "Contact", contact, sizeof contact);
    snprintf(ok, sizeof ok, "Contact: %s;expires=600\r\n", contact);
    check_answer(r, req, "200 OK", ok, 30);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);
    int blen = sipreg_export(r, blob, sizeof blob - 1);
    sipreg_free(r);
    CHECK(blen > 0);
    blob[blen > 0 ? blen : 0] = 0;
    const char *a1 = strstr(blob, "\nauth="), *a2 = a1 ? strstr(a1 + 1, "\nauth=") : NULL;
    CHECK(a1 && a2 && strstr(blob, "|proxy.test|P1|") && strstr(blob, "|example.test|W1|"));
    config(&c, 10);
    first_request(&c, blob, (size_t)(blen > 0 ? blen : 0), req, sizeof req);
    CHECK(strstr(req, "Proxy-Authorization: Digest ") && strstr(req, "nonce=\"P1\"") &&
          strstr(req, "\r\nAuthorization: Digest ") && strstr(req, "nonce=\"W1\""));
}

int main(void) {
    struct sipreg_config c;
    struct sipreg *r;
    static char req[SIPREG_MAX_MESSAGE], blob[SIPREG_MAX_MESSAGE], req2[SIPREG_MAX_MESSAGE];
    config(&c, 1);
    CHECK_INT(sipreg_new(&r, &c), 0);
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    int n = sipreg_poll_send(r, req, sizeof req - 1);
    req[n] = 0;
    check_answer(r, req, "401 Unauthorized",
                 "WWW-Authenticate: Digest realm=\"example.test\", nonce=\"N1\", qop=\"auth\"\r\n",
                 10);
    n = sipreg_poll_send(r, req, sizeof req - 1);
    req[n] = 0;
    char contact[256], c2[256];
    check_header(req, "Contact", contact, sizeof contact);
    char ok[400];
    snprintf(ok, sizeof ok, "Contact: %s;expires=600\r\n", contact);
    check_answer(r, req, "200 OK", ok, 20);
    CHECK_INT(sipreg_state(r), SIPREG_ST_REGISTERED);

    int blen = sipreg_export(r, blob, sizeof blob - 1);
    CHECK(blen > 0);
    blob[blen > 0 ? blen : 0] = 0;
    CHECK(strstr(blob, "s3cr3t") == NULL); /* credentials never saved */
    CHECK_INT(sipreg_export(r, blob, 10), SIPREG_E_BUFFER);
    blen = sipreg_export(r, blob, sizeof blob - 1);
    sipreg_free(r);

    /* the "reloaded page": another seed, same config, the saved blob */
    struct sipreg *r2;
    config(&c, 2);
    CHECK_INT(sipreg_new_with_state(&r2, &c, blob, (size_t)blen), 0);
    sipreg_transport(r2, 1, 0);
    sipreg_register(r2, 0);
    n = sipreg_poll_send(r2, req2, sizeof req2 - 1);
    req2[n > 0 ? n : 0] = 0;
    char a[128], b[128];
    check_header(req, "Call-ID", a, sizeof a);
    check_header(req2, "Call-ID", b, sizeof b);
    CHECK(strcmp(a, b) == 0);                                /* same Call-ID ... */
    CHECK(strstr(req2, "\r\nCSeq: 3 REGISTER\r\n") != NULL); /* ... the next CSeq */
    check_header(req2, "Contact", c2, sizeof c2);
    CHECK(strcmp(contact, c2) == 0); /* same contact and instance */
    CHECK(strstr(req2, "nonce=\"N1\"") && strstr(req2, "nc=00000002")); /* no new challenge */
    check_header(req, "From", a, sizeof a);
    check_header(req2, "From", b, sizeof b);
    CHECK(strcmp(a, b) == 0);
    sipreg_free(r2);

    /* refused blobs: each must fail with SIPREG_E_STATE_BLOB and leave no registration */
    static char bad[SIPREG_MAX_MESSAGE];
    int refused = 0, tried = 0;
    for (int i = 0; i < blen; i += 7) { /* every 7th byte flipped: the checksum catches it */
        memcpy(bad, blob, (size_t)blen);
        bad[i] ^= 0x20;
        struct sipreg *x = (struct sipreg *)1;
        tried++;
        refused +=
            sipreg_new_with_state(&x, &c, bad, (size_t)blen) == SIPREG_E_STATE_BLOB && x == NULL;
    }
    CHECK_INT(refused, tried);
    struct sipreg *x;
    CHECK_INT(sipreg_new_with_state(&x, &c, blob, (size_t)blen / 2), SIPREG_E_STATE_BLOB);
    CHECK_INT(sipreg_new_with_state(&x, &c, "sipreg-state/9\nsum=00000000\n", 28),
              SIPREG_E_STATE_BLOB);
    struct sipreg_config other;
    config(&other, 3);
    other.aor = "sip:bob@example.test"; /* a foreign blob: another AOR */
    CHECK_INT(sipreg_new_with_state(&x, &other, blob, (size_t)blen), SIPREG_E_STATE_BLOB);
    /* fuzz regression: a well-formed blob (valid checksum) whose instance holds a NUL byte */
    {
        static char evil[SIPREG_MAX_MESSAGE];
        struct sipreg *g;
        config(&other, 4);
        CHECK_INT(sipreg_new(&g, &other), 0);
        int el = sipreg_export(g, evil, sizeof evil);
        sipreg_free(g);
        char *inst = strstr(evil, "instance=urn:uuid:");
        CHECK(inst != NULL && el > 0);
        char *sum = strstr(evil, "sum=");
        if (inst && sum && el > 0) {
            inst[20] = '\0'; /* keep the length, break the value */
            /* re-seal it as the exporter would (the checksum is MD5 over everything before "sum=")
             */
            uint8_t d[SIPREG__MD5_LEN];
            struct sipreg__md5 h;
            sipreg__md5_init(&h);
            sipreg__md5_update(&h, evil, (size_t)(sum - evil));
            sipreg__md5_final(&h, d);
            for (int i = 0; i < 4; i++)
                snprintf(sum + 4 + 2 * i, 3, "%02x", d[i]);
            sum[12] = '\n';
            CHECK_INT(sipreg_new_with_state(&x, &other, evil, (size_t)el), SIPREG_E_STATE_BLOB);
        }
    }
    precedence(blob, (size_t)blen);
    two_slots();
    /* no blob at all: a fresh registration */
    CHECK_INT(sipreg_new_with_state(&x, &c, NULL, 0), 0);
    sipreg_free(x);
    return check_done("state");
}
