/* bench_native.c — native parse and compose benchmarks (sipreg vs libosip2 vs the memchr floor).
 *
 *   bench_native parse [--rounds R] [--batch-ms M] FILE...   JSON: ns per message
 *   bench_native compose [--rounds R] [--batch-ms M] CHALLENGE JSON: ns per REGISTER
 *   bench_native sample CHALLENGE OUT                          write sipreg's composed REGISTER
 *   bench_native callgrind parse CONTENDER FILE N              N walks inside cg_loop()
 *   bench_native callgrind compose CONTENDER CHALLENGE N       N composes inside cg_loop()
 *
 * Method: each (contender, input) pair first gets a batch size that takes >= --batch-ms; then
 * every round runs one batch of every pair, contenders in an order rotated by one per round, and
 * records ns per operation. Two warm-up rounds are discarded. Output: median, min, max and the
 * samples, plus whether the contender accepted the input and how many bindings it walked. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define MAX_FILES 32
#define MAX_ROUNDS 101
#define WARMUP 2

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", path);
        exit(2);
    }
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* JSON: "median":..,"min":..,"max":..,"samples":[..] */
static void print_stats(const double *samples, int n) {
    double s[MAX_ROUNDS];
    memcpy(s, samples, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof(double), cmp_double);
    double med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    printf("\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"samples\":[", med, s[0], s[n - 1]);
    for (int i = 0; i < n; i++) printf("%s%.1f", i ? "," : "", samples[i]);
    printf("]");
}

static void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        if ((unsigned char)*s >= 0x20) putchar(*s);
    }
    putchar('"');
}

/* ---- parse ---- */

struct parse_contender {
    const char *name;
    walk_fn fn;
};

static const struct parse_contender PARSERS[] = {
    {"sipreg-native", walk_sipreg},
    {"libosip2", walk_osip},
    {"memchr", walk_memchr},
    {"memchr-lines", walk_lines},
    {"sipreg-native-json", walk_sipreg_json},
};
#define NPARSERS (int)(sizeof PARSERS / sizeof PARSERS[0])

static volatile long sink;

/* The loop valgrind counts (--toggle-collect=cg_loop). */
__attribute__((noinline)) static long cg_loop(walk_fn fn, const char *buf, size_t len, long n) {
    long s = 0;
    for (long i = 0; i < n; i++) s += fn(buf, len, NULL);
    return s;
}

__attribute__((noinline)) static long cg_loop_compose(const struct composer *c, char *out, size_t cap,
                                                      long n) {
    long s = 0;
    for (long i = 0; i < n; i++) s += c->compose((unsigned)(i + 1), out, cap);
    return s;
}

static double time_walk(walk_fn fn, const char *buf, size_t len, long iters) {
    long s = 0;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) s += fn(buf, len, NULL);
    double t1 = now_ns();
    sink += s;
    return (t1 - t0) / (double)iters;
}

static long calibrate(double (*once)(long, void *), void *arg, double batch_ns) {
    long iters = 8;
    for (;;) {
        double per = once(iters, arg);
        if (per * (double)iters >= batch_ns || iters > (1L << 30)) return iters;
        double want = batch_ns / (per > 0.5 ? per : 0.5) * 1.1;
        iters = want > (double)iters * 8 ? iters * 8 : (long)want + 1;
    }
}

struct walk_arg {
    walk_fn fn;
    const char *buf;
    size_t len;
};
static double walk_once(long iters, void *p) {
    struct walk_arg *a = p;
    return time_walk(a->fn, a->buf, a->len, iters);
}

