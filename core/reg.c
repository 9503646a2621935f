/* reg.c — the registration object: made from a configuration (sipreg_new: strings copied into
 * one block, the instance URN, Via host, Call-ID and From tag drawn from the PRNG), freed, and
 * its contact list (sipreg_set_contacts). Commands and timers are in reg_sched.c, the flow in
 * reg_flow.c, responses in reg_response.c, what goes out (messages, events, views) in
 * reg_output.c. RFC 3261 §10.2, RFC 5626 §4. */
#include "reg_internal.h"

#include <stdlib.h>

/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                            */
/* ---------------------------------------------------------------------------------------- */

void sipreg_config_init(struct sipreg_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->discovery = SIPREG_DISCOVER_CONFIGURED;
    cfg->reg_id = 1;
    cfg->outbound = 1;
    cfg->expires = 600;
    cfg->transport = SIPREG_TP_WS;
    cfg->policy.t1_ms = 500;           /* RFC 3261 §17.1.1.1 */
    cfg->policy.t2_ms = 4000;          /* RFC 3261 §17.1.2.2 */
    cfg->policy.refresh_margin_s = 32; /* = Timer F: a refresh that times out still lands */
    cfg->policy.short_margin_s = 5;
    cfg->policy.base_s = 30; /* RFC 5626 §4.5 defaults */
    cfg->policy.base_up_s = 90;
    cfg->policy.max_s = 300; /* RFC 5626 §4.5 max-time is configurable (1800 s there): a
                              * short outage must not cost a user half an hour */
    cfg->policy.max_retry_after_s = 86400;
    cfg->policy.max_auth_retries = 2;
    cfg->policy.min_grant_s = 30;
    cfg->policy.keepalive = SIPREG_KA_AUTO;
    cfg->policy.keepalive_s = 120;       /* RFC 5626 §4.4.1: 95..120 s without Flow-Timer */
    cfg->policy.pong_timeout_ms = 10000; /* RFC 5626 §4.4.1 */
    cfg->policy.probe = SIPREG_PROBE_OPTIONS;
    cfg->policy.probe_s = 30;          /* probe a silent flow (no outbound) after U[24, 30] s */
    cfg->policy.retry_credentials = 0; /* rejected credentials stop (account lock-outs) */
    cfg->policy.max_redirects = 5;     /* 3xx followed per attempt (RFC 3261 §8.1.3.4) */
    cfg->policy.command_ms = 32000;    /* = Timer F: an unregister's bound without a flow */
    cfg->policy.alternates = 0;        /* RFC 3263 §4.3 failover: the host's server list */
    cfg->policy.udp_max = 1300;        /* RFC 3261 §18.1.1: larger requests go over TCP */
}

/* Defaults of the string settings (RFC 3327 path, RFC 5627 gruu, RFC 5626 outbound). */
#define DEFAULT_USER_AGENT "sipreg/" SIPREG_VERSION
#define DEFAULT_SUPPORTED "path, gruu, outbound"
#define DEFAULT_SUPPORTED_NO_OUTBOUND "path, gruu"
/* Allow and Accept of our responses (RFC 3261 §20.5, §20.1): without a call stack on the flow the
 * core handles only OPTIONS itself */
#define DEFAULT_ALLOW "OPTIONS"
#define DEFAULT_ACCEPT "application/sdp"
/* "urn:uuid:" and the 36 characters of a UUID (RFC 4122 §3). */
#define URN_UUID_LEN (9 + 36)
/* A generated Via host: random characters, then ".invalid" (RFC 7118 §5). */
#define VIA_RANDOM_LEN 12
#define VIA_HOST_LEN (VIA_RANDOM_LEN + 8)
/* The most a derived Request-URI or digest user adds to the AOR's length, its NUL included. */
#define DERIVED_EXTRA 8

/* Total length of the strings we copy (each NUL-terminated in r->strings), defaults included. */
static size_t config_strings_len(const struct sipreg_config *c) {
    const char *s[] = {c->aor,
                       c->registrar,
                       c->username,
                       c->password,
                       c->ha1,
                       c->instance_id,
                       c->extra_headers,
                       c->via_host,
                       c->from,
                       c->route,
                       c->user_agent ? c->user_agent : DEFAULT_USER_AGENT,
                       c->supported ? c->supported : DEFAULT_SUPPORTED,
                       c->allow ? c->allow : DEFAULT_ALLOW,
                       c->accept ? c->accept : DEFAULT_ACCEPT};
    size_t n = 0;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        n += (s[i] ? strlen(s[i]) : 0) + 1;
    /* what we derive: the Request-URI and digest user from the AOR, a generated instance URN
     * and Via host (each NUL-terminated), ";lr" on the route */
    return n + 2 * (strlen(c->aor) + DERIVED_EXTRA) + URN_UUID_LEN + 1 + VIA_HOST_LEN + 1 + 3;
}

