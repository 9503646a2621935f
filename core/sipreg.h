/* sipreg.h — the one public header of the sipreg core.
 *
 * sipreg is a SIP registration client core (RFC 3261 §10.2, the UA side of REGISTER) with no I/O:
 * no sockets, no clock, no RNG calls, no stdio, no globals. Time comes in as `now` (monotonic
 * milliseconds) and entropy as a 32-byte seed; messages, events and one absolute deadline come out.
 *
 * Conventions
 *   - Strings are views (`struct sipreg_str`) into caller memory; nothing is NUL-terminated unless
 *     said so. Parsed structures point into the buffer they were parsed from.
 *   - Functions return 0 (or a count/length) on success and a negative `SIPREG_E_*` code on error.
 *   - Parsers report the byte offset of the first bad byte through an `err_off` out-parameter.
 */
#ifndef SIPREG_H
#define SIPREG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Basics                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* A string view: `len` bytes at `p`, not NUL-terminated; p may be NULL when len is 0. */
struct sipreg_str {
    const char *p; /* first byte */
    size_t len;    /* number of bytes */
};

/* Monotonic time in milliseconds, supplied by the host. */
typedef int64_t sipreg_ms;

/* "No deadline": the value sipreg_deadline() returns when nothing is scheduled. */
#define SIPREG_NEVER INT64_MAX

/* Enum families are lists X(identifier, value, name): the enum (SIPREG__ENUMERATOR), the name
 * functions (sipreg_state_name, ...) and the generated JS constants module (tools/constants.c)
 * expand the same list, so no number or name is written twice. */
#define SIPREG__ENUMERATOR(id, value, name) id = value,

/* Library version string. */
#define SIPREG_VERSION "0.1.0"

/* Error codes (all negative; 0 is success): X(identifier, value, description) — the enum, and
 * sipreg_errname / sipreg_strerror (core/text.c) and the JS constants expand this one list. */
#define SIPREG_ERROR_LIST(X)                                                                       \
    /* success */                                                                                  \
    X(SIPREG_OK, 0, "success")                                                                     \
    /* nothing more to return (poll functions); not a failure */                                   \
    X(SIPREG_E_DONE, -1, "nothing more to return")                                                 \
    /* invalid argument (API misuse) */                                                            \
    X(SIPREG_E_INVAL, -2, "invalid argument")                                                      \
    /* allocation failed */                                                                        \
    X(SIPREG_E_NOMEM, -3, "out of memory")                                                         \
    /* caller's output buffer is too small */                                                      \
    X(SIPREG_E_BUFFER, -4, "output buffer too small")                                              \
    /* a documented limit was exceeded (see SIPREG_MAX_*) */                                       \
    X(SIPREG_E_LIMIT, -5, "a documented size limit was exceeded")                                  \
    /* the requested item is not present */                                                        \
    X(SIPREG_E_NOT_FOUND, -7, "not present")                                                       \
    /* configuration is invalid (e.g. AOR does not parse) */                                       \
    X(SIPREG_E_CONFIG, -8, "invalid configuration")                                                \
    /* a response that does not belong to our transaction */                                       \
    X(SIPREG_E_ASYMMETRIC, -9, "response does not match our transaction")                          \
    /* saved state is corrupt, foreign, or of another version */                                   \
    X(SIPREG_E_STATE_BLOB, -10, "saved state is corrupt, foreign or of another version")           \
    /* -- message parse errors (remote peer sent something we cannot accept) -- */                 \
    /* malformed request line or status line */                                                    \
    X(SIPREG_E_START_LINE, -20, "malformed request line or status line")                           \
    /* SIP-Version is not SIP/2.0 */                                                               \
    X(SIPREG_E_VERSION, -21, "SIP version is not SIP/2.0")                                         \
    /* status code is not three digits 100..699 */                                                 \
    X(SIPREG_E_STATUS, -22, "status code is not 100..699")                                         \
    /* method is not a token */                                                                    \
    X(SIPREG_E_METHOD, -23, "method is not a token")                                               \
    /* header name is empty or not a token */                                                      \
    X(SIPREG_E_HEADER_NAME, -24, "header name is empty or not a token")                            \
    /* header line has no ':' after the name */                                                    \
    X(SIPREG_E_HEADER_COLON, -25, "header line has no colon")                                      \
    /* a line is longer than SIPREG_MAX_LINE */                                                    \
    X(SIPREG_E_LINE_TOO_LONG, -26, "line longer than SIPREG_MAX_LINE")                             \
    /* more than the caller's header array can hold */                                             \
    X(SIPREG_E_TOO_MANY_HEADERS, -27, "too many header fields")                                    \
    /* message is longer than SIPREG_MAX_MESSAGE */                                                \
    X(SIPREG_E_TOO_BIG, -28, "message longer than SIPREG_MAX_MESSAGE")                             \
    /* header section does not end with an empty line */                                           \
    X(SIPREG_E_INCOMPLETE, -29, "header section does not end with an empty line")                  \
    /* Content-Length is not a number, or several disagree */                                      \
    X(SIPREG_E_CONTENT_LENGTH, -30, "bad or conflicting Content-Length")                           \
    /* body is shorter than Content-Length says */                                                 \
    X(SIPREG_E_BODY, -31, "body shorter than Content-Length")                                      \
    /* a byte that is never allowed here (NUL, control) */                                         \
    X(SIPREG_E_CHAR, -32, "byte not allowed here")                                                 \
    /* a header's value does not follow its grammar */                                             \
    X(SIPREG_E_HEADER_VALUE, -33, "header value does not follow its grammar")                      \
    /* a mandatory header (Call-ID, CSeq, From, To, Via) is missing */                             \
    X(SIPREG_E_MISSING_HEADER, -34, "a mandatory header is missing")                               \
    /* CSeq is malformed, or its method differs from the request's */                              \
    X(SIPREG_E_CSEQ, -35, "malformed CSeq or CSeq method mismatch")                                \
    /* unterminated quoted string or angle bracket */                                              \
    X(SIPREG_E_QUOTE, -36, "unterminated quoted string or angle bracket")                          \
    /* URI does not follow RFC 3261 §19.1 / RFC 3966 / RFC 3986 */                                \
    X(SIPREG_E_URI, -40, "malformed URI")                                                          \
    /* URI has no scheme, or the scheme is not a token */                                          \
    X(SIPREG_E_URI_SCHEME, -41, "URI scheme missing or malformed")                                 \
    /* host is empty or malformed (incl. IPv6 reference) */                                        \
    X(SIPREG_E_URI_HOST, -42, "URI host missing or malformed")                                     \
    /* port is not a number in 0..65535 */                                                         \
    X(SIPREG_E_URI_PORT, -43, "URI port is not 0..65535")                                          \
    /* a '%' not followed by two hex digits */                                                     \
    X(SIPREG_E_URI_ESCAPE, -44, "'%' not followed by two hex digits")                              \
    /* -- authentication -- */                                                                     \
    /* no challenge with an algorithm we support */                                                \
    X(SIPREG_E_AUTH_ALGORITHM, -50, "no challenge with a supported algorithm")                     \
    /* the challenge offers only qop values we do not support */                                   \
    X(SIPREG_E_AUTH_QOP, -51, "challenge offers no supported qop")                                 \
    /* the registrar rejected our credentials again (no loop) */                                   \
    X(SIPREG_E_AUTH_LOOP, -52, "credentials rejected again (wrong password?)")                     \
    /* challenged but no credentials configured */                                                 \
    X(SIPREG_E_AUTH_NO_CREDENTIALS, -53, "challenged, but no credentials are configured")          \
    /* -- STUN (RFC 5389, the keep-alive of RFC 5626 §4.4.2) -- */                                \
    /* shorter than 20 bytes, top bits set, bad length or magic cookie (RFC 5389 §6) */           \
    X(SIPREG_E_STUN_HEADER, -60, "malformed STUN header")                                          \
    /* an attribute runs past the end or its value breaks its format (RFC 5389 §15) */            \
    X(SIPREG_E_STUN_ATTRIBUTE, -61, "malformed STUN attribute")                                    \
    /* the FINGERPRINT is not the CRC-32 of the message (RFC 5389 §15.5) */                       \
    X(SIPREG_E_STUN_FINGERPRINT, -62, "STUN FINGERPRINT does not match")                           \
    /* a STUN message that is no response to a Binding request (RFC 5626 §8) */                   \
    X(SIPREG_E_STUN_UNEXPECTED, -63, "STUN message that answers no Binding request")               \
    /* what the browser build leaves out (SIPREG_NO_STUN, SIPREG_NO_MULTICAST: WebSocket only) */  \
    X(SIPREG_E_NOT_BUILT, -64, "not in this build")
enum sipreg_error { SIPREG_ERROR_LIST(SIPREG__ENUMERATOR) };

/* Name and one-line description of an error code ("SIPREG_E_URI: ..."); never NULL. */
const char *sipreg_strerror(int err);

/* Short symbolic name of an error code ("SIPREG_E_URI"); never NULL. */
const char *sipreg_errname(int err);

/* ------------------------------------------------------------------------------------------ */
/* Limits (documented constants; inputs past them give SIPREG_E_LIMIT or a parse error)       */
/* ------------------------------------------------------------------------------------------ */

#define SIPREG_MAX_MESSAGE 65535 /* bytes in one SIP message (header section + body) */
#define SIPREG_MAX_LINE 8192     /* bytes in one header line, folded continuation included */
#define SIPREG_MAX_HEADERS 128   /* header fields a registration parses per response */
#define SIPREG_MAX_CONTACTS 4    /* our own Contacts per registration */
#define SIPREG_MAX_BINDINGS 16   /* other devices' bindings kept from one 2xx (more are counted) */
#define SIPREG_MAX_ROUTES 4      /* Service-Route / Path entries kept from one 2xx */
#define SIPREG_MAX_URI_PARAMS 64 /* uri-parameters (and, apart, headers) in one URI */

/* ------------------------------------------------------------------------------------------ */
/* REGISTRATION API: configure, create, command, feed, poll (the toolkit follows below)        */
/* ========================================================================================== */

/* Transport kinds (a registration's flows, the REGISTER's Via); WS/WSS per RFC 7118, the others
 * per RFC 3261 §18. */
