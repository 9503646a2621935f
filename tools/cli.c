/* cli.c — the native `sipreg` command line: parse, uri-equal, compose, digest, simulate,
 * policy. */
#define _POSIX_C_SOURCE 200809L
#include "scenario.h"
#include "sipreg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage:\n"
    "  sipreg parse [FILE|-]...                 one JSON line per message (exit 1 if one does not "
    "parse)\n"
    "  sipreg uri-equal A B                     RFC 3261 §19.1.4: 'equal' (0) / 'different' (1) / "
    "error (2)\n"
    "  sipreg compose --aor URI [--registrar URI] [--expires N]\n"
    "                 [--contact URI [--expires N] [--q X]]... [--transport ws|wss|udp|tcp|tls]\n"
    "                 [--instance URN] [--reg-id N] [--no-outbound] [--seed N] [--user-agent S]\n"
    "                 [--KEY VALUE: any sipreg_config_set key] [--fetch | --unregister | --star]\n"
    "  sipreg digest --algorithm A --qop auth|auth-int|- --username U --realm R --password P\n"
    "                --method M --uri URI --nonce N --nc HEX --cnonce C [--body B]\n"
    "  sipreg simulate [-v] SCRIPT              run a scenario script and print the log\n"
    "  sipreg policy                            the failure table (Markdown, as in the README)\n"
    "  sipreg requests                          the request table (Markdown, as in the README)\n"
    "  sipreg version\n";

/* Read a whole file ("-" = stdin) into a malloc'd buffer. */
static char *read_all(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}

/* sipreg parse [FILE|-]...: one JSON line per message; exit 0 when all parse, 1 otherwise. */
static int cmd_parse(int argc, char **argv) {
    int rc = 0;
    for (int i = 0; i < (argc ? argc : 1); i++) {
        const char *path = argc ? argv[i] : "-";
        size_t len;
        char *buf = read_all(path, &len);
        if (!buf) {
            perror(path);
            return 2;
        }
        size_t cap = 6 * len + 4096;
        char *out = NULL;
        int n = SIPREG_E_BUFFER;
        for (; n == SIPREG_E_BUFFER && cap < ((size_t)1 << 30); cap *= 2) {
            free(out);
            out = malloc(cap);
            n = out ? sipreg_parse_json(buf, len, out, cap) : SIPREG_E_NOMEM;
        }
        if (n < 0) {
            fprintf(stderr, "sipreg: %s\n", sipreg_strerror(n));
            rc = 2;
        } else {
            fwrite(out, 1, (size_t)n, stdout);
            putchar('\n');
            if (strncmp(out, "{\"ok\":true", 10) != 0 && rc == 0) rc = 1;
        }
        free(out);
        free(buf);
    }
    return rc;
}

/* sipreg uri-equal A B */
static int cmd_uri_equal(int argc, char **argv) {
    if (argc != 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    struct sipreg_uri a, b;
    size_t off = 0;
    for (int i = 0; i < 2; i++) {
        int err = sipreg_uri_parse(i ? &b : &a, argv[i], strlen(argv[i]), &off);
        if (err < 0) {
            fprintf(stderr, "sipreg: URI %c does not parse: %s (%s) at offset %zu\n", 'A' + i,
                    sipreg_errname(err), sipreg_strerror(err), off);
            return 2;
        }
    }
    int eq = sipreg_uri_equal(&a, &b);
    puts(eq ? "equal" : "different");
    return eq ? 0 : 1;
}

/* Value of option argv[*i] (advancing *i), or exit with usage. */
static const char *arg(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) {
        fprintf(stderr, "sipreg: %s needs a value\n%s", argv[*i], USAGE);
        exit(2);
    }
    return argv[++*i];
}