static int cmd_parse(int rounds, double batch_ms, int nfiles, char **files) {
    static char *bufs[MAX_FILES];
    static size_t lens[MAX_FILES];
    static long iters[MAX_FILES][NPARSERS];
    static double samples[MAX_FILES][NPARSERS][MAX_ROUNDS];
    static struct walk_info info[MAX_FILES][NPARSERS];
    static long checks[MAX_FILES][NPARSERS];

    for (int f = 0; f < nfiles; f++) bufs[f] = read_file(files[f], &lens[f]);
    for (int f = 0; f < nfiles; f++)
        for (int c = 0; c < NPARSERS; c++) {
            checks[f][c] = PARSERS[c].fn(bufs[f], lens[f], &info[f][c]);
            struct walk_arg a = {PARSERS[c].fn, bufs[f], lens[f]};
            iters[f][c] = calibrate(walk_once, &a, batch_ms * 1e6);
        }
    for (int r = -WARMUP; r < rounds; r++)
        for (int k = 0; k < NPARSERS; k++) {
            int c = (k + (r < 0 ? 0 : r)) % NPARSERS;
            for (int f = 0; f < nfiles; f++) {
                double ns = time_walk(PARSERS[c].fn, bufs[f], lens[f], iters[f][c]);
                if (r >= 0) samples[f][c][r] = ns;
            }
        }

    printf("{\"kind\":\"parse\",\"unit\":\"ns/message\",\"rounds\":%d,\"batch_ms\":%.1f,\"results\":{", rounds,
           batch_ms);
    for (int f = 0; f < nfiles; f++) {
        printf("%s\"%s\":{", f ? "," : "", base_name(files[f]));
        for (int c = 0; c < NPARSERS; c++) {
            printf("%s\"%s\":{", c ? "," : "", PARSERS[c].name);
            if (checks[f][c] < 0) {
                printf("\"status\":\"rejected\",\"why\":");
                print_json_string(info[f][c].why);
                printf(",");
            } else {
                printf("\"status\":\"ok\",\"contacts\":%d,\"uris_parsed\":%d,", info[f][c].contacts,
                       info[f][c].uris_parsed);
            }
            printf("\"bytes\":%zu,\"iterations\":%ld,", lens[f], iters[f][c]);
            print_stats(samples[f][c], rounds);
            printf("}");
        }
        printf("}");
    }
    printf("}}\n");
    return 0;
}

/* ---- compose ---- */

static const struct composer *COMPOSERS[] = {&compose_sipreg, &compose_osip};
#define NCOMPOSERS (int)(sizeof COMPOSERS / sizeof COMPOSERS[0])

static struct compose_case make_case(const char *challenge_file) {
    struct compose_case cc = {
        .aor = "sip:alice@example.com",
        .ruri = "sip:example.com",
        .call_id = "6o9v1ge8kd2c4q7jl3h0ms",
        .from_tag = "qbt1k6gq0r",
        .via_host = "df7jal23ls0d.invalid",
        .contact1 = "sip:k8s3j2d1@df7jal23ls0d.invalid;transport=ws",
        .contact2 = "sip:q9w8e7r6@a1b2c3d4e5f6.invalid;transport=ws",
        .instance = "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        .username = "alice",
        .password = "secret",
        .cnonce = "rj8n1ifq2bm3",
    };
    cc.challenge = read_file(challenge_file, &cc.challenge_len);
    return cc;
}

static char out_buf[8192];
static unsigned seqs[NCOMPOSERS];

struct compose_arg {
    int c;
};
static double compose_once(long iters, void *p) {
    const struct composer *c = COMPOSERS[((struct compose_arg *)p)->c];
    unsigned *seq = &seqs[((struct compose_arg *)p)->c];
    long s = 0;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) s += c->compose(++*seq, out_buf, sizeof out_buf);
    double t1 = now_ns();
    sink += s;
    return (t1 - t0) / (double)iters;
}

static int cmd_compose(int rounds, double batch_ms, const char *challenge_file) {
    static struct compose_case cc;
    static double samples[NCOMPOSERS][MAX_ROUNDS];
    static long iters[NCOMPOSERS];
    static int lens[NCOMPOSERS];
    cc = make_case(challenge_file);
    for (int c = 0; c < NCOMPOSERS; c++) {
        if (COMPOSERS[c]->setup(&cc) != 0) {
            fprintf(stderr, "%s: setup failed\n", COMPOSERS[c]->name);
            return 1;
        }
        lens[c] = COMPOSERS[c]->compose(1, out_buf, sizeof out_buf);
        if (lens[c] <= 0) {
            fprintf(stderr, "%s: compose failed (%d)\n", COMPOSERS[c]->name, lens[c]);
            return 1;
        }
        struct compose_arg a = {c};
        iters[c] = calibrate(compose_once, &a, batch_ms * 1e6);
    }
    for (int r = -WARMUP; r < rounds; r++)
        for (int k = 0; k < NCOMPOSERS; k++) {
            int c = (k + (r < 0 ? 0 : r)) % NCOMPOSERS;
            struct compose_arg a = {c};
            double ns = compose_once(iters[c], &a);
            if (r >= 0) samples[c][r] = ns;
        }
    printf("{\"kind\":\"compose\",\"unit\":\"ns/REGISTER\",\"rounds\":%d,\"batch_ms\":%.1f,\"results\":{", rounds,
           batch_ms);
    for (int c = 0; c < NCOMPOSERS; c++) {
        printf("%s\"%s\":{\"status\":\"ok\",\"bytes\":%d,\"iterations\":%ld,", c ? "," : "", COMPOSERS[c]->name,
               lens[c], iters[c]);
        print_stats(samples[c], rounds);
        printf("}");
    }
    printf("}}\n");
    for (int c = 0; c < NCOMPOSERS; c++) COMPOSERS[c]->teardown();
    return 0;
}

