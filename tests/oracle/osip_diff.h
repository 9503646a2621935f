/* osip_diff.h — the comparison machinery of oracle_osip.c (included by it only; kept apart so
 * that each file stays readable).
 *
 * One input is parsed by our sipreg_msg_parse (with the SIPREG_MAX_HEADERS header array a
 * registration uses) and by libosip2's osip_message_parse. Each side is reduced to a `struct
 * od_view`: every compared field rendered as text, so that a disagreement can be printed and
 * looked up in the table of known disagreements. Renderings:
 *   - absent field: "-"; a value that does not follow its grammar: "invalid";
 *   - delta-seconds (Expires header, ;expires=): the number, values above 2^32-1 read as 2^32-1
 *     (RFC 3261 §20.19 leaves the upper bound to the recipient; RFC 4475 §3.1.2.4 says a huge
 *     value is to be treated as the maximum; our parser clamps, libosip2 gives the text, so the
 *     test clamps the libosip2 text the same way and compares durations, not spellings);
 *   - q: thousandths as a number ("0.5" -> 500, "1.0" -> 1000; libosip2's text "2.0" -> 2000,
 *     i.e. range is not checked on their side: our parser refuses q > 1 per §20.10's qvalue);
 *   - Contact URI: our view text, and libosip2's osip_uri_to_str; they are compared with our
 *     sipreg_uri_equal_str (RFC 3261 §19.1.4), not byte by byte, since libosip2 re-serialises;
 *   - STAR: "*" on both sides (libosip2 keeps "*" and anything after it as the display name);
 *   - a Contact element our parser refuses (the message itself is accepted by
 *     sipreg_msg_parse, which does not parse Contacts) is compared as a whole: ours "error
 *     <name>", theirs a summary of what libosip2 made of it.
 * Error offsets are shown in the listing but are not part of the lookup key. */
#ifndef OSIP_DIFF_H
#define OSIP_DIFF_H

#include <osipparser2/osip_parser.h>
#include <stdarg.h>
#include <stdlib.h>

#include "check.h"
#include "sipreg.h"

#define OD_MAX_CONTACTS 64 /* Contact elements kept per message (more fail the test) */
#define OD_TEXT 2048       /* a URI or Call-ID */
#define OD_SHORT 192       /* any other rendered field */

/* One Contact element as one side sees it. */
struct od_contact {
    char error[OD_SHORT]; /* ours: the element did not parse ("SIPREG_E_X"), else empty */
    char where[OD_SHORT]; /* ours: "@off" of that error (display only) */
    char uri[OD_TEXT];    /* URI text, "*" for STAR */
    char expires[OD_SHORT];
    char q[OD_SHORT];
};

/* Everything compared for one message, as one side sees it. */
struct od_view {
    int accepted;
    char reject[OD_SHORT]; /* key: "SIPREG_E_X" or "osip" (when not accepted) */
    char reject_more[2 *
                     OD_SHORT]; /* display: our offset, or libosip2's code and first error line */
    char type[16];              /* "request" / "response" */
    char status[16];
    char method[OD_SHORT];
    char call_id[OD_TEXT];
    char cseq_num[OD_SHORT];
    char cseq_method[OD_SHORT];
    char expires[OD_SHORT];
    size_t ncontacts;
    int truncated; /* something did not fit in the buffers above: the test fails */
    struct od_contact c[OD_MAX_CONTACTS];
};

/* Print one view (ORACLE_VERBOSE=1). */
static inline void od_print_view(const char *who, const struct od_view *v) {
    if (!v->accepted) {
        printf("  %s: rejected %s\n", who, v->reject_more);
        return;
    }
    printf("  %s: %s %s%s call-id=%s cseq=%s %s expires=%s contacts=%zu\n", who, v->type, v->status,
           v->method, v->call_id, v->cseq_num, v->cseq_method, v->expires, v->ncontacts);
    for (size_t i = 0; i < v->ncontacts; i++)
        printf("    [%zu] %s%s uri=%s expires=%s q=%s\n", i, v->c[i].error, v->c[i].where,
               v->c[i].uri, v->c[i].expires, v->c[i].q);
}

/* Copy n bytes into dst[cap] NUL-terminated; note truncation. */
static inline void od_copy(struct od_view *v, char *dst, size_t cap, const char *s, size_t n) {
    if (n >= cap) {
        v->truncated = 1;
        n = cap - 1;
    }
    if (n) memcpy(dst, s, n);
    dst[n] = 0;
}

