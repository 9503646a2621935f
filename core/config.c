/* config.c — set configuration fields by name (for hosts that speak strings: the wasm shim, the
 * scenario scripts, the CLI). Values are NUL-terminated strings the caller keeps alive until
 * sipreg_new() has copied them. */
#include "reg_internal.h"

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
                                       "supported", "extra-headers", "from",     "route",
                                       "allow",     "accept",        NULL};
    const char **fields[] = {&c->aor,       &c->registrar,     &c->username, &c->password,
                             &c->ha1,       &c->instance_id,   &c->via_host, &c->user_agent,
                             &c->supported, &c->extra_headers, &c->from,     &c->route,
                             &c->allow,     &c->accept};
    int i = one_of(key, KEYS);
    return i < 0 ? NULL : fields[i];
}

/* Integer-valued policy keys (seconds unless named _ms), with their ranges. */
static int64_t *int_field(struct sipreg_config *c, const char *key, int64_t *lo, int64_t *hi) {
    static const char *const KEYS[] = {"expires",
                                       "t1-ms",
                                       "t2-ms",
                                       "refresh-margin",
                                       "short-margin",
                                       "retry-base",
                                       "retry-base-up",
                                       "retry-max",
                                       "max-retry-after",
                                       "keepalive-s",
                                       "pong-timeout-ms",
                                       "min-grant",
                                       "probe-s",
                                       "command-ms",
                                       "udp-max",
                                       "alternates",
                                       NULL};
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
                         &c->policy.command_ms,
                         &c->policy.udp_max,
                         &c->policy.alternates};
    int i = one_of(key, KEYS);
    *lo = i == 0 || i >= 14 ? 0 : 1;
    /* RFC 3261 §10.2.1: expiry values up to 2^32-1; udp-max a message's size (§18.1.1);
     * alternates up to 20 servers (RFC 3263 §4.3) */
    *hi = i == 14 ? SIPREG_MAX_MESSAGE : i == 15 ? 20 : 0xffffffffLL;
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
#define TRANSPORT_NAME(id, value, name) name, /* the list's order is its values, from WS */
        static const char *const T[] = {SIPREG_TRANSPORT_LIST(TRANSPORT_NAME) NULL};
