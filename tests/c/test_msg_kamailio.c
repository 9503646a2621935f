/* test_msg_kamailio.c — the message parser on real traffic: every message of the Kamailio
 * transcripts in tests/vectors/kamailio/ is parsed and summarised (start line, Call-ID, CSeq,
 * Expires, Min-Expires, WWW-Authenticate count, every Contact) and compared with expect.txt,
 * written by an independent Python oracle (expect.py); then the points the registration relies
 * on, spelled out on the transcripts. */
#include "test_msg.h"

/* One message of a transcript. */
struct tmsg {
    char dir[5];   /* "C->S" or "S->C" */
    const char *p; /* first byte */
    size_t len;    /* bytes up to the next '#' line */
};

/* Split a transcript (format: tests/vectors/kamailio/README.md) into its messages: a line
 * "##### C->S ..." or "##### S->C ..." starts one, the next line starting with '#' ends it, and
 * "(no response within timeout)" is not a message. Returns the number of messages. */
static size_t split_transcript(const char *buf, size_t len, struct tmsg *out, size_t max) {
    static const char SILENT[] = "(no response within timeout)\r\n";
    size_t n = 0, i = 0;
    int open = 0;
    while (i <= len) {
        const char *nl = i < len ? memchr(buf + i, '\n', len - i) : NULL;
        const size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        if (i == len || buf[i] == '#') {
            if (open && !(out[n].len == sizeof SILENT - 1 && !memcmp(out[n].p, SILENT, out[n].len)))
                n++;
            open = 0;
            if (i < len && n < max &&
                (!strncmp(buf + i, "##### C->S", 10) || !strncmp(buf + i, "##### S->C", 10))) {
                memcpy(out[n].dir, buf + i + 6, 4);
                out[n].dir[4] = 0;
                out[n].p = buf + end;
                out[n].len = 0;
                open = 1;
            }
            if (i == len) break;
        } else if (open) {
            out[n].len = end - (size_t)(out[n].p - buf);
        }
        i = end;
    }
    return n;
}

/* Append printf-style text to a fixed buffer. */
#define ADD(...) (void)(o += snprintf(out + o, o < cap ? cap - o : 0, __VA_ARGS__))

/* The summary expect.py writes for one message. */
static void summarize(const char *msg, size_t len, char *out, size_t cap) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t o = 0, off = 0;
    int r = sipreg_msg_parse(&m, msg, len, hdrs, SIPREG_MAX_HEADERS, &off);
    out[0] = 0;
    if (r < 0) {
        ADD("reject %s\t", sipreg_errname(r));
        return;
    }
    ADD("ok\t");
    if (m.type == SIPREG_RESPONSE)
        ADD("%d", m.status);
    else
        ADD("%.*s %.*s", (int)m.method.len, m.method.p, (int)m.ruri.len, m.ruri.p);
    struct sipreg_str cid = sipreg_msg_call_id(&m);
    struct sipreg_cseq cs;
    CHECK_INT(sipreg_msg_cseq(&m, &cs), 0);
    ADD(" call-id=%.*s cseq=%u %.*s", (int)cid.len, cid.p, cs.seq, (int)cs.method.len, cs.method.p);
    static const struct {
        int id;
        const char *key;
    } DELTAS[] = {{SIPREG_H_EXPIRES, "exp"}, {SIPREG_H_MIN_EXPIRES, "minexp"}};
    for (size_t i = 0; i < 2; i++) {
        int64_t v = sipreg_msg_delta(&m, DELTAS[i].id);
        if (v == SIPREG_E_NOT_FOUND) continue;
        if (v < 0)
            ADD(" %s=!", DELTAS[i].key);
        else
            ADD(" %s=%lld", DELTAS[i].key, (long long)v);
    }
    size_t www = 0, pos = 0;
    while (sipreg_msg_find(&m, SIPREG_H_WWW_AUTHENTICATE, &pos))
        www++;
    ADD(" www=%zu contacts=[", www);
    struct sipreg_iter it;
    struct sipreg_contact c;
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    for (int first = 1; (r = sipreg_contact_next(&it, &c, &off)) != 0; first = 0) {
        if (!first) ADD(" | ");
        if (r < 0) {
            ADD("!%s", sipreg_errname(r));
            continue;
        }
        if (c.star) {
            ADD("*");
            continue;
        }
        struct sipreg_str rcv;
        ADD("%.*s e=", (int)c.na.uri.len, c.na.uri.p);
        if (c.expires < 0)
            ADD("-");
        else
            ADD("%lld", (long long)c.expires);
        if (c.q < 0)
            ADD(" q=-");
        else
            ADD(" q=%d", c.q);
        if (sipreg_param_find(c.na.params, "received", &rcv) == 1)
            ADD(" rcv=%.*s", (int)rcv.len, rcv.p);
        else
            ADD(" rcv=-");
        if (c.instance.p) ADD(" inst=%.*s", (int)c.instance.len, c.instance.p);
        if (c.reg_id >= 0) ADD(" regid=%lld", (long long)c.reg_id);
    }
    ADD("]");
}