/* sipreg compose ...: the first REGISTER of a registration built from the options. */
static int cmd_compose(int argc, char **argv) {
    struct sipreg_config cfg;
    sipreg_config_init(&cfg);
    int op = 0; /* 0 register, 1 unregister, 2 star, 3 fetch */
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        struct sipreg_contact_spec *last = cfg.ncontacts ? &cfg.contacts[cfg.ncontacts - 1] : NULL;
        if (!strcmp(o, "--contact")) {
            const char *u = arg(argc, argv, &i);
            if (sipreg_config_add_contact(&cfg, strcmp(u, "-") ? u : NULL, -1, -1) < 0) {
                fprintf(stderr, "sipreg: at most %d contacts\n", SIPREG_MAX_CONTACTS);
                return 2;
            }
        } else if (!strcmp(o, "--expires") && last) {
            last->expires = atoll(arg(argc, argv, &i)); /* after --contact: that binding's */
        } else if (!strcmp(o, "--q")) {
            double q = atof(arg(argc, argv, &i));
            if (!last) {
                fputs("sipreg: --q follows a --contact\n", stderr);
                return 2;
            }
            last->q = (int)(q * 1000 + 0.5);
        } else if (!strcmp(o, "--no-outbound")) {
            cfg.outbound = 0;
        } else if (!strcmp(o, "--seed")) {
            unsigned long long n = strtoull(arg(argc, argv, &i), NULL, 10);
            for (int k = 0; k < 8; k++)
                cfg.seed[k] = (uint8_t)(n >> (8 * k));
        } else if (!strcmp(o, "--unregister")) {
            op = 1;
        } else if (!strcmp(o, "--star")) {
            op = 2;
        } else if (!strcmp(o, "--fetch")) {
            op = 3;
        } else if (!strncmp(o, "--", 2) && i + 1 < argc) {
            /* any other configuration key: --aor, --registrar, --transport, --reg-id, ... */
            int err = sipreg_config_set(&cfg, o + 2, argv[++i]);
            if (err < 0) {
                fprintf(stderr, "sipreg: %s %s: %s\n", o, argv[i],
                        err == SIPREG_E_NOT_FOUND ? "unknown option" : "bad value");
                return 2;
            }
        } else {
            fprintf(stderr, "sipreg: unknown option %s\n%s", o, USAGE);
            return 2;
        }
    }
    struct sipreg *r;
    int err = cfg.aor ? sipreg_new(&r, &cfg) : SIPREG_E_INVAL;
    if (err < 0) {
        fprintf(stderr, "sipreg: %s (%s)\n", sipreg_errname(err), sipreg_strerror(err));
        return 2;
    }
    sipreg_transport(r, 1, 0);
    if (op == 0)
        sipreg_register(r, 0);
    else if (op == 3)
        sipreg_fetch(r, 0);
    else
        sipreg_unregister(r, op == 2, 0);
    char buf[SIPREG_MAX_MESSAGE];
    int n = sipreg_poll_send(r, buf, sizeof buf);
    sipreg_free(r);
    if (n < 0) {
        fprintf(stderr, "sipreg: %s\n", sipreg_strerror(n));
        return 2;
    }
    fwrite(buf, 1, (size_t)n, stdout);
    return 0;
}

