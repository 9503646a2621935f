/* compose.c — REGISTER composition (RFC 3261 §10.2, RFC 7118 §5, RFC 5626 §4.2, RFC 3581).
 * A pure function of `struct sipreg_register_req`: same request in, same bytes out. */
#include "internal.h"

int sipreg_transport_reliable(int transport) { return transport != SIPREG_TP_UDP; }

/* Via transport token per transport kind (RFC 3261 §20.42, RFC 7118 §5.1). */
static const char *via_token(int transport) {
    switch (transport) {
    case SIPREG_TP_WS:
        return "WS";
    case SIPREG_TP_WSS:
        return "WSS";
    case SIPREG_TP_UDP:
        return "UDP";
    case SIPREG_TP_TCP:
        return "TCP";
    case SIPREG_TP_TLS:
        return "TLS";
    default:
        return NULL;
    }
}

void sipreg__compose_head(struct sipreg__buf *b, const char *method, const struct sipreg__head *h) {
    sipreg__putc(b, method);
    sipreg__putl(b, " ");
    sipreg__puts(b, h->ruri);
    sipreg__putl(b, " SIP/2.0\r\n");

    /* §8.1.1.7 Via with a z9hG4bK branch; RFC 7118 §5: WS/WSS and a random .invalid host;
     * RFC 3581 §3: ask for rport over UDP, where NAT rewrites the source port */
    sipreg__putl(b, "Via: SIP/2.0/");
    sipreg__putc(b, via_token(h->transport));
    sipreg__putl(b, " ");
    sipreg__puts(b, h->via_host);
    if (h->via_port > 0) {
        sipreg__putl(b, ":");
        sipreg__puti(b, h->via_port);
    }
    if (h->transport == SIPREG_TP_UDP) sipreg__putl(b, ";rport");
#ifndef SIPREG_NO_MULTICAST
    if (h->maddr.len) {
        /* §18.1.1: a request sent to a multicast address names it in maddr, with ttl (1) */
        sipreg__putl(b, ";maddr=");
        sipreg__puts(b, h->maddr);
        sipreg__putl(b, ";ttl=");
        sipreg__puti(b, h->ttl);
    }
#endif
    sipreg__putl(b, ";branch=");
    sipreg__puts(b, h->branch);
    sipreg__putl(b, "\r\nMax-Forwards: 70\r\n"); /* §8.1.1.6 */
    if (h->route.len) {
        /* §8.1.2: a UA with an outbound proxy puts it in a pre-existing route set, as a Route
         * header of every request outside a dialog (loose routing: the URI carries ;lr) */
        sipreg__putl(b, "Route: <");
        sipreg__puts(b, h->route);
        sipreg__putl(b, ">\r\n");
    }

    /* §8.1.1.2, §8.1.1.3: To, From with our tag; §8.1.1.4 Call-ID; §8.1.1.5 CSeq */
    sipreg__putl(b, "To: <");
    sipreg__puts(b, h->to);
    sipreg__putl(b, ">\r\nFrom: <");
    sipreg__puts(b, h->from);
    sipreg__putl(b, ">;tag=");
    sipreg__puts(b, h->from_tag);
    sipreg__putl(b, "\r\nCall-ID: ");
    sipreg__puts(b, h->call_id);
    sipreg__putl(b, "\r\nCSeq: ");
    sipreg__putu(b, h->cseq);
    sipreg__putl(b, " ");
    sipreg__putc(b, method);
    sipreg__putl(b, "\r\n");
}

/* 1 when s holds no CR, LF or NUL (no header injection through a field value). */
static int single_line(struct sipreg_str s) {
    /* eight bytes at a time (the values composed here are hundreds of bytes: credentials, URIs) */
    size_t i = 0;
    for (; s.len - i >= 8; i += 8) {
        const uint64_t w = sipreg__word(s.p + i);
        if (sipreg__lanes_eq(w, '\r') | sipreg__lanes_eq(w, '\n') | sipreg__lanes_eq(w, 0))
            return 0;
    }
    for (; i < s.len; i++)
        if (s.p[i] == '\r' || s.p[i] == '\n' || s.p[i] == '\0') return 0;
    return 1;
}

/* 1 when s is empty or a sequence of "Name: value\r\n" lines (no empty line, no bare CR/LF). */
static int header_lines(struct sipreg_str s) {
    size_t i = 0;
    while (i < s.len) {
        size_t start = i;
        while (i < s.len && s.p[i] != '\r' && s.p[i] != '\n' && s.p[i] != '\0')
            i++;
        if (i == start || i + 1 >= s.len || s.p[i] != '\r' || s.p[i + 1] != '\n') return 0;
        /* the line must start with a token followed by ':' (RFC 3261 §7.3) */
        size_t j = start;
        while (j < i && sipreg__is_token((unsigned char)s.p[j]))
            j++;
        if (j == start) return 0;
        while (j < i && (s.p[j] == ' ' || s.p[j] == '\t'))
            j++;
        if (j >= i || s.p[j] != ':') return 0;
        i += 2;
    }
    return 1;
}

