/* stun.c — the STUN (RFC 5389) a SIP UA needs for keep-alives over UDP (RFC 5626 §4.4.2, §8):
 * telling a STUN datagram from SIP (RFC 7983 §7), composing the Binding request (§6, §7.1; an
 * optional FINGERPRINT, §15.5) and parsing the Binding response: its header (§6), attributes
 * (§15: TLV, 32-bit aligned), XOR-MAPPED-ADDRESS (§15.2) or MAPPED-ADDRESS (§15.1), ERROR-CODE
 * (§15.6) and FINGERPRINT (§15.5, CRC-32 of ISO/IEC 13239 / ITU-T V.42). Bytes only: no sockets,
 * no registration state (reg_flow.c runs the keep-alive). */
#include "internal.h"

/* Attribute types (RFC 5389 §18.2). */
#define ATTR_MAPPED_ADDRESS 0x0001
#define ATTR_USERNAME 0x0006
#define ATTR_MESSAGE_INTEGRITY 0x0008
#define ATTR_ERROR_CODE 0x0009
#define ATTR_UNKNOWN_ATTRIBUTES 0x000A
#define ATTR_REALM 0x0014
#define ATTR_NONCE 0x0015
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_FINGERPRINT 0x8028

#define FINGERPRINT_XOR 0x5354554Eu /* "STUN" (RFC 5389 §15.5) */
#define FINGERPRINT_LEN 8           /* its attribute: type, length, 32-bit value */

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return be16(p) << 16 | be16(p + 2); }

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* CRC-32 (reflected polynomial 0xEDB88320, initial and final XOR all ones), the CRC RFC 5389
 * §15.5 names; a nibble table keeps it small (messages here are a few dozen bytes). */
static uint32_t crc32(const uint8_t *p, size_t n) {
    static const uint32_t T[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                   0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                   0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                   0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        c = (c >> 4) ^ T[c & 15];
        c = (c >> 4) ^ T[c & 15];
    }
    return c ^ 0xFFFFFFFFu;
}

int sipreg_stun_is(const void *buf, size_t len) {
    /* RFC 7983 §7: 0..3 is STUN; SIP starts with a token or CR/LF (RFC 5626 §8: never 0 or 1) */
    return len > 0 && *(const uint8_t *)buf < 4;
}

int sipreg_stun_binding_request(const uint8_t tid[SIPREG_STUN_TID], int fingerprint, void *buf,
                                size_t cap) {
    size_t n = SIPREG_STUN_HEADER + (fingerprint ? FINGERPRINT_LEN : 0);
    if (!tid || (!buf && cap) || cap < n) return SIPREG_E_BUFFER;
    uint8_t *b = buf;
    /* §6: type (method Binding, class request: 0x0001), length of the attributes, cookie, ID */
    put16(b, SIPREG_STUN_BINDING);
    put16(b + 2, (uint32_t)(n - SIPREG_STUN_HEADER));
    put32(b + 4, SIPREG_STUN_COOKIE);
    memcpy(b + 8, tid, SIPREG_STUN_TID);
    if (fingerprint) {
        /* §15.5: the CRC-32 of the message up to the attribute (length already counting it) */
        put16(b + 20, ATTR_FINGERPRINT);
        put16(b + 22, 4);
        put32(b + 24, crc32(b, 20) ^ FINGERPRINT_XOR);
    }
    return (int)n;
}

/* 1 for a comprehension-required attribute RFC 5389 defines (§18.2): known, even when unused
 * here (USERNAME, MESSAGE-INTEGRITY, ... belong to credentials this usage does not have). */
static int known_required(uint32_t type) {
    switch (type) {
    case ATTR_MAPPED_ADDRESS:
    case ATTR_USERNAME:
    case ATTR_MESSAGE_INTEGRITY:
    case ATTR_ERROR_CODE:
    case ATTR_UNKNOWN_ATTRIBUTES:
    case ATTR_REALM:
    case ATTR_NONCE:
    case ATTR_XOR_MAPPED_ADDRESS:
        return 1;
    default:
        return 0;
    }
}

/* What a value check returns: 0 (good), BAD_LENGTH (the attribute's length is wrong for it), or
 * the offset in the value of the bad byte plus one. */
#define BAD_LENGTH ((size_t)-1)

/* A (XOR-)MAPPED-ADDRESS value v[0..n) into out (§15.1, §15.2): 0, BAD_LENGTH or a bad byte.
 * The XOR undoes with the cookie (port, IPv4) and cookie + ID (IPv6). */
static size_t read_address(struct sipreg_stun *out, const uint8_t *v, size_t n, int x,
                           const uint8_t *header) {
    if (n < 4) return BAD_LENGTH;
    int family = v[1] == 1 ? 4 : v[1] == 2 ? 6 : 0; /* the first byte is ignored (§15.1) */
    if (!family) return 2;
    size_t alen = family == 4 ? 4 : 16;
    if (n != 4 + alen) return BAD_LENGTH; /* the length must match the family */
    out->family = family;
    out->xor_mapped = x;
    out->port = (int)(be16(v + 2) ^ (x ? SIPREG_STUN_COOKIE >> 16 : 0));
    for (size_t i = 0; i < alen; i++)
        out->addr[i] = (uint8_t)(v[4 + i] ^ (x ? header[4 + i] : 0)); /* cookie, then the ID */
    return 0;
}

