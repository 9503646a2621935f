/* view_msg.c — the `sipreg parse` view of a message, walked once and written as JSON (native
 * CLI) or as a tape (the wasm build: JavaScript builds the same objects from it, and prints the
 * same JSON bytes as the native CLI: parity). */
#include "view.h"

/* Error view: {"ok":false,"error":"SIPREG_E_...","offset":N,"message":"..."}. */
SIPREG__SMALL static void put_error(struct sipreg__view *v, int err, size_t off) {
    sipreg__view_reset(v);
    sipreg__v_open(v);
    sipreg__m_bool(v, "ok", 0);
    sipreg__m_cstr(v, "error", sipreg_errname(err));
    sipreg__m_int(v, "offset", (int64_t)off);
    sipreg__m_cstr(v, "message", sipreg_strerror(err));
    sipreg__v_close(v);
}

/* The header parameters that have no field of their own (`skip` says which have one: a Contact's
 * registration parameters, To/From's tag), as an object: name -> value string, or true when
 * valueless. Returns 0 or negative. */
SIPREG__SMALL static int put_params(struct sipreg__view *v, struct sipreg_str params, int contact) {
    struct sipreg_str n, val;
    int quoted, r;
    sipreg__v_open(v);
    const char *bad; /* a checked list (sipreg_msg_parse, the Contact parse): no error */
    while ((r = sipreg__param_next_strict(&params, &n, &val, &quoted, &bad)) == 1) {
        if (contact ? sipreg__contact_param_kind(n) != 0 : sipreg__ieq_lit(n, "tag")) continue;
        SIPREG__VIEW(v, key)(v, n.p, n.len, 0);
        if (val.len || quoted || (val.p && val.p > n.p + n.len))
            sipreg__v_str(v, val);
        else
            sipreg__v_bool(v, 1);
    }
    sipreg__v_close(v);
    return r;
}

/* "uri" and "display" of a name-addr / addr-spec: the display name has its quotes stripped and
 * its quoted-pairs (§25.1) kept as written; null when there is none. */
SIPREG__SMALL static void put_addr(struct sipreg__view *v, const struct sipreg_nameaddr *na) {
    sipreg__m_str(v, "uri", na->uri);
    sipreg__m_str(v, "display", na->display.len ? na->display : sipreg__str(NULL, 0));
}

/* "to"/"from": {uri, display, tag, params} of the message's To or From (§20.20, §20.39). No
 * error is possible: sipreg_msg_parse has checked the value with the same parser (so its
 * parameters are not checked again here). params are the header parameters after the URI but
 * tag, not the URI's own (§20.10). */
SIPREG__SMALL static void put_party(struct sipreg__view *v, const struct sipreg_msg *m, int id) {
    struct sipreg_nameaddr na;
    struct sipreg_str tag = {NULL, 0}; /* null unless found */
    sipreg__nameaddr_split(&na, sipreg_msg_find(m, id, NULL)->value);
    sipreg_param_find(na.params, "tag", &tag);
    sipreg__v_open(v);
    put_addr(v, &na);
    sipreg__m_str(v, "tag", tag);
    sipreg__v_key(v, "params");
    put_params(v, na.params, 0);
    sipreg__v_close(v);
}

/* Offset of the header an iterator stopped in (error reports point at that header's value). */
static size_t iter_offset(const struct sipreg_iter *it, const char *buf) {
    if (it->hdr < it->msg->nhdrs) return (size_t)(it->msg->hdrs[it->hdr].value.p - buf);
    return 0;
}

/* 1 when the message has a "Contact: *" element (RFC 3261 §10.2.2: "*" stands alone in its
 * header, so a look at each Contact header's first byte suffices; no second parse). */
static int has_star(const struct sipreg_msg *m) {
    size_t pos = 0;
    const struct sipreg_hdr *h;
    while ((h = sipreg_msg_find(m, SIPREG_H_CONTACT, &pos)) != NULL) {
        struct sipreg_str v = sipreg__trim(h->value);
        if (v.len && v.p[0] == '*') return 1;
    }
    return 0;
}

