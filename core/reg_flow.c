/* reg_flow.c — the transport flow: up and down reports (a failed connect, a flow lost with a
 * REGISTER open, RFC 5626 §4.5), network changes, and liveness: RFC 5626 §4.4.1 CRLF keep-alives
 * when the registrar promised pongs, else probes on a reliable flow (keepalive AUTO: RFC 5626
 * §4.4.1 lets a UA expect CRLF pongs only after Require: outbound or Flow-Timer). A probe runs
 * after policy.probe_s of silence on the flow (U[0.8, 1.0] of it, reset by anything received):
 * an OPTIONS to the registrar (RFC 3261 §11; any response to it proves the flow) or a host-level
 * ping (SIPREG_EV_PING: a WebSocket ping, RFC 6455 §5.5.2, whose pong the host reports as
 * sipreg_recv("\r\n")). No answer within policy.pong_timeout_ms: the flow failed. Over UDP the
 * keep-alive is a STUN Binding request (RFC 5626 §4.4.2, §8): retransmitted per RFC 5389 §7.2.1,
 * no answer, an error answer or a new mapped address is a failed flow; a first request never
 * answered on a flow whose OPTIONS are answered turns it to OPTIONS probes (stun_fallback). */
#include "reg_internal.h"

#include <stdlib.h>

/* ---------------------------------------------------------------------------------------- */
/* Flow reports                                                                             */
/* ---------------------------------------------------------------------------------------- */

/* The flow is dead or must be left (`status`: the 503 that says so): nothing goes out on it; the
 * host closes it and reports sipreg_transport(down). The event, or NULL (out of memory). */
static struct sipreg_event *drop_flow(struct sipreg *r, int reason, int status, sipreg_ms now) {
    r->flow_failed = 1;
    r->ping_pending = 0;
    r->ping_at = r->pong_deadline = SIPREG_NEVER;
    r->stun_open = 0; /* its answer cannot matter now */
    sipreg__probe_stop(r);
    return sipreg__emit(r, SIPREG_EV_FLOW_FAILED, reason, status, 0, now, 0);
}

/* The flow is dead (no pong, a transaction timeout on it, a network change). */
void sipreg__fail_flow(struct sipreg *r, int reason, sipreg_ms now) {
    drop_flow(r, reason, 0, now);
}

int sipreg__failover(struct sipreg *r, int op, int status, sipreg_ms now) {
    /* RFC 3263 §4.3: a timeout or a 503 sends the request to the next server of the list; the
     * host holds the list, we ask for a new flow. A REGISTER behind which an unregister waits
     * is not repeated (the unregister would undo it at once). */
    if (op == SIPREG__OP_NONE || r->alt_tries >= r->pol.alternates ||
        (op == SIPREG__OP_REGISTER && sipreg__unregister_queued(r)))
        return 0;
    r->alt_tries++;
    r->resume = (uint8_t)op;
    sipreg__requeue_front(r, op);
    if (r->flow_up && !r->flow_failed)
        drop_flow(r, status ? SIPREG_R_STATUS : SIPREG_R_TIMEOUT, status, now);
    sipreg__run_queue(r, SIPREG_R_FLOW, now); /* the new flow's request: after the down report */
    return 1;
}

/* ---------------------------------------------------------------------------------------- */
/* The flow's local address (sipreg_set_flow)                                               */
/* ---------------------------------------------------------------------------------------- */

/* The kind of host (enum sipreg_host_kind) host[0..n) is when the whole of it is a URI host
 * (§19.1.1 hostport, §25.1: IPv4, a name, or IPv6 in brackets), else SIPREG_E_INVAL. The one
 * check of a host the host hands in (a flow's address, a multicast group). */
