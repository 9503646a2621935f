/* reg_sched.c — commands and their queue (FIFO behind the open REGISTER, RFC 3261 §10.2: never
 * two in flight; the unregister's time bound), the REGISTER transaction (RFC 3261 §17.1.2: Timer E
 * retransmissions over unreliable transports, Timer F timeout), and the schedule: refresh
 * (§10.2.4), expiry, and retry after failures (RFC 3261 §10.2.7, RFC 5626 §4.5). The flow and
 * its liveness are in reg_flow.c. */
#include "reg_internal.h"

/* ---------------------------------------------------------------------------------------- */
/* Transactions                                                                             */
/* ---------------------------------------------------------------------------------------- */

/* Open a new client transaction for r->op: CSeq + 1 (§10.2), a new branch (§8.1.1.7), fresh
 * credentials when a nonce is cached (RFC 7616 §3.4: the next nc, a new cnonce). */
static void open_transaction(struct sipreg *r, sipreg_ms now) {
    r->cseq++;
    memcpy(r->branch, "z9hG4bK", SIPREG__COOKIE_LEN); /* RFC 3261 §8.1.1.7 magic cookie */
    sipreg_prng_token(&r->prng, r->branch + SIPREG__COOKIE_LEN, SIPREG__BRANCH_RANDOM);
    r->branch_len = SIPREG__COOKIE_LEN + SIPREG__BRANCH_RANDOM;
    sipreg__auth_next(r);
    r->tx_start = now;
    r->timer_f = now + 64 * r->pol.t1_ms; /* §17.1.2.2 Timer F */
    if (sipreg_transport_reliable(r->transport)) {
        r->timer_e = SIPREG_NEVER;
    } else {
        r->timer_e_ms = r->pol.t1_ms; /* §17.1.2.2 Timer E starts at T1 */
        r->timer_e = now + r->timer_e_ms;
    }
    r->send_pending = 1;
    r->sent_once = 0;
}

void sipreg__end_transaction(struct sipreg *r) {
    r->op = SIPREG__OP_NONE;
    r->send_pending = 0;
    r->timer_f = r->timer_e = SIPREG_NEVER;
    /* the branch stays: a late or duplicate final response still matches nothing open */
}

/* State to show while op runs. */
static int state_for_op(const struct sipreg *r, int op) {
    switch (op) {
    case SIPREG__OP_REGISTER:
        return (r->state == SIPREG_ST_REGISTERED || r->state == SIPREG_ST_REFRESHING)
                   ? SIPREG_ST_REFRESHING
                   : SIPREG_ST_REGISTERING;
    case SIPREG__OP_UNREGISTER:
    case SIPREG__OP_UNREGISTER_ALL:
        return SIPREG_ST_UNREGISTERING;
    default:
        return r->state;
    }
}

/* The trigger of a state state_for_op shows: a REGISTER or an unregister starts (or waits). */
static int trigger_for_state(int st) {
    return st == SIPREG_ST_UNREGISTERING ? SIPREG_TR_UNREGISTER : SIPREG_TR_REGISTER;
}

/* Position of op in the command queue, or -1. */
int sipreg__queued_at(const struct sipreg *r, int op) {
    for (unsigned i = 0; i < r->nqueue; i++)
        if (r->queue[i] == op) return (int)i;
    return -1;
}

/* Remove queue entry i. */
void sipreg__dequeue_at(struct sipreg *r, unsigned i) {
    memmove(r->queue + i, r->queue + i + 1, (r->nqueue - i - 1) * sizeof r->queue[0]);
    r->nqueue--;
}

/* 1 when an unregister waits in the queue (for a flow, or behind the open op). */
int sipreg__unregister_queued(const struct sipreg *r) {
    return sipreg__queued_at(r, SIPREG__OP_UNREGISTER) >= 0 ||
           sipreg__queued_at(r, SIPREG__OP_UNREGISTER_ALL) >= 0;
}

/* Append op; a repeated op moves to the end instead of being queued twice (one entry per op
 * kind, so the queue never overflows). An unregister drops a REGISTER queued before it: that
 * one would be undone at once (a register after an unregister does run, after it). */
static void enqueue(struct sipreg *r, int op) {
    int i = sipreg__queued_at(r, op);
    if (i >= 0) sipreg__dequeue_at(r, (unsigned)i);
    if ((op == SIPREG__OP_UNREGISTER || op == SIPREG__OP_UNREGISTER_ALL) &&
        (i = sipreg__queued_at(r, SIPREG__OP_REGISTER)) >= 0)
        sipreg__dequeue_at(r, (unsigned)i);
    if (r->nqueue < SIPREG__QUEUE) r->queue[r->nqueue++] = (uint8_t)op;
}

