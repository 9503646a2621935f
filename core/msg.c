/* msg.c — zero-copy, bounded SIP message parser (RFC 3261 §7, §7.3.1, §7.5, §18.3, §25.1):
 * start line, header fields (folding, compact forms), Content-Length framing, mandatory headers,
 * CSeq, To and From (name-addr / addr-spec); header lookup by id.
 *
 * Leniencies (documented): a bare LF ends a line like CRLF does (some stacks and hand-made test
 * traffic send LF-only messages); CRLFs before the start line are skipped (§7.5); a status line
 * may omit the SP before an empty reason phrase (RFC 4475 §3.1.1.13). A control byte other than
 * HTAB is accepted in a header value only as the second byte of a quoted-pair (§25.1
 * quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F), RFC 4475 §3.1.1.2), otherwise SIPREG_E_CHAR. */
#include "internal.h"

/* "no such header yet" marker for the mandatory-header indexes */
#define NONE ((size_t)-1)

/* Index of the first control byte (< 0x20 or DEL) in p[i..n), or n. Eight bytes per step: with
 * u = (lane & 0x7f) + 1 (no carry between lanes), a lane below 0x20 has u <= 0x20 (0xa0 - u sets
 * its high bit), DEL has u = 0x80; bytes from 0x80 up are masked out (~w). Exact for each lane,
 * so the first set lane is the first control byte. */
static size_t scan_ctl(const unsigned char *p, size_t i, size_t n) {
    for (; n - i >= 8; i += 8) {
        const uint64_t w = sipreg__word(p + i),
                       u = (w & SIPREG__LANES_01 * 0x7f) + SIPREG__LANES_01;
        const uint64_t hit = ((SIPREG__LANES_01 * 0xa0 - u) | u) & ~w & SIPREG__LANES_80;
        if (hit) return i + sipreg__first_lane(hit);
    }
    for (; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f) return i;
    return n;
}

/* 1 when p[i] is the second byte of a quoted-pair: an odd run of '\' precedes it on its line. */
static int escaped(const unsigned char *p, size_t line, size_t i) {
    size_t k = i;
    while (k > line && p[k - 1] == '\\')
        k--;
    return ((i - k) & 1) != 0;
}

/* Find the end of the physical line that starts at `start` (§7: CRLF; a bare LF is accepted).
 * Returns 1 with *eol at the terminator and *next after it; 0 when p[..n) ends first; or
 * SIPREG_E_CHAR with *eol at a control byte (a bare CR, or anything but HTAB unless `qp` allows
 * it as a quoted-pair). */
static int find_eol(const unsigned char *p, size_t start, size_t n, int qp, size_t *eol,
                    size_t *next) {
    size_t i = start;
    for (;;) {
        i = scan_ctl(p, i, n);
        if (i == n) return 0;
        const unsigned char c = p[i];
        if (c == '\n' || c == '\r') {
            *eol = i;
            if (c == '\n') {
                *next = i + 1;
                return 1;
            }
            if (i + 1 == n) return 0;
            if (p[i + 1] == '\n') {
                *next = i + 2;
                return 1;
            }
            return SIPREG_E_CHAR; /* CR is only allowed as part of CRLF (§7) */
        }
        if (c == '\t' || (qp && escaped(p, start, i))) {
            i++;
            continue;
        }
        *eol = i;
        return SIPREG_E_CHAR;
    }
}

/* 1 when the n bytes at p equal the lowercase literal `lit` ignoring ASCII case. The name holds
 * only token bytes, and no token byte other than a letter maps onto a letter or '-' with |0x20. */
static inline int name_is(const unsigned char *p, const char *lit, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((p[i] | 0x20) != (unsigned char)lit[i]) return 0;
    return 1;
}

/* Header id of the field name p[0..n): full names ignoring case (§7.3.1) and the compact forms of
 * §7.3.3 (m i f t v l k c e s); a switch on length and first letter, one compare per candidate. */