static inline void od_copyz(struct od_view *v, char *dst, size_t cap, const char *s) {
    od_copy(v, dst, cap, s ? s : "-", strlen(s ? s : "-"));
}

/* ---------------------------------------------------------------------------------------- */
/* Text helpers for libosip2's strings (written here, independent of our parser)            */
/* ---------------------------------------------------------------------------------------- */

/* Render delta-seconds text (SP/HTAB around it ignored) into out: the number clamped to
 * 2^32-1, or "invalid". */
static inline void od_delta_text(const char *s, char *out, size_t cap) {
    size_t a = 0, b = strlen(s);
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n'))
        b--;
    if (a == b) {
        snprintf(out, cap, "invalid");
        return;
    }
    unsigned long long x = 0;
    for (size_t i = a; i < b; i++) {
        if (s[i] < '0' || s[i] > '9') {
            snprintf(out, cap, "invalid");
            return;
        }
        if (x <= 4294967295ull) x = x * 10 + (unsigned)(s[i] - '0');
    }
    if (x > 4294967295ull) x = 4294967295ull;
    snprintf(out, cap, "%llu", x);
}

/* Render a q text as thousandths: DIGITS [ "." DIGITS ], digits past the third decimal must be
 * 0; anything else "invalid". */
static inline void od_q_text(const char *s, char *out, size_t cap) {
    size_t i = 0;
    unsigned long long whole = 0;
    unsigned frac = 0, scale = 100;
    if (!s || !(s[0] >= '0' && s[0] <= '9')) {
        snprintf(out, cap, "invalid");
        return;
    }
    for (; s[i] >= '0' && s[i] <= '9'; i++)
        if (whole < 1000000) whole = whole * 10 + (unsigned)(s[i] - '0');
    if (s[i] == '.') {
        for (i++; s[i] >= '0' && s[i] <= '9'; i++) {
            if (scale == 0 && s[i] != '0') {
                snprintf(out, cap, "invalid");
                return;
            }
            frac += (unsigned)(s[i] - '0') * scale;
            scale /= 10;
        }
    }
    if (s[i] != 0) {
        snprintf(out, cap, "invalid");
        return;
    }
    snprintf(out, cap, "%llu", whole * 1000 + frac);
}

/* ---------------------------------------------------------------------------------------- */
/* Our view                                                                                 */
/* ---------------------------------------------------------------------------------------- */

static inline void od_ours(struct od_view *v, const char *buf, size_t len) {
    static struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t off = 0;
    memset(v, 0, sizeof *v);
    int r = sipreg_msg_parse(&m, buf, len, hdrs, SIPREG_MAX_HEADERS, &off);
    if (r < 0) {
        snprintf(v->reject, sizeof v->reject, "%s", sipreg_errname(r));
        snprintf(v->reject_more, sizeof v->reject_more, "%s@%zu", sipreg_errname(r), off);
        return;
    }
    v->accepted = 1;
    snprintf(v->type, sizeof v->type, "%s", m.type == SIPREG_RESPONSE ? "response" : "request");
    if (m.type == SIPREG_RESPONSE) snprintf(v->status, sizeof v->status, "%d", m.status);
    od_copy(v, v->method, sizeof v->method, m.method.p, m.method.len);
    const struct sipreg_str cid = sipreg_msg_call_id(&m);
    if (sipreg_msg_find(&m, SIPREG_H_CALL_ID, NULL))
        od_copy(v, v->call_id, sizeof v->call_id, cid.p, cid.len);
    else
        od_copyz(v, v->call_id, sizeof v->call_id, NULL);
    struct sipreg_cseq cs;
    if (sipreg_msg_cseq(&m, &cs) == 0) {
        snprintf(v->cseq_num, sizeof v->cseq_num, "%lu", (unsigned long)cs.seq);
        od_copy(v, v->cseq_method, sizeof v->cseq_method, cs.method.p, cs.method.len);
    } else {
        snprintf(v->cseq_num, sizeof v->cseq_num, "invalid");
        snprintf(v->cseq_method, sizeof v->cseq_method, "invalid");
    }
    const int64_t e = sipreg_msg_delta(&m, SIPREG_H_EXPIRES);
    if (e >= 0)
        snprintf(v->expires, sizeof v->expires, "%lld", (long long)e);
    else
        snprintf(v->expires, sizeof v->expires, "%s", e == SIPREG_E_NOT_FOUND ? "-" : "invalid");

    struct sipreg_iter it;
    sipreg_iter_init(&it, &m, SIPREG_H_CONTACT);
    for (int guard = 0; guard < 1000; guard++) {
        struct sipreg_contact c;
        size_t coff = 0;
        r = sipreg_contact_next(&it, &c, &coff);
        if (r == 0) break;
        if (v->ncontacts == OD_MAX_CONTACTS) {
            v->truncated = 1;
            break;
        }
        struct od_contact *oc = &v->c[v->ncontacts++];
        if (r < 0) {
            snprintf(oc->error, sizeof oc->error, "error %s", sipreg_errname(r));
            snprintf(oc->where, sizeof oc->where, "@%zu in header %zu", coff, it.hdr);
            continue;
        }
        if (c.star)
            od_copyz(v, oc->uri, sizeof oc->uri, "*");
        else
            od_copy(v, oc->uri, sizeof oc->uri, c.na.uri.p, c.na.uri.len);
        if (c.expires >= 0)
            snprintf(oc->expires, sizeof oc->expires, "%lld", (long long)c.expires);
        else
            snprintf(oc->expires, sizeof oc->expires, "-");
        if (c.q >= 0)
            snprintf(oc->q, sizeof oc->q, "%d", c.q);
        else
            snprintf(oc->q, sizeof oc->q, "-");
    }
}

