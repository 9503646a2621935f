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

/* Index of `v` in a packed name list ("a\0b\0...\0": sipreg__nth), ignoring ASCII case, or -1. */
static int one_of(const char *v, const char *names) {
    for (int i = 0; *names; names += strlen(names) + 1, i++)
        if (sipreg__ieq_lit(sipreg__cstr(v), names)) return i;
    return -1;
}

/* What a key sets: a string, an int64 or int in a range, an int from a list of names, a flag. */
enum { K_STR, K_I64, K_INT, K_ENUM, K_FLAG };

/* The value ranges of K_I64 / K_INT keys (seconds unless named _ms). RFC 3261 §10.2.1: expiry
 * values up to 2^32-1; udp-max a message's size (§18.1.1); alternates up to 20 servers (RFC 3263
 * §4.3); reg-id RFC 5626 §11.4. */
static const int64_t RANGES[][2] = {{0, 0xffffffffLL}, {1, 0xffffffffLL}, {0, SIPREG_MAX_MESSAGE},
                                    {0, 20},           {1, 0x7fffffff},   {0, 10}};

/* The names of K_ENUM keys' values, packed (value = index + the base of the key's row). */
#define TRANSPORT_NAME(id, value, name) name "\0" /* the list's order is its values, from WS */
static const char *const CHOICES[] = {"configured\0aor\0multicast\0",
                                      SIPREG_TRANSPORT_LIST(TRANSPORT_NAME),
                                      "never\0auto\0always\0", "options\0host\0none\0"};
#undef TRANSPORT_NAME

/* Every key: name, field, kind, and the index in RANGES (K_I64, K_INT) or CHOICES (K_ENUM, with
 * the base in the high nibble). One table instead of a chain of comparisons (the wasm's size). */
#define CONFIG_KEYS(X)                                                                             \
    X("aor", aor, K_STR, 0)                                                                        \
    X("registrar", registrar, K_STR, 0)                                                            \
    X("username", username, K_STR, 0)                                                              \
    X("password", password, K_STR, 0)                                                              \
    X("ha1", ha1, K_STR, 0)                                                                        \
    X("instance", instance_id, K_STR, 0)                                                           \
    X("via-host", via_host, K_STR, 0)                                                              \
    X("user-agent", user_agent, K_STR, 0)                                                          \
    X("supported", supported, K_STR, 0)                                                            \
    X("extra-headers", extra_headers, K_STR, 0)                                                    \
    X("from", from, K_STR, 0)                                                                      \
    X("route", route, K_STR, 0)                                                                    \
    X("allow", allow, K_STR, 0)                                                                    \
    X("accept", accept, K_STR, 0)                                                                  \
    X("expires", expires, K_I64, 0)                                                                \
    X("t1-ms", policy.t1_ms, K_I64, 1)                                                             \
    X("t2-ms", policy.t2_ms, K_I64, 1)                                                             \
    X("refresh-margin", policy.refresh_margin_s, K_I64, 1)                                         \
    X("short-margin", policy.short_margin_s, K_I64, 1)                                             \
    X("retry-base", policy.base_s, K_I64, 1)                                                       \
    X("retry-base-up", policy.base_up_s, K_I64, 1)                                                 \
    X("retry-max", policy.max_s, K_I64, 1)                                                         \
    X("max-retry-after", policy.max_retry_after_s, K_I64, 1)                                       \
    X("keepalive-s", policy.keepalive_s, K_I64, 1)                                                 \
    X("pong-timeout-ms", policy.pong_timeout_ms, K_I64, 1)                                         \
    X("min-grant", policy.min_grant_s, K_I64, 1)                                                   \
    X("probe-s", policy.probe_s, K_I64, 1)                                                         \
    X("command-ms", policy.command_ms, K_I64, 1)                                                   \
    X("udp-max", policy.udp_max, K_I64, 2)                                                         \
    X("alternates", policy.alternates, K_I64, 3)                                                   \
    X("max-redirects", policy.max_redirects, K_INT, 3)                                             \
    X("reg-id", reg_id, K_INT, 4)                                                                  \
    X("max-auth-retries", policy.max_auth_retries, K_INT, 5)                                       \
    X("discovery", discovery, K_ENUM, 0)                                                           \
    X("transport", transport, K_ENUM, 1 | SIPREG_TP_WS << 4)                                       \
    X("keepalive", policy.keepalive, K_ENUM, 2)                                                    \
    X("probe", policy.probe, K_ENUM, 3)                                                            \
    X("retry-credentials", policy.retry_credentials, K_FLAG, 0)                                    \
    X("outbound", outbound, K_FLAG, 0)                                                             \
    X("manual-refresh", policy.manual_refresh, K_FLAG, 0)                                          \
    X("other-flow-up", policy.other_flow_up, K_FLAG, 0)

#define KEY_NAME(name, field, kind, arg) name "\0"
static const char KEY_NAMES[] = CONFIG_KEYS(KEY_NAME);
#undef KEY_NAME
#define KEY_ROW(name, field, kind, arg)                                                            \
    {(uint16_t)offsetof(struct sipreg_config, field), kind, arg},
static const struct {
    uint16_t off;
    uint8_t kind, arg;
} KEYS[] = {CONFIG_KEYS(KEY_ROW)};
#undef KEY_ROW

int sipreg_config_set(struct sipreg_config *c, const char *key, const char *value) {
    if (!c || !key || !value) return SIPREG_E_INVAL;
    int i = one_of(key, KEY_NAMES);
    /* the string and int64 keys match ignoring case, the others exactly */
    if (i < 0 || (KEYS[i].kind > K_I64 && strcmp(key, sipreg__nth(KEY_NAMES, (size_t)i))))
        return SIPREG_E_NOT_FOUND;
    void *field = (char *)c + KEYS[i].off;
    const unsigned kind = KEYS[i].kind, arg = KEYS[i].arg;
    int64_t v;
    int n;
    if (kind == K_STR) {
        *(const char **)field = value;
        return 0;
    }
    if (kind == K_I64 || kind == K_INT) {
        if (parse_int(value, RANGES[arg][0], RANGES[arg][1], &v) < 0) return SIPREG_E_CONFIG;
        if (kind == K_I64) {
            *(int64_t *)field = v;
            return 0;
        }
        n = (int)v;
    } else if (kind == K_ENUM) {
        if ((n = one_of(value, CHOICES[arg & 15])) < 0) return SIPREG_E_CONFIG;
        n += (int)(arg >> 4);
    } else if (parse_flag(value, &n) < 0) {
        return SIPREG_E_CONFIG;
    }
    *(int *)field = n;
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
#if defined SIPREG_NO_MULTICAST || defined SIPREG_NO_STUN
    /* the browser build (WebSocket only) leaves out multicast discovery (RFC 3261 §10.2.6) and
     * STUN keep-alives (RFC 5626 §4.4.2, UDP only): a configuration asking for them is refused */
    const char *lacks = NULL;
#ifdef SIPREG_NO_MULTICAST
    if (cfg->discovery == SIPREG_DISCOVER_MULTICAST)
        lacks = "discovery multicast (RFC 3261 §10.2.6)";
#endif
#ifdef SIPREG_NO_STUN
    if (cfg->transport == SIPREG_TP_UDP && cfg->policy.keepalive != SIPREG_KA_NEVER)
        lacks = "keepalive auto or always over UDP (STUN keep-alives, RFC 5626 §4.4.2)";
#endif
    if (lacks) {
        sipreg__putc(b, lacks);
        sipreg__putl(b, " is not in this build (the browser's: WebSocket only)");
        return done(b);
    }
#endif
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
