/* config.c — set configuration fields by name (for hosts that speak strings: the wasm shim, the
 * scenario scripts, the CLI). Values are NUL-terminated strings the caller keeps alive until
 * sipreg_new() has copied them. */
#include "internal.h"

/* Parse a whole decimal integer (optional '-') into *out; 0 or SIPREG_E_CONFIG. */
static int parse_int(const char *v, int64_t lo, int64_t hi, int64_t *out) {
    int neg = *v == '-';
    uint64_t u;
    const char *d = v + neg;
    if (sipreg__parse_u64(sipreg__cstr(d), (uint64_t)INT64_MAX, &u) < 0) return SIPREG_E_CONFIG;
    int64_t x = neg ? -(int64_t)u : (int64_t)u;
    if (x < lo || x > hi) return SIPREG_E_CONFIG;
    *out = x;
    return 0;
}

/* Parse a flag: 1/0/true/false. */
static int parse_flag(const char *v, int *out) {
    struct sipreg_str s = sipreg__cstr(v);
    if (sipreg__ieq_lit(s, "1") || sipreg__ieq_lit(s, "true"))
        *out = 1;
    else if (sipreg__ieq_lit(s, "0") || sipreg__ieq_lit(s, "false"))
        *out = 0;
    else
        return SIPREG_E_CONFIG;
    return 0;
}

/* Index of `v` in a NULL-terminated name list, or -1. */
static int one_of(const char *v, const char *const *names) {
    for (int i = 0; names[i]; i++)
        if (sipreg__ieq_lit(sipreg__cstr(v), names[i])) return i;
    return -1;
}

/* String-valued keys and where they go. */
static const char **str_field(struct sipreg_config *c, const char *key) {
    static const char *const KEYS[] = {"aor",       "registrar",     "username", "password",
                                       "ha1",       "instance",      "via-host", "user-agent",
                                       "supported", "extra-headers", NULL};
    const char **fields[] = {&c->aor,       &c->registrar,    &c->username, &c->password,
                             &c->ha1,       &c->instance_id,  &c->via_host, &c->user_agent,
                             &c->supported, &c->extra_headers};
    int i = one_of(key, KEYS);
    return i < 0 ? NULL : fields[i];
}

/* Integer-valued policy keys (seconds unless named _ms), with their ranges. */
static int64_t *int_field(struct sipreg_config *c, const char *key, int64_t *lo, int64_t *hi) {
    static const char *const KEYS[] = {
        "expires",         "t1-ms",         "t2-ms",     "refresh-margin",  "short-margin",
        "retry-base",      "retry-base-up", "retry-max", "max-retry-after", "keepalive-s",
        "pong-timeout-ms", "min-grant",     "probe-s",   "command-ms",      NULL};
    int64_t *fields[] = {&c->expires,
                         &c->policy.t1_ms,
                         &c->policy.t2_ms,
                         &c->policy.refresh_margin_s,
                         &c->policy.short_margin_s,
                         &c->policy.base_s,
                         &c->policy.base_up_s,
                         &c->policy.max_s,
                         &c->policy.max_retry_after_s,
                         &c->policy.keepalive_s,
                         &c->policy.pong_timeout_ms,
                         &c->policy.min_grant_s,
                         &c->policy.probe_s,
                         &c->policy.command_ms};
    int i = one_of(key, KEYS);
    *lo = i == 0 ? 0 : 1;
    *hi = 0xffffffffLL; /* RFC 3261 §10.2.1: expiry values up to 2^32-1 */
    return i < 0 ? NULL : fields[i];
}

int sipreg_config_set(struct sipreg_config *c, const char *key, const char *value) {
    if (!c || !key || !value) return SIPREG_E_INVAL;
    const char **s = str_field(c, key);
    if (s) {
        *s = value;
        return 0;
    }
    int64_t lo, hi, v;
    int64_t *n = int_field(c, key, &lo, &hi);
    if (n) {
        if (parse_int(value, lo, hi, &v) < 0) return SIPREG_E_CONFIG;
        *n = v;
        return 0;
    }
    int flag;
    if (!strcmp(key, "discovery")) {
        static const char *const D[] = {"configured", "aor", "multicast", NULL};
        int i = one_of(value, D);
        if (i < 0) return SIPREG_E_CONFIG;
        c->discovery = i;
    } else if (!strcmp(key, "transport")) {
        static const char *const T[] = {"ws", "wss", "udp", "tcp", "tls", NULL};
        int i = one_of(value, T);
        if (i < 0) return SIPREG_E_CONFIG;
        c->transport = SIPREG_TP_WS + i;
    } else if (!strcmp(key, "keepalive")) {
        static const char *const K[] = {"never", "auto", "always", NULL};
        int i = one_of(value, K);
        if (i < 0) return SIPREG_E_CONFIG;
        c->policy.keepalive = i;
    } else if (!strcmp(key, "probe")) {
        static const char *const P[] = {"options", "host", "none", NULL};
        int i = one_of(value, P);
        if (i < 0) return SIPREG_E_CONFIG;
        c->policy.probe = i;
    } else if (!strcmp(key, "reg-id")) {
        if (parse_int(value, 1, 0x7fffffff, &v) < 0) return SIPREG_E_CONFIG; /* RFC 5626 §11.4 */
        c->reg_id = (int)v;
    } else if (!strcmp(key, "max-auth-retries")) {
        if (parse_int(value, 0, 10, &v) < 0) return SIPREG_E_CONFIG;
        c->policy.max_auth_retries = (int)v;
    } else if (!strcmp(key, "outbound")) {
        if (parse_flag(value, &flag) < 0) return SIPREG_E_CONFIG;
        c->outbound = flag;
    } else if (!strcmp(key, "manual-refresh")) {
        if (parse_flag(value, &flag) < 0) return SIPREG_E_CONFIG;
        c->policy.manual_refresh = flag;
    } else if (!strcmp(key, "other-flow-up")) {
        if (parse_flag(value, &flag) < 0) return SIPREG_E_CONFIG;
        c->policy.other_flow_up = flag;
    } else {
        return SIPREG_E_NOT_FOUND;
    }
    return 0;
}

int sipreg_config_add_contact(struct sipreg_config *c, const char *uri, int64_t expires, int q) {
    if (!c) return SIPREG_E_INVAL;
    if (c->ncontacts >= SIPREG_MAX_CONTACTS) return SIPREG_E_LIMIT;
    if (expires < -1 || expires > 0xffffffffLL || q < -1 || q > 1000) return SIPREG_E_CONFIG;
    struct sipreg_contact_spec *s = &c->contacts[c->ncontacts++];
    s->uri = uri && *uri ? uri : NULL;
    s->expires = expires;
    s->q = q;
    return 0;
}
