/* test_stun.c — the STUN codec (core/stun.c) against tables: the demux of RFC 7983 §7, the
 * Binding request of RFC 5389 §6 (with and without FINGERPRINT, §15.5), and parses of responses:
 * RFC 5769's XOR-MAPPED-ADDRESS samples (§2.2 IPv4, §2.3 IPv6: 192.0.2.1:32853 and
 * 2001:db8:1234:5678:11:2233:4455:6677 port 32853 under transaction ID b7e7a701bc34d686fa87dfae),
 * MAPPED-ADDRESS, ERROR-CODE, unknown attributes, and every malformed case with its error code
 * and byte offset. FINGERPRINT values were computed independently (Python's zlib.crc32). */
#include "check.h"

#define TID "b7e7a701bc34d686fa87dfae"
#define HDR_SUCCESS(len) "0101" len "2112a442" TID
#define XOR_V4 "002000080001a147e112a643"
#define XOR_V6 "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"

/* Hex text (spaces ignored) to bytes; returns the count. */
static size_t unhex(const char *hex, uint8_t *out) {
    size_t n = 0;
    for (const char *p = hex; *p && p[1]; p++) {
        if (*p == ' ') continue;
        unsigned v;
        sscanf(p, "%2x", &v);
        out[n++] = (uint8_t)v;
        p++;
    }
    return n;
}

/* One parse case: the datagram, the result and offset, and what a good parse must say. */
struct parse_case {
    const char *name;
    const char *hex;
    int err;            /* 0 or SIPREG_E_STUN_* */
    size_t off;         /* err_off on failure */
    int cls;            /* enum sipreg_stun_class on success */
    const char *mapped; /* sipreg_stun_address, or NULL for none */
    int xor_mapped;     /* from XOR-MAPPED-ADDRESS */
    int error_code;     /* ERROR-CODE */
    int fingerprint;    /* FINGERPRINT present */
    int unknown;        /* unknown comprehension-required type, or -1 */
};

