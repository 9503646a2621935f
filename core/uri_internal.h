/* uri_internal.h — helpers shared by uri.c (parsing) and uri_equal.c (comparison); not API. */
#ifndef SIPREG_URI_INTERNAL_H
#define SIPREG_URI_INTERNAL_H

#include "internal.h"

/* Most uri-parameters (and, separately, most URI headers) one URI may carry. The parser rejects
 * more with SIPREG_E_LIMIT, so that comparison, which looks every parameter of one URI up in the
 * other (O(n*m)), stays bounded however long the text is. Comparison never sees more. */
#define SIPREG__URI_MAX_PARAMS SIPREG_MAX_URI_PARAMS

/* Comparison modes of sipreg__uri_esc_eq. */
#define SIPREG__ESC_CASE 1 /* compare ignoring ASCII case */
#define SIPREG__ESC_TEL 2  /* RFC 3966 §3: escaped "unsafe" [ ] also stay distinct */

/* Parse the text between the brackets of an IPv6 reference (RFC 3986 IPv6address, required by
 * RFC 5954 §4.1) into 16 bytes. Returns 0, or -1 with *bad = index of the first bad byte. */
int sipreg__ipv6_parse(const char *p, size_t n, uint8_t out[16], size_t *bad);

/* RFC 3261 §19.1.4 / RFC 3966 §3: 1 when two escaped strings are equivalent, i.e. their %HEX
 * decodings are equal, with an escaped reserved character staying distinct from the literal one.
 * `mode` is a mask of SIPREG__ESC_*. */
int sipreg__uri_esc_eq(struct sipreg_str a, struct sipreg_str b, unsigned mode);

/* Next parameter of a validated ';' (or '&' for headers) list: 1 with name, value and whether '='
 * was written, 0 at the end (also for lists the parser would have refused). */
int sipreg__uri_param_next(struct sipreg_str *cursor, char sep, struct sipreg_str *name,
                           struct sipreg_str *value, int *has_value);

#endif /* SIPREG_URI_INTERNAL_H */