/* ---------------------------------------------------------------------------------------- */
/* libosip2's view                                                                          */
/* ---------------------------------------------------------------------------------------- */

/* The first error line libosip2 logged during the current parse (its traces go here). */
static char od_osip_log[OD_SHORT];

static void od_osip_trace(const char *fi, int li, osip_trace_level_t level, const char *chfr,
                          va_list ap) {
    (void)fi;
    (void)li;
    if (level > OSIP_ERROR || od_osip_log[0]) return;
    vsnprintf(od_osip_log, sizeof od_osip_log, chfr, ap);
    size_t n = strlen(od_osip_log);
    while (n && (od_osip_log[n - 1] == '\n' || od_osip_log[n - 1] == '\r'))
        od_osip_log[--n] = 0;
}

/* Once per process: libosip2's parser tables and its trace hook. */
static inline void od_osip_init(void) {
    parser_init();
    osip_trace_initialize_func(END_TRACE_LEVEL, od_osip_trace);
}

static inline void od_theirs(struct od_view *v, const char *buf, size_t len) {
    osip_message_t *msg = NULL;
    memset(v, 0, sizeof *v);
    if (osip_message_init(&msg) != 0) {
        snprintf(v->reject, sizeof v->reject, "osip");
        snprintf(v->reject_more, sizeof v->reject_more, "osip_message_init failed");
        v->truncated = 1;
        return;
    }
    od_osip_log[0] = 0;
    int r = osip_message_parse(msg, buf, len);
    if (r != 0) {
        snprintf(v->reject, sizeof v->reject, "osip");
        snprintf(v->reject_more, sizeof v->reject_more, "osip %d: %s", r,
                 od_osip_log[0] ? od_osip_log : "(no log)");
        osip_message_free(msg);
        return;
    }
    v->accepted = 1;
    if (MSG_IS_RESPONSE(msg)) {
        snprintf(v->type, sizeof v->type, "response");
        snprintf(v->status, sizeof v->status, "%d", osip_message_get_status_code(msg));
    } else {
        snprintf(v->type, sizeof v->type, "request");
        od_copyz(v, v->method, sizeof v->method, osip_message_get_method(msg));
    }
    osip_call_id_t *cid = osip_message_get_call_id(msg);
    char *s = NULL;
    if (cid && osip_call_id_to_str(cid, &s) == 0 && s) {
        od_copyz(v, v->call_id, sizeof v->call_id, s);
        osip_free(s);
    } else {
        od_copyz(v, v->call_id, sizeof v->call_id, NULL);
    }
    osip_cseq_t *cs = osip_message_get_cseq(msg);
    if (cs) {
        const char *num = osip_cseq_get_number(cs);
        /* the number as a number (our side prints the parsed value) */
        char tmp[OD_SHORT];
        od_delta_text(num ? num : "", tmp, sizeof tmp);
        if (strcmp(tmp, "invalid") == 0 || strcmp(tmp, "4294967295") == 0)
            od_copyz(v, v->cseq_num, sizeof v->cseq_num, num ? num : "invalid");
        else
            od_copyz(v, v->cseq_num, sizeof v->cseq_num, tmp);
        od_copyz(v, v->cseq_method, sizeof v->cseq_method, osip_cseq_get_method(cs));
    } else {
        od_copyz(v, v->cseq_num, sizeof v->cseq_num, NULL);
        od_copyz(v, v->cseq_method, sizeof v->cseq_method, NULL);
    }
    osip_header_t *h = NULL;
    if (osip_message_get_expires(msg, 0, &h) >= 0 && h)
        od_delta_text(h->hvalue ? h->hvalue : "", v->expires, sizeof v->expires);
    else
        snprintf(v->expires, sizeof v->expires, "-");

    osip_contact_t *ct = NULL;
    for (int pos = 0; osip_message_get_contact(msg, pos, &ct) >= 0 && ct; pos++) {
        if (v->ncontacts == OD_MAX_CONTACTS) {
            v->truncated = 1;
            break;
        }
        struct od_contact *oc = &v->c[v->ncontacts++];
        osip_uri_t *url = osip_contact_get_url(ct);
        if (!url) {
            /* libosip2 keeps STAR (and anything after it) as the display name, no URL */
            const char *dn = osip_contact_get_displayname(ct);
            od_copyz(v, oc->uri, sizeof oc->uri, dn && dn[0] == '*' ? "*" : "(no URL)");
        } else {
            s = NULL;
            if (osip_uri_to_str(url, &s) == 0 && s) {
                od_copyz(v, oc->uri, sizeof oc->uri, s);
                osip_free(s);
            } else {
                od_copyz(v, oc->uri, sizeof oc->uri, "(osip_uri_to_str failed)");
            }
        }
        osip_generic_param_t *gp = NULL;
        if (osip_contact_param_get_byname(ct, "expires", &gp) == 0 && gp)
            od_delta_text(gp->gvalue ? gp->gvalue : "", oc->expires, sizeof oc->expires);
        else
            snprintf(oc->expires, sizeof oc->expires, "-");
        gp = NULL;
        if (osip_contact_param_get_byname(ct, "q", &gp) == 0 && gp)
            od_q_text(gp->gvalue, oc->q, sizeof oc->q);
        else
            snprintf(oc->q, sizeof oc->q, "-");
    }
    osip_message_free(msg);
}

