/* scenario.c — the scenario script engine (see scenario.h for the language). */
#define _POSIX_C_SOURCE 200809L
#include "scenario.h"

#include "sipreg.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ITEMS 256  /* sends + events remembered per step */
#define MAX_SENT 65536 /* bytes of a message */

/* One output item of a step: a send or an event. */
struct item {
    int is_send;
    int consumed;
    int64_t t;
    struct sipreg_event ev;
    uint32_t cseq;
    char *text; /* sends: the message (malloc) */
};

/* The engine's state. */
struct sim {
    const char *name;
    FILE *log;
    int verbose;
    struct sipreg_config cfg;
    char *strs[64]; /* strdup'd config strings */
    size_t nstrs;
    struct sipreg *r;
    int64_t now;
    int timers;
    int failures;
    int lineno;
    int last_recv;
    int last_respond;            /* what the last `respond` returned */
    char last_request[MAX_SENT]; /* the last request received (what `respond` answers) */
    size_t last_request_len;
    char last_sent[MAX_SENT];    /* the last REGISTER sent (what `recv` answers) */
    char last_options[MAX_SENT]; /* the last OPTIONS probe sent (what `recv options` answers) */
    char *history[8];            /* the last REGISTERs sent, newest first (malloc) */
    struct item items[MAX_ITEMS];
    size_t nitems;
};

/* Report a failed expectation. */
static void fail(struct sim *s, const char *fmt, ...) {
    va_list ap;
    FILE *out = s->log ? s->log : stderr;
    fprintf(out, "FAIL %s:%d: ", s->name, s->lineno);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    s->failures++;
}

/* Keep a copy of a config string. */
static const char *keep(struct sim *s, const char *v) {
    if (s->nstrs == sizeof s->strs / sizeof s->strs[0]) return NULL;
    return s->strs[s->nstrs++] = strdup(v);
}

/* Parse a time ("1500", "12s", "1.5s") in ms. */
static int parse_time(const char *v, int64_t *out) {
    char *end;
    double d = strtod(v, &end);
    if (end == v) return -1;
    if (*end == 's') {
        d *= 1000;
        end++;
    }
    if (*end && !isspace((unsigned char)*end) && *end != '.') return -1;
    *out = (int64_t)(d + (d < 0 ? -0.5 : 0.5));
    return 0;
}

/* Parse "A..B" or "A" into an inclusive range (times allowed). */
static int parse_range(const char *v, int64_t *lo, int64_t *hi) {
    const char *dots = strstr(v, "..");
    if (parse_time(v, lo) < 0) return -1;
    if (!dots) {
        *hi = *lo;
        return 0;
    }
    return parse_time(dots + 2, hi);
}

/* Drain sends and events into the step's items, logging them. */
static void drain(struct sim *s) {
    static char buf[MAX_SENT];
    int n;
    while ((n = sipreg_poll_send(s->r, buf, sizeof buf)) >= 0) {
        struct item *it = &s->items[s->nitems < MAX_ITEMS ? s->nitems++ : MAX_ITEMS - 1];
        memset(it, 0, sizeof *it);
        it->is_send = 1;
        it->t = s->now;
        it->text = malloc((size_t)n + 1);
        memcpy(it->text, buf, (size_t)n);
        it->text[n] = 0;
        int options = !strncmp(buf, "OPTIONS ", 8);
        if (options) {
            memcpy(s->last_options, buf, (size_t)n);
            s->last_options[n] = 0;
        } else if (!strncmp(buf, "REGISTER ", 9)) {
            memcpy(s->last_sent, buf, (size_t)n);
            s->last_sent[n] = 0;
            free(s->history[7]);
            memmove(s->history + 1, s->history, 7 * sizeof s->history[0]);
            s->history[0] = strdup(it->text);
        }
        const char *cs = strstr(it->text, "\r\nCSeq: ");
        it->cseq = cs ? (uint32_t)strtoul(cs + 8, NULL, 10) : 0;
        if (s->log) {
            const char *eol = strstr(it->text, "\r\n");
            if (!strncmp(buf, "SIP/2.0 ", 8))
                fprintf(s->log, "t=%" PRId64 " send response %.*s bytes=%d\n", s->now,
                        eol ? (int)(eol - it->text) : 0, it->text, n);
            else if (it->cseq)
                fprintf(s->log, "t=%" PRId64 " send %s cseq=%u bytes=%d\n", s->now,
                        options ? "OPTIONS" : "REGISTER", it->cseq, n);
            else
                fprintf(s->log, "t=%" PRId64 " send keep-alive ping (%d bytes)\n", s->now, n);
            if (s->verbose) fprintf(s->log, "%s", it->text);
        }
    }
    struct sipreg_event ev;
    while (sipreg_poll_event(s->r, &ev) == 0) {
        struct item *it = &s->items[s->nitems < MAX_ITEMS ? s->nitems++ : MAX_ITEMS - 1];
        memset(it, 0, sizeof *it);
        it->t = s->now;
        it->ev = ev;
        if (s->log) {
            fprintf(s->log, "t=%" PRId64 " event %s state=%s reason=%s op=%s", s->now,
                    sipreg_event_name(ev.type), sipreg_state_name(ev.state),
                    sipreg_reason_name(ev.reason), sipreg_op_name(ev.op));
            if (ev.status)
                fprintf(s->log, " status=%d \"%.*s\"", ev.status, (int)ev.text.len,
                        ev.text.p ? ev.text.p : "");
            if (ev.error) fprintf(s->log, " error=%s", sipreg_errname(ev.error));
            if (ev.at != SIPREG_NEVER) fprintf(s->log, " at=%" PRId64, ev.at);
            const char *key = sipreg_event_value_name(ev.type);
            if (key[0]) fprintf(s->log, " %s=%" PRId64, key, ev.value);
            fprintf(s->log, "\n");
        }
    }
}

