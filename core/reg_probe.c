/* reg_probe.c — liveness probes on a reliable flow whose registrar promised no pongs
 * (keepalive AUTO and a 2xx without Require: outbound or Flow-Timer: RFC 5626 §4.4.1 lets a UA
 * expect CRLF pongs only after such an indication). After policy.probe_s of silence on the
 * flow (U[0.8, 1.0] of it, reset by anything received) the core either sends an OPTIONS to the
 * registrar (RFC 3261 §11; any response to it proves the flow) or asks the host to ping its
 * transport (SIPREG_EV_PING, a WebSocket ping, RFC 6455 §5.5.2, answered by a pong the host
 * reports as sipreg_recv("\r\n")). No answer within policy.pong_timeout_ms: the flow failed. */
#include "reg_internal.h"

/* The next probe after U[0.8, 1.0] * probe_s of silence from now. */
static void schedule_probe(struct sipreg *r, sipreg_ms now) {
    int64_t hi = r->pol.probe_s * 1000;
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
}

void sipreg__probe_timeout(struct sipreg *r, sipreg_ms now) {
    if (!r->probe_on || !r->flow_up || r->flow_failed) return;
    if (r->probe_open) {
        if (now >= r->pong_deadline) {
            /* no answer: the flow is dead (the host closes it, then reports it down, and the
             * core registers again at once on a new flow, RFC 5626 §4.5) */
            r->probe_open = r->options_pending = 0;
            r->flow_failed = 1;
            r->ping_at = r->pong_deadline = SIPREG_NEVER;
            sipreg__emit(r, SIPREG_EV_FLOW_FAILED, SIPREG_R_FLOW, 0, 0, now, 0);
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
    memcpy(r->options_branch, "z9hG4bK", 7);
    sipreg_prng_token(&r->prng, r->options_branch + 7, SIPREG__PROBE_BRANCH - 7);
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

/* Via transport token (RFC 3261 §20.42, RFC 7118 §5.1); probes run on reliable flows only. */
static const char *via_token(int transport) {
    switch (transport) {
    case SIPREG_TP_WSS:
        return "WSS";
    case SIPREG_TP_TCP:
        return "TCP";
    case SIPREG_TP_TLS:
        return "TLS";
    default:
        return "WS";
    }
}

int sipreg__probe_compose(struct sipreg *r, char *buf, size_t cap) {
    struct sipreg__buf b = {buf, cap, 0};
    /* RFC 3261 §11.1: OPTIONS to the registrar's Request-URI, To = that URI, no body */
    sipreg__putl(&b, "OPTIONS ");
    sipreg__puts(&b, r->ruri);
    sipreg__putl(&b, " SIP/2.0\r\nVia: SIP/2.0/");
    sipreg__putc(&b, via_token(r->transport));
    sipreg__putl(&b, " ");
    sipreg__puts(&b, r->via_host);
    sipreg__putl(&b, ";branch=");
    sipreg__puts(&b, sipreg__str(r->options_branch, SIPREG__PROBE_BRANCH));
    sipreg__putl(&b, "\r\nMax-Forwards: 70\r\nTo: <"); /* §8.1.1.6 */
    sipreg__puts(&b, r->ruri);
    sipreg__putl(&b, ">\r\nFrom: <");
    sipreg__puts(&b, r->aor);
    sipreg__putl(&b, ">;tag=");
    sipreg__puts(&b, sipreg__str(r->from_tag, SIPREG__TAG_LEN));
    sipreg__putl(&b, "\r\nCall-ID: ");
    sipreg__puts(&b, sipreg__str(r->call_id, SIPREG__CALL_ID_LEN));
    sipreg__putl(&b, "\r\nCSeq: ");
    sipreg__putu(&b, r->options_cseq);
    sipreg__putl(&b, " OPTIONS\r\n");
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