/* ---------------------------------------------------------------------------------------- */
/* Comparison                                                                               */
/* ---------------------------------------------------------------------------------------- */

/* A known disagreement: the input, the field, both renderings (keys), and the verdict. */
struct od_expect {
    const char *input;
    const char *field;
    const char *ours;
    const char *theirs;
    const char *why; /* who is right per the RFC, and why */
};

/* One observed disagreement. */
struct od_diff {
    char *input, *label, *field, *ours, *theirs, *detail;
    int strict;                    /* must-agree input: never looked up */
    const struct od_expect *known; /* the table row that explains it, or NULL */
};

/* The whole run. */
struct od_run {
    const struct od_expect *table;
    size_t ntable;
    int *hits; /* per table row */
    size_t inputs, both, both_rejected, fields;
    struct od_diff *diffs;
    size_t ndiffs, cap;
    char *rejected; /* listing of the inputs both parsers reject */
    size_t rejected_len;
    int verbose; /* ORACLE_VERBOSE: print both views of every input */
};

/* Append one line to the both-rejected listing. */
static inline void od_note_rejected(struct od_run *run, const char *input, const char *label,
                                    const struct od_view *a, const struct od_view *b) {
    char line[3 * OD_SHORT + 400];
    const int n = snprintf(line, sizeof line, "%s (%s)\n    ours=%s theirs=%s\n", input, label,
                           a->reject_more, b->reject_more);
    const size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    run->rejected = realloc(run->rejected, run->rejected_len + len + 1);
    if (!run->rejected) abort();
    memcpy(run->rejected + run->rejected_len, line, len + 1);
    run->rejected_len += len;
}

static inline char *od_dup(const char *s) {
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d) abort();
    memcpy(d, s, n + 1);
    return d;
}

