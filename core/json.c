/* json.c — the `sipreg parse` JSON view of a message. Shared by the native CLI and the wasm
 * build, so that both print byte-identical JSON for the same input (parity). */
#include "internal.h"

/* Append s as a JSON string. Valid UTF-8 passes through; each invalid byte becomes U+FFFD, so
 * the output is always valid JSON and decodes the same in C and in JavaScript. */
static void put_json_str(struct sipreg__buf *b, struct sipreg_str s) {
    static const char HEX[] = "0123456789abcdef";
    sipreg__put(b, "\"", 1);
    size_t i = 0;
    while (i < s.len) {
        /* the common case: a run of printable ASCII that needs no escape, copied at once */
        size_t run = i;
        while (run < s.len && (unsigned char)s.p[run] >= 0x20 && (unsigned char)s.p[run] < 0x7f &&
               s.p[run] != '"' && s.p[run] != '\\')
            run++;
        if (run > i) {
            sipreg__put(b, s.p + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            sipreg__put(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            char esc[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
            sipreg__put(b, esc, 6);
            i++;
        } else if (c < 0x80) {
            sipreg__put(b, (const char *)&s.p[i], 1);
            i++;
        } else {
            /* length of a well-formed UTF-8 sequence starting here, or 0 */
            size_t n = c >= 0xc2 && c <= 0xdf   ? 2
                       : c >= 0xe0 && c <= 0xef ? 3
                       : c >= 0xf0 && c <= 0xf4 ? 4
                                                : 0;
            int ok = n > 0 && i + n <= s.len;
            for (size_t k = 1; ok && k < n; k++)
                ok = ((unsigned char)s.p[i + k] & 0xc0) == 0x80;
            if (ok && n == 3) {
                unsigned char c1 = (unsigned char)s.p[i + 1];
                ok = !(c == 0xe0 && c1 < 0xa0) &&
                     !(c == 0xed && c1 >= 0xa0); /* overlong, UTF-16 surrogates */
            }
            if (ok && n == 4) {
                unsigned char c1 = (unsigned char)s.p[i + 1];
                ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
            }
            if (ok) {
                sipreg__put(b, s.p + i, n);
                i += n;
            } else {
                sipreg__putl(b, "\xef\xbf\xbd");
                i++;
            }
        }
    }
    sipreg__put(b, "\"", 1);
}

/* Append a key ("name":). */
static void put_key(struct sipreg__buf *b, const char *key) {
    sipreg__putl(b, "\"");
    sipreg__putc(b, key);
    sipreg__putl(b, "\":");
}

/* Append a string, or null for an absent (NULL-pointer) view. */
static void put_str_or_null(struct sipreg__buf *b, struct sipreg_str s) {
    if (s.p)
        put_json_str(b, s);
    else
        sipreg__putl(b, "null");
}

/* Append a number, or null when negative (absent). */
static void put_num_or_null(struct sipreg__buf *b, int64_t v) {
    if (v < 0)
        sipreg__putl(b, "null");
    else
        sipreg__puti(b, v);
}

/* Error JSON: {"ok":false,"error":"SIPREG_E_...","offset":N,"message":"..."}. */
static void put_error(struct sipreg__buf *b, int err, size_t off) {
    b->len = 0;
    sipreg__putl(b, "{\"ok\":false,\"error\":\"");
    sipreg__putc(b, sipreg_errname(err));
    sipreg__putl(b, "\",\"offset\":");
    sipreg__putu(b, off);
    sipreg__putl(b, ",\"message\":");
    put_json_str(b, sipreg__cstr(sipreg_strerror(err)));
    sipreg__putl(b, "}");
}

/* Contact parameters as a JSON object: name -> value string, or true when valueless. */
static int put_params(struct sipreg__buf *b, struct sipreg_str params) {
    sipreg__putl(b, "{");
    struct sipreg_str n, v;
    int quoted, r, first = 1;
    while ((r = sipreg_param_next(&params, ';', &n, &v, &quoted)) == 1) {
        if (!first) sipreg__putl(b, ",");
        first = 0;
        put_json_str(b, n);
        sipreg__putl(b, ":");
        if (v.len || quoted || (v.p && v.p > n.p + n.len))
            put_json_str(b, v);
        else
            sipreg__putl(b, "true");
    }
    sipreg__putl(b, "}");
    return r;
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
static int put_contacts(struct sipreg__buf *b, const struct sipreg_msg *m, const char *buf,
                        size_t *eoff) {
    struct sipreg_iter it;
    struct sipreg_contact c;
    size_t rel = 0;
    int r, first = 1;
    sipreg_iter_init(&it, m, SIPREG_H_CONTACT);
    sipreg__putl(b, "\"contacts\":[");
    while ((r = sipreg_contact_next(&it, &c, &rel)) == 1) {
        if (c.star) continue;
        if (!first) sipreg__putl(b, ",");
        first = 0;
        sipreg__putl(b, "{");
        put_key(b, "uri");
        put_json_str(b, c.na.uri);
        sipreg__putl(b, ",");
        put_key(b, "display");
        put_str_or_null(b, c.na.display.len ? c.na.display : sipreg__str(NULL, 0));
        sipreg__putl(b, ",");
        put_key(b, "expires");
        put_num_or_null(b, c.expires);
        sipreg__putl(b, ",");
        put_key(b, "q");
        if (c.q < 0)
            sipreg__putl(b, "null");
        else
            sipreg__putq(b, c.q);
        sipreg__putl(b, ",");
        put_key(b, "instance");
        put_str_or_null(b, c.instance.p ? c.instance : sipreg__str(NULL, 0));
        sipreg__putl(b, ",");
        put_key(b, "reg_id");
        put_num_or_null(b, c.reg_id);
        sipreg__putl(b, ",");
        put_key(b, "pub_gruu");
        put_str_or_null(b, c.pub_gruu.p ? c.pub_gruu : sipreg__str(NULL, 0));
        sipreg__putl(b, ",");
        put_key(b, "temp_gruu");
        put_str_or_null(b, c.temp_gruu.p ? c.temp_gruu : sipreg__str(NULL, 0));
        sipreg__putl(b, ",");
        put_key(b, "params");
        if (put_params(b, c.na.params) < 0) {
            *eoff = (size_t)(c.na.params.p - buf);
            return SIPREG_E_HEADER_VALUE;
        }
        sipreg__putl(b, "}");
    }
    sipreg__putl(b, "],");
    if (r < 0) *eoff = iter_offset(&it, buf);
    return r < 0 ? r : 0;
}

/* "challenges":[...]. */
static int put_challenges(struct sipreg__buf *b, const struct sipreg_msg *m, const char *buf,
                          size_t *eoff) {
    struct sipreg_iter it;
    struct sipreg_challenge ch;
    size_t rel = 0;
    int r, first = 1;
    sipreg_challenge_iter_init(&it, m);
    sipreg__putl(b, "\"challenges\":[");
    while ((r = sipreg_challenge_next(&it, &ch, &rel)) == 1) {
        if (!first) sipreg__putl(b, ",");
        first = 0;
        sipreg__putl(b, "{");
        put_key(b, "scheme");
        put_json_str(b, ch.scheme);
        sipreg__putl(b, ",");
        put_key(b, "proxy");
        sipreg__putc(b, ch.proxy ? "true," : "false,");
        put_key(b, "realm");
        put_str_or_null(b, ch.realm);
        sipreg__putl(b, ",");
        put_key(b, "nonce");
        put_str_or_null(b, ch.nonce);
        sipreg__putl(b, ",");
        put_key(b, "algorithm");
        put_str_or_null(b, ch.algorithm);
        sipreg__putl(b, ",");
        put_key(b, "qop");
        sipreg__putl(b, "[");
        struct sipreg_str q = ch.qop, n, v;
        int qfirst = 1;
        while (sipreg_param_next(&q, ',', &n, &v, NULL) == 1) {
            if (!qfirst) sipreg__putl(b, ",");
            qfirst = 0;
            put_json_str(b, n);
        }
        sipreg__putl(b, "],");
        put_key(b, "stale");
        sipreg__putc(b, ch.stale ? "true," : "false,");
        put_key(b, "opaque");
        put_str_or_null(b, ch.opaque);
        sipreg__putl(b, "}");
    }
    sipreg__putl(b, "],");
    if (r < 0) *eoff = iter_offset(&it, buf);
    return r < 0 ? r : 0;
}

/* "<key>":[uri,...] for a route-like header (Service-Route, Path). */
static int put_routes(struct sipreg__buf *b, const struct sipreg_msg *m, int id, const char *key,
                      const char *buf, size_t *eoff) {
    struct sipreg_iter it;
    struct sipreg_str elem;
    int r, first = 1;
    sipreg_iter_init(&it, m, id);
    put_key(b, key);
    sipreg__putl(b, "[");
    while ((r = sipreg_iter_next(&it, &elem)) == 1) {
        struct sipreg_nameaddr na;
        size_t rel = 0;
        int e = sipreg_nameaddr_parse(&na, elem, &rel);
        if (e < 0) {
            *eoff = (size_t)(elem.p - buf) + rel;
            return e;
        }
        if (!first) sipreg__putl(b, ",");
        first = 0;
        put_json_str(b, na.uri);
    }
    sipreg__putl(b, "],");
    return r < 0 ? r : 0;
}

int sipreg_parse_json(const char *buf, size_t len, char *out, size_t cap) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    struct sipreg__buf b = {out, cap, 0};
    size_t eoff = 0;
    int r = sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &eoff);
    if (r < 0) goto fail;

    sipreg__putl(&b, "{\"ok\":true,\"type\":");
    sipreg__putc(&b, m.type == SIPREG_RESPONSE ? "\"response\"," : "\"request\",");
    put_key(&b, "status");
    put_num_or_null(&b, m.type == SIPREG_RESPONSE ? m.status : -1);
    sipreg__putl(&b, ",");
    put_key(&b, "reason");
    put_str_or_null(&b, m.type == SIPREG_RESPONSE ? m.reason : sipreg__str(NULL, 0));
    sipreg__putl(&b, ",");
    put_key(&b, "method");
    put_str_or_null(&b, m.type == SIPREG_REQUEST ? m.method : sipreg__str(NULL, 0));
    sipreg__putl(&b, ",");
    put_key(&b, "ruri");
    put_str_or_null(&b, m.type == SIPREG_REQUEST ? m.ruri : sipreg__str(NULL, 0));
    sipreg__putl(&b, ",");
    put_key(&b, "call_id");
    put_json_str(&b, sipreg_msg_call_id(&m));
    sipreg__putl(&b, ",");

    struct sipreg_cseq cs;
    if ((r = sipreg_msg_cseq(&m, &cs)) < 0) goto fail;
    sipreg__putl(&b, "\"cseq\":{\"seq\":");
    sipreg__putu(&b, cs.seq);
    sipreg__putl(&b, ",\"method\":");
    put_json_str(&b, cs.method);
    sipreg__putl(&b, "},");

    static const struct {
        const char *key;
        int id;
    } DELTAS[] = {{"expires", SIPREG_H_EXPIRES},
                  {"min_expires", SIPREG_H_MIN_EXPIRES},
                  {"flow_timer", SIPREG_H_FLOW_TIMER}};
    for (size_t i = 0; i < sizeof DELTAS / sizeof DELTAS[0]; i++) {
        int64_t v = sipreg_msg_delta(&m, DELTAS[i].id);
        if (v < 0 && v != SIPREG_E_NOT_FOUND) {
            r = (int)v;
            eoff = sipreg_msg_find(&m, DELTAS[i].id, &(size_t){0})->value.p - buf;
            goto fail;
        }
        put_key(&b, DELTAS[i].key);
        put_num_or_null(&b, v);
        sipreg__putl(&b, ",");
    }
    int64_t ra = sipreg_msg_retry_after(&m);
    if (ra < 0 && ra != SIPREG_E_NOT_FOUND) {
        r = (int)ra;
        eoff = sipreg_msg_find(&m, SIPREG_H_RETRY_AFTER, &(size_t){0})->value.p - buf;
        goto fail;
    }
    put_key(&b, "retry_after");
    put_num_or_null(&b, ra);
    sipreg__putl(&b, ",");

    put_key(&b, "date_epoch");
    size_t pos = 0;
    const struct sipreg_hdr *date = sipreg_msg_find(&m, SIPREG_H_DATE, &pos);
    int64_t epoch = -1;
    if (date && (r = sipreg_parse_date(date->value, &epoch)) < 0) {
        eoff = (size_t)(date->value.p - buf);
        goto fail;
    }
    put_num_or_null(&b, epoch);
    sipreg__putl(&b, ",");

    put_key(&b, "star");
    sipreg__putc(&b, has_star(&m) ? "true," : "false,");
    if ((r = put_contacts(&b, &m, buf, &eoff)) < 0) goto fail;
    if ((r = put_challenges(&b, &m, buf, &eoff)) < 0) goto fail;
    if ((r = put_routes(&b, &m, SIPREG_H_SERVICE_ROUTE, "service_route", buf, &eoff)) < 0)
        goto fail;
    if ((r = put_routes(&b, &m, SIPREG_H_PATH, "path", buf, &eoff)) < 0) goto fail;
    put_key(&b, "headers");
    sipreg__putu(&b, m.nhdrs);
    sipreg__putl(&b, "}");
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    return (int)b.len;

fail:
    put_error(&b, r, eoff);
    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    return (int)b.len;
}
