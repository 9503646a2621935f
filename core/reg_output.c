/* reg_output.c — what comes out of a registration: the REGISTER to send (composed on demand
 * into the host's buffer, so nothing is stored per message), events, the binding view, names. */
#include "reg_internal.h"

#include <stdlib.h>

/* ---------------------------------------------------------------------------------------- */
/* Events and state                                                                         */
/* ---------------------------------------------------------------------------------------- */

struct sipreg_event *sipreg__emit(struct sipreg *r, int type, int reason, int status, int error,
                                  sipreg_ms at, int64_t value) {
    /* the queue exists while events wait (memory per registration: a drained one holds none) */
    if (!r->events && !(r->events = malloc(SIPREG__EVENTS * sizeof *r->events)))
        return NULL; /* out of memory: the event is lost, like one dropped from a full queue */
    if (r->ev_count == SIPREG__EVENTS) {
        /* bounded queue: the host did not drain; drop the oldest */
        r->ev_head = (r->ev_head + 1) % SIPREG__EVENTS;
        r->ev_count--;
    }
    struct sipreg_event *ev = &r->events[(r->ev_head + r->ev_count) % SIPREG__EVENTS];
    r->ev_count++;
    ev->type = type;
    ev->state = r->state;
    ev->reason = reason;
    ev->op = r->last_op;
    ev->status = status;
    ev->error = error;
    ev->at = at;
    ev->value = value;
    ev->text = status ? sipreg__str(r->reason_text, r->reason_len) : sipreg__str(NULL, 0);
    return ev;
}

void sipreg__emit_op(struct sipreg *r, int op, int type, int reason, int status, int error,
                     sipreg_ms at, int64_t value) {
    int last = r->last_op;
    r->last_op = op;
    sipreg__emit(r, type, reason, status, error, at, value);
    r->last_op = last;
}

/* The transition table: every state change is one of these rows (sipreg__set_state checks it).
 * The diagram in sipreg.h lists the same rows (tests/c/test_transitions.c compares them). */