static int uri_host_kind(const char *host, size_t n) {
    char u[4 + SIPREG__FLOW_HOST_MAX + 2] = "sip:";
    struct sipreg_uri uri;
    if (n > SIPREG__FLOW_HOST_MAX + 2) return SIPREG_E_INVAL;
    memcpy(u + 4, host, n);
    if (sipreg_uri_parse(&uri, u, n + 4, NULL) < 0 || uri.host.len != n) return SIPREG_E_INVAL;
    return uri.host_kind;
}

void sipreg__generated_uri(struct sipreg *r, struct sipreg__buf *b, const char *user, size_t n) {
    sipreg__putl(b, "sip:");
    sipreg__put(b, user, n);
    sipreg__putl(b, "@");
    if (r->flow_host) {
        /* §18.1.1 / §10.2.1: where this flow reaches us (a stream flow's own port) */
        sipreg__put(b, r->flow_host, r->flow_host_len);
        sipreg__putl(b, ":");
        sipreg__puti(b, r->flow_port);
    } else {
        /* RFC 7118 §5: a random ".invalid" host; the registrar reaches us over the flow */
        char host[SIPREG__GEN_HOST_LEN];
        sipreg_prng_token(&r->prng, host, sizeof host);
        sipreg__put(b, host, sizeof host);
        sipreg__putl(b, ".invalid");
        if (r->transport == SIPREG_TP_WS || r->transport == SIPREG_TP_WSS)
            sipreg__putl(b, ";transport=ws");
    }
    if (r->transport == SIPREG_TP_TCP) sipreg__putl(b, ";transport=tcp");
    if (r->transport == SIPREG_TP_TLS) sipreg__putl(b, ";transport=tls");
}

int sipreg_set_flow(struct sipreg *r, int transport, const char *host, size_t host_len, int port,
                    sipreg_ms now) {
    (void)now;
    if (!r || transport < SIPREG_TP_WS || transport > SIPREG_TP_TLS) return SIPREG_E_INVAL;
#ifdef SIPREG_NO_STUN
    /* RFC 5626 §4.4.2: keep-alives over UDP are STUN, not in this build (config.c) */
    if (transport == SIPREG_TP_UDP && r->pol.keepalive != SIPREG_KA_NEVER)
        return SIPREG_E_NOT_BUILT;
#endif
    char h[SIPREG__FLOW_HOST_MAX + 2] = "[";
    size_t n = 0; /* host length (WS/WSS: none, RFC 7118 §5: Via and Contact keep .invalid) */
    if (transport > SIPREG_TP_WSS) {
        /* an IPv6 zone ("fe80::1%eth0") names a local interface: not part of a URI host */
        const char *zone = host ? memchr(host, '%', host_len) : NULL;
        if (zone) host_len = (size_t)(zone - host);
        if (!host || !host_len || host_len > SIPREG__FLOW_HOST_MAX || port < 1 || port > 65535)
            return SIPREG_E_INVAL;
        int v6 = memchr(host, ':', host_len) && host[0] != '[';
        memcpy(h + v6, host, host_len);
        n = (size_t)v6 * 2 + host_len;
        h[n - 1] = v6 ? ']' : h[n - 1];
        if (uri_host_kind(h, n) < 0) return SIPREG_E_INVAL;
    }
    int same =
        n == r->flow_host_len &&
        (!n || (transport == r->transport && port == r->flow_port && !memcmp(h, r->flow_host, n)));
    r->transport = transport;
    if (sipreg_transport_reliable(transport)) r->timer_e = SIPREG_NEVER; /* §17.1.2.2 */
    if (same) return 0; /* the same address: the contacts stay */
    char *copy = n ? malloc(n) : NULL;
    if (n && !copy) return SIPREG_E_NOMEM;
    if (n) memcpy(copy, h, n);
    free(r->flow_host);
    r->flow_host = copy;
    r->flow_host_len = (uint8_t)n;
    r->flow_port = (uint16_t)port;
    /* generated contacts get the new address (and a new random user); once a REGISTER went
     * out (cseq > 0, also after a reload) the registrar may hold them: they are removed once
     * in the next REGISTER (expires=0, §10.2.2); configured ones stay. The host reports a flow
     * before it is up: the REGISTER that carries them follows on it. */
    struct sipreg_contact_spec c[SIPREG_MAX_CONTACTS];
    size_t k = 0, gen = 0;
    for (size_t i = 0; i < r->ncontacts && k < SIPREG_MAX_CONTACTS; i++) {
        const struct sipreg__contact *o = &r->contacts[i];
        if (o->removing) continue;
        c[k].expires = o->expires;
        c[k].q = o->q;
        c[k++].uri = o->generated ? NULL : o->uri.p; /* NUL-terminated in contact_text */
        gen += o->generated;
    }
    return gen ? sipreg__swap_contacts(r, c, k, r->cseq > 0) : 0;
}

