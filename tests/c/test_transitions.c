/* test_transitions.c — the transition table (sipreg_transitions) is the state machine: the
 * diagram in sipreg.h lists exactly its rows, and each row is driven here: a registration is
 * brought into `from`, the trigger applied, and the state must be `to`. */
#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

#define OUR_CONTACT "sip:abc@xyz.invalid;transport=ws"

/* The diagram's rows ("from --trigger--> to") read from core/sipreg.h, as names. */
struct named_row {
    char from[24], trigger[24], to[24];
};

static size_t diagram_rows(struct named_row *out, size_t cap) {
    FILE *f = fopen("core/sipreg.h", "r");
    CHECK(f != NULL);
    if (!f) return 0;
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < cap) {
        struct named_row *row = &out[n];
        if (sscanf(line, "/* %23[a-z] --%23[a-z]--> %23[a-z]", row->from, row->trigger, row->to) ==
            3)
            n++;
    }
    fclose(f);
    return n;
}

/* The diagram and the table hold the same rows in the same order. */
static void test_diagram_is_the_table(void) {
    struct named_row rows[64];
    size_t nd = diagram_rows(rows, 64), nt;
    const struct sipreg_transition *t = sipreg_transitions(&nt);
    CHECK_INT((int)nd, (int)nt);
    for (size_t i = 0; i < nd && i < nt; i++) {
        CHECK_MSG(!strcmp(rows[i].from, sipreg_state_name(t[i].from)) &&
                      !strcmp(rows[i].trigger, sipreg_trigger_name(t[i].trigger)) &&
                      !strcmp(rows[i].to, sipreg_state_name(t[i].to)),
                  "diagram row %zu: %s --%s--> %s, table: %s --%s--> %s", i, rows[i].from,
                  rows[i].trigger, rows[i].to, sipreg_state_name(t[i].from),
                  sipreg_trigger_name(t[i].trigger), sipreg_state_name(t[i].to));
    }
}

/* A registration under test, its clock and the last request it sent. */
struct rig {
    struct sipreg *r;
    sipreg_ms now;
    char req[4096];
};

/* Answer the last request with `status` (its Via, From, To, Call-ID and CSeq echoed); a 200
 * lists our contact with `expires` (or none when expires < 0). */
static void answer(struct rig *g, int status, int expires) {
    static const char *const ECHO[] = {"Via:", "From:", "To:", "Call-ID:", "CSeq:"};
    char out[4096];
    size_t n = (size_t)snprintf(out, sizeof out, "SIP/2.0 %d X\r\n", status);
    for (size_t k = 0; k < sizeof ECHO / sizeof ECHO[0]; k++) {
        const char *h = strstr(g->req, ECHO[k]), *e = h ? strstr(h, "\r\n") : NULL;
        CHECK(e != NULL);
        if (!e) return;
        n += (size_t)snprintf(out + n, sizeof out - n, "%.*s%s\r\n", (int)(e - h), h,
                              k == 2 ? ";tag=t1" : "");
    }
    if (status == 200 && expires >= 0)
        n += (size_t)snprintf(out + n, sizeof out - n, "Contact: <" OUR_CONTACT ">;expires=%d\r\n",
                              expires);
    n += (size_t)snprintf(out + n, sizeof out - n, "Content-Length: 0\r\n\r\n");
    g->now += 10;
    CHECK_INT(sipreg_recv(g->r, out, n, g->now), 0);
}

/* Take the request a command sent. */
static void sent(struct rig *g) { CHECK(sipreg_poll_send(g->r, g->req, sizeof g->req) > 0); }

static void do_register(struct rig *g) {
    g->now += 10;
    CHECK_INT(sipreg_register(g->r, g->now), 0);
    sent(g);
}

static void do_unregister(struct rig *g) {
    g->now += 10;
    CHECK_INT(sipreg_unregister(g->r, 0, g->now), 0);
    sipreg_poll_send(g->r, g->req, sizeof g->req); /* none while it waits for a flow */
}

/* Run the clock past our binding's expiry without an answer (Timer F is longer: T1 = 20 s). */
static void do_lapse(struct rig *g) {
    g->now += 700 * 1000;
    sipreg_on_timeout(g->r, g->now);
}

static void grant(struct rig *g) { answer(g, 200, 600); }
static void removed(struct rig *g) { answer(g, 200, -1); }
static void retry(struct rig *g) { answer(g, 500, 0); }
static void refuse(struct rig *g) { answer(g, 403, 0); }

/* A fresh registration with its flow up, manual refresh (the refresh point only says EXPIRING)
 * and a Timer F longer than the grant. */
static void rig_new(struct rig *g) {
    struct sipreg_config c;
    sipreg_config_init(&c);
    c.aor = "sip:alice@example.test";
    c.contacts[0].uri = OUR_CONTACT;
    c.contacts[0].expires = -1;
    c.contacts[0].q = -1;
    c.ncontacts = 1;
    c.policy.manual_refresh = 1;
    c.policy.t1_ms = c.policy.t2_ms = 20000;
    g->now = 0;
    CHECK_INT(sipreg_new(&g->r, &c), 0);
    CHECK_INT(sipreg_transport(g->r, 1, g->now), 0);
}

