/* text.c — lexical helpers (RFC 3261 §25.1), error names, parameter lists, output buffers. */
#include "internal.h"

/* Build-time character class table (const: read-only data, not mutable global state). */
#define T SIPREG__C_TOKEN
#define A SIPREG__C_ALNUM
#define D SIPREG__C_DIGIT
#define H SIPREG__C_HEX
#define U SIPREG__C_UNRESERVED
#define W SIPREG__C_WS
#define P SIPREG__C_PARAMCHAR
#define N SIPREG__C_HNVCHAR
#define ALPHA_LO (T | A | U | P | N)
#define ALPHA_HEX (T | A | H | U | P | N)
#define DIGIT_ (T | A | D | H | U | P | N)

const unsigned char sipreg__cclass[256] = {
    ['\t'] = W,
    [' '] = W,
    /* mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" (unreserved) */
    ['-'] = T | U | P | N,
    ['_'] = T | U | P | N,
    ['.'] = T | U | P | N,
    ['!'] = T | U | P | N,
    ['~'] = T | U | P | N,
    ['*'] = T | U | P | N,
    ['\''] = T | U | P | N,
    ['('] = U | P | N,
    [')'] = U | P | N,
    /* token also has "%" "+" "`" */
    ['%'] = T,
    ['+'] = T | P | N,
    ['`'] = T,
    /* param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
    ['['] = P | N,
    [']'] = P | N,
    ['/'] = P | N,
    [':'] = P | N,
    ['&'] = P,
    ['$'] = P | N,
    /* hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
    ['?'] = N,
    ['0'] = DIGIT_,
    ['1'] = DIGIT_,
    ['2'] = DIGIT_,
    ['3'] = DIGIT_,
    ['4'] = DIGIT_,
    ['5'] = DIGIT_,
    ['6'] = DIGIT_,
    ['7'] = DIGIT_,
    ['8'] = DIGIT_,
    ['9'] = DIGIT_,
    ['a'] = ALPHA_HEX,
    ['b'] = ALPHA_HEX,
    ['c'] = ALPHA_HEX,
    ['d'] = ALPHA_HEX,
    ['e'] = ALPHA_HEX,
    ['f'] = ALPHA_HEX,
    ['g'] = ALPHA_LO,
    ['h'] = ALPHA_LO,
    ['i'] = ALPHA_LO,
    ['j'] = ALPHA_LO,
    ['k'] = ALPHA_LO,
    ['l'] = ALPHA_LO,
    ['m'] = ALPHA_LO,
    ['n'] = ALPHA_LO,
    ['o'] = ALPHA_LO,
    ['p'] = ALPHA_LO,
    ['q'] = ALPHA_LO,
    ['r'] = ALPHA_LO,
    ['s'] = ALPHA_LO,
    ['t'] = ALPHA_LO,
    ['u'] = ALPHA_LO,
    ['v'] = ALPHA_LO,
    ['w'] = ALPHA_LO,
    ['x'] = ALPHA_LO,
    ['y'] = ALPHA_LO,
    ['z'] = ALPHA_LO,
    ['A'] = ALPHA_HEX,
    ['B'] = ALPHA_HEX,
    ['C'] = ALPHA_HEX,
    ['D'] = ALPHA_HEX,
    ['E'] = ALPHA_HEX,
    ['F'] = ALPHA_HEX,
    ['G'] = ALPHA_LO,
    ['H'] = ALPHA_LO,
    ['I'] = ALPHA_LO,
    ['J'] = ALPHA_LO,
    ['K'] = ALPHA_LO,
    ['L'] = ALPHA_LO,
    ['M'] = ALPHA_LO,
    ['N'] = ALPHA_LO,
    ['O'] = ALPHA_LO,
    ['P'] = ALPHA_LO,
    ['Q'] = ALPHA_LO,
    ['R'] = ALPHA_LO,
    ['S'] = ALPHA_LO,
    ['T'] = ALPHA_LO,
    ['U'] = ALPHA_LO,
    ['V'] = ALPHA_LO,
    ['W'] = ALPHA_LO,
    ['X'] = ALPHA_LO,
    ['Y'] = ALPHA_LO,
    ['Z'] = ALPHA_LO,
};

const char *sipreg__nth(const char *packed, size_t i) {
    while (i--)
        packed += strlen(packed) + 1;
    return packed;
}

/* From the list in sipreg.h (X(identifier, value, description)): the codes in list order, and
 * for each its symbolic name and its plain-words description, packed (sipreg__nth: no table of
 * pointers, which would cost the wasm 8 bytes a code). */
#define ERROR_CODE(id, value, text) value,
static const signed char ERROR_CODES[] = {SIPREG_ERROR_LIST(ERROR_CODE)};
#undef ERROR_CODE
#define ERROR_TEXTS(id, value, text) #id "\0" text "\0"
static const char ERROR_TEXTS[] = SIPREG_ERROR_LIST(ERROR_TEXTS) "SIPREG_E_UNKNOWN\0unknown error";
#undef ERROR_TEXTS

/* Name (0) or description (1) of err. */
static const char *error_text(int err, int which) {
    size_t i = 0;
    while (i < sizeof ERROR_CODES && ERROR_CODES[i] != err)
        i++;
    return sipreg__nth(ERROR_TEXTS, 2 * i + (size_t)which);
}

const char *sipreg_errname(int err) { return error_text(err, 0); }

const char *sipreg_strerror(int err) { return error_text(err, 1); }

int sipreg__ieq_n(const char *a, const char *b, size_t n) {
    /* equal bytes, or a letter in both cases: they differ only in 0x20 and one of them is A-Z
     * (then the other, its 0x20 flip, is a-z: (c | 0x20) is that letter) */
    for (size_t i = 0; i < n; i++) {
        const unsigned char x = (unsigned char)(a[i] ^ b[i]), c = (unsigned char)(a[i] | 0x20);
        if (x && (x != 0x20 || c < 'a' || c > 'z')) return 0;
    }
    return 1;
}

struct sipreg_str sipreg__skip_lws_slow(struct sipreg_str s) {
    size_t i = 0;
    while (i < s.len) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == ' ' || c == '\t') {
            i++;
        } else if (c == '\r' && i + 2 < s.len && s.p[i + 1] == '\n' &&
                   (s.p[i + 2] == ' ' || s.p[i + 2] == '\t')) {
            i += 3;
        } else if (c == '\n' && i + 1 < s.len && (s.p[i + 1] == ' ' || s.p[i + 1] == '\t')) {
            i += 2;
        } else {
            break;
        }
    }
    return sipreg__str(s.p + i, s.len - i);
}