/* "contacts":[...] (a "*" element is reported by "star", not listed); 0 or negative. */
static int put_contacts(struct sipreg__view *v, const struct sipreg_msg *m, const char *buf,
                        size_t *eoff) {
    struct sipreg_iter it;
    struct sipreg_contact c;
    size_t rel = 0;
    int r;
    sipreg_iter_init(&it, m, SIPREG_H_CONTACT);
    sipreg__v_key(v, "contacts");
    sipreg__v_aopen(v);
    while ((r = sipreg_contact_next(&it, &c, &rel)) == 1) {
        if (c.star) continue;
        /* once per binding: its members as one run (view.h, the hot path) */
        struct sipreg__run run;
        sipreg__run_begin(v, &run);
        sipreg__r_open(&run);
        sipreg__rm_str(&run, "uri", c.na.uri); /* as put_addr */
        sipreg__rm_str(&run, "display", c.na.display.len ? c.na.display : sipreg__str(NULL, 0));
        sipreg__rm_opt(&run, "expires", c.expires);
        sipreg__rm_q(&run, "q", c.q);
        sipreg__rm_str(&run, "instance", c.instance);
        sipreg__rm_opt(&run, "regId", c.reg_id);
        sipreg__rm_str(&run, "pubGruu", c.pub_gruu);
        sipreg__rm_str(&run, "tempGruu", c.temp_gruu);
        sipreg__r_key(&run, "params");
        sipreg__run_end(v, &run);
        if (put_params(v, c.other_params ? c.na.params : sipreg__str(NULL, 0), 1) < 0) {
            *eoff = (size_t)(c.na.params.p - buf);
            return SIPREG_E_HEADER_VALUE;
        }
        sipreg__v_close(v);
    }
    sipreg__v_aclose(v);
    if (r < 0) *eoff = iter_offset(&it, buf);
    return r < 0 ? r : 0;
}

/* "challenges":[...]. */
SIPREG__SMALL static int put_challenges(struct sipreg__view *v, const struct sipreg_msg *m,
                                        const char *buf, size_t *eoff) {
    struct sipreg_iter it;
    struct sipreg_challenge ch;
    size_t rel = 0;
    int r;
    sipreg_challenge_iter_init(&it, m);
    sipreg__v_key(v, "challenges");
    sipreg__v_aopen(v);
    while ((r = sipreg_challenge_next(&it, &ch, &rel)) == 1) {
        sipreg__v_open(v);
        sipreg__m_str(v, "scheme", ch.scheme);
        sipreg__m_bool(v, "proxy", ch.proxy);
        sipreg__m_str(v, "realm", ch.realm);
        sipreg__m_str(v, "nonce", ch.nonce);
        sipreg__m_str(v, "algorithm", ch.algorithm);
        sipreg__v_key(v, "qop");
        sipreg__v_aopen(v);
        struct sipreg_str q = ch.qop, n, val;
        while (sipreg_param_next(&q, ',', &n, &val, NULL) == 1)
            sipreg__v_str(v, n);
        sipreg__v_aclose(v);
        sipreg__m_bool(v, "stale", ch.stale);
        sipreg__m_str(v, "opaque", ch.opaque);
        sipreg__v_close(v);
    }
    sipreg__v_aclose(v);
    if (r < 0) *eoff = iter_offset(&it, buf);
    return r < 0 ? r : 0;
}

/* An array of the URIs of a route-like header (Service-Route, Path). */
SIPREG__SMALL static int put_routes(struct sipreg__view *v, const struct sipreg_msg *m, int id,
                                    const char *buf, size_t *eoff) {
    struct sipreg_iter it;
    struct sipreg_str elem;
    int r;
    sipreg_iter_init(&it, m, id);
    sipreg__v_aopen(v);
    while ((r = sipreg_iter_next(&it, &elem)) == 1) {
        struct sipreg_nameaddr na;
        size_t rel = 0;
        int e = sipreg_nameaddr_parse(&na, elem, &rel);
        if (e < 0) {
            *eoff = (size_t)(elem.p - buf) + rel;
            return e;
        }
        sipreg__v_str(v, na.uri);
    }
    sipreg__v_aclose(v);
    return r < 0 ? r : 0;
}

