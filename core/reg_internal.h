/* reg_internal.h — the registration object shared by the reg*.c files: reg.c (creation,
 * contacts), reg_sched.c (commands, queue, timers), reg_flow.c (flow, liveness), reg_response.c
 * (responses, bindings), reg_policy.c (the failure table), reg_output.c (messages, events, the
 * transition table, views' data) and state.c (export and reload). Not part of the public API. */
#ifndef SIPREG_REG_INTERNAL_H
#define SIPREG_REG_INTERNAL_H

#include "internal.h"
#include "hash.h"

#define SIPREG__EVENTS 8        /* queued events before the oldest is dropped */
#define SIPREG__RESPONSES 4     /* responses waiting for poll_send (sipreg_respond) */
#define SIPREG__ARENA 768       /* bytes for strings of the binding view (URIs, GRUUs, routes) */
#define SIPREG__REALM_MAX 96    /* longest realm we keep for nonce reuse */
#define SIPREG__NONCE_MAX 192   /* longest nonce we keep */
#define SIPREG__OPAQUE_MAX 96   /* longest opaque we keep */
#define SIPREG__REASON_MAX 64   /* reason phrase kept for events */
#define SIPREG__MAX_423 3       /* 423 answers we follow per attempt (each must raise the ask) */
#define SIPREG__CALL_ID_LEN 24  /* Call-ID characters (from the PRNG's token alphabet) */
#define SIPREG__TAG_LEN 10      /* From tag characters */
#define SIPREG__TARGET_MAX 256  /* longest 3xx Contact we follow as a Request-URI */
#define SIPREG__VISITED 8       /* 3xx targets remembered per attempt (loop guard) */
#define SIPREG__ALTS 3          /* further Contacts of a 3xx kept, tried when the first fails */
#define SIPREG__PROBE_BRANCH 17 /* "z9hG4bK" + 10 random characters */
#define SIPREG__QUEUE 4         /* commands waiting behind the open one (one per op kind) */
#define SIPREG__CONNECT_MAX_MS 8000 /* cap of the delay between connect requests (unregister) */
#define SIPREG__FLOW_HOST_MAX 64    /* longest local host sipreg_set_flow takes */
#define SIPREG__GEN_URI_MAX 112 /* a generated Contact URI: sip:user@[host]:port;transport=tls */
#define SIPREG__AOR_DERIVED_MAX 300 /* a Request-URI derived from the AOR's host and port */
#define SIPREG__COOKIE_LEN 7        /* "z9hG4bK", the branch magic cookie (RFC 3261 §8.1.1.7) */
#define SIPREG__BRANCH_RANDOM 16    /* random characters after it in a REGISTER's branch */
#define SIPREG__CNONCE_LEN 16       /* cnonce characters (RFC 7616 §3.4) */
#define SIPREG__GEN_USER_LEN 8      /* random user part of a generated Contact */
#define SIPREG__GEN_HOST_LEN 12     /* random characters before ".invalid" in a generated Contact */
#define SIPREG__STUN_RC 7           /* STUN requests per transaction (RFC 5389 §7.2.1 Rc) */
#define SIPREG__STUN_RM 16          /* RTOs waited after the last one (RFC 5389 §7.2.1 Rm) */
#define SIPREG__STUN_LO_S 24 /* STUN keep-alive interval without Flow-Timer: U[24, 29] s ... */
#define SIPREG__STUN_HI_S 29 /* ... (RFC 5626 §4.4.2) */

/* What the open (or queued) REGISTER does: the public enum sipreg_op. */
#define SIPREG__OP_NONE SIPREG_OP_NONE
#define SIPREG__OP_REGISTER SIPREG_OP_REGISTER
#define SIPREG__OP_UNREGISTER SIPREG_OP_UNREGISTER
#define SIPREG__OP_UNREGISTER_ALL SIPREG_OP_UNREGISTER_ALL /* Contact: * (RFC 3261 §10.2.2) */
#define SIPREG__OP_FETCH SIPREG_OP_FETCH                   /* no Contact (RFC 3261 §10.2.3) */