struct sipreg_str sipreg__trim_slow(struct sipreg_str s) {
    s = sipreg__skip_lws_slow(s);
    while (s.len > 0) {
        char c = s.p[s.len - 1];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            s.len--;
        else
            break;
    }
    return s;
}

long sipreg__quoted_end_n(const char *p, size_t len) {
    if (len == 0 || p[0] != '"') return SIPREG_E_QUOTE;
    size_t i = 1;
    while (i < len) {
        /* eight bytes at a time while none is a '"' or a '\\'; the word with one byte by byte */
        if (len - i >= 8 && !sipreg__lanes_eq2(sipreg__word(p + i), '"', '\\')) {
            i += 8;
            continue;
        }
        for (const size_t stop = len - i >= 8 ? i + 8 : len; i < stop; i++) {
            if (p[i] == '\\') {
                i++; /* quoted-pair: skip the escaped byte (§25.1) */
            } else if (p[i] == '"') {
                return (long)(i + 1);
            }
        }
    }
    return SIPREG_E_QUOTE;
}

int sipreg__parse_u64(struct sipreg_str s, uint64_t max, uint64_t *out) {
    uint64_t v = 0;
    if (s.len == 0) return SIPREG_E_HEADER_VALUE;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c < '0' || c > '9') return SIPREG_E_HEADER_VALUE;
        if (v <= max) v = v * 10 + (uint64_t)(c - '0');
        if (v > max) v = max + 1; /* keep scanning for bad bytes; saturate below */
    }
    *out = v > max ? max : v;
    return 0;
}

/* Bytes that end a parameter name or value: ';' and white space (1), '=' (2), and the other
 * separators: ',' (4), '&' (8, URI headers). */
