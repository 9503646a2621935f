/* contender_osip.c — libosip2 (Debian libosip2-dev 5.3): the same parse walk and REGISTER
 * composition as contender_sipreg.c, written the way a libosip2 user would. */
#include <osipparser2/osip_md5.h>
#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

int osip_bench_init(void) { return parser_init(); }

static long slen(const char *s) { return s ? (long)strlen(s) : 0; }

static long reject(struct walk_info *info, osip_message_t *m, const char *why) {
    if (info && !info->why[0]) snprintf(info->why, sizeof info->why, "%s", why);
    if (m) osip_message_free(m);
    return -1;
}

long walk_osip(const char *buf, size_t len, struct walk_info *info) {
    osip_message_t *m = NULL;
    if (osip_message_init(&m) != 0) return reject(info, NULL, "osip_message_init failed");
    if (osip_message_parse(m, buf, len) != 0) return reject(info, m, "osip_message_parse failed");
    long sum = m->status_code + slen(m->sip_method);
    osip_call_id_t *cid = osip_message_get_call_id(m);
    if (cid) sum += slen(cid->number);
    osip_cseq_t *cs = osip_message_get_cseq(m);
    if (cs && cs->number) sum += atol(cs->number);

    int n = 0, parsed = 0;
    osip_contact_t *ct = NULL;
    for (int pos = 0; osip_message_get_contact(m, pos, &ct) >= 0; pos++) {
        osip_uri_t *u = osip_contact_get_url(ct);
        if (!u) continue; /* "*" */
        n++;
        if (u->host || u->string) parsed++;
        sum += slen(u->scheme) + slen(u->username) + slen(u->host) + slen(u->string);
        if (u->port) sum += atol(u->port);
        osip_generic_param_t *gp = NULL;
        if (osip_contact_param_get_byname(ct, "expires", &gp) == 0 && gp && gp->gvalue)
            sum += atol(gp->gvalue);
        gp = NULL;
        if (osip_contact_param_get_byname(ct, "q", &gp) == 0 && gp && gp->gvalue)
            sum += (long)(strtod(gp->gvalue, NULL) * 1000);
    }
    osip_www_authenticate_t *wa = NULL;
    for (int pos = 0; osip_message_get_www_authenticate(m, pos, &wa) >= 0; pos++)
        sum += slen(osip_www_authenticate_get_realm(wa)) + slen(osip_www_authenticate_get_nonce(wa)) +
               slen(osip_www_authenticate_get_algorithm(wa)) +
               slen(osip_www_authenticate_get_qop_options(wa));
    osip_header_t *h = NULL;
    if (osip_message_get_expires(m, 0, &h) >= 0 && h && h->hvalue) sum += atol(h->hvalue);
    h = NULL;
    if (osip_message_header_get_byname(m, "min-expires", 0, &h) >= 0 && h && h->hvalue)
        sum += atol(h->hvalue);
    osip_message_free(m);
    if (info) {
        info->contacts = n;
        info->uris_parsed = parsed;
    }
    return sum;
}

/* ---- compose ---- */

static struct {
    const struct compose_case *cc;
    char realm[128], nonce[128], opaque[128];
} S;

/* Copy a (possibly quoted) value without its quotes. */
static void unquote(char *dst, size_t cap, const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    if (n >= cap) n = cap - 1;
    if (n) memcpy(dst, s, n);
    dst[n] = 0;
}

static int osip_setup(const struct compose_case *cc) {
    S.cc = cc;
    osip_message_t *m = NULL;
    osip_www_authenticate_t *wa = NULL;
    if (osip_message_init(&m) != 0) return -1;
    if (osip_message_parse(m, cc->challenge, cc->challenge_len) != 0 ||
        osip_message_get_www_authenticate(m, 0, &wa) < 0) {
        osip_message_free(m);
        return -1;
    }
    unquote(S.realm, sizeof S.realm, osip_www_authenticate_get_realm(wa));
    unquote(S.nonce, sizeof S.nonce, osip_www_authenticate_get_nonce(wa));
    unquote(S.opaque, sizeof S.opaque, osip_www_authenticate_get_opaque(wa));
    osip_message_free(m);
    return 0;
}