#define SIPREG_TRANSPORT_LIST(X)                                                                   \
    /* SIP/2.0/WS, ;transport=ws */                                                                \
    X(SIPREG_TP_WS, 1, "ws")                                                                       \
    /* SIP/2.0/WSS, ;transport=ws (RFC 7118 §5.2) */                                              \
    X(SIPREG_TP_WSS, 2, "wss")                                                                     \
    /* SIP/2.0/UDP, unreliable: Timer E retransmissions */                                         \
    X(SIPREG_TP_UDP, 3, "udp")                                                                     \
    /* SIP/2.0/TCP */                                                                              \
    X(SIPREG_TP_TCP, 4, "tcp")                                                                     \
    /* SIP/2.0/TLS */                                                                              \
    X(SIPREG_TP_TLS, 5, "tls")
enum sipreg_transport { SIPREG_TRANSPORT_LIST(SIPREG__ENUMERATOR) };

/* ------------------------------------------------------------------------------------------ */
/* Registration: the sans-I/O state machine (RFC 3261 §10.2, RFC 5626 §4)                      */
/*                                                                                            */
/* Every state change is one row {state, trigger} -> next of sipreg_transitions(); this list  */
/* is that table (tests/c/test_transitions.c checks they agree, row for row):                 */
/*                                                                                            */
/*   idle           --register-->    registering     a REGISTER starts (or waits for a flow)  */
/*   backoff        --register-->    registering     retry_at reached, or a command           */
/*   failed         --register-->    registering     register() after a terminal failure      */
/*   registered     --register-->    refreshing      refresh point reached, or a command      */
/*   idle           --unregister-->  unregistering   unregister() (also "*" for all)          */
/*   registering    --unregister-->  unregistering                                            */
/*   registered     --unregister-->  unregistering                                            */
/*   refreshing     --unregister-->  unregistering                                            */
/*   backoff        --unregister-->  unregistering                                            */
/*   failed         --unregister-->  unregistering                                            */
/*   registering    --granted-->     registered      a 2xx lists our bindings                 */
/*   refreshing     --granted-->     registered                                               */
/*   unregistering  --removed-->     idle            a 2xx to the unregister                  */
/*   registering    --retry-->       backoff         a failure; the next attempt is scheduled */
/*   refreshing     --retry-->       backoff         (401/407/423/439 retry in the same state) */
/*   registering    --refused-->     failed          a failure no retry can mend              */
/*   refreshing     --refused-->     failed          (bad credentials, 403, 404, ...)         */
/*   registered     --lapse-->       registering     our binding expired before its refresh   */
/*   refreshing     --lapse-->       registering                                              */
/*   unregistering  --abandon-->     idle            the unregister failed or gave up         */
/* ------------------------------------------------------------------------------------------ */

/* How the current flow's liveness is watched (sipreg_info.liveness). */
#define SIPREG_LIVENESS_LIST(X)                                                                    \
    /* not watched (no flow, UDP without the promise, keepalive never, or probe none) */           \
    X(SIPREG_LIVE_NONE, 0, "none")                                                                 \
    /* RFC 5626 §4.4.1 CRLF pings (the registrar promised pongs) */                               \
    X(SIPREG_LIVE_CRLF, 1, "crlf")                                                                 \
    /* OPTIONS probes after probe_s of silence (over UDP: in place of unanswered STUN) */          \
    X(SIPREG_LIVE_OPTIONS, 2, "options")                                                           \
    /* SIPREG_EV_PING after probe_s of silence (host transport ping) */                            \
    X(SIPREG_LIVE_HOST, 3, "host")                                                                 \
    /* RFC 5626 §4.4.2 STUN Binding requests over UDP (the registrar promised keep-alives) */     \
    X(SIPREG_LIVE_STUN, 4, "stun")
enum sipreg_liveness { SIPREG_LIVENESS_LIST(SIPREG__ENUMERATOR) };

/* Registration states. */
#define SIPREG_STATE_LIST(X)                                                                       \
    /* nothing registered, nothing scheduled */                                                    \
    X(SIPREG_ST_IDLE, 0, "idle")                                                                   \
    /* adding our bindings (first time, or again after a lapse) */                                 \
    X(SIPREG_ST_REGISTERING, 1, "registering")                                                     \
    /* our bindings are live; a refresh is scheduled */                                            \
    X(SIPREG_ST_REGISTERED, 2, "registered")                                                       \
    /* registered, and a refresh REGISTER is in flight */                                          \
    X(SIPREG_ST_REFRESHING, 3, "refreshing")                                                       \
    /* removing bindings */                                                                        \
    X(SIPREG_ST_UNREGISTERING, 4, "unregistering")                                                 \
    /* an attempt failed; the next one is scheduled (retry_at) */                                  \
    X(SIPREG_ST_BACKOFF, 5, "backoff")                                                             \
    /* stopped after a failure that retrying cannot mend */                                        \
    X(SIPREG_ST_FAILED, 6, "failed")
enum sipreg_state { SIPREG_STATE_LIST(SIPREG__ENUMERATOR) };

/* How one of our bindings was recognised in a 2xx Contact list (RFC 3261 §10.2.4). */
#define SIPREG_MATCH_LIST(X)                                                                       \
    /* not found in the 2xx */                                                                     \
    X(SIPREG_MATCH_NONE, 0, "none")                                                                \
    /* +sip.instance and reg-id (RFC 5626 §6) */                                                  \
    X(SIPREG_MATCH_INSTANCE, 1, "instance")                                                        \
    /* our pub-gruu (RFC 5627) */                                                                  \
    X(SIPREG_MATCH_GRUU, 2, "gruu")                                                                \
    /* §19.1.4 URI equality */                                                                    \
    X(SIPREG_MATCH_URI, 3, "uri")
enum sipreg_match { SIPREG_MATCH_LIST(SIPREG__ENUMERATOR) };

/* Why something happened (state changes, failures, retries). */
#define SIPREG_REASON_LIST(X)                                                                      \
    /* no particular reason */                                                                     \
    X(SIPREG_R_NONE, 0, "none")                                                                    \
    /* the application asked */                                                                    \
    X(SIPREG_R_COMMAND, 1, "command")                                                              \
    /* a 2xx */                                                                                    \
    X(SIPREG_R_OK, 2, "ok")                                                                        \
    /* refresh point reached */                                                                    \
    X(SIPREG_R_REFRESH, 3, "refresh")                                                              \
    /* our binding expired before it could be refreshed */                                         \
    X(SIPREG_R_LAPSED, 4, "lapsed")                                                                \
    /* a final non-2xx response (status says which) */                                             \
    X(SIPREG_R_STATUS, 5, "status")                                                                \
    /* no final response (Timer F, RFC 3261 §17.1.2.2) */                                         \
    X(SIPREG_R_TIMEOUT, 6, "timeout")                                                              \
    /* the transport flow failed or is down */                                                     \
    X(SIPREG_R_FLOW, 7, "flow")                                                                    \
    /* credentials rejected, or missing (error says which) */                                      \
    X(SIPREG_R_AUTH, 8, "auth")                                                                    \
    /* 423 that retrying cannot satisfy */                                                         \
    X(SIPREG_R_INTERVAL, 9, "interval")                                                            \
    /* 2xx that does not list our binding */                                                       \
    X(SIPREG_R_NO_BINDING, 10, "no-binding")                                                       \
    /* the registrar's Retry-After */                                                              \
    X(SIPREG_R_RETRY_AFTER, 11, "retry-after")                                                     \
    /* RFC 5626 §4.5 back-off */                                                                  \
    X(SIPREG_R_BACKOFF, 12, "backoff")                                                             \
    /* credentials rejected: a fresh challenge of the same realm and kind right after our */       \
    /* answer (terminal unless retry-credentials) */                                               \
    X(SIPREG_R_CREDENTIALS, 13, "credentials")                                                     \
    /* a 3xx: the next attempt goes to one of its Contacts */                                      \
    X(SIPREG_R_REDIRECT, 14, "redirect")                                                           \
    /* a final response that retrying cannot mend (failure table) */                               \
    X(SIPREG_R_REFUSED, 15, "refused")                                                             \
    /* the host reported a network change (sipreg_network_changed) */                              \
    X(SIPREG_R_NETWORK, 16, "network")                                                             \
    /* a command's time bound passed without an answer */                                          \
    X(SIPREG_R_GAVE_UP, 17, "gave-up")                                                             \
    /* 420/421 naming an option tag we sent: retried without it */                                 \
    X(SIPREG_R_EXTENSION, 18, "extension")                                                         \
    /* the STUN mapped address of the UDP flow changed: the NAT binding is new (RFC 5626 §4.4.2)  \
     */                                                                                            \
    X(SIPREG_R_MAPPING, 19, "mapping")                                                             \
    /* the UDP flow's first STUN Binding request got no answer but SIP probes do: the next hop */  \
    /* runs no STUN server; OPTIONS probes keep the flow (RFC 5626 §4.4) */                       \
    X(SIPREG_R_NO_STUN, 20, "no-stun")
enum sipreg_reason { SIPREG_REASON_LIST(SIPREG__ENUMERATOR) };

/* Event types (pulled with sipreg_poll_event). `value` is a number whose meaning the type gives;
 * the event view (sipreg_event_tape) names it: the key is in [brackets]. */