/* 1 when every caller-supplied field is present where required and free of line breaks. */
static int request_valid(const struct sipreg_register_req *req) {
    if (!req->ruri.len || !req->aor.len || !req->call_id.len || !req->from_tag.len ||
        !req->branch.len || !req->via_host.len || !via_token(req->transport))
        return 0;
    const struct sipreg_str one_line[] = {
        req->ruri,   req->aor,       req->from_tag,   req->call_id,       req->via_host,
        req->branch, req->supported, req->user_agent, req->authorization, req->proxy_authorization,
        req->from,   req->route};
    for (size_t i = 0; i < sizeof one_line / sizeof one_line[0]; i++)
        if (!single_line(one_line[i])) return 0;
    if (!header_lines(req->extra)) return 0;
    /* §10.2.2: "*" only with Expires 0 and no other Contact */
    if (req->star && req->ncontacts) return 0;
    if (req->ncontacts > SIPREG_MAX_CONTACTS) return 0;
    for (size_t i = 0; i < req->ncontacts; i++) {
        const struct sipreg_contact_out *c = &req->contacts[i];
        if (!c->uri.len || !single_line(c->uri) || !single_line(c->instance) || c->q > 1000)
            return 0;
    }
    /* §8.1.1.5: CSeq below 2^31 */
    return req->cseq < 0x80000000u;
}

/* One Contact header field (§20.10; RFC 5626 §4.2 for +sip.instance and reg-id). The URI is
 * always inside <> so that its own parameters are not read as header parameters (§20.10). */
static void put_contact(struct sipreg__buf *b, const struct sipreg_contact_out *c) {
    sipreg__putl(b, "Contact: <");
    sipreg__puts(b, c->uri);
    sipreg__putl(b, ">");
    if (c->expires >= 0) {
        sipreg__putl(b, ";expires=");
        sipreg__puti(b, c->expires);
    }
    if (c->q >= 0) {
        sipreg__putl(b, ";q=");
        sipreg__putq(b, c->q);
    }
    if (c->instance.len) {
        /* RFC 5626 §4.1: +sip.instance="<urn:uuid:...>" (RFC 3840 string form, brackets) */
        sipreg__putl(b, ";+sip.instance=\"<");
        sipreg__puts(b, c->instance);
        sipreg__putl(b, ">\"");
    }
    if (c->reg_id >= 0) {
        sipreg__putl(b, ";reg-id=");
        sipreg__puti(b, c->reg_id);
    }
    sipreg__putl(b, "\r\n");
}

int sipreg_compose_register(const struct sipreg_register_req *req, char *buf, size_t cap) {
    if (!req || (!buf && cap) || !request_valid(req)) return SIPREG_E_INVAL;
    struct sipreg__buf b = {buf, cap, 0};

    /* §10.2: Request-URI names the registrar's domain, no userinfo; To = the AOR; From = the
     * AOR (first-party registration) or the one responsible for it (third-party) */
    struct sipreg__head h = {req->ruri,      req->aor,      req->from.len ? req->from : req->aor,
                             req->from_tag,  req->call_id,  req->cseq,
                             req->transport, req->via_host, req->via_port,
                             req->branch,    req->route,    req->maddr,
                             req->ttl};
    sipreg__compose_head(&b, "REGISTER", &h);

    if (req->star) {
        /* §10.2.2: remove all bindings: Contact "*" with Expires 0 */
        sipreg__putl(&b, "Contact: *\r\nExpires: 0\r\n");
    } else {
        /* §10.2.1: one Contact per binding; none at all is a query (§10.2.3) */
        for (size_t i = 0; i < req->ncontacts; i++)
            put_contact(&b, &req->contacts[i]);
        if (req->expires >= 0) {
            sipreg__putl(&b, "Expires: "); /* §10.2.1.1 */
            sipreg__puti(&b, req->expires);
            sipreg__putl(&b, "\r\n");
        }
    }
    if (req->supported.len) {
        sipreg__putl(&b, "Supported: "); /* RFC 3327 path, RFC 5627 gruu, RFC 5626 outbound */
        sipreg__puts(&b, req->supported);
        sipreg__putl(&b, "\r\n");
    }
    if (req->user_agent.len) {
        sipreg__putl(&b, "User-Agent: ");
        sipreg__puts(&b, req->user_agent);
        sipreg__putl(&b, "\r\n");
    }
    if (req->proxy_authorization.len) {
        /* §22.3: a proxy's credentials, next to the registrar's (both when both challenged) */
        sipreg__putl(&b, "Proxy-Authorization: ");
        sipreg__puts(&b, req->proxy_authorization);
        sipreg__putl(&b, "\r\n");
    }
    if (req->authorization.len) {
        /* §22.2 (401) / §22.3 (407) */
        sipreg__putc(&b, req->proxy_auth ? "Proxy-Authorization: " : "Authorization: ");
        sipreg__puts(&b, req->authorization);
        sipreg__putl(&b, "\r\n");
    }
    sipreg__puts(&b, req->extra);
    sipreg__putl(&b, "Content-Length: 0\r\n\r\n");

    if (sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    if (b.len > SIPREG_MAX_MESSAGE) return SIPREG_E_LIMIT;
    return (int)b.len;
}