/* Put op first: the open op that lost its flow goes again before later commands (a REGISTER
 * not when an unregister waits: that would undo it at once). */
void sipreg__requeue_front(struct sipreg *r, int op) {
    if (op == SIPREG__OP_REGISTER && sipreg__unregister_queued(r)) return;
    int i = sipreg__queued_at(r, op);
    if (i >= 0) sipreg__dequeue_at(r, (unsigned)i);
    if (r->nqueue == SIPREG__QUEUE) r->nqueue--;
    memmove(r->queue + 1, r->queue, r->nqueue * sizeof r->queue[0]);
    r->queue[0] = (uint8_t)op;
    r->nqueue++;
}

/* Ask the host for a flow (SIPREG_EV_CONNECT) once; not while a failed flow is being closed
 * (its down report asks again). value: SIPREG_TP_TCP once a REGISTER outgrew UDP (RFC 3261
 * §18.1.1; then also while the UDP flow is up), else 0 (any flow). */
void sipreg__want_flow(struct sipreg *r) {
    if (r->wants_transport || !r->nqueue ||
        (r->flow_up && !(sipreg__stream_wanted(r) && !r->flow_failed)))
        return;
    r->wants_transport = 1;
    r->last_op = r->queue[0];
    sipreg__emit(r, SIPREG_EV_CONNECT, SIPREG_R_FLOW, 0, 0, SIPREG_NEVER,
                 r->need_stream == 1 ? SIPREG_TP_TCP : 0);
}

/* Start the queue's first op when nothing is open (§10.2: never two REGISTERs in flight), or
 * show its state and wait for a flow. */
void sipreg__run_queue(struct sipreg *r, int reason, sipreg_ms now) {
    if (r->op != SIPREG__OP_NONE || !r->nqueue) return;
    int op = r->queue[0];
    int st = state_for_op(r, op);
    if (!sipreg__flow_usable(r)) {
        /* waiting for a flow: show the state of the first queued op that changes it (a
         * register behind a fetch is "registering") */
        int shown = st;
        for (unsigned i = 0; i < r->nqueue; i++)
            if (r->queue[i] != SIPREG__OP_FETCH) {
                shown = state_for_op(r, r->queue[i]);
                break;
            }
        r->last_op = op;
        if (shown != r->state) sipreg__set_state(r, trigger_for_state(shown), shown, reason);
        sipreg__want_flow(r);
        return;
    }
    sipreg__dequeue_at(r, 0);
    r->wants_transport = 0;
    r->op = op;
    r->last_op = op;
    int resume = r->resume == op;
    r->resume = 0;
    if (resume) {
        /* the same attempt on a new flow (failover, RFC 3263 §4.3; TCP, §18.1.1): its counters
         * stay, but a new server's challenge is answered afresh */
        for (int k = 0; k < 2; k++)
            if (r->auth[k]) r->auth[k]->tries = r->auth[k]->fresh = 0;
    } else {
        sipreg__new_attempt(r);
    }
    /* a REGISTER is the retry; a fetch during back-off leaves the retry where it is */
    if (op == SIPREG__OP_REGISTER) r->retry_at = SIPREG_NEVER;
    if (st != r->state) sipreg__set_state(r, trigger_for_state(st), st, reason);
    open_transaction(r, now);
}

void sipreg__start(struct sipreg *r, int op, int reason, sipreg_ms now) {
    enqueue(r, op);
    sipreg__run_queue(r, reason, now);
}

void sipreg__restart(struct sipreg *r, sipreg_ms now) { open_transaction(r, now); }

void sipreg__start_queued(struct sipreg *r, sipreg_ms now) {
    sipreg__run_queue(r, SIPREG_R_COMMAND, now);
}

/* The pending unregister waited for a flow until policy.command_ms after the command: stop
 * (IDLE; our bindings expire on their own at the registrar). */