#define SIPREG_EVENT_LIST(X)                                                                       \
    /* state changed: state, reason (value = the new state) */                                     \
    X(SIPREG_EV_STATE, 1, "statechange")                                                           \
    /* our bindings confirmed: value = seconds granted [granted], at = refresh time */             \
    X(SIPREG_EV_REGISTERED, 2, "registered")                                                       \
    /* our bindings removed; value 1 [all: true]: every binding of the AOR ("Contact: *") */       \
    X(SIPREG_EV_UNREGISTERED, 3, "unregistered")                                                   \
    /* an attempt failed: status, error, reason, text; at = retry time or NEVER; value = */        \
    /* consecutive failures [failures] */                                                          \
    X(SIPREG_EV_FAILED, 4, "failed")                                                               \
    /* next attempt scheduled at `at` because of `reason`; value = the delay in ms [delayMs] */    \
    X(SIPREG_EV_RETRY, 5, "retry")                                                                 \
    /* refresh point reached; value = seconds left [secondsLeft]; manual mode waits for */         \
    /* register() */                                                                               \
    X(SIPREG_EV_EXPIRING, 6, "expiring")                                                           \
    /* our binding expired before refresh; value = ms since expiry [lateMs] */                     \
    X(SIPREG_EV_LAPSED, 7, "lapsed")                                                               \
    /* a 2xx updated the binding view (fetch result, or any 2xx); value = bindings listed */       \
    /* [count] */                                                                                  \
    X(SIPREG_EV_BINDINGS, 8, "bindings")                                                           \
    /* the core needs a transport flow: connect, then sipreg_transport(up). value 0 */             \
    /* [transport: null]: any flow; SIPREG_TP_TCP [transport: "tcp"]: a stream flow (a */          \
    /* REGISTER larger than policy.udp_max, RFC 3261 §18.1.1): sipreg_set_flow(TCP) and */        \
    /* sipreg_transport(up) on it (the UDP flow may go down first; up on UDP again: the host */    \
    /* has no TCP, the request goes over UDP) */                                                   \
    X(SIPREG_EV_CONNECT, 9, "connect")                                                             \
    /* a 2xx to our REGISTER does not list (all) our bindings; value = how many are missing */     \
    /* [missing] */                                                                                \
    X(SIPREG_EV_NO_BINDING, 10, "nobinding")                                                       \
    /* the flow is dead: close it, then report sipreg_transport(down). reason FLOW: no pong */     \
    /* / probe answer within pong_timeout_ms (RFC 5626 §4.4.1), no STUN answer after its */       \
    /* retransmissions or a Binding error response (status: its code; §4.4.2); MAPPING: the */    \
    /* STUN mapped address changed (§4.4.2); TIMEOUT: Timer F on a */                             \
    /* reliable flow (any flow with policy.alternates); STATUS: a 503 with policy.alternates */    \
    /* (RFC 3263 §4.3: the host moves to its next server); NETWORK: sipreg_network_changed */     \
    X(SIPREG_EV_FLOW_FAILED, 11, "flowfailed")                                                     \
    /* a 3xx was followed: text = the new Request-URI, value = 1 [permanent: true] for a 301 */    \
    /* (later refreshes go there too) */                                                           \
    X(SIPREG_EV_REDIRECT, 12, "redirect")                                                          \
    /* probe mode "host": send a transport-level ping now (WebSocket ping, RFC 6455 §5.5.2) */    \
    /* and report its pong as sipreg_recv("\r\n"); at = the pong deadline */                       \
    X(SIPREG_EV_PING, 13, "ping")                                                                  \
    /* how the flow's liveness is watched changed: value = the new enum sipreg_liveness */         \
    /* [liveness]; reason NO_STUN (text says so): STUN unanswered, OPTIONS probes instead */       \
    X(SIPREG_EV_LIVENESS, 14, "liveness")
enum sipreg_event_type { SIPREG_EVENT_LIST(SIPREG__ENUMERATOR) };

/* When to send keep-alives: CRLF pings (RFC 5626 §4.4.1) over reliable flows, STUN Binding
 * requests (§4.4.2, §8) over UDP. */
enum sipreg_keepalive {
    SIPREG_KA_NEVER = 0, /* never */
    SIPREG_KA_AUTO = 1,  /* keep-alives after an outbound registration (2xx with Require:
                          * outbound or Flow-Timer: the registrar promised pongs and, over UDP,
                          * a STUN server on its port, §8); otherwise liveness probes
                          * (policy.probe) while a reliable flow is silent, none over UDP */
    SIPREG_KA_ALWAYS = 2 /* always while registered (configuration is the explicit indication) */
};

/* How liveness is probed on a reliable flow whose registrar promised no pongs (keepalive AUTO),
 * and on a UDP flow whose outbound registrar answers no STUN (OPTIONS only; NONE: the flow fails on
 * the STUN timeout, RFC 5626 §4.4.2). */
enum sipreg_probe {
    SIPREG_PROBE_OPTIONS = 0, /* an OPTIONS to the registrar; any response is the pong (default) */
    SIPREG_PROBE_HOST = 1,    /* SIPREG_EV_PING: the host pings its transport (WebSocket ping) */
    SIPREG_PROBE_NONE = 2     /* no probes: a dead flow is found when a REGISTER times out */
};

/* What a final non-2xx response to a REGISTER leads to (the failure table, RFC 3261 §10.2.7,
 * §8.1.3; RFC 5626 §4.5). */
enum sipreg_action {
    SIPREG_ACT_TRANSIENT = 0, /* retry later: Retry-After, else the back-off */
    SIPREG_ACT_TERMINAL = 1,  /* stop (FAILED): retrying cannot mend it; the status is reported */
    SIPREG_ACT_CHALLENGE = 2, /* 401/407: answer the challenge (RFC 3261 §22) */
    SIPREG_ACT_REDIRECT = 3,  /* 3xx: try its Contacts in q order (RFC 3261 §8.1.3.4) */
    SIPREG_ACT_INTERVAL = 4,  /* 423: ask again with Min-Expires (RFC 3261 §10.2.8) */
    SIPREG_ACT_EXTENSION = 5, /* 420/421: retry once without the named option tag, else terminal */
    SIPREG_ACT_OUTBOUND = 6   /* 439: retry once without reg-id (RFC 5626 §4.2.1) */
};

/* One row of the failure table: statuses lo..hi (inclusive) lead to `action`. */
struct sipreg_failure_rule {
    int lo, hi;      /* status range */
    int action;      /* enum sipreg_action */
    const char *why; /* one line: the rule and its RFC section */
};

/* The failure table, most specific rows first (the first row containing a status applies);
 * *n gets the row count. */
const struct sipreg_failure_rule *sipreg_failure_rules(size_t *n);

/* The action for a final status 300..699 (the first matching row of the table). */
int sipreg_failure_action(int status);

/* Name of an action ("transient", "terminal", ...). */
const char *sipreg_action_name(int action);

/* The operations one REGISTER can carry. */
#define SIPREG_OP_LIST(X)                                                                          \
    /* none */                                                                                     \
    X(SIPREG_OP_NONE, 0, "none")                                                                   \
    /* add or refresh our bindings (and drop swapped-out ones) */                                  \
    X(SIPREG_OP_REGISTER, 1, "register")                                                           \
    /* remove our bindings (expires=0) */                                                          \
    X(SIPREG_OP_UNREGISTER, 2, "unregister")                                                       \
    /* remove all bindings of the AOR (Contact: *) */                                              \
    X(SIPREG_OP_UNREGISTER_ALL, 3, "unregister-all")                                               \
    /* list the bindings (no Contact) */                                                           \
    X(SIPREG_OP_FETCH, 4, "fetch")
enum sipreg_op { SIPREG_OP_LIST(SIPREG__ENUMERATOR) };

/* One event. Views are valid until the next call on the registration. */
struct sipreg_event {
    int type;               /* enum sipreg_event_type */
    int state;              /* state after the event (enum sipreg_state) */
    int reason;             /* enum sipreg_reason */
    int op;                 /* enum sipreg_op: the REGISTER operation it concerns, or NONE */
    int status;             /* SIP status code involved, or 0 */
    int error;              /* negative SIPREG_E_* involved, or 0 */
    sipreg_ms at;           /* a time the event refers to (see the type), or SIPREG_NEVER */
    int64_t value;          /* a number the event refers to (its meaning and view name: the type) */
    struct sipreg_str text; /* reason phrase of the response involved, or empty */
};

/* What moves a registration from one state to another (the triggers of sipreg_transitions). */
#define SIPREG_TRIGGER_LIST(X)                                                                     \
    /* a REGISTER starts or waits for a flow (command, refresh, retry) */                          \
    X(SIPREG_TR_REGISTER, 1, "register")                                                           \
    /* an unregister starts or waits for a flow */                                                 \
    X(SIPREG_TR_UNREGISTER, 2, "unregister")                                                       \
    /* a 2xx to a REGISTER lists our bindings (RFC 3261 §10.2.4) */                               \
    X(SIPREG_TR_GRANTED, 3, "granted")                                                             \
    /* a 2xx to an unregister */                                                                   \
    X(SIPREG_TR_REMOVED, 4, "removed")                                                             \
    /* a failure: the next attempt is scheduled (RFC 5626 §4.5) */                                \
    X(SIPREG_TR_RETRY, 5, "retry")                                                                 \
    /* a failure no retry can mend */                                                              \
    X(SIPREG_TR_REFUSED, 6, "refused")                                                             \
    /* our binding expired before it was refreshed */                                              \
    X(SIPREG_TR_LAPSE, 7, "lapse")                                                                 \
    /* an unregister failed, timed out or gave up */                                               \
    X(SIPREG_TR_ABANDON, 8, "abandon")
enum sipreg_trigger { SIPREG_TRIGGER_LIST(SIPREG__ENUMERATOR) };

/* One row of the transition table: in state `from`, `trigger` leads to state `to`. */
struct sipreg_transition {
    uint8_t from;    /* enum sipreg_state */
    uint8_t trigger; /* enum sipreg_trigger */
    uint8_t to;      /* enum sipreg_state */
};

/* The transition table every state change goes through; *n gets the row count. */
const struct sipreg_transition *sipreg_transitions(size_t *n);

/* One binding from the last 2xx: ours (matched or missing) or another device's. */
struct sipreg_binding {
    int ours;                    /* 1: one of our contacts */
    int contact;                 /* index of our contact, or -1 */
    int matched_by;              /* enum sipreg_match (ours) */
    struct sipreg_str uri;       /* contact URI */
    struct sipreg_str instance;  /* +sip.instance (quotes stripped), or empty */
    int64_t reg_id;              /* reg-id, or -1 */
    int q;                       /* q in thousandths, or -1 */
    int64_t requested;           /* seconds we asked (ours), or -1 */
    int64_t granted;             /* seconds the registrar granted (0 for our missing bindings) */
    sipreg_ms expires_at;        /* monotonic time the binding expires (from when we sent) */
    struct sipreg_str pub_gruu;  /* RFC 5627 public GRUU, or empty */
    struct sipreg_str temp_gruu; /* RFC 5627 temporary GRUU, or empty */
};

