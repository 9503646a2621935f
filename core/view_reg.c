/* view_reg.c — views of registration events and snapshots, written as a tape (the wasm build
 * hands it to JavaScript, which builds the event details and `info` from it). */
#include "view.h"

/* Member "k": a time in ms, or null for SIPREG_NEVER. */
#define put_time(v, k, t) (sipreg__v_key(v, k), time_value(v, t))
static void time_value(struct sipreg__view *v, sipreg_ms t) {
    if (t == SIPREG_NEVER)
        sipreg__v_null(v);
    else
        sipreg__v_int(v, t);
}

/* Member "k": x when known, else null. */
#define put_known(v, k, known, x)                                                                  \
    (sipreg__v_key(v, k), (known) ? sipreg__v_int(v, x) : sipreg__v_null(v))

/* Member "k": a view, or null when empty. */
#define put_text(v, k, s) sipreg__m_str(v, k, (s).len ? (s) : sipreg__str(NULL, 0))

const char *sipreg_event_value_name(int type) {
    /* the key of each type 0..14 in a fixed-width slot ("" = none): no pointers, no search; the
     * names are those sipreg.h gives in [brackets] (enum sipreg_event_type) */
#define KEY_SLOT 12
    static const char KEYS[][KEY_SLOT] = {
        "",      "",          "granted", "all", "failures",  "delayMs", "secondsLeft", "lateMs",
        "count", "transport", "missing", "",    "permanent", "",        "liveness"};
#undef KEY_SLOT
    return type <= 0 || type >= (int)(sizeof KEYS / sizeof KEYS[0]) ? "" : KEYS[type];
}

/* The event's number under the name its type gives it (sipreg_event_value_name): statechange
 * (the state is above), flowfailed and ping have none. */
static void put_event_value(struct sipreg__view *v, const struct sipreg_event *ev) {
    const char *key = sipreg_event_value_name(ev->type);
    if (!key[0]) return;
    SIPREG__VIEW(v, key)(v, key, strlen(key), 1); /* static (v_key takes literals) */
    if (ev->type == SIPREG_EV_CONNECT)
        sipreg__v_cstr(v, ev->value == SIPREG_TP_TCP ? "tcp" : NULL);
    else if (ev->type == SIPREG_EV_UNREGISTERED || ev->type == SIPREG_EV_REDIRECT)
        sipreg__v_bool(v, ev->value != 0);
    else
        sipreg__v_int(v, ev->value);
}

/* {"type":...,"state":...,"reason":...,"op":...,"status":N|null,"text":...,"error":...,
 * "message":...,"at":ms|null, and the type's named number (put_event_value)}. */
static int put_event(struct sipreg__view *v, const struct sipreg_event *ev) {
    sipreg__v_open(v);
    sipreg__m_cstr(v, "type", sipreg_event_name(ev->type));
    sipreg__m_cstr(v, "state", sipreg_state_name(ev->state));
    sipreg__m_cstr(v, "reason", sipreg_reason_name(ev->reason));
    sipreg__m_cstr(v, "op", sipreg_op_name(ev->op));
    sipreg__m_opt(v, "status", ev->status ? ev->status : -1);
    put_text(v, "text", ev->text);
    sipreg__m_cstr(v, "error", ev->error ? sipreg_errname(ev->error) : NULL);
    sipreg__m_cstr(v, "message", ev->error ? sipreg_strerror(ev->error) : NULL);
    put_time(v, "at", ev->at);
    put_event_value(v, ev);
    sipreg__v_close(v);
    return sipreg__view_end(v);
}