/* Forget the previous step's output. */
static void clear_items(struct sim *s) {
    for (size_t i = 0; i < s->nitems; i++)
        free(s->items[i].text);
    s->nitems = 0;
}

/* Fire the core's deadlines up to `t` (a host with a working timer), then set now = t. */
static int advance(struct sim *s, int64_t t) {
    for (int guard = 0; s->timers && guard < 100000; guard++) {
        sipreg_ms d = sipreg_deadline(s->r);
        if (d == SIPREG_NEVER || d > t) break;
        if (d > s->now) s->now = d;
        sipreg_on_timeout(s->r, s->now);
        drain(s);
        if (sipreg_deadline(s->r) <= s->now) {
            fprintf(s->log ? s->log : stderr,
                    "FAIL %s:%d: deadline %" PRId64 " not after now %" PRId64 " after on_timeout\n",
                    s->name, s->lineno, sipreg_deadline(s->r), s->now);
            s->failures++;
            return -1;
        }
    }
    if (t > s->now) s->now = t;
    return 0;
}

/* The `nth` (0-based) value of a "key=value" option in `opts`, copied into out, or NULL.
 * Values may be quoted ("...", with \" and \\ escapes). */
static const char *opt_nth(const char *opts, const char *key, int nth, char *out, size_t cap) {
    size_t klen = strlen(key);
    int seen = 0;
    int quoted = 0;
    for (const char *p = opts; *p; p++) {
        if (*p == '"') quoted = !quoted;
        if (*p == '\\' && quoted && p[1]) {
            p++;
            continue;
        }
        if (quoted || strncmp(p, key, klen) || (p != opts && !isspace((unsigned char)p[-1])) ||
            p[klen] != '=')
            continue;
        if (seen++ < nth) continue;
        const char *v = p + klen + 1;
        size_t n = 0;
        if (*v == '"') {
            for (v++; *v && *v != '"' && n + 1 < cap; v++) {
                if (*v == '\\' && v[1]) {
                    v++;
                    out[n++] = *v == 'r' ? '\r' : *v == 'n' ? '\n' : *v == 't' ? '\t' : *v;
                    continue;
                }
                out[n++] = *v;
            }
        } else {
            while (v[n] && !isspace((unsigned char)v[n]) && n + 1 < cap) {
                out[n] = v[n];
                n++;
            }
        }
        out[n] = 0;
        return out;
    }
    return NULL;
}

/* The first value of option `key`, or NULL. */
static const char *opt(const char *opts, const char *key, char *out, size_t cap) {
    return opt_nth(opts, key, 0, out, cap);
}

/* Parse "URI [expires=N] [q=X]" into a contact spec (URI "-" = generated). */
static int parse_contact(struct sim *s, const char *spec, struct sipreg_contact_spec *c) {
    char uri[512], v[64];
    if (sscanf(spec, "%511s", uri) != 1) return -1;
    c->uri = strcmp(uri, "-") == 0 ? NULL : keep(s, uri);
    c->expires = opt(spec, "expires", v, sizeof v) ? strtoll(v, NULL, 10) : -1;
    c->q = opt(spec, "q", v, sizeof v) ? (int)(strtod(v, NULL) * 1000 + 0.5) : -1;
    return 0;
}

