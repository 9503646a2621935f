/* reg_policy.c — the failure table: what a final non-2xx response to a REGISTER leads to
 * (RFC 3261 §8.1.3, §10.2.7, §21; RFC 5626 §4.2.1, §4.5). One static table, read by
 * sipreg__on_response (reg_response.c) and listed by sipreg_failure_rules for tests and docs;
 * and the handlers of its retrying rows: digest challenges (one cached challenge per kind, WWW
 * 401 and Proxy 407, so a proxy's 407 and the registrar's 401 are both answered, RFC 3261
 * §22.3; nonce reuse, RFC 7616 §3.4; rejected credentials told from an aged nonce), 3xx
 * (§8.1.3.4) and 420/421 (§20.40, §20.32). 423 and 439 stay in reg_response.c. */
#include "reg_internal.h"

#include <stdlib.h>

/* The failure table, X(lo, hi, action, why): most specific rows first; the first row that
 * contains a status applies. The class rows at the end follow RFC 3261 §8.1.3.2: an unknown
 * status is treated as the x00 of its class. The list expands into the full rows
 * (sipreg_failure_rules: tests, docs, the CLI) and into the compact table the state machine
 * reads (sipreg_failure_action), so a build that never lists the rules (the wasm) keeps no
 * `why` text (-0.6 KB gzipped). */
#define FAILURE_TABLE(X)                                                                           \
    X(401, 401, SIPREG_ACT_CHALLENGE, "401: answer WWW-Authenticate (RFC 3261 §22.2)")             \
    X(407, 407, SIPREG_ACT_CHALLENGE, "407: answer Proxy-Authenticate (RFC 3261 §22.3)")           \
    X(423, 423, SIPREG_ACT_INTERVAL, "423: ask again with Min-Expires (RFC 3261 §10.2.8)")         \
    X(439, 439, SIPREG_ACT_OUTBOUND,                                                               \
      "439: first hop lacks outbound, retry without reg-id (RFC 5626 §4.2.1)")                     \
    X(420, 421, SIPREG_ACT_EXTENSION,                                                              \
      "420/421: retry once without the named option tag (RFC 3261 §20.40 Unsupported, §20.32 "   \
      "Require)")                                                                                  \
    X(300, 302, SIPREG_ACT_REDIRECT,                                                               \
      "300-302: try the Contacts in q order (RFC 3261 §8.1.3.4, §21.3)")                           \
    X(400, 400, SIPREG_ACT_TERMINAL,                                                               \
      "400: the request is malformed; repeating it cannot help (RFC 3261 §21.4.1)")                \
    X(403, 405, SIPREG_ACT_TERMINAL,                                                               \
      "403/404/405: refused, no such user or no REGISTER here; do not repeat (RFC 3261 "           \
      "§21.4.4-§21.4.6)")                                                                          \
    X(484, 485, SIPREG_ACT_TERMINAL,                                                               \
      "484/485: the address is incomplete or ambiguous (RFC 3261 §21.4.22, §21.4.23)")             \
    X(604, 604, SIPREG_ACT_TERMINAL, "604: the user does not exist anywhere (RFC 3261 §21.6.3)")   \
    X(408, 408, SIPREG_ACT_TRANSIENT,                                                              \
      "408: no answer in time; retry later (RFC 3261 §21.4.9, RFC 5626 §4.5)")                     \
    X(480, 480, SIPREG_ACT_TRANSIENT,                                                              \
      "480: temporarily unavailable; Retry-After, else back off (RFC 3261 §21.4.18)")              \
    X(500, 500, SIPREG_ACT_TRANSIENT,                                                              \
      "500: server error; Retry-After, else back off (RFC 3261 §21.5.1)")                          \
    X(503, 504, SIPREG_ACT_TRANSIENT,                                                              \
      "503/504: overloaded or timed out upstream; Retry-After, else back off (RFC 3261 §21.5.4, " \
      "§21.5.5)")                                                                                  \
    X(300, 399, SIPREG_ACT_TERMINAL,                                                               \
      "other 3xx (305 Use Proxy, 380 Alternative Service): nothing to follow for a REGISTER "      \
      "(RFC 3261 §8.1.3.2, §21.3)")                                                                \
    X(400, 499, SIPREG_ACT_TERMINAL,                                                               \
      "other 4xx: treated as 400, the request will not succeed unmodified (RFC 3261 §8.1.3.2, "   \
      "§21.4)")                                                                                    \
    X(500, 599, SIPREG_ACT_TRANSIENT,                                                              \
      "other 5xx: treated as 500, the server may recover (RFC 3261 §8.1.3.2, §21.5)")              \
    X(600, 699, SIPREG_ACT_TRANSIENT,                                                              \
      "other 6xx: treated as 600, retry later (RFC 3261 §8.1.3.2, §21.6; 604 is terminal above)")

