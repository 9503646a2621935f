/* reg_request.c — requests that arrive on the registration's flow (RFC 3261 §8.2, the UAS side):
 * the request table (what the core answers when the host does not take a request: one static
 * table, read by sipreg_request_answer and listed by sipreg_request_rules for tests and the CLI),
 * the responses it composes (§8.2.6) for sipreg_poll_send, and the routing keys a host with many
 * registrations on one flow sends requests and responses to their registration by. */
#include "hash.h"
#include "reg_internal.h"

#include <stdlib.h>

/* The request table, X(test, status, why): the first row whose test holds gives the answer. The
 * order is RFC 3261 §8.2's: the method's own rules (ACK), then the request's form (§8.2.1-§8.2.3),
 * then transaction and dialog matching (§9.2, §12.2.2), then the Request-URI and the method. */
#define REQUEST_TABLE(X)                                                                           \
    X(SIPREG_RQ_ACK, 0, "ACK: no response, ever (RFC 3261 §17.1.1.3, §17.2.1)")                    \
    X(SIPREG_RQ_MALFORMED, 400,                                                                    \
      "a mandatory header is missing, or the CSeq is bad or names another method: 400 (RFC 3261 "  \
      "§8.1.1, §8.1.1.5, §21.4.1)")                                                                \
    X(SIPREG_RQ_SCHEME, 416,                                                                       \
      "Request-URI scheme not sip, sips or tel: 416 (RFC 3261 §8.2.2.1, §21.4.14)")                \
    X(SIPREG_RQ_REQUIRE, 420,                                                                      \
      "Require names an option tag we do not support: 420 with Unsupported (RFC 3261 §8.2.2.3; "  \
      "not for ACK or CANCEL)")                                                                    \
    X(SIPREG_RQ_CANCEL, 481,                                                                       \
      "CANCEL: we hold no server transaction it could cancel: 481 (RFC 3261 §9.2)")                \
    X(SIPREG_RQ_IN_DIALOG, 481,                                                                    \
      "To tag present: a request in a dialog, and the core holds none: 481 (RFC 3261 §12.2.2)")    \
    X(SIPREG_RQ_NOT_OURS, 404,                                                                     \
      "Request-URI none of our contacts, GRUUs or the AOR (URI equality, RFC 3261 §19.1.4): 404 " \
      "(§8.2.2.1)")                                                                                \
    X(SIPREG_RQ_OPTIONS, 200, "OPTIONS: 200 with Allow, Accept and Supported (RFC 3261 §11.2)")    \
    X(SIPREG_RQ_KNOWN, 480,                                                                        \
      "INVITE, BYE, MESSAGE, SUBSCRIBE, NOTIFY, REFER, INFO, UPDATE, PRACK, PUBLISH with nobody "  \
      "to take it: 480 Temporarily Unavailable (RFC 3261 §21.4.18)")                               \
    X(SIPREG_RQ_OTHER, 501, "any other method: 501 with Allow (RFC 3261 §8.2.1, §21.5.2)")

#define FULL_ROW(test, status, why) {test, status, why},
static const struct sipreg_request_rule RULES[] = {REQUEST_TABLE(FULL_ROW)};
#undef FULL_ROW

/* The rows without their text: what sipreg_request_answer reads (the wasm keeps no `why`). */
static const struct {
    uint8_t test;
    int16_t status;
} ANSWERS[] = {
#define ANSWER_ROW(test, status, why) {test, status},
    REQUEST_TABLE(ANSWER_ROW)
#undef ANSWER_ROW
};

const struct sipreg_request_rule *sipreg_request_rules(size_t *n) {
    if (n) *n = sizeof RULES / sizeof RULES[0];
    return RULES;
}

const char *sipreg_request_test_name(int test) {
#define TEST_NAME(id, value, name) [value] = name,
    static const char *const N[] = {SIPREG_REQUEST_TEST_LIST(TEST_NAME)};
#undef TEST_NAME
    return test > 0 && (size_t)test < sizeof N / sizeof N[0] ? N[test] : "unknown";
}