/* Apply "set KEY VALUE": the seed here, everything else through sipreg_config_set. */
static int set_config(struct sim *s, const char *key, const char *val) {
    if (!strcmp(key, "seed")) {
        memset(s->cfg.seed, 0, sizeof s->cfg.seed);
        unsigned long long n = strtoull(val, NULL, 10);
        for (int i = 0; i < 8; i++)
            s->cfg.seed[i] = (uint8_t)(n >> (8 * i));
        return 0;
    }
    const char *v = keep(s, val);
    return v && sipreg_config_set(&s->cfg, key, v) == 0 ? 0 : -1;
}

/* Header value of `name` in a CRLF message (copied), or "" */
static void header_of(const char *msg, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    out[0] = 0;
    for (const char *p = msg; p && *p; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL) {
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            const char *e = strstr(v, "\r\n");
            size_t len = e ? (size_t)(e - v) : strlen(v);
            if (len >= cap) len = cap - 1;
            memcpy(out, v, len);
            out[len] = 0;
            return;
        }
    }
}

/* The URI of the nth Contact header of the last REGISTER (for ${contact0} .. ${contact7}). */
static void contact_n(const char *sent, int nth, char *out, size_t cap) {
    char v[1024];
    const char *p = sent;
    for (int i = 0; i <= nth && p; i++)
        if ((p = strstr(p, "\r\nContact:"))) p += 2;
    header_of(p ? p : "", "Contact", v, sizeof v);
    const char *a = strchr(v, '<'), *b = a ? strchr(a, '>') : NULL;
    size_t n = (a && b) ? (size_t)(b - a - 1) : 0;
    if (n >= cap) n = cap - 1;
    memcpy(out, a ? a + 1 : "", n);
    out[n] = 0;
}

/* Append a string to a growing buffer. */
static void app(char *dst, size_t cap, size_t *len, const char *s, size_t n) {
    if (*len + n >= cap) n = cap - 1 - *len;
    memcpy(dst + *len, s, n);
    *len += n;
    dst[*len] = 0;
}

/* Expand ${contact0} / ${instance} in a line. */
static void expand(const struct sim *s, const char *line, size_t n, char *out, size_t cap,
                   size_t *len) {
    char c0[512], inst[256];
    header_of(s->last_sent, "Contact", inst, sizeof inst);
    const char *ip = strstr(inst, "+sip.instance=\"");
    char instv[256] = "";
    if (ip) {
        ip += 15;
        const char *e = strchr(ip, '"');
        size_t k = e ? (size_t)(e - ip) : 0;
        memcpy(instv, ip, k);
        instv[k] = 0;
    }
    for (size_t i = 0; i < n;) {
        if (!strncmp(line + i, "${contact", 9) && line[i + 9] >= '0' && line[i + 9] <= '7' &&
            line[i + 10] == '}') {
            contact_n(s->last_sent, line[i + 9] - '0', c0, sizeof c0);
            app(out, cap, len, c0, strlen(c0));
            i += 11;
        } else if (!strncmp(line + i, "${instance}", 11)) {
            app(out, cap, len, instv, strlen(instv));
            i += 11;
        } else {
            app(out, cap, len, line + i, 1);
            i++;
        }
    }
}

/* Build a response from script lines (LF) answering `sent` (the last REGISTER or OPTIONS). */
static size_t build_response(const struct sim *s, const char *sent, const char *body, size_t blen,
                             int raw, char *out, size_t cap) {
    size_t len = 0;
    static const char *const COPY[] = {"Via", "From", "To", "Call-ID", "CSeq"};
    const char *p = body, *end = body + blen;
    int first = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        expand(s, p, n, out, cap, &len);
        app(out, cap, &len, "\r\n", 2);
        if (first && !raw) {
            /* right after the status line: the transaction headers we were not given */
            char v[2048], line[2200];
            for (int k = 0; k < 5; k++) {
                int given = 0;
                for (const char *q = body; q < end; q++)
                    if ((q == body || q[-1] == '\n') && !strncasecmp(q, COPY[k], strlen(COPY[k])) &&
                        q[strlen(COPY[k])] == ':')
                        given = 1;
                if (given) continue;
                header_of(sent, COPY[k], v, sizeof v);
                const char *extra = k == 0   ? ";received=127.0.0.1"
                                    : k == 2 ? ";tag=registrar1"
                                             : "";
                snprintf(line, sizeof line, "%s: %s%s\r\n", COPY[k], v, extra);
                app(out, cap, &len, line, strlen(line));
            }
            first = 0;
        }
        p = nl ? nl + 1 : end;
    }
    if (!raw && !strstr(out, "Content-Length:")) app(out, cap, &len, "Content-Length: 0\r\n", 19);
    if (!raw) app(out, cap, &len, "\r\n", 2);
    return len;
}