#define FULL_ROW(lo, hi, action, why) {lo, hi, action, why},
static const struct sipreg_failure_rule RULES[] = {FAILURE_TABLE(FULL_ROW)};
#undef FULL_ROW

/* The rows without their text: what sipreg_failure_action reads. */
static const struct {
    int16_t lo, hi;
    uint8_t action;
} ACTIONS[] = {
#define ACTION_ROW(lo, hi, action, why) {lo, hi, action},
    FAILURE_TABLE(ACTION_ROW)
#undef ACTION_ROW
};

const struct sipreg_failure_rule *sipreg_failure_rules(size_t *n) {
    if (n) *n = sizeof RULES / sizeof RULES[0];
    return RULES;
}

int sipreg_failure_action(int status) {
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (status >= ACTIONS[i].lo && status <= ACTIONS[i].hi) return ACTIONS[i].action;
    /* below 300 or above 699 is no failure status: a malformed code, treat as 500 (§8.1.3.2) */
    return SIPREG_ACT_TRANSIENT;
}

const char *sipreg_action_name(int action) {
    static const char *const N[] = {"transient", "terminal",  "challenge", "redirect",
                                    "interval",  "extension", "outbound"};
    return action >= 0 && (size_t)action < sizeof N / sizeof N[0] ? N[action] : "unknown";
}

/* ---------------------------------------------------------------------------------------- */
/* Per-attempt state                                                                        */
/* ---------------------------------------------------------------------------------------- */

void sipreg__new_attempt(struct sipreg *r) {
    r->interval_tries = 0;
    r->extension_tries = 0;
    r->redirects = 0;
    r->alt_tries = 0; /* RFC 3263 §4.3: failovers are counted per attempt */
    memset(r->visited, 0, sizeof r->visited);
    for (int k = 0; k < 2; k++) {
        if (!r->auth[k]) continue;
        r->auth[k]->tries = 0;
        r->auth[k]->fresh = 0;
    }
    /* RFC 3261 §21.3.3: a 302 holds for this request only; so do a 3xx's other Contacts */
    free(r->alts);
    r->alts = NULL;
    r->alts_len = 0;
    free(r->target);
    r->target = NULL;
    r->target_len = 0;
}

struct sipreg_str sipreg__ruri(const struct sipreg *r) {
    if (r->target_len) return sipreg__str(r->target, r->target_len);
    if (r->home_len) return sipreg__str(r->home, r->home_len); /* §21.3.2: moved for good */
    return r->ruri;
}

/* Copy s into *dst (allocated to size); 0 or SIPREG_E_NOMEM (then *dst is unchanged). No
 * realloc: the old bytes are never kept, and the wasm build then links no realloc (1.1 KB). */
static int keep_uri(char **dst, uint16_t *len, struct sipreg_str s) {
    char *p = malloc(s.len ? s.len : 1);
    if (!p) return SIPREG_E_NOMEM;
    memcpy(p, s.p, s.len);
    free(*dst);
    *dst = p;
    *len = (uint16_t)s.len;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* 3xx                                                                                      */
/* ---------------------------------------------------------------------------------------- */

/* FNV-1a of a target's text, never 0 (0 marks a free slot of r->visited). */
static uint32_t target_hash(struct sipreg_str s) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.p[i]) * 16777619u;
    return h ? h : 1;
}

/* 1 when the target was tried in this attempt; else remember it (when there is room). */
static int visited(struct sipreg *r, struct sipreg_str s, int remember) {
    uint32_t h = target_hash(s);
    for (size_t i = 0; i < SIPREG__VISITED; i++) {
        if (r->visited[i] == h) return 1;
        if (!r->visited[i]) {
            if (remember) r->visited[i] = h;
            return 0;
        }
    }
    return 0;
}

/* Go to target t (a 301: for good, else this attempt only): a new REGISTER with CSeq+1 and a
 * new branch (§8.1.3.4) and a redirect event. 0, or SIPREG_E_NOMEM (nothing changed). */