int sipreg_set_multicast(struct sipreg *r, const char *group, size_t len, int ttl) {
#ifdef SIPREG_NO_MULTICAST
    (void)group;
    (void)len;
    (void)ttl;
    return r ? SIPREG_E_NOT_BUILT : SIPREG_E_INVAL; /* §10.2.6 discovery: not in this build */
#else
    if (!r || (len && !group) || ttl < 0 || ttl > 255 || len > sizeof r->maddr)
        return SIPREG_E_INVAL;
    /* an IPv4 address in 224.0.0.0/4 (RFC 5771), the groups §10.2.6 and §18.1.1 mean; the URI
     * parser checks the dotted quad (§25.1 IPv4address) */
    if (len) {
        unsigned first = 0;
        for (size_t i = 0; i < len && group[i] >= '0' && group[i] <= '9'; i++)
            first = first * 10 + (unsigned)(group[i] - '0');
        if (uri_host_kind(group, len) != SIPREG_HOST_IPV4 || first < 224 || first > 239)
            return SIPREG_E_INVAL;
        memcpy(r->maddr, group, len);
    }
    r->maddr_len = (uint8_t)len;
    r->mcast_ttl = (uint8_t)ttl;
    return 0;
#endif
}

/* A connection attempt failed (down reported while no flow was up). Fetch fails now (its
 * outcome); an unregister asks again after 1, 2, 4, 8 s ... until its bound; a REGISTER is a
 * failed attempt and backs off (RFC 5626 §4.5). */
static void failed_connect(struct sipreg *r, sipreg_ms now) {
    if (!r->wants_transport) return; /* nobody asked for this flow */
    r->wants_transport = 0;
    int i = sipreg__queued_at(r, SIPREG__OP_FETCH);
    if (i >= 0) {
        sipreg__dequeue_at(r, (unsigned)i);
        sipreg__emit_op(r, SIPREG__OP_FETCH, SIPREG_EV_FAILED, SIPREG_R_FLOW, 0, 0, SIPREG_NEVER,
                        0);
    }
    if (sipreg__unregister_queued(r)) {
        int shift = r->connect_tries < 3 ? r->connect_tries : 3;
        int64_t d = (int64_t)1000 << shift;
        if (d > SIPREG__CONNECT_MAX_MS) d = SIPREG__CONNECT_MAX_MS;
        r->connect_tries++;
        r->connect_at = now + d;
        return;
    }
    if ((i = sipreg__queued_at(r, SIPREG__OP_REGISTER)) >= 0) {
        sipreg__dequeue_at(r, (unsigned)i);
        sipreg__schedule_retry(r, -1, SIPREG_R_FLOW, 0, 0, now);
        return;
    }
    sipreg__run_queue(r, SIPREG_R_FLOW, now);
}