/* The Nth (1-based) "S->C" message of a Kamailio transcript, rewritten to answer our REGISTER
 * `sent`: the first Via line gets its branch, Call-ID and CSeq become its. */
static size_t transcript_response(const char *sent, const char *path, int nth, char *out,
                                  size_t cap) {
    size_t flen = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char *text = malloc(1 << 20);
    flen = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[flen] = 0;
    char *p = text;
    for (int i = 0; i < nth && p; i++) {
        p = strstr(p, "##### S->C");
        if (p && i < nth - 1) p++;
    }
    size_t len = 0;
    if (p && (p = strstr(p, "\n"))) {
        p++;
        char *end = strstr(p, "\r\n\r\n");
        end = end ? end + 2 : p + strlen(p);
        int via_done = 0;
        char v[2048], line[2300];
        while (p < end) {
            char *nl = strstr(p, "\r\n");
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            if (!via_done && !strncasecmp(p, "Via:", 4)) {
                header_of(sent, "Via", v, sizeof v);
                snprintf(line, sizeof line, "Via: %s;received=127.0.0.1", v);
                app(out, cap, &len, line, strlen(line));
                via_done = 1;
            } else if (!strncasecmp(p, "Call-ID:", 8)) {
                header_of(sent, "Call-ID", v, sizeof v);
                snprintf(line, sizeof line, "Call-ID: %s", v);
                app(out, cap, &len, line, strlen(line));
            } else if (!strncasecmp(p, "CSeq:", 5)) {
                header_of(sent, "CSeq", v, sizeof v);
                snprintf(line, sizeof line, "CSeq: %s", v);
                app(out, cap, &len, line, strlen(line));
            } else {
                app(out, cap, &len, p, n);
            }
            app(out, cap, &len, "\r\n", 2);
            p = nl ? nl + 2 : end;
        }
        app(out, cap, &len, "\r\n", 2);
    }
    free(text);
    return len;
}

/* Name -> enum via the core's name functions. */
static int lookup(const char *(*namef)(int), const char *name, int max) {
    for (int i = 0; i <= max; i++)
        if (!strcmp(namef(i), name)) return i;
    return -1;
}

/* Error code by symbolic name. */
static int error_code(const char *name) {
    for (int e = 0; e >= -100; e--)
        if (!strcmp(sipreg_errname(e), name)) return e;
    return 1;
}

/* Does an event item match the options of an `expect event` line? */
static int event_matches(const struct item *it, const char *opts, int type) {
    char v[128];
    int64_t lo, hi;
    if (it->is_send || it->ev.type != type) return 0;
    if (opt(opts, "state", v, sizeof v) && strcmp(sipreg_state_name(it->ev.state), v)) return 0;
    if (opt(opts, "reason", v, sizeof v) && strcmp(sipreg_reason_name(it->ev.reason), v)) return 0;
    if (opt(opts, "op", v, sizeof v) && strcmp(sipreg_op_name(it->ev.op), v)) return 0;
    if (opt(opts, "status", v, sizeof v) && it->ev.status != atoi(v)) return 0;
    if (opt(opts, "error", v, sizeof v) && it->ev.error != error_code(v)) return 0;
    /* the event's number under its name (granted=600, delayMs=30000..60000, all=true,
     * transport=tcp): the names and values the event view gives it */
    const char *key = sipreg_event_value_name(type);
    if (opt(opts, "value", v, sizeof v)) {
        fprintf(stderr, "scenario: 'value=' is gone; this event's number is '%s='\n",
                key[0] ? key : "(none)");
        return 0;
    }
    if (key[0] && opt(opts, key, v, sizeof v)) {
        if (!strcmp(v, "true") || !strcmp(v, "tcp"))
            lo = hi = type == SIPREG_EV_CONNECT ? SIPREG_TP_TCP : 1;
        else if (!strcmp(v, "false") || !strcmp(v, "null"))
            lo = hi = 0;
        else if (parse_range(v, &lo, &hi) != 0)
            return 0;
        if (it->ev.value < lo || it->ev.value > hi) return 0;
    }
    if (opt(opts, "at", v, sizeof v) && parse_range(v, &lo, &hi) == 0 &&
        (it->ev.at < lo || it->ev.at > hi))
        return 0;
    return 1;
}

