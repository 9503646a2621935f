/* json_reg.c — JSON views of registration events and snapshots, for hosts that pass strings
 * (the wasm build hands them to JavaScript as they are). */
#include "internal.h"

/* Append a JSON string (the core's own strings and registrar text: escape quotes, backslashes
 * and control bytes; other bytes pass). */
static void put_str(struct sipreg__buf *b, struct sipreg_str s) {
    if (!s.p) {
        sipreg__putl(b, "null");
        return;
    }
    sipreg__putl(b, "\"");
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            sipreg__put(b, e, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            /* registrar text is not trusted to be UTF-8: escape every non-ASCII byte */
            sipreg__putl(b, "\\u00");
            sipreg__puthex(b, c, 2);
        } else {
            sipreg__put(b, (const char *)&c, 1);
        }
    }
    sipreg__putl(b, "\"");
}

/* Append ,"key":value pieces. */
static void key(struct sipreg__buf *b, const char *k) {
    sipreg__putl(b, ",\"");
    sipreg__putc(b, k);
    sipreg__putl(b, "\":");
}

/* Append a time in ms, or null for SIPREG_NEVER. */
static void put_time(struct sipreg__buf *b, sipreg_ms t) {
    if (t == SIPREG_NEVER)
        sipreg__putl(b, "null");
    else
        sipreg__puti(b, t);
}

/* Append a number, or null when negative. */
static void put_opt(struct sipreg__buf *b, int64_t v) {
    if (v < 0)
        sipreg__putl(b, "null");
    else
        sipreg__puti(b, v);
}

int sipreg_event_json(const struct sipreg_event *ev, char *out, size_t cap) {
    struct sipreg__buf b = {out, cap, 0};
    sipreg__putl(&b, "{\"type\":\"");
    sipreg__putc(&b, sipreg_event_name(ev->type));
    sipreg__putl(&b, "\"");
    key(&b, "state");
    put_str(&b, sipreg__cstr(sipreg_state_name(ev->state)));
    key(&b, "reason");
    put_str(&b, sipreg__cstr(sipreg_reason_name(ev->reason)));
    key(&b, "op");
    put_str(&b, sipreg__cstr(sipreg_op_name(ev->op)));
    key(&b, "status");
    put_opt(&b, ev->status ? ev->status : -1);
    key(&b, "text");
    put_str(&b, ev->text.len ? ev->text : sipreg__str(NULL, 0));
    key(&b, "error");
    put_str(&b, ev->error ? sipreg__cstr(sipreg_errname(ev->error)) : sipreg__str(NULL, 0));
    key(&b, "message");
    put_str(&b, ev->error ? sipreg__cstr(sipreg_strerror(ev->error)) : sipreg__str(NULL, 0));
    key(&b, "at");
    put_time(&b, ev->at);
    key(&b, "value");
    sipreg__puti(&b, ev->value);
    sipreg__putl(&b, "}");
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    return (int)b.len;
}

/* Append one binding object. */
static void put_binding(struct sipreg__buf *b, const struct sipreg_binding *x) {
    sipreg__putl(b, "{\"ours\":");
    sipreg__putc(b, x->ours ? "true" : "false");
    key(b, "uri");
    put_str(b, x->uri);
    key(b, "matchedBy");
    put_str(b, x->ours ? sipreg__cstr(sipreg_match_name(x->matched_by)) : sipreg__str(NULL, 0));
    key(b, "instance");
    put_str(b, x->instance.len ? x->instance : sipreg__str(NULL, 0));
    key(b, "regId");
    put_opt(b, x->reg_id);
    key(b, "q");
    if (x->q < 0)
        sipreg__putl(b, "null");
    else
        sipreg__putq(b, x->q);
    key(b, "requested");
    put_opt(b, x->requested);
    key(b, "granted");
    put_opt(b, x->granted);
    key(b, "expiresAt");
    put_time(b, x->expires_at);
    key(b, "pubGruu");
    put_str(b, x->pub_gruu.len ? x->pub_gruu : sipreg__str(NULL, 0));
    key(b, "tempGruu");
    put_str(b, x->temp_gruu.len ? x->temp_gruu : sipreg__str(NULL, 0));
    sipreg__putl(b, "}");
}

/* Append an array of route URIs. */
static void put_routes(struct sipreg__buf *b, const struct sipreg_str *r, size_t n) {
    sipreg__putl(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) sipreg__putl(b, ",");
        put_str(b, r[i]);
    }
    sipreg__putl(b, "]");
}

int sipreg_info_json(const struct sipreg *r, char *out, size_t cap) {
    struct sipreg_info in;
    struct sipreg__buf b = {out, cap, 0};
    sipreg_get_info(r, &in);
    sipreg__putl(&b, "{\"state\":");
    put_str(&b, sipreg__cstr(sipreg_state_name(in.state)));
    key(&b, "flowUp");
    sipreg__putc(&b, in.flow_up ? "true" : "false");
    key(&b, "inFlight");
    sipreg__putc(&b, in.in_flight ? "true" : "false");
    key(&b, "refreshAt");
    put_time(&b, in.refresh_at);
    key(&b, "expiresAt");
    put_time(&b, in.expires_at);
    key(&b, "retryAt");
    put_time(&b, in.retry_at);
    key(&b, "requested");
    put_opt(&b, in.requested);
    key(&b, "granted");
    put_opt(&b, in.granted);
    key(&b, "failures");
    sipreg__puti(&b, in.failures);
    key(&b, "lastStatus");
    put_opt(&b, in.last_status ? in.last_status : -1);
    key(&b, "clockSkewMs");
    if (in.has_skew)
        sipreg__puti(&b, in.clock_skew_ms);
    else
        sipreg__putl(&b, "null");
    key(&b, "skewErrorMs");
    if (in.has_skew)
        sipreg__puti(&b, in.skew_error_ms);
    else
        sipreg__putl(&b, "null");
    key(&b, "callId");
    put_str(&b, in.call_id);
    key(&b, "cseq");
    sipreg__putu(&b, in.cseq);
    key(&b, "serviceRoute");
    put_routes(&b, in.service_route, in.nservice_route);
    key(&b, "path");
    put_routes(&b, in.path, in.npath);
    key(&b, "othersOmitted");
    sipreg__putu(&b, in.others_omitted);
    key(&b, "keepalive");
    sipreg__putc(&b, in.keepalive ? "true" : "false");
    key(&b, "keepaliveS");
    sipreg__puti(&b, in.keepalive_s);
    key(&b, "pingAt");
    put_time(&b, in.ping_at);
    key(&b, "pongDeadline");
    put_time(&b, in.pong_deadline);
    key(&b, "bindings");
    sipreg__putl(&b, "[");
    struct sipreg_binding bs[SIPREG_MAX_BINDINGS + SIPREG_MAX_CONTACTS * 2];
    size_t n = 0;
    sipreg_bindings(r, bs, sizeof bs / sizeof bs[0], &n);
    if (n > sizeof bs / sizeof bs[0]) n = sizeof bs / sizeof bs[0];
    for (size_t i = 0; i < n; i++) {
        if (i) sipreg__putl(&b, ",");
        put_binding(&b, &bs[i]);
    }
    sipreg__putl(&b, "]}");
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    return (int)b.len;
}