static void give_up_unregister(struct sipreg *r, sipreg_ms now) {
    int i = sipreg__queued_at(r, SIPREG__OP_UNREGISTER);
    int op = i >= 0 ? SIPREG__OP_UNREGISTER : SIPREG__OP_UNREGISTER_ALL;
    if (i < 0) i = sipreg__queued_at(r, SIPREG__OP_UNREGISTER_ALL);
    if (i >= 0) sipreg__dequeue_at(r, (unsigned)i);
    if ((i = sipreg__queued_at(r, SIPREG__OP_UNREGISTER_ALL)) >= 0)
        sipreg__dequeue_at(r, (unsigned)i);
    r->connect_at = SIPREG_NEVER;
    r->expires_at = r->refresh_at = r->retry_at = SIPREG_NEVER;
    sipreg__emit_op(r, op, SIPREG_EV_FAILED, SIPREG_R_GAVE_UP, 0, 0, SIPREG_NEVER, 0);
    r->last_op = op;
    sipreg__set_state(r, SIPREG_TR_ABANDON, SIPREG_ST_IDLE, SIPREG_R_GAVE_UP);
    sipreg__run_queue(r, SIPREG_R_COMMAND, now);
}

/* ---------------------------------------------------------------------------------------- */
/* Schedule                                                                                 */
/* ---------------------------------------------------------------------------------------- */

void sipreg__schedule_refresh(struct sipreg *r, int64_t granted, sipreg_ms base) {
    /* a grant below the floor is scheduled as the floor: a registrar granting 1 s must not make
     * us send a REGISTER every half second (the bindings view keeps the true grant) */
    if (granted < r->pol.min_grant_s) granted = r->pol.min_grant_s;
    int64_t e_ms = granted * 1000;
    int64_t at;
    if (granted > 2 * r->pol.refresh_margin_s) {
        /* E > 64 s: a random point in [E/2, E - 32 s] spreads refreshes of many clients */
        at = sipreg_prng_range(&r->prng, e_ms / 2, e_ms - r->pol.refresh_margin_s * 1000);
    } else {
        /* E <= 64 s: E - 5 s, but not before E/2 */
        at = e_ms - r->pol.short_margin_s * 1000;
        if (at < e_ms / 2) at = e_ms / 2;
    }
    r->refresh_at = base + at;
    r->expires_at = base + e_ms;
    r->expiring_sent = 0;
    r->quick_retry = 0; /* a registration succeeded: a first-REGISTER drop may retry at once */
}

void sipreg__schedule_retry(struct sipreg *r, int64_t retry_after_s, int reason, int status,
                            int error, sipreg_ms now) {
    int64_t delay_ms;
    int why;
    r->failures++;
    if (retry_after_s > 0 || (retry_after_s == 0 && r->failures <= 1)) {
        /* RFC 3261 §21.5.4 / RFC 5626 §4.2.1: honour Retry-After (0 = at once, but only for the
         * first failure in a row: repeated zeros fall back to the back-off, no tight loop) */
        if (retry_after_s > r->pol.max_retry_after_s) retry_after_s = r->pol.max_retry_after_s;
        delay_ms = retry_after_s * 1000;
        why = SIPREG_R_RETRY_AFTER;
    } else {
        /* RFC 5626 §4.5: W = min(max-time, base-time * 2^failures), wait U[W/2, W] */
        int64_t base = r->pol.other_flow_up ? r->pol.base_up_s : r->pol.base_s;
        int64_t w = base;
        for (int i = 0; i < r->failures && w < r->pol.max_s; i++)
            w *= 2;
        if (w > r->pol.max_s) w = r->pol.max_s;
        delay_ms = sipreg_prng_range(&r->prng, w * 500, w * 1000);
        why = SIPREG_R_BACKOFF;
    }
    r->retry_at = now + delay_ms;
    r->refresh_at = SIPREG_NEVER; /* the retry replaces the refresh */
    /* a REGISTER queued behind the failed one is the retry itself: it waits for the back-off */
    int i = sipreg__queued_at(r, SIPREG__OP_REGISTER);
    if (i >= 0) sipreg__dequeue_at(r, (unsigned)i);
    sipreg__set_state(r, SIPREG_TR_RETRY, SIPREG_ST_BACKOFF, reason);
    sipreg__emit(r, SIPREG_EV_FAILED, reason, status, error, r->retry_at, r->failures);
    sipreg__emit(r, SIPREG_EV_RETRY, why, status, error, r->retry_at, delay_ms);
    sipreg__run_queue(r, SIPREG_R_COMMAND, now); /* other commands (fetch, unregister) go on */
}