/* A snapshot of the registration for display (views valid until the next call). */
struct sipreg_info {
    int state;             /* enum sipreg_state */
    int flow_up;           /* 1 when the host says the transport is up */
    int in_flight;         /* 1 when a REGISTER transaction is open */
    sipreg_ms refresh_at;  /* next refresh, or SIPREG_NEVER */
    sipreg_ms expires_at;  /* earliest expiry of our bindings, or SIPREG_NEVER */
    sipreg_ms retry_at;    /* next retry (BACKOFF), or SIPREG_NEVER */
    int64_t requested;     /* seconds requested (Expires) */
    int64_t granted;       /* minimum granted over our bindings, or -1 */
    int failures;          /* consecutive failures (RFC 5626 §4.5) */
    int last_status;       /* last final status, or 0 */
    int has_skew;          /* 1 when clock_skew_ms is known (Date + wall clock) */
    int64_t clock_skew_ms; /* registrar clock minus ours (RFC 3261 §10.2.5), ± skew_error_ms */
    int64_t skew_error_ms; /* bound on the skew estimate: half the round trip +
                            * 0.5 s (Date has 1 s resolution) */
    struct sipreg_str call_id;                          /* our Call-ID */
    uint32_t cseq;                                      /* last CSeq sent */
    size_t nservice_route;                              /* Service-Route entries (RFC 3608) */
    struct sipreg_str service_route[SIPREG_MAX_ROUTES]; /* their URIs */
    size_t npath;                                       /* Path entries (RFC 3327) */
    struct sipreg_str path[SIPREG_MAX_ROUTES];          /* their URIs */
    size_t others_omitted;    /* other devices' bindings not stored (limits) */
    int keepalive;            /* 1 when keep-alives run on this flow (CRLF, or STUN over UDP) */
    int64_t keepalive_s;      /* their interval upper bound (Flow-Timer or the default) */
    int liveness;             /* enum sipreg_liveness: how this flow is watched */
    sipreg_ms ping_at;        /* next ping, or SIPREG_NEVER */
    sipreg_ms pong_deadline;  /* the open ping's deadline, or SIPREG_NEVER */
    struct sipreg_str mapped; /* the flow's STUN mapped address ("192.0.2.1:5060",
                               * "[2001:db8:0:0:0:0:0:1]:5060", RFC 5389 §15.2); empty until a
                               * Binding response on this flow said it */
};

/* One of our Contacts in the configuration. */
struct sipreg_contact_spec {
    const char *uri; /* full URI, or NULL to generate "sip:<rand>@<rand>.invalid;transport=ws" */
    int64_t expires; /* per-binding expires (;expires=), or -1 for the registration's */
    int q;           /* q in thousandths (0..1000), or -1 for none */
};

/* How to find the registrar (RFC 3261 §10.2.6). */
enum sipreg_discovery {
    SIPREG_DISCOVER_CONFIGURED = 0, /* `registrar` if set, else the AOR's host */
    SIPREG_DISCOVER_AOR_HOST = 1,   /* "sip:<AOR host>" */
    SIPREG_DISCOVER_MULTICAST = 2   /* "sip:sip.mcast.net" */
};

/* Timers and retry policy (all overridable; defaults from sipreg_config_init). */
struct sipreg_policy {
    int64_t t1_ms;             /* RFC 3261 T1, 500 ms; Timer F = 64*T1 */
    int64_t t2_ms;             /* RFC 3261 T2, 4000 ms (cap of Timer E) */
    int64_t refresh_margin_s;  /* E > 64: refresh in [E/2, E - margin]; 32 s */
    int64_t short_margin_s;    /* E <= 64: refresh at E - this, not before E/2; 5 s */
    int64_t base_s;            /* RFC 5626 §4.5 base-time, all flows failed: 30 s */
    int64_t base_up_s;         /* base-time while another flow is up: 90 s */
    int64_t max_s;             /* RFC 5626 §4.5 max-time: 300 s (the RFC: 1800) */
    int64_t max_retry_after_s; /* cap on an honoured Retry-After: 86400 s */
    int other_flow_up;         /* 1: the host has another working flow (base_up_s applies) */
    int manual_refresh;        /* 1: at the refresh point only emit EXPIRING; the app refreshes */
    int max_auth_retries;      /* challenges answered per attempt: 2 (a stale nonce, then one) */
    int64_t min_grant_s;       /* grants below this are scheduled as this: 30 s (no storms) */
    int keepalive;             /* enum sipreg_keepalive (default AUTO) */
    int64_t keepalive_s;       /* ping interval upper bound without Flow-Timer: 120 s (§4.4.1);
                                * over UDP at most 29 s (STUN: U[24, 29] s, §4.4.2) */
    int64_t pong_timeout_ms;   /* pong deadline: 10000 ms (RFC 5626 §4.4.1); a STUN request
                                * instead gives up after 7 sends and 16 RTO (t1_ms), §4.4.2 */
    int probe;                 /* enum sipreg_probe (default OPTIONS) */
    int64_t probe_s;           /* probe after this much silence on the flow: U[0.8, 1.0] of 30 s */
    int retry_credentials;     /* 1: rejected credentials back off and retry (default 0: stop) */
    int max_redirects;         /* 3xx followed per attempt: 5 */
    int64_t command_ms;        /* unregister keeps trying (new flows) this long, then gives up;
                                * fetch gives up at its first failed flow: 32000 ms */
    int64_t alternates;        /* other servers the host can fail over to (RFC 3263 §4.3): a Timer
                                * F or a 503 retries the attempt at once on a new flow, at most
                                * this many times per attempt; 0 (default): none */
    int64_t udp_max;           /* largest REGISTER sent over UDP (RFC 3261 §18.1.1): 1300 bytes;
                                * a larger one asks for a TCP flow (SIPREG_EV_CONNECT) */
};

/* Everything a registration needs; strings are copied by sipreg_new. */
struct sipreg_config {
    const char *aor;       /* address-of-record, "sip:alice@example.com" (required) */
    const char *registrar; /* Request-URI, "sip:example.com" (optional) */
    int discovery;         /* enum sipreg_discovery */
    struct sipreg_contact_spec contacts[SIPREG_MAX_CONTACTS]; /* our Contacts */
    size_t ncontacts;                                         /* 0: one generated Contact */
    const char *instance_id;   /* "urn:uuid:..." (RFC 5626 §4.1); NULL: generated when outbound */
    int reg_id;                /* reg-id (RFC 5626 §4.2), >= 1 */
    int outbound;              /* 1: send +sip.instance and reg-id (default 1) */
    const char *username;      /* digest user (default: the AOR's user part) */
    const char *password;      /* digest password */
    const char *ha1;           /* precomputed H(user:realm:password) hex, instead of password */
    int64_t expires;           /* requested expiry in seconds (default 600) */
    int transport;             /* enum sipreg_transport (default WS) */
    const char *via_host;      /* Via sent-by host; NULL: "<random>.invalid" (RFC 7118 §5); the
                                * address of sipreg_set_flow (UDP/TCP/TLS) replaces it */
    const char *user_agent;    /* User-Agent (default "sipreg/<version>"); "" to omit */
    const char *supported;     /* Supported (default "path, gruu, outbound"); "" to omit */
    const char *extra_headers; /* extra header lines, each "Name: value\r\n" */
    const char *from;   /* third-party registration (§10.2): the From URI, the one responsible for
                         * it (To stays the AOR; the digest user defaults to its user part);
                         * NULL: From = the AOR */
    const char *allow;  /* Allow of our responses (RFC 3261 §20.5): the methods the host handles;
                         * NULL: "OPTIONS" (a call stack on the flow sets its own) */
    const char *accept; /* Accept of a 200 to OPTIONS (§20.1); NULL: "application/sdp" */
    const char *route;  /* outbound proxy (§8.1.2): every request carries "Route: <route>", ;lr
                         * added when missing (loose routing, §16.12.1.1); NULL: none */
    uint8_t seed[32];   /* entropy for the PRNG (the host's crypto RNG) */
    struct sipreg_policy policy; /* timers and retry */
};

/* Set one configuration field by name from a string (keys: aor, registrar, discovery
 * (configured|aor|multicast), expires, transport (ws|wss|udp|tcp|tls), username, password, ha1,
 * instance, reg-id, outbound, via-host, user-agent, supported, extra-headers, from, route,
 * allow, accept, manual-refresh, other-flow-up, t1-ms, t2-ms, refresh-margin, short-margin,
 * retry-base, retry-base-up, retry-max, max-retry-after, max-auth-retries, keepalive
 * (never|auto|always), keepalive-s, pong-timeout-ms, min-grant, probe (options|host|none), probe-s,
 * retry-credentials, max-redirects, command-ms, alternates, udp-max). `value` must live until
 * sipreg_new. 0, SIPREG_E_NOT_FOUND (unknown key) or SIPREG_E_CONFIG (bad value). */
int sipreg_config_set(struct sipreg_config *cfg, const char *key, const char *value);

/* Append a Contact (uri NULL or "" = generated; expires -1 / q -1 = none). */
int sipreg_config_add_contact(struct sipreg_config *cfg, const char *uri, int64_t expires, int q);

/* An opaque registration. */
struct sipreg;

/* Fill cfg with the documented defaults (seed zero: the host must set it). */
void sipreg_config_init(struct sipreg_config *cfg);

/* Create a registration from cfg (strings copied). 0, SIPREG_E_CONFIG, or SIPREG_E_NOMEM. */
int sipreg_new(struct sipreg **out, const struct sipreg_config *cfg);

/* Create a registration from cfg and a blob saved by sipreg_export (same AOR): the Call-ID and
 * next CSeq (RFC 3261 §10.2), the From tag, GRUUs and cached nonces continue. Precedence, options
 * given in cfg over the blob:
 *   - expires: cfg->expires is the requested expiry (the blob's value is not kept);
 *   - contacts: cfg's contacts (ncontacts > 0, all with a URI) replace the blob's, and the blob's
 *     contacts they drop are sent once with expires=0 in the first REGISTER (the registrar ends
 *     with the new set only); with no contacts (or a generated one) in cfg, the blob's continue;
 *   - instance: cfg->instance_id wins; without it the blob's instance continues (RFC 5626 §4.1).
 * SIPREG_E_STATE_BLOB (and no registration) when the blob is corrupt, foreign or of another
 * version: start fresh then. */
int sipreg_new_with_state(struct sipreg **out, const struct sipreg_config *cfg, const char *state,
                          size_t len);

/* Save what a reload needs (no credentials) as an opaque text blob; its length, or
 * SIPREG_E_BUFFER (then retry with more room; SIPREG_MAX_MESSAGE always suffices). A generated
 * Contact is saved as it is (with the flow's address after sipreg_set_flow) and marked generated:
 * after a reload it continues over WS/WSS; the first UDP/TCP/TLS flow the host reports
 * (sipreg_set_flow) replaces it by one at that flow's address and removes the saved one once
 * (expires=0). The `from`, `route` and the flow are not saved (the host passes them again). */
int sipreg_export(const struct sipreg *r, char *out, size_t cap);

/* Free a registration (NULL is fine). */
void sipreg_free(struct sipreg *r);

/* Bytes of memory this registration holds (struct plus copied strings). */
size_t sipreg_memory(const struct sipreg *r);

