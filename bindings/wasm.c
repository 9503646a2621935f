/* wasm.c — the WebAssembly export shim: handles, scalars and byte ranges in linear memory.
 * No SIP logic lives here; every decision is the core's. Times cross as doubles (JS numbers:
 * milliseconds, exact up to 2^53), "never" as -1. */
#include "sipreg.h"

#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(#name), used))

/* A configuration under construction: the config plus copies of its strings. */
struct sw_cfg {
    struct sipreg_config cfg;
    char *strings[64];
    size_t nstrings;
};

/* Duplicate p[0..n) as a NUL-terminated string owned by the builder. */
static const char *own(struct sw_cfg *b, const char *p, size_t n) {
    if (b->nstrings == sizeof b->strings / sizeof b->strings[0]) return NULL;
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, p, n);
    s[n] = 0;
    b->strings[b->nstrings++] = s;
    return s;
}

/* Double milliseconds to the core's integer milliseconds. */
static sipreg_ms ms(double t) { return (sipreg_ms)t; }

/* sw_malloc, sw_free, sw_parse, sw_uri_equal, sw_errname, sw_strerror, sw_version: wasm_parse.c
 * (the parse-only module links that file alone). */

/* The routing key of a message (sipreg_route_key), NUL-terminated into out: its length, or a
 * negative error. */
EXPORT(sw_route_key) int sw_route_key(const char *buf, size_t len, char *out, size_t cap) {
    return sipreg_route_key(buf, len, out, cap);
}

/* ---- configuration builder ---- */

EXPORT(sw_cfg_new) struct sw_cfg *sw_cfg_new(void) {
    struct sw_cfg *b = calloc(1, sizeof *b);
    if (b) sipreg_config_init(&b->cfg);
    return b;
}

EXPORT(sw_cfg_free) void sw_cfg_free(struct sw_cfg *b) {
    if (!b) return;
    for (size_t i = 0; i < b->nstrings; i++)
        free(b->strings[i]);
    free(b);
}

/* Set key=value (both byte ranges); see sipreg_config_set. */
EXPORT(sw_cfg_set)
int sw_cfg_set(struct sw_cfg *b, const char *k, size_t kl, const char *v, size_t vl) {
    const char *key = own(b, k, kl), *val = own(b, v, vl);
    if (!key || !val) return SIPREG_E_NOMEM;
    return sipreg_config_set(&b->cfg, key, val);
}

/* Add a Contact (empty uri = generated; expires and q of -1 = none; q in thousandths). */
EXPORT(sw_cfg_contact)
int sw_cfg_contact(struct sw_cfg *b, const char *u, size_t ul, double expires, int q) {
    const char *uri = ul ? own(b, u, ul) : NULL;
    if (ul && !uri) return SIPREG_E_NOMEM;
    return sipreg_config_add_contact(&b->cfg, uri, (int64_t)expires, q);
}

/* Set the 32-byte seed. */
EXPORT(sw_cfg_seed) void sw_cfg_seed(struct sw_cfg *b, const uint8_t *seed) {
    memcpy(b->cfg.seed, seed, 32);
}

/* The sentence that makes the builder's configuration invalid (NUL-terminated, valid until
 * the next call), or 0 when sipreg_new would accept it. */
EXPORT(sw_config_problem) const char *sw_config_problem(const struct sw_cfg *b) {
    return sipreg_config_problem(&b->cfg);
}

/* ---- registrations ---- */

/* Create a registration from a builder (which stays the caller's). Returns the handle, or a
 * negative error. */
EXPORT(sw_reg_new) long sw_reg_new(const struct sw_cfg *b) {
    struct sipreg *r;
    int e = sipreg_new(&r, &b->cfg);
    return e < 0 ? e : (long)(size_t)r;
}

/* Create a registration that continues a saved state blob; negative SIPREG_E_STATE_BLOB when
 * the blob is refused (the caller then creates a fresh one). */
