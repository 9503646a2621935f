/* oracle_osip.c — differential test of our message parser (and REGISTER composer) against
 * libosip2 5.3, the native test oracle (never linked into the product).
 *
 * Inputs:
 *   1. every message of the Kamailio transcripts tests/vectors/kamailio/NN-*.txt (a message
 *      starts after a "##### C->S ..." / "##### S->C ..." line and ends at the first empty
 *      line; "(no response within timeout)" is not a message);
 *   2. the RFC 4475 torture messages tests/vectors/rfc4475/ *.sip;
 *   3. the benchmark messages tests/vectors/bench/ *.sip;
 *   4. every REGISTER our composer emits for the configurations of `cases` below, each with
 *      register, unregister, unregister-all and fetch.
 * For each input both parsers accept, the fields both expose are compared (osip_diff.h).
 *
 * Rules: composed REGISTERs and the Kamailio S->C responses (except the deliberately odd
 * 15-malformed.txt and 16-ws-handshake-http.txt) MUST be accepted by both and agree on every
 * field: any disagreement there fails, and no table row can excuse it. Everything else may
 * disagree only as listed in `known` below (input, field, ours, theirs, and which side is right
 * per the RFCs); a disagreement not listed, or a listed one that no longer happens, fails, so
 * that a behaviour change is noticed. Run from the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>

#include "osip_diff.h"

/* ---------------------------------------------------------------------------------------- */
/* Known disagreements                                                                      */
/* ---------------------------------------------------------------------------------------- */

/* Keys: "accept" rows hold our error name (or "accept") and "osip" (or "accept"); field rows
 * hold the two renderings of osip_diff.h. A row that no longer matches fails the test. */
#define MISSING_HDR                                                                                \
    "ours: RFC 3261 §8.1.1 makes To, From, CSeq, Call-ID, Max-Forwards and Via mandatory, and "   \
    "RFC 4475 §3.3.1 wants such a request refused (Kamailio dropped it); libosip2's parser "      \
    "leaves mandatory-header checks to its transaction layer"
#define BAD_CONTACT_URI                                                                             \
    "libosip2, strictly: '<not a uri>' is no addr-spec (RFC 3261 §20.10, §25.1), so the message " \
    "is invalid. By design sipreg_msg_parse does not parse Contact; sipreg_contact_next refuses "   \
    "that element (SIPREG_E_URI_SCHEME) and the others stay usable, which is what a client needs "  \
    "when Kamailio echoes another device's stored garbage in its 2xx (§10.2.4: the UA looks for "  \
    "its own bindings); libosip2 throws the whole 2xx away"
#define CSEQ_NAN                                                                                   \
    "ours: CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16, §25.1); libosip2 keeps the number as "    \
    "unchecked text (Kamailio answered 400 'CSeq number is illegal')"
#define CSEQ_MISMATCH                                                                               \
    "ours: the CSeq method MUST match the request's (RFC 3261 §8.1.1.5); RFC 4475 §3.1.2.17/18: " \
    "answer 400 (or 501 for an unknown method); libosip2 does not cross-check"
#define CSEQ_BIG                                                                                   \
    "ours: the CSeq number is > 2^32-1 (RFC 3261 §8.1.1.5 wants < 2^31); RFC 4475 §3.1.2.4/5: "  \
    "400 for the request, discard the response; libosip2 keeps the number as text"
#define LIBERAL_HDR(what)                                                                          \
    "libosip2, strictly: " what ". sipreg_msg_parse checks framing, start line, the field-name/"   \
    "colon syntax, CSeq, To and From, not every header's grammar (Via is read lazily, only for "   \
    "the branch), so it accepts; the RFC calls rejecting 'reasonable', not mandatory"