/* Commands queue behind each other (FIFO, at most one entry per op; repeating a queued op moves
 * it to the end) and start when the open REGISTER ended: never two in flight (§10.2). A command
 * that needs a flow emits SIPREG_EV_CONNECT. How each one ends (its events carry its op):
 *   register:   SIPREG_EV_REGISTERED, or SIPREG_EV_FAILED per failed attempt (a failed connect
 *               is reason FLOW) and the back-off retries (BACKOFF), or FAILED state when
 *               retrying cannot mend it. During back-off it makes an attempt now.
 *   unregister: SIPREG_EV_UNREGISTERED (IDLE); or, with no flow, it asks for one again after
 *               1, 2, 4, 8 s ... until policy.command_ms after the command, then SIPREG_EV_FAILED
 *               reason GAVE_UP and IDLE (no refresh: the bindings expire on their own); a
 *               Timer F within the bound tries again (on a new flow when reliable), after it
 *               SIPREG_EV_FAILED reason TIMEOUT and IDLE.
 *   fetch:      SIPREG_EV_BINDINGS, or SIPREG_EV_FAILED (reason FLOW at the first failed
 *               connect, TIMEOUT, STATUS ...); the state does not change. */

/* Register now (first time, or refresh now). Queued behind an open transaction. */
int sipreg_register(struct sipreg *r, sipreg_ms now);

/* Remove our bindings (all = 0) or every binding of the AOR with "Contact: *" (all = 1). */
int sipreg_unregister(struct sipreg *r, int all, sipreg_ms now);

/* Query the bindings: REGISTER without Contact (RFC 3261 §10.2.3); during back-off it runs
 * without moving the retry. */
int sipreg_fetch(struct sipreg *r, sipreg_ms now);

/* Replace our Contacts; when registered, old and new go in one REGISTER (old with expires=0). */
int sipreg_set_contacts(struct sipreg *r, const struct sipreg_contact_spec *c, size_t n,
                        sipreg_ms now);

/* The host's network changed (new interface or address, back online): forget the failure count,
 * replace the flow (SIPREG_EV_FLOW_FAILED with reason NETWORK when one is up) and make one
 * attempt at once when registered, registering or backing off (RFC 5626 §4.4, §4.5). */
int sipreg_network_changed(struct sipreg *r, sipreg_ms now);

/* A sentence naming the setting that makes cfg invalid and the value it refused
 * ("expires must be at least 1 s, got 0 (unregister() removes bindings)"), or NULL when
 * sipreg_new would accept it. Static or thread-unsafe storage: copy it before the next call. */
const char *sipreg_config_problem(const struct sipreg_config *cfg);

/* Report the transport flow up (1) or down (0). Down while no flow was up is a failed connect.
 * Down with a REGISTER open: a flow that carried a registration is replaced at once (RFC 5626
 * §4.5); the first REGISTER gets one immediate retry on a new flow, later ones back off. A
 * Timer F on a reliable flow emits SIPREG_EV_FLOW_FAILED (reason TIMEOUT): close that flow. */
int sipreg_transport(struct sipreg *r, int up, sipreg_ms now);

/* The host reports the flow that is coming up (call it before sipreg_transport(up)): its
 * transport (enum sipreg_transport) and its LOCAL address host[0..host_len) (an IPv4 address,
 * an IPv6 address with or without brackets, or a name; at most 64 bytes) and port (1..65535).
 * They become the Via transport and sent-by (RFC 3261 §18.1.1; UDP keeps ;rport, RFC 3581 §3)
 * and, for UDP/TCP/TLS, the host part of GENERATED Contacts: "sip:<user>@host:port" with
 * ";transport=tcp|tls" (none for UDP) and a new random user; configured Contact URIs are never
 * rewritten. Once the registration sent a REGISTER (or continues a saved state), a generated
 * Contact that changes is sent once more with expires=0 in the next REGISTER (as
 * sipreg_set_contacts does). The same address again changes nothing. WS/WSS: only the Via
 * transport changes (RFC 7118 §5 keeps the .invalid host). 0, or SIPREG_E_INVAL (an unknown
 * transport, a host that is not a URI host or longer than 64 bytes, a port out of range), or
 * SIPREG_E_NOT_BUILT (UDP with keep-alives in the browser build, SIPREG_NO_STUN). */
int sipreg_set_flow(struct sipreg *r, int transport, const char *host, size_t host_len, int port,
                    sipreg_ms now);

/* The flow now sends to a multicast group (an IPv4 address, 224.0.0.0/4), or to one server again
 * (len 0): while it does, the Via of every request carries ;maddr=<group> and ;ttl=<ttl> (RFC 3261
 * §18.1.1: MUST maddr, SHOULD ttl 1 for IPv4). Retransmissions keep the bytes they went out with.
 * 0, or SIPREG_E_INVAL (not a multicast IPv4 address, ttl outside 0..255), or SIPREG_E_NOT_BUILT
 * (the browser build, SIPREG_NO_MULTICAST). */
int sipreg_set_multicast(struct sipreg *r, const char *group, size_t len, int ttl);

/* Tell the core the wall clock (Unix ms) at monotonic `now`, for clock-skew estimates. */
int sipreg_wallclock(struct sipreg *r, int64_t unix_ms, sipreg_ms now);

/* sipreg_recv's result for a request that arrived on the flow: not an error, a request for the
 * host (it answers with sipreg_respond, RFC 3261 §8.2). */
#define SIPREG_RECV_REQUEST 1

/* sipreg_recv's result for a response in the registration's own Call-ID (RFC 3261 §10.2: every
 * REGISTER of a registration carries it) that answers no transaction open now: a late or duplicate
 * copy of the core's own (§17.1.1.2), dropped; not the host's. */
#define SIPREG_RECV_STALE 2

/* Feed one received SIP message (or a CRLF keep-alive pong, or on a UDP flow a STUN datagram:
 * one that sipreg_stun_is, RFC 5626 §8). 0: the core's own (a response to its REGISTER or OPTIONS
 * probe, a pong, the answer to its STUN Binding request); SIPREG_RECV_REQUEST: a request the host
 * should answer (also one that lacks a mandatory header or has a bad CSeq but has a Via: the table
 * answers 400); SIPREG_RECV_STALE: a late or duplicate copy of a response to the core's own
 * (dropped; also a STUN response of another transaction ID); SIPREG_E_STUN_*: a bad or unasked STUN
 * message; SIPREG_E_ASYMMETRIC: a response that is not the core's (the host's own transactions);
 * any other negative: a parse error (dropped). */
int sipreg_recv(struct sipreg *r, const char *msg, size_t len, sipreg_ms now);

/* The tests of the request table, in the order it applies them to a request that arrived on the
 * flow (RFC 3261 §8.2): X(identifier, value, name). The first test that holds gives the answer. */
#define SIPREG_REQUEST_TEST_LIST(X)                                                                \
    /* the method is ACK */                                                                        \
    X(SIPREG_RQ_ACK, 1, "ack")                                                                     \
    /* a mandatory header is missing, or the CSeq is bad or names another method */                \
    X(SIPREG_RQ_MALFORMED, 2, "malformed")                                                         \
    /* the Request-URI scheme is not sip, sips or tel */                                           \
    X(SIPREG_RQ_SCHEME, 3, "scheme")                                                               \
    /* Require names an option tag we do not support (not for ACK, CANCEL) */                      \
    X(SIPREG_RQ_REQUIRE, 4, "require")                                                             \
    /* the method is CANCEL (we hold no transaction it could cancel) */                            \
    X(SIPREG_RQ_CANCEL, 5, "cancel")                                                               \
    /* the To header has a tag: a request inside a dialog, and we hold none */                     \
    X(SIPREG_RQ_IN_DIALOG, 6, "in-dialog")                                                         \
    /* the Request-URI is none of our contacts, GRUUs or the AOR */                                \
    X(SIPREG_RQ_NOT_OURS, 7, "not-ours")                                                           \
    /* the method is OPTIONS */                                                                    \
    X(SIPREG_RQ_OPTIONS, 8, "options")                                                             \
    /* a method the core knows by name (INVITE, BYE, MESSAGE, ...): a call stack's, not ours */    \
    X(SIPREG_RQ_KNOWN, 9, "known-method")                                                          \
    /* any other method */                                                                         \
    X(SIPREG_RQ_OTHER, 10, "other-method")
enum sipreg_request_test { SIPREG_REQUEST_TEST_LIST(SIPREG__ENUMERATOR) };

/* One row of the request table: when `test` holds, the answer is `status` (0: none). */
struct sipreg_request_rule {
    int test;        /* enum sipreg_request_test */
    int status;      /* the status the core answers, or 0 for no response */
    const char *why; /* one line: the rule and its RFC section */
};

/* The request table in the order it applies (the first row whose test holds gives the answer);
 * *n gets the row count. */
const struct sipreg_request_rule *sipreg_request_rules(size_t *n);

/* Name of a request test ("ack", "not-ours", ...). */
const char *sipreg_request_test_name(int test);

/* The status the request table gives the request req[0..len) that arrived on r's flow (0: no
 * response, e.g. ACK), or a negative error (it does not parse as a request we can answer). */
int sipreg_request_answer(const struct sipreg *r, const char *req, size_t len);

/* Queue a response to the request req[0..len) for sipreg_poll_send (RFC 3261 §8.2.6). status 0:
 * the table's (sipreg_request_answer); reason NULL or rlen 0: the standard phrase (§21). The core
 * copies every Via, From, To, Call-ID and CSeq (§8.2.6.2), adds a To tag to a non-100 response
 * when the request had none (derived from the request's Call-ID, From tag and top Via branch and a
 * secret of the registration: a retransmission gets the same tag, §8.2.7), writes
 * Content-Length: 0, and adds Allow, Accept and Supported to a 200 to OPTIONS (§11.2),
 * Unsupported to a 420 (§8.2.2.3) and Allow to a 405 or 501 (§8.2.1). `headers`: extra header
 * lines, each "Name: value\r\n". Returns the status queued, 0 when none is due (ACK), or
 * SIPREG_E_INVAL (status outside 100..699, a reason with CR or LF, `headers` malformed or naming
 * a header the core writes), SIPREG_E_LIMIT (responses waiting to be sent: at most 4), a parse
 * error, or SIPREG_E_NOMEM. */
int sipreg_respond(struct sipreg *r, const char *req, size_t len, int status, const char *reason,
                   size_t rlen, const char *headers, size_t hlen);

/* Our contact i as the REGISTER sends it (a generated one with the flow's address): its URI and
 * the +sip.instance it carries (RFC 5626 §4.2; empty when none). 0, or SIPREG_E_NOT_FOUND. */