static int follow(struct sipreg *r, struct sipreg_str t, int status, int op, sipreg_ms now) {
    visited(r, sipreg__ruri(r), 1); /* before the current target's storage is replaced */
    int err = status == 301 ? keep_uri(&r->home, &r->home_len, t) /* §21.3.2: for good */
                            : keep_uri(&r->target, &r->target_len, t);
    if (err < 0) return err;
    if (status == 301) {
        free(r->target); /* a 301 after a 302 in one attempt: the permanent one applies */
        r->target = NULL;
        r->target_len = 0;
    }
    visited(r, t, 1);
    r->redirects++;
    struct sipreg_event *ev =
        sipreg__emit(r, SIPREG_EV_REDIRECT, SIPREG_R_REDIRECT, status, 0, SIPREG_NEVER, status == 301);
    /* the event's text is the new Request-URI (not the reason phrase) */
    if (ev) ev->text = sipreg__ruri(r);
    r->op = op;
    sipreg__restart(r, now);
    return 0;
}

/* 1 when t may be tried now: not where we are, not tried in this attempt. */
static int usable(struct sipreg *r, struct sipreg_str t) {
    struct sipreg_str cur = sipreg__ruri(r);
    return sipreg_uri_equal_str(t.p, t.len, cur.p, cur.len) != 1 && !visited(r, t, 0);
}

void sipreg__on_redirect(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now) {
    if (r->redirects >= r->pol.max_redirects) {
        /* a chain of redirects longer than the policy allows: a loop we did not see */
        sipreg__fail(r, op, SIPREG_R_REFUSED, m->status, SIPREG_E_LIMIT, -1, 1, now);
        return;
    }
    /* §8.1.3.4: the Contacts in q order, highest first, ties in the order given (no q = 1.0) */
    struct {
        struct sipreg_str uri;
        int q;
    } cand[SIPREG__ALTS + 1];
    size_t n = 0;
    struct sipreg_iter it;
    struct sipreg_contact c;
    size_t off;
    sipreg_iter_init(&it, m, SIPREG_H_CONTACT);
    while (sipreg_contact_next(&it, &c, &off) > 0) {
        struct sipreg_uri u;
        int q = c.q < 0 ? 1000 : c.q;
        if (c.star || !c.na.uri.len || c.na.uri.len > SIPREG__TARGET_MAX ||
            sipreg_uri_parse(&u, c.na.uri.p, c.na.uri.len, NULL) < 0 ||
            (u.scheme != SIPREG_SCHEME_SIP && u.scheme != SIPREG_SCHEME_SIPS) ||
            !usable(r, c.na.uri))
            continue;  /* a REGISTER goes to SIP registrars only (§10.2); loop guard */
        size_t at = n; /* insertion: after every candidate of the same or a higher q */
        while (at > 0 && cand[at - 1].q < q)
            at--;
        if (at > SIPREG__ALTS) continue; /* below the ones we keep */
        if (n <= SIPREG__ALTS) n++;
        for (size_t k = n - 1; k > at; k--)
            cand[k] = cand[k - 1];
        cand[at].uri = c.na.uri;
        cand[at].q = q;
    }
    /* the rest wait in r->alts, one per line, for a failure of the first (§8.1.3.4) */
    free(r->alts);
    r->alts = NULL;
    r->alts_len = 0;
    size_t total = 0;
    for (size_t k = 1; k < n; k++)
        total += cand[k].uri.len + 1;
    if (total && (r->alts = malloc(total)) != NULL) {
        for (size_t k = 1; k < n; k++) {
            memcpy(r->alts + r->alts_len, cand[k].uri.p, cand[k].uri.len);
            r->alts_len += (uint16_t)cand[k].uri.len;
            r->alts[r->alts_len++] = '\n';
        }
        r->alts_status = m->status;
    }
    int err = n ? follow(r, cand[0].uri, m->status, op, now) : SIPREG_E_NOT_FOUND;
    if (err < 0)
        sipreg__fail(r, op, SIPREG_R_REFUSED, m->status, err == SIPREG_E_NOMEM ? err : 0, -1,
                     err != SIPREG_E_NOMEM, now);
}

