/* wasm_parse.c — the exports of the WebAssembly shim that parsing needs: memory for the glue's
 * buffers, the message view, URI equality, error names and the version. Linked into both modules:
 * the full one (sipreg.wasm, with wasm.c) and the parse-only one (sipreg-parse.wasm, this file
 * alone: `sipreg/parse` in Node compiles and instantiates less, LTO drops the rest of the core).
 * No SIP logic lives here; every decision is the core's. */
#include "sipreg.h"

#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(#name), used))

EXPORT(sw_malloc) void *sw_malloc(size_t n) { return malloc(n); }
EXPORT(sw_free) void sw_free(void *p) { free(p); }

/* The `sipreg parse` view of buf[0..len) as a tape (sipreg.h) into out; its length in words or
 * SIPREG_E_BUFFER. */
EXPORT(sw_parse) int sw_parse(const char *buf, size_t len, uintptr_t *out, size_t cap) {
    return sipreg_parse_tape(buf, len, out, cap);
}

/* §19.1.4: 1 equal, 0 different, negative when a URI does not parse (*err_off, *which set). */
EXPORT(sw_uri_equal)
int sw_uri_equal(const char *a, size_t al, const char *b, size_t bl, size_t *err_off, int *which) {
    struct sipreg_uri ua, ub;
    int e = sipreg_uri_parse(&ua, a, al, err_off);
    if (e < 0) {
        *which = 0;
        return e;
    }
    e = sipreg_uri_parse(&ub, b, bl, err_off);
    if (e < 0) {
        *which = 1;
        return e;
    }
    return sipreg_uri_equal(&ua, &ub);
}

/* Error name / description as NUL-terminated strings in static memory. */
EXPORT(sw_errname) const char *sw_errname(int err) { return sipreg_errname(err); }
EXPORT(sw_strerror) const char *sw_strerror(int err) { return sipreg_strerror(err); }
EXPORT(sw_version) const char *sw_version(void) { return SIPREG_VERSION; }