/* ---------------------------------------------------------------------------------------- */
/* The request and the table's tests                                                        */
/* ---------------------------------------------------------------------------------------- */

/* One response waiting for sipreg_poll_send (a list: r->responses, oldest first). */
struct sipreg__response {
    struct sipreg__response *next; /* the one queued after it */
    uint16_t len;                  /* bytes in text */
    char text[];                   /* the whole message */
};

/* A request as the table reads it: the parse, and whether it failed in a way 400 answers. */
struct request {
    struct sipreg_msg m;
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    int malformed; /* 1: a mandatory header missing, or a bad CSeq (§8.1.1) */
};

/* Parse a request we can answer: 0, or a negative error (a response, or no Via to answer on). */
static int read_request(struct request *q, const char *buf, size_t len) {
    size_t off;
    int e = sipreg_msg_parse(&q->m, buf, len, q->hdrs, SIPREG_MAX_HEADERS, &off);
    q->malformed = e == SIPREG_E_MISSING_HEADER || e == SIPREG_E_CSEQ;
    if (e < 0 && !q->malformed) return e;
    if (q->m.type != SIPREG_REQUEST) return e < 0 ? e : SIPREG_E_INVAL;
    /* §18.2.2: the response goes where the top Via says; without one nothing can be answered */
    if (!sipreg_msg_find(&q->m, SIPREG_H_VIA, NULL)) return e < 0 ? e : SIPREG_E_MISSING_HEADER;
    return 0;
}

/* 1 when the method is `lit` (methods are case-sensitive, RFC 3261 §7.1). */
static int method_is(const struct sipreg_msg *m, const char *lit) {
    return sipreg__eq(m->method, sipreg__cstr(lit));
}

/* 1 when `tag` is one of the option tags of the comma list `list` (§19.2: case-insensitive). */
static int list_has(struct sipreg_str list, struct sipreg_str tag) {
    size_t i = 0;
    while (i < list.len) {
        size_t j = i;
        while (j < list.len && list.p[j] != ',')
            j++;
        if (sipreg__ieq(sipreg__trim(sipreg__str(list.p + i, j - i)), tag)) return 1;
        i = j + 1;
    }
    return 0;
}

/* Write (when b is not NULL) the Require option tags we do not support, comma-separated; their
 * number (§8.2.2.3). */
static int unsupported(const struct sipreg *r, const struct sipreg_msg *m, struct sipreg__buf *b) {
    struct sipreg_iter it;
    struct sipreg_str e;
    int n = 0;
    sipreg_iter_init(&it, m, SIPREG_H_REQUIRE);
    while (sipreg_iter_next(&it, &e) == 1) {
        if (!e.len || list_has(r->supported, e)) continue;
        if (b && n) sipreg__putl(b, ", ");
        if (b) sipreg__puts(b, e);
        n++;
    }
    return n;
}

/* 1 when the request's URI is ours: a contact, a GRUU or the AOR (RFC 3261 §19.1.4 equality). */
static int uri_ours(const struct sipreg *r, const struct sipreg_uri *u) {
    struct sipreg_uri o;
    if (sipreg_uri_parse(&o, r->aor.p, r->aor.len, NULL) == 0 && sipreg_uri_equal(&o, u) == 1)
        return 1;
    for (size_t i = 0; i < r->ncontacts; i++) {
        const struct sipreg__contact *c = &r->contacts[i];
        if (c->removing) continue;
        struct sipreg_str s[3] = {c->uri, sipreg__arena_str(r, c->pub_off, c->pub_len),
                                  sipreg__arena_str(r, c->temp_off, c->temp_len)};
        for (int k = 0; k < 3; k++)
            if (s[k].len && sipreg_uri_parse(&o, s[k].p, s[k].len, NULL) == 0 &&
                sipreg_uri_equal(&o, u) == 1)
                return 1;
    }
    return 0;
}