/* Copy s into the string block at *pos and return its view. */
static struct sipreg_str copy_str(struct sipreg *r, size_t *pos, const char *s, size_t n) {
    char *dst = r->strings + *pos;
    if (n) memcpy(dst, s, n);
    dst[n] = 0;
    *pos += n + 1;
    return sipreg__str(dst, n);
}

/* Request-URI per RFC 3261 §10.2.6: configured registrar, else "sip:" + AOR host[:port], or
 * the multicast "all SIP servers" name sip.mcast.net. */
static int derive_ruri(struct sipreg *r, size_t *pos, const struct sipreg_config *cfg,
                       const struct sipreg_uri *aor) {
    struct sipreg_uri u;
#ifndef SIPREG_NO_MULTICAST
    if (cfg->discovery == SIPREG_DISCOVER_MULTICAST) {
        r->ruri = copy_str(r, pos, "sip:sip.mcast.net", 17);
        return 0;
    }
#endif
    if (cfg->discovery == SIPREG_DISCOVER_CONFIGURED && cfg->registrar && cfg->registrar[0]) {
        if (sipreg_uri_parse(&u, cfg->registrar, strlen(cfg->registrar), NULL) < 0 ||
            (u.scheme != SIPREG_SCHEME_SIP && u.scheme != SIPREG_SCHEME_SIPS) || u.has_user)
            return SIPREG_E_CONFIG; /* §10.2: no userinfo in the Request-URI */
        r->ruri = copy_str(r, pos, cfg->registrar, strlen(cfg->registrar));
        return 0;
    }
    /* "sip:carol@chicago.com" registers at "sip:chicago.com" (§10.2.6); keep sips */
    char tmp[SIPREG__AOR_DERIVED_MAX];
    struct sipreg__buf b = {tmp, sizeof tmp, 0};
    sipreg__putc(&b, aor->scheme == SIPREG_SCHEME_SIPS ? "sips:" : "sip:");
    sipreg__puts(&b, aor->host);
    if (aor->port >= 0) {
        sipreg__putc(&b, ":");
        sipreg__puti(&b, aor->port);
    }
    if (sipreg__overflow(&b)) return SIPREG_E_CONFIG;
    r->ruri = copy_str(r, pos, tmp, b.len);
    return 0;
}