#define ROW(from, trigger, to)                                                                     \
    { SIPREG_ST_##from, SIPREG_TR_##trigger, SIPREG_ST_##to }
static const struct sipreg_transition TRANSITIONS[] = {
    /* a REGISTER starts, or waits for a flow (RFC 3261 §10.2: command, refresh, retry) */
    ROW(IDLE, REGISTER, REGISTERING),
    ROW(BACKOFF, REGISTER, REGISTERING),
    ROW(FAILED, REGISTER, REGISTERING),
    ROW(REGISTERED, REGISTER, REFRESHING),
    /* an unregister starts, or waits for a flow (RFC 3261 §10.2.2) */
    ROW(IDLE, UNREGISTER, UNREGISTERING),
    ROW(REGISTERING, UNREGISTER, UNREGISTERING),
    ROW(REGISTERED, UNREGISTER, UNREGISTERING),
    ROW(REFRESHING, UNREGISTER, UNREGISTERING),
    ROW(BACKOFF, UNREGISTER, UNREGISTERING),
    ROW(FAILED, UNREGISTER, UNREGISTERING),
    /* a 2xx listing our bindings (RFC 3261 §10.2.4) */
    ROW(REGISTERING, GRANTED, REGISTERED),
    ROW(REFRESHING, GRANTED, REGISTERED),
    /* a 2xx to the unregister */
    ROW(UNREGISTERING, REMOVED, IDLE),
    /* a failure the next attempt may mend (Retry-After, RFC 5626 §4.5 back-off) */
    ROW(REGISTERING, RETRY, BACKOFF),
    ROW(REFRESHING, RETRY, BACKOFF),
    /* a failure no retry can mend (the failure table's terminal rows, no credentials) */
    ROW(REGISTERING, REFUSED, FAILED),
    ROW(REFRESHING, REFUSED, FAILED),
    /* our binding expired before its refresh */
    ROW(REGISTERED, LAPSE, REGISTERING),
    ROW(REFRESHING, LAPSE, REGISTERING),
    /* the unregister failed, timed out or gave up: bindings expire on their own */
    ROW(UNREGISTERING, ABANDON, IDLE),
};
#undef ROW

const struct sipreg_transition *sipreg_transitions(size_t *n) {
    if (n) *n = sizeof TRANSITIONS / sizeof TRANSITIONS[0];
    return TRANSITIONS;
}

/* 1 when {from, trigger} -> to is a row of the table. */
static int legal_transition(int from, int trigger, int to) {
    for (size_t i = 0; i < sizeof TRANSITIONS / sizeof TRANSITIONS[0]; i++)
        if (TRANSITIONS[i].from == from && TRANSITIONS[i].trigger == trigger &&
            TRANSITIONS[i].to == to)
            return 1;
    return 0;
}

void sipreg__set_state(struct sipreg *r, int trigger, int next, int reason) {
    if (r->state == next) return;
#ifdef SIPREG_CHECK_TRANSITIONS
    /* native builds (tests, fuzzers, the CLI) stop at once on a change the table lacks */
    if (!legal_transition(r->state, trigger, next)) abort();
#else
    /* the wasm build leaves the check out (size); the native tests run every row */
    (void)legal_transition;
    (void)trigger;
#endif
    r->state = next;
    sipreg__emit(r, SIPREG_EV_STATE, reason, 0, 0, SIPREG_NEVER, next);
}

int sipreg_poll_event(struct sipreg *r, struct sipreg_event *ev) {
    if (!r || !ev) return SIPREG_E_INVAL;
    if (r->ev_count == 0) return SIPREG_E_DONE;
    *ev = r->events[r->ev_head];
    r->ev_head = (r->ev_head + 1) % SIPREG__EVENTS;
    if (--r->ev_count == 0) {
        free(r->events);
        r->events = NULL;
        r->ev_head = 0;
    }
    return 0;
}

int sipreg_state(const struct sipreg *r) { return r ? r->state : SIPREG_E_INVAL; }

/* ---------------------------------------------------------------------------------------- */
/* The REGISTER                                                                             */
/* ---------------------------------------------------------------------------------------- */

int64_t sipreg__contact_request(const struct sipreg *r, size_t i) {
    return r->contacts[i].expires >= 0 ? r->contacts[i].expires : r->requested;
}

/* The credentials of slot `kind` (0 Authorization, 1 Proxy-Authorization: RFC 3261 §22.3)
 * for the open request (RFC 7616 §3.4), or length 0. */
static int compose_credentials(const struct sipreg *r, int kind, char *buf, size_t cap) {
    const struct sipreg__auth *a = r->auth[kind];
    if (!a || a->req_nc == 0) return 0;
    struct sipreg_challenge ch;
    memset(&ch, 0, sizeof ch);
    ch.proxy = a->proxy;
    ch.scheme = sipreg__cstr("Digest");
    ch.realm = SIPREG__AUTH_REALM(a);
    ch.nonce = SIPREG__AUTH_NONCE(a);
    ch.opaque = a->has_opaque ? SIPREG__AUTH_OPAQUE(a) : sipreg__str(NULL, 0);
    ch.algorithm = sipreg__cstr(sipreg_alg_name(a->alg));
    ch.alg = a->alg;
    ch.qop_mask = a->qop;
    ch.qop = a->qop == SIPREG_QOP_AUTH_INT ? sipreg__cstr("auth-int")
             : a->qop                      ? sipreg__cstr("auth")
                                           : sipreg__str(NULL, 0);
    ch.userhash = a->userhash;
    struct sipreg_digest_input in;
    memset(&in, 0, sizeof in);
    in.alg = a->alg;
    in.qop = a->qop;
    in.username = r->user;
    in.realm = ch.realm;
    in.password = r->password;
    in.ha1_hex = a->ha1_len ? SIPREG__AUTH_HA1(a) : r->ha1; /* hashed once per challenge */
    in.method = sipreg__cstr("REGISTER");
    in.uri = sipreg__ruri(r); /* §22.4: digest-uri = the Request-URI */
    in.nonce = ch.nonce;
    in.cnonce = sipreg__str(a->cnonce, sizeof a->cnonce);
    in.nc = a->req_nc;
    in.body = sipreg__str("", 0); /* REGISTER carries no body */
    return sipreg_compose_authorization(&ch, &in, buf, cap);
}

/* Room for one credentials value (Authorization or Proxy-Authorization) in a REGISTER. */
#define CREDENTIALS_MAX 1024

/* The REGISTER's fixed parts: Request-URI, To/From, Call-ID, CSeq, Via, Route, headers. */
static void request_head(const struct sipreg *r, struct sipreg_register_req *q) {
    memset(q, 0, sizeof *q);
    q->ruri = sipreg__ruri(r); /* a followed 3xx target, else the configured one */
    q->aor = r->aor;
    q->from_tag = sipreg__str(r->from_tag, SIPREG__TAG_LEN);
    q->call_id = sipreg__str(r->call_id, SIPREG__CALL_ID_LEN);
    q->cseq = r->cseq;
    q->transport = r->transport;
    /* §18.1.1: sent-by is the flow's local address once the host reported it */
    q->via_host = r->flow_host ? sipreg__str(r->flow_host, r->flow_host_len) : r->via_host;
    q->via_port = r->flow_host ? r->flow_port : -1;
    q->from = r->from;   /* §10.2: third-party registration; empty: the AOR */
    q->route = r->route; /* §8.1.2: the outbound proxy */
    q->maddr = sipreg__str(r->maddr, r->maddr_len); /* §18.1.1: sent to a multicast group */
    q->ttl = r->mcast_ttl;
    q->branch = sipreg__str(r->branch, r->branch_len);
    q->expires = -1;
    q->supported = r->supported;
    q->user_agent = r->user_agent;
    q->extra = r->extra;
}

/* The open op's Contacts (and Expires) into q, the contact array in out. */
static void request_contacts(const struct sipreg *r, struct sipreg_register_req *q,
                             struct sipreg_contact_out *out) {
    size_t n = 0;
    if (r->op == SIPREG__OP_UNREGISTER_ALL) {
        q->star = 1; /* §10.2.2; RFC 5626 §4.2.3: no instance or reg-id with "*" */
    } else if (r->op == SIPREG__OP_REGISTER || r->op == SIPREG__OP_UNREGISTER) {
        int removing_all = r->op == SIPREG__OP_UNREGISTER;
        /* swapped-out contacts first: a registrar applies Contacts in order (§10.3 step 7), so
         * the old binding is gone before a new one takes over its instance and reg-id */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < r->ncontacts; i++) {
                const struct sipreg__contact *c = &r->contacts[i];
                if (c->removing != (pass == 0)) continue;
                struct sipreg_contact_out *o = &out[n++];
                o->uri = c->uri;
                o->q = c->q;
                /* §10.2.2: expires=0 removes; a per-binding request rides on its own ;expires */
                o->expires = (removing_all || c->removing) ? 0 : c->expires;
                /* RFC 5626 §4.2.1, §4.2.2: instance and reg-id on the contact that carries the
                 * UA's flow binding, also when it is removed; registrars key bindings by them */
                o->instance = (r->outbound && c->carrier) ? r->instance : sipreg__str(NULL, 0);
                o->reg_id = (r->outbound && !r->outbound_refused && c->carrier) ? r->reg_id : -1;
            }
        }
        q->expires = removing_all ? 0 : r->requested; /* §10.2.1.1 */
    }
    q->contacts = out;
    q->ncontacts = n;
}