EXPORT(sw_reg_new_state)
long sw_reg_new_state(const struct sw_cfg *b, const char *state, size_t len) {
    struct sipreg *r;
    int e = sipreg_new_with_state(&r, &b->cfg, state, len);
    return e < 0 ? e : (long)(size_t)r;
}

/* Save the state blob into out; its length or a negative error. */
EXPORT(sw_export) int sw_export(const struct sipreg *r, char *out, size_t cap) {
    return sipreg_export(r, out, cap);
}

EXPORT(sw_reg_free) void sw_reg_free(struct sipreg *r) { sipreg_free(r); }
EXPORT(sw_register) int sw_register(struct sipreg *r, double now) {
    return sipreg_register(r, ms(now));
}
EXPORT(sw_unregister) int sw_unregister(struct sipreg *r, int all, double now) {
    return sipreg_unregister(r, all, ms(now));
}
EXPORT(sw_fetch) int sw_fetch(struct sipreg *r, double now) { return sipreg_fetch(r, ms(now)); }
EXPORT(sw_transport) int sw_transport(struct sipreg *r, int up, double now) {
    return sipreg_transport(r, up, ms(now));
}
/* The flow coming up: its transport (enum sipreg_transport) and local address; see
 * sipreg_set_flow. */
EXPORT(sw_set_flow)
int sw_set_flow(struct sipreg *r, int transport, const char *host, size_t len, int port,
                double now) {
    return sipreg_set_flow(r, transport, host, len, port, ms(now));
}
/* The flow sends to a multicast group now (len 0: to one server); see sipreg_set_multicast. */
EXPORT(sw_set_multicast)
int sw_set_multicast(struct sipreg *r, const char *group, size_t len, int ttl) {
    return sipreg_set_multicast(r, group, len, ttl);
}
EXPORT(sw_wallclock) int sw_wallclock(struct sipreg *r, double unix_ms, double now) {
    return sipreg_wallclock(r, (int64_t)unix_ms, ms(now));
}
EXPORT(sw_recv) int sw_recv(struct sipreg *r, const char *buf, size_t len, double now) {
    return sipreg_recv(r, buf, len, ms(now));
}
EXPORT(sw_timeout) int sw_timeout(struct sipreg *r, double now) {
    return sipreg_on_timeout(r, ms(now));
}
/* The host's network changed (online, new interface or address): see sipreg_network_changed. */
EXPORT(sw_network) int sw_network(struct sipreg *r, double now) {
    return sipreg_network_changed(r, ms(now));
}
/* The transport's own ping was answered (probe mode host, SIPREG_EV_PING): the core takes it as
 * a pong, the way it takes a CRLF (RFC 5626 §4.4.1), so the host needs no SIP bytes of its own. */
EXPORT(sw_pong) int sw_pong(struct sipreg *r, double now) {
    return sipreg_recv(r, "\r\n", 2, ms(now));
}

/* Replace the contacts with those of builder b (atomic swap when registered). */
EXPORT(sw_set_contacts) int sw_set_contacts(struct sipreg *r, const struct sw_cfg *b, double now) {
    return sipreg_set_contacts(r, b->cfg.contacts, b->cfg.ncontacts, ms(now));
}

EXPORT(sw_deadline) double sw_deadline(const struct sipreg *r) {
    sipreg_ms d = sipreg_deadline(r);
    return d == SIPREG_NEVER ? -1 : (double)d;
}

/* The next message into buf: its length, with SIPREG_SEND_BYTES set when it is bytes to send as
 * they are (a STUN keep-alive), not text; or a negative code. */
EXPORT(sw_poll_send) int sw_poll_send(struct sipreg *r, char *buf, size_t cap) {
    int n = sipreg_poll_send(r, buf, cap);
#ifndef SIPREG_NO_STUN
    if (n > 0 && sipreg_stun_is(buf, (size_t)n)) return n | SIPREG_SEND_BYTES;
#endif
    return n;
}