/* A loaded transcript with its messages. */
struct transcript {
    char name[64];
    char *buf;
    size_t len, n;
    struct tmsg msgs[64];
};

/* Check every row of tests/vectors/kamailio/expect.txt, and that every message has a row. */
static void test_kamailio_table(void) {
    size_t elen = 0;
    char *exp = check_read_file("tests/vectors/kamailio/expect.txt", &elen);
    CHECK_MSG(exp != NULL, "cannot read tests/vectors/kamailio/expect.txt (run from repo root)");
    if (!exp) return;
    static struct transcript t;
    size_t rows_in_file = 0, files = 0, rows = 0;
    char path[128], got[8192];
    for (char *line = strtok(exp, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *f[5] = {line, NULL, NULL, NULL, NULL};
        for (int k = 1; k < 5; k++) {
            f[k] = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
            if (f[k]) *f[k]++ = 0;
        }
        if (!f[4]) {
            CHECK_MSG(0, "malformed expect.txt row: %s", line);
            continue;
        }
        if (strcmp(t.name, f[0]) != 0) {
            if (t.buf)
                CHECK_MSG(rows_in_file == t.n, "%s: %zu rows for %zu messages", t.name,
                          rows_in_file, t.n);
            free(t.buf);
            snprintf(t.name, sizeof t.name, "%s", f[0]);
            snprintf(path, sizeof path, "tests/vectors/kamailio/%s", f[0]);
            t.buf = check_read_file(path, &t.len);
            CHECK_MSG(t.buf != NULL, "cannot read %s", path);
            if (!t.buf) break;
            t.n = split_transcript(t.buf, t.len, t.msgs, 64);
            rows_in_file = 0;
            files++;
        }
        const size_t idx = (size_t)atoi(f[1]);
        rows_in_file++;
        rows++;
        if (idx >= t.n) {
            CHECK_MSG(0, "%s: no message %zu", f[0], idx);
            continue;
        }
        CHECK_MSG(!strcmp(t.msgs[idx].dir, f[2]), "%s #%zu: direction %s, expected %s", f[0], idx,
                  t.msgs[idx].dir, f[2]);
        summarize(t.msgs[idx].p, t.msgs[idx].len, got, sizeof got);
        char want[8192];
        snprintf(want, sizeof want, "%s\t%s", f[3], f[4]);
        CHECK_MSG(!strcmp(got, want), "%s #%zu:\n   got  %s\n   want %s", f[0], idx, got, want);
    }
    if (t.buf)
        CHECK_MSG(rows_in_file == t.n, "%s: %zu rows for %zu messages", t.name, rows_in_file, t.n);
    CHECK_INT(files, 19);
    CHECK(rows >= 190);
    free(t.buf);
    t.buf = NULL;
    free(exp);
}

/* Load one transcript into t (test helper). */
static int load(struct transcript *t, const char *name) {
    char path[128];
    snprintf(path, sizeof path, "tests/vectors/kamailio/%s", name);
    t->buf = check_read_file(path, &t->len);
    CHECK_MSG(t->buf != NULL, "cannot read %s", path);
    if (!t->buf) return 0;
    t->n = split_transcript(t->buf, t->len, t->msgs, 64);
    return 1;
}

/* The points the registration relies on, spelled out on the transcripts. */
static void test_kamailio_facts(void) {
    static const char *const FILES[] = {"01-register-401-200.txt",
                                        "02-two-contacts-q-expires.txt",
                                        "03-fetch.txt",
                                        "04-remove-one.txt",
                                        "05-star-expires-0.txt",
                                        "06-interval-too-brief-423.txt",
                                        "07-expires-edge-cases.txt",
                                        "08-q-values.txt",
                                        "09-star-rules.txt",
                                        "10-auth-variants.txt",
                                        "11-callid-cseq-rules.txt",
                                        "12-outbound-instance-regid.txt",
                                        "13-ws-close-keeps-binding.txt",
                                        "14-udp-register.txt",
                                        "15-malformed.txt",
                                        "17-stock-config-double-reply.txt",
                                        "18-jssip-register-unregister.txt",
                                        "19-sipjs-register-unregister.txt"};
    static struct transcript t;
    size_t n401 = 0, n423 = 0, nresp = 0;
    for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
        if (!load(&t, FILES[f])) continue;
        for (size_t i = 0; i < t.n; i++) {
            struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
            struct sipreg_msg m;
            size_t off;
            if (strcmp(t.msgs[i].dir, "S->C") != 0) continue;
            if (sipreg_msg_parse(&m, t.msgs[i].p, t.msgs[i].len, hdrs, SIPREG_MAX_HEADERS, &off))
                continue; /* the rejects are in expect.txt */
            nresp++;
            CHECK_INT(m.type, SIPREG_RESPONSE);
            CHECK(m.length <= t.msgs[i].len);
            /* every 401 carries a challenge (§22.2); Kamailio's only one, with qop and MD5 */
            if (m.status == 401) {
                n401++;
                const struct sipreg_hdr *w = sipreg_msg_find(&m, SIPREG_H_WWW_AUTHENTICATE, NULL);
                CHECK_MSG(w && !strncmp(w->value.p, "Digest realm=\"example.test\"", 27),
                          "%s #%zu: 401 without WWW-Authenticate", FILES[f], i);
            }
            /* every 423 says Min-Expires: 60 (§10.3 step 7, §20.23) */
            if (m.status == 423) {
                n423++;
                CHECK_INT(sipreg_msg_delta(&m, SIPREG_H_MIN_EXPIRES), 60);
            }
            const struct sipreg_str br = sipreg_msg_via_branch(&m); /* §8.1.1.7 cookie */
            CHECK(br.len > 7 && !memcmp(br.p, "z9hG4bK", 7));
            CHECK(sipreg_msg_tag(&m, SIPREG_H_TO).len > 0);
            CHECK(sipreg_msg_tag(&m, SIPREG_H_FROM).len > 0);
        }
        free(t.buf);
    }
    CHECK(nresp > 60);
    CHECK_INT(n401, 18);
    CHECK_INT(n423, 4);

    /* 07: "Expires: 4294967296" (2^32) in a REGISTER is clamped to 2^32-1 (§20.19) */
    if (load(&t, "07-expires-edge-cases.txt")) {
        int seen = 0;
        for (size_t i = 0; i < t.n; i++) {
            struct sipreg_hdr hdrs[32];
            struct sipreg_msg m;
            size_t off;
            if (sipreg_msg_parse(&m, t.msgs[i].p, t.msgs[i].len, hdrs, 32, &off)) continue;
            const struct sipreg_hdr *h = sipreg_msg_find(&m, SIPREG_H_EXPIRES, NULL);
            if (h && h->value.len == 10 && !memcmp(h->value.p, "4294967296", 10)) {
                CHECK_INT(sipreg_msg_delta(&m, SIPREG_H_EXPIRES), 4294967295LL);
                seen++;
            }
        }
        CHECK_INT(seen, 1);
        free(t.buf);
    }

    /* 15: the LF-only request parses (lenient), and the response that mixes LF and CRLF */
    if (load(&t, "15-malformed.txt")) {
        int seen = 0;
        for (size_t i = 0; i < t.n; i++) {
            struct sipreg_hdr hdrs[32];
            struct sipreg_msg m;
            size_t off;
            const char *p = t.msgs[i].p;
            if (t.msgs[i].len < 34 || memcmp(p, "REGISTER sip:example.test SIP/2.0\n", 34))
                continue;
            CHECK_INT(sipreg_msg_parse(&m, p, t.msgs[i].len, hdrs, 32, &off), 0);
            CHECK_INT(m.length, t.msgs[i].len - 2); /* the transcript's own CRLF is not in it */
            CHECK_INT(m.nhdrs, 11);
            CHECK_VIEW(sipreg_msg_call_id(&m), "d3928289a2f5d33d8aa1@lab");
            CHECK_VIEW(sipreg_msg_via_branch(&m), "z9hG4bKea3b0631a440");
            /* the response: status line and Via end in CRLF, To..Contact in LF */
            const struct tmsg *r = &t.msgs[i + 1];
            CHECK_INT(sipreg_msg_parse(&m, r->p, r->len, hdrs, 32, &off), 0);
            CHECK_INT(m.status, 200);
            CHECK_VIEW(sipreg_msg_tag(&m, SIPREG_H_TO),
                       "9dd61ff61e802d8e2bef5f14621ef3c2.f3cc0000");
            struct sipreg_iter it;
            struct sipreg_contact c;
            struct sipreg_str rcv;
            sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
            CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
            CHECK_VIEW(c.na.uri, "sip:j1@xyz.invalid;transport=ws");
            CHECK_INT(c.expires, 300);
            CHECK_INT(sipreg_param_find(c.na.params, "received", &rcv), 1);
            CHECK_VIEW(rcv, "sip:127.0.0.1:48454;transport=ws");
            seen++;
        }
        CHECK_INT(seen, 1);
        free(t.buf);
    }
}

int main(void) {
    test_kamailio_table();
    test_kamailio_facts();
    return check_done("msg_kamailio");
}
