/* scenario.h — runs timed registration scripts against the sans-I/O core (host side: this
 * code may do I/O). Used by `sipreg simulate` and by the scenario tests.
 *
 * A script is lines (# comments):
 *   set KEY VALUE            configuration before the first step: aor, registrar, discovery
 *                            (configured|aor|multicast), expires, transport (ws|wss|udp|tcp|tls),
 *                            username, password, ha1, instance, reg-id, outbound (0|1), seed (N),
 *                            user-agent, manual-refresh (0|1), other-flow-up (0|1), keepalive
 *                            (never|auto|always), probe (options|host|none), probe-s,
 *                            pong-timeout-ms, command-ms, ... (any sipreg_config_set key)
 *   contact URI [expires=N] [q=X]   one of our contacts (before the first step; "-" = generated)
 *   timers on|off            whether the simulated host fires the core's deadline (default on);
 *                            off models a sleeping tab or machine
 *   t=TIME COMMAND           a step at TIME (ms, or with an "s" suffix seconds). Before the step,
 *                            the host fires every deadline up to TIME (when timers are on).
 *       register | unregister | unregister all | fetch | transport up | transport down |
 *       timeout | network (sipreg_network_changed) | wallclock UNIX_MS |
 *       flow ws|wss|udp|tcp|tls [HOST PORT]   sipreg_set_flow (the flow's local address) |
 *       contacts URI [expires=N] [q=X] [, URI ...] |
 *       recv <<END ... END   a response; Via/From/To/Call-ID/CSeq that are missing are copied
 *                            from the last REGISTER sent; ${contact0}..${contact7} (the URIs
 *                            of its Contacts in order) and ${instance} expand
 *       recv options <<END ... END   the same, answering the last OPTIONS probe sent
 *       recv raw <<END ... END   a message fed verbatim (LF becomes CRLF)
 *       recv file PATH N     the Nth (1-based) registrar message of a Kamailio transcript, with its
 *                            Via branch, Call-ID and CSeq rewritten to answer our last REGISTER
 *   expect ...               checks against the output since the previous step:
 *       expect send [cseq=N] [at=A..B] [has="TEXT"] [lacks="TEXT"]   (consumes one send;
 *                            has="OPTIONS " picks a probe)
 *       expect nosend
 *       expect event NAME [state=S] [reason=R] [status=N] [error=E] [at=A..B] [KEY=A[..B]]
 *                            KEY: the event's number by its name in the event view
 *                            (sipreg_event_value_name: granted, delayMs, failures, ...; all and
 *                            permanent take true|false, transport takes tcp|null)
 *       expect noevent NAME
 *       expect state NAME | expect deadline A..B | expect deadline never
 *       expect recv ok|asymmetric|ERRNAME          result of the step's last recv
 *       expect binding I [ours=0|1] [matched=M] [granted=N] [requested=N] [q=X] [uri="U"]
 *       expect bindings N | expect info [granted=N] [requested=N] [failures=N] [skew=A..B]
 *       expect memory-max BYTES
 * Ranges are inclusive; numbers in `at=`/`deadline` accept the "s" suffix.
 */
#ifndef SIPREG_SCENARIO_H
#define SIPREG_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

/* Run `script`; log every step, send and event to `log` (NULL for none), with the full text of
 * each sent message when `verbose`. Returns the number of failed expectations, or -1 when the
 * script itself is malformed (the reason goes to `log` or stderr). */
int scenario_run(const char *script, size_t len, const char *name, FILE *log, int verbose);

#endif