/* Bring a fresh registration into `state`. */
static void drive_to(struct rig *g, int state) {
    rig_new(g);
    switch (state) {
    case SIPREG_ST_IDLE:
        break;
    case SIPREG_ST_REGISTERING:
        do_register(g);
        break;
    case SIPREG_ST_REGISTERED:
        do_register(g), grant(g);
        break;
    case SIPREG_ST_REFRESHING:
        do_register(g), grant(g), do_register(g);
        break;
    case SIPREG_ST_UNREGISTERING:
        do_register(g), grant(g), do_unregister(g);
        break;
    case SIPREG_ST_BACKOFF:
        do_register(g), retry(g);
        break;
    case SIPREG_ST_FAILED:
        do_register(g), refuse(g);
        break;
    }
    CHECK_MSG(sipreg_state(g->r) == state, "driving to %s: in %s", sipreg_state_name(state),
              sipreg_state_name(sipreg_state(g->r)));
}

/* Bring a registration into REGISTERING or REFRESHING with its REGISTER waiting for a flow:
 * a command given then does not wait behind an open transaction. */
static void drive_waiting(struct rig *g, int state) {
    rig_new(g);
    if (state == SIPREG_ST_REGISTERING) {
        CHECK_INT(sipreg_transport(g->r, 0, g->now), 0);
        CHECK_INT(sipreg_register(g->r, g->now), 0);
    } else {
        do_register(g), grant(g);
        /* the flow that carried the registration is gone: a refresh waits for a new one */
        CHECK_INT(sipreg_transport(g->r, 0, g->now), 0);
    }
    CHECK_MSG(sipreg_state(g->r) == state, "waiting in %s: in %s", sipreg_state_name(state),
              sipreg_state_name(sipreg_state(g->r)));
}

/* Apply a trigger (enum sipreg_trigger) to the registration. */
static void apply(struct rig *g, int trigger) {
    switch (trigger) {
    case SIPREG_TR_REGISTER:
        do_register(g);
        break;
    case SIPREG_TR_UNREGISTER:
        do_unregister(g);
        break;
    case SIPREG_TR_GRANTED:
        grant(g);
        break;
    case SIPREG_TR_REMOVED:
        removed(g);
        break;
    case SIPREG_TR_RETRY:
        retry(g);
        break;
    case SIPREG_TR_REFUSED:
        refuse(g);
        break;
    case SIPREG_TR_LAPSE:
        do_lapse(g);
        break;
    case SIPREG_TR_ABANDON:
        refuse(g); /* a 403 to the unregister: it fails, the bindings expire on their own */
        break;
    default:
        CHECK_MSG(0, "no driver for trigger %d", trigger);
    }
}

/* Each row: from `from`, the trigger leads to `to`, announced by a state event with that state. */
static void test_every_row(void) {
    size_t n;
    const struct sipreg_transition *t = sipreg_transitions(&n);
    CHECK(n > 0);
    for (size_t i = 0; i < n; i++) {
        struct rig g;
        int open = t[i].from == SIPREG_ST_REGISTERING || t[i].from == SIPREG_ST_REFRESHING;
        if (t[i].trigger == SIPREG_TR_UNREGISTER && open)
            drive_waiting(&g, t[i].from); /* else it queues behind the open REGISTER */
        else
            drive_to(&g, t[i].from);
        struct sipreg_event ev;
        while (sipreg_poll_event(g.r, &ev) == 0) {
        }
        apply(&g, t[i].trigger);
        int announced = -1;
        while (sipreg_poll_event(g.r, &ev) == 0)
            if (ev.type == SIPREG_EV_STATE && announced < 0) announced = (int)ev.value;
        CHECK_MSG(sipreg_state(g.r) == t[i].to && announced == t[i].to,
                  "%s --%s--> %s: in %s (announced %s)", sipreg_state_name(t[i].from),
                  sipreg_trigger_name(t[i].trigger), sipreg_state_name(t[i].to),
                  sipreg_state_name(sipreg_state(g.r)), sipreg_state_name(announced));
        sipreg_free(g.r);
    }
}

/* Every state and trigger has a name; every state is reached by some row. */
static void test_names(void) {
    size_t n;
    const struct sipreg_transition *t = sipreg_transitions(&n);
    for (int st = SIPREG_ST_IDLE; st <= SIPREG_ST_FAILED; st++) {
        int reached = st == SIPREG_ST_IDLE;
        for (size_t i = 0; i < n; i++)
            reached |= t[i].to == st;
        CHECK_MSG(reached, "no row leads to %s", sipreg_state_name(st));
    }
    for (int tr = SIPREG_TR_REGISTER; tr <= SIPREG_TR_ABANDON; tr++)
        CHECK(strcmp(sipreg_trigger_name(tr), "unknown") != 0);
    CHECK(!strcmp(sipreg_trigger_name(0), "unknown"));
}

int main(void) {
    test_diagram_is_the_table();
    test_every_row();
    test_names();
    return check_done("test_transitions");
}
