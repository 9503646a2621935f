/* test_rfc4475.c — the RFC 4475 SIP torture messages (tests/vectors/rfc4475/NAME.sip).
 *
 * Every row of tests/vectors/rfc4475/expect.txt: parse the message, walk its accessors (To, From,
 * every Contact, CSeq, Expires, Min-Expires, Retry-After, Date) and compare the first error, and
 * the layer that reported it, with the row. Then, for the messages we accept, the fields a
 * registration client reads. */
#include "check.h"
#include "sipreg.h"

#include <stdlib.h>

/* The outcome of parsing and walking one message. */
struct outcome {
    int err;           /* 0 or the first error */
    const char *layer; /* "parse", "To", "From", "Contact", "CSeq", "Expires", ..., "Date" */
    size_t off;        /* err_off of sipreg_msg_parse */
};

/* sipreg_nameaddr_parse of the first row of header `id` (absent: fine). */
static int nameaddr_of(const struct sipreg_msg *m, int id) {
    const struct sipreg_hdr *h = sipreg_msg_find(m, id, NULL);
    struct sipreg_nameaddr na;
    size_t off;
    return h ? sipreg_nameaddr_parse(&na, h->value, &off) : 0;
}

/* Parse buf and walk the accessors a registration uses; the first error wins. */
static struct outcome walk(const char *buf, size_t len, struct sipreg_msg *m,
                           struct sipreg_hdr *hdrs, size_t max) {
    struct outcome o = {0, "", 0};
    int r = sipreg_msg_parse(m, buf, len, hdrs, max, &o.off);
    CHECK(o.off <= len);
    if (r < 0) return (struct outcome){r, "parse", o.off};
    if ((r = nameaddr_of(m, SIPREG_H_TO)) < 0) return (struct outcome){r, "To", 0};
    if ((r = nameaddr_of(m, SIPREG_H_FROM)) < 0) return (struct outcome){r, "From", 0};
    struct sipreg_iter it;
    struct sipreg_contact c;
    size_t off;
    sipreg_iter_init(&it, m, SIPREG_H_CONTACT);
    while ((r = sipreg_contact_next(&it, &c, &off)) == 1) {
    }
    if (r < 0) return (struct outcome){r, "Contact", 0};
    struct sipreg_cseq cs;
    if ((r = sipreg_msg_cseq(m, &cs)) < 0) return (struct outcome){r, "CSeq", 0};
    static const struct {
        int id;
        const char *name;
    } DELTAS[] = {{SIPREG_H_EXPIRES, "Expires"}, {SIPREG_H_MIN_EXPIRES, "Min-Expires"}};
    for (size_t i = 0; i < 2; i++) {
        int64_t v = sipreg_msg_delta(m, DELTAS[i].id);
        if (v < 0 && v != SIPREG_E_NOT_FOUND) return (struct outcome){(int)v, DELTAS[i].name, 0};
    }
    int64_t ra = sipreg_msg_retry_after(m);
    if (ra < 0 && ra != SIPREG_E_NOT_FOUND) return (struct outcome){(int)ra, "Retry-After", 0};
    const struct sipreg_hdr *d = sipreg_msg_find(m, SIPREG_H_DATE, NULL);
    int64_t epoch;
    if (d && (r = sipreg_parse_date(d->value, &epoch)) < 0) return (struct outcome){r, "Date", 0};
    return o;
}

/* Read tests/vectors/rfc4475/<name>.sip (malloc'd). */
static char *load(const char *name, size_t *len) {
    char path[128];
    snprintf(path, sizeof path, "tests/vectors/rfc4475/%s.sip", name);
    char *buf = check_read_file(path, len);
    CHECK_MSG(buf != NULL, "cannot read %s (run from the repo root)", path);
    return buf;
}