static const struct od_expect known[] = {
    /* Kamailio 15-malformed.txt: deliberately malformed requests and what Kamailio answered */
    {"kamailio/15-malformed.txt#6", "accept", "SIPREG_E_MISSING_HEADER", "accept", MISSING_HDR},
    {"kamailio/15-malformed.txt#7", "accept", "SIPREG_E_MISSING_HEADER", "accept", MISSING_HDR},
    {"kamailio/15-malformed.txt#8", "accept", "SIPREG_E_MISSING_HEADER", "accept", MISSING_HDR},
    {"kamailio/15-malformed.txt#9", "accept", "SIPREG_E_MISSING_HEADER", "accept", MISSING_HDR},
    {"kamailio/15-malformed.txt#12", "accept", "SIPREG_E_CSEQ", "accept",
     CSEQ_MISMATCH " (Kamailio answered 400)"},
    {"kamailio/15-malformed.txt#14", "accept", "SIPREG_E_CSEQ", "accept", CSEQ_NAN},
    {"kamailio/15-malformed.txt#15", "accept", "SIPREG_E_CSEQ", "accept",
     CSEQ_NAN "; this 400 echoes 'CSeq: abc REGISTER' and a client drops it (no transaction of "
              "ours can match it)"},
    {"kamailio/15-malformed.txt#18", "contact[0]", "error SIPREG_E_HEADER_VALUE",
     "sip:j1@xyz.invalid;transport=ws expires=invalid q=-",
     "ours: ';expires=soon' is not delta-seconds (c-p-expires, RFC 3261 §20.10, §25.1), so the "
     "element is refused; libosip2 does not check parameter values (Kamailio fell back to 3600)"},
    {"kamailio/15-malformed.txt#20", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#21", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#23", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#25", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#27", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#29", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#30", "accept", "SIPREG_E_VERSION", "accept",
     "ours: SIP-Version must be SIP/2.0 (RFC 3261 §7.1; RFC 4475 §3.1.2.16: malformed for an RFC "
     "3261 element, answer 505); libosip2 checks only the 'SIP/' prefix (Kamailio stayed silent)"},
    {"kamailio/15-malformed.txt#32", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#35", "accept", "SIPREG_E_BODY", "accept",
     "ours: Content-Length 10 but no body on a message-oriented transport (WebSocket, RFC 7118 "
     "§5) is an error (RFC 3261 §18.3; Kamailio answered 400 'Content-Length mis-match'); "
     "libosip2 compares Content-Length with the body only when 3 or more bytes follow the header "
     "section"},
    {"kamailio/15-malformed.txt#38", "accept", "accept", "osip", BAD_CONTACT_URI},
    {"kamailio/15-malformed.txt#40", "accept", "accept", "osip", BAD_CONTACT_URI},

    /* Kamailio C->S requests with values outside their grammar */
    {"kamailio/08-q-values.txt#4", "contact[0]", "error SIPREG_E_HEADER_VALUE",
     "sip:qbad@xyz.invalid;transport=ws expires=- q=2000",
     "ours: q=2.0 is no qvalue (0..1, RFC 3261 §20.10, §25.1; Kamailio answered 400); libosip2 "
     "does not check parameter values"},
    {"kamailio/08-q-values.txt#6", "contact[0]", "error SIPREG_E_HEADER_VALUE",
     "sip:qbad2@xyz.invalid;transport=ws expires=- q=invalid",
     "ours: q=abc is no qvalue (RFC 3261 §25.1; Kamailio answered 400); libosip2 keeps the text"},
    {"kamailio/09-star-rules.txt#10", "contact[0].expires", "0", "-",
     "'Contact: *;expires=0': STAR takes no parameters (RFC 3261 §20.10, §25.1), so strictly "
     "neither reading is right. We tolerate it like Kamailio (which answered 200) and read "
     "expires=0; libosip2 also accepts it but keeps '*;expires=0' as the display name and loses "
     "the parameter"},

    /* RFC 4475 torture messages */
    {"rfc4475/badaspec.sip", "accept", "accept", "osip",
     "libosip2, strictly: RFC 4475 §3.1.2.14 calls spaces inside To's <...> malformed, and also "
     "allows 'elements attempting to be liberal' to ignore them, as sipreg_msg_parse does (the "
     "To URI view is trimmed)"},
    {"rfc4475/badinv01.sip", "accept", "accept", "osip",
     LIBERAL_HDR("RFC 4475 §3.1.2.1: the empty Via and Contact parameters make the message "
                 "invalid, 400 advised. sipreg_contact_next does refuse that Contact "
                 "(SIPREG_E_HEADER_VALUE)")},
    {"rfc4475/badvers.sip", "accept", "SIPREG_E_VERSION", "accept",
     "ours: SIP/7.0 is no RFC 3261 version (RFC 4475 §3.1.2.16: malformed, answer 505); "
     "libosip2 checks only the 'SIP/' prefix"},
    {"rfc4475/bigcode.sip", "accept", "SIPREG_E_STATUS", "accept",
     "ours: the status code is 3DIGIT 100..699 (RFC 3261 §7.2, §25.1); RFC 4475 §3.1.2.19: drop "
     "such a response"},
    {"rfc4475/insuf.sip", "accept", "SIPREG_E_MISSING_HEADER", "accept", MISSING_HDR},
    {"rfc4475/intmeth.sip", "accept", "accept", "osip",
     "ours: RFC 4475 §3.1.1.2 lists it as valid ('Wide Range of Valid Characters'); libosip2 "
     "treats "
     "the buffer as a C string and stops at the escaped NUL (quoted-pair '\\' %x00) in To's "
     "display name ('Final CRLF is missing'; replacing that byte makes libosip2 accept it)"},
    {"rfc4475/mismatch01.sip", "accept", "SIPREG_E_CSEQ", "accept", CSEQ_MISMATCH},
    {"rfc4475/mismatch02.sip", "accept", "SIPREG_E_CSEQ", "accept", CSEQ_MISMATCH},
    {"rfc4475/ncl.sip", "accept", "SIPREG_E_CONTENT_LENGTH", "accept",
     "ours: Content-Length: -999 is not 1*DIGIT (RFC 3261 §20.14; RFC 4475 §3.1.2.3: answer with "
     "an error, the framing cannot be trusted); libosip2 reads it with atoi"},
    {"rfc4475/novelsc.sip", "accept", "accept", "osip",
     "ours: RFC 4475 §3.3.3: 'A parser must accept this as a well-formed SIP request'; the "
     "scheme 'soap.beep' is legal (scheme = ALPHA *(ALPHA / DIGIT / '+' / '-' / '.'), RFC 3261 "
     "§25.1) but libosip2's URI parser refuses the '.' in it"},
    {"rfc4475/scalar02.sip", "accept", "SIPREG_E_CSEQ", "accept", CSEQ_BIG},
    {"rfc4475/scalarlg.sip", "accept", "SIPREG_E_CSEQ", "accept", CSEQ_BIG},
    {"rfc4475/escnull.sip", "contact[0].uri", "sip:%00@host5.example.com", "sip:@host5.example.com",
     "ours: RFC 4475 §3.1.1.4: valid, 'must take special care when unescaping ... so as to not "
     "prematurely shorten the username', two distinct Contacts; libosip2 unescapes %00 into its "
     "C string and loses the user part (and makes the two Contacts equal)"},
    {"rfc4475/escnull.sip", "contact[1].uri", "sip:%00%00@host5.example.com",
     "sip:@host5.example.com", "ours: see contact[0] (RFC 4475 §3.1.1.4)"},
    {"rfc4475/regbadct.sip", "contact[0]", "error SIPREG_E_HEADER_VALUE",
     "sip:user@example.com?Route=%3Csip:sip.example.com%3E expires=- q=-",
     "ours: a URI with headers ('?') must be in name-addr form <...> (RFC 3261 §20.10; RFC 4475 "
     "§3.1.2.13: malformed, 400 reasonable); libosip2 takes the liberal option RFC 4475 also "
     "allows and infers the brackets"},
};