static inline void od_add(struct od_run *run, const char *input, const char *label, int strict,
                          const char *field, const char *ours, const char *theirs,
                          const char *detail) {
    if (run->ndiffs == run->cap) {
        run->cap = run->cap ? run->cap * 2 : 64;
        run->diffs = realloc(run->diffs, run->cap * sizeof *run->diffs);
        if (!run->diffs) abort();
    }
    struct od_diff *d = &run->diffs[run->ndiffs++];
    d->input = od_dup(input);
    d->label = od_dup(label);
    d->field = od_dup(field);
    d->ours = od_dup(ours);
    d->theirs = od_dup(theirs);
    d->detail = od_dup(detail ? detail : "");
    d->strict = strict;
    d->known = NULL;
    if (strict) return;
    for (size_t i = 0; i < run->ntable; i++) {
        const struct od_expect *e = &run->table[i];
        if (!strcmp(e->input, input) && !strcmp(e->field, field) && !strcmp(e->ours, ours) &&
            !strcmp(e->theirs, theirs)) {
            d->known = e;
            run->hits[i]++;
            break;
        }
    }
}

/* Compare one field rendered as text on both sides. */
static inline void od_field(struct od_run *run, const char *input, const char *label, int strict,
                            const char *field, const char *ours, const char *theirs) {
    run->fields++;
    if (strcmp(ours, theirs) != 0) od_add(run, input, label, strict, field, ours, theirs, NULL);
}

/* "uri;expires=..;q=.." of one Contact (for element-level disagreements). */
static inline void od_contact_summary(const struct od_contact *c, char *out, size_t cap) {
    snprintf(out, cap, "%s expires=%s q=%s", c->uri, c->expires, c->q);
}

static inline void od_contacts(struct od_run *run, const char *input, const char *label, int strict,
                               const struct od_view *a, const struct od_view *b) {
    char field[64], x[OD_TEXT + 2 * OD_SHORT], y[OD_TEXT + 2 * OD_SHORT];
    snprintf(x, sizeof x, "%zu", a->ncontacts);
    snprintf(y, sizeof y, "%zu", b->ncontacts);
    od_field(run, input, label, strict, "contacts", x, y);
    const size_t n = a->ncontacts < b->ncontacts ? a->ncontacts : b->ncontacts;
    for (size_t i = 0; i < n; i++) {
        const struct od_contact *ca = &a->c[i], *cb = &b->c[i];
        if (ca->error[0]) {
            snprintf(field, sizeof field, "contact[%zu]", i);
            od_contact_summary(cb, y, sizeof y);
            run->fields++;
            od_add(run, input, label, strict, field, ca->error, y, ca->where);
            continue;
        }
        snprintf(field, sizeof field, "contact[%zu].uri", i);
        run->fields++;
        const int sa = !strcmp(ca->uri, "*"), sb = !strcmp(cb->uri, "*");
        int same;
        char detail[OD_SHORT] = "";
        if (sa || sb) {
            same = sa && sb;
        } else {
            const int eq = sipreg_uri_equal_str(ca->uri, strlen(ca->uri), cb->uri, strlen(cb->uri));
            same = eq == 1;
            if (eq < 0)
                snprintf(detail, sizeof detail, "sipreg_uri_equal_str: %s", sipreg_errname(eq));
        }
        if (!same) od_add(run, input, label, strict, field, ca->uri, cb->uri, detail);
        snprintf(field, sizeof field, "contact[%zu].expires", i);
        od_field(run, input, label, strict, field, ca->expires, cb->expires);
        snprintf(field, sizeof field, "contact[%zu].q", i);
        od_field(run, input, label, strict, field, ca->q, cb->q);
    }
}

/* Parse buf with both parsers and record every disagreement. `strict`: the input must be
 * accepted by both and agree on every field (no table lookup). Returns our view in *ours_out
 * (when not NULL) for callers that check more. */