/* Methods a call stack on the flow handles (RFC 3261, 3262, 3265, 3311, 3428, 3515, 3903,
 * 6086): without one, 480 says "nobody here now" rather than "never" (501). */
static const char *const KNOWN[] = {"INVITE", "BYE",  "MESSAGE", "SUBSCRIBE", "NOTIFY",
                                    "REFER",  "INFO", "UPDATE",  "PRACK",     "PUBLISH"};

/* 1 when test `t` holds for the request. */
static int holds(const struct sipreg *r, const struct request *q, int t) {
    const struct sipreg_msg *m = &q->m;
    struct sipreg_uri u;
    switch (t) {
    case SIPREG_RQ_ACK:
        return method_is(m, "ACK");
    case SIPREG_RQ_MALFORMED:
        return q->malformed;
    case SIPREG_RQ_SCHEME:
        /* a Request-URI that does not parse has no scheme we can serve either */
        return sipreg_uri_parse(&u, m->ruri.p, m->ruri.len, NULL) < 0 ||
               u.scheme == SIPREG_SCHEME_OTHER;
    case SIPREG_RQ_REQUIRE:
        return !method_is(m, "CANCEL") && unsupported(r, m, NULL) > 0;
    case SIPREG_RQ_CANCEL:
        return method_is(m, "CANCEL");
    case SIPREG_RQ_IN_DIALOG:
        return sipreg_msg_tag(m, SIPREG_H_TO).len > 0;
    case SIPREG_RQ_NOT_OURS:
        return sipreg_uri_parse(&u, m->ruri.p, m->ruri.len, NULL) < 0 || !uri_ours(r, &u);
    case SIPREG_RQ_OPTIONS:
        return method_is(m, "OPTIONS");
    case SIPREG_RQ_KNOWN:
        for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
            if (method_is(m, KNOWN[i])) return 1;
        return 0;
    default:
        return 1; /* SIPREG_RQ_OTHER */
    }
}

/* The table's status for a parsed request (0: none). */
static int answer_of(const struct sipreg *r, const struct request *q) {
    for (size_t i = 0; i < sizeof ANSWERS / sizeof ANSWERS[0]; i++)
        if (holds(r, q, ANSWERS[i].test)) return ANSWERS[i].status;
    return 0; /* not reached: the last row always holds */
}

int sipreg_request_answer(const struct sipreg *r, const char *req, size_t len) {
    if (!r || (!req && len)) return SIPREG_E_INVAL;
    struct request q;
    int e = read_request(&q, req, len);
    return e < 0 ? e : answer_of(r, &q);
}

/* ---------------------------------------------------------------------------------------- */
/* Responses                                                                                */
/* ---------------------------------------------------------------------------------------- */

/* Reason phrases of RFC 3261 §21 (and RFC 3265, 6665: 489), "<status><phrase>|" each, in one
 * string (no table of pointers: the wasm stays smaller); a status not listed gets its class's
 * name (§7.2). */
static const char PHRASES[] =
    "100Trying|180Ringing|181Call Is Being Forwarded|182Queued|183Session Progress|200OK|"
    "202Accepted|300Multiple Choices|301Moved Permanently|302Moved Temporarily|305Use Proxy|"
    "380Alternative Service|400Bad Request|401Unauthorized|402Payment Required|403Forbidden|"
    "404Not Found|405Method Not Allowed|406Not Acceptable|407Proxy Authentication Required|"
    "408Request Timeout|410Gone|413Request Entity Too Large|414Request-URI Too Long|"
    "415Unsupported Media Type|416Unsupported URI Scheme|420Bad Extension|"
    "421Extension Required|423Interval Too Brief|480Temporarily Unavailable|"
    "481Call/Transaction Does Not Exist|482Loop Detected|483Too Many Hops|"
    "484Address Incomplete|485Ambiguous|486Busy Here|487Request Terminated|"
    "488Not Acceptable Here|489Bad Event|491Request Pending|493Undecipherable|"
    "500Server Internal Error|501Not Implemented|502Bad Gateway|503Service Unavailable|"
    "504Server Time-out|505Version Not Supported|513Message Too Large|600Busy Everywhere|"
    "603Decline|604Does Not Exist Anywhere|606Not Acceptable|";