/* Build our Contact list into one allocation (generated URIs per RFC 7118 §5). */
static int set_contact_list(struct sipreg *r, const struct sipreg_contact_spec *c, size_t n,
                            const struct sipreg__contact *keep, size_t nkeep) {
    /* generated URIs first, so that the allocation has their exact size (memory per
     * registration); the PRNG's draws keep their order: contact by contact */
    char gen[SIPREG_MAX_CONTACTS][SIPREG__GEN_URI_MAX];
    size_t gen_len[SIPREG_MAX_CONTACTS] = {0};
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].uri) {
            /* a random user at the flow's address (sipreg_set_flow), or at a random ".invalid"
             * host (RFC 7118 §5: the registrar reaches us over the flow, not at this address) */
            struct sipreg__buf b = {gen[i], SIPREG__GEN_URI_MAX, 0};
            char user[SIPREG__GEN_USER_LEN];
            sipreg_prng_token(&r->prng, user, sizeof user);
            sipreg__generated_uri(r, &b, user, sizeof user);
            gen_len[i] = b.len;
        }
        total += (c[i].uri ? strlen(c[i].uri) : gen_len[i]) + 1;
    }
    for (size_t i = 0; i < nkeep; i++)
        total += keep[i].uri.len + 1;
    /* one allocation: the contacts, then their URIs (memory per registration: most have one) */
    size_t head = (n + nkeep) * sizeof(struct sipreg__contact);
    struct sipreg__contact *block = malloc(head + total);
    if (!block) return SIPREG_E_NOMEM;
    char *text = (char *)block + head;
    struct sipreg__contact list[SIPREG_MAX_CONTACTS * 2];
    size_t pos = 0, count = 0;
    for (size_t i = 0; i < n; i++) {
        struct sipreg__contact *ct = &list[count++];
        memset(ct, 0, sizeof *ct);
        char *dst = text + pos;
        if (c[i].uri) {
            size_t len = strlen(c[i].uri);
            memcpy(dst, c[i].uri, len + 1); /* with its NUL: sipreg_set_flow reads it back */
            ct->uri = sipreg__str(dst, len);
        } else {
            memcpy(dst, gen[i], gen_len[i]);
            dst[gen_len[i]] = 0;
            ct->uri = sipreg__str(dst, gen_len[i]);
            ct->generated = 1;
        }
        pos += ct->uri.len + 1;
        ct->expires = c[i].expires;
        ct->q = c[i].q;
        ct->expires_at = SIPREG_NEVER;
        /* expires 0 among live contacts: a one-shot removal (§10.2.2), sent once with
         * expires=0 and dropped after the 2xx, never a binding we expect back */
        ct->removing = c[i].expires == 0;
    }
    for (size_t i = 0; i < nkeep; i++) {
        struct sipreg__contact *ct = &list[count++];
        *ct = keep[i];
        memcpy(text + pos, keep[i].uri.p, keep[i].uri.len);
        text[pos + keep[i].uri.len] = 0;
        ct->uri = sipreg__str(text + pos, keep[i].uri.len);
        ct->removing = 1;
        ct->pub_len = ct->temp_len = 0;
        pos += ct->uri.len + 1;
    }
    /* the instance carrier: the previous carrier if it stays, else the first contact that is new
     * to the registrar, else none (RFC 5626 §4.2.2: a binding keeps its instance and reg-id) */
    if (count) {
        long carrier = -1, fresh = -1;
        for (size_t i = 0; i < n; i++) {
            int was = 0, known = 0;
            for (size_t j = 0; j < r->ncontacts && r->contact_text; j++) {
                struct sipreg_uri a, b;
                if (sipreg_uri_parse(&a, list[i].uri.p, list[i].uri.len, NULL) == 0 &&
                    sipreg_uri_parse(&b, r->contacts[j].uri.p, r->contacts[j].uri.len, NULL) == 0 &&
                    sipreg_uri_equal(&a, &b) == 1) {
                    known = 1;
                    was |= r->contacts[j].carrier && !r->contacts[j].removing;
                }
            }
            if (list[i].removing) continue; /* a one-shot removal carries no flow */
            if (was && carrier < 0) carrier = (long)i;
            if (!known && fresh < 0) fresh = (long)i;
        }
        if (!r->contact_text) /* the first list: its first live contact */
            for (size_t i = 0; i < n && carrier < 0; i++)
                if (!list[i].removing) carrier = (long)i;
        if (carrier < 0) carrier = fresh;
        if (carrier >= 0) list[carrier].carrier = 1;
    }
    memcpy(block, list, count * sizeof list[0]);
    free(r->contacts);
    r->contacts = block;
    r->contact_text = text;
    r->contacts_size = head + total;
    r->ncontacts = count;
    return 0;
}

/* The scalar settings and the schedule's "nothing yet". */
static void init_scalars(struct sipreg *r, const struct sipreg_config *cfg) {
    sipreg_prng_init(&r->prng, cfg->seed);
    r->pol = cfg->policy;
    r->transport = cfg->transport;
    r->discovery = cfg->discovery;
    r->outbound = cfg->outbound;
    r->reg_id = cfg->reg_id;
    r->requested = cfg->expires;
    r->granted = -1;
    r->refresh_at = r->expires_at = r->retry_at = r->timer_f = r->timer_e = SIPREG_NEVER;
    r->ping_at = r->pong_deadline = r->connect_at = r->unreg_until = SIPREG_NEVER;
    r->stun_retx_at = SIPREG_NEVER;
}