/* Does a send item match? */
static int send_matches(const struct item *it, const char *opts) {
    char v[512];
    int64_t lo, hi;
    if (!it->is_send) return 0;
    if (opt(opts, "cseq", v, sizeof v) && it->cseq != (uint32_t)atoi(v)) return 0;
    if (opt(opts, "at", v, sizeof v) && parse_range(v, &lo, &hi) == 0 && (it->t < lo || it->t > hi))
        return 0;
    for (int k = 0; opt_nth(opts, "has", k, v, sizeof v); k++)
        if (!strstr(it->text, v)) return 0;
    for (int k = 0; opt_nth(opts, "lacks", k, v, sizeof v); k++)
        if (strstr(it->text, v)) return 0;
    return 1;
}

/* Check one binding against `expect binding I ...`. */
static void expect_binding(struct sim *s, const char *rest) {
    struct sipreg_binding b[SIPREG_MAX_BINDINGS + SIPREG_MAX_CONTACTS];
    size_t n = 0;
    char v[512];
    int idx = atoi(rest);
    sipreg_bindings(s->r, b, sizeof b / sizeof b[0], &n);
    if (idx < 0 || (size_t)idx >= n) {
        fail(s, "binding %d: only %zu bindings", idx, n);
        return;
    }
    const struct sipreg_binding *x = &b[idx];
    if (opt(rest, "ours", v, sizeof v) && x->ours != atoi(v))
        fail(s, "binding %d ours=%d", idx, x->ours);
    if (opt(rest, "matched", v, sizeof v) && strcmp(sipreg_match_name(x->matched_by), v))
        fail(s, "binding %d matched=%s", idx, sipreg_match_name(x->matched_by));
    if (opt(rest, "granted", v, sizeof v) && x->granted != atoll(v))
        fail(s, "binding %d granted=%" PRId64, idx, x->granted);
    if (opt(rest, "requested", v, sizeof v) && x->requested != atoll(v))
        fail(s, "binding %d requested=%" PRId64, idx, x->requested);
    if (opt(rest, "q", v, sizeof v) && x->q != (int)(strtod(v, NULL) * 1000 + 0.5))
        fail(s, "binding %d q=%d", idx, x->q);
    if (opt(rest, "uri", v, sizeof v) &&
        (x->uri.len != strlen(v) || memcmp(x->uri.p, v, x->uri.len)))
        fail(s, "binding %d uri=%.*s", idx, (int)x->uri.len, x->uri.p);
    if (opt(rest, "gruu", v, sizeof v) &&
        (x->pub_gruu.len != strlen(v) || memcmp(x->pub_gruu.p, v, x->pub_gruu.len)))
        fail(s, "binding %d gruu=%.*s", idx, (int)x->pub_gruu.len,
             x->pub_gruu.p ? x->pub_gruu.p : "");
}