/* ---------------------------------------------------------------------------------------- */
/* Corpus files                                                                             */
/* ---------------------------------------------------------------------------------------- */

/* Names in dir (sorted) that end with `suffix` and, when `numbered`, start with "NN-". */
static size_t list_dir(const char *dir, const char *suffix, int numbered, char names[][128],
                       size_t cap) {
    struct dirent **ents = NULL;
    const int n = scandir(dir, &ents, NULL, alphasort);
    size_t k = 0;
    CHECK_MSG(n >= 0, "cannot list %s (run from the repository root)", dir);
    for (int i = 0; i < n; i++) {
        const char *s = ents[i]->d_name;
        const size_t len = strlen(s), sl = strlen(suffix);
        const int num_ok = !numbered || (len > 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
                                         s[1] <= '9' && s[2] == '-');
        if (len > sl && !strcmp(s + len - sl, suffix) && num_ok && len < 128) {
            if (k < cap)
                memcpy(names[k++], s, len + 1);
            else
                CHECK_MSG(0, "too many files in %s", dir);
        }
        free(ents[i]);
    }
    free(ents);
    return k;
}

/* Compare every message of one Kamailio transcript; returns the number of messages. */
static size_t kamailio_file(struct od_run *run, const char *dir, const char *fname) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, fname);
    size_t len = 0, count = 0;
    char *data = check_read_file(path, &len);
    CHECK_MSG(data != NULL, "cannot read %s", path);
    if (!data) return 0;
    /* 15 and 16 hold deliberately odd / non-SIP input: their responses may disagree too */
    const int odd = !strncmp(fname, "15-", 3) || !strncmp(fname, "16-", 3);
    int in_msg = 0, s2c = 0;
    size_t start = 0, i = 0;
    char label[160] = "";
    while (i <= len) {
        /* one line [ls, le) with its terminator; [ls, ce) without */
        const size_t ls = i;
        size_t le = i;
        while (le < len && data[le] != '\n')
            le++;
        size_t ce = le;
        if (le < len) le++;
        if (ce > ls && data[ce - 1] == '\r') ce--;
        const int at_end = ls == len;
        i = le + (at_end ? 1 : 0);
        size_t end = 0;
        int emit = 0;
        if (in_msg) {
            if (at_end || data[ls] == '#') { /* ended without an empty line */
                end = ls;
                emit = 1;
            } else if (ce == ls) { /* the empty line ends the message (kept) */
                end = le;
                emit = 1;
            }
        }
        if (emit) {
            in_msg = 0;
            static const char none[] = "(no response";
            if (!(end - start >= sizeof none - 1 && !memcmp(data + start, none, sizeof none - 1))) {
                char name[200];
                snprintf(name, sizeof name, "kamailio/%s#%zu", fname, count++);
                od_compare(run, name, label, s2c && !odd, data + start, end - start, NULL);
            }
            if (ce == ls && !at_end) continue;
        }
        if (at_end) break;
        if (!in_msg && ce - ls > 11 && !strncmp(data + ls, "##### ", 6) &&
            (!strncmp(data + ls + 6, "C->S ", 5) || !strncmp(data + ls + 6, "S->C ", 5))) {
            in_msg = 1;
            s2c = data[ls + 6] == 'S';
            start = le;
            size_t a = ls + 6, b = ce;
            while (b > a && (data[b - 1] == '#' || data[b - 1] == ' '))
                b--;
            snprintf(label, sizeof label, "%.*s", (int)(b - a), data + a);
        }
    }
    free(data);
    return count;
}