/* Write the standard reason phrase of a status (§21), else its class's name, into b. */
static void put_phrase(struct sipreg__buf *b, int status) {
    static const char *const CLASS[] = {"Provisional",  "Success",      "Redirection",
                                        "Client Error", "Server Error", "Global Failure"};
    for (const char *p = PHRASES; *p; p = strchr(p, '|') + 1) {
        if ((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0') != status) continue;
        sipreg__put(b, p + 3, (size_t)(strchr(p, '|') - p - 3));
        return;
    }
    sipreg__putc(b, CLASS[status / 100 - 1]);
}

/* 1 when s holds no CR, LF or other control byte but HTAB (a header value or reason phrase). */
static int one_line(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) return 0;
    return 1;
}

/* Headers the core writes itself (full and compact forms, §7.3.3); `headers` may not name them. */
static const char *const OURS[] = {"via", "v",    "from",           "f", "to", "t", "call-id",
                                   "i",   "cseq", "content-length", "l"};

/* 1 when h[0..n) is a list of "Name: value\r\n" lines naming none of OURS (§7.3). */
static int headers_ok(const char *h, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t k = i;
        while (k < n && sipreg__is_token((unsigned char)h[k]))
            k++;
        if (k == i || k >= n || h[k] != ':') return 0;
        struct sipreg_str name = sipreg__str(h + i, k - i);
        for (size_t j = 0; j < sizeof OURS / sizeof OURS[0]; j++)
            if (sipreg__ieq_lit(name, OURS[j])) return 0;
        size_t e = k;
        while (e < n && h[e] != '\r' && h[e] != '\n')
            e++;
        if (e + 1 >= n || h[e] != '\r' || h[e + 1] != '\n' || !one_line(h + k, e - k)) return 0;
        i = e + 2;
    }
    return 1;
}

/* Write every header of `id` as "Name: value" lines (as received: order and values kept). */
static void copy_headers(struct sipreg__buf *b, const struct sipreg_msg *m, int id,
                         const char *name) {
    size_t pos = 0;
    const struct sipreg_hdr *h;
    while ((h = sipreg_msg_find(m, id, &pos)) != NULL) {
        sipreg__putc(b, name);
        sipreg__putl(b, ": ");
        sipreg__puts(b, sipreg__trim(h->value));
        sipreg__putl(b, "\r\n");
    }
}

/* The To tag of our response to this request (§8.2.6.2): the same for every retransmission of it
 * (§8.2.7: same Call-ID, From tag and top Via branch), unguessable without the registration's
 * secret: the PRNG's key (the host's seed), hashed behind a label of its own, never sent. */
static void to_tag(const struct sipreg *r, const struct sipreg_msg *m, char hex[65]) {
    struct sipreg__hash h;
    sipreg__hash_init(&h, SIPREG_ALG_SHA256);
    sipreg__hash_update(&h, "sipreg to-tag", 13);
    sipreg__hash_update(&h, r->prng.key, sizeof r->prng.key);
    struct sipreg_str parts[3] = {sipreg_msg_call_id(m), sipreg_msg_tag(m, SIPREG_H_FROM),
                                  sipreg_msg_via_branch(m)};
    for (int i = 0; i < 3; i++) {
        sipreg__hash_str(&h, parts[i]);
        sipreg__hash_update(&h, "", 1); /* a separator no part contains */
    }
    sipreg__hash_final_hex(&h, hex);
}

