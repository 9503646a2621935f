/* reg_auth.c — digest challenges to our REGISTER (RFC 3261 §22, RFC 7616): one cached
 * challenge per kind, WWW (401, from the registrar) and Proxy (407, from a proxy on the way),
 * so a proxy's 407 and then the registrar's 401 are both answered (§22.3), and later requests
 * carry both credentials; nonce reuse with nc+1 (RFC 7616 §3.4); and the rule that tells a
 * wrong password from a nonce that merely aged. */
#include "reg_internal.h"

#include <stdlib.h>

void sipreg__auth_next(struct sipreg *r) {
    for (int k = 0; k < 2 && r->auth; k++) {
        struct sipreg__auth *a = &r->auth[k];
        if (a->valid) {
            a->nc++;
            a->req_nc = a->nc;
            sipreg_prng_token(&r->prng, a->cnonce, sizeof a->cnonce);
        } else {
            a->req_nc = 0;
        }
    }
}

/* Copy a challenge into its slot (RFC 7616 §3.4: the nonce is reused with nc+1). */
static int cache_challenge(struct sipreg__auth *a, const struct sipreg_challenge *ch) {
    if (ch->realm.len > sizeof a->realm || ch->nonce.len > sizeof a->nonce ||
        ch->opaque.len > sizeof a->opaque)
        return SIPREG_E_LIMIT;
    a->valid = 1;
    a->proxy = ch->proxy;
    a->alg = ch->alg;
    /* we send no body, so auth and auth-int cost the same; prefer auth (RFC 7616 §3.3) */
    a->qop = (ch->qop_mask & SIPREG_QOP_AUTH)       ? SIPREG_QOP_AUTH
             : (ch->qop_mask & SIPREG_QOP_AUTH_INT) ? SIPREG_QOP_AUTH_INT
                                                    : 0;
    a->userhash = ch->userhash;
    a->nc = 0;
    memcpy(a->realm, ch->realm.p, ch->realm.len);
    a->realm_len = (uint8_t)ch->realm.len;
    if (ch->nonce.len) memcpy(a->nonce, ch->nonce.p, ch->nonce.len);
    a->nonce_len = (uint16_t)ch->nonce.len;
    a->has_opaque = ch->opaque.p != NULL;
    if (ch->opaque.len) memcpy(a->opaque, ch->opaque.p, ch->opaque.len);
    a->opaque_len = (uint16_t)ch->opaque.len;
    return 0;
}

/* 1 when a challenge says our last answer of its kind was wrong: the request carried
 * credentials for this kind and realm, and the answer is a challenge for the same realm that is
 * not stale (RFC 7616 §3.3: stale=true means only the nonce aged) and either repeats the nonce
 * (Kamailio re-challenges a wrong password with the same nonce) or follows a challenge answered
 * in this very attempt (a server that issues a new nonce each time). A nonce kept from an
 * earlier attempt and refused with a new one is not a verdict on the password. */
static int rejected(const struct sipreg__auth *a, const struct sipreg_challenge *ch) {
    if (!a->valid || !a->req_nc || ch->stale) return 0;
    if (!sipreg__eq(ch->realm, sipreg__str(a->realm, a->realm_len))) return 0;
    return a->fresh || sipreg__eq(ch->nonce, sipreg__str(a->nonce, a->nonce_len));
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
    if (!r->auth) r->auth = calloc(2, sizeof *r->auth);
    if (!r->auth) {
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, SIPREG_E_NOMEM, -1, 0, now);
        return;
    }
    struct sipreg__auth *a = &r->auth[kind];
    if (rejected(a, &ch)) {
        /* wrong credentials: retrying locks accounts and trips fail2ban; stop unless the
         * policy asks to keep trying with back-off (unattended services) */
        a->valid = 0; /* forget the nonce; a later attempt starts clean */
        sipreg__fail(r, op, SIPREG_R_CREDENTIALS, m->status, SIPREG_E_AUTH_LOOP, -1,
                     !r->pol.retry_credentials, now);
        return;
    }
    if (a->tries >= r->pol.max_auth_retries) {
        /* no loop: stale after stale within one attempt */
        a->valid = 0;
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, SIPREG_E_AUTH_LOOP, -1, 0, now);
        return;
    }
    int err = cache_challenge(a, &ch);
    if (err < 0) {
        a->valid = 0;
        sipreg__fail(r, op, SIPREG_R_AUTH, m->status, err, -1, 1, now);
        return;
    }
    a->fresh = 1;
    a->tries++;
    r->op = op;
    sipreg__restart(r, now);
}