/* clang-format off */
static int hdr_id(const unsigned char *p, size_t n) {
    const unsigned char c = (unsigned char)(p[0] | 0x20);
#define IS(lit, id) if (name_is(p, lit, n)) return id
    switch (n) {
    case 1:
        switch (c) {
        case 'v': return SIPREG_H_VIA;            case 't': return SIPREG_H_TO;
        case 'f': return SIPREG_H_FROM;           case 'i': return SIPREG_H_CALL_ID;
        case 'm': return SIPREG_H_CONTACT;        case 'l': return SIPREG_H_CONTENT_LENGTH;
        case 'c': return SIPREG_H_CONTENT_TYPE;   case 'e': return SIPREG_H_CONTENT_ENCODING;
        case 's': return SIPREG_H_SUBJECT;        case 'k': return SIPREG_H_SUPPORTED;
        default: return SIPREG_H_OTHER;
        }
    case 2: IS("to", SIPREG_H_TO); break;
    case 3: IS("via", SIPREG_H_VIA); break;
    case 4:
        switch (c) {
        case 'c': IS("cseq", SIPREG_H_CSEQ); break;
        case 'f': IS("from", SIPREG_H_FROM); break;
        case 'd': IS("date", SIPREG_H_DATE); break;
        case 'p': IS("path", SIPREG_H_PATH); break;
        }
        break;
    case 5: IS("route", SIPREG_H_ROUTE); break;
    case 6: IS("server", SIPREG_H_SERVER); break;
    case 7:
        switch (c) {
        case 'c': IS("call-id", SIPREG_H_CALL_ID); IS("contact", SIPREG_H_CONTACT); break;
        case 'e': IS("expires", SIPREG_H_EXPIRES); break;
        case 'r': IS("require", SIPREG_H_REQUIRE); break;
        case 's': IS("subject", SIPREG_H_SUBJECT); break;
        }
        break;
    case 9: IS("supported", SIPREG_H_SUPPORTED); break;
    case 10:
        switch (c) {
        case 'f': IS("flow-timer", SIPREG_H_FLOW_TIMER); break;
        case 'u': IS("user-agent", SIPREG_H_USER_AGENT); break;
        }
        break;
    case 11:
        switch (c) {
        case 'm': IS("min-expires", SIPREG_H_MIN_EXPIRES); break;
        case 'r': IS("retry-after", SIPREG_H_RETRY_AFTER); break;
        case 'u': IS("unsupported", SIPREG_H_UNSUPPORTED); break;
        }
        break;
    case 12:
        switch (c) {
        case 'c': IS("content-type", SIPREG_H_CONTENT_TYPE); break;
        case 'm': IS("max-forwards", SIPREG_H_MAX_FORWARDS); break;
        case 'r': IS("record-route", SIPREG_H_RECORD_ROUTE); break;
        }
        break;
    case 13:
        switch (c) {
        case 'a': IS("authorization", SIPREG_H_AUTHORIZATION); break;
        case 's': IS("service-route", SIPREG_H_SERVICE_ROUTE); break;
        }
        break;
    case 14: IS("content-length", SIPREG_H_CONTENT_LENGTH); break;
    case 16:
        switch (c) {
        case 'w': IS("www-authenticate", SIPREG_H_WWW_AUTHENTICATE); break;
        case 'c': IS("content-encoding", SIPREG_H_CONTENT_ENCODING); break;
        }
        break;
    case 18: IS("proxy-authenticate", SIPREG_H_PROXY_AUTHENTICATE); break;
    case 19: IS("proxy-authorization", SIPREG_H_PROXY_AUTHORIZATION); break;
    default: break;
    }
#undef IS
    return SIPREG_H_OTHER;
}
/* clang-format on */

/* 1 when byte c is a token character (§25.1). */

/* 1 when byte c may appear in a Request-URI: visible ASCII except the bytes no URI may hold
 * (SP, '"', '<', '>', '\', '^', '`', '{', '|', '}': RFC 3986 §2, RFC 3261 §25.1). */