/* The binding is gone before we could refresh it: say so, and register again. */
static void lapse(struct sipreg *r, sipreg_ms now) {
    int64_t late = now - r->expires_at;
    r->expires_at = SIPREG_NEVER;
    r->refresh_at = SIPREG_NEVER;
    r->granted = -1;
    for (size_t i = 0; i < r->ncontacts; i++)
        r->contacts[i].expires_at = SIPREG_NEVER;
    sipreg__emit_op(r, SIPREG__OP_REGISTER, SIPREG_EV_LAPSED, SIPREG_R_LAPSED, 0, 0, now, late);
    if (r->state == SIPREG_ST_REGISTERED || r->state == SIPREG_ST_REFRESHING)
        sipreg__set_state(r, SIPREG_TR_LAPSE, SIPREG_ST_REGISTERING, SIPREG_R_LAPSED);
}

/* Timer F fired (§17.1.2.2): the open transaction timed out. 1 when the request went to the
 * next server instead (the deadlines then start over), else 0. */
static int transaction_timed_out(struct sipreg *r, sipreg_ms now) {
    /* §8.1.3.1: a transaction timeout is reported like a 408 */
    static const char TIMEOUT_TEXT[] = "Request Timeout (no response)";
    int op = r->op;
    sipreg__end_transaction(r);
    memcpy(r->reason_text, TIMEOUT_TEXT, sizeof TIMEOUT_TEXT - 1);
    r->reason_len = sizeof TIMEOUT_TEXT - 1;
    /* RFC 3263 §4.3: the next server, at once (policy.alternates) */
    if (sipreg__failover(r, op, 0, now)) return 1;
    /* no answer on a reliable flow: the flow is suspect (half-open, frozen NAT or proxy); the
     * host replaces it and the next attempt goes on a new one */
    if (sipreg_transport_reliable(r->transport) && sipreg__flow_usable(r))
        sipreg__fail_flow(r, SIPREG_R_TIMEOUT, now);
    if (op == SIPREG__OP_REGISTER) {
        /* §10.2.7: no immediate re-attempt after a timeout */
        sipreg__schedule_retry(r, -1, SIPREG_R_TIMEOUT, 408, 0, now);
    } else if (op != SIPREG__OP_FETCH && now < r->unreg_until) {
        /* an unregister tries again within its bound (on a new flow when reliable) */
        sipreg__requeue_front(r, op);
        sipreg__run_queue(r, SIPREG_R_TIMEOUT, now);
    } else {
        sipreg__emit(r, SIPREG_EV_FAILED, SIPREG_R_TIMEOUT, 408, 0, SIPREG_NEVER, 0);
        if (op != SIPREG__OP_FETCH) {
            /* the app wanted out: stop refreshing; bindings expire on their own */
            r->expires_at = r->refresh_at = SIPREG_NEVER;
            sipreg__set_state(r, SIPREG_TR_ABANDON, SIPREG_ST_IDLE, SIPREG_R_TIMEOUT);
        }
        sipreg__start_queued(r, now);
    }
    return 0;
}

/* The open transaction's timers: Timer F gives up, Timer E retransmits (unreliable flows).
 * 1 when the request failed over to the next server (run the deadlines again), else 0. */
static int transaction_timers(struct sipreg *r, sipreg_ms now) {
    if (r->op == SIPREG__OP_NONE) return 0;
    if (now >= r->timer_f) {
        return transaction_timed_out(r, now);
    } else if (now >= r->timer_e) {
        /* §17.1.2.2: retransmit, doubling the interval up to T2 */
        r->send_pending = 1;
        r->timer_e_ms = r->timer_e_ms * 2 < r->pol.t2_ms ? r->timer_e_ms * 2 : r->pol.t2_ms;
        r->timer_e = now + r->timer_e_ms;
        while (r->timer_e <= now)
            r->timer_e += r->timer_e_ms; /* a very late wake-up */
    }
    return 0;
}

/* The registration's own clock: lapse, refresh point, retry after a failure. */
static void registration_timers(struct sipreg *r, sipreg_ms now) {
    /* our binding's lifetime: lapse when it expired unrefreshed */
    if (r->expires_at != SIPREG_NEVER && now >= r->expires_at) {
        lapse(r, now);
        if (r->op == SIPREG__OP_NONE && r->state == SIPREG_ST_REGISTERING)
            sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_LAPSED, now);
    }
    /* the refresh point (§10.2.4: refresh before the expiration interval has elapsed) */
    if (r->state == SIPREG_ST_REGISTERED && r->op == SIPREG__OP_NONE && now >= r->refresh_at) {
        if (!r->expiring_sent) {
            r->expiring_sent = 1;
            int64_t left = r->expires_at == SIPREG_NEVER ? 0 : (r->expires_at - now) / 1000;
            sipreg__emit_op(r, SIPREG__OP_REGISTER, SIPREG_EV_EXPIRING, SIPREG_R_REFRESH, 0, 0,
                            r->expires_at, left);
        }
        if (!r->pol.manual_refresh) sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_REFRESH, now);
    }
    /* the retry after a failure */
    if (r->state == SIPREG_ST_BACKOFF && r->op == SIPREG__OP_NONE && now >= r->retry_at) {
        r->retry_at = SIPREG_NEVER;
        sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_BACKOFF, now);
    }
}