/* One of our Contacts. */
struct sipreg__contact {
    struct sipreg_str uri; /* into r->contact_text */
    int64_t expires;       /* per-binding request, or -1 for r->requested */
    int q;                 /* thousandths, or -1 */
    uint8_t removing;      /* 1: swapped out; sent once with expires=0, then dropped */
    uint8_t carrier;       /* 1: carries +sip.instance and reg-id (one contact: the UA's flow) */
    uint8_t generated;     /* 1: our URI (sipreg_set_flow rewrites its host), not configured */
    int matched_by;        /* enum sipreg_match from the last 2xx */
    int64_t granted;       /* seconds granted by the last 2xx (0: missing) */
    sipreg_ms expires_at;  /* monotonic expiry, or SIPREG_NEVER */
    uint16_t pub_off, pub_len, temp_off, temp_len; /* GRUUs in r->arena */
};

/* Another device's binding, strings in r->arena. */
struct sipreg__other {
    uint16_t uri_off, uri_len, inst_off, inst_len, pub_off, pub_len, temp_off, temp_len;
    int64_t reg_id;       /* or -1 */
    int q;                /* or -1 */
    int64_t granted;      /* seconds */
    sipreg_ms expires_at; /* monotonic */
};

/* Storage of the binding view (other devices' bindings; GRUU, route and URI text), allocated
 * when a 2xx first needs it: a registration alone on its AOR without GRUUs or routes never does
 * (memory per registration). */
struct sipreg__store {
    struct sipreg__other others[SIPREG_MAX_BINDINGS];
    char arena[SIPREG__ARENA];
};

/* Cached digest state for nonce reuse (RFC 7616 §3.4: nc counts requests with one nonce). */
struct sipreg__auth {
    int fresh;    /* 1: the challenge came in this attempt (not a nonce kept from before) */
    int tries;    /* challenges of this kind answered in this attempt */
    int proxy;    /* 1: Proxy-Authorization (407) */
    int alg;      /* enum sipreg_alg */
    unsigned qop; /* chosen qop (0 = none) */
    int userhash; /* userhash=true */
    uint32_t nc;  /* last nonce count used */
    uint16_t realm_len, nonce_len, opaque_len;
    uint8_t has_opaque;
    char cnonce[SIPREG__CNONCE_LEN]; /* cnonce of the open request (kept for retransmissions) */
    uint32_t req_nc; /* nc of the open request (0: the request carries no credentials) */
    uint8_t ha1_len; /* H(A1) of our credentials for this realm and algorithm (hex), computed
                      * once when the challenge is stored (0: none, e.g. a configured HA1) */
    char text[];     /* realm, nonce, opaque, H(A1): allocated to their exact size */
};

/* Views of a cached challenge's strings. */
#define SIPREG__AUTH_REALM(a) sipreg__str((a)->text, (a)->realm_len)
#define SIPREG__AUTH_NONCE(a) sipreg__str((a)->text + (a)->realm_len, (a)->nonce_len)
#define SIPREG__AUTH_OPAQUE(a)                                                                     \
    sipreg__str((a)->text + (a)->realm_len + (a)->nonce_len, (a)->opaque_len)
#define SIPREG__AUTH_HA1(a)                                                                        \
    sipreg__str((a)->text + (a)->realm_len + (a)->nonce_len + (a)->opaque_len, (a)->ha1_len)

/* The registration. */
struct sipreg {
    struct sipreg_prng prng;
    struct sipreg_policy pol;
    int transport, discovery, outbound, reg_id;
    int state;
    int flow_up;
    int flow_ok; /* the flow carried a successful registration (RFC 5626 §4.5) */

    /* configuration strings (one allocation: r->strings) */
    char *strings;
    size_t strings_len;
    struct sipreg_str aor, ruri, user, password, ha1, instance, user_agent, supported, extra,
        via_host, from, route; /* from: empty = the AOR; route: with ;lr, or empty; the Allow
                                * and Accept values of our responses follow `from` in r->strings
                                * (sipreg__allow, sipreg__accept) */

    /* the flow the host reported (sipreg_set_flow): local address for Via and generated
     * Contacts (UDP/TCP/TLS), allocated to size; NULL until reported */
    char *flow_host;       /* IPv6 with brackets */
    uint8_t flow_host_len; /* bytes at flow_host */
    uint8_t need_stream;   /* a REGISTER exceeded policy.udp_max: 1 TCP from now on
                            * (§18.1.1); 2 the host had none (UDP after all) */
    uint8_t resume; /* the op whose attempt continues on the next flow (failover, stream switch) */
    uint8_t alt_tries;  /* failovers to another server used in this attempt (RFC 3263) */
    uint16_t flow_port; /* local port */
    char maddr[15];     /* the multicast group requests go to (sipreg_set_multicast), IPv4 */
    uint8_t maddr_len;  /* 0: unicast */
    uint8_t mcast_ttl;  /* Via ;ttl with maddr */
    char call_id[SIPREG__CALL_ID_LEN]; /* random, constant for the registration (§10.2) */
    char from_tag[SIPREG__TAG_LEN];    /* random From tag (§8.1.1.3) */