/* Run one `expect` line. */
static int expect(struct sim *s, const char *rest) {
    char what[32], v[128];
    int64_t lo, hi;
    if (sscanf(rest, "%31s", what) != 1) return -1;
    const char *opts = rest + strlen(what);
    while (*opts == ' ')
        opts++;
    if (!strcmp(what, "send")) {
        for (size_t i = 0; i < s->nitems; i++)
            if (!s->items[i].consumed && send_matches(&s->items[i], opts)) {
                s->items[i].consumed = 1;
                return 0;
            }
        fail(s, "no send matching: %s", opts);
    } else if (!strcmp(what, "nosend")) {
        for (size_t i = 0; i < s->nitems; i++)
            if (s->items[i].is_send && !s->items[i].consumed) {
                fail(s, "unexpected send at t=%" PRId64 " cseq=%u", s->items[i].t,
                     s->items[i].cseq);
                break;
            }
    } else if (!strcmp(what, "event") || !strcmp(what, "noevent")) {
        char name[32];
        if (sscanf(opts, "%31s", name) != 1) return -1;
        int type = lookup(sipreg_event_name, name, 16);
        if (type < 0) return -1;
        const char *eo = opts + strlen(name);
        for (size_t i = 0; i < s->nitems; i++)
            if (!s->items[i].consumed && event_matches(&s->items[i], eo, type)) {
                if (what[0] == 'n') {
                    fail(s, "unexpected event %s", name);
                    return 0;
                }
                s->items[i].consumed = 1;
                return 0;
            }
        if (what[0] == 'e') fail(s, "no event matching: %s", opts);
    } else if (!strcmp(what, "state")) {
        if (strcmp(sipreg_state_name(sipreg_state(s->r)), opts))
            fail(s, "state is %s, expected %s", sipreg_state_name(sipreg_state(s->r)), opts);
    } else if (!strcmp(what, "deadline")) {
        sipreg_ms d = sipreg_deadline(s->r);
        if (!strcmp(opts, "never")) {
            if (d != SIPREG_NEVER) fail(s, "deadline is %" PRId64 ", expected never", d);
        } else if (parse_range(opts, &lo, &hi) < 0) {
            return -1;
        } else if (d < lo || d > hi) {
            fail(s, "deadline is %" PRId64 ", expected %s", d == SIPREG_NEVER ? -1 : d, opts);
        }
    } else if (!strcmp(what, "recv")) {
        const char *got = s->last_recv == 0                     ? "ok"
                          : s->last_recv == SIPREG_E_ASYMMETRIC ? "asymmetric"
                          : s->last_recv == SIPREG_RECV_REQUEST ? "request"
                          : s->last_recv == SIPREG_RECV_STALE   ? "stale"
                                                                : sipreg_errname(s->last_recv);
        if (strcmp(got, opts)) fail(s, "recv returned %s, expected %s", got, opts);
    } else if (!strcmp(what, "respond")) {
        /* "expect respond 480": what the last `respond` returned (a status, 0, or an error) */
        char got[48];
        if (s->last_respond < 0)
            snprintf(got, sizeof got, "%s", sipreg_errname(s->last_respond));
        else
            snprintf(got, sizeof got, "%d", s->last_respond);
        if (strcmp(got, opts)) fail(s, "respond returned %s, expected %s", got, opts);
    } else if (!strcmp(what, "binding")) {
        expect_binding(s, opts);
    } else if (!strcmp(what, "bindings")) {
        size_t n = 0;
        sipreg_bindings(s->r, NULL, 0, &n);
        if ((long)n != atol(opts)) fail(s, "%zu bindings, expected %s", n, opts);
    } else if (!strcmp(what, "info")) {
        struct sipreg_info info;
        sipreg_get_info(s->r, &info);
        if (opt(opts, "granted", v, sizeof v) && info.granted != atoll(v))
            fail(s, "granted=%" PRId64, info.granted);
        if (opt(opts, "requested", v, sizeof v) && info.requested != atoll(v))
            fail(s, "requested=%" PRId64, info.requested);
        if (opt(opts, "failures", v, sizeof v) && info.failures != atoi(v))
            fail(s, "failures=%d", info.failures);
        if (opt(opts, "skew", v, sizeof v) && parse_range(v, &lo, &hi) == 0 &&
            (!info.has_skew || info.clock_skew_ms < lo || info.clock_skew_ms > hi))
            fail(s, "skew=%" PRId64 " (known %d)", info.clock_skew_ms, info.has_skew);
        if (opt(opts, "routes", v, sizeof v) && info.nservice_route != (size_t)atoi(v))
            fail(s, "routes=%zu", info.nservice_route);
    } else if (!strcmp(what, "memory-max")) {
        if (sipreg_memory(s->r) > (size_t)atol(opts))
            fail(s, "memory %zu > %s", sipreg_memory(s->r), opts);
    } else {
        return -1;
    }
    return 0;
}

/* The time of a step: "T" (absolute), "+T" (after the previous step), "deadline" (the core's
 * current deadline) or "deadline+T". */
static int step_time(const struct sim *s, const char *v, int64_t *t) {
    int64_t d = 0;
    if (!strncmp(v, "deadline", 8)) {
        sipreg_ms dl = sipreg_deadline(s->r);
        if (dl == SIPREG_NEVER) return -1;
        if (v[8] == '+' && parse_time(v + 9, &d) < 0) return -1;
        *t = dl + d;
        return 0;
    }
    if (*v == '+') {
        if (parse_time(v + 1, &d) < 0) return -1;
        *t = s->now + d;
        return 0;
    }
    return parse_time(v, t);
}

