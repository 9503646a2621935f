/* reg_auth.c — digest challenges to our REGISTER (RFC 3261 §22, RFC 7616): one cached
 * challenge per kind, WWW (401, from the registrar) and Proxy (407, from a proxy on the way),
 * so a proxy's 407 and then the registrar's 401 are both answered (§22.3), and later requests
 * carry both credentials; nonce reuse with nc+1 (RFC 7616 §3.4); and the rule that tells a
 * wrong password from a nonce that merely aged. */
#include "reg_internal.h"

#include <stdlib.h>

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
    size_t text = ch->realm.len + ch->nonce.len + ch->opaque.len;
    int fresh = r->auth[kind] ? r->auth[kind]->fresh : 0;
    int tries = r->auth[kind] ? r->auth[kind]->tries : 0;
    struct sipreg__auth *a = realloc(r->auth[kind], sizeof *a + (text ? text : 1));
    if (!a) return SIPREG_E_NOMEM; /* the old slot (if any) stays as it was */
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
    return 0;
}

size_t sipreg__extra_memory(const struct sipreg *r) {
    size_t n = r->target_len + r->home_len;
    for (int k = 0; k < 2; k++)
        if (r->auth[k])
            n += sizeof *r->auth[k] + r->auth[k]->realm_len + r->auth[k]->nonce_len +
                 r->auth[k]->opaque_len;
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