/* The digest user, the credentials and the header values, copied into r->strings at *pos. */
static void copy_settings(struct sipreg *r, size_t *pos, const struct sipreg_config *cfg,
                          const struct sipreg_uri *aor) {
    /* digest user defaults to the user part of the one responsible: `from` (third-party
     * registration, §10.2; sipreg_config_problem checked it), else the AOR */
    struct sipreg_uri who;
    if (!cfg->from || sipreg_uri_parse(&who, cfg->from, strlen(cfg->from), NULL) < 0 ||
        !who.user.len)
        who = *aor;
    r->user = cfg->username ? copy_str(r, pos, cfg->username, strlen(cfg->username))
                            : copy_str(r, pos, who.user.p, who.user.len);
    /* without outbound we must not advertise it: registrars key RFC 5626 handling on it */
    const char *src[] = {cfg->password,
                         cfg->ha1,
                         cfg->user_agent ? cfg->user_agent : DEFAULT_USER_AGENT,
                         cfg->supported  ? cfg->supported
                         : cfg->outbound ? DEFAULT_SUPPORTED
                                         : DEFAULT_SUPPORTED_NO_OUTBOUND,
                         cfg->extra_headers,
                         cfg->from,
                         cfg->allow ? cfg->allow : DEFAULT_ALLOW,
                         cfg->accept ? cfg->accept : DEFAULT_ACCEPT,
                         cfg->route};
    struct sipreg_str allow, accept; /* follow `from` in r->strings: sipreg__allow, __accept */
    struct sipreg_str *dst[] = {&r->password, &r->ha1, &r->user_agent, &r->supported, &r->extra,
                                &r->from,     &allow,  &accept,        &r->route};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) /* NULL: empty */
        *dst[i] = copy_str(r, pos, src[i] ? src[i] : "", src[i] ? strlen(src[i]) : 0);
    /* §8.1.2, §16.12.1.1: the outbound proxy is a loose router: its URI carries ;lr (the last
     * string copied: the room for ";lr" follows it) */
    if (r->route.len && (sipreg_uri_parse(&who, r->route.p, r->route.len, NULL) < 0 ||
                         sipreg_uri_param(&who, "lr", NULL, NULL) != 1)) {
        memcpy((char *)r->route.p + r->route.len, ";lr", 4);
        r->route.len += 3;
        *pos += 3;
    }
}

/* The instance URN: configured, or (outbound) a UUID URN from the PRNG (RFC 5626 §4.1, RFC
 * 4122 version 4 layout); none without outbound. */
static void make_instance(struct sipreg *r, size_t *pos, const struct sipreg_config *cfg) {
    if (cfg->instance_id) {
        r->instance = copy_str(r, pos, cfg->instance_id, strlen(cfg->instance_id));
        return;
    }
    if (!r->outbound) return;
    char urn[URN_UUID_LEN];
    struct sipreg__buf b = {urn, sizeof urn, 0};
    uint32_t w[4];
    for (int i = 0; i < 4; i++)
        w[i] = sipreg_prng_u32(&r->prng);
    w[1] = (w[1] & 0xffff0fffu) | 0x00004000u; /* version 4 */
    w[2] = (w[2] & 0x3fffffffu) | 0x80000000u; /* variant 10 */
    sipreg__putc(&b, "urn:uuid:");
    sipreg__puthex(&b, w[0], 8);
    sipreg__putc(&b, "-");
    sipreg__puthex(&b, w[1] >> 16, 4);
    sipreg__putc(&b, "-");
    sipreg__puthex(&b, w[1] & 0xffff, 4);
    sipreg__putc(&b, "-");
    sipreg__puthex(&b, w[2] >> 16, 4);
    sipreg__putc(&b, "-");
    sipreg__puthex(&b, w[2] & 0xffff, 4);
    sipreg__puthex(&b, w[3], 8);
    r->instance = copy_str(r, pos, urn, b.len);
}

/* The Via sent-by host: configured, or "<random>.invalid" (RFC 7118 §5). */
static void make_via_host(struct sipreg *r, size_t *pos, const struct sipreg_config *cfg) {
    if (cfg->via_host) {
        r->via_host = copy_str(r, pos, cfg->via_host, strlen(cfg->via_host));
        return;
    }
    char host[VIA_HOST_LEN];
    sipreg_prng_token(&r->prng, host, VIA_RANDOM_LEN);
    memcpy(host + VIA_RANDOM_LEN, ".invalid", VIA_HOST_LEN - VIA_RANDOM_LEN);
    r->via_host = copy_str(r, pos, host, VIA_HOST_LEN);
}