static int cmd_sample(const char *challenge_file, const char *out_file) {
    static struct compose_case cc;
    cc = make_case(challenge_file);
    if (compose_sipreg.setup(&cc) != 0) return 1;
    int n = compose_sipreg.compose(2, out_buf, sizeof out_buf);
    if (n <= 0) return 1;
    FILE *f = fopen(out_file, "wb");
    if (!f || fwrite(out_buf, 1, (size_t)n, f) != (size_t)n) {
        perror(out_file);
        return 1;
    }
    fclose(f);
    return 0;
}

static int cmd_callgrind(const char *kind, const char *name, const char *file, long n) {
    if (!strcmp(kind, "parse")) {
        for (int c = 0; c < NPARSERS; c++) {
            if (strcmp(PARSERS[c].name, name)) continue;
            size_t len;
            char *buf = read_file(file, &len);
            struct walk_info info = {0};
            long check = PARSERS[c].fn(buf, len, &info); /* outside the counted loop */
            sink += cg_loop(PARSERS[c].fn, buf, len, n);
            printf("{\"contender\":\"%s\",\"file\":\"%s\",\"n\":%ld,\"accepted\":%s}\n", name, base_name(file), n,
                   check >= 0 ? "true" : "false");
            free(buf);
            return 0;
        }
    } else if (!strcmp(kind, "compose")) {
        static struct compose_case cc;
        for (int c = 0; c < NCOMPOSERS; c++) {
            if (strcmp(COMPOSERS[c]->name, name)) continue;
            cc = make_case(file);
            if (COMPOSERS[c]->setup(&cc) != 0) return 1;
            sink += cg_loop_compose(COMPOSERS[c], out_buf, sizeof out_buf, n);
            printf("{\"contender\":\"%s\",\"n\":%ld}\n", name, n);
            return 0;
        }
    }
    fprintf(stderr, "unknown contender %s %s\n", kind, name);
    return 2;
}

int main(int argc, char **argv) {
    if (osip_bench_init() != 0) {
        fprintf(stderr, "libosip2 parser_init failed\n");
        return 2;
    }
    if (argc < 2) goto usage;
    const char *cmd = argv[1];
    int rounds = 15;
    double batch_ms = 2;
    int i = 2;
    for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
        if (!strcmp(argv[i], "--rounds")) rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch-ms")) batch_ms = atof(argv[i + 1]);
        else goto usage;
    }
    if (rounds < 1 || rounds >= MAX_ROUNDS) rounds = 15;
    if (!strcmp(cmd, "parse") && argc - i >= 1 && argc - i <= MAX_FILES)
        return cmd_parse(rounds, batch_ms, argc - i, argv + i);
    if (!strcmp(cmd, "compose") && argc - i == 1) return cmd_compose(rounds, batch_ms, argv[i]);
    if (!strcmp(cmd, "sample") && argc - i == 2) return cmd_sample(argv[i], argv[i + 1]);
    if (!strcmp(cmd, "callgrind") && argc - i == 4) return cmd_callgrind(argv[i], argv[i + 1], argv[i + 2], atol(argv[i + 3]));
usage:
    fprintf(stderr,
            "usage: bench_native parse|compose [--rounds R] [--batch-ms M] FILE...\n"
            "       bench_native sample CHALLENGE OUT\n"
            "       bench_native callgrind parse|compose CONTENDER FILE N\n");
    return 2;
}
