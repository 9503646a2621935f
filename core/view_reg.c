/* view_reg.c — views of registration events and snapshots, walked once and written as JSON
 * (native tools) or as a tape (the wasm build hands it to JavaScript). */
#include "view.h"

/* A time in ms, or null for SIPREG_NEVER. */
static void put_time(struct sipreg__view *v, sipreg_ms t) {
    if (t == SIPREG_NEVER)
        sipreg__v_null(v);
    else
        sipreg__v_int(v, t);
}

/* A view, or null when empty. */
static void put_text(struct sipreg__view *v, struct sipreg_str s) {
    sipreg__v_str(v, s.len ? s : sipreg__str(NULL, 0));
}

/* {"type":...,"state":...,"reason":...,"op":...,"status":N|null,"text":...,"error":...,
 * "message":...,"at":ms|null,"value":N}. */
static int put_event(struct sipreg__view *v, const struct sipreg_event *ev) {
    sipreg__v_open(v);
    sipreg__v_key(v, "type");
    sipreg__v_cstr(v, sipreg_event_name(ev->type));
    sipreg__v_key(v, "state");
    sipreg__v_cstr(v, sipreg_state_name(ev->state));
    sipreg__v_key(v, "reason");
    sipreg__v_cstr(v, sipreg_reason_name(ev->reason));
    sipreg__v_key(v, "op");
    sipreg__v_cstr(v, sipreg_op_name(ev->op));
    sipreg__v_key(v, "status");
    sipreg__v_opt(v, ev->status ? ev->status : -1);
    sipreg__v_key(v, "text");
    put_text(v, ev->text);
    sipreg__v_key(v, "error");
    sipreg__v_cstr(v, ev->error ? sipreg_errname(ev->error) : NULL);
    sipreg__v_key(v, "message");
    sipreg__v_cstr(v, ev->error ? sipreg_strerror(ev->error) : NULL);
    sipreg__v_key(v, "at");
    put_time(v, ev->at);
    sipreg__v_key(v, "value");
    sipreg__v_int(v, ev->value);
    sipreg__v_close(v);
    return sipreg__view_end(v);
}

/* One binding object. */
static void put_binding(struct sipreg__view *v, const struct sipreg_binding *x) {
    sipreg__v_open(v);
    sipreg__v_key(v, "ours");
    sipreg__v_bool(v, x->ours);
    sipreg__v_key(v, "uri");
    sipreg__v_str(v, x->uri);
    sipreg__v_key(v, "matchedBy");
    sipreg__v_cstr(v, x->ours ? sipreg_match_name(x->matched_by) : NULL);
    sipreg__v_key(v, "instance");
    put_text(v, x->instance);
    sipreg__v_key(v, "regId");
    sipreg__v_opt(v, x->reg_id);
    sipreg__v_key(v, "q");
    sipreg__v_q(v, x->q);
    sipreg__v_key(v, "requested");
    sipreg__v_opt(v, x->requested);
    sipreg__v_key(v, "granted");
    sipreg__v_opt(v, x->granted);
    sipreg__v_key(v, "expiresAt");
    put_time(v, x->expires_at);
    sipreg__v_key(v, "pubGruu");
    put_text(v, x->pub_gruu);
    sipreg__v_key(v, "tempGruu");
    put_text(v, x->temp_gruu);
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
    sipreg__v_key(v, "state");
    sipreg__v_cstr(v, sipreg_state_name(in.state));
    sipreg__v_key(v, "flowUp");
    sipreg__v_bool(v, in.flow_up);
    sipreg__v_key(v, "inFlight");
    sipreg__v_bool(v, in.in_flight);
    sipreg__v_key(v, "refreshAt");
    put_time(v, in.refresh_at);
    sipreg__v_key(v, "expiresAt");
    put_time(v, in.expires_at);
    sipreg__v_key(v, "retryAt");
    put_time(v, in.retry_at);
    sipreg__v_key(v, "requested");
    sipreg__v_opt(v, in.requested);
    sipreg__v_key(v, "granted");
    sipreg__v_opt(v, in.granted);
    sipreg__v_key(v, "failures");
    sipreg__v_int(v, in.failures);
    sipreg__v_key(v, "lastStatus");
    sipreg__v_opt(v, in.last_status ? in.last_status : -1);
    sipreg__v_key(v, "clockSkewMs");
    if (in.has_skew)
        sipreg__v_int(v, in.clock_skew_ms);
    else
        sipreg__v_null(v);
    sipreg__v_key(v, "skewErrorMs");
    if (in.has_skew)
        sipreg__v_int(v, in.skew_error_ms);
    else
        sipreg__v_null(v);
    sipreg__v_key(v, "callId");
    sipreg__v_str(v, in.call_id);
    sipreg__v_key(v, "cseq");
    sipreg__v_int(v, (int64_t)in.cseq);
    sipreg__v_key(v, "serviceRoute");
    put_routes(v, in.service_route, in.nservice_route);
    sipreg__v_key(v, "path");
    put_routes(v, in.path, in.npath);
    sipreg__v_key(v, "othersOmitted");
    sipreg__v_int(v, (int64_t)in.others_omitted);
    sipreg__v_key(v, "keepalive");
    sipreg__v_bool(v, in.keepalive);
    sipreg__v_key(v, "keepaliveS");
    sipreg__v_int(v, in.keepalive_s);
    sipreg__v_key(v, "pingAt");
    put_time(v, in.ping_at);
    sipreg__v_key(v, "pongDeadline");
    put_time(v, in.pong_deadline);
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

#ifndef SIPREG_VIEW_TAPE_ONLY
int sipreg_event_json(const struct sipreg_event *ev, char *out, size_t cap) {
    struct sipreg__view v;
    sipreg__view_init(&v, &sipreg__view_json, out, cap);
    return put_event(&v, ev);
}
#endif

int sipreg_event_tape(const struct sipreg_event *ev, uintptr_t *out, size_t cap_bytes) {
    struct sipreg__view v;
    sipreg__view_init(&v, &sipreg__view_tape, (char *)out, cap_bytes);
    return put_event(&v, ev);
}

#ifndef SIPREG_VIEW_TAPE_ONLY
int sipreg_info_json(const struct sipreg *r, char *out, size_t cap) {
    struct sipreg__view v;
    sipreg__view_init(&v, &sipreg__view_json, out, cap);
    return put_info(&v, r);
}
#endif

int sipreg_info_tape(const struct sipreg *r, uintptr_t *out, size_t cap_bytes) {
    struct sipreg__view v;
    sipreg__view_init(&v, &sipreg__view_tape, (char *)out, cap_bytes);
    return put_info(&v, r);
}