static const struct parse_case PARSES[] = {
    {"RFC 5769 §2.2 XOR-MAPPED-ADDRESS (IPv4)", HDR_SUCCESS("000c") XOR_V4, 0, 0,
     SIPREG_STUN_SUCCESS, "192.0.2.1:32853", 1, 0, 0, -1},
    {"RFC 5769 §2.3 XOR-MAPPED-ADDRESS (IPv6)", HDR_SUCCESS("0018") XOR_V6, 0, 0,
     SIPREG_STUN_SUCCESS, "[2001:db8:1234:5678:11:2233:4455:6677]:32853", 1, 0, 0, -1},
    {"MAPPED-ADDRESS (RFC 5389 §15.1)", HDR_SUCCESS("000c") "0001000800011f907f000001", 0, 0,
     SIPREG_STUN_SUCCESS, "127.0.0.1:8080", 0, 0, 0, -1},
    {"both: XOR-MAPPED-ADDRESS wins, in either order",
     HDR_SUCCESS("0018") "0001000800011f907f000001" XOR_V4, 0, 0, SIPREG_STUN_SUCCESS,
     "192.0.2.1:32853", 1, 0, 0, -1},
    {"XOR first, then MAPPED", HDR_SUCCESS("0018") XOR_V4 "0001000800011f907f000001", 0, 0,
     SIPREG_STUN_SUCCESS, "192.0.2.1:32853", 1, 0, 0, -1},
    {"the first XOR-MAPPED-ADDRESS counts (RFC 5389 §15)",
     HDR_SUCCESS("0018") XOR_V4 "002000080001a148e112a644", 0, 0, SIPREG_STUN_SUCCESS,
     "192.0.2.1:32853", 1, 0, 0, -1},
    {"SOFTWARE (comprehension-optional, padded) is skipped",
     HDR_SUCCESS("001c") "8022000b7465737420766563746f7220" XOR_V4, 0, 0, SIPREG_STUN_SUCCESS,
     "192.0.2.1:32853", 1, 0, 0, -1},
    {"no attributes: a response without an address", HDR_SUCCESS("0000"), 0, 0, SIPREG_STUN_SUCCESS,
     NULL, 0, 0, 0, -1},
    {"FINGERPRINT that matches", HDR_SUCCESS("0014") XOR_V4 "802800047d281f59", 0, 0,
     SIPREG_STUN_SUCCESS, "192.0.2.1:32853", 1, 0, 1, -1},
    {"error response 420 with a reason phrase (RFC 5389 §15.6)",
     "01110018"
     "2112a442" TID "00090011"
     "00000414"
     "556e6b6e6f776e20617474722e000000",
     0, 0, SIPREG_STUN_ERROR, NULL, 0, 420, 0, -1},
    {"unknown comprehension-required attribute is reported (RFC 5389 §7.3.3)",
     HDR_SUCCESS("0014") "0003000400000000" XOR_V4, 0, 0, SIPREG_STUN_SUCCESS, "192.0.2.1:32853", 1,
     0, 0, 3},
    {"MESSAGE-INTEGRITY is known (not checked: no credentials in this usage)",
     HDR_SUCCESS("0024") XOR_V4 "000800140000000000000000000000000000000000000000", 0, 0,
     SIPREG_STUN_SUCCESS, "192.0.2.1:32853", 1, 0, 0, -1},
    {"a Binding request parses as a request", "000100002112a442" TID, 0, 0, SIPREG_STUN_REQUEST,
     NULL, 0, 0, 0, -1},
    /* malformed: the error and the offset of the first bad byte */
    {"shorter than a header", "0101000c2112a442b7e7", SIPREG_E_STUN_HEADER, 10, 0, NULL, 0, 0, 0,
     -1},
    {"empty", "", SIPREG_E_STUN_HEADER, 0, 0, NULL, 0, 0, 0, -1},
    {"top two bits set (RFC 5389 §6)", "c10100002112a442" TID, SIPREG_E_STUN_HEADER, 0, 0, NULL, 0,
     0, 0, -1},
    {"length past the datagram", HDR_SUCCESS("0010") XOR_V4, SIPREG_E_STUN_HEADER, 2, 0, NULL, 0, 0,
     0, -1},
    {"length short of the datagram", HDR_SUCCESS("0008") XOR_V4, SIPREG_E_STUN_HEADER, 2, 0, NULL,
     0, 0, 0, -1},
    {"length not a multiple of 4", HDR_SUCCESS("000b") "002000080001a147e112a6",
     SIPREG_E_STUN_HEADER, 2, 0, NULL, 0, 0, 0, -1},
    {"no magic cookie (RFC 3489)", "0101000c2112a443" TID XOR_V4, SIPREG_E_STUN_HEADER, 4, 0, NULL,
     0, 0, 0, -1},
    {"attribute value past the end", HDR_SUCCESS("000c") "002000100001a147e112a643",
     SIPREG_E_STUN_ATTRIBUTE, 22, 0, NULL, 0, 0, 0, -1},
    {"padding past the end", HDR_SUCCESS("0008") "80220005746573740000", SIPREG_E_STUN_HEADER, 2, 0,
     NULL, 0, 0, 0, -1},
    {"padding missing", HDR_SUCCESS("0008") "8022000574657374", SIPREG_E_STUN_ATTRIBUTE, 22, 0,
     NULL, 0, 0, 0, -1},
    {"address family 3", HDR_SUCCESS("000c") "002000080003a147e112a643", SIPREG_E_STUN_ATTRIBUTE,
     25, 0, NULL, 0, 0, 0, -1},
    {"IPv4 family with an IPv6 length",
     HDR_SUCCESS("0018") "002000140001a1470113a9faa5d3f179bc25f4b5bed2b9d9",
     SIPREG_E_STUN_ATTRIBUTE, 22, 0, NULL, 0, 0, 0, -1},
    {"address attribute shorter than 4", HDR_SUCCESS("0008") "0001000200010000",
     SIPREG_E_STUN_ATTRIBUTE, 22, 0, NULL, 0, 0, 0, -1},
    {"ERROR-CODE class 2",
     "01110008"
     "2112a442" TID "0009000400000214",
     SIPREG_E_STUN_ATTRIBUTE, 26, 0, NULL, 0, 0, 0, -1},
    {"ERROR-CODE number 100",
     "01110008"
     "2112a442" TID "0009000400000464",
     SIPREG_E_STUN_ATTRIBUTE, 27, 0, NULL, 0, 0, 0, -1},
    {"ERROR-CODE shorter than 4",
     "01110008"
     "2112a442" TID "0009000200000000",
     SIPREG_E_STUN_ATTRIBUTE, 22, 0, NULL, 0, 0, 0, -1},
    {"FINGERPRINT that does not match", HDR_SUCCESS("0014") XOR_V4 "802800047d281f58",
     SIPREG_E_STUN_FINGERPRINT, 36, 0, NULL, 0, 0, 0, -1},
    {"FINGERPRINT of length 8", HDR_SUCCESS("0018") XOR_V4 "802800087d281f5900000000",
     SIPREG_E_STUN_ATTRIBUTE, 34, 0, NULL, 0, 0, 0, -1},
    {"an attribute after FINGERPRINT (RFC 5389 §15.5)",
     HDR_SUCCESS("0014") "802800041ad86468" XOR_V4, SIPREG_E_STUN_ATTRIBUTE, 28, 0, NULL, 0, 0, 0,
     -1},
};