/* Compare one whole-file message (RFC 4475, bench). */
static void whole_file(struct od_run *run, const char *dir, const char *corpus, const char *fname) {
    char path[512], name[200];
    snprintf(path, sizeof path, "%s/%s", dir, fname);
    snprintf(name, sizeof name, "%s/%s", corpus, fname);
    size_t len = 0;
    char *data = check_read_file(path, &len);
    CHECK_MSG(data != NULL, "cannot read %s", path);
    if (!data) return;
    od_compare(run, name, "file", 0, data, len, NULL);
    free(data);
}

/* ---------------------------------------------------------------------------------------- */
/* Composed REGISTERs                                                                       */
/* ---------------------------------------------------------------------------------------- */

/* One configuration (0 / NULL fields keep the sipreg_config_init default). */
struct ccase {
    const char *name;
    const char *aor;
    const char *registrar;
    int discovery;
    struct sipreg_contact_spec contacts[SIPREG_MAX_CONTACTS];
    size_t ncontacts;
    const char *instance_id;
    int reg_id;
    int no_outbound;
    int64_t expires;
    int transport;
    const char *user_agent, *supported, *extra, *via_host, *username;
};

/* a generated Contact ("sip:<random>@<random>.invalid", RFC 7118 §5) */
#define GEN                                                                                        \
    { NULL, -1, -1 }

