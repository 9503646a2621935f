/* fuzz_state.c — arbitrary bytes as a saved-state blob: never a crash; a blob that is accepted
 * gives a registration that composes a valid REGISTER and exports a blob it accepts again. */
#include "sipreg.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct sipreg_config c;
    sipreg_config_init(&c);
    c.aor = "sip:alice@example.test";
    c.password = "secret";
    struct sipreg *r = NULL;
    int e = sipreg_new_with_state(&r, &c, (const char *)data, size);
    if (e < 0) {
        if (r != NULL) __builtin_trap();
        return 0;
    }
    static char buf[SIPREG_MAX_MESSAGE], blob[SIPREG_MAX_MESSAGE];
    sipreg_transport(r, 1, 0);
    sipreg_register(r, 0);
    int n = sipreg_poll_send(r, buf, sizeof buf);
    if (n <= 0) __builtin_trap();
    /* what we compose we can parse */
    struct sipreg_hdr hdrs[SIPREG_MAX_HEADERS];
    struct sipreg_msg m;
    size_t off;
    if (sipreg_msg_parse(&m, buf, (size_t)n, hdrs, SIPREG_MAX_HEADERS, &off) != 0) __builtin_trap();
    int bl = sipreg_export(r, blob, sizeof blob);
    if (bl <= 0) __builtin_trap();
    struct sipreg *again = NULL;
    if (sipreg_new_with_state(&again, &c, blob, (size_t)bl) != 0) __builtin_trap();
    sipreg_free(again);
    sipreg_free(r);
    return 0;
}