int sipreg_contact(const struct sipreg *r, size_t i, struct sipreg_str *uri,
                   struct sipreg_str *instance);

/* The key a host with many registrations routes a received message by, NUL-terminated into out:
 * "r:" and the Request-URI's user@host (host in lower case) for a request, "c:" and the Call-ID
 * for a response. Its length, SIPREG_E_BUFFER, or a parse error. */
int sipreg_route_key(const char *msg, size_t len, char *out, size_t cap);

/* The routing keys (sipreg_route_key form) of requests for r: those of our contacts, our GRUUs and
 * the AOR, one per line into out, NUL-terminated. Its length, or SIPREG_E_BUFFER. */
int sipreg_request_keys(const struct sipreg *r, char *out, size_t cap);

/* Let the core act on its deadlines (safe to call early or late, any number of times). */
int sipreg_on_timeout(struct sipreg *r, sipreg_ms now);

/* The next absolute time on_timeout should run, or SIPREG_NEVER. */
sipreg_ms sipreg_deadline(const struct sipreg *r);

/* Take the next message to send into buf (a response queued by sipreg_respond first, then an
 * OPTIONS probe, a REGISTER, or a keep-alive: a "\r\n\r\n" ping, or over UDP a STUN Binding
 * request, bytes that are not text: sipreg_stun_is tells them apart, RFC 5626 §4.4.2).
 * Returns its length, SIPREG_E_DONE when none,
 * SIPREG_E_BUFFER when cap is too small (SIPREG_MAX_MESSAGE always suffices; it stays queued). */
int sipreg_poll_send(struct sipreg *r, char *buf, size_t cap);

/* Take the next event. 0, or SIPREG_E_DONE when none. */
int sipreg_poll_event(struct sipreg *r, struct sipreg_event *ev);

/* Current state (enum sipreg_state). */
int sipreg_state(const struct sipreg *r);

/* Fill a snapshot of the registration. */
void sipreg_get_info(const struct sipreg *r, struct sipreg_info *info);

/* Copy the binding view (ours first, then other devices') into out[0..cap); *n gets the total. */
int sipreg_bindings(const struct sipreg *r, struct sipreg_binding *out, size_t cap, size_t *n);

/* Name of a state / reason / event type / match rule ("registered", "timeout", ...). */
const char *sipreg_state_name(int state);
const char *sipreg_reason_name(int reason); /* see sipreg_state_name */
const char *sipreg_event_name(int type);    /* see sipreg_state_name */
const char *sipreg_match_name(int match);   /* see sipreg_state_name */
const char *sipreg_op_name(int op);         /* see sipreg_state_name */
const char *sipreg_liveness_name(int l);    /* "none", "crlf", "options", "host" */
const char *sipreg_trigger_name(int t);     /* "register", "granted", ... (enum sipreg_trigger) */
/* The name the event view gives an event type's number ("granted", "delayMs", ...; "" none). */
const char *sipreg_event_value_name(int type);

/* ------------------------------------------------------------------------------------------ */
/* TOOLKIT: the parsers, URI comparison, digest and REGISTER composition the registration is   */
/* built from, public for hosts and tests that need one piece (e.g. `sipreg parse`).           */
/* ========================================================================================== */

/* ------------------------------------------------------------------------------------------ */
/* URIs: RFC 3261 §19.1 (sip, sips), RFC 3966 (tel), other schemes as opaque absolute URIs    */
/* ------------------------------------------------------------------------------------------ */

/* URI scheme kinds. */
enum sipreg_scheme {
    SIPREG_SCHEME_SIP = 1,  /* sip: */
    SIPREG_SCHEME_SIPS = 2, /* sips: */
    SIPREG_SCHEME_TEL = 3,  /* tel: (RFC 3966) */
    SIPREG_SCHEME_OTHER = 4 /* any other absolute URI (kept opaque) */
};

/* Kinds of host in a sip/sips URI. */
enum sipreg_host_kind {
    SIPREG_HOST_NAME = 1, /* hostname */
    SIPREG_HOST_IPV4 = 2, /* dotted quad */
    SIPREG_HOST_IPV6 = 3  /* "[...]" IPv6 reference (host view includes the brackets) */
};

/* A parsed URI; all views point into the parsed text and keep their %HEX escapes. */
struct sipreg_uri {
    int scheme;                 /* enum sipreg_scheme */
    struct sipreg_str raw;      /* the whole URI text */
    struct sipreg_str scheme_s; /* scheme as written, without ':' */
    struct sipreg_str user;     /* sip/sips: userinfo user (len 0 if absent); tel: the number */
    struct sipreg_str password; /* sip/sips: password after ':' in userinfo */
    int has_user;               /* 1 when a userinfo '@' part is present */
    int has_password;           /* 1 when the userinfo has ':' password */
    struct sipreg_str host;     /* sip/sips: host (IPv6 with brackets) */
    int host_kind;              /* enum sipreg_host_kind */
    int port;                   /* explicit port, or -1 when absent */
    struct sipreg_str params;   /* ";a=b;c" URI parameters (sip, sips, tel), leading ';' kept */
    struct sipreg_str headers;  /* "?a=b&c=d" headers, leading '?' kept */
    struct sipreg_str opaque;   /* OTHER: everything after "scheme:" */
};

/* Parse `s[0..len)` as a URI. Returns 0, SIPREG_E_URI*, or SIPREG_E_LIMIT (more than
 * SIPREG_MAX_URI_PARAMS parameters or headers); *err_off (if not NULL) gets the offset. */
int sipreg_uri_parse(struct sipreg_uri *out, const char *s, size_t len, size_t *err_off);

/* RFC 3261 §19.1.4 (sip/sips), RFC 3966 §4 (tel) equivalence: 1 equal, 0 different. */
int sipreg_uri_equal(const struct sipreg_uri *a, const struct sipreg_uri *b);

/* Parse both strings and compare them: 1 equal, 0 different, negative error if either fails. */
int sipreg_uri_equal_str(const char *a, size_t alen, const char *b, size_t blen);

/* Look up URI parameter `name` (case-insensitive). Returns 1 found (value may be empty, and
 * *has_value says whether '=' was present), 0 absent. */
int sipreg_uri_param(const struct sipreg_uri *u, const char *name, struct sipreg_str *value,
                     int *has_value);

/* ------------------------------------------------------------------------------------------ */
/* Generic parameter lists: ";name=value;name2" (RFC 3261 §25.1 generic-param)                 */
/* ------------------------------------------------------------------------------------------ */

/* Iterate parameters in `*cursor` (a view starting at ';' or at the first name; the separator is
 * ';' or, with `sep` = ',', auth-params; '&' for URI headers). Returns 1 and fills name/value
 * (quotes stripped from the value, *quoted set), 0 at the end, or a negative error. The cursor
 * advances. */
int sipreg_param_next(struct sipreg_str *cursor, char sep, struct sipreg_str *name,
                      struct sipreg_str *value, int *quoted);

/* Find parameter `name` (case-insensitive) in a ';'-list. 1 found, 0 absent. */
int sipreg_param_find(struct sipreg_str list, const char *name, struct sipreg_str *value);

/* ------------------------------------------------------------------------------------------ */
/* Messages: zero-copy parser of SIP requests and responses (RFC 3261 §7, §25)                */
/* ------------------------------------------------------------------------------------------ */

/* Known header ids (compact forms resolve to the same id, RFC 3261 §7.3.3). */
enum sipreg_hdr_id {
    SIPREG_H_OTHER = 0,
    SIPREG_H_VIA,                 /* Via / v */
    SIPREG_H_TO,                  /* To / t */
    SIPREG_H_FROM,                /* From / f */
    SIPREG_H_CALL_ID,             /* Call-ID / i */
    SIPREG_H_CSEQ,                /* CSeq */
    SIPREG_H_CONTACT,             /* Contact / m */
    SIPREG_H_EXPIRES,             /* Expires */
    SIPREG_H_MIN_EXPIRES,         /* Min-Expires */
    SIPREG_H_RETRY_AFTER,         /* Retry-After */
    SIPREG_H_DATE,                /* Date */
    SIPREG_H_CONTENT_LENGTH,      /* Content-Length / l */
    SIPREG_H_CONTENT_TYPE,        /* Content-Type / c */
    SIPREG_H_WWW_AUTHENTICATE,    /* WWW-Authenticate */
    SIPREG_H_PROXY_AUTHENTICATE,  /* Proxy-Authenticate */
    SIPREG_H_AUTHORIZATION,       /* Authorization */
    SIPREG_H_PROXY_AUTHORIZATION, /* Proxy-Authorization */
    SIPREG_H_SERVICE_ROUTE,       /* Service-Route (RFC 3608) */
    SIPREG_H_PATH,                /* Path (RFC 3327) */
    SIPREG_H_FLOW_TIMER,          /* Flow-Timer (RFC 5626) */
    SIPREG_H_SUPPORTED,           /* Supported / k */
    SIPREG_H_REQUIRE,             /* Require */
    SIPREG_H_MAX_FORWARDS,        /* Max-Forwards */
    SIPREG_H_ROUTE,               /* Route */
    SIPREG_H_RECORD_ROUTE,        /* Record-Route */
    SIPREG_H_CONTENT_ENCODING,    /* Content-Encoding / e */
    SIPREG_H_SUBJECT,             /* Subject / s */
    SIPREG_H_USER_AGENT,          /* User-Agent */
    SIPREG_H_SERVER,              /* Server */
    SIPREG_H_UNSUPPORTED,         /* Unsupported */
    SIPREG_H_COUNT_               /* number of ids (not a header) */
};

/* One header field: name and raw value (folding and trailing whitespace left in place). */
struct sipreg_hdr {
    int id;                  /* enum sipreg_hdr_id */
    struct sipreg_str name;  /* as written */
    struct sipreg_str value; /* from after ':' + LWS to before the line's CRLF (may span folds) */
};

/* Message kinds. */
enum sipreg_msg_type { SIPREG_REQUEST = 1, SIPREG_RESPONSE = 2 };

/* A parsed message; the header array is the caller's. */
struct sipreg_msg {
    int type;                      /* enum sipreg_msg_type */
    int status;                    /* response: 100..699 */
    struct sipreg_str reason;      /* response: reason phrase */
    struct sipreg_str method;      /* request: method */
    struct sipreg_str ruri;        /* request: Request-URI text */
    const struct sipreg_hdr *hdrs; /* header fields in order */
    size_t nhdrs;                  /* number of header fields */
    struct sipreg_str body;        /* body (Content-Length bytes, or the rest when absent) */
    size_t length;                 /* bytes consumed: header section + body */
};