/* Compose the response into b (a NULL buffer with cap 0 measures it). */
static void compose(struct sipreg *r, const struct request *q, int status, struct sipreg_str reason,
                    struct sipreg_str headers, struct sipreg__buf *b) {
    const struct sipreg_msg *m = &q->m;
    sipreg__putl(b, "SIP/2.0 ");
    sipreg__putu(b, (uint64_t)status);
    sipreg__putl(b, " ");
    if (reason.len)
        sipreg__puts(b, reason);
    else
        put_phrase(b, status);
    sipreg__putl(b, "\r\n");
    copy_headers(b, m, SIPREG_H_VIA, "Via"); /* §8.2.6.2: every Via, in order */
    copy_headers(b, m, SIPREG_H_FROM, "From");
    const struct sipreg_hdr *to = sipreg_msg_find(m, SIPREG_H_TO, NULL);
    if (to) {
        sipreg__putl(b, "To: ");
        sipreg__puts(b, sipreg__trim(to->value));
        if (status > 100 && !sipreg_msg_tag(m, SIPREG_H_TO).len) {
            char hex[65];
            to_tag(r, m, hex);
            sipreg__putl(b, ";tag=");
            sipreg__put(b, hex, 16);
        }
        sipreg__putl(b, "\r\n");
    }
    copy_headers(b, m, SIPREG_H_CALL_ID, "Call-ID");
    copy_headers(b, m, SIPREG_H_CSEQ, "CSeq");
    int options_ok = status == 200 && method_is(m, "OPTIONS");
    if (options_ok || status == 405 || status == 501) { /* §11.2, §8.2.1 */
        sipreg__putl(b, "Allow: ");
        sipreg__puts(b, sipreg__allow(r));
        sipreg__putl(b, "\r\n");
    }
    if (options_ok) {
        sipreg__putl(b, "Accept: ");
        sipreg__puts(b, sipreg__accept(r));
        sipreg__putl(b, "\r\n");
        if (r->supported.len) {
            sipreg__putl(b, "Supported: ");
            sipreg__puts(b, r->supported);
            sipreg__putl(b, "\r\n");
        }
    }
    if (status == 420) { /* §8.2.2.3: the tags we do not support */
        sipreg__putl(b, "Unsupported: ");
        unsupported(r, m, b);
        sipreg__putl(b, "\r\n");
    }
    sipreg__puts(b, headers);
    sipreg__putl(b, "Content-Length: 0\r\n\r\n");
}

int sipreg_respond(struct sipreg *r, const char *req, size_t len, int status, const char *reason,
                   size_t rlen, const char *headers, size_t hlen) {
    if (!r || (!req && len) || (!reason && rlen) || (!headers && hlen)) return SIPREG_E_INVAL;
    if ((status && (status < 100 || status > 699)) || !one_line(reason, rlen) ||
        !headers_ok(headers, hlen))
        return SIPREG_E_INVAL;
    struct request q;
    int e = read_request(&q, req, len);
    if (e < 0) return e;
    if (method_is(&q.m, "ACK")) return 0; /* §17: an ACK is never answered */
    if (!status) status = answer_of(r, &q);
    if (r->nresponses == SIPREG__RESPONSES) return SIPREG_E_LIMIT;
    struct sipreg_str why = sipreg__str(reason, rlen); /* empty: the standard phrase */
    struct sipreg_str extra = sipreg__str(headers, hlen);
    struct sipreg__buf b = {NULL, 0, 0};
    compose(r, &q, status, why, extra, &b);
    if (b.len > SIPREG_MAX_MESSAGE) return SIPREG_E_LIMIT;
    struct sipreg__response *out = malloc(sizeof *out + b.len);
    if (!out) return SIPREG_E_NOMEM;
    struct sipreg__buf w = {out->text, b.len, 0};
    compose(r, &q, status, why, extra, &w);
    out->next = NULL;
    out->len = (uint16_t)w.len;
    struct sipreg__response **tail = &r->responses;
    while (*tail)
        tail = &(*tail)->next;
    *tail = out;
    r->nresponses++;
    return status;
}