/* RFC 3261 §18.1.1: a request larger than 1300 bytes (the path MTU unknown) MUST go over a
 * congestion-controlled transport: ask for a TCP flow and send it there. The attempt goes on
 * (same counters) as a new request on the new flow. */
static void switch_to_stream(struct sipreg *r) {
    int op = r->op;
    sipreg__end_transaction(r);
    r->cseq--; /* it never went out: the request on the new flow takes its CSeq */
    r->need_stream = 1;
    r->resume = (uint8_t)op;
    sipreg__requeue_front(r, op);
    sipreg__run_queue(r, SIPREG_R_FLOW, r->tx_start);
}

int sipreg_poll_send(struct sipreg *r, char *buf, size_t cap) {
    if (!r || (!buf && cap)) return SIPREG_E_INVAL;
    if (!r->flow_up || r->flow_failed) return SIPREG_E_DONE;
#ifndef SIPREG_NO_STUN
    if (r->ping_pending && r->transport == SIPREG_TP_UDP) {
        /* RFC 5626 §4.4.2: over UDP the keep-alive is a STUN Binding request */
        return sipreg__stun_compose(r, buf, cap);
    }
#endif
    if (r->ping_pending) {
        /* RFC 5626 §4.4.1: the ping is a double CRLF, sent between messages */
        if (cap < 4) return SIPREG_E_BUFFER;
        memcpy(buf, "\r\n\r\n", 4);
        r->ping_pending = 0;
        return 4;
    }
    /* responses to requests on the flow before our own requests: their peer is waiting */
    if (r->nresponses) return sipreg__response_take(r, buf, cap);
    /* the OPTIONS probe first: its CSeq is below that of a REGISTER opened after it */
    if (r->options_pending) return sipreg__probe_compose(r, buf, cap);
    if (!r->send_pending || r->op == SIPREG__OP_NONE) return SIPREG_E_DONE;

    struct sipreg_contact_out out[SIPREG_MAX_CONTACTS * 2];
    struct sipreg_register_req q;
    request_head(r, &q);
    request_contacts(r, &q, out);
    char cred[CREDENTIALS_MAX], pcred[CREDENTIALS_MAX];
    int clen = compose_credentials(r, 0, cred, sizeof cred);
    if (clen < 0) return clen;
    q.authorization = sipreg__str(cred, (size_t)clen);
    clen = compose_credentials(r, 1, pcred, sizeof pcred);
    if (clen < 0) return clen;
    q.proxy_authorization = sipreg__str(pcred, (size_t)clen);

    int len = sipreg_compose_register(&q, buf, cap);
    if (len < 0) return len; /* stays pending: the host may retry with a bigger buffer */
    /* a retransmission of a request that went out stays where it is */
    if (r->transport == SIPREG_TP_UDP && len > r->pol.udp_max && !r->sent_once && !r->need_stream) {
        switch_to_stream(r);
        return SIPREG_E_DONE;
    }
    r->send_pending = 0;
    r->sent_once = 1;
    return len;
}