/* Every row of expect.txt. */
static void test_expectations(void) {
    size_t elen = 0, rows = 0, ok = 0;
    char *exp = check_read_file("tests/vectors/rfc4475/expect.txt", &elen);
    CHECK_MSG(exp != NULL, "cannot read tests/vectors/rfc4475/expect.txt");
    if (!exp) return;
    for (char *line = strtok(exp, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char *name = line, *verdict = strchr(name, '\t'), *errname = NULL, *note;
        if (!verdict) {
            CHECK_MSG(0, "malformed row: %s", line);
            continue;
        }
        *verdict++ = 0;
        note = strchr(verdict, '\t');
        if (note) *note++ = 0;
        if (note && !strcmp(verdict, "reject")) {
            errname = note;
            note = strchr(errname, '\t');
            if (note) *note++ = 0;
        }
        CHECK_MSG(note && *note, "%s: a row needs a note", name);
        rows++;

        size_t len = 0;
        char *buf = load(name, &len);
        if (!buf) continue;
        struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
        struct sipreg_msg m;
        const struct outcome o = walk(buf, len, &m, hdrs, SIPREG_MAX_HEADERS);
        if (!strcmp(verdict, "ok")) {
            ok++;
            CHECK_MSG(o.err == 0, "%s: expected ok, got %s from [%s]", name, sipreg_errname(o.err),
                      o.layer);
        } else {
            CHECK_MSG(!strcmp(verdict, "reject") && errname, "%s: bad verdict", name);
            char layer[40];
            snprintf(layer, sizeof layer, "[%s]", o.layer);
            CHECK_MSG(o.err < 0 && !strcmp(sipreg_errname(o.err), errname),
                      "%s: got %s, expected %s", name, o.err ? sipreg_errname(o.err) : "ok",
                      errname);
            CHECK_MSG(note && !strncmp(note, layer, strlen(layer)),
                      "%s: reported by %s, note says %.20s", name, layer, note ? note : "");
        }
        free(buf);
    }
    CHECK_INT(rows, 49);
    CHECK_INT(ok, 29);
    free(exp);
}

/* What a registration client reads from the messages we accept. */
static const struct fields {
    const char *name;
    const char *start;    /* "METHOD Request-URI" or the status code */
    const char *call_id;  /* Call-ID, trimmed */
    unsigned long cseq;   /* CSeq number */
    const char *method;   /* CSeq method */
    const char *contacts; /* "uri[ e=N][ q=N]" per Contact, " | " between them */
    const char *branch;   /* topmost Via branch */
    const char *from_tag; /* From tag */
    size_t body;          /* body length */
} FIELDS[] = {
    {"wsinv", "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam", "wsinv.ndaksdj@192.0.2.1", 9,
     "INVITE", "sip:jdrosen@example.com q=330", "390skdjuw", "98asjd8", 150},
    {"intmeth",
     "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?"
     ",/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
     "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", 139122385,
     "!interesting-Method0123456789_*+`.%indeed'~", "", "z9hG4bK-.!%66*_+`'~", "_token~1'+`*%!-.",
     0},
    {"esc01", "INVITE sip:sips%3Auser%40example.com@example.net",
     "esc01.239409asdfakjkn23onasd0-3234", 234234, "INVITE",
     "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31", "z9hG4bKkdjuw", "938", 150},
    {"escnull", "REGISTER sip:example.com", "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd", 14398234,
     "REGISTER", "sip:%00@host5.example.com | sip:%00%00@host5.example.com", "z9hG4bKkdjuw",
     "839923423", 0},
    {"esc02", "RE%47IST%45R sip:registrar.example.com",
     "esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf", 29344, "RE%47IST%45R",
     "sip:alias1@host1.example.com | sip:alias3@host3.example.com", "z9hG4bK209%fzsnel234",
     "f232jadfj23", 0},
    {"lwsdisp", "OPTIONS sip:user@example.com", "lwsdisp.1234abcd@funky.example.com", 60, "OPTIONS",
     "", "z9hG4bKkdjuw", "323", 0},
    {"longreq", "INVITE sip:user@example.com",
     "longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreal"
     "lyreallyreallyreallyreallyreallyreallylongcallid",
     3882340, "INVITE",
     "sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallern"
     "ameamazinglylongcallername@host5.example.net",
     "",
     "12982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982"
     "982982982982982982982982982982982982982982982982982982982982424",
     150},
    {"dblreq", "REGISTER sip:example.com", "dblreq.0ha0isndaksdj99sdfafnl3lk233412", 8, "REGISTER",
     "sip:j.user@host.example.com", "z9hG4bKkdjuw23492", "43251j3j324", 0},
    {"semiuri", "OPTIONS sip:user;par=u%40example.net@example.com", "semiuri.0ha0isndaksdj", 8,
     "OPTIONS", "", "z9hG4bKkdjuw", "33242", 0},
    {"transports", "OPTIONS sip:user@example.com", "transports.kijh4akdnaqjkwendsasfdj", 60,
     "OPTIONS", "", "z9hG4bKkdjuw", "323", 0},
    {"mpart01", "MESSAGE sip:kumiko@example.org", "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..",
     1, "MESSAGE", "sip:fluffy@127.0.0.1:5070", "z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-",
     "2fb0dcc9", 553},
    {"unreason", "200", "unreason.1234ksdfak3j2erwedfsASdf", 35, "INVITE",
     "sip:user@host198.example.com", "z9hG4bK1324923", "11141343", 154},
    {"noreason", "100", "noreason.asndj203insdf99223ndf", 35, "INVITE",
     "sip:user@host105.example.com", "z9hG4bK2398ndaoe", "39ansfi3", 0},
    {"escruri", "INVITE sip:user@example.com?Route=%3Csip:example.com%3E",
     "escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5", 149209342, "INVITE",
     "sip:caller@host39923.example.net", "z9hG4bKkdjuw", "341518", 150},
    {"badaspec", "OPTIONS sip:user@example.org", "badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3",
     3923239, "OPTIONS", "", "z9hG4bKkdju43234", "433423", 0},
    {"badbranch", "OPTIONS sip:user@example.com", "badbranch.sadonfo23i420jv0as0derf3j3n", 8,
     "OPTIONS", "", "z9hG4bK", "33242", 0},
    {"unkscm", "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent",
     "unkscm.nasdfasser0q239nwsdfasdkl34", 3923423, "OPTIONS", "", "z9hG4bKkdjuw39234", "384", 0},
    {"novelsc", "OPTIONS soap.beep://192.0.2.103:3002", "novelsc.asdfasser0q239nwsdfasdkl34",
     3923423, "OPTIONS", "", "z9hG4bKkdjuw39234", "384", 0},
    {"unksm2", "REGISTER sip:example.com", "unksm2.daksdj@hyphenated-host.example.com", 234902,
     "REGISTER", "name:John_Smith", "z9hG4bKkdjuw", "3234233", 0},
    {"bext01", "OPTIONS sip:user@example.com", "bext01.0ha0isndaksdj", 8, "OPTIONS", "",
     "z9hG4bKkdjuw", "242etr", 0},
    {"invut", "INVITE sip:user@example.com", "invut.0ha0isndaksdjadsfij34n23d", 235448, "INVITE",
     "sip:caller@host5.example.net", "z9hG4bKkdjuw", "8392034", 40},
    {"regaut01", "REGISTER sip:example.com", "regaut01.0ha0isndaksdj", 9338, "REGISTER", "",
     "z9hG4bKkdjuw", "87321hj23128", 0},
    {"bcast", "200", "bcast.0384840201234ksdfak3j2erwedfsASdf", 35, "INVITE",
     "sip:user@host28.example.com", "z9hG4bK1324923", "11141343", 154},
    {"zeromf", "OPTIONS sip:user@example.com", "zeromf.jfasdlfnm2o2l43r5u0asdfas", 39234321,
     "OPTIONS", "", "z9hG4bKkdjuw2349i", "3ghsd41", 0},
    {"cparam01", "REGISTER sip:example.com", "cparam01.70710@saturn.example.com", 2, "REGISTER",
     "sip:+19725552222@gw1.example.net", "z9hG4bKkdjuw", "DkfVgjkrtMwaerKKpe", 0},
    {"cparam02", "REGISTER sip:example.com", "cparam02.70710@saturn.example.com", 3, "REGISTER",
     "sip:+19725552222@gw1.example.net;unknownparam", "z9hG4bKkdjuw", "838293", 0},
    {"regescrt", "REGISTER sip:example.com", "regescrt.k345asrl3fdbv@192.0.2.1", 14398234,
     "REGISTER", "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "z9hG4bKkdjuw", "8", 0},
    {"sdp01", "INVITE sip:user@example.com", "sdp01.ndaksdj9342dasdd", 8, "INVITE",
     "sip:caller@host15.example.net", "z9hG4bKkdjuw", "234", 150},
    {"inv2543", "INVITE sip:UserB@example.com", "inv2543.1717@ift.client.example.com", 56, "INVITE",
     "", "", "", 105},
};

/* 1 when view v equals the NUL-terminated s. */
static int same(struct sipreg_str v, const char *s) {
    return v.len == strlen(s) && (v.len == 0 || !memcmp(v.p, s, v.len));
}

/* Every row of FIELDS. */
static void test_fields(void) {
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
        const struct fields *f = &FIELDS[i];
        size_t len = 0, off;
        char *buf = load(f->name, &len);
        if (!buf) continue;
        struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
        struct sipreg_msg m;
        int r = sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off);
        CHECK_MSG(r == 0, "%s: %s", f->name, sipreg_errname(r));
        if (r) {
            free(buf);
            continue;
        }
        char got[1024];
        size_t o = 0;
        if (m.type == SIPREG_RESPONSE)
            o += (size_t)snprintf(got, sizeof got, "%d", m.status);
        else
            o += (size_t)snprintf(got, sizeof got, "%.*s %.*s", (int)m.method.len, m.method.p,
                                  (int)m.ruri.len, m.ruri.p);
        CHECK_MSG(!strcmp(got, f->start), "%s: start %s", f->name, got);
        CHECK_MSG(same(sipreg_msg_call_id(&m), f->call_id), "%s: Call-ID", f->name);
        struct sipreg_cseq cs;
        CHECK_INT(sipreg_msg_cseq(&m, &cs), 0);
        CHECK_MSG(cs.seq == f->cseq && same(cs.method, f->method), "%s: CSeq %u", f->name, cs.seq);

        struct sipreg_iter it;
        struct sipreg_contact c;
        o = 0;
        got[0] = 0;
        sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
        while (sipreg_contact_next(&it, &c, &off) == 1 && o < sizeof got - 100) {
            o += (size_t)snprintf(got + o, sizeof got - o, "%s%.*s", o ? " | " : "",
                                  (int)c.na.uri.len, c.na.uri.p);
            if (c.expires >= 0)
                o += (size_t)snprintf(got + o, sizeof got - o, " e=%lld", (long long)c.expires);
            if (c.q >= 0) o += (size_t)snprintf(got + o, sizeof got - o, " q=%d", c.q);
        }
        CHECK_MSG(!strcmp(got, f->contacts), "%s: contacts\n   got  %s\n   want %s", f->name, got,
                  f->contacts);
        CHECK_MSG(same(sipreg_msg_via_branch(&m), f->branch), "%s: branch", f->name);
        CHECK_MSG(same(sipreg_msg_tag(&m, SIPREG_H_FROM), f->from_tag), "%s: From tag", f->name);
        CHECK_MSG(m.body.len == f->body, "%s: body %zu", f->name, m.body.len);
        free(buf);
    }
}