    /* our contacts, then their URIs (contact_text) in one allocation of contacts_size
     * bytes, sized to the list (at most SIPREG_MAX_CONTACTS * 2: new ones and removals) */
    struct sipreg__contact *contacts;
    size_t ncontacts;
    char *contact_text;
    size_t contacts_size;
    int64_t requested; /* Expires we ask for (raised by 423, never shrunk to the grant) */

    /* the transaction (RFC 3261 §17.1.2) */
    int op;                       /* enum sipreg_op of the open transaction, or NONE */
    int last_op;                  /* the op events refer to: the one running, or that just ended */
    int wants_transport;          /* SIPREG_EV_CONNECT emitted: waiting for the host's up/down */
    sipreg_ms unreg_until;        /* an unregister gives up at this time (policy.command_ms) */
    sipreg_ms connect_at;         /* ask for a flow again at this time (unregister), or NEVER */
    uint8_t queue[SIPREG__QUEUE]; /* ops to start when the open one ends, oldest first (FIFO) */
    uint8_t nqueue;               /* how many wait in queue[] */
    uint8_t quick_retry;          /* the one immediate retry of a first REGISTER was used */
    uint8_t renew;                /* the next down report starts a REGISTER at once (network) */
    uint8_t connect_tries;        /* connect requests for the pending unregister */
    uint32_t cseq;                /* CSeq of the last REGISTER (§10.2: +1 each) */
    char branch[SIPREG__COOKIE_LEN + SIPREG__BRANCH_RANDOM]; /* "z9hG4bK" + random */
    size_t branch_len;
    sipreg_ms tx_start;           /* when the open REGISTER was first sent */
    sipreg_ms timer_f;            /* transaction timeout (64*T1) */
    sipreg_ms timer_e;            /* next retransmission (unreliable transports), or NEVER */
    int64_t timer_e_ms;           /* current retransmission interval */
    int send_pending;             /* the open request is waiting in poll_send */
    int sent_once;                /* the open request went out at least once */
    int interval_tries;           /* 423s followed in this attempt */
    int outbound_refused;         /* 439 seen: register without reg-id (RFC 5626 §4.2.1) */
    struct sipreg__auth *auth[2]; /* [0] WWW (401), [1] Proxy (407) (RFC 3261 §22.3): NULL
                                   * until a challenge of that kind is cached */

    /* the failure table's retries within one attempt (reg_policy.c) */
    char *target, *home; /* Request-URIs from a 302/300 (this attempt) and a 301 (for good),
                          * allocated to size (RFC 3261 §21.3); NULL: none */
    uint16_t target_len, home_len;
    char *alts;        /* the last 3xx's other usable Contacts, best first, one per line */
    uint16_t alts_len; /* 0: none (this attempt only) */
    int alts_status;   /* the 3xx they came from (301: a move for good) */
    int redirects;     /* 3xx followed in this attempt */
    uint32_t visited[SIPREG__VISITED]; /* hashes of the targets tried in this attempt */
    int extension_tries;               /* 420/421 retries in this attempt */

    /* schedule */
    sipreg_ms refresh_at, expires_at, retry_at;
    int expiring_sent; /* EXPIRING already reported for this refresh point */
    int failures;      /* consecutive failures (RFC 5626 §4.5) */
    int last_status;
    int64_t granted; /* minimum granted over our bindings, or -1 */

    /* binding view of the last 2xx */
    struct sipreg__store *store; /* others[] and arena[]: NULL until needed */
    size_t nothers, others_omitted;
    uint16_t route_off[SIPREG_MAX_ROUTES], route_len[SIPREG_MAX_ROUTES];
    uint16_t path_off[SIPREG_MAX_ROUTES], path_len[SIPREG_MAX_ROUTES];
    size_t nroutes, npaths;
    size_t arena_len;