/* ---------------------------------------------------------------------------------------- */
/* Binding view                                                                             */
/* ---------------------------------------------------------------------------------------- */

struct sipreg__store *sipreg__store(struct sipreg *r) {
    if (!r->store) r->store = calloc(1, sizeof *r->store);
    return r->store;
}

int sipreg__arena_put(struct sipreg *r, struct sipreg_str s) {
    if (s.len > SIPREG__ARENA - r->arena_len) return -1;
    int off = (int)r->arena_len;
    if (!s.len) return off;
    if (!sipreg__store(r)) return -1;
    memcpy(r->store->arena + off, s.p, s.len);
    r->arena_len += s.len;
    return off;
}

struct sipreg_str sipreg__arena_str(const struct sipreg *r, uint16_t off, uint16_t len) {
    return len ? sipreg__str(r->store->arena + off, len) : sipreg__str(NULL, 0);
}

int sipreg_bindings(const struct sipreg *r, struct sipreg_binding *out, size_t cap, size_t *n) {
    if (!r || (!out && cap)) return SIPREG_E_INVAL;
    size_t k = 0;
    /* after an unregistration (IDLE, a REGISTER sent, none of ours matched or granted) our
     * contacts are not bindings: the view lists only what the registrar holds */
    int gone = r->state == SIPREG_ST_IDLE && r->cseq > 0;
    for (size_t i = 0; i < r->ncontacts; i++) {
        const struct sipreg__contact *c = &r->contacts[i];
        if (c->removing) continue;
        if (gone && c->matched_by == SIPREG_MATCH_NONE && c->granted == 0) continue;
        if (k < cap) {
            struct sipreg_binding *b = &out[k];
            b->ours = 1;
            b->contact = (int)i;
            b->matched_by = c->matched_by;
            b->uri = c->uri;
            b->instance = (r->outbound && c->carrier) ? r->instance : sipreg__str(NULL, 0);
            b->reg_id = (r->outbound && !r->outbound_refused && c->carrier) ? r->reg_id : -1;
            b->q = c->q;
            b->requested = sipreg__contact_request(r, i);
            b->granted = c->granted;
            b->expires_at = c->expires_at;
            b->pub_gruu = sipreg__arena_str(r, c->pub_off, c->pub_len);
            b->temp_gruu = sipreg__arena_str(r, c->temp_off, c->temp_len);
        }
        k++;
    }
    for (size_t i = 0; i < r->nothers; i++, k++) {
        if (k >= cap) continue;
        const struct sipreg__other *o = &r->store->others[i];
        struct sipreg_binding *b = &out[k];
        b->ours = 0;
        b->contact = -1;
        b->matched_by = SIPREG_MATCH_NONE;
        b->uri = sipreg__arena_str(r, o->uri_off, o->uri_len);
        b->instance = sipreg__arena_str(r, o->inst_off, o->inst_len);
        b->reg_id = o->reg_id;
        b->q = o->q;
        b->requested = -1;
        b->granted = o->granted;
        b->expires_at = o->expires_at;
        b->pub_gruu = sipreg__arena_str(r, o->pub_off, o->pub_len);
        b->temp_gruu = sipreg__arena_str(r, o->temp_off, o->temp_len);
    }
    if (n) *n = k;
    return k > cap ? SIPREG_E_BUFFER : 0;
}