static inline int is_uri_char(unsigned char c) {
    static const unsigned char EXCLUDED[128] = {
        ['"'] = 1, ['<'] = 1, ['>'] = 1, ['\\'] = 1, ['^'] = 1,
        ['`'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1};
    return c > 0x20 && c < 0x7f && !EXCLUDED[c];
}

/* 1 when p[0..n) is "SIP/2.0"; the SIP-Version string is case-insensitive (§7.1). */
static int is_sip20(const unsigned char *p, size_t n) {
    return n == 7 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
           p[3] == '/' && p[4] == '2' && p[5] == '.' && p[6] == '0';
}

/* Parse the start line p[s..e) (terminator excluded) into out: Status-Line or Request-Line
 * (§7.1, §7.2, §25.1). Returns 0 or an error with *bad at the offending byte. */
static int parse_start_line(struct sipreg_msg *out, const unsigned char *p, size_t s, size_t e,
                            size_t *bad) {
    size_t sp = s;
    while (sp < e && p[sp] != ' ')
        sp++;
    if (memchr(p + s, '/', sp - s)) {
        /* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2); a first word with
         * '/' cannot be a Method (token), so it is a version: "SIP/3.0", "HTTP/1.1". */
        if (!is_sip20(p + s, sp - s)) {
            *bad = s;
            return SIPREG_E_VERSION;
        }
        if (sp == e) {
            *bad = e;
            return SIPREG_E_START_LINE;
        }
        size_t d = sp + 1;
        while (d < e && p[d] >= '0' && p[d] <= '9')
            d++;
        /* Status-Code = 3DIGIT (§25.1), 100..699 (§7.2; "4294967301", RFC 4475 §3.1.2.19) */
        if (d - (sp + 1) != 3 || (d < e && p[d] != ' ') || p[sp + 1] < '1' || p[sp + 1] > '6') {
            *bad = sp + 1;
            return SIPREG_E_STATUS;
        }
        out->type = SIPREG_RESPONSE;
        out->status = (p[sp + 1] - '0') * 100 + (p[sp + 2] - '0') * 10 + (p[sp + 3] - '0');
        /* Reason-Phrase may be empty, and the SP before it missing (RFC 4475 §3.1.1.13) */
        const size_t r = d < e ? d + 1 : e;
        out->reason = sipreg__str((const char *)p + r, e - r);
        return 0;
    }
    /* Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1) */
    for (size_t i = s; i < sp; i++)
        if (!sipreg__is_token(p[i])) {
            *bad = i;
            return SIPREG_E_METHOD;
        }
    if (sp == s) {
        *bad = s;
        return SIPREG_E_METHOD;
    }
    if (sp == e) { /* a lone word */
        *bad = e;
        return SIPREG_E_START_LINE;
    }
    if (p[e - 1] == ' ' || p[e - 1] == '\t') { /* SP at the end (RFC 4475 §3.1.2.10) */
        size_t t = e;
        while (t > sp && (p[t - 1] == ' ' || p[t - 1] == '\t'))
            t--;
        *bad = t;
        return SIPREG_E_START_LINE;
    }
    size_t last = e;
    while (last > sp && p[last - 1] != ' ')
        last--;
    last--; /* the SP before SIP-Version */
    if (last == sp) {
        *bad = e; /* only two words */
        return SIPREG_E_START_LINE;
    }
    for (size_t i = sp + 1; i < last; i++) {
        if (p[i] == ' ') { /* several SP or LWS inside the Request-URI (RFC 4475 §3.1.2.8/9) */
            *bad = i;
            return SIPREG_E_START_LINE;
        }
        if (!is_uri_char(p[i])) { /* e.g. "<sip:...>" (RFC 4475 §3.1.2.7) */
            *bad = i;
            return SIPREG_E_URI;
        }
    }
    if (!is_sip20(p + last + 1, e - last - 1)) {
        *bad = last + 1;
        return SIPREG_E_VERSION;
    }
    out->type = SIPREG_REQUEST;
    out->method = sipreg__str((const char *)p + s, sp - s);
    out->ruri = sipreg__str((const char *)p + sp + 1, last - sp - 1);
    return 0;
}

/* Offset of the first non-digit of s, relative to s.p (s.len when all are digits). */
static size_t first_nondigit(struct sipreg_str s) {
    size_t i = 0;
    while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    return i;
}

/* CSeq = "CSeq" HCOLON 1*DIGIT LWS Method (§20.16, §25.1), the number below 2^31 (§8.1.1.5).
 * Returns 0 or SIPREG_E_CSEQ with *bad relative to v.p. */
static int cseq_parse(struct sipreg_str v, struct sipreg_cseq *out, size_t *bad) {
    const struct sipreg_str s = sipreg__skip_lws(v);
    const size_t nd = first_nondigit(s);
    uint64_t seq = 0;
    if (nd == 0 || sipreg__parse_u64(sipreg__str(s.p, nd), (uint64_t)1 << 31, &seq) < 0 ||
        seq >= (uint64_t)1 << 31) {
        *bad = (size_t)(s.p - v.p);
        return SIPREG_E_CSEQ;
    }
    const struct sipreg_str rest = sipreg__str(s.p + nd, s.len - nd);
    const struct sipreg_str m = sipreg__skip_lws(rest);
    size_t k = 0;
    while (k < m.len && sipreg__is_token((unsigned char)m.p[k]))
        k++;
    if (m.p == rest.p || k == 0) { /* LWS, then a Method token */
        *bad = (size_t)(m.p - v.p);
        return SIPREG_E_CSEQ;
    }
    const struct sipreg_str tail = sipreg__trim(sipreg__str(m.p + k, m.len - k));
    if (tail.len) {
        *bad = (size_t)(tail.p - v.p);
        return SIPREG_E_CSEQ;
    }
    out->seq = (uint32_t)seq;
    out->method = sipreg__str(m.p, k);
    return 0;
}

/* Error for input that ends (at the SIPREG_MAX_MESSAGE scan limit n, or at len) before the header
 * section does: SIPREG_E_TOO_BIG or SIPREG_E_INCOMPLETE (§7: the empty line is mandatory). */
static int ran_out(size_t len, size_t n, size_t *bad) {
    *bad = n;
    return len > n ? SIPREG_E_TOO_BIG : SIPREG_E_INCOMPLETE;
}

/* The single-valued mandatory headers (§8.1.1) may repeat only with an identical value (§7.3.1:
 * several rows are allowed only for comma-separated lists). 0, or the error for the second row. */
static int check_repeat(const struct sipreg_hdr *first, const struct sipreg_hdr *again) {
    if (sipreg__eq(sipreg__trim(first->value), sipreg__trim(again->value))) return 0;
    return again->id == SIPREG_H_CSEQ ? SIPREG_E_CSEQ : SIPREG_E_HEADER_VALUE;
}

/* The body of sipreg_msg_parse; *bad gets the error offset (clamped by the caller). */
static int parse(struct sipreg_msg *out, const unsigned char *p, size_t len,
                 struct sipreg_hdr *hdrs, size_t max_hdrs, size_t *bad) {
    const size_t n = len > SIPREG_MAX_MESSAGE ? SIPREG_MAX_MESSAGE : len; /* scan limit */
    size_t i = 0, eol = 0, next = 0;

    /* §7.5: CRLFs before the start line are ignored */
    while (i < n && (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')))
        i += p[i] == '\n' ? 1 : 2;

    size_t lim = n - i > SIPREG_MAX_LINE + 2 ? i + SIPREG_MAX_LINE + 2 : n;
    int r = find_eol(p, i, lim, 0, &eol, &next);
    if (r < 0) {
        *bad = eol;
        return r;
    }
    if (r == 0 && lim < n) {
        *bad = i + SIPREG_MAX_LINE;
        return SIPREG_E_LINE_TOO_LONG;
    }
    if (r == 0) return ran_out(len, n, bad);
    if (eol - i > SIPREG_MAX_LINE) {
        *bad = i + SIPREG_MAX_LINE;
        return SIPREG_E_LINE_TOO_LONG;
    }
    if ((r = parse_start_line(out, p, i, eol, bad)) < 0) return r;

    size_t nh = 0, line = next, body = 0;
    size_t idx_call_id = NONE, idx_cseq = NONE, idx_from = NONE, idx_to = NONE, idx_via = NONE;
    size_t idx_clen = NONE;
    uint64_t clen = 0;

    for (;;) {
        if (line >= n) return ran_out(len, n, bad);
        const unsigned char c0 = p[line];
        if (c0 == '\n' || c0 == '\r') { /* the empty line ends the header section (§7) */
            if (c0 == '\n') {
                body = line + 1;
                break;
            }
            if (line + 1 >= n) return ran_out(len, n, bad);
            if (p[line + 1] == '\n') {
                body = line + 2;
                break;
            }
            *bad = line;
            return SIPREG_E_CHAR;
        }
        if (c0 == ' ' || c0 == '\t') { /* a continuation of the start line: no folding there */
            *bad = line;
            return SIPREG_E_HEADER_NAME;
        }
        /* field-name = token, then *(SP / HTAB) ":" (HCOLON, §25.1), all within the line limit */
        lim = n - line > SIPREG_MAX_LINE + 2 ? line + SIPREG_MAX_LINE + 2 : n;
        size_t j = line;
        while (j < lim && sipreg__is_token(p[j]))
            j++;
        const size_t name_end = j;
        while (j < lim && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j >= lim && lim < n) {
            *bad = line + SIPREG_MAX_LINE;
            return SIPREG_E_LINE_TOO_LONG;
        }
        if (j >= n) return ran_out(len, n, bad);
        if (p[j] != ':') {
            *bad = j;
            if (p[j] == '\r' || p[j] == '\n') return SIPREG_E_HEADER_COLON;
            if (p[j] < 0x20 || p[j] == 0x7f) return SIPREG_E_CHAR;
            return j == name_end ? SIPREG_E_HEADER_NAME : SIPREG_E_HEADER_COLON;
        }
        if (name_end == line) {
            *bad = line;
            return SIPREG_E_HEADER_NAME;
        }
        /* the value: this line and every continuation line (one starting with SP or HTAB,
         * §7.3.1), bounded by SIPREG_MAX_LINE for the whole field */
        size_t from = j + 1;
        for (;;) {
            r = find_eol(p, from, lim, 1, &eol, &next);
            if (r < 0) {
                *bad = eol;
                return r;
            }
            if (r == 0 && lim < n) {
                *bad = line + SIPREG_MAX_LINE;
                return SIPREG_E_LINE_TOO_LONG;
            }
            if (r == 0) return ran_out(len, n, bad);
            if (next >= n || (p[next] != ' ' && p[next] != '\t')) break;
            from = next;
        }
        if (eol - line > SIPREG_MAX_LINE) {
            *bad = line + SIPREG_MAX_LINE;
            return SIPREG_E_LINE_TOO_LONG;
        }
        if (nh == max_hdrs) {
            *bad = line;
            return SIPREG_E_TOO_MANY_HEADERS;
        }
        struct sipreg_hdr *h = &hdrs[nh];
        h->id = hdr_id(p + line, name_end - line);
        h->name = sipreg__str((const char *)p + line, name_end - line);
        h->value = sipreg__skip_lws(sipreg__str((const char *)p + j + 1, eol - j - 1));

        size_t *first = NULL;
        switch (h->id) {
        case SIPREG_H_CONTENT_LENGTH: {
            /* Content-Length = 1*DIGIT (§20.14); "-999" and "five" are errors (RFC 4475
             * §3.1.2.3); several that disagree make the framing unknowable (§3.3.9) */
            const struct sipreg_str v = sipreg__trim(h->value);
            uint64_t cl = 0;
            if (sipreg__parse_u64(v, (uint64_t)SIPREG_MAX_MESSAGE + 1, &cl) < 0) {
                *bad = (size_t)((const unsigned char *)v.p - p) + first_nondigit(v);
                return SIPREG_E_CONTENT_LENGTH;
            }
            if (idx_clen != NONE && cl != clen) {
                *bad = (size_t)((const unsigned char *)v.p - p);
                return SIPREG_E_CONTENT_LENGTH;
            }
            idx_clen = nh;
            clen = cl;
            break;
        }
        case SIPREG_H_CALL_ID:
            first = &idx_call_id;
            break;
        case SIPREG_H_CSEQ:
            first = &idx_cseq;
            break;
        case SIPREG_H_FROM:
            first = &idx_from;
            break;
        case SIPREG_H_TO:
            first = &idx_to;
            break;
        case SIPREG_H_VIA:
            if (idx_via == NONE) idx_via = nh;
            break;
        default:
            break;
        }
        if (first) {
            if (*first == NONE) {
                *first = nh;
            } else if ((r = check_repeat(&hdrs[*first], h)) < 0) {
                *bad = (size_t)((const unsigned char *)h->value.p - p);
                return r;
            }
        }
        nh++;
        line = next;
    }
    out->hdrs = hdrs;
    out->nhdrs = nh;

    /* §8.1.1: Call-ID, CSeq, From, To and Via are mandatory (RFC 4475 §3.3.1) */
    if (idx_call_id == NONE || idx_cseq == NONE || idx_from == NONE || idx_to == NONE ||
        idx_via == NONE) {
        *bad = line;
        return SIPREG_E_MISSING_HEADER;
    }
    struct sipreg_cseq cs;
    const struct sipreg_hdr *hc = &hdrs[idx_cseq];
    size_t rel = 0;
    if ((r = cseq_parse(hc->value, &cs, &rel)) < 0) {
        *bad = (size_t)((const unsigned char *)hc->value.p - p) + rel;
        return r;
    }
    /* §8.1.1.5: the CSeq method MUST match the request's (case-sensitive, §20.16) */
    if (out->type == SIPREG_REQUEST && !sipreg__eq(cs.method, out->method)) {
        *bad = (size_t)((const unsigned char *)cs.method.p - p);
        return SIPREG_E_CSEQ;
    }
    /* To / From = ( name-addr / addr-spec ) *( SEMI to-param / from-param ) (§20.20, §20.39,
     * §25.1): a malformed one makes the message invalid (RFC 4475 §3.1.2.6: an unterminated
     * quoted display name; the parser infers no end) */
    const size_t addr_idx[2] = {idx_to, idx_from};
    for (size_t k = 0; k < 2; k++) {
        const struct sipreg_hdr *h = &hdrs[addr_idx[k]];
        struct sipreg_nameaddr na;
        if ((r = sipreg_nameaddr_parse(&na, h->value, &rel)) < 0) {
            *bad = (size_t)((const unsigned char *)h->value.p - p) + rel;
            return r;
        }
    }

    /* Framing (§18.3): with Content-Length the body is that many bytes and anything after them
     * is not part of the message; a packet ending early is an error. Without it the body is
     * the rest of the buffer (message-oriented transports: §18.3, RFC 7118 §5). */
    size_t end;
    if (idx_clen != NONE) {
        if (clen > (uint64_t)(SIPREG_MAX_MESSAGE - body)) {
            *bad = (size_t)((const unsigned char *)hdrs[idx_clen].value.p - p);
            return SIPREG_E_TOO_BIG;
        }
        end = body + (size_t)clen;
        if (end > len) {
            *bad = len;
            return SIPREG_E_BODY;
        }
    } else {
        if (len > SIPREG_MAX_MESSAGE) {
            *bad = SIPREG_MAX_MESSAGE;
            return SIPREG_E_TOO_BIG;
        }
        end = len;
    }
    out->body = sipreg__str((const char *)p + body, end - body);
    out->length = end;
    return 0;
}

int sipreg_msg_parse(struct sipreg_msg *out, const char *buf, size_t len, struct sipreg_hdr *hdrs,
                     size_t max_hdrs, size_t *err_off) {
    size_t bad = 0;
    int r;
    if (!out || (!buf && len) || (!hdrs && max_hdrs)) {
        r = SIPREG_E_INVAL;
    } else {
        out->type = 0;
        out->status = 0;
        out->reason = out->method = out->ruri = out->body = sipreg__str(NULL, 0);
        out->hdrs = hdrs;
        out->nhdrs = 0;
        out->length = 0;
        r = parse(out, (const unsigned char *)buf, len, hdrs, max_hdrs, &bad);
        /* a missing mandatory header or a bad CSeq is found after the header section: its fields
         * stay readable, so that a UAS can answer 400 (RFC 3261 §8.1.1, §8.2) */
        if (r < 0 && r != SIPREG_E_MISSING_HEADER && r != SIPREG_E_CSEQ) out->nhdrs = 0;
    }
    if (err_off) *err_off = r < 0 ? (bad < len ? bad : len) : 0;
    return r;
}

const struct sipreg_hdr *sipreg_msg_find(const struct sipreg_msg *m, int id, size_t *pos) {
    for (size_t i = pos ? *pos : 0; i < m->nhdrs; i++) {
        if (m->hdrs[i].id == id) {
            if (pos) *pos = i + 1;
            return &m->hdrs[i];
        }
    }
    if (pos) *pos = m->nhdrs;
    return NULL;
}

int sipreg_msg_cseq(const struct sipreg_msg *m, struct sipreg_cseq *out) {
    const struct sipreg_hdr *h = sipreg_msg_find(m, SIPREG_H_CSEQ, NULL);
    size_t rel = 0;
    if (!h) return SIPREG_E_NOT_FOUND;
    return cseq_parse(h->value, out, &rel);
}

struct sipreg_str sipreg_msg_call_id(const struct sipreg_msg *m) {
    /* callid = word ["@" word] (§20.8): no inner LWS, so trimming gives the value */
    const struct sipreg_hdr *h = sipreg_msg_find(m, SIPREG_H_CALL_ID, NULL);
    return h ? sipreg__trim(h->value) : sipreg__str(NULL, 0);
}
