/* reg_sched.c — commands, the REGISTER transaction (RFC 3261 §17.1.2: Timer E retransmissions
 * over unreliable transports, Timer F timeout), and the schedule: refresh (§10.2.4), expiry,
 * and retry after failures (RFC 3261 §10.2.7, RFC 5626 §4.5). */
#include "reg_internal.h"

/* ---------------------------------------------------------------------------------------- */
/* Transactions                                                                             */
/* ---------------------------------------------------------------------------------------- */

/* Open a new client transaction for r->op: CSeq + 1 (§10.2), a new branch (§8.1.1.7), fresh
 * credentials when a nonce is cached (RFC 7616 §3.4: the next nc, a new cnonce). */
static void open_transaction(struct sipreg *r, sipreg_ms now) {
    r->cseq++;
    memcpy(r->branch, "z9hG4bK", 7); /* RFC 3261 §8.1.1.7 magic cookie */
    sipreg_prng_token(&r->prng, r->branch + 7, 16);
    r->branch_len = 23;
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

void sipreg__start(struct sipreg *r, int op, int reason, sipreg_ms now) {
    if (r->op != SIPREG__OP_NONE) {
        /* §10.2: never a second REGISTER while one is open; the last command wins */
        r->queued = op;
        return;
    }
    if (!r->flow_up) {
        /* wait for a flow; ask the host for one once */
        if (r->queued != op || !r->wants_transport) {
            r->queued = op;
            r->last_op = op;
            r->wants_transport = 1;
            sipreg__emit(r, SIPREG_EV_CONNECT, SIPREG_R_FLOW, 0, 0, SIPREG_NEVER, 0);
        }
        int st = state_for_op(r, op);
        if (st != r->state) sipreg__set_state(r, st, reason);
        return;
    }
    r->queued = SIPREG__OP_NONE;
    r->wants_transport = 0;
    r->op = op;
    r->last_op = op;
    sipreg__new_attempt(r);
    r->retry_at = SIPREG_NEVER;
    int st = state_for_op(r, op);
    if (st != r->state) sipreg__set_state(r, st, reason);
    open_transaction(r, now);
}

void sipreg__restart(struct sipreg *r, sipreg_ms now) { open_transaction(r, now); }

void sipreg__start_queued(struct sipreg *r, sipreg_ms now) {
    if (r->queued != SIPREG__OP_NONE && r->op == SIPREG__OP_NONE && r->flow_up)
        sipreg__start(r, r->queued, SIPREG_R_COMMAND, now);
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
    sipreg__set_state(r, SIPREG_ST_BACKOFF, reason);
    sipreg__emit(r, SIPREG_EV_FAILED, reason, status, error, r->retry_at, r->failures);
    sipreg__emit(r, SIPREG_EV_RETRY, why, status, error, r->retry_at, delay_ms);
}

void sipreg__schedule_ping(struct sipreg *r, sipreg_ms now) {
    int64_t hi = r->ka_interval_s * 1000;
    r->ping_at = now + sipreg_prng_range(&r->prng, hi * 8 / 10, hi);
}

/* RFC 5626 §4.4.1: send a ping when due; no pong within the timeout means the flow failed. */
static void keepalive(struct sipreg *r, sipreg_ms now) {
    if (!r->ka_on || !r->flow_up || r->flow_failed) return;
    if (now >= r->pong_deadline) {
        r->flow_failed = 1;
        r->pong_deadline = r->ping_at = SIPREG_NEVER;
        r->ping_pending = 0;
        sipreg__emit(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, 0, 0, now, 0);
    } else if (now >= r->ping_at) {
        r->ping_pending = 1;
        /* the deadline runs from the first unanswered ping: later pings do not move it, or a
         * Flow-Timer shorter than the pong timeout would hide a dead flow forever */
        if (r->pong_deadline == SIPREG_NEVER) r->pong_deadline = now + r->pol.pong_timeout_ms;
        sipreg__schedule_ping(r, now);
    }
}

/* The binding is gone before we could refresh it: say so, and register again. */
static void lapse(struct sipreg *r, sipreg_ms now) {
    int64_t late = now - r->expires_at;
    r->expires_at = SIPREG_NEVER;
    r->refresh_at = SIPREG_NEVER;
    r->granted = -1;
    for (size_t i = 0; i < r->ncontacts; i++)
        r->contacts[i].expires_at = SIPREG_NEVER;
    sipreg__emit(r, SIPREG_EV_LAPSED, SIPREG_R_LAPSED, 0, 0, now, late);
    if (r->state == SIPREG_ST_REGISTERED || r->state == SIPREG_ST_REFRESHING)
        sipreg__set_state(r, SIPREG_ST_REGISTERING, SIPREG_R_LAPSED);
}

int sipreg_on_timeout(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    /* 1. the open transaction: Timer E retransmits (unreliable only), Timer F gives up */
    if (r->op != SIPREG__OP_NONE) {
        if (now >= r->timer_f) {
            /* §8.1.3.1: a transaction timeout is reported like a 408 */
            static const char TIMEOUT_TEXT[] = "Request Timeout (no response)";
            int op = r->op;
            sipreg__end_transaction(r);
            memcpy(r->reason_text, TIMEOUT_TEXT, sizeof TIMEOUT_TEXT - 1);
            r->reason_len = sizeof TIMEOUT_TEXT - 1;
            if (op == SIPREG__OP_REGISTER) {
                /* §10.2.7: no immediate re-attempt after a timeout */
                sipreg__schedule_retry(r, -1, SIPREG_R_TIMEOUT, 408, 0, now);
            } else {
                sipreg__emit(r, SIPREG_EV_FAILED, SIPREG_R_TIMEOUT, 408, 0, SIPREG_NEVER, 0);
                if (op != SIPREG__OP_FETCH) sipreg__set_state(r, SIPREG_ST_IDLE, SIPREG_R_TIMEOUT);
                sipreg__start_queued(r, now);
            }
        } else if (now >= r->timer_e) {
            /* §17.1.2.2: retransmit, doubling the interval up to T2 */
            r->send_pending = 1;
            r->timer_e_ms = r->timer_e_ms * 2 < r->pol.t2_ms ? r->timer_e_ms * 2 : r->pol.t2_ms;
            r->timer_e = now + r->timer_e_ms;
            while (r->timer_e <= now)
                r->timer_e += r->timer_e_ms; /* a very late wake-up */
        }
    }
    keepalive(r, now);
    /* 2. our binding's lifetime: lapse when it expired unrefreshed */
    if (r->expires_at != SIPREG_NEVER && now >= r->expires_at) {
        lapse(r, now);
        if (r->op == SIPREG__OP_NONE && r->state == SIPREG_ST_REGISTERING)
            sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_LAPSED, now);
    }
    /* 3. the refresh point (§10.2.4: refresh before the expiration interval has elapsed) */
    if (r->state == SIPREG_ST_REGISTERED && r->op == SIPREG__OP_NONE && now >= r->refresh_at) {
        if (!r->expiring_sent) {
            r->expiring_sent = 1;
            int64_t left = r->expires_at == SIPREG_NEVER ? 0 : (r->expires_at - now) / 1000;
            sipreg__emit(r, SIPREG_EV_EXPIRING, SIPREG_R_REFRESH, 0, 0, r->expires_at, left);
        }
        if (!r->pol.manual_refresh) sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_REFRESH, now);
    }
    /* 4. the retry after a failure */
    if (r->state == SIPREG_ST_BACKOFF && r->op == SIPREG__OP_NONE && now >= r->retry_at) {
        r->retry_at = SIPREG_NEVER;
        sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_BACKOFF, now);
    }
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
        if (r->ping_at < d) d = r->ping_at;
        if (r->pong_deadline < d) d = r->pong_deadline;
    }
    return d;
}