static const struct ccase cases[] = {
    {.name = "defaults", .aor = "sip:alice@example.com"},
    {.name = "one-contact-udp",
     .aor = "sip:alice@example.com",
     .contacts = {{"sip:alice@192.0.2.10:5060;transport=udp", -1, -1}},
     .ncontacts = 1,
     .transport = SIPREG_TP_UDP,
     .no_outbound = 1},
    {.name = "two-contacts-expires-q-tcp",
     .aor = "sip:alice@example.com",
     .contacts = {{"sip:alice@198.51.100.23:5061;transport=tcp", 300, 500},
                  {"sip:alice@phone.example.com", 120, 1000}},
     .ncontacts = 2,
     .transport = SIPREG_TP_TCP},
    {.name = "three-q-0.5-1-0",
     .aor = "sip:alice@example.com",
     .contacts = {{"sip:a1@h.example.com;transport=ws", -1, 500},
                  {"sip:a2@h.example.com;transport=ws", 3600, 1000},
                  {"sip:a3@h.example.com;transport=ws", 60, 0}},
     .ncontacts = 3},
    {.name = "generated-x2-wss-no-outbound",
     .aor = "sip:dave@example.net",
     .contacts = {GEN, {NULL, 90, 250}},
     .ncontacts = 2,
     .transport = SIPREG_TP_WSS,
     .no_outbound = 1},
    {.name = "sips-aor-contact-tls",
     .aor = "sips:bob@secure.example.org",
     .contacts = {{"sips:bob@client.example.org:5061;transport=tcp", -1, 700}},
     .ncontacts = 1,
     .transport = SIPREG_TP_TLS},
    {.name = "ipv6-instance-regid",
     .aor = "sip:alice@example.com",
     .contacts = {{"sip:alice@[2001:db8::1]:5070;transport=ws", -1, -1}},
     .ncontacts = 1,
     .instance_id = "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
     .reg_id = 7},
    {.name = "registrar-params-tcp",
     .aor = "sip:alice@example.com",
     .registrar = "sip:registrar.example.com:5061;transport=tcp;lr",
     .contacts = {{"sip:alice@192.0.2.4:5062;transport=tcp;ob", 1800, -1}},
     .ncontacts = 1,
     .transport = SIPREG_TP_TCP},
    {.name = "user-agent-spaces",
     .aor = "sip:erin@example.com",
     .user_agent = "Acme Phone/2.1 (build 42; x86_64 Linux)",
     .supported = ""},
    {.name = "extra-headers",
     .aor = "sip:frank@example.com",
     .extra = "X-Foo: bar\r\nX-Two: a, b\r\nP-Preferred-Identity: <sip:frank@example.com>\r\n"},
    {.name = "tel-contact",
     .aor = "sip:+12015550123@example.com",
     .contacts = {{"tel:+1-201-555-0123", 3600, 100},
                  {"sip:+12015550123@gw.example.com;user=phone", -1, -1}},
     .ncontacts = 2,
     .transport = SIPREG_TP_TCP},
    {.name = "four-contacts-max-expires",
     .aor = "sip:gina@example.com",
     .expires = 4294967295LL,
     /* expires 0 is a one-shot removal, sent before the live contacts (first here) */
     .contacts = {{"sip:g2@192.0.2.2:5080", 0, 0},
                  {"sip:g1@192.0.2.1", 4294967295LL, 1000},
                  GEN,
                  {"sip:g4@example.com;transport=udp;maddr=239.255.255.1", 30, 999}},
     .ncontacts = 4,
     .transport = SIPREG_TP_UDP},
    {.name = "escaped-user",
     .aor = "sip:%61lice@example.com",
     .contacts = {{"sip:al%20ice@example.com;transport=ws", -1, -1}},
     .ncontacts = 1},
    {.name = "aor-port-multicast",
     .aor = "sip:carol@chicago.com:5080",
     .discovery = SIPREG_DISCOVER_MULTICAST,
     .transport = SIPREG_TP_UDP},
    {.name = "aor-host-via-host-username",
     .aor = "sip:carol@chicago.com",
     .discovery = SIPREG_DISCOVER_AOR_HOST,
     .via_host = "192.0.2.99",
     .username = "carol-auth",
     .expires = 7200,
     .transport = SIPREG_TP_TCP,
     .instance_id = "urn:uuid:00000000-0000-4000-8000-000000000001"},
    {.name = "odd-uris-small-q",
     .aor = "sip:alice@example.com;transport=tcp",
     .contacts = {{"sip:alice@example.com;transport=ws", 0, -1}, /* one-shot removal: first */
                  {"SIP:Alice@EXAMPLE.COM:5060;Transport=TCP", -1, 10},
                  {"sip:alice:pw@example.com;lr?X-Hdr=v%20w", 45, 1}},
     .ncontacts = 3,
     .user_agent = "T\xc3\xa9l\xc3\xa9phone 3.0 \"beta\"",
     .reg_id = 2147483647},
};