int sipreg_transport(struct sipreg *r, int up, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    if (up) {
        r->flow_up = 1;
        r->wants_transport = 0;
        /* a stream flow was asked for (§18.1.1) and the host reported UDP again: it has none
         * for us (multicast, say): the request goes over UDP after all rather than never */
        if (sipreg__stream_wanted(r)) r->need_stream = 2;
        r->connect_at = SIPREG_NEVER;
        /* what waits goes now (a back-off retry enters the queue only when it is due) */
        sipreg__run_queue(r, SIPREG_R_COMMAND, now);
        return 0;
    }
    int was_up = r->flow_up;
    r->flow_up = 0;
    /* keep-alives and probes belong to a flow: a new flow starts them after its registration */
    r->ka_on = 0;
    r->flow_failed = 0;
    r->ping_pending = 0;
    r->ping_at = r->pong_deadline = SIPREG_NEVER;
    sipreg__stun_reset(r); /* a new flow has a mapping of its own (RFC 5626 §4.4.2) */
    sipreg__probe_stop(r);
    sipreg__responses_drop(r); /* responses go on the flow their request came on (§18.2.2) */
    if (!was_up) {
        /* a connection attempt failed: that is a failed attempt (RFC 5626 §4.5) */
        failed_connect(r, now);
        return 0;
    }
    int op = r->op;
    if (op != SIPREG__OP_NONE) sipreg__end_transaction(r); /* its responses cannot arrive now */
    int flow_ok = r->flow_ok, renew = r->renew;
    r->flow_ok = r->renew = 0;
    /* the UDP flow left for the stream flow asked for (§18.1.1): that request stands */
    r->wants_transport &= sipreg__stream_wanted(r);
    if (op == SIPREG__OP_REGISTER) {
        if (flow_ok || renew) {
            /* RFC 5626 §4.5: a flow that worked failed: replace it at once and register again */
            sipreg__requeue_front(r, op);
        } else if (r->failures == 0 && !r->quick_retry) {
            /* the first REGISTER lost its flow (the registrar may hold the binding already):
             * one immediate attempt on a new flow; back-off after that */
            r->quick_retry = 1;
            sipreg__requeue_front(r, op);
        } else {
            /* the flow never carried a registration: a failed attempt, back off */
            sipreg__schedule_retry(r, -1, SIPREG_R_FLOW, 0, 0, now);
        }
    } else if (op != SIPREG__OP_NONE) {
        sipreg__requeue_front(r, op); /* unregister / fetch go again on the next flow */
    } else if (r->state == SIPREG_ST_REGISTERED && (flow_ok || renew)) {
        sipreg__requeue_front(r, SIPREG__OP_REGISTER); /* RFC 5626 §4.5: register again at once */
    }
    sipreg__run_queue(r, SIPREG_R_FLOW, now);
    return 0;
}

int sipreg_network_changed(struct sipreg *r, sipreg_ms now) {
    if (!r) return SIPREG_E_INVAL;
    /* a new network is a new situation: the failures counted on the old one say nothing */
    r->failures = 0;
    r->quick_retry = 0;
    int st = r->state;
    int active = st == SIPREG_ST_REGISTERED || st == SIPREG_ST_REFRESHING ||
                 st == SIPREG_ST_REGISTERING || st == SIPREG_ST_BACKOFF;
    if (st == SIPREG_ST_IDLE || st == SIPREG_ST_FAILED) return 0; /* nothing to replace */
    if (sipreg__flow_usable(r)) {
        /* the old flow's path may be gone (RFC 5626 §4.4): the host replaces it (an open
         * unregister or fetch goes again on the new flow) */
        sipreg__fail_flow(r, SIPREG_R_NETWORK, now);
        if (active) r->renew = 1;
    }
    if (!active) return 0;
    if (st == SIPREG_ST_BACKOFF) /* at once on the new flow (after an open fetch) */
        sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_NETWORK, now);
    else if (st == SIPREG_ST_REGISTERED && !r->flow_up && r->op == SIPREG__OP_NONE)
        sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_NETWORK, now);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* CRLF keep-alive (RFC 5626 §4.4.1)                                                        */
/* ---------------------------------------------------------------------------------------- */