static inline void od_compare(struct od_run *run, const char *input, const char *label, int strict,
                              const char *buf, size_t len, struct od_view *ours_out) {
    static struct od_view a, b;
    od_ours(&a, buf, len);
    od_theirs(&b, buf, len);
    run->inputs++;
    CHECK_MSG(!a.truncated && !b.truncated, "%s: a field did not fit the test's buffers", input);
    if (ours_out) *ours_out = a;
    if (run->verbose) {
        printf("%s (%s)\n", input, label);
        od_print_view("ours", &a);
        od_print_view("theirs", &b);
    }
    run->fields++;
    if (a.accepted != b.accepted) {
        char detail[4 * OD_SHORT];
        size_t dl = (size_t)snprintf(detail, sizeof detail, "%s",
                                     a.accepted ? b.reject_more : a.reject_more);
        /* we accept the message but sipreg_contact_next may still refuse an element */
        for (size_t i = 0; a.accepted && i < a.ncontacts && dl < sizeof detail; i++)
            if (a.c[i].error[0])
                dl += (size_t)snprintf(detail + dl, sizeof detail - dl, "; ours: contact[%zu] %s",
                                       i, a.c[i].error);
        od_add(run, input, label, strict, "accept", a.accepted ? "accept" : a.reject,
               b.accepted ? "accept" : b.reject, detail);
        return;
    }
    if (!a.accepted) {
        run->both_rejected++;
        od_note_rejected(run, input, label, &a, &b);
        if (strict) /* a must-accept input that neither side takes */
            od_add(run, input, label, strict, "accept", a.reject, b.reject, a.reject_more);
        return;
    }
    run->both++;
    od_field(run, input, label, strict, "type", a.type, b.type);
    if (!strcmp(a.type, b.type)) {
        if (!strcmp(a.type, "response"))
            od_field(run, input, label, strict, "status", a.status, b.status);
        else
            od_field(run, input, label, strict, "method", a.method, b.method);
    }
    od_field(run, input, label, strict, "call-id", a.call_id, b.call_id);
    od_field(run, input, label, strict, "cseq.number", a.cseq_num, b.cseq_num);
    od_field(run, input, label, strict, "cseq.method", a.cseq_method, b.cseq_method);
    od_field(run, input, label, strict, "expires", a.expires, b.expires);
    od_contacts(run, input, label, strict, &a, &b);
}

/* Print the disagreements (one-side acceptance first), the stale table rows, the summary;
 * count every unexpected one and every stale row as a failure. */
static inline void od_report(struct od_run *run, const char *name) {
    size_t expected = 0, unexpected = 0, one_side = 0;
    for (int pass = 0; pass < 2; pass++) {
        printf(pass == 0 ? "\n== inputs only one parser accepts ==\n"
                         : "\n== field disagreements on inputs both accept ==\n");
        for (size_t i = 0; i < run->ndiffs; i++) {
            const struct od_diff *d = &run->diffs[i];
            const int acc = !strcmp(d->field, "accept");
            if (acc != (pass == 0)) continue;
            if (acc) one_side++;
            const char *tag = d->known    ? "expected"
                              : d->strict ? "UNEXPECTED (must agree)"
                                          : "UNEXPECTED";
            printf("[%s] %s (%s)\n    %s: ours=%s theirs=%s%s%s\n", tag, d->input, d->label,
                   d->field, d->ours, d->theirs, d->detail[0] ? "  -- " : "", d->detail);
            if (d->known) {
                printf("    why: %s\n", d->known->why);
                expected++;
            } else {
                unexpected++;
                CHECK_MSG(0, "unexpected disagreement: %s %s ours=%s theirs=%s", d->input, d->field,
                          d->ours, d->theirs);
            }
        }
    }
    printf("\n== inputs both parsers reject (agreement, listed for information) ==\n%s",
           run->rejected ? run->rejected : "");
    free(run->rejected);
    run->rejected = NULL;
    size_t stale = 0;
    for (size_t i = 0; i < run->ntable; i++) {
        if (run->hits[i]) continue;
        stale++;
        CHECK_MSG(0,
                  "known disagreement no longer seen (behaviour changed?): %s %s ours=%s "
                  "theirs=%s",
                  run->table[i].input, run->table[i].field, run->table[i].ours,
                  run->table[i].theirs);
    }
    printf("\n%s: inputs %zu, both accepted %zu, both rejected %zu, one side only %zu, fields "
           "compared %zu, disagreements %zu (expected %zu, unexpected %zu), stale table rows "
           "%zu\n",
           name, run->inputs, run->both, run->both_rejected, one_side, run->fields, run->ndiffs,
           expected, unexpected, stale);
    for (size_t i = 0; i < run->ndiffs; i++) {
        struct od_diff *d = &run->diffs[i];
        free(d->input);
        free(d->label);
        free(d->field);
        free(d->ours);
        free(d->theirs);
        free(d->detail);
    }
    free(run->diffs);
    run->diffs = NULL;
}

#endif