enum { OP_REGISTER, OP_UNREGISTER, OP_UNREGISTER_ALL, OP_FETCH, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"register", "unregister", "unregister-all", "fetch"};

/* What the composed REGISTER must say (checked on our view, which libosip2 agreed with). */
static void check_composed(const char *input, const struct ccase *c,
                           const struct sipreg_config *cfg, int op, const struct od_view *v) {
    CHECK_MSG(v->accepted && !strcmp(v->type, "request") && !strcmp(v->method, "REGISTER") &&
                  !strcmp(v->cseq_num, "1") && !strcmp(v->cseq_method, "REGISTER"),
              "%s: start line / CSeq", input);
    char want[64];
    const size_t n = c->ncontacts ? c->ncontacts : 1;
    if (op == OP_FETCH) {
        CHECK_MSG(v->ncontacts == 0 && !strcmp(v->expires, "-"), "%s: a fetch has no Contact",
                  input);
        return;
    }
    if (op == OP_UNREGISTER_ALL) {
        CHECK_MSG(v->ncontacts == 1 && !strcmp(v->c[0].uri, "*") && !strcmp(v->expires, "0"),
                  "%s: Contact: * with Expires: 0", input);
        return;
    }
    snprintf(want, sizeof want, "%lld", op == OP_REGISTER ? (long long)cfg->expires : 0LL);
    CHECK_MSG(v->ncontacts == n && !strcmp(v->expires, want), "%s: %zu contacts, Expires %s", input,
              v->ncontacts, v->expires);
    for (size_t i = 0; i < n && i < v->ncontacts; i++) {
        const struct sipreg_contact_spec *s = c->ncontacts ? &c->contacts[i] : NULL;
        if (s && s->uri)
            CHECK_MSG(
                sipreg_uri_equal_str(v->c[i].uri, strlen(v->c[i].uri), s->uri, strlen(s->uri)) == 1,
                "%s: contact %zu URI %s", input, i, v->c[i].uri);
        if (op == OP_UNREGISTER || (s && s->expires >= 0))
            snprintf(want, sizeof want, "%lld", op == OP_UNREGISTER ? 0LL : (long long)s->expires);
        else
            snprintf(want, sizeof want, "-");
        CHECK_MSG(!strcmp(v->c[i].expires, want), "%s: contact %zu expires %s, want %s", input, i,
                  v->c[i].expires, want);
        if (s && s->q >= 0)
            snprintf(want, sizeof want, "%d", s->q);
        else
            snprintf(want, sizeof want, "-");
        CHECK_MSG(!strcmp(v->c[i].q, want), "%s: contact %zu q %s, want %s", input, i, v->c[i].q,
                  want);
    }
}