/* The whole view of buf[0..len) (or its error view). */
static int put_message(struct sipreg__view *v, const char *buf, size_t len) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t eoff = 0;
    int r = sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &eoff);
    if (r < 0) goto fail;

    int resp = m.type == SIPREG_RESPONSE;
    sipreg__v_open(v);
    sipreg__m_bool(v, "ok", 1);
    sipreg__m_cstr(v, "type", resp ? "response" : "request");
    sipreg__m_opt(v, "status", resp ? m.status : -1);
    sipreg__m_str(v, "reason", resp ? m.reason : sipreg__str(NULL, 0));
    sipreg__m_str(v, "method", resp ? sipreg__str(NULL, 0) : m.method);
    sipreg__m_str(v, "ruri", resp ? sipreg__str(NULL, 0) : m.ruri);
    sipreg__m_str(v, "callId", sipreg_msg_call_id(&m)); /* mandatory: never null */

    struct sipreg_cseq cs;
    if ((r = sipreg_msg_cseq(&m, &cs)) < 0) goto fail;
    sipreg__v_key(v, "cseq");
    sipreg__v_open(v);
    sipreg__m_int(v, "seq", (int64_t)cs.seq);
    sipreg__m_str(v, "method", cs.method);
    sipreg__v_close(v);
    sipreg__v_key(v, "from");
    put_party(v, &m, SIPREG_H_FROM);
    sipreg__v_key(v, "to");
    put_party(v, &m, SIPREG_H_TO);

    /* the delta-seconds headers (§20.19, §20.23, RFC 5626 §10) and Retry-After (§20.33) */
    static const struct {
        const char *key;
        size_t len;
        int id;
    } SECONDS[] = {{"expires", 7, SIPREG_H_EXPIRES},
                   {"minExpires", 10, SIPREG_H_MIN_EXPIRES},
                   {"flowTimer", 9, SIPREG_H_FLOW_TIMER},
                   {"retryAfter", 10, SIPREG_H_RETRY_AFTER}};
    for (size_t i = 0; i < sizeof SECONDS / sizeof SECONDS[0]; i++) {
        const int h = SECONDS[i].id;
        int64_t d =
            h == SIPREG_H_RETRY_AFTER ? sipreg_msg_retry_after(&m) : sipreg_msg_delta(&m, h);
        if (d < 0 && d != SIPREG_E_NOT_FOUND) {
            r = (int)d;
            eoff = (size_t)(sipreg_msg_find(&m, h, NULL)->value.p - buf);
            goto fail;
        }
        SIPREG__VIEW(v, key)(v, SECONDS[i].key, SECONDS[i].len, 1);
        sipreg__v_opt(v, d);
    }

    const struct sipreg_hdr *date = sipreg_msg_find(&m, SIPREG_H_DATE, NULL);
    int64_t epoch = -1;
    if (date && (r = sipreg_parse_date(date->value, &epoch)) < 0) {
        eoff = (size_t)(date->value.p - buf);
        goto fail;
    }
    sipreg__m_opt(v, "dateEpoch", epoch);

    sipreg__m_bool(v, "star", has_star(&m));
    if ((r = put_contacts(v, &m, buf, &eoff)) < 0) goto fail;
    if ((r = put_challenges(v, &m, buf, &eoff)) < 0) goto fail;
    sipreg__v_key(v, "serviceRoute");
    if ((r = put_routes(v, &m, SIPREG_H_SERVICE_ROUTE, buf, &eoff)) < 0) goto fail;
    sipreg__v_key(v, "path");
    if ((r = put_routes(v, &m, SIPREG_H_PATH, buf, &eoff)) < 0) goto fail;
    sipreg__m_int(v, "headers", (int64_t)m.nhdrs);
    sipreg__v_close(v);
    return sipreg__view_end(v);

fail:
    put_error(v, r, eoff);
    return sipreg__view_end(v);
}

#ifndef SIPREG_VIEW_TAPE_ONLY
int sipreg_parse_json(const char *buf, size_t len, char *out, size_t cap) {
    struct sipreg__view v;
    sipreg__view_init(&v, &sipreg__view_json, out, cap);
    return put_message(&v, buf, len);
}
#endif

int sipreg_parse_tape(const char *buf, size_t len, uintptr_t *out, size_t cap_bytes) {
    struct sipreg__view v;
    sipreg__view_init(&v, SIPREG__TAPE_OPS, (char *)out, cap_bytes);
    return put_message(&v, buf, len);
}