void sipreg_get_info(const struct sipreg *r, struct sipreg_info *info) {
    memset(info, 0, sizeof *info);
    info->state = r->state;
    info->flow_up = r->flow_up;
    info->in_flight = r->op != SIPREG__OP_NONE;
    info->refresh_at = r->state == SIPREG_ST_REGISTERED || r->state == SIPREG_ST_REFRESHING
                           ? r->refresh_at
                           : SIPREG_NEVER;
    info->expires_at = r->expires_at;
    info->retry_at = r->state == SIPREG_ST_BACKOFF ? r->retry_at : SIPREG_NEVER;
    info->requested = r->requested;
    info->granted = r->granted;
    info->failures = r->failures;
    info->last_status = r->last_status;
    info->has_skew = r->has_skew;
    info->clock_skew_ms = r->skew_ms;
    info->skew_error_ms = r->skew_err_ms;
    info->call_id = sipreg__str(r->call_id, SIPREG__CALL_ID_LEN);
    info->cseq = r->cseq;
    info->nservice_route = r->nroutes;
    for (size_t i = 0; i < r->nroutes; i++)
        info->service_route[i] = sipreg__arena_str(r, r->route_off[i], r->route_len[i]);
    info->npath = r->npaths;
    for (size_t i = 0; i < r->npaths; i++)
        info->path[i] = sipreg__arena_str(r, r->path_off[i], r->path_len[i]);
    info->others_omitted = r->others_omitted;
    info->keepalive = r->ka_on && r->flow_up;
    info->keepalive_s = r->ka_interval_s;
    int probing = r->probe_on && r->flow_up;
    info->liveness =
        info->keepalive ? (r->transport == SIPREG_TP_UDP ? SIPREG_LIVE_STUN : SIPREG_LIVE_CRLF)
        : probing ? (r->pol.probe == SIPREG_PROBE_HOST ? SIPREG_LIVE_HOST : SIPREG_LIVE_OPTIONS)
                  : SIPREG_LIVE_NONE;
    info->ping_at = info->keepalive || probing ? r->ping_at : SIPREG_NEVER;
    info->pong_deadline = info->keepalive || probing ? r->pong_deadline : SIPREG_NEVER;
    info->mapped = sipreg__cstr(r->stun_mapped ? r->stun_mapped : "");
}

/* ---------------------------------------------------------------------------------------- */
/* Names                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/* Entry i of a name table, or "unknown". */
static const char *name_of(const char *const *names, size_t n, int i) {
    return (i >= 0 && (size_t)i < n && names[i]) ? names[i] : "unknown";
}

/* One name table per enum family, from its list in sipreg.h. */
#define NAME_ENTRY(id, value, name) [value] = name,
static const char *const STATE_NAMES[] = {SIPREG_STATE_LIST(NAME_ENTRY)};
static const char *const REASON_NAMES[] = {SIPREG_REASON_LIST(NAME_ENTRY)};
static const char *const EVENT_NAMES[] = {SIPREG_EVENT_LIST(NAME_ENTRY)};
static const char *const OP_NAMES[] = {SIPREG_OP_LIST(NAME_ENTRY)};
static const char *const LIVENESS_NAMES[] = {SIPREG_LIVENESS_LIST(NAME_ENTRY)};
static const char *const MATCH_NAMES[] = {SIPREG_MATCH_LIST(NAME_ENTRY)};
static const char *const TRIGGER_NAMES[] = {SIPREG_TRIGGER_LIST(NAME_ENTRY)};
#undef NAME_ENTRY
#define NAME_OF(table, i) name_of(table, sizeof table / sizeof table[0], i)

const char *sipreg_state_name(int state) { return NAME_OF(STATE_NAMES, state); }
const char *sipreg_reason_name(int reason) { return NAME_OF(REASON_NAMES, reason); }
const char *sipreg_event_name(int type) { return NAME_OF(EVENT_NAMES, type); }
const char *sipreg_op_name(int op) { return NAME_OF(OP_NAMES, op); }
const char *sipreg_liveness_name(int liveness) { return NAME_OF(LIVENESS_NAMES, liveness); }
const char *sipreg_match_name(int match) { return NAME_OF(MATCH_NAMES, match); }
const char *sipreg_trigger_name(int trigger) { return NAME_OF(TRIGGER_NAMES, trigger); }