#undef TRANSPORT_NAME
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
    } else if (!strcmp(key, "retry-credentials")) {
        if (parse_flag(value, &flag) < 0) return SIPREG_E_CONFIG;
        c->policy.retry_credentials = flag;
    } else if (!strcmp(key, "max-redirects")) {
        if (parse_int(value, 0, 20, &v) < 0) return SIPREG_E_CONFIG;
        c->policy.max_redirects = (int)v;
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

/* ---------------------------------------------------------------------------------------- */
/* Configuration problems: one sentence per refusal of sipreg_new                          */
/* ---------------------------------------------------------------------------------------- */

static char problem[400]; /* the last sentence (documented as static storage) */

/* Start a sentence. */
static struct sipreg__buf say(void) {
    struct sipreg__buf b = {problem, sizeof problem - 1, 0};
    return b;
}

/* Append a value in quotes, cut at 80 bytes. */
static void quoted(struct sipreg__buf *b, const char *v) {
    size_t n = v ? strlen(v) : 0;
    sipreg__putl(b, "\"");
    sipreg__put(b, v ? v : "", n > 80 ? 80 : n);
    sipreg__putc(b, n > 80 ? "...\"" : "\"");
}

/* End the sentence: NUL-terminate what fits. */
static const char *done(struct sipreg__buf *b) {
    problem[b->len < b->cap ? b->len : b->cap] = 0;
    return problem;
}

const char *sipreg__contacts_problem(const struct sipreg_contact_spec *c, size_t n) {
    struct sipreg__buf b = say();
    size_t live = 0;
    if (n > SIPREG_MAX_CONTACTS) {
        sipreg__putl(&b, "at most ");
        sipreg__putu(&b, SIPREG_MAX_CONTACTS);
        sipreg__putl(&b, " contacts, got ");
        sipreg__putu(&b, n);
        return done(&b);
    }
    for (size_t i = 0; i < n; i++) {
        struct sipreg_uri u;
        const char *what = NULL;
        /* §10.2.1: a Contact may be any URI scheme, but it must parse */
        if (c[i].uri && sipreg_uri_parse(&u, c[i].uri, strlen(c[i].uri), NULL) < 0)
            what = "URI does not parse: ";
        else if (c[i].uri && strpbrk(c[i].uri, "\r\n"))
            what = "URI must be one line (no CR or LF)";
        else if (c[i].q > 1000 || c[i].q < -1)
            what = "q must be 0..1000 thousandths (q=0.000..1.000, RFC 3261 §20.10), got ";
        else if (c[i].expires < -1 || c[i].expires > 0xffffffffLL)
            what = "expires must be 0..4294967295 s (RFC 3261 §10.2.1), got ";
        if (what) {
            sipreg__putl(&b, "contact ");
            sipreg__putu(&b, i);
            sipreg__putl(&b, ": ");
            sipreg__putc(&b, what);
            if (what[0] == 'U' && what[4] == 'd') quoted(&b, c[i].uri);
            if (what[0] == 'q') sipreg__puti(&b, c[i].q);
            if (what[0] == 'e') sipreg__puti(&b, c[i].expires);
            return done(&b);
        }
        live += c[i].expires != 0;
    }
    if (n && !live)
        return "every contact has expires 0: nothing would stay registered (a contact with expires "
               "0 is a one-shot removal; unregister() removes bindings)";
    return NULL;
}

/* 1 when s has no CR/LF (values that go into a header line). */
static int one_line(const char *s) { return !s || !strpbrk(s, "\r\n"); }

/* The URIs: the AOR, the registrar, From and the outbound proxy (Route). */
static const char *uris_problem(const struct sipreg_config *cfg, struct sipreg__buf *b) {
    struct sipreg_uri u;
    /* §10.2: the AOR in To MUST be a SIP or SIPS URI */
    if (sipreg_uri_parse(&u, cfg->aor, strlen(cfg->aor), NULL) < 0 ||
        (u.scheme != SIPREG_SCHEME_SIP && u.scheme != SIPREG_SCHEME_SIPS)) {
        sipreg__putl(b, "aor must be a sip: or sips: URI (RFC 3261 §10.2), got ");
        quoted(b, cfg->aor);
        return done(b);
    }
    if (cfg->discovery == SIPREG_DISCOVER_CONFIGURED && cfg->registrar && cfg->registrar[0] &&
        (sipreg_uri_parse(&u, cfg->registrar, strlen(cfg->registrar), NULL) < 0 ||
         (u.scheme != SIPREG_SCHEME_SIP && u.scheme != SIPREG_SCHEME_SIPS) || u.has_user)) {
        sipreg__putl(b, "registrar must be a sip: or sips: URI without a user part (RFC 3261 "
                        "§10.2), got ");
        quoted(b, cfg->registrar);
        return done(b);
    }
    /* §10.2: From (third party) names the one responsible; §8.1.2: the outbound proxy goes
     * into a Route header: SIP or SIPS URIs (a Route without URI headers) */
    const char *uris[] = {cfg->from, cfg->route};
    for (int i = 0; i < 2; i++)
        if (uris[i] && (sipreg_uri_parse(&u, uris[i], strlen(uris[i]), NULL) < 0 ||
                        (u.scheme != SIPREG_SCHEME_SIP && u.scheme != SIPREG_SCHEME_SIPS) ||
                        (i && u.headers.len))) {
            sipreg__putc(b, i ? "route (the outbound proxy, RFC 3261 §8.1.2)"
                              : "from (RFC 3261 §10.2)");
            sipreg__putl(b, " must be a sip: or sips: URI, got ");
            quoted(b, uris[i]);
            return done(b);
        }
    return NULL;
}

/* The transport, expires, reg-id, and the strings that go into header lines. */
static const char *values_problem(const struct sipreg_config *cfg, struct sipreg__buf *b) {
    if (cfg->transport < SIPREG_TP_WS || cfg->transport > SIPREG_TP_TLS) {
        sipreg__putl(b, "transport must be ws, wss, udp, tcp or tls, got ");
        sipreg__puti(b, cfg->transport);
        return done(b);
    }
    if (cfg->expires < 1 || cfg->expires > 0xffffffffLL) {
        sipreg__putc(b, cfg->expires < 1 ? "expires must be at least 1 s, got "
                                         : "expires must be at most 4294967295 s, got ");
        sipreg__puti(b, cfg->expires);
        if (cfg->expires == 0) sipreg__putl(b, " (unregister() removes bindings)");
        return done(b);
    }
    if (cfg->reg_id < 1 || cfg->reg_id > 0x7fffffff) {
        sipreg__putl(b, "reg-id must be 1..2147483647 (RFC 5626 §4.2), got ");
        sipreg__puti(b, cfg->reg_id);
        return done(b);
    }
    static const char *const LINES[] = {"aor",      "username", "user-agent", "supported",
                                        "instance", "via-host", "allow",      "accept"};
    const char *vals[] = {cfg->aor,         cfg->username, cfg->user_agent, cfg->supported,
                          cfg->instance_id, cfg->via_host, cfg->allow,      cfg->accept};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        if (!one_line(vals[i])) {
            sipreg__putc(b, LINES[i]);
            sipreg__putl(b, " must be one line (no CR or LF): it goes into a header");
            return done(b);
        }
    return NULL;
}

/* The timers and retry bounds. */
static const char *policy_problem(const struct sipreg_policy *p, struct sipreg__buf *b) {
    if (p->t1_ms <= 0 || p->t2_ms < p->t1_ms) {
        sipreg__putc(b, p->t1_ms <= 0 ? "t1-ms must be above 0, got "
                                      : "t2-ms must be at least "
                                        "t1-ms, got ");
        sipreg__puti(b, p->t1_ms <= 0 ? p->t1_ms : p->t2_ms);
        return done(b);
    }
    if (p->base_s <= 0 || p->max_s < p->base_s) {
        sipreg__putc(b, p->base_s <= 0 ? "retry-base must be above 0 s, got "
                                       : "retry-max must be at least retry-base, got ");
        sipreg__puti(b, p->base_s <= 0 ? p->base_s : p->max_s);
        return done(b);
    }
    if (p->max_redirects < 0) {
        sipreg__putl(b, "max-redirects must be 0 or more, got ");
        sipreg__puti(b, p->max_redirects);
        return done(b);
    }
    return NULL;
}

const char *sipreg_config_problem(const struct sipreg_config *cfg) {
    struct sipreg__buf b = say();
    if (!cfg) return "no configuration";
    if (!cfg->aor) return "aor is required (the address-of-record, e.g. sip:alice@example.com)";
    const char *why = uris_problem(cfg, &b);
    if (!why) why = sipreg__contacts_problem(cfg->contacts, cfg->ncontacts);
    if (!why) why = values_problem(cfg, &b);
    if (!why) why = policy_problem(&cfg->policy, &b);
    return why;
}
