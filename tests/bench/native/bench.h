/* bench.h — the native side of the side-by-side benchmarks (tests/bench/README.md).
 *
 * A "walk" parses one message and reads what a registration client needs from it: status or
 * method, Call-ID, CSeq, every Contact binding (URI scheme/user/host/port, expires, q), every
 * digest challenge (realm, nonce, algorithm, qop) and the Expires / Min-Expires headers. It
 * returns a checksum of what it read (so nothing can be optimised away), or a negative number
 * when the contender rejects the message. A "compose" builds one REGISTER refresh with two
 * Contacts and a freshly computed digest Authorization into a buffer. */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>

/* What one walk saw besides its checksum. */
struct walk_info {
    int contacts;      /* Contact bindings walked */
    int uris_parsed;   /* of those, URIs the contender decomposed (scheme/host/...) */
    char why[160];     /* rejection reason (first rejection only) */
};

/* A parse contender: returns a checksum >= 0, or < 0 when it rejects the message. */
typedef long (*walk_fn)(const char *buf, size_t len, struct walk_info *info);

/* The compose workload, shared by every native contender (and mirrored by the JS ones). */
struct compose_case {
    const char *aor;          /* "sip:alice@example.com": To and From */
    const char *ruri;         /* "sip:example.com" */
    const char *call_id;
    const char *from_tag;
    const char *via_host;     /* "df7jal23ls0d.invalid" */
    const char *contact1;     /* URI; expires 600, q 0.9, +sip.instance, reg-id 1 */
    const char *contact2;     /* URI; expires 300, q 0.5 */
    const char *instance;     /* "urn:uuid:..." */
    const char *username, *password;
    const char *challenge;    /* the 401 to answer (bytes of c-401-digest.sip) */
    size_t challenge_len;
    const char *cnonce;
};

/* A compose contender: set up (parse the challenge once), then compose REGISTER number `seq`
 * (CSeq and nc follow it, the branch is new) into buf; returns its length or < 0. */
struct composer {
    const char *name;
    int (*setup)(const struct compose_case *cc);
    int (*compose)(unsigned seq, char *buf, size_t cap);
    void (*teardown)(void);
};

long walk_sipreg(const char *buf, size_t len, struct walk_info *info);
long walk_sipreg_json(const char *buf, size_t len, struct walk_info *info);
long walk_osip(const char *buf, size_t len, struct walk_info *info);
long walk_memchr(const char *buf, size_t len, struct walk_info *info);
long walk_lines(const char *buf, size_t len, struct walk_info *info);

int osip_bench_init(void);
extern const struct composer compose_sipreg;
extern const struct composer compose_osip;

#endif