/* Parse one SIP message from buf[0..len). `hdrs` has room for `max_hdrs` fields. Checks framing,
 * start line, header syntax, the mandatory headers (Call-ID, CSeq, From, To, Via, RFC 3261 §8.1.1)
 * and that CSeq, To and From parse (§20.20, §20.39; RFC 4475 §3.1.2.6). Returns 0 or a negative
 * code; *err_off gets the offset of the error. On SIPREG_E_MISSING_HEADER and SIPREG_E_CSEQ the
 * start line and the header fields stay in *out (a UAS answers such a request 400, §8.2). */
int sipreg_msg_parse(struct sipreg_msg *out, const char *buf, size_t len, struct sipreg_hdr *hdrs,
                     size_t max_hdrs, size_t *err_off);

/* First header with `id` at index >= *pos; returns it and sets *pos past it, or NULL. */
const struct sipreg_hdr *sipreg_msg_find(const struct sipreg_msg *m, int id, size_t *pos);

/* Iterator over the comma-separated elements of every header with one id, in message order. */
struct sipreg_iter {
    const struct sipreg_msg *msg; /* message */
    int id;                       /* header id */
    size_t hdr;                   /* index of the header being read */
    struct sipreg_str rest;       /* unread part of that header's value */
    int started;                  /* 0 before the first call */
};

/* Start iterating the elements of headers `id` in `m`. */
void sipreg_iter_init(struct sipreg_iter *it, const struct sipreg_msg *m, int id);

/* Next comma-separated element (commas inside quotes and <...> do not split). Returns 1 with the
 * trimmed element in *elem, 0 at the end, or negative on an unterminated quote/bracket. */
int sipreg_iter_next(struct sipreg_iter *it, struct sipreg_str *elem);

/* A Contact (or Path / Service-Route / To / From) name-addr or addr-spec with its parameters. */
struct sipreg_nameaddr {
    struct sipreg_str display; /* display name, quotes stripped, quoted-pairs kept (len 0: none) */
    struct sipreg_str uri;     /* URI text (without <>) */
    struct sipreg_str params;  /* header parameters ";a=b;c" after the URI (leading ';' kept) */
};

/* Parse one name-addr / addr-spec element (RFC 3261 §20.10 rules for params vs URI). */
int sipreg_nameaddr_parse(struct sipreg_nameaddr *out, struct sipreg_str elem, size_t *err_off);

/* One Contact header element with the parameters registration cares about. */
struct sipreg_contact {
    int star;                  /* 1 for "Contact: *" */
    struct sipreg_nameaddr na; /* display name, URI, params */
    int64_t expires; /* ;expires= value (delta-seconds, clamped to 2^32-1), -1 if absent */
    int q;           /* ;q= in thousandths 0..1000, -1 if absent */
    struct sipreg_str instance;  /* ;+sip.instance value, quotes stripped (e.g. "<urn:uuid:...>") */
    int64_t reg_id;              /* ;reg-id value, -1 if absent */
    struct sipreg_str pub_gruu;  /* ;pub-gruu, quotes stripped (RFC 5627) */
    struct sipreg_str temp_gruu; /* ;temp-gruu, quotes stripped (RFC 5627) */
    int other_params;            /* how many parameters are none of the six above */
};

/* Next Contact of the message (across all Contact headers). 1, 0 at the end, or negative. */
int sipreg_contact_next(struct sipreg_iter *it, struct sipreg_contact *out, size_t *err_off);

/* Parse one Contact element. */
int sipreg_contact_parse(struct sipreg_contact *out, struct sipreg_str elem, size_t *err_off);

/* Delta-seconds header (Expires, Min-Expires, Flow-Timer; RFC 3261 §20.19): value or negative
 * error; values above 2^32-1 are clamped to 2^32-1. SIPREG_E_NOT_FOUND when the header is absent.
 */
int64_t sipreg_msg_delta(const struct sipreg_msg *m, int id);

/* Retry-After (RFC 3261 §20.33): seconds (comment and params ignored), or negative. */
int64_t sipreg_msg_retry_after(const struct sipreg_msg *m);

/* Date (RFC 3261 §20.17, RFC 1123 "Sun, 06 Nov 1994 08:49:37 GMT") to seconds since the epoch. */
int sipreg_parse_date(struct sipreg_str v, int64_t *epoch);

/* CSeq (RFC 3261 §20.16). */
struct sipreg_cseq {
    uint32_t seq;             /* sequence number (< 2^31 per §8.1.1.5) */
    struct sipreg_str method; /* method */
};

/* Parse the message's CSeq. */
int sipreg_msg_cseq(const struct sipreg_msg *m, struct sipreg_cseq *out);

/* Call-ID value (trimmed), or an empty view if absent. */
struct sipreg_str sipreg_msg_call_id(const struct sipreg_msg *m);

/* The `branch` parameter of the topmost Via (RFC 3261 §8.1.1.7), or an empty view. */
struct sipreg_str sipreg_msg_via_branch(const struct sipreg_msg *m);

/* The `tag` parameter of To or From (id SIPREG_H_TO / SIPREG_H_FROM), or an empty view. */
struct sipreg_str sipreg_msg_tag(const struct sipreg_msg *m, int id);

/* Digest algorithms (RFC 7616 §3.2, RFC 8760). */
enum sipreg_alg {
    SIPREG_ALG_UNKNOWN = 0,
    SIPREG_ALG_MD5 = 1,
    SIPREG_ALG_MD5_SESS = 2,
    SIPREG_ALG_SHA256 = 3,
    SIPREG_ALG_SHA256_SESS = 4,
    SIPREG_ALG_SHA512_256 = 5,
    SIPREG_ALG_SHA512_256_SESS = 6
};

/* qop bits. */
#define SIPREG_QOP_AUTH 1u     /* qop=auth */
#define SIPREG_QOP_AUTH_INT 2u /* qop=auth-int */

/* One challenge of a WWW-Authenticate / Proxy-Authenticate header (RFC 3261 §22, RFC 7616 §3.3). */
struct sipreg_challenge {
    int proxy;                   /* 1 when from Proxy-Authenticate (407) */
    struct sipreg_str scheme;    /* "Digest", ... */
    struct sipreg_str realm;     /* quotes stripped */
    struct sipreg_str nonce;     /* quotes stripped */
    struct sipreg_str opaque;    /* quotes stripped */
    struct sipreg_str algorithm; /* as written ("MD5" when absent is implied, view empty) */
    struct sipreg_str qop;       /* raw qop-options list, quotes stripped */
    int alg;                     /* enum sipreg_alg (MD5 when absent; UNKNOWN when not ours) */
    unsigned qop_mask;           /* SIPREG_QOP_* offered; 0 when no qop parameter */
    int stale;                   /* stale=true */
    int userhash;                /* userhash=true (RFC 7616 §3.4.4) */
};

/* Next challenge over all WWW-Authenticate and Proxy-Authenticate headers. 1, 0, or negative. */
int sipreg_challenge_next(struct sipreg_iter *it, struct sipreg_challenge *out, size_t *err_off);

/* Begin iterating challenges of a message (both header kinds). */
void sipreg_challenge_iter_init(struct sipreg_iter *it, const struct sipreg_msg *m);

/* ------------------------------------------------------------------------------------------ */
/* Digest authentication (RFC 7616, RFC 8760, RFC 3261 §22.4)                                 */
/* ------------------------------------------------------------------------------------------ */

/* Inputs of one digest computation. Strings are views; `ha1_hex` (if non-empty) replaces
 * username/realm/password for H(A1) and must be hex of the algorithm's hash size. */
struct sipreg_digest_input {
    int alg;      /* enum sipreg_alg */
    unsigned qop; /* 0 (RFC 2069 compatibility), SIPREG_QOP_AUTH or SIPREG_QOP_AUTH_INT */
    struct sipreg_str username, realm, password, ha1_hex;
    struct sipreg_str method, uri, nonce, cnonce;
    uint32_t nc;            /* nonce count (printed as 8 hex digits) */
    struct sipreg_str body; /* entity body for auth-int */
};

/* Hex length of the algorithm's digest (32 or 64), or 0 for an unknown algorithm. */
size_t sipreg_digest_hex_len(int alg);

/* Compute the request-digest ("response") as lowercase hex into out (cap >= hex len + 1, NUL
 * added). Returns the hex length or a negative error. */
int sipreg_digest_response(const struct sipreg_digest_input *in, char *out, size_t cap);

/* Compute H(A1) = H(username:realm:password) as lowercase hex (for storing instead of a password).
 */
int sipreg_digest_ha1(int alg, struct sipreg_str username, struct sipreg_str realm,
                      struct sipreg_str password, char *out, size_t cap);

/* Rank of an algorithm for "strongest challenge wins" (higher is stronger; 0 unsupported). */
int sipreg_alg_rank(int alg);

/* Algorithm name as sent on the wire ("SHA-512-256-sess"), or "" for unknown. */
const char *sipreg_alg_name(int alg);

/* Parse an algorithm token (case-insensitive); SIPREG_ALG_UNKNOWN if not supported. */
int sipreg_alg_parse(struct sipreg_str s);

/* Pick the challenge to answer among the message's Proxy-Authenticate (proxy = 1),
 * WWW-Authenticate (proxy = 0) or both (proxy < 0) headers: the usable Digest challenge (supported
 * algorithm, realm and nonce, qop auth / auth-int or none; -sess needs qop) with the highest
 * sipreg_alg_rank, the topmost among equals (RFC 8760 §2.4, RFC 7616 §3.7). Returns 1 with *out
 * set, 0 when none is usable (SIPREG_E_AUTH_ALGORITHM-worthy), or negative on a parse error in
 * a header of the kind asked for. */
int sipreg_challenge_pick(const struct sipreg_msg *m, int proxy, struct sipreg_challenge *out);

/* ------------------------------------------------------------------------------------------ */
/* REGISTER composition (RFC 3261 §10.2, RFC 7118 §5, RFC 5626 §4.2)                           */
/* ------------------------------------------------------------------------------------------ */

/* One Contact to place in a REGISTER. */
struct sipreg_contact_out {
    struct sipreg_str uri;      /* full URI text */
    int64_t expires;            /* ;expires=, or -1 to omit */
    int q;                      /* thousandths 0..1000, or -1 to omit */
    struct sipreg_str instance; /* instance URN ("urn:uuid:..."), sent as "<...>"; or empty */
    int64_t reg_id;             /* reg-id, or -1 to omit */
};

