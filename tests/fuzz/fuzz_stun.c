/* fuzz_stun.c — libFuzzer target for the STUN codec (core/stun.c). The input is one datagram,
 * parsed from an exact-size copy (so AddressSanitizer sees any read past len). On failure the
 * error is one of the STUN codes and err_off lies within the datagram (at most its length, for
 * a short one). On success: the header rules hold (top bits zero, length = the rest, the magic
 * cookie, RFC 5389 §6), the transaction ID is bytes 8..19, the class and method give back the
 * type bits, the mapped address prints as text that fits 48 bytes, and a Binding request the
 * codec composes with that ID (with and without FINGERPRINT) parses back to the same ID.
 * Violations trap. */
#include "sipreg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Trap unless cond holds. */
static void require(int cond) {
    if (!cond) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *b = malloc(size ? size : 1);
    if (size) memcpy(b, data, size);
    struct sipreg_stun m;
    size_t off = (size_t)-1;
    int e = sipreg_stun_parse(&m, b, size, &off);
    if (e < 0) {
        require(e == SIPREG_E_STUN_HEADER || e == SIPREG_E_STUN_ATTRIBUTE ||
                e == SIPREG_E_STUN_FINGERPRINT);
        require(off <= size);
        free(b);
        return 0;
    }
    require(e == 0 && size >= SIPREG_STUN_HEADER && (b[0] & 0xC0) == 0);
    require((size_t)(b[2] << 8 | b[3]) == size - SIPREG_STUN_HEADER && size % 4 == 0);
    require(b[4] == 0x21 && b[5] == 0x12 && b[6] == 0xA4 && b[7] == 0x42);
    require(!memcmp(m.tid, b + 8, SIPREG_STUN_TID));
    /* §6: the type's bits are the method's and the class's, nothing else */
    unsigned type = (unsigned)(b[0] << 8 | b[1]);
    unsigned back = ((unsigned)m.method & 0x000F) | ((unsigned)m.method & 0x0070) << 1 |
                    ((unsigned)m.method & 0x0F80) << 2 | ((unsigned)m.cls & 1) << 4 |
                    ((unsigned)m.cls & 2) << 7;
    require(back == type);
    char text[48];
    int n = sipreg_stun_address(&m, text, sizeof text);
    require(m.family ? n > 0 && (size_t)n == strlen(text) : n == SIPREG_E_NOT_FOUND);
    require(m.family == 0 || m.family == 4 || m.family == 6);
    require(m.error_code == 0 || (m.error_code >= 300 && m.error_code <= 699));
    require(m.unknown == -1 || (m.unknown >= 0 && m.unknown < 0x8000));
    /* a request with this ID round-trips */
    for (int fp = 0; fp < 2; fp++) {
        uint8_t req[28];
        struct sipreg_stun q;
        int len = sipreg_stun_binding_request(m.tid, fp, req, sizeof req);
        require(len == (fp ? 28 : 20));
        require(sipreg_stun_parse(&q, req, (size_t)len, NULL) == 0);
        require(q.cls == SIPREG_STUN_REQUEST && q.method == SIPREG_STUN_BINDING);
        require(q.fingerprint == fp && !memcmp(q.tid, m.tid, SIPREG_STUN_TID));
        require(sipreg_stun_is(req, (size_t)len));
    }
    free(b);
    return 0;
}