int sipreg__response_take(struct sipreg *r, char *buf, size_t cap) {
    struct sipreg__response *first = r->responses;
    if (!first) return SIPREG_E_DONE;
    if (cap < first->len) return SIPREG_E_BUFFER;
    int n = first->len;
    memcpy(buf, first->text, first->len);
    r->responses = first->next;
    r->nresponses--;
    free(first);
    return n;
}

void sipreg__responses_drop(struct sipreg *r) {
    while (r->responses) {
        struct sipreg__response *next = r->responses->next;
        free(r->responses);
        r->responses = next;
    }
    r->nresponses = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Routing keys                                                                             */
/* ---------------------------------------------------------------------------------------- */

/* Write a URI's routing key, "r:user@host" with the host in lower case (§19.1.4: hosts compare
 * without case, users with it). 0, or a negative error when it does not parse. */
static int uri_key(struct sipreg__buf *b, struct sipreg_str uri) {
    struct sipreg_uri u;
    int e = sipreg_uri_parse(&u, uri.p, uri.len, NULL);
    if (e < 0) return e;
    sipreg__putl(b, "r:");
    sipreg__puts(b, u.user);
    sipreg__putl(b, "@");
    for (size_t i = 0; i < u.host.len; i++) {
        char c = u.host.p[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c | 0x20);
        sipreg__put(b, &c, 1);
    }
    return 0;
}

/* End a key list: NUL-terminated, its length or SIPREG_E_BUFFER. */
static int key_end(struct sipreg__buf *b) {
    sipreg__put(b, "", 1);
    return sipreg__overflow(b) ? SIPREG_E_BUFFER : (int)b->len - 1;
}

int sipreg_route_key(const char *msg, size_t len, char *out, size_t cap) {
    if (!msg || (!out && cap)) return SIPREG_E_INVAL;
    struct request q;
    size_t off;
    int e = sipreg_msg_parse(&q.m, msg, len, q.hdrs, SIPREG_MAX_HEADERS, &off);
    if (e < 0 && !(q.m.type == SIPREG_REQUEST && q.m.nhdrs)) return e;
    struct sipreg__buf b = {out, cap, 0};
    if (q.m.type == SIPREG_REQUEST) {
        if ((e = uri_key(&b, q.m.ruri)) < 0) return e;
    } else {
        sipreg__putl(&b, "c:");
        sipreg__puts(&b, sipreg_msg_call_id(&q.m));
    }
    return key_end(&b);
}

int sipreg_request_keys(const struct sipreg *r, char *out, size_t cap) {
    if (!r || (!out && cap)) return SIPREG_E_INVAL;
    struct sipreg__buf b = {out, cap, 0};
    for (size_t i = 0; i < r->ncontacts; i++) {
        const struct sipreg__contact *c = &r->contacts[i];
        struct sipreg_str s[3] = {c->uri, sipreg__arena_str(r, c->pub_off, c->pub_len),
                                  sipreg__arena_str(r, c->temp_off, c->temp_len)};
        for (int k = 0; k < 3; k++)
            if (!c->removing && s[k].len && uri_key(&b, s[k]) == 0) sipreg__putl(&b, "\n");
    }
    if (uri_key(&b, r->aor) == 0) sipreg__putl(&b, "\n");
    return key_end(&b);
}

int sipreg_contact(const struct sipreg *r, size_t i, struct sipreg_str *uri,
                   struct sipreg_str *instance) {
    if (!r || !uri || !instance) return SIPREG_E_INVAL;
    for (size_t k = 0; k < r->ncontacts; k++) {
        const struct sipreg__contact *c = &r->contacts[k];
        if (c->removing || i--) continue;
        *uri = c->uri;
        /* RFC 5626 §4.2.1: the instance rides on the contact that carries the flow */
        *instance = r->outbound && c->carrier ? r->instance : sipreg__str(NULL, 0);
        return 0;
    }
    return SIPREG_E_NOT_FOUND;
}