int sipreg_stun_parse(struct sipreg_stun *out, const void *buf, size_t len, size_t *err_off) {
    const uint8_t *b = buf;
    size_t bad = 0;
    int err = SIPREG_E_STUN_HEADER;
    if (!out || (!buf && len)) return SIPREG_E_INVAL;
    memset(out, 0, sizeof *out);
    out->unknown = -1;
    /* §6: 20 bytes of header; the top two bits zero; a length that covers the rest of the
     * datagram in whole 32-bit words; the magic cookie */
    if (len < SIPREG_STUN_HEADER) {
        bad = len;
        goto fail;
    }
    if (b[0] & 0xC0) goto fail;
    if ((be16(b + 2) & 3) || be16(b + 2) != len - SIPREG_STUN_HEADER) {
        bad = 2;
        goto fail;
    }
    if (be32(b + 4) != SIPREG_STUN_COOKIE) {
        bad = 4;
        goto fail;
    }
    uint32_t type = be16(b);
    /* §6: M11..M0 around C1 (bit 8) and C0 (bit 4) */
    out->method = (int)((type & 0x000F) | (type & 0x00E0) >> 1 | (type & 0x3E00) >> 2);
    out->cls = (int)((type >> 4 & 1) | (type >> 7 & 2));
    memcpy(out->tid, b + 8, SIPREG_STUN_TID);
    err = SIPREG_E_STUN_ATTRIBUTE;
    int seen_xor = 0, seen_plain = 0, seen_error = 0;
    for (size_t pos = SIPREG_STUN_HEADER; pos < len;) {
        /* §15: type, length, value padded to 32 bits (whole words remain: the header said so) */
        bad = pos;
        if (out->fingerprint) goto fail; /* §15.5: the FINGERPRINT is the last attribute */
        uint32_t at = be16(b + pos);
        size_t alen = be16(b + pos + 2), padded = (alen + 3) & ~(size_t)3;
        const uint8_t *v = b + pos + 4;
        if (padded > len - pos - 4) {
            bad = pos + 2;
            goto fail;
        }
        size_t vbad = 0;
        if (at == ATTR_XOR_MAPPED_ADDRESS || at == ATTR_MAPPED_ADDRESS) {
            int x = at == ATTR_XOR_MAPPED_ADDRESS;
            /* only the first of each counts (§15); XOR-MAPPED-ADDRESS wins over the plain one */
            if (!(x ? seen_xor : seen_plain)) {
                struct sipreg_stun a = *out;
                vbad = read_address(&a, v, alen, x, b);
                if (!vbad && (x || !seen_xor)) *out = a;
            }
            if (x)
                seen_xor = 1;
            else
                seen_plain = 1;
        } else if (at == ATTR_ERROR_CODE && !seen_error) {
            /* §15.6: 21 reserved bits, class 3..6, number 0..99, then a reason phrase */
            if (alen < 4)
                vbad = BAD_LENGTH;
            else if ((v[2] & 7) < 3 || (v[2] & 7) > 6)
                vbad = 3;
            else if (v[3] > 99)
                vbad = 4;
            else
                out->error_code = (v[2] & 7) * 100 + v[3];
            seen_error = 1;
        } else if (at == ATTR_FINGERPRINT) {
            if (alen != 4) {
                bad = pos + 2;
                goto fail;
            }
            if (be32(v) != (crc32(b, pos) ^ FINGERPRINT_XOR)) {
                bad = pos + 4;
                err = SIPREG_E_STUN_FINGERPRINT;
                goto fail;
            }
            out->fingerprint = 1;
        } else if (at < 0x8000 && !known_required(at) && out->unknown < 0) {
            out->unknown = (int)at; /* §7.3.3: the caller decides (a failed transaction) */
        }
        if (vbad) {
            bad = vbad == BAD_LENGTH ? pos + 2 : pos + 4 + vbad - 1;
            goto fail;
        }
        pos += 4 + padded;
    }
    return 0;
fail:
    if (err_off) *err_off = bad;
    return err;
}

int sipreg_stun_address(const struct sipreg_stun *m, char *out, size_t cap) {
    if (!m || !m->family) return SIPREG_E_NOT_FOUND;
    struct sipreg__buf b = {out, cap ? cap - 1 : 0, 0}; /* room for the NUL */
    if (m->family == 4) {
        for (int i = 0; i < 4; i++) {
            if (i) sipreg__putl(&b, ".");
            sipreg__putu(&b, m->addr[i]);
        }
    } else {
        /* eight groups without leading zeros: one text per address (no RFC 5952 "::" needed to
         * compare two) */
        sipreg__putl(&b, "[");
        for (int i = 0; i < 8; i++) {
            unsigned g = be16(m->addr + 2 * i), digits = 1;
            while (digits < 4 && g >> (4 * digits))
                digits++;
            if (i) sipreg__putl(&b, ":");
            sipreg__puthex(&b, g, digits);
        }
        sipreg__putl(&b, "]");
    }
    sipreg__putl(&b, ":");
    sipreg__putu(&b, (unsigned)m->port);
    if (!out || !cap || sipreg__overflow(&b)) return SIPREG_E_BUFFER;
    out[b.len] = 0;
    return (int)b.len;
}