/* Create the registration on the first step. */
static int ensure_created(struct sim *s) {
    if (s->r) return 0;
    int err = sipreg_new(&s->r, &s->cfg);
    if (err < 0) {
        fprintf(s->log ? s->log : stderr, "%s:%d: sipreg_new: %s\n", s->name, s->lineno,
                sipreg_strerror(err));
        return -1;
    }
    return 0;
}

/* Run one step command at s->now. `heredoc` is the body of a << block (or NULL). */
static int step(struct sim *s, const char *cmd, const char *heredoc, size_t hlen) {
    static char msg[MAX_SENT];
    if (!strcmp(cmd, "register"))
        sipreg_register(s->r, s->now);
    else if (!strcmp(cmd, "unregister"))
        sipreg_unregister(s->r, 0, s->now);
    else if (!strcmp(cmd, "unregister all"))
        sipreg_unregister(s->r, 1, s->now);
    else if (!strcmp(cmd, "fetch"))
        sipreg_fetch(s->r, s->now);
    else if (!strcmp(cmd, "transport up"))
        sipreg_transport(s->r, 1, s->now);
    else if (!strcmp(cmd, "transport down"))
        sipreg_transport(s->r, 0, s->now);
    else if (!strcmp(cmd, "timeout"))
        sipreg_on_timeout(s->r, s->now);
    else if (!strcmp(cmd, "network"))
        sipreg_network_changed(s->r, s->now);
    else if (!strncmp(cmd, "flow ", 5)) {
        /* "flow KIND [HOST PORT]": sipreg_set_flow with the flow's local address */
        static const char *const KINDS[] = {"ws", "wss", "udp", "tcp", "tls"};
        char kind[8], host[128] = "";
        int port = 0, t = 0;
        if (sscanf(cmd + 5, "%7s %127s %d", kind, host, &port) < 1) return -1;
        for (int i = 0; i < 5; i++)
            if (!strcmp(kind, KINDS[i])) t = SIPREG_TP_WS + i;
        int err = sipreg_set_flow(s->r, t, host, strlen(host), port, s->now);
        if (err < 0) fail(s, "set_flow: %s", sipreg_errname(err));
    } else if (!strncmp(cmd, "wallclock ", 10))
        sipreg_wallclock(s->r, strtoll(cmd + 10, NULL, 10), s->now);
    else if (!strncmp(cmd, "contacts ", 9)) {
        struct sipreg_contact_spec c[SIPREG_MAX_CONTACTS + 1];
        size_t n = 0;
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", cmd + 9);
        for (char *tok = strtok(buf, ","); tok && n <= SIPREG_MAX_CONTACTS;
             tok = strtok(NULL, ",")) {
            while (*tok == ' ')
                tok++;
            if (parse_contact(s, tok, &c[n++]) < 0) return -1;
        }
        int err = sipreg_set_contacts(s->r, c, n, s->now);
        if (err < 0) fail(s, "set_contacts: %s", sipreg_errname(err));
    } else if (!strncmp(cmd, "recv", 4)) {
        size_t len;
        if (!strncmp(cmd, "recv file ", 10)) {
            char path[512], v[16];
            int nth = 1;
            if (sscanf(cmd + 10, "%511s %d", path, &nth) < 1) return -1;
            /* answers=K: reply to the K-th previous REGISTER (0 = the last one) */
            int k = opt(cmd, "answers", v, sizeof v) ? atoi(v) : 0;
            if (k < 0 || k > 7 || !s->history[k]) return -1;
            len = transcript_response(s->history[k], path, nth, msg, sizeof msg);
            if (!len) {
                fprintf(s->log ? s->log : stderr, "%s:%d: no message %d in %s\n", s->name,
                        s->lineno, nth, path);
                return -1;
            }
        } else if (heredoc) {
            /* "recv options <<END" answers the last OPTIONS probe, else the last REGISTER */
            const char *sent = !strncmp(cmd, "recv options", 12) ? s->last_options : s->last_sent;
            len =
                build_response(s, sent, heredoc, hlen, strstr(cmd, "raw") != NULL, msg, sizeof msg);
        } else {
            return -1;
        }
        if (s->log) {
            const char *eol = strstr(msg, "\r\n");
            fprintf(s->log, "t=%" PRId64 " recv %.*s\n", s->now, eol ? (int)(eol - msg) : 0, msg);
            if (s->verbose) fprintf(s->log, "%.*s", (int)len, msg);
        }
        s->last_recv = sipreg_recv(s->r, msg, len, s->now);
        if (s->last_recv == SIPREG_RECV_REQUEST) {
            memcpy(s->last_request, msg, len);
            s->last_request_len = len;
        }
    } else if (!strncmp(cmd, "respond", 7) && (!cmd[7] || cmd[7] == ' ')) {
        /* "respond [STATUS]": answer the last request received (0 / none: the request table) */
        s->last_respond = sipreg_respond(s->r, s->last_request, s->last_request_len,
                                         cmd[7] ? atoi(cmd + 8) : 0, NULL, 0, NULL, 0);
        if (s->log) fprintf(s->log, "t=%" PRId64 " respond -> %d\n", s->now, s->last_respond);
    } else {
        return -1;
    }
    drain(s);
    return 0;
}