int sipreg_on_timeout(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    if (transaction_timers(r, now)) return sipreg_on_timeout(r, now); /* RFC 3263 §4.3 */
    /* the flow: keep-alives and liveness probes */
    sipreg__keepalive_timeout(r, now);
    sipreg__probe_timeout(r, now);
    /* the unregister's bound, and its next request for a flow */
    if (sipreg__unregister_queued(r) && r->op == SIPREG__OP_NONE && now >= r->unreg_until)
        give_up_unregister(r, now);
    if (r->connect_at != SIPREG_NEVER && now >= r->connect_at) {
        r->connect_at = SIPREG_NEVER;
        sipreg__want_flow(r);
    }
    registration_timers(r, now);
    return 0;
}

sipreg_ms sipreg_deadline(const struct sipreg *r) {
    sipreg_ms d = SIPREG_NEVER;
    if (!r) return d;
    if (r->op != SIPREG__OP_NONE) {
        if (r->timer_f < d) d = r->timer_f;
        if (r->timer_e < d) d = r->timer_e;
    }
    if (r->expires_at < d) d = r->expires_at;
    if (r->state == SIPREG_ST_REGISTERED && r->op == SIPREG__OP_NONE && r->refresh_at < d &&
        !(r->pol.manual_refresh && r->expiring_sent))
        d = r->refresh_at;
    if (r->state == SIPREG_ST_BACKOFF && r->op == SIPREG__OP_NONE && r->retry_at < d)
        d = r->retry_at;
    if (r->ka_on && r->flow_up && !r->flow_failed) {
        /* an open STUN transaction: its retransmissions (RFC 5389 §7.2.1), the ping waits */
        int stun = r->stun_open && r->transport == SIPREG_TP_UDP;
        if (stun ? r->stun_retx_at < d : r->ping_at < d) d = stun ? r->stun_retx_at : r->ping_at;
        if (r->pong_deadline < d) d = r->pong_deadline;
    }
    if (r->probe_on && r->flow_up && !r->flow_failed) {
        if (r->probe_open && r->pong_deadline < d) d = r->pong_deadline;
        if (!r->probe_open && r->op == SIPREG__OP_NONE && r->state == SIPREG_ST_REGISTERED &&
            r->ping_at < d)
            d = r->ping_at;
    }
    if (r->connect_at < d) d = r->connect_at;
    if (sipreg__unregister_queued(r) && r->op == SIPREG__OP_NONE && r->unreg_until < d)
        d = r->unreg_until;
    return d;
}

/* ---------------------------------------------------------------------------------------- */
/* Commands                                                                                 */
/* ---------------------------------------------------------------------------------------- */

int sipreg_register(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    if (r->state == SIPREG_ST_FAILED || r->state == SIPREG_ST_IDLE) {
        r->failures = 0;
        r->quick_retry = 0;
    }
    /* during back-off: an attempt now (the app asked), the failure count kept */
    sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_COMMAND, now);
    return 0;
}

int sipreg_unregister(struct sipreg *r, int all, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    r->retry_at = SIPREG_NEVER;
    r->refresh_at = SIPREG_NEVER;
    /* the bound: without a flow (or an answer) the unregister gives up command_ms from now */
    r->unreg_until = now + r->pol.command_ms;
    r->connect_tries = 0;
    r->connect_at = SIPREG_NEVER;
    sipreg__start(r, all ? SIPREG__OP_UNREGISTER_ALL : SIPREG__OP_UNREGISTER, SIPREG_R_COMMAND,
                  now);
    return 0;
}

int sipreg_fetch(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    sipreg__start(r, SIPREG__OP_FETCH, SIPREG_R_COMMAND, now);
    return 0;
}

int sipreg_wallclock(struct sipreg *r, int64_t unix_ms, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    r->has_wall = 1;
    r->wall_ms = unix_ms;
    r->wall_at = now;
    return 0;
}