    /* RFC 5626 §4.4.1 CRLF keep-alive */
    int ka_on;               /* pings run (reliable flow, registered, mode allows) */
    int64_t ka_interval_s;   /* Flow-Timer, or the policy's upper bound */
    sipreg_ms ping_at;       /* next ping, or NEVER */
    sipreg_ms pong_deadline; /* open ping's deadline, or NEVER */
    int ping_pending;        /* a ping waits in poll_send */
    int flow_failed;         /* no pong: nothing goes out until the host reports the flow down */
    uint8_t ka_ft;           /* ka_interval_s is the registrar's Flow-Timer */

    /* RFC 5626 §4.4.2 STUN keep-alive over UDP (ka_on, ping_at and pong_deadline above time
     * it): one Binding transaction at a time, retransmitted per RFC 5389 §7.2.1 */
    uint8_t stun_open;  /* a Binding request waits for its answer */
    uint8_t stun_sends; /* requests sent in it (at most SIPREG__STUN_RC) */
    uint8_t stun_seen;  /* a STUN answer arrived on this flow: the next hop runs STUN */
    uint8_t stun_off;   /* no STUN answer on this flow: OPTIONS probes keep it instead */
    uint8_t stun_check; /* stun_off's first probe waits: the flow's verdict is open */
    uint8_t stun_tid[SIPREG_STUN_TID]; /* its transaction ID (the core's PRNG, §6) */
    sipreg_ms stun_retx_at;            /* its next retransmission, or NEVER */
    char *stun_mapped; /* the flow's mapped address as text, allocated to size; NULL: none yet */

    /* liveness probes without outbound (keepalive AUTO, no promised pongs): OPTIONS or host ping
     * after probe_s of silence; ping_at / pong_deadline above time them */
    uint8_t probe_on;        /* probes run on this flow (its registration promised no pongs) */
    uint8_t probe_open;      /* a probe waits for its answer (pong_deadline runs) */
    uint8_t options_pending; /* the OPTIONS probe waits in poll_send */
    uint8_t nresponses;      /* responses waiting (reg_request.c), at most SIPREG__RESPONSES */
    char options_branch[SIPREG__PROBE_BRANCH]; /* its Via branch: "z9hG4bK" + random */
    uint32_t options_cseq;                     /* CSeq of the open OPTIONS */

    /* clock */
    int has_wall, has_skew;
    int64_t wall_ms;
    sipreg_ms wall_at;
    int64_t skew_ms, skew_err_ms;

    /* responses to requests on the flow (reg_request.c), waiting for sipreg_poll_send: a list,
     * each allocated to size, oldest first */
    struct sipreg__response *responses;

    /* events */
    struct sipreg_event *events; /* SIPREG__EVENTS slots while events wait, else NULL */
    unsigned ev_head, ev_count;
    char reason_text[SIPREG__REASON_MAX];
    size_t reason_len;
};

/* Queue an event (the oldest is dropped when the queue is full): the queued event, or NULL when
 * memory is out (the event is lost). */
struct sipreg_event *sipreg__emit(struct sipreg *r, int type, int reason, int status, int error,
                                  sipreg_ms at, int64_t value);

/* Move to state `next` because of `trigger` (enum sipreg_trigger) and emit SIPREG_EV_STATE with
 * `reason` when it differs. {state, trigger} -> next must be a row of sipreg_transitions (native
 * builds abort otherwise). */
void sipreg__set_state(struct sipreg *r, int trigger, int next, int reason);

/* Close the open transaction (no more retransmissions; late responses are dropped). */
void sipreg__end_transaction(struct sipreg *r);

/* Emit an event that concerns `op` (its op field), whatever last_op says. */
void sipreg__emit_op(struct sipreg *r, int op, int type, int reason, int status, int error,
                     sipreg_ms at, int64_t value);

/* Start the queued operation, if any, else nothing. */
void sipreg__start_queued(struct sipreg *r, sipreg_ms now);

/* Start an operation now (a new REGISTER with CSeq+1 and a new branch), or queue it; `reason`
 * explains the state change. */
void sipreg__start(struct sipreg *r, int op, int reason, sipreg_ms now);

/* Resend the open operation as a new request (after 401/407/423/439): CSeq+1, new branch. */
void sipreg__restart(struct sipreg *r, sipreg_ms now);

/* Schedule the next attempt after a failure (Retry-After if >= 0, else RFC 5626 §4.5). */
void sipreg__schedule_retry(struct sipreg *r, int64_t retry_after_s, int reason, int status,
                            int error, sipreg_ms now);