int sipreg_new(struct sipreg **out, const struct sipreg_config *cfg) {
    struct sipreg_uri aor;
    if (!out || !cfg || !cfg->aor) return SIPREG_E_INVAL;
    *out = NULL;
    /* §10.2: the AOR in To MUST be a SIP or SIPS URI (checked again below, with a sentence) */
    if (sipreg_uri_parse(&aor, cfg->aor, strlen(cfg->aor), NULL) < 0) return SIPREG_E_CONFIG;
    if (cfg->ncontacts > SIPREG_MAX_CONTACTS) return SIPREG_E_LIMIT;
    /* every other check in one place, with the sentence the host can show (config.c) */
    if (sipreg_config_problem(cfg)) return SIPREG_E_CONFIG;

    struct sipreg *r = calloc(1, sizeof *r);
    if (!r) return SIPREG_E_NOMEM;
    r->strings_len = config_strings_len(cfg);
    r->strings = malloc(r->strings_len);
    if (!r->strings) {
        free(r);
        return SIPREG_E_NOMEM;
    }
    init_scalars(r, cfg);
    size_t pos = 0;
    r->aor = copy_str(r, &pos, cfg->aor, strlen(cfg->aor));
    int err = derive_ruri(r, &pos, cfg, &aor);
    if (err < 0) {
        sipreg_free(r);
        return err;
    }
    copy_settings(r, &pos, cfg, &aor);
    /* the PRNG's draws in this order (a seed gives the same registration): instance, Via
     * host, Call-ID, From tag */
    make_instance(r, &pos, cfg);
    make_via_host(r, &pos, cfg);
    /* §10.2: one Call-ID for every registration of this boot cycle; §8.1.1.3 From tag */
    sipreg_prng_token(&r->prng, r->call_id, SIPREG__CALL_ID_LEN);
    sipreg_prng_token(&r->prng, r->from_tag, SIPREG__TAG_LEN);
    r->cseq = 0;

    struct sipreg_contact_spec one = {NULL, -1, -1};
    err = cfg->ncontacts ? set_contact_list(r, cfg->contacts, cfg->ncontacts, NULL, 0)
                         : set_contact_list(r, &one, 1, NULL, 0);
    if (err < 0) {
        sipreg_free(r);
        return err;
    }
    *out = r;
    return 0;
}

void sipreg_free(struct sipreg *r) {
    if (!r) return;
    free(r->strings);
    free(r->contacts);
    free(r->flow_host);
    free(r->stun_mapped);
    free(r->store);
    free(r->target);
    free(r->home);
    free(r->alts);
    free(r->auth[0]);
    free(r->auth[1]);
    free(r->events);
    sipreg__responses_drop(r);
    free(r);
}

size_t sipreg_memory(const struct sipreg *r) {
    return sizeof *r + r->strings_len + r->contacts_size + (r->store ? sizeof *r->store : 0) +
           (r->events ? SIPREG__EVENTS * sizeof *r->events : 0) + r->flow_host_len +
           (r->stun_mapped ? strlen(r->stun_mapped) + 1 : 0) + sipreg__extra_memory(r);
}

int sipreg__swap_contacts(struct sipreg *r, const struct sipreg_contact_spec *c, size_t n,
                          int remove_old) {
    /* atomic swap: every live binding of ours that the new list drops goes out with expires=0
     * in the same REGISTER that adds the new ones (§10.2.2 + §10.2.1) */
    struct sipreg__contact gone[SIPREG_MAX_CONTACTS];
    size_t ngone = 0;
    memset(gone, 0, sizeof gone);
    for (size_t i = 0; remove_old && i < r->ncontacts; i++) {
        const struct sipreg__contact *old = &r->contacts[i];
        struct sipreg_uri ou;
        int kept = 0;
        if (old->removing || sipreg_uri_parse(&ou, old->uri.p, old->uri.len, NULL) < 0) continue;
        for (size_t j = 0; j < n && !kept; j++) {
            struct sipreg_uri nu;
            kept = c[j].uri && sipreg_uri_parse(&nu, c[j].uri, strlen(c[j].uri), NULL) == 0 &&
                   sipreg_uri_equal(&ou, &nu) == 1;
        }
        if (!kept && ngone < SIPREG_MAX_CONTACTS) gone[ngone++] = *old;
    }
    return set_contact_list(r, c, n, gone, ngone);
}

int sipreg_set_contacts(struct sipreg *r, const struct sipreg_contact_spec *c, size_t n,
                        sipreg_ms now) {
    if (!r || (!c && n)) return SIPREG_E_INVAL;
    if (n == 0 || n > SIPREG_MAX_CONTACTS) return SIPREG_E_LIMIT;
    if (sipreg__contacts_problem(c, n)) return SIPREG_E_CONFIG;
    int registered = r->state == SIPREG_ST_REGISTERED || r->state == SIPREG_ST_REFRESHING;
    int err = sipreg__swap_contacts(r, c, n, registered);
    if (err < 0) return err;
    if (registered || r->op == SIPREG__OP_REGISTER)
        sipreg__start(r, SIPREG__OP_REGISTER, SIPREG_R_COMMAND, now);
    return 0;
}