/* sipreg digest ...: the request-digest in hex. */
static int cmd_digest(int argc, char **argv) {
    struct sipreg_digest_input in;
    memset(&in, 0, sizeof in);
    in.alg = SIPREG_ALG_MD5;
    in.qop = SIPREG_QOP_AUTH;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        struct sipreg_str *dst = NULL;
        if (!strcmp(o, "--algorithm")) {
            const char *a = arg(argc, argv, &i);
            in.alg = sipreg_alg_parse((struct sipreg_str){a, strlen(a)});
            if (!in.alg) {
                fprintf(stderr, "sipreg: unsupported algorithm %s\n", a);
                return 2;
            }
            continue;
        }
        if (!strcmp(o, "--qop")) {
            const char *q = arg(argc, argv, &i);
            in.qop = !strcmp(q, "auth")       ? SIPREG_QOP_AUTH
                     : !strcmp(q, "auth-int") ? SIPREG_QOP_AUTH_INT
                                              : 0;
            continue;
        }
        if (!strcmp(o, "--nc")) {
            in.nc = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 16);
            continue;
        }
        if (!strcmp(o, "--username"))
            dst = &in.username;
        else if (!strcmp(o, "--realm"))
            dst = &in.realm;
        else if (!strcmp(o, "--password"))
            dst = &in.password;
        else if (!strcmp(o, "--ha1"))
            dst = &in.ha1_hex;
        else if (!strcmp(o, "--method"))
            dst = &in.method;
        else if (!strcmp(o, "--uri"))
            dst = &in.uri;
        else if (!strcmp(o, "--nonce"))
            dst = &in.nonce;
        else if (!strcmp(o, "--cnonce"))
            dst = &in.cnonce;
        else if (!strcmp(o, "--body"))
            dst = &in.body;
        else {
            fprintf(stderr, "sipreg: unknown option %s\n%s", o, USAGE);
            return 2;
        }
        const char *v = arg(argc, argv, &i);
        dst->p = v;
        dst->len = strlen(v);
    }
    char out[129];
    int n = sipreg_digest_response(&in, out, sizeof out);
    if (n < 0) {
        fprintf(stderr, "sipreg: %s\n", sipreg_strerror(n));
        return 2;
    }
    puts(out);
    return 0;
}

/* sipreg simulate [-v] SCRIPT */
static int cmd_simulate(int argc, char **argv) {
    int verbose = argc > 0 && !strcmp(argv[0], "-v");
    if (argc != 1 + verbose) {
        fputs(USAGE, stderr);
        return 2;
    }
    size_t len;
    char *script = read_all(argv[verbose], &len);
    if (!script) {
        perror("sipreg simulate");
        return 2;
    }
    int r = scenario_run(script, len, argv[verbose], stdout, verbose);
    free(script);
    return r == 0 ? 0 : r < 0 ? 2 : 1;
}

/* sipreg policy: the core's failure table as a Markdown table (the README's copy is checked
 * against this output by tests/cli/run.sh: the rule lives in one place). */
static int cmd_policy(void) {
    size_t n;
    const struct sipreg_failure_rule *rules = sipreg_failure_rules(&n);
    puts("| status | action | rule |");
    puts("|---|---|---|");
    for (size_t i = 0; i < n; i++) {
        if (rules[i].lo == rules[i].hi)
            printf("| %d |", rules[i].lo);
        else
            printf("| %d-%d |", rules[i].lo, rules[i].hi);
        printf(" %s | %s |\n", sipreg_action_name(rules[i].action), rules[i].why);
    }
    return 0;
}

/* sipreg requests: the core's request table as a Markdown table (the README's copy is checked
 * against this output by tests/cli/run.sh). */
static int cmd_requests(void) {
    size_t n;
    const struct sipreg_request_rule *rules = sipreg_request_rules(&n);
    puts("| when | answer | rule |");
    puts("|---|---|---|");
    for (size_t i = 0; i < n; i++) {
        printf("| %s |", sipreg_request_test_name(rules[i].test));
        if (rules[i].status)
            printf(" %d |", rules[i].status);
        else
            printf(" none |");
        printf(" %s |\n", rules[i].why);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "parse")) return cmd_parse(argc - 2, argv + 2);
    if (!strcmp(cmd, "uri-equal")) return cmd_uri_equal(argc - 2, argv + 2);
    if (!strcmp(cmd, "compose")) return cmd_compose(argc - 2, argv + 2);
    if (!strcmp(cmd, "digest")) return cmd_digest(argc - 2, argv + 2);
    if (!strcmp(cmd, "simulate")) return cmd_simulate(argc - 2, argv + 2);
    if (!strcmp(cmd, "policy")) return cmd_policy();
    if (!strcmp(cmd, "requests")) return cmd_requests();
    if (!strcmp(cmd, "version")) {
        puts(SIPREG_VERSION);
        return 0;
    }
    fputs(USAGE, stderr);
    return 2;
}