/* Next event whose type has its bit set in `wanted` (1 << type), as a tape into out; its length
 * in words, or SIPREG_E_DONE. Any event fits in 1 KiB
 * (its only free text is a reason phrase of at most SIPREG__REASON_MAX bytes, 3x when every byte
 * is replaced); the glue's output buffer is 64 KiB. */
EXPORT(sw_poll_event)
int sw_poll_event(struct sipreg *r, uintptr_t *out, size_t cap, uint32_t wanted) {
    struct sipreg_event ev;
    int e;
    /* events whose type bit is not in `wanted` are taken and dropped (nobody would see them) */
    while ((e = sipreg_poll_event(r, &ev)) == 0)
        if (wanted >> ev.type & 1) return sipreg_event_tape(&ev, out, cap);
    return e;
}

/* Snapshot (state, times, bindings) as a tape into out. */
EXPORT(sw_info) int sw_info(const struct sipreg *r, uintptr_t *out, size_t cap) {
    return sipreg_info_tape(r, out, cap);
}

/* Our Call-ID (constant, RFC 3261 §10.2): out[0], out[1] = its pointer and length. */
EXPORT(sw_call_id) void sw_call_id(const struct sipreg *r, uint32_t *out) {
    struct sipreg_info in;
    sipreg_get_info(r, &in);
    out[0] = (uint32_t)(size_t)in.call_id.p;
    out[1] = (uint32_t)in.call_id.len;
}

EXPORT(sw_memory) size_t sw_memory(const struct sipreg *r) { return sipreg_memory(r); }

/* ---- requests on the flow ---- */

/* The request table's status for the request in buf (sipreg_request_answer), or a negative error;
 * out[0], out[1] get the method's offset and length in buf. */
EXPORT(sw_request_answer)
int sw_request_answer(const struct sipreg *r, const char *buf, size_t len, uint32_t *out) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t eoff;
    int answer = sipreg_request_answer(r, buf, len);
    if (answer < 0) return answer;
    sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &eoff); /* answerable: it parsed */
    out[0] = (uint32_t)(m.method.p - buf);
    out[1] = (uint32_t)m.method.len;
    return answer;
}

/* Queue a response to the request in buf (sipreg_respond): the status queued, 0, or negative. */
EXPORT(sw_respond)
int sw_respond(struct sipreg *r, const char *buf, size_t len, int status, const char *reason,
               size_t rlen, const char *headers, size_t hlen) {
    return sipreg_respond(r, buf, len, status, reason, rlen, headers, hlen);
}

/* The routing keys of requests for r (sipreg_request_keys) into out: length or negative. */
EXPORT(sw_request_keys) int sw_request_keys(const struct sipreg *r, char *out, size_t cap) {
    return sipreg_request_keys(r, out, cap);
}

/* Our first contact as sent, in parts: out[0..13) = URI pointer and length, then offsets in it
 * and lengths of user, host, params, transport (the ;transport= value), the port (-1: none), and
 * the instance's pointer and length. 0, or a negative error. */
EXPORT(sw_contact) int sw_contact(const struct sipreg *r, int32_t *out) {
    struct sipreg_str uri, inst, tp = {NULL, 0};
    struct sipreg_uri u;
    int e = sipreg_contact(r, 0, &uri, &inst);
    if (e < 0) return e;
    if ((e = sipreg_uri_parse(&u, uri.p, uri.len, NULL)) < 0) return e;
    sipreg_uri_param(&u, "transport", &tp, NULL);
    const struct sipreg_str parts[4] = {u.user, u.host, u.params, tp};
    out[0] = (int32_t)(size_t)uri.p;
    out[1] = (int32_t)uri.len;
    for (int i = 0; i < 4; i++) {
        out[2 + 2 * i] = parts[i].len ? (int32_t)(parts[i].p - uri.p) : 0;
        out[3 + 2 * i] = (int32_t)parts[i].len;
    }
    out[10] = u.port;
    out[11] = (int32_t)(size_t)inst.p;
    out[12] = (int32_t)inst.len;
    return 0;
}