/* Schedule the refresh for a grant of `granted` seconds counted from `base`. */
void sipreg__schedule_refresh(struct sipreg *r, int64_t granted, sipreg_ms base);

/* The binding view's storage, allocated on first use; NULL when out of memory. */
struct sipreg__store *sipreg__store(struct sipreg *r);

/* Copy s into the arena: its offset, or -1 when it does not fit (or memory is out). */
int sipreg__arena_put(struct sipreg *r, struct sipreg_str s);

/* A view of arena bytes. */
struct sipreg_str sipreg__arena_str(const struct sipreg *r, uint16_t off, uint16_t len);

/* Schedule the next keep-alive ping (RFC 5626 §4.4.1: U[0.8, 1.0] of the interval). */
void sipreg__schedule_ping(struct sipreg *r, sipreg_ms now);

/* A new attempt begins (sipreg__start): per-attempt counters reset; a 302 target is forgotten. */
void sipreg__new_attempt(struct sipreg *r);

/* Cache a challenge in slot ch->proxy (exact-size allocation): 0, SIPREG_E_LIMIT (a string too
 * long) or SIPREG_E_NOMEM. nc restarts at 0. */
int sipreg__auth_store(struct sipreg *r, const struct sipreg_challenge *ch);

/* Forget the cached challenge of slot `kind`. */
void sipreg__auth_drop(struct sipreg *r, int kind);

/* Bytes held by the cached challenges and 3xx targets (for sipreg_memory). */
size_t sipreg__extra_memory(const struct sipreg *r);

/* Fresh credentials for a new request (RFC 7616 §3.4: the next nc, a new cnonce per slot). */
void sipreg__auth_next(struct sipreg *r);

/* The Request-URI of the next request: a followed 3xx target, else the configured one. */
struct sipreg_str sipreg__ruri(const struct sipreg *r);

/* A failure of `op`: REGISTER retries later (or stops when `permanent`); unregister and fetch
 * report and stop. */
void sipreg__fail(struct sipreg *r, int op, int reason, int status, int error, int64_t retry_after,
                  int permanent, sipreg_ms now);

/* 401 / 407 (RFC 3261 §22.2, §22.3; RFC 7616): answer, or stop on rejected credentials. */
void sipreg__on_challenge(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now);

/* 3xx (RFC 3261 §8.1.3.4): follow the best usable Contact, or fail terminally. */
void sipreg__on_redirect(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now);

/* A redirected request failed: try the 3xx's next Contact (RFC 3261 §8.1.3.4). 1 when a new
 * REGISTER went out, 0 when none is left (or the redirect limit is reached). */
int sipreg__next_contact(struct sipreg *r, int op, sipreg_ms now);

/* 420/421 (RFC 3261 §20.40, §20.32): retry once without the named option tag, else terminal. */
void sipreg__on_extension(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now);

/* The sentence that refuses a contact list (bad URI, q, expires; every contact at expires 0), or
 * NULL (config.c, shared by sipreg_config_problem and sipreg_set_contacts). */
const char *sipreg__contacts_problem(const struct sipreg_contact_spec *c, size_t n);

/* Replace our contacts by c[0..n); with remove_old, our live contacts the new list drops stay as
 * one-shot removals (expires=0 in the next REGISTER, RFC 3261 §10.2.2). */
int sipreg__swap_contacts(struct sipreg *r, const struct sipreg_contact_spec *c, size_t n,
                          int remove_old);

/* The Allow value of our responses: NUL-terminated right after the `from` string in r->strings
 * (reg.c copies from, allow, accept in that order, and `from` never changes; no views of their
 * own: memory per registration). */
static inline struct sipreg_str sipreg__allow(const struct sipreg *r) {
    return sipreg__cstr(r->from.p + r->from.len + 1);
}

/* The Accept value of our responses: NUL-terminated right after the Allow value. */
static inline struct sipreg_str sipreg__accept(const struct sipreg *r) {
    struct sipreg_str allow = sipreg__allow(r);
    return sipreg__cstr(allow.p + allow.len + 1);
}

/* 1 when the REGISTER must wait for a stream flow: it outgrew UDP (RFC 3261 §18.1.1). */
static inline int sipreg__stream_wanted(const struct sipreg *r) {
    return r->need_stream == 1 && r->transport == SIPREG_TP_UDP;
}