/* Everything that goes into one REGISTER. All views; composition does not allocate. */
struct sipreg_register_req {
    struct sipreg_str ruri;     /* Request-URI (§10.2: registrar, or AOR's domain) */
    struct sipreg_str aor;      /* To and From URI (§10.2: the address-of-record) */
    struct sipreg_str from_tag; /* From tag (§8.1.1.3) */
    struct sipreg_str call_id;  /* Call-ID, constant for the registration (§10.2) */
    uint32_t cseq;              /* CSeq number (+1 per REGISTER, §10.2) */
    int transport;              /* enum sipreg_transport, for the Via */
    struct sipreg_str via_host; /* sent-by host (RFC 7118 §5: random ".invalid" for WS) */
    int via_port;               /* sent-by port, or -1 */
    struct sipreg_str branch;   /* Via branch incl. "z9hG4bK" (§8.1.1.7) */
    int star;                   /* 1: "Contact: *" with "Expires: 0" (§10.2.2) */
    const struct sipreg_contact_out *contacts; /* Contacts (none = fetch, §10.2.3) */
    size_t ncontacts;                          /* number of contacts */
    int64_t expires;                           /* Expires header value, or -1 to omit */
    struct sipreg_str supported;     /* Supported value (e.g. "path, gruu, outbound"), or empty */
    struct sipreg_str user_agent;    /* User-Agent value, or empty */
    struct sipreg_str authorization; /* full credentials value ("Digest username=..."), or empty */
    int proxy_auth;                  /* 1: send it as Proxy-Authorization */
    struct sipreg_str proxy_authorization; /* Proxy-Authorization value besides it, or empty */
    struct sipreg_str extra;               /* extra header lines, each ending CRLF, or empty */
    struct sipreg_str from;  /* From URI when not the AOR (third-party registration, §10.2) */
    struct sipreg_str route; /* Route URI (outbound proxy, §8.1.2, with ;lr), or empty */
    struct sipreg_str maddr; /* multicast group the request goes to (Via ;maddr= and ;ttl=,
                              * §18.1.1), or empty */
    int ttl;                 /* Via ;ttl= with maddr (§18.1.1: 1 for IPv4) */
};

/* Compose the REGISTER into buf. Returns its length, or SIPREG_E_BUFFER / SIPREG_E_INVAL. */
int sipreg_compose_register(const struct sipreg_register_req *req, char *buf, size_t cap);

/* Compose the credentials value of an Authorization header for a challenge. `cnonce` must be a
 * token; `uri` the Request-URI. Returns length written, or negative. */
int sipreg_compose_authorization(const struct sipreg_challenge *ch,
                                 const struct sipreg_digest_input *in, char *buf, size_t cap);

/* ------------------------------------------------------------------------------------------ */
/* STUN (RFC 5389) as the keep-alive of SIP over UDP uses it (RFC 5626 §4.4.2, §8)             */
/* ------------------------------------------------------------------------------------------ */

#define SIPREG_STUN_HEADER 20          /* bytes of a STUN header (RFC 5389 §6) */
#define SIPREG_STUN_COOKIE 0x2112A442u /* the magic cookie (RFC 5389 §6) */
#define SIPREG_STUN_BINDING 0x001      /* the Binding method (RFC 5389 §18.1) */
#define SIPREG_STUN_TID 12             /* bytes of a transaction ID (96 bits, RFC 5389 §6) */

/* The class of a STUN message (RFC 5389 §6: the C1 and C0 bits of the type). */
enum sipreg_stun_class {
    SIPREG_STUN_REQUEST = 0,    /* a request */
    SIPREG_STUN_INDICATION = 1, /* an indication */
    SIPREG_STUN_SUCCESS = 2,    /* a success response */
    SIPREG_STUN_ERROR = 3       /* an error response */
};

/* A parsed STUN message: what a Binding response tells (RFC 5389 §7.3, §15). */
struct sipreg_stun {
    int method;                   /* 12-bit method (SIPREG_STUN_BINDING) */
    int cls;                      /* enum sipreg_stun_class */
    uint8_t tid[SIPREG_STUN_TID]; /* transaction ID */
    int family;                   /* mapped address family: 4, 6, or 0 when none was given */
    int xor_mapped;   /* 1: from XOR-MAPPED-ADDRESS (§15.2), 0: MAPPED-ADDRESS (§15.1) */
    uint8_t addr[16]; /* the mapped address (4 or 16 bytes), XOR undone */
    int port;         /* the mapped port */
    int error_code;   /* ERROR-CODE (§15.6) as class * 100 + number, or 0 */
    int fingerprint;  /* 1: a FINGERPRINT was present (and matched, §15.5) */
    int unknown;      /* first comprehension-required attribute (type < 0x8000) the
                       * parser does not know (§7.3.3), or -1 */
};

/* 1 when the datagram buf[0..len) is STUN rather than SIP: its first byte is 0..3 (RFC 7983 §7;
 * RFC 5626 §8: a SIP message never starts so), else 0. */
int sipreg_stun_is(const void *buf, size_t len);

/* Parse one STUN message (a whole datagram) buf[0..len) (RFC 5389 §6, §15). 0, or
 * SIPREG_E_STUN_HEADER, SIPREG_E_STUN_ATTRIBUTE, SIPREG_E_STUN_FINGERPRINT with *err_off (if not
 * NULL) at the first bad byte. Only the first of a repeated attribute counts (§15); nothing after
 * a FINGERPRINT may follow (§15.5). */
int sipreg_stun_parse(struct sipreg_stun *out, const void *buf, size_t len, size_t *err_off);

/* Compose a Binding request (RFC 5389 §6, §7.1) with transaction ID tid and no attributes, or
 * with a FINGERPRINT (§15.5) when fingerprint is 1. Its length (20 or 28), or SIPREG_E_BUFFER. */
int sipreg_stun_binding_request(const uint8_t tid[SIPREG_STUN_TID], int fingerprint, void *buf,
                                size_t cap);

/* The bit a host that carries the core's messages as text sets in a message's length to mark it
 * as bytes, a STUN one (sipreg_stun_is): the wasm shim's sw_poll_send (lengths stay below it). */
#define SIPREG_SEND_BYTES 0x40000000

/* The mapped address of m as text ("192.0.2.1:32853", "[2001:db8::1]:32853"), NUL-terminated
 * into out: its length, SIPREG_E_NOT_FOUND (no address) or SIPREG_E_BUFFER (48 bytes suffice). */
int sipreg_stun_address(const struct sipreg_stun *m, char *out, size_t cap);

/* ------------------------------------------------------------------------------------------ */
/* Views: a parsed message (JSON text or a word tape), an event and a snapshot (word tapes)   */
/* ------------------------------------------------------------------------------------------ */

/* The tape is a JSON-shaped structure as machine words (uintptr_t), for hosts that build their
 * own objects (the wasm build: JavaScript reads it from linear memory, no JSON pass).
 * Each item is one word, `op | x << 4` (op = the low 4 bits), sometimes followed by operands:
 *   SIPREG_TAPE_END                     end of the innermost object or array
 *   SIPREG_TAPE_OBJECT / _ARRAY         start one
 *   SIPREG_TAPE_KEY, x = len; ptr       member name (the next item is its value)
 *   SIPREG_TAPE_SKEY, x = ptr           member name, NUL-terminated in static memory
 *   SIPREG_TAPE_STR, x = len; ptr       string bytes (into the input or the registration)
 *   SIPREG_TAPE_SSTR, x = ptr           string, NUL-terminated in static memory
 *   SIPREG_TAPE_INT, x                  integer 0 <= x < 2^28
 *   SIPREG_TAPE_INT64; lo; hi           integer hi * 2^32 + lo (lo unsigned, hi signed 32-bit)
 *   SIPREG_TAPE_DEC3, x                 x / 1000 (a q-value)
 *   SIPREG_TAPE_NULL / _TRUE / _FALSE   literals
 * Static strings never move, so a host may cache them by address. String bytes are passed as
 * they are: decode them as UTF-8 replacing each maximal ill-formed subpart with U+FFFD (Unicode
 * §3.9; what TextDecoder does), as the JSON view does. */
#define SIPREG_TAPE_LIST(X)                                                                        \
    X(SIPREG_TAPE_END, 0, "END")                                                                   \
    X(SIPREG_TAPE_OBJECT, 1, "OBJECT")                                                             \
    X(SIPREG_TAPE_ARRAY, 2, "ARRAY")                                                               \
    X(SIPREG_TAPE_KEY, 3, "KEY")                                                                   \
    X(SIPREG_TAPE_SKEY, 4, "SKEY")                                                                 \
    X(SIPREG_TAPE_STR, 5, "STR")                                                                   \
    X(SIPREG_TAPE_SSTR, 6, "SSTR")                                                                 \
    X(SIPREG_TAPE_INT, 7, "INT")                                                                   \
    X(SIPREG_TAPE_INT64, 8, "INT64")                                                               \
    X(SIPREG_TAPE_DEC3, 9, "DEC3")                                                                 \
    X(SIPREG_TAPE_NULL, 10, "NULL")                                                                \
    X(SIPREG_TAPE_TRUE, 11, "TRUE")                                                                \
    X(SIPREG_TAPE_FALSE, 12, "FALSE")
enum sipreg_tape_op { SIPREG_TAPE_LIST(SIPREG__ENUMERATOR) };

/* Write the `sipreg parse` JSON for buf[0..len) into out. Returns its length (>= 0) or
 * SIPREG_E_BUFFER; the JSON says "ok":false with the error when the message does not parse. */
int sipreg_parse_json(const char *buf, size_t len, char *out, size_t cap);

/* An event as a tape into out (aligned for uintptr_t): {"type":"registered","state":...,
 * "reason":...,"op":...,"status":200,"text":"OK","error":null,"message":null,"at":ms|null,
 * "granted":600} (the event's value under its type's name, see enum sipreg_event_type); its
 * length in words, or SIPREG_E_BUFFER. */
int sipreg_event_tape(const struct sipreg_event *ev, uintptr_t *out, size_t cap_bytes);

/* The registration's snapshot (sipreg_get_info + every binding) as a tape (see
 * sipreg_event_tape). */
int sipreg_info_tape(const struct sipreg *r, uintptr_t *out, size_t cap_bytes);

/* sipreg_parse_json as a tape (see sipreg_event_tape); its strings point into buf. */
int sipreg_parse_tape(const char *buf, size_t len, uintptr_t *out, size_t cap_bytes);

#ifdef __cplusplus
}
#endif

#endif /* SIPREG_H */