/* Details worth pinning down on single messages. */
static void test_details(void) {
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t len, off;
    char *buf;

    /* wsinv: the Contact display name keeps its quoted-pairs; the To tag despite LWS */
    if ((buf = load("wsinv", &len))) {
        CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
        struct sipreg_iter it;
        struct sipreg_contact c;
        sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
        CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
        CHECK_VIEW(c.na.display, "Quoted string \\\"\\\"");
        CHECK_VIEW(sipreg_msg_tag(&m, SIPREG_H_TO), "1918181833n");
        CHECK_INT(m.nhdrs, 14);
        free(buf);
    }
    /* dblreq: the message is the REGISTER only (§18.3) */
    if ((buf = load("dblreq", &len))) {
        CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
        CHECK_INT(m.length, 300);
        CHECK(len > 300 && !memcmp(buf + 302, "INVITE", 6));
        free(buf);
    }
    /* longreq: 34 Via rows, in order */
    if ((buf = load("longreq", &len))) {
        CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
        size_t pos = 0, vias = 0;
        while (sipreg_msg_find(&m, SIPREG_H_VIA, &pos))
            vias++;
        CHECK_INT(vias, 34);
        free(buf);
    }
    /* mpart01: the Date */
    if ((buf = load("mpart01", &len))) {
        CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
        int64_t t = 0;
        CHECK_INT(sipreg_parse_date(sipreg_msg_find(&m, SIPREG_H_DATE, NULL)->value, &t), 0);
        CHECK_INT(t, 1129351496LL);
        free(buf);
    }
    /* badaspec: the To display name is the quoted string, the URI view trimmed */
    if ((buf = load("badaspec", &len))) {
        CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
        struct sipreg_nameaddr na;
        CHECK_INT(sipreg_nameaddr_parse(&na, sipreg_msg_find(&m, SIPREG_H_TO, NULL)->value, &off),
                  0);
        CHECK_VIEW(na.display, "Watson, Thomas");
        CHECK_VIEW(na.uri, "sip:t.watson@example.org");
        free(buf);
    }
    /* cparam01 vs cparam02: header parameter vs URI parameter (§20.10) */
    if ((buf = load("cparam01", &len))) {
        CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
        struct sipreg_iter it;
        struct sipreg_contact c;
        sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
        CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
        CHECK_VIEW(c.na.params, ";unknownparam");
        free(buf);
    }
    /* intmeth: a raw NUL where the quoted-pair's backslash was is rejected */
    if ((buf = load("intmeth", &len))) {
        char *nul = memchr(buf, '\0', len);
        CHECK(nul && nul[-1] == '\\');
        if (nul) {
            nul[-1] = 'x';
            CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off),
                      SIPREG_E_CHAR);
            CHECK_INT(off, (size_t)(nul - buf));
        }
        free(buf);
    }
    /* scalar02 with its CSeq repaired: the oversized expiry values clamp to 2^32-1 (§20.19) */
    if ((buf = load("scalar02", &len))) {
        char *cseq = strstr(buf, "CSeq: 36893488147419103232 REGISTER");
        CHECK(cseq != NULL);
        if (cseq) {
            memcpy(cseq + 6, "00000000000000000001", 20);
            CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
            CHECK_INT(sipreg_msg_delta(&m, SIPREG_H_EXPIRES), 4294967295LL);
            struct sipreg_iter it;
            struct sipreg_contact c;
            sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
            CHECK_INT(sipreg_contact_next(&it, &c, &off), 1);
            CHECK_INT(c.expires, 4294967295LL);
        }
        free(buf);
    }
    /* scalarlg with its CSeq repaired: Retry-After clamps to 2^32-1 */
    if ((buf = load("scalarlg", &len))) {
        char *cseq = strstr(buf, "CSeq: 9292394834772304023312 OPTIONS");
        CHECK(cseq != NULL);
        if (cseq) {
            memcpy(cseq + 6, "0000000000000000000001", 22);
            CHECK_INT(sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off), 0);
            CHECK_INT(sipreg_msg_retry_after(&m), 4294967295LL);
            CHECK_INT(m.status, 503);
        }
        free(buf);
    }
    /* offsets of a few rejects */
    static const struct {
        const char *name;
        const char *at; /* the text err_off points at */
    } AT[] = {
        {"badvers", "SIP/7.0\r\n"},
        {"bigcode", "4294967301"},
        {"ltgtruri", "<sip:user"},
        {"lwsruri", " lr SIP/2.0"},
        {"lwsstart", " sip:user"},
        {"trws", "  \r\n"},
        {"ncl", "-999"},
        {"mcl01", "5\r\nContent-Type"},
        {"mismatch01", "INVITE\r\nVia"},
        {"multi01", "59 INVITE"},
        {"scalar02", "36893488147419103232"},
    };
    for (size_t i = 0; i < sizeof AT / sizeof AT[0]; i++) {
        if (!(buf = load(AT[i].name, &len))) continue;
        int r = sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off);
        const char *want = strstr(buf, AT[i].at);
        CHECK_MSG(r < 0 && want && off == (size_t)(want - buf), "%s: err_off %zu, expected %ld",
                  AT[i].name, off, want ? (long)(want - buf) : -1L);
        free(buf);
    }
}

int main(void) {
    test_expectations();
    test_fields();
    test_details();
    return check_done("rfc4475");
}
