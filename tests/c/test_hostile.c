/* test_hostile.c — a hostile or broken registrar cannot make the client send more than a
 * bounded number of REGISTERs: each row is a registrar behaviour, run for 30 simulated minutes
 * against one registration with a host that fires every deadline; we count the REGISTERs. */
#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

/* How the simulated registrar answers each REGISTER. */
enum behaviour {
    CHALLENGE_FOREVER, /* 401 with a fresh nonce every time */
    RETRY_AFTER_ZERO,  /* 503 Retry-After: 0 */
    INTERVAL_GROWING,  /* 423 with an ever larger Min-Expires */
    OK_WITHOUT_US,     /* 200 that never lists our binding */
    SERVER_ERROR,      /* 500, no Retry-After */
    OUTBOUND_REFUSED,  /* 439 every time */
    SILENT,            /* never answers (Timer F every time) */
    FLOW_DROPS,        /* the flow dies right after every REGISTER */
    TINY_GRANT,        /* 200 granting 1 s (far below what we asked) */
};

/* Run one behaviour for `minutes` simulated minutes; returns the number of REGISTERs sent and
 * the most sent within any one minute. */
static int run(enum behaviour b, int minutes, int *per_minute_max) {
    struct sipreg_config c;
    sipreg_config_init(&c);
    c.aor = "sip:alice@example.test";
    c.password = "secret";
    c.seed[0] = (uint8_t)b;
    struct sipreg *r;
    if (sipreg_new(&r, &c) < 0) return -1;
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    static char msg[SIPREG_MAX_MESSAGE], resp[4096];
    int total = 0, nonce = 0, minute_counts[64] = {0};
    int64_t now = 0, end = (int64_t)minutes * 60000;
    for (int guard = 0; guard < 100000 && now <= end; guard++) {
        int n;
        while ((n = sipreg_poll_send(r, msg, sizeof msg - 1)) > 0) {
            msg[n] = 0;
            if (strncmp(msg, "REGISTER ", 9) != 0) continue; /* keep-alive */
            total++;
            minute_counts[now / 60000 < 64 ? now / 60000 : 63]++;
            char via[512], cid[128], cseq[64], contact[256];
            check_header(msg, "Via", via, sizeof via);
            check_header(msg, "Call-ID", cid, sizeof cid);
            check_header(msg, "CSeq", cseq, sizeof cseq);
            check_header(msg, "Contact", contact, sizeof contact);
            const char *status = NULL, *extra = "";
            char buf[512];
            switch (b) {
            case CHALLENGE_FOREVER:
                snprintf(buf, sizeof buf,
                         "WWW-Authenticate: Digest realm=\"x\", nonce=\"n%d\", qop=\"auth\"\r\n",
                         nonce++);
                status = "401 Unauthorized";
                extra = buf;
                break;
            case RETRY_AFTER_ZERO:
                status = "503 Busy";
                extra = "Retry-After: 0\r\n";
                break;
            case INTERVAL_GROWING:
                snprintf(buf, sizeof buf, "Min-Expires: %d\r\n", 700 + 100 * nonce++);
                status = "423 Interval Too Brief";
                extra = buf;
                break;
            case OK_WITHOUT_US:
                status = "200 OK";
                extra = "Contact: <sip:other@x.invalid>;expires=600\r\n";
                break;
            case SERVER_ERROR:
                status = "500 Oops";
                break;
            case OUTBOUND_REFUSED:
                status = "439 First Hop Lacks Outbound Support";
                break;
            case SILENT:
                break;
            case FLOW_DROPS:
                break;
            case TINY_GRANT:
                snprintf(buf, sizeof buf, "Contact: %s;expires=1\r\n", contact);
                status = "200 OK";
                extra = buf;
                break;
            }
            if (status) {
                int len =
                    snprintf(resp, sizeof resp,
                             "SIP/2.0 %s\r\nVia: %s\r\nFrom: <sip:alice@example.test>;tag=1\r\n"
                             "To: <sip:alice@example.test>;tag=2\r\nCall-ID: %s\r\nCSeq: %s\r\n%s"
                             "Content-Length: 0\r\n\r\n",
                             status, via, cid, cseq, extra);
                now += 20;
                sipreg_recv(r, resp, (size_t)len, now);
            }
            if (b == FLOW_DROPS) {
                now += 20;
                sipreg_transport(r, 0, now); /* the connection dies ... */
                now += 100;
                sipreg_transport(r, 1, now); /* ... and the host reconnects as soon as asked */
            }
        }
        struct sipreg_event ev;
        while (sipreg_poll_event(r, &ev) == 0) {
            if (ev.type == SIPREG_EV_CONNECT) sipreg_transport(r, 1, now);
        }
        sipreg_ms d = sipreg_deadline(r);
        if (d == SIPREG_NEVER) break;
        now = d > now ? d : now;
        sipreg_on_timeout(r, now);
    }
    sipreg_free(r);
    int max = 0;
    for (int i = 0; i < 64; i++)
        if (minute_counts[i] > max) max = minute_counts[i];
    *per_minute_max = max;
    return total;
}

int main(void) {
    /* behaviour, name, most REGISTERs in any minute, most in 30 minutes */
    static const struct {
        enum behaviour b;
        const char *name;
        int minute_max, total_max;
    } ROWS[] = {
        {CHALLENGE_FOREVER, "401 with a fresh nonce every time", 6, 40},
        {RETRY_AFTER_ZERO, "503 Retry-After: 0 every time", 3, 30},
        {INTERVAL_GROWING, "423 with an ever larger Min-Expires", 4, 4},
        {OK_WITHOUT_US, "200 that never lists our binding", 2, 20},
        {SERVER_ERROR, "500 every time", 2, 20},
        {OUTBOUND_REFUSED, "439 every time", 3, 30},
        {SILENT, "never answers", 2, 20},
        {FLOW_DROPS, "flow dies after every REGISTER", 3, 30},
        {TINY_GRANT, "grants 1 s", 3, 80},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        int per_minute = 0;
        int total = run(ROWS[i].b, 30, &per_minute);
        printf("%-40s %4d REGISTERs in 30 min, at most %d in one minute\n", ROWS[i].name, total,
               per_minute);
        CHECK_MSG(total >= 1, "%s: nothing sent", ROWS[i].name);
        CHECK_MSG(per_minute <= ROWS[i].minute_max, "%s: %d in one minute (max %d)", ROWS[i].name,
                  per_minute, ROWS[i].minute_max);
        CHECK_MSG(total <= ROWS[i].total_max, "%s: %d in 30 minutes (max %d)", ROWS[i].name, total,
                  ROWS[i].total_max);
    }
    return check_done("hostile");
}