/* 1 when requests can go out: a flow is up, not known to be dead, and of a kind that fits. */
static inline int sipreg__flow_usable(const struct sipreg *r) {
    return r->flow_up && !r->flow_failed && !sipreg__stream_wanted(r);
}

/* Fail over to the host's next server (RFC 3263 §4.3) after a Timer F (status 0) or a 503, when
 * policy.alternates allows one more in this attempt: the flow is dropped (SIPREG_EV_FLOW_FAILED)
 * and `op` goes again at once on a new one. 1 when it did, 0 when the caller handles the
 * failure (reg_flow.c). */
int sipreg__failover(struct sipreg *r, int op, int status, sipreg_ms now);

/* Write a generated Contact URI for `user` into b: the flow's address for UDP/TCP/TLS after
 * sipreg_set_flow, else a random ".invalid" host (RFC 7118 §5) (reg_flow.c). */
void sipreg__generated_uri(struct sipreg *r, struct sipreg__buf *b, const char *user, size_t n);

/* The command queue (reg_sched.c): position of op or -1; remove entry i; 1 when an unregister
 * waits; put op first (the open op that lost its flow); ask the host for a flow once; start the
 * first queued op when nothing is open, or show its state and wait for a flow. */
int sipreg__queued_at(const struct sipreg *r, int op);
void sipreg__dequeue_at(struct sipreg *r, unsigned i);
int sipreg__unregister_queued(const struct sipreg *r);
void sipreg__requeue_front(struct sipreg *r, int op);
void sipreg__want_flow(struct sipreg *r);
void sipreg__run_queue(struct sipreg *r, int reason, sipreg_ms now);

/* The flow is dead (reason FLOW, TIMEOUT or NETWORK): SIPREG_EV_FLOW_FAILED, nothing goes out on
 * it until the host reports it down (reg_flow.c). */
void sipreg__fail_flow(struct sipreg *r, int reason, sipreg_ms now);

/* Keep-alive timers: send a ping when due (a CRLF, or over UDP a STUN Binding request and its
 * retransmissions), fail the flow when its answer is late. */
void sipreg__keepalive_timeout(struct sipreg *r, sipreg_ms now);

/* A STUN datagram arrived (sipreg_stun_is): the answer to the open Binding request, a stale one
 * (SIPREG_RECV_STALE) or an error (reg_flow.c, RFC 5626 §4.4.2). */
int sipreg__stun_recv(struct sipreg *r, const char *msg, size_t len, sipreg_ms now);

/* Compose the pending STUN Binding request into buf: its length, or a negative error. */
int sipreg__stun_compose(struct sipreg *r, char *buf, size_t cap);

/* Forget the flow's STUN state (its transaction and mapped address): the flow went down. */
void sipreg__stun_reset(struct sipreg *r);

/* Start liveness probes after a REGISTER 2xx that promised no pongs (keepalive AUTO). */
void sipreg__probe_start(struct sipreg *r, sipreg_ms now);

/* Something arrived on the flow: it is alive; the silence before the next probe starts again. */
void sipreg__probe_heard(struct sipreg *r, sipreg_ms now);

/* The probe timers (send the probe when due, the flow failed when its answer is late). */
void sipreg__probe_timeout(struct sipreg *r, sipreg_ms now);

/* 1 when m answers the open OPTIONS probe (branch, Call-ID, CSeq number and method). */
int sipreg__probe_answer(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now);

/* Compose the pending OPTIONS probe into buf: its length, or a negative error. */
int sipreg__probe_compose(struct sipreg *r, char *buf, size_t cap);

/* Forget the probes of the flow (it went down or failed). */
void sipreg__probe_stop(struct sipreg *r);

/* The next queued response into buf (reg_request.c): its length, SIPREG_E_BUFFER (it stays
 * queued) or SIPREG_E_DONE when none waits. */
int sipreg__response_take(struct sipreg *r, char *buf, size_t cap);

/* Drop the queued responses (the flow they were for went down, or the registration is freed). */
void sipreg__responses_drop(struct sipreg *r);

/* Handle a parsed response to the open transaction. */
void sipreg__on_response(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now);

/* Requested expiry of our contact i (its own, else the registration's). */
int64_t sipreg__contact_request(const struct sipreg *r, size_t i);

#endif /* SIPREG_REG_INTERNAL_H */