static void test_parses(void) {
    for (size_t i = 0; i < sizeof PARSES / sizeof PARSES[0]; i++) {
        const struct parse_case *c = &PARSES[i];
        uint8_t buf[128];
        size_t n = unhex(c->hex, buf), off = 999;
        /* an exact-size copy: the sanitizers see a read past the end */
        uint8_t *exact = malloc(n ? n : 1);
        memcpy(exact, buf, n);
        struct sipreg_stun m;
        int e = sipreg_stun_parse(&m, exact, n, &off);
        CHECK_MSG(e == c->err, "%s: error %d, expected %d", c->name, e, c->err);
        if (c->err) {
            CHECK_MSG(off == c->off, "%s: offset %zu, expected %zu", c->name, off, c->off);
        } else if (e == 0) {
            char a[48];
            int alen = sipreg_stun_address(&m, a, sizeof a);
            CHECK_MSG(m.method == SIPREG_STUN_BINDING, "%s: method %d", c->name, m.method);
            CHECK_MSG(m.cls == c->cls, "%s: class %d", c->name, m.cls);
            CHECK_MSG(!memcmp(m.tid, exact + 8, SIPREG_STUN_TID), "%s: transaction ID", c->name);
            if (c->mapped)
                CHECK_MSG(alen > 0 && !strcmp(a, c->mapped), "%s: mapped %s", c->name,
                          alen > 0 ? a : "(none)");
            else
                CHECK_MSG(alen == SIPREG_E_NOT_FOUND, "%s: an address %d", c->name, alen);
            CHECK_MSG(m.xor_mapped == c->xor_mapped, "%s: xor %d", c->name, m.xor_mapped);
            CHECK_MSG(m.error_code == c->error_code, "%s: error code %d", c->name, m.error_code);
            CHECK_MSG(m.fingerprint == c->fingerprint, "%s: fingerprint %d", c->name,
                      m.fingerprint);
            CHECK_MSG(m.unknown == c->unknown, "%s: unknown %d", c->name, m.unknown);
        }
        free(exact);
    }
}

static void test_compose(void) {
    uint8_t tid[SIPREG_STUN_TID], buf[64], want[64];
    unhex(TID, tid);
    /* RFC 5389 §6: type 0x0001, length 0, cookie, ID */
    int n = sipreg_stun_binding_request(tid, 0, buf, sizeof buf);
    size_t wn = unhex("000100002112a442" TID, want);
    CHECK_INT(n, 20);
    CHECK(n == (int)wn && !memcmp(buf, want, wn));
    /* §15.5: with FINGERPRINT (CRC-32 ^ 0x5354554e of the 20 bytes, length 8 already set) */
    n = sipreg_stun_binding_request(tid, 1, buf, sizeof buf);
    wn = unhex("000100082112a442" TID "80280004fdf6ae02", want);
    CHECK_INT(n, 28);
    CHECK(n == (int)wn && !memcmp(buf, want, wn));
    /* what it writes parses back: a Binding request with that ID and a good FINGERPRINT */
    struct sipreg_stun m;
    CHECK_INT(sipreg_stun_parse(&m, buf, (size_t)n, NULL), 0);
    CHECK(m.cls == SIPREG_STUN_REQUEST && m.method == SIPREG_STUN_BINDING && m.fingerprint);
    CHECK(!memcmp(m.tid, tid, sizeof tid));
    CHECK_INT(sipreg_stun_binding_request(tid, 0, buf, 19), SIPREG_E_BUFFER);
    CHECK_INT(sipreg_stun_binding_request(tid, 1, buf, 27), SIPREG_E_BUFFER);
    CHECK_INT(sipreg_stun_binding_request(NULL, 0, buf, sizeof buf), SIPREG_E_BUFFER);
}

static void test_demux(void) {
    /* RFC 7983 §7: 0..3 STUN; a SIP message starts with a token character or CR/LF */
    static const struct {
        const char *bytes;
        size_t len;
        int stun;
    } T[] = {{"\x00\x01", 2, 1}, {"\x01\x01", 2, 1}, {"\x03", 1, 1}, {"\x04", 1, 0},
             {"REGISTER", 8, 0}, {"SIP/2.0", 7, 0},  {"\r\n", 2, 0}, {"", 0, 0}};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        CHECK_MSG(sipreg_stun_is(T[i].bytes, T[i].len) == T[i].stun, "demux case %zu", i);
}

static void test_address(void) {
    struct sipreg_stun m = {0};
    char out[48];
    m.family = 6;
    m.port = 5060;
    m.addr[15] = 1;
    CHECK_INT(sipreg_stun_address(&m, out, sizeof out), 22);
    CHECK(!strcmp(out, "[0:0:0:0:0:0:0:1]:5060"));
    memset(m.addr, 0xff, 16);
    m.port = 65535;
    CHECK_INT(sipreg_stun_address(&m, out, sizeof out), 47);
    CHECK_INT(sipreg_stun_address(&m, out, 47), SIPREG_E_BUFFER);
    m.family = 4;
    m.port = 0;
    CHECK_INT(sipreg_stun_address(&m, out, sizeof out), 17);
    CHECK(!strcmp(out, "255.255.255.255:0"));
    m.family = 0;
    CHECK_INT(sipreg_stun_address(&m, out, sizeof out), SIPREG_E_NOT_FOUND);
}

int main(void) {
    test_parses();
    test_compose();
    test_demux();
    test_address();
    return check_done("test_stun");
}