/* MD5 of s as 32 lowercase hex digits into hex[33]. */
static void md5_hex(const char *s, size_t n, char hex[33]) {
    static const char digits[] = "0123456789abcdef";
    osip_MD5_CTX ctx;
    unsigned char d[16];
    osip_MD5Init(&ctx);
    osip_MD5Update(&ctx, (unsigned char *)s, (unsigned)n);
    osip_MD5Final(d, &ctx);
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[32] = 0;
}

static int osip_compose(unsigned seq, char *buf, size_t cap) {
    const struct compose_case *cc = S.cc;
    static unsigned long branch_counter = 0x5a17c0de;
    char tmp[1024], ha1[33], ha2[33], resp[33];
    int n;

    /* RFC 2617 §3.2.2 with qop=auth */
    n = snprintf(tmp, sizeof tmp, "%s:%s:%s", cc->username, S.realm, cc->password);
    md5_hex(tmp, (size_t)n, ha1);
    n = snprintf(tmp, sizeof tmp, "REGISTER:%s", cc->ruri);
    md5_hex(tmp, (size_t)n, ha2);
    n = snprintf(tmp, sizeof tmp, "%s:%s:%08x:%s:auth:%s", ha1, S.nonce, seq, cc->cnonce, ha2);
    md5_hex(tmp, (size_t)n, resp);

    osip_message_t *m = NULL;
    osip_uri_t *ruri = NULL;
    if (osip_message_init(&m) != 0) return -1;
    osip_message_set_method(m, osip_strdup("REGISTER"));
    osip_message_set_version(m, osip_strdup("SIP/2.0"));
    if (osip_uri_init(&ruri) != 0 || osip_uri_parse(ruri, cc->ruri) != 0) {
        if (ruri) osip_uri_free(ruri);
        osip_message_free(m);
        return -1;
    }
    osip_message_set_uri(m, ruri);
    branch_counter = branch_counter * 6364136223846793005UL + 1442695040888963407UL;
    snprintf(tmp, sizeof tmp, "SIP/2.0/WSS %s;branch=z9hG4bK%016lx", cc->via_host, branch_counter);
    osip_message_set_via(m, tmp);
    osip_message_set_max_forwards(m, "70");
    snprintf(tmp, sizeof tmp, "<%s>", cc->aor);
    osip_message_set_to(m, tmp);
    snprintf(tmp, sizeof tmp, "<%s>;tag=%s", cc->aor, cc->from_tag);
    osip_message_set_from(m, tmp);
    osip_message_set_call_id(m, cc->call_id);
    snprintf(tmp, sizeof tmp, "%u REGISTER", seq);
    osip_message_set_cseq(m, tmp);
    snprintf(tmp, sizeof tmp, "<%s>;expires=600;q=0.9;+sip.instance=\"<%s>\";reg-id=1", cc->contact1,
             cc->instance);
    osip_message_set_contact(m, tmp);
    snprintf(tmp, sizeof tmp, "<%s>;expires=300;q=0.5", cc->contact2);
    osip_message_set_contact(m, tmp);
    osip_message_set_expires(m, "600");
    osip_message_set_supported(m, "path, gruu, outbound");
    osip_message_set_user_agent(m, "libosip2/5.3");
    snprintf(tmp, sizeof tmp,
             "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\", "
             "algorithm=MD5, cnonce=\"%s\", opaque=\"%s\", qop=auth, nc=%08x",
             cc->username, S.realm, S.nonce, cc->ruri, resp, cc->cnonce, S.opaque, seq);
    osip_message_set_authorization(m, tmp);
    osip_message_set_content_length(m, "0");

    char *dest = NULL;
    size_t len = 0;
    int r = osip_message_to_str(m, &dest, &len);
    osip_message_free(m);
    if (r != 0 || !dest) return -1;
    if (len > cap) len = cap;
    memcpy(buf, dest, len);
    osip_free(dest);
    return (int)len;
}

static void osip_teardown(void) {}

const struct composer compose_osip = {"libosip2", osip_setup, osip_compose, osip_teardown};