/* One binding object. */
static void put_binding(struct sipreg__view *v, const struct sipreg_binding *x) {
    sipreg__v_open(v);
    sipreg__m_bool(v, "ours", x->ours);
    sipreg__m_str(v, "uri", x->uri);
    sipreg__m_cstr(v, "matchedBy", x->ours ? sipreg_match_name(x->matched_by) : NULL);
    put_text(v, "instance", x->instance);
    sipreg__m_opt(v, "regId", x->reg_id);
    sipreg__m_q(v, "q", x->q);
    sipreg__m_opt(v, "requested", x->requested);
    sipreg__m_opt(v, "granted", x->granted);
    put_time(v, "expiresAt", x->expires_at);
    put_text(v, "pubGruu", x->pub_gruu);
    put_text(v, "tempGruu", x->temp_gruu);
    sipreg__v_close(v);
}

/* An array of route URIs. */
static void put_routes(struct sipreg__view *v, const struct sipreg_str *r, size_t n) {
    sipreg__v_aopen(v);
    for (size_t i = 0; i < n; i++)
        sipreg__v_str(v, r[i]);
    sipreg__v_aclose(v);
}

/* The snapshot: sipreg_get_info and every binding. */
static int put_info(struct sipreg__view *v, const struct sipreg *r) {
    struct sipreg_info in;
    sipreg_get_info(r, &in);
    sipreg__v_open(v);
    sipreg__m_cstr(v, "state", sipreg_state_name(in.state));
    sipreg__m_bool(v, "flowUp", in.flow_up);
    sipreg__m_bool(v, "inFlight", in.in_flight);
    put_time(v, "refreshAt", in.refresh_at);
    put_time(v, "expiresAt", in.expires_at);
    put_time(v, "retryAt", in.retry_at);
    sipreg__m_opt(v, "requested", in.requested);
    sipreg__m_opt(v, "granted", in.granted);
    sipreg__m_int(v, "failures", in.failures);
    sipreg__m_opt(v, "lastStatus", in.last_status ? in.last_status : -1);
    put_known(v, "clockSkewMs", in.has_skew, in.clock_skew_ms);
    put_known(v, "skewErrorMs", in.has_skew, in.skew_error_ms);
    sipreg__m_str(v, "callId", in.call_id);
    sipreg__m_int(v, "cseq", (int64_t)in.cseq);
    sipreg__v_key(v, "serviceRoute");
    put_routes(v, in.service_route, in.nservice_route);
    sipreg__v_key(v, "path");
    put_routes(v, in.path, in.npath);
    sipreg__m_int(v, "othersOmitted", (int64_t)in.others_omitted);
    sipreg__m_bool(v, "keepalive", in.keepalive);
    sipreg__m_int(v, "keepaliveS", in.keepalive_s);
    sipreg__m_str(v, "liveness", sipreg__cstr(sipreg_liveness_name(in.liveness)));
    put_time(v, "pingAt", in.ping_at);
    put_time(v, "pongDeadline", in.pong_deadline);
    put_text(v, "mapped", in.mapped);
    sipreg__v_key(v, "bindings");
    sipreg__v_aopen(v);
    struct sipreg_binding bs[SIPREG_MAX_BINDINGS + SIPREG_MAX_CONTACTS * 2];
    size_t n = 0;
    sipreg_bindings(r, bs, sizeof bs / sizeof bs[0], &n);
    if (n > sizeof bs / sizeof bs[0]) n = sizeof bs / sizeof bs[0];
    for (size_t i = 0; i < n; i++)
        put_binding(v, &bs[i]);
    sipreg__v_aclose(v);
    sipreg__v_close(v);
    return sipreg__view_end(v);
}

int sipreg_event_tape(const struct sipreg_event *ev, uintptr_t *out, size_t cap_bytes) {
    struct sipreg__view v;
    sipreg__view_init(&v, SIPREG__TAPE_OPS, (char *)out, cap_bytes);
    return put_event(&v, ev);
}

int sipreg_info_tape(const struct sipreg *r, uintptr_t *out, size_t cap_bytes) {
    struct sipreg__view v;
    sipreg__view_init(&v, SIPREG__TAPE_OPS, (char *)out, cap_bytes);
    return put_info(&v, r);
}