/* ---------------------------------------------------------------------------------------- */
/* Commands                                                                                 */
/* ---------------------------------------------------------------------------------------- */

int sipreg_register(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    if (r->state == SIPREG_ST_FAILED || r->state == SIPREG_ST_IDLE) r->failures = 0;
    sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_COMMAND, now);
    return 0;
}

int sipreg_unregister(struct sipreg *r, int all, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    r->retry_at = SIPREG_NEVER;
    r->refresh_at = SIPREG_NEVER;
    sipreg__start(r, all ? SIPREG__OP_UNREGISTER_ALL : SIPREG__OP_UNREGISTER, SIPREG_R_COMMAND,
                  now);
    return 0;
}

int sipreg_fetch(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    sipreg__start(r, SIPREG__OP_FETCH, SIPREG_R_COMMAND, now);
    return 0;
}

int sipreg_transport(struct sipreg *r, int up, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    if (up) {
        r->flow_up = 1;
        /* a retry waits for its time (RFC 5626 §4.5); anything else goes now */
        if (!(r->state == SIPREG_ST_BACKOFF && r->retry_at != SIPREG_NEVER && now < r->retry_at))
            sipreg__start_queued(r, now);
        return 0;
    }
    int was_up = r->flow_up;
    r->flow_up = 0;
    /* keep-alives belong to a flow: a new flow starts them after its registration */
    r->ka_on = 0;
    r->flow_failed = 0;
    r->ping_pending = 0;
    r->ping_at = r->pong_deadline = SIPREG_NEVER;
    int op = r->op;
    if (op != SIPREG__OP_NONE) sipreg__end_transaction(r); /* its responses cannot arrive now */
    if (!was_up) {
        /* a connection attempt failed: that is a failed attempt (RFC 5626 §4.5) */
        if (r->wants_transport && r->queued == SIPREG__OP_REGISTER) {
            r->wants_transport = 0;
            sipreg__schedule_retry(r, -1, SIPREG_R_FLOW, 0, 0, now);
        }
        return 0;
    }
    if (r->flow_ok && (op == SIPREG__OP_REGISTER || r->state == SIPREG_ST_REGISTERED)) {
        /* RFC 5626 §4.5: a flow that worked failed: replace it at once and register again */
        r->flow_ok = 0;
        sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_FLOW, now);
    } else if (op == SIPREG__OP_REGISTER) {
        /* the flow never carried a registration: a failed attempt, back off */
        sipreg__schedule_retry(r, -1, SIPREG_R_FLOW, 0, 0, now);
    } else if (op != SIPREG__OP_NONE) {
        sipreg__start(r, op, SIPREG_R_FLOW, now); /* unregister / fetch wait for the next flow */
    }
    return 0;
}

int sipreg_wallclock(struct sipreg *r, int64_t unix_ms, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    r->has_wall = 1;
    r->wall_ms = unix_ms;
    r->wall_at = now;
    return 0;
}