void sipreg__schedule_ping(struct sipreg *r, sipreg_ms now) {
    /* §4.4: U[0.8, 1.0] of the Flow-Timer or the configured bound (§4.4.1); STUN without a
     * Flow-Timer U[24, 29] s (§4.4.2), or the same share of a lower configured bound */
    int64_t hi = r->ka_interval_s * 1000;
    int stun = r->transport == SIPREG_TP_UDP && !r->ka_ft;
    int64_t lo = stun ? hi * SIPREG__STUN_LO_S / SIPREG__STUN_HI_S : hi * 8 / 10;
    r->ping_at = now + sipreg_prng_range(&r->prng, lo, hi);
}

#ifndef SIPREG_NO_STUN
static void stun_timeout(struct sipreg *r, sipreg_ms now);
#endif

/* RFC 5626 §4.4.1: send a ping when due; no pong within the timeout means the flow failed. */
void sipreg__keepalive_timeout(struct sipreg *r, sipreg_ms now) {
    if (!r->ka_on || !r->flow_up || r->flow_failed) return;
#ifndef SIPREG_NO_STUN
    if (r->transport == SIPREG_TP_UDP) {
        stun_timeout(r, now); /* §4.4.2: STUN over UDP, never CRLF (§4.4.1) */
        return;
    }
#endif
    if (now >= r->pong_deadline) {
        sipreg__fail_flow(r, SIPREG_R_FLOW, now);
    } else if (now >= r->ping_at) {
        r->ping_pending = 1;
        /* the deadline runs from the first unanswered ping: later pings do not move it, or a
         * Flow-Timer shorter than the pong timeout would hide a dead flow forever */
        if (r->pong_deadline == SIPREG_NEVER) r->pong_deadline = now + r->pol.pong_timeout_ms;
        sipreg__schedule_ping(r, now);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* STUN keep-alive over UDP (RFC 5626 §4.4.2, §8; RFC 5389 §7.2.1)                          */
/* ---------------------------------------------------------------------------------------- */

/* (not in a build without STUN: its configuration refuses keep-alives over UDP, config.c) */
#ifndef SIPREG_NO_STUN

/* The flow's first Binding transaction went unanswered and no STUN answer ever came on it: the
 * registrar promised outbound yet may run no STUN server on its port, against RFC 5626 §8 ("it
 * MUST also provide a limited version of a STUN server on the same interface and UDP port";
 * Kamailio's outbound module without its stun module is such a server). §4.4.2 and §8 call an
 * unanswered transaction a failed flow; taken literally that is a new flow and a new REGISTER
 * every cycle, forever. So before failing the flow, an OPTIONS probe (RFC 3261 §11) checks it at
 * once: answered, the flow works and STUN is what is missing; the flow stays, STUN stops (§8:
 * STUN sent to a node that does not support it "could be blacklisted"), and OPTIONS probes at
 * U[0.8, 1.0] of the keep-alive interval do what §4.4 says keep-alives are for ("refreshing
 * NAT/firewall bindings and detecting flow failure"; "at least as often as" the Flow-Timer).
 * OPTIONS is not one of §4.4's two techniques (§4.4.1, §4.4.2): this is an interop fallback,
 * off with policy.probe none (the strict rule). Unanswered: the flow failed, as §4.4.2 says. Once
 * a STUN answer came, a later silent transaction is a dead path: the flow fails at once. */
static void stun_fallback(struct sipreg *r, sipreg_ms now) {
    r->ka_on = 0;
    r->stun_open = 0;
    r->stun_retx_at = r->pong_deadline = SIPREG_NEVER;
    r->ping_pending = 0;
    r->stun_off = r->stun_check = 1;
    sipreg__probe_start(r, now);
    r->ping_at = now; /* at once (after an open REGISTER, whose Timer F watches the flow) */
}

/* The Binding transaction's clock: a new request when the keep-alive is due, retransmissions at
 * RTO, 2 RTO, 4 RTO ... (RTO = policy.t1_ms, RFC 3261 §17.1.1.1's estimate of the round trip,
 * 500 ms as RFC 5389 §7.2.1 recommends), and failure Rm * RTO after the Rc-th request: 39.5 s
 * at 500 ms (RFC 5626 §4.4.2: "7 retransmissions (16 times the STUN RTO)"). */
static void stun_timeout(struct sipreg *r, sipreg_ms now) {
    if (now >= r->pong_deadline) {
        if (!r->stun_seen && r->pol.probe == SIPREG_PROBE_OPTIONS) {
            stun_fallback(r, now); /* no STUN server at all, perhaps: ask SIP */
            return;
        }
        sipreg__fail_flow(r, SIPREG_R_FLOW, now); /* §4.4.2: the flow failed */
        return;
    }
    if (r->stun_open) {
        if (now >= r->stun_retx_at) {
            /* §7.2.1: the same request (same ID) again, the interval doubled */
            r->ping_pending = 1;
            r->stun_sends++;
            r->stun_retx_at = r->stun_sends < SIPREG__STUN_RC
                                  ? now + (r->pol.t1_ms << (r->stun_sends - 1)) /* 2^(k-1) RTO */
                                  : SIPREG_NEVER;
        }
        return; /* its sends refresh the NAT binding: a keep-alive due meanwhile waits */
    }
    if (now < r->ping_at) return;
    /* §6: a 96-bit transaction ID, uniform and random (the core's PRNG) */
    for (int i = 0; i < SIPREG_STUN_TID; i += 4) {
        uint32_t w = sipreg_prng_u32(&r->prng);
        memcpy(r->stun_tid + i, &w, 4);
    }
    r->stun_open = 1;
    r->stun_sends = 1;
    r->ping_pending = 1;
    r->stun_retx_at = now + r->pol.t1_ms;
    /* the sends are at 0, 1, 3, ... 63 RTO; the wait ends 16 RTO after the last */
    r->pong_deadline =
        now + ((int64_t)((1u << (SIPREG__STUN_RC - 1)) - 1) + SIPREG__STUN_RM) * r->pol.t1_ms;
    sipreg__schedule_ping(r, now);
}

int sipreg__stun_compose(struct sipreg *r, char *buf, size_t cap) {
    /* RFC 5626 §8: a Binding request needs no attribute */
    int n = sipreg_stun_binding_request(r->stun_tid, 0, buf, cap);
    if (n > 0) r->ping_pending = 0;
    return n;
}

#endif

void sipreg__stun_reset(struct sipreg *r) {
    r->stun_open = r->stun_seen = r->stun_off = r->stun_check = 0;
    r->stun_retx_at = SIPREG_NEVER;
    free(r->stun_mapped);
    r->stun_mapped = NULL;
}

#ifndef SIPREG_NO_STUN
/* The answer's mapped address is the flow's: learnt from the first answer; another one later
 * means the NAT binding changed, a failed flow (RFC 5626 §4.4.2, §8). 0, or -1 when it failed. */
static int stun_mapping(struct sipreg *r, const struct sipreg_stun *m, sipreg_ms now) {
    char text[48];
    int n = sipreg_stun_address(m, text, sizeof text);
    if (n < 0) return 0; /* no address in the answer: it proves the flow, no more */
    if (r->stun_mapped && strcmp(r->stun_mapped, text)) {
        /* the event names the new address (its text; 47 bytes at most fit the reason's room) */
        memcpy(r->reason_text, text, (size_t)n);
        r->reason_len = (size_t)n;
        struct sipreg_event *ev = drop_flow(r, SIPREG_R_MAPPING, 0, now);
        if (ev) ev->text = sipreg__str(r->reason_text, r->reason_len);
        return -1;
    }
    if (!r->stun_mapped) {
        char *copy = malloc((size_t)n + 1);
        if (!copy) return 0; /* out of memory: no comparison this time */
        memcpy(copy, text, (size_t)n + 1);
        r->stun_mapped = copy;
    }
    return 0;
}

int sipreg__stun_recv(struct sipreg *r, const char *msg, size_t len, sipreg_ms now) {
    struct sipreg_stun m;
    int e = sipreg_stun_parse(&m, msg, len, NULL);
    if (e < 0) return e;
    /* §8: this usage has Binding requests and their responses, nothing else */
    if (m.method != SIPREG_STUN_BINDING || m.cls < SIPREG_STUN_SUCCESS)
        return SIPREG_E_STUN_UNEXPECTED;
    /* RFC 5389 §7.3: a response belongs to the open transaction by its ID */
    if (!r->stun_open || memcmp(m.tid, r->stun_tid, SIPREG_STUN_TID)) return SIPREG_RECV_STALE;
    r->stun_open = 0;
    r->stun_retx_at = r->pong_deadline = SIPREG_NEVER;
    if (!r->flow_up || r->flow_failed) return 0;
    r->stun_seen = 1; /* the next hop answers STUN: a later silence is a dead path */
    if (m.cls == SIPREG_STUN_ERROR || m.unknown >= 0) {
        /* RFC 5626 §4.4.2: a Binding error response is a failed flow; RFC 5389 §7.3.3: a
         * success response with an unknown comprehension-required attribute failed too */
        r->reason_len = 0;
        drop_flow(r, SIPREG_R_FLOW, m.cls == SIPREG_STUN_ERROR ? m.error_code : 0, now);
        return 0;
    }
    stun_mapping(r, &m, now);
    return 0;
}
#endif

/* ---------------------------------------------------------------------------------------- */
/* Probes (no outbound)                                                                     */
/* ---------------------------------------------------------------------------------------- */

/* The next probe after U[0.8, 1.0] * probe_s of silence from now. */
static void schedule_probe(struct sipreg *r, sipreg_ms now) {
    int64_t hi = r->pol.probe_s * 1000;
    /* instead of STUN: as often as keep-alives (RFC 5626 §4.4: the Flow-Timer bounds them) */
    if (r->stun_off && r->ka_interval_s * 1000 < hi) hi = r->ka_interval_s * 1000;
    r->ping_at = now + sipreg_prng_range(&r->prng, hi * 8 / 10, hi);
}

void sipreg__probe_start(struct sipreg *r, sipreg_ms now) {
    if (r->probe_on) return; /* already running on this flow: its silence timer stands */
    r->probe_on = 1;
    r->probe_open = 0;
    r->options_pending = 0;
    r->pong_deadline = SIPREG_NEVER;
    schedule_probe(r, now);
}

void sipreg__probe_stop(struct sipreg *r) {
    if (!r->probe_on) return;
    r->probe_on = r->probe_open = r->options_pending = 0;
    r->ping_at = r->pong_deadline = SIPREG_NEVER;
}

void sipreg__probe_heard(struct sipreg *r, sipreg_ms now) {
    if (!r->probe_on || !r->flow_up || r->flow_failed) return;
    /* bytes arrived: the flow delivers, whatever they were; an unsent OPTIONS is not needed */
    r->probe_open = r->options_pending = 0;
    r->pong_deadline = SIPREG_NEVER;
    schedule_probe(r, now);
    if (r->stun_check) {
        /* SIP gets through where STUN did not: the flow lives on probes (stun_fallback) */
        r->stun_check = 0;
        struct sipreg_event *ev =
            sipreg__emit(r, SIPREG_EV_LIVENESS, SIPREG_R_NO_STUN, 0, 0, now, SIPREG_LIVE_OPTIONS);
        if (ev) ev->text = sipreg__cstr("no STUN answer; OPTIONS probes keep the flow");
    }
}

void sipreg__probe_timeout(struct sipreg *r, sipreg_ms now) {
    if (!r->probe_on || !r->flow_up || r->flow_failed) return;
    if (r->probe_open) {
        if (now >= r->pong_deadline) {
            /* no answer: the flow is dead (the host closes it, then reports it down, and the
             * core registers again at once on a new flow, RFC 5626 §4.5) */
            sipreg__fail_flow(r, SIPREG_R_FLOW, now);
        }
        return;
    }
    /* never while a REGISTER transaction is open: its Timer F watches the flow then */
    if (r->op != SIPREG__OP_NONE || r->state != SIPREG_ST_REGISTERED || now < r->ping_at) return;
    r->probe_open = 1;
    r->ping_at = SIPREG_NEVER;
    r->pong_deadline = now + r->pol.pong_timeout_ms;
    if (r->pol.probe == SIPREG_PROBE_HOST) {
        sipreg__emit_op(r, SIPREG__OP_REGISTER, SIPREG_EV_PING, SIPREG_R_NONE, 0, 0,
                        r->pong_deadline, 0);
        return;
    }
    /* RFC 3261 §11: an OPTIONS within the registration's Call-ID takes the next CSeq, so CSeq
     * keeps increasing within the Call-ID (§8.1.1.5, §10.2.4); a branch of its own (§8.1.1.7) */
    r->cseq++;
    r->options_cseq = r->cseq;
    memcpy(r->options_branch, "z9hG4bK", SIPREG__COOKIE_LEN);
    sipreg_prng_token(&r->prng, r->options_branch + SIPREG__COOKIE_LEN,
                      SIPREG__PROBE_BRANCH - SIPREG__COOKIE_LEN);
    r->options_pending = 1;
}

int sipreg__probe_answer(struct sipreg *r, const struct sipreg_msg *m, sipreg_ms now) {
    (void)now;
    struct sipreg_cseq cs;
    /* §17.1.3: matched by branch and CSeq method; the Call-ID and number are ours alone */
    return r->probe_open && r->pol.probe == SIPREG_PROBE_OPTIONS && m->type == SIPREG_RESPONSE &&
           sipreg_msg_cseq(m, &cs) == 0 && cs.seq == r->options_cseq &&
           sipreg__ieq_lit(cs.method, "options") &&
           sipreg__eq(sipreg_msg_call_id(m), sipreg__str(r->call_id, SIPREG__CALL_ID_LEN)) &&
           sipreg__eq(sipreg_msg_via_branch(m),
                      sipreg__str(r->options_branch, SIPREG__PROBE_BRANCH));
}

int sipreg__probe_compose(struct sipreg *r, char *buf, size_t cap) {
    struct sipreg__buf b = {buf, cap, 0};
    /* RFC 3261 §11.1: OPTIONS to the registrar's Request-URI, To = that URI, no body */
    /* From as in our REGISTERs (§10.2 third party); the outbound proxy's Route too (§8.1.2) */
    struct sipreg__head h = {r->ruri,
                             r->ruri,
                             r->from.len ? r->from : r->aor,
                             sipreg__str(r->from_tag, SIPREG__TAG_LEN),
                             sipreg__str(r->call_id, SIPREG__CALL_ID_LEN),
                             r->options_cseq,
                             r->transport,
                             r->flow_host ? sipreg__str(r->flow_host, r->flow_host_len)
                                          : r->via_host,
                             r->flow_host ? r->flow_port : -1,
                             sipreg__str(r->options_branch, SIPREG__PROBE_BRANCH),
                             r->route,
                             sipreg__str(r->maddr, r->maddr_len),
                             r->mcast_ttl};
    sipreg__compose_head(&b, "OPTIONS", &h);
    if (r->user_agent.len) {
        sipreg__putl(&b, "User-Agent: ");
        sipreg__puts(&b, r->user_agent);
        sipreg__putl(&b, "\r\n");
    }
    sipreg__putl(&b, "Content-Length: 0\r\n\r\n");
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    r->options_pending = 0;
    return (int)b.len;
}
