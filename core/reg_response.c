/* reg_response.c — responses to our REGISTER: matching them to the open transaction
 * (RFC 3261 §17.1.3), the 2xx binding list (§10.2.4), 423 (§10.2.8), 439 (RFC 5626 §4.2.1),
 * and the dispatch of every failure through the failure table (reg_policy.c: challenges, 3xx,
 * 420/421, terminal and transient rows; §10.2.7, RFC 5626 §4.5). */
#include "reg_internal.h"

/* Remember the reason phrase for events (truncated to SIPREG__REASON_MAX). */
static void keep_reason(struct sipreg *r, struct sipreg_str reason) {
    size_t n = reason.len < SIPREG__REASON_MAX ? reason.len : SIPREG__REASON_MAX;
    if (n) memcpy(r->reason_text, reason.p, n);
    r->reason_len = n;
}

/* 1 when buf is a keep-alive: only CR and LF bytes (RFC 5626 §4.4.1 pong is one CRLF). */
static int only_crlf(const char *buf, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (buf[i] != '\r' && buf[i] != '\n') return 0;
    return len > 0;
}

int sipreg_recv(struct sipreg *r, const char *msg, size_t len, sipreg_ms now) {
    if (!r || (!msg && len)) return SIPREG_E_INVAL;
#ifndef SIPREG_NO_STUN
    /* RFC 5626 §8: STUN and SIP share a UDP flow; the first byte tells them apart (never over
     * a stream: §4.4.2) */
    if (r->transport == SIPREG_TP_UDP && sipreg_stun_is(msg, len))
        return sipreg__stun_recv(r, msg, len, now);
#endif
    if (only_crlf(msg, len)) {
        /* the pong (RFC 5626 §4.4.1 CRLF, or the host's transport pong): the flow is alive */
        if (r->ka_on) r->pong_deadline = SIPREG_NEVER;
        sipreg__probe_heard(r, now);
        return 0;
    }
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t off;
    int err = sipreg_msg_parse(&m, msg, len, hdrs, SIPREG_MAX_HEADERS, &off);
    /* anything that arrived proves the flow delivers: the probe's silence starts again */
    int pong = err == 0 && m.type == SIPREG_RESPONSE && sipreg__probe_answer(r, &m, now);
    if (len) sipreg__probe_heard(r, now);
    /* RFC 3261 §8.2: a request is the host's to answer (sipreg_respond and the request table);
     * one missing a mandatory header, or with a bad CSeq, is answered 400 when it has a Via */
    if (m.type == SIPREG_REQUEST &&
        (err == 0 || ((err == SIPREG_E_MISSING_HEADER || err == SIPREG_E_CSEQ) &&
                      sipreg_msg_find(&m, SIPREG_H_VIA, NULL))))
        return SIPREG_RECV_REQUEST;
    if (err < 0) return err; /* garbage is dropped; the transaction keeps waiting */
    if (pong) return 0;      /* any response to the OPTIONS probe, 200 or 404/405: the flow lives */
    /* §17.1.3: a response belongs to our transaction by branch and CSeq method; we also
     * check the Call-ID and CSeq number, which are ours alone (§10.2) */
    struct sipreg_cseq cs;
    /* §10.2: the Call-ID is the registration's own; a response in another is the host's */
    if (!sipreg__eq(sipreg_msg_call_id(&m), sipreg__str(r->call_id, SIPREG__CALL_ID_LEN)))
        return SIPREG_E_ASYMMETRIC;
    if (r->op == SIPREG__OP_NONE || sipreg_msg_cseq(&m, &cs) < 0 || cs.seq != r->cseq ||
        !sipreg__ieq_lit(cs.method, "register") ||
        !sipreg__eq(sipreg_msg_via_branch(&m), sipreg__str(r->branch, r->branch_len)))
        return SIPREG_RECV_STALE; /* late or duplicate: dropped */
    if (m.status < 200) {
        /* §17.1.2.2 Proceeding: retransmissions continue at T2 */
        if (r->timer_e != SIPREG_NEVER) r->timer_e_ms = r->pol.t2_ms;
        return 0;
    }
    keep_reason(r, m.reason);
    r->last_status = m.status;
    sipreg__on_response(r, &m, now);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* 2xx                                                                                      */
/* ---------------------------------------------------------------------------------------- */

/* Put a view in the arena; offsets, or zero length when it does not fit. */
static void arena_keep(struct sipreg *r, struct sipreg_str s, uint16_t *off, uint16_t *len) {
    int o = s.len ? sipreg__arena_put(r, s) : -1;
    *off = o < 0 ? 0 : (uint16_t)o;
    *len = o < 0 ? 0 : (uint16_t)s.len;
}

/* Which of our contacts a 2xx Contact element is, and by which rule (RFC 5626 §6 instance and
 * reg-id, RFC 5627 GRUU, RFC 3261 §19.1.4 URI equality), or -1. */
static int match_ours(const struct sipreg *r, const char *old_arena, const struct sipreg_contact *c,
                      const struct sipreg_uri *cu, int *by) {
    struct sipreg_str inst = sipreg__instance_urn(c->instance);
    if (r->outbound && !r->outbound_refused && r->instance.len && c->reg_id == r->reg_id &&
        sipreg__ieq(inst, r->instance)) {
        for (size_t i = 0; i < r->ncontacts; i++)
            if (r->contacts[i].carrier && !r->contacts[i].removing) {
                *by = SIPREG_MATCH_INSTANCE;
                return (int)i;
            }
    }
    for (size_t i = 0; i < r->ncontacts; i++) {
        /* GRUUs from the previous 2xx (still in old_arena while this one is read) */
        const struct sipreg__contact *o = &r->contacts[i];
        if (o->matched_by != SIPREG_MATCH_NONE || !o->pub_len) continue;
        struct sipreg_str pub = sipreg__str(old_arena + o->pub_off, o->pub_len);
        if (sipreg__eq(pub, c->pub_gruu)) {
            *by = SIPREG_MATCH_GRUU;
            return (int)i;
        }
    }
    for (size_t i = 0; i < r->ncontacts; i++) {
        struct sipreg_uri ou;
        if (sipreg_uri_parse(&ou, r->contacts[i].uri.p, r->contacts[i].uri.len, NULL) == 0 &&
            sipreg_uri_equal(&ou, cu) == 1) {
            *by = SIPREG_MATCH_URI;
            return (int)i;
        }
    }
    return -1;
}

/* Store the route-like header (Service-Route, RFC 3608; Path, RFC 3327) URIs in the arena. */
static void keep_routes(struct sipreg *r, const struct sipreg_msg *m, int id, uint16_t *offs,
                        uint16_t *lens, size_t *n) {
    struct sipreg_iter it;
    struct sipreg_str elem;
    *n = 0;
    sipreg_iter_init(&it, m, id);
    while (*n < SIPREG_MAX_ROUTES && sipreg_iter_next(&it, &elem) == 1) {
        struct sipreg_nameaddr na;
        size_t off;
        if (sipreg_nameaddr_parse(&na, elem, &off) < 0) continue;
        arena_keep(r, na.uri, &offs[*n], &lens[*n]);
        if (lens[*n]) (*n)++;
    }
}

/* Clock skew from Date (RFC 3261 §10.2.5), when the host told us the wall clock. */
static void learn_skew(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now) {
    size_t pos = 0;
    const struct sipreg_hdr *h = sipreg_msg_find(m, SIPREG_H_DATE, &pos);
    int64_t epoch;
    if (!h || !r->has_wall || sipreg_parse_date(h->value, &epoch) < 0) return;
    sipreg_ms mid = r->tx_start + (now - r->tx_start) / 2; /* the server stamped in between */
    int64_t wall_mid = r->wall_ms + (mid - r->wall_at);
    r->skew_ms = epoch * 1000 + 500 - wall_mid; /* Date has 1 s resolution: centre of it */
    r->skew_err_ms = (now - r->tx_start) / 2 + 500;
    r->has_skew = 1;
}

/* Granted seconds of one 2xx binding: its expires, else the Expires header, else `fallback`
 * (§10.2.4). */
static int64_t grant_of(const struct sipreg_contact *c, int64_t hdr_expires, int64_t fallback) {
    if (c->expires >= 0) return c->expires;
    if (hdr_expires >= 0) return hdr_expires;
    return fallback;
}

/* Rebuild the binding view from a 2xx. Returns how many of our (non-removing) contacts it
 * lists with a grant above zero. */
static size_t read_bindings(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now) {
    int64_t hdr_expires = sipreg_msg_delta(m, SIPREG_H_EXPIRES);
    /* keep our GRUUs across the arena reset: they are matched again below */
    char keep[SIPREG__ARENA];
    if (r->arena_len) memcpy(keep, r->store->arena, r->arena_len);
    for (size_t i = 0; i < r->ncontacts; i++) {
        r->contacts[i].matched_by = SIPREG_MATCH_NONE;
        r->contacts[i].granted = 0;
        r->contacts[i].expires_at = SIPREG_NEVER;
    }
    r->arena_len = 0;
    r->nothers = r->others_omitted = 0;

    struct sipreg_iter it;
    struct sipreg_contact c;
    size_t off, found = 0;
    int rc;
    sipreg_iter_init(&it, m, SIPREG_H_CONTACT);
    while ((rc = sipreg_contact_next(&it, &c, &off)) != 0) {
        if (rc < 0) break; /* a broken element ends the list; what we have stays */
        struct sipreg_uri cu;
        if (c.star || sipreg_uri_parse(&cu, c.na.uri.p, c.na.uri.len, NULL) < 0) continue;
        int by = SIPREG_MATCH_NONE;
        int mine = match_ours(r, keep, &c, &cu, &by);
        int64_t g = grant_of(&c, hdr_expires, -1);
        if (mine >= 0 && r->contacts[mine].removing) continue; /* being removed (swap) */
        if (mine >= 0 && r->contacts[mine].matched_by == SIPREG_MATCH_NONE) {
            struct sipreg__contact *o = &r->contacts[mine];
            if (g < 0) g = sipreg__contact_request(r, (size_t)mine);
            o->matched_by = by;
            o->granted = g;
            o->expires_at = g > 0 ? r->tx_start + g * 1000 : SIPREG_NEVER;
            arena_keep(r, c.pub_gruu, &o->pub_off, &o->pub_len);
            arena_keep(r, c.temp_gruu, &o->temp_off, &o->temp_len);
            if (g > 0) found++;
            continue;
        }
        /* not ours, or a second binding that looks like ours (an old ghost): list it */
        if (r->nothers == SIPREG_MAX_BINDINGS || !sipreg__store(r)) {
            r->others_omitted++; /* counted, and reported as othersOmitted */
            continue;
        }
        struct sipreg__other *o = &r->store->others[r->nothers];
        arena_keep(r, c.na.uri, &o->uri_off, &o->uri_len);
        if (!o->uri_len) {
            r->others_omitted++;
            continue;
        }
        /* shown like ours: the URN without <> */
        arena_keep(r, sipreg__instance_urn(c.instance), &o->inst_off, &o->inst_len);
        arena_keep(r, c.pub_gruu, &o->pub_off, &o->pub_len);
        arena_keep(r, c.temp_gruu, &o->temp_off, &o->temp_len);
        o->reg_id = c.reg_id;
        o->q = c.q;
        o->granted = g < 0 ? 0 : g;
        o->expires_at = now + o->granted * 1000;
        r->nothers++;
    }
    for (size_t i = 0; i < r->ncontacts; i++)
        if (r->contacts[i].matched_by == SIPREG_MATCH_NONE)
            r->contacts[i].pub_len = r->contacts[i].temp_len = 0; /* not listed: no GRUU */
    keep_routes(r, m, SIPREG_H_SERVICE_ROUTE, r->route_off, r->route_len, &r->nroutes);
    keep_routes(r, m, SIPREG_H_PATH, r->path_off, r->path_len, &r->npaths);
    return found;
}

/* Drop swapped-out contacts once a 2xx confirmed their removal. */
static void drop_removed(struct sipreg *r) {
    size_t k = 0;
    for (size_t i = 0; i < r->ncontacts; i++)
        if (!r->contacts[i].removing) r->contacts[k++] = r->contacts[i];
    r->ncontacts = k;
}

/* Number of our live (not swapped-out) contacts. */
static size_t live_contacts(const struct sipreg *r) {
    size_t n = 0;
    for (size_t i = 0; i < r->ncontacts; i++)
        n += !r->contacts[i].removing;
    return n;
}

/* 1 when the message has option tag `tag` in a Require header (RFC 3261 §20.32). */
static int requires(const struct sipreg_msg *m, const char *tag) {
    struct sipreg_iter it;
    struct sipreg_str e;
    sipreg_iter_init(&it, m, SIPREG_H_REQUIRE);
    while (sipreg_iter_next(&it, &e) == 1)
        if (sipreg__ieq_lit(e, tag)) return 1;
    return 0;
}

/* RFC 5626 §4.4.1: keep-alives after a registration on a reliable flow, when the registrar
 * promised pongs (Require: outbound or Flow-Timer) or the configuration says so; §4.4.2, §8:
 * STUN over a UDP flow to one server on the same terms (an outbound registration is the
 * explicit indication that the next hop answers STUN; so is keepalive "always"). */
static void start_keepalive(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now) {
    int64_t ft = sipreg_msg_delta(m, SIPREG_H_FLOW_TIMER);
    int promised = ft > 0 || requires(m, "outbound");
    int reliable = sipreg_transport_reliable(r->transport);
    /* not to a multicast group (§10.2.6): STUN goes to the next hop only (§8) */
    int udp = r->transport == SIPREG_TP_UDP && !r->maddr_len;
    int on = (reliable || udp) && (r->pol.keepalive == SIPREG_KA_ALWAYS ||
                                   (r->pol.keepalive == SIPREG_KA_AUTO && promised));
    /* no promise: liveness probes while the flow is silent (reg_probe.c) */
    int probe =
        reliable && !on && r->pol.keepalive == SIPREG_KA_AUTO && r->pol.probe != SIPREG_PROBE_NONE;
    if (udp && r->stun_off) { /* no STUN answers on this flow: OPTIONS probes (reg_flow.c) */
        on = 0;
        probe = 1;
    }
    r->ka_ft = ft > 0;
    r->ka_interval_s = ft > 0                                          ? ft
                       : udp && r->pol.keepalive_s > SIPREG__STUN_HI_S ? SIPREG__STUN_HI_S
                                                                       : r->pol.keepalive_s;
    if (!on) {
        if (r->ka_on) r->ping_at = r->pong_deadline = SIPREG_NEVER;
        r->ka_on = 0;
        r->stun_open = 0;
        r->stun_retx_at = SIPREG_NEVER;
        if (probe)
            sipreg__probe_start(r, now);
        else
            sipreg__probe_stop(r);
    } else if (!r->ka_on) {
        sipreg__probe_stop(r);
        r->ka_on = 1;
        sipreg__schedule_ping(r, now);
    }
}

static void on_success(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now) {
    r->flow_ok = 1; /* RFC 5626 §4.5: this flow carried a successful registration */
    learn_skew(r, m, now);
    if (op == SIPREG__OP_REGISTER) start_keepalive(r, m, now);
    size_t found = read_bindings(r, m, now);
    if (op == SIPREG__OP_REGISTER) {
        drop_removed(r);
        size_t want = live_contacts(r);
        if (found == 0) {
            /* a 2xx that does not list our binding: explicit outcome, then retry (back-off) */
            r->expires_at = r->refresh_at = SIPREG_NEVER;
            r->granted = -1;
            sipreg__emit(r, SIPREG_EV_BINDINGS, SIPREG_R_OK, m->status, 0, SIPREG_NEVER, 0);
            sipreg__emit(r, SIPREG_EV_NO_BINDING, SIPREG_R_NO_BINDING, m->status, 0, SIPREG_NEVER,
                         (int64_t)want);
            sipreg__schedule_retry(r, -1, SIPREG_R_NO_BINDING, m->status, 0, now);
            return; /* a failure: the back-off keeps growing (no reset of failures) */
        }
        r->failures = 0;
        /* the registration lives as long as the shortest of our bindings */
        int64_t e = INT64_MAX;
        for (size_t i = 0; i < r->ncontacts; i++)
            if (r->contacts[i].granted > 0 && r->contacts[i].granted < e)
                e = r->contacts[i].granted;
        r->granted = e;
        sipreg__schedule_refresh(r, e, r->tx_start);
        sipreg__set_state(r, SIPREG_TR_GRANTED, SIPREG_ST_REGISTERED, SIPREG_R_OK);
        sipreg__emit(r, SIPREG_EV_BINDINGS, SIPREG_R_OK, m->status, 0, SIPREG_NEVER,
                     (int64_t)(found + r->nothers));
        if (found < want)
            sipreg__emit(r, SIPREG_EV_NO_BINDING, SIPREG_R_NO_BINDING, m->status, 0, SIPREG_NEVER,
                         (int64_t)(want - found));
        sipreg__emit(r, SIPREG_EV_REGISTERED, SIPREG_R_OK, m->status, 0, r->refresh_at, e);
    } else if (op == SIPREG__OP_UNREGISTER || op == SIPREG__OP_UNREGISTER_ALL) {
        r->failures = 0;
        drop_removed(r);
        for (size_t i = 0; i < r->ncontacts; i++) {
            r->contacts[i].granted = 0;
            r->contacts[i].expires_at = SIPREG_NEVER;
            r->contacts[i].matched_by = SIPREG_MATCH_NONE;
        }
        r->expires_at = r->refresh_at = r->retry_at = SIPREG_NEVER;
        r->granted = -1;
        sipreg__set_state(r, SIPREG_TR_REMOVED, SIPREG_ST_IDLE, SIPREG_R_OK);
        sipreg__emit(r, SIPREG_EV_BINDINGS, SIPREG_R_OK, m->status, 0, SIPREG_NEVER,
                     (int64_t)r->nothers);
        sipreg__emit(r, SIPREG_EV_UNREGISTERED, SIPREG_R_OK, m->status, 0, SIPREG_NEVER,
                     op == SIPREG__OP_UNREGISTER_ALL);
    } else {
        /* fetch (§10.2.3): the view changes, the schedule does not */
        sipreg__emit(r, SIPREG_EV_BINDINGS, SIPREG_R_OK, m->status, 0, SIPREG_NEVER,
                     (int64_t)(found + r->nothers));
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Failures                                                                                 */
/* ---------------------------------------------------------------------------------------- */

/* Retrying cannot mend a permanent failure (e.g. no credentials, a 403). */
void sipreg__fail(struct sipreg *r, int op, int reason, int status, int error, int64_t retry_after,
                  int permanent, sipreg_ms now) {
    if (op == SIPREG__OP_REGISTER && permanent) {
        r->refresh_at = r->retry_at = SIPREG_NEVER;
        sipreg__set_state(r, SIPREG_TR_REFUSED, SIPREG_ST_FAILED, reason);
        sipreg__emit(r, SIPREG_EV_FAILED, reason, status, error, SIPREG_NEVER, r->failures);
        sipreg__start_queued(r, now);
        return;
    }
    if (op == SIPREG__OP_REGISTER) {
        sipreg__schedule_retry(r, retry_after, reason, status, error, now);
        return;
    }
    sipreg__emit(r, SIPREG_EV_FAILED, reason, status, error, SIPREG_NEVER, 0);
    if (op != SIPREG__OP_FETCH) {
        /* the app wanted out: stop refreshing; bindings expire on their own */
        r->expires_at = r->refresh_at = SIPREG_NEVER;
        sipreg__set_state(r, SIPREG_TR_ABANDON, SIPREG_ST_IDLE, reason);
    }
    sipreg__start_queued(r, now);
}

/* 423 Interval Too Brief (§10.2.8): ask again with at least Min-Expires, with a loop guard. */
static void on_interval(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now) {
    int64_t min = sipreg_msg_delta(m, SIPREG_H_MIN_EXPIRES);
    int64_t asked = r->requested;
    for (size_t i = 0; i < r->ncontacts; i++) {
        int64_t q = sipreg__contact_request(r, i);
        if (!r->contacts[i].removing && q > 0 && q < asked) asked = q;
    }
    if (op != SIPREG__OP_REGISTER || min <= 0 || min <= asked ||
        r->interval_tries >= SIPREG__MAX_423) {
        /* nothing we can raise, or it keeps asking: do not loop */
        sipreg__fail(r, op, SIPREG_R_INTERVAL, m->status, 0, -1, 1, now);
        return;
    }
    r->interval_tries++;
    if (r->requested < min) r->requested = min;
    for (size_t i = 0; i < r->ncontacts; i++)
        if (r->contacts[i].expires > 0 && r->contacts[i].expires < min)
            r->contacts[i].expires = min;
    r->op = op;
    sipreg__restart(r, now);
}

void sipreg__on_response(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now) {
    int op = r->op;
    sipreg__end_transaction(r);
    if (m->status >= 200 && m->status < 300) {
        on_success(r, m, op, now);
        sipreg__start_queued(r, now);
        return;
    }
    /* a failure keeps requested and granted apart: nothing here shrinks the request. Every
     * final failure goes through the one table (reg_policy.c) */
    switch (sipreg_failure_action(m->status)) {
    case SIPREG_ACT_CHALLENGE:
        sipreg__on_challenge(r, m, op, now);
        return;
    case SIPREG_ACT_INTERVAL:
        on_interval(r, m, op, now);
        return;
    case SIPREG_ACT_REDIRECT:
        sipreg__on_redirect(r, m, op, now);
        return;
    case SIPREG_ACT_EXTENSION:
        sipreg__on_extension(r, m, op, now);
        return;
    case SIPREG_ACT_OUTBOUND:
        /* RFC 5626 §4.2.1: the first hop lacks outbound; register without reg-id once */
        if (!r->outbound_refused) {
            r->outbound_refused = 1;
            r->op = op;
            sipreg__restart(r, now);
            return;
        }
        break; /* again: transient */
    case SIPREG_ACT_TERMINAL:
        if (sipreg__next_contact(r, op, now)) return; /* §8.1.3.4: the 3xx's next Contact */
        sipreg__fail(r, op, SIPREG_R_REFUSED, m->status, 0, -1, 1, now);
        return;
    default:
        break;
    }
    /* transient (RFC 3261 §21.5.4 Retry-After, else RFC 5626 §4.5 back-off), unless a 3xx
     * left another Contact to try (§8.1.3.4) */
    if (sipreg__next_contact(r, op, now)) return;
    /* RFC 3263 §4.3: a 503 sends the request to the next server (policy.alternates) */
    if (m->status == 503 && sipreg__failover(r, op, 503, now)) return;
    int64_t ra = sipreg_msg_retry_after(m);
    sipreg__fail(r, op, SIPREG_R_STATUS, m->status, 0, ra >= 0 ? ra : -1, 0, now);
}