int sipreg__next_contact(struct sipreg *r, int op, sipreg_ms now) {
    while (r->alts_len && r->redirects < r->pol.max_redirects) {
        /* take the first line off (a copy: the list is rewritten below) */
        const char *nl = memchr(r->alts, '\n', r->alts_len);
        size_t len = nl ? (size_t)(nl - r->alts) : r->alts_len;
        char t[SIPREG__TARGET_MAX];
        memcpy(t, r->alts, len);
        size_t rest = r->alts_len - len - (nl != NULL);
        memmove(r->alts, r->alts + (r->alts_len - rest), rest);
        r->alts_len = (uint16_t)rest;
        struct sipreg_str ts = sipreg__str(t, len);
        if (len && usable(r, ts) && follow(r, ts, r->alts_status, op, now) == 0) return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* 420 / 421                                                                                */
/* ---------------------------------------------------------------------------------------- */

/* Rewrite r->supported without the option tags of `m`'s header `id` (in place: it only
 * shrinks). How many tags were dropped; *outbound set when "outbound" was one. */
static int drop_tags(struct sipreg *r, const struct sipreg_msg *m, int id, int *outbound) {
    char out[256];
    size_t n = 0;
    int dropped = 0;
    struct sipreg_str rest = r->supported;
    if (rest.len > sizeof out) return 0;
    while (rest.len) {
        const char *comma = memchr(rest.p, ',', rest.len);
        size_t len = comma ? (size_t)(comma - rest.p) : rest.len;
        struct sipreg_str tag = sipreg__trim(sipreg__str(rest.p, len));
        rest = comma ? sipreg__str(comma + 1, rest.len - len - 1) : sipreg__str(NULL, 0);
        int named = 0;
        struct sipreg_iter it;
        struct sipreg_str e;
        sipreg_iter_init(&it, m, id);
        while (!named && tag.len && sipreg_iter_next(&it, &e) == 1)
            named = sipreg__ieq(e, tag);
        if (named) {
            dropped++;
            *outbound |= sipreg__ieq_lit(tag, "outbound");
            continue;
        }
        if (!tag.len) continue;
        if (n) {
            memcpy(out + n, ", ", 2);
            n += 2;
        }
        memcpy(out + n, tag.p, tag.len);
        n += tag.len;
    }
    if (dropped) {
        if (n) memcpy((char *)r->supported.p, out, n);
        r->supported.len = n;
    }
    return dropped;
}

void sipreg__on_extension(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now) {
    int outbound = 0;
    /* §20.40: a 420 lists what it does not support in Unsupported; §20.32: a 421 lists in
     * Require what it wants from us. Either way, a tag we advertise is one we can stop using */
    int id = m->status == 420 ? SIPREG_H_UNSUPPORTED : SIPREG_H_REQUIRE;
    if (r->extension_tries >= 3 || !drop_tags(r, m, id, &outbound)) {
        sipreg__fail(r, op, SIPREG_R_REFUSED, m->status, 0, -1, 1, now);
        return;
    }
    if (outbound) r->outbound = 0; /* RFC 5626 §4.2.1: no reg-id or +sip.instance without it */
    r->extension_tries++;
    sipreg__emit(r, SIPREG_EV_RETRY, SIPREG_R_EXTENSION, m->status, 0, now, 0);
    r->op = op;
    sipreg__restart(r, now);
}

/* ---------------------------------------------------------------------------------------- */
/* 401 / 407                                                                                */
/* ---------------------------------------------------------------------------------------- */

void sipreg__auth_next(struct sipreg *r) {
    for (int k = 0; k < 2; k++) {
        struct sipreg__auth *a = r->auth[k];
        if (!a) continue;
        a->nc++;
        a->req_nc = a->nc;
        sipreg_prng_token(&r->prng, a->cnonce, sizeof a->cnonce);
    }
}

void sipreg__auth_drop(struct sipreg *r, int kind) {
    free(r->auth[kind]);
    r->auth[kind] = NULL;
}

int sipreg__auth_store(struct sipreg *r, const struct sipreg_challenge *ch) {
    if (ch->realm.len > SIPREG__REALM_MAX || ch->nonce.len > SIPREG__NONCE_MAX ||
        ch->opaque.len > SIPREG__OPAQUE_MAX)
        return SIPREG_E_LIMIT;
    int kind = ch->proxy != 0;
    /* H(A1) depends only on the credentials, the realm and the algorithm (RFC 7616 §3.4.2):
     * hashed once here, not for every REGISTER that answers this challenge */
    char ha1[2 * SIPREG__HASH_MAX + 1];
    size_t ha1_len =
        r->ha1.len ? 0 : sipreg__digest_ha1(ch->alg, r->user, ch->realm, 1, r->password, ha1);
    size_t text = ch->realm.len + ch->nonce.len + ch->opaque.len + ha1_len;
    int fresh = r->auth[kind] ? r->auth[kind]->fresh : 0;
    int tries = r->auth[kind] ? r->auth[kind]->tries : 0;
    /* a new block (ch never points into the old one): the old slot stays when memory is out */
    struct sipreg__auth *a = malloc(sizeof *a + (text ? text : 1));
    if (!a) return SIPREG_E_NOMEM;
    free(r->auth[kind]);
    r->auth[kind] = a;
    memset(a, 0, sizeof *a);
    a->fresh = fresh; /* per-attempt counters survive a new nonce of the same kind */
    a->tries = tries;
    a->proxy = kind;
    a->alg = ch->alg;
    /* we send no body, so auth and auth-int cost the same; prefer auth (RFC 7616 §3.3) */
    a->qop = (ch->qop_mask & SIPREG_QOP_AUTH)       ? SIPREG_QOP_AUTH
             : (ch->qop_mask & SIPREG_QOP_AUTH_INT) ? SIPREG_QOP_AUTH_INT
                                                    : 0;
    a->userhash = ch->userhash;
    a->realm_len = (uint16_t)ch->realm.len;
    a->nonce_len = (uint16_t)ch->nonce.len;
    a->opaque_len = (uint16_t)ch->opaque.len;
    a->has_opaque = ch->opaque.p != NULL;
    if (ch->realm.len) memcpy(a->text, ch->realm.p, ch->realm.len);
    if (ch->nonce.len) memcpy(a->text + a->realm_len, ch->nonce.p, ch->nonce.len);
    if (ch->opaque.len) memcpy(a->text + a->realm_len + a->nonce_len, ch->opaque.p, ch->opaque.len);
    a->ha1_len = (uint8_t)ha1_len;
    if (ha1_len) memcpy(a->text + a->realm_len + a->nonce_len + a->opaque_len, ha1, ha1_len);
    return 0;
}

size_t sipreg__extra_memory(const struct sipreg *r) {
    size_t n = r->target_len + r->home_len + r->alts_len;
    for (int k = 0; k < 2; k++)
        if (r->auth[k])
            n += sizeof *r->auth[k] + r->auth[k]->realm_len + r->auth[k]->nonce_len +
                 r->auth[k]->opaque_len + r->auth[k]->ha1_len;
    return n;
}

/* 1 when a challenge says our last answer of its kind was wrong: the request carried
 * credentials for this kind and realm, and the answer is a challenge for the same realm that is
 * not stale (RFC 7616 §3.3: stale=true means only the nonce aged) and either repeats the nonce
 * (Kamailio re-challenges a wrong password with the same nonce) or follows a challenge answered
 * in this very attempt (a server that issues a new nonce each time). A nonce kept from an
 * earlier attempt and refused with a new one is not a verdict on the password. */
static int rejected(const struct sipreg__auth *a, const struct sipreg_challenge *ch) {
    if (!a || !a->req_nc || ch->stale) return 0;
    if (!sipreg__eq(ch->realm, SIPREG__AUTH_REALM(a))) return 0;
    return a->fresh || sipreg__eq(ch->nonce, SIPREG__AUTH_NONCE(a));
}

void sipreg__on_challenge(struct sipreg *r, const struct sipreg_msg *m, int op, sipreg_ms now) {
    struct sipreg_challenge ch;
    int kind = m->status == 407; /* §22.3: 407 Proxy-Authenticate, else WWW-Authenticate */
    int got = sipreg_challenge_pick(m, kind, &ch);
    if (got <= 0) {
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, got < 0 ? got : SIPREG_E_AUTH_ALGORITHM, -1,
                     1, now);
        return;
    }
    if (!r->password.len && !r->ha1.len) {
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, SIPREG_E_AUTH_NO_CREDENTIALS, -1, 1, now);
        return;
    }
    struct sipreg__auth *a = r->auth[kind];
    if (rejected(a, &ch)) {
        /* wrong credentials: retrying locks accounts and trips fail2ban; stop unless the
         * policy asks to keep trying with back-off (unattended services) */
        sipreg__auth_drop(r, kind); /* forget the nonce; a later attempt starts clean */
        sipreg__fail(r, op, SIPREG_R_CREDENTIALS, m->status, SIPREG_E_AUTH_LOOP, -1,
                     !r->pol.retry_credentials, now);
        return;
    }
    if (a && a->tries >= r->pol.max_auth_retries) {
        /* no loop: stale after stale within one attempt */
        sipreg__auth_drop(r, kind);
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, SIPREG_E_AUTH_LOOP, -1, 0, now);
        return;
    }
    int err = sipreg__auth_store(r, &ch);
    if (err < 0) {
        sipreg__auth_drop(r, kind);
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, err, -1, err == SIPREG_E_LIMIT, now);
        return;
    }
    a = r->auth[kind];
    a->fresh = 1;
    a->tries++;
    r->op = op;
    sipreg__restart(r, now);
}