static size_t composed(struct od_run *run) {
    static char buf[65535];
    static struct od_view ours;
    size_t count = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct ccase *c = &cases[k];
        struct sipreg_config cfg;
        sipreg_config_init(&cfg);
        cfg.aor = c->aor;
        cfg.registrar = c->registrar;
        cfg.discovery = c->discovery;
        memcpy(cfg.contacts, c->contacts, sizeof cfg.contacts);
        cfg.ncontacts = c->ncontacts;
        cfg.instance_id = c->instance_id;
        if (c->reg_id) cfg.reg_id = c->reg_id;
        if (c->no_outbound) cfg.outbound = 0;
        if (c->expires) cfg.expires = c->expires;
        if (c->transport) cfg.transport = c->transport;
        if (c->user_agent) cfg.user_agent = c->user_agent;
        if (c->supported) cfg.supported = c->supported;
        cfg.extra_headers = c->extra;
        cfg.via_host = c->via_host;
        cfg.username = c->username;
        cfg.password = "secret";
        for (size_t i = 0; i < sizeof cfg.seed; i++)
            cfg.seed[i] = (uint8_t)(k * 31 + i);
        for (int op = 0; op < OP_COUNT; op++) {
            char name[160];
            snprintf(name, sizeof name, "compose/%s/%s", c->name, op_names[op]);
            struct sipreg *r = NULL;
            int e = sipreg_new(&r, &cfg);
            CHECK_MSG(e == 0, "%s: sipreg_new: %s", name, sipreg_errname(e));
            if (e != 0) continue;
            CHECK_INT(sipreg_transport(r, 1, 0), 0);
            e = op == OP_REGISTER         ? sipreg_register(r, 0)
                : op == OP_UNREGISTER     ? sipreg_unregister(r, 0, 0)
                : op == OP_UNREGISTER_ALL ? sipreg_unregister(r, 1, 0)
                                          : sipreg_fetch(r, 0);
            CHECK_MSG(e == 0, "%s: command: %s", name, sipreg_errname(e));
            const int len = sipreg_poll_send(r, buf, sizeof buf);
            CHECK_MSG(len > 0, "%s: sipreg_poll_send: %s", name, sipreg_errname(len));
            if (len > 0) {
                od_compare(run, name, "composed", 1, buf, (size_t)len, &ours);
                check_composed(name, c, &cfg, op, &ours);
                count++;
            }
            sipreg_free(r);
        }
    }
    return count;
}

/* ---------------------------------------------------------------------------------------- */

int main(void) {
    static char names[256][128];
    static int hits[sizeof known / sizeof known[0]];
    struct od_run run;
    memset(&run, 0, sizeof run);
    run.table = known;
    run.ntable = sizeof known / sizeof known[0];
    run.hits = hits;
    run.verbose = getenv("ORACLE_VERBOSE") != NULL;
    od_osip_init();

    const char *kdir = "tests/vectors/kamailio";
    size_t nk = list_dir(kdir, ".txt", 1, names, 256), kmsgs = 0;
    CHECK_MSG(nk >= 19, "only %zu Kamailio transcripts", nk);
    for (size_t i = 0; i < nk; i++)
        kmsgs += kamailio_file(&run, kdir, names[i]);

    const char *rdir = "tests/vectors/rfc4475";
    size_t nr = list_dir(rdir, ".sip", 0, names, 256);
    CHECK_MSG(nr > 0, "no RFC 4475 messages in %s", rdir);
    for (size_t i = 0; i < nr; i++)
        whole_file(&run, rdir, "rfc4475", names[i]);

    const char *bdir = "tests/vectors/bench";
    size_t nb = list_dir(bdir, ".sip", 0, names, 256);
    CHECK_MSG(nb >= 6, "only %zu bench messages", nb);
    for (size_t i = 0; i < nb; i++)
        whole_file(&run, bdir, "bench", names[i]);

    const size_t nc = composed(&run);
    CHECK_MSG(nc >= 48, "only %zu composed REGISTERs", nc);

    printf("inputs: kamailio %zu messages from %zu files, rfc4475 %zu, bench %zu, composed %zu "
           "(%zu configurations x %d operations)\n",
           kmsgs, nk, nr, nb, nc, sizeof cases / sizeof cases[0], OP_COUNT);
    od_report(&run, "oracle_osip");
    return check_done("oracle_osip");
}