int scenario_run(const char *script, size_t len, const char *name, FILE *log, int verbose) {
    struct sim *s = calloc(1, sizeof *s);
    int result = 0;
    s->name = name;
    s->log = log;
    s->verbose = verbose;
    s->timers = 1;
    sipreg_config_init(&s->cfg);
    const char *p = script, *end = script + len;
    while (p < end && result == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[4096];
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = 0;
        p = nl ? nl + 1 : end;
        s->lineno++;
        char *l = line;
        while (*l == ' ' || *l == '\t')
            l++;
        if (!*l || *l == '#') continue;
        char key[64], val[1024];
        if (!strncmp(l, "set ", 4) && sscanf(l + 4, "%63s %1023[^\n]", key, val) == 2) {
            if (s->r || set_config(s, key, val) < 0) result = -1;
        } else if (!strncmp(l, "contact ", 8)) {
            if (s->r || s->cfg.ncontacts == SIPREG_MAX_CONTACTS ||
                parse_contact(s, l + 8, &s->cfg.contacts[s->cfg.ncontacts++]) < 0)
                result = -1;
        } else if (!strcmp(l, "timers on") || !strcmp(l, "timers off")) {
            s->timers = l[8] == 'n';
        } else if (!strncmp(l, "expect ", 7)) {
            if (!s->r || expect(s, l + 7) < 0) result = -1;
        } else if (!strncmp(l, "t=", 2)) {
            int64_t t;
            char *sp = strchr(l, ' ');
            if (!sp || ensure_created(s) < 0 || step_time(s, l + 2, &t) < 0) {
                result = -1;
                break;
            }
            clear_items(s);
            s->last_recv = 0;
            if (advance(s, t) < 0) break;
            if (s->log) fprintf(s->log, "t=%" PRId64 " > %s\n", s->now, sp + 1);
            const char *body = NULL;
            size_t blen = 0;
            char *hd = strstr(sp + 1, "<<");
            if (hd) {
                /* heredoc: lines up to the terminator word */
                char term[32];
                if (sscanf(hd + 2, "%31s", term) != 1) {
                    result = -1;
                    break;
                }
                *hd = 0;
                while (hd > sp + 1 && hd[-1] == ' ')
                    *--hd = 0;
                body = p;
                const char *q = p;
                while (q < end) {
                    const char *qn = memchr(q, '\n', (size_t)(end - q));
                    size_t ql = qn ? (size_t)(qn - q) : (size_t)(end - q);
                    if (ql == strlen(term) && !strncmp(q, term, ql)) break;
                    q = qn ? qn + 1 : end;
                    s->lineno++;
                }
                blen = (size_t)(q - body);
                p = q < end ? (memchr(q, '\n', (size_t)(end - q))
                                   ? (const char *)memchr(q, '\n', (size_t)(end - q)) + 1
                                   : end)
                            : end;
                s->lineno++;
            }
            if (step(s, sp + 1, body, blen) < 0) result = -1;
        } else {
            result = -1;
        }
    }
    if (result < 0)
        fprintf(log ? log : stderr, "%s:%d: script error\n", name, s->lineno);
    else
        result = s->failures;
    clear_items(s);
    for (int i = 0; i < 8; i++)
        free(s->history[i]);
    sipreg_free(s->r);
    for (size_t i = 0; i < s->nstrs; i++)
        free(s->strs[i]);
    free(s);
    return result;
}