const unsigned char sipreg__pstop[256] = {
    [';'] = 1, [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['='] = 2, [','] = 4, ['&'] = 8};

int sipreg_param_next(struct sipreg_str *cursor, char sep, struct sipreg_str *name,
                      struct sipreg_str *value, int *quoted) {
    /* a value ends at ';', white space or sep; a name also at '=' (sep is ';', ',' or '&') */
    const unsigned vstop = sep == ',' ? 5 : sep == '&' ? 9 : 1, nstop = vstop | 2;
    struct sipreg_str s = sipreg__skip_lws(*cursor);
    /* skip separators (and empty elements) */
    while (s.len > 0 && (s.p[0] == sep || s.p[0] == ';'))
        s = sipreg__skip_lws(sipreg__str(s.p + 1, s.len - 1));
    if (s.len == 0) {
        *cursor = s;
        return 0;
    }
    size_t i = 0;
    while (i < s.len && !(sipreg__pstop[(unsigned char)s.p[i]] & nstop))
        i++;
    *name = sipreg__str(s.p, i);
    if (i == 0) return SIPREG_E_HEADER_VALUE;
    *value = sipreg__str(s.p + i, 0);
    if (quoted) *quoted = 0;
    s = sipreg__skip_lws(sipreg__str(s.p + i, s.len - i));
    if (s.len > 0 && s.p[0] == '=') {
        s = sipreg__skip_lws(sipreg__str(s.p + 1, s.len - 1));
        if (s.len > 0 && s.p[0] == '"') {
            long end = sipreg__quoted_end(s);
            if (end < 0) return (int)end;
            *value = sipreg__str(s.p + 1, (size_t)end - 2);
            if (quoted) *quoted = 1;
            s = sipreg__str(s.p + end, s.len - (size_t)end);
        } else {
            size_t j = 0;
            while (j < s.len && !(sipreg__pstop[(unsigned char)s.p[j]] & vstop))
                j++;
            *value = sipreg__str(s.p, j);
            s = sipreg__str(s.p + j, s.len - j);
        }
        s = sipreg__skip_lws(s);
    }
    if (s.len > 0 && s.p[0] != sep && s.p[0] != ';') return SIPREG_E_HEADER_VALUE;
    *cursor = s;
    return 1;
}

int sipreg_param_find(struct sipreg_str list, const char *name, struct sipreg_str *value) {
    struct sipreg_str n, v;
    int r;
    while ((r = sipreg_param_next(&list, ';', &n, &v, NULL)) == 1) {
        if (sipreg__ieq_lit(n, name)) {
            if (value) *value = v;
            return 1;
        }
    }
    return r < 0 ? r : 0;
}

void sipreg__put(struct sipreg__buf *b, const char *s, size_t n) {
    if (b->len <= b->cap && n <= b->cap - b->len) {
        char *d = b->p + b->len;
        if (n <= 16) { /* most pieces are a few bytes: no memcpy call for them */
            for (size_t i = 0; i < n; i++)
                d[i] = s[i];
        } else {
            memcpy(d, s, n);
        }
    }
    b->len += n;
}

void sipreg__puts(struct sipreg__buf *b, struct sipreg_str s) { sipreg__put(b, s.p, s.len); }

void sipreg__putc(struct sipreg__buf *b, const char *s) { sipreg__put(b, s, strlen(s)); }

void sipreg__putu(struct sipreg__buf *b, uint64_t v) {
    char tmp[20];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sipreg__put(b, tmp + sizeof tmp - n, n);
}

void sipreg__puti(struct sipreg__buf *b, int64_t v) {
    if (v < 0) {
        sipreg__put(b, "-", 1);
        sipreg__putu(b, (uint64_t)0 - (uint64_t)v);
    } else {
        sipreg__putu(b, (uint64_t)v);
    }
}

void sipreg__putq(struct sipreg__buf *b, int q) {
    /* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )  (RFC 3261 §20.10) */
    if (q >= 1000) {
        sipreg__put(b, "1", 1);
        return;
    }
    if (q <= 0) {
        sipreg__put(b, "0", 1);
        return;
    }
    char tmp[5] = {'0', '.', (char)('0' + q / 100), (char)('0' + q / 10 % 10),
                   (char)('0' + q % 10)};
    size_t n = 5;
    while (tmp[n - 1] == '0')
        n--;
    sipreg__put(b, tmp, n);
}

void sipreg__puthex(struct sipreg__buf *b, uint64_t v, unsigned n) {
    static const char HEX[] = "0123456789abcdef";
    char tmp[16];
    if (n > 16) n = 16;
    for (unsigned i = 0; i < n; i++)
        tmp[n - 1 - i] = HEX[(v >> (4 * i)) & 15];
    sipreg__put(b, tmp, n);
}
