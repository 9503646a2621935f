#!/usr/bin/env node
// sipreg CLI (Node, wasm): register / unregister / bindings against a WebSocket registrar, and
// the same `parse` / `uri-equal` as the native CLI (identical JSON).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRegistration, parse, uriEqual, RegistrationError, watchNetwork } from './index.mjs';

const USAGE = `usage:
  sipreg register   --server ws://HOST:PORT --aor sip:USER@DOMAIN [--user U] [--password P]
                    [--expires N] [--contact URI[;q=X][;expires=N]]... [--json]
                    stays registered, prints state changes and the bindings; Ctrl-C unregisters;
                    a new local address re-registers at once (checked every 5 s)
  sipreg unregister --server URL --aor AOR [--all] [auth options]
  sipreg bindings   --server URL --aor AOR [auth options]       fetch and print the bindings
  sipreg parse [FILE|-]...                                       JSON per message (as native)
  sipreg uri-equal A B                                           RFC 3261 §19.1.4
where (Node): --server is a ws:// or wss:// URL, or a SIP URI sip:HOST[:PORT][;transport=udp|tcp|tls]
  or sips:HOST[:PORT] (TLS); a SIP server on another host than the registrar's is an outbound
  proxy (Route). Without --server: RFC 3263 (NAPTR, SRV, A/AAAA) on the registrar's or AOR's host.
  --registrar URI     Request-URI (default sip:<AOR host>)
  --transport T       udp, tcp or tls when neither the URI nor DNS says
  --dns IP[:PORT]     DNS server for RFC 3263 (repeatable)
  --ca FILE           PEM CA to trust for TLS
  --from URI          third-party registration: From (the one responsible); To stays --aor
  the chosen target is printed when the flow opens
credentials: --user/--password, or SIPREG_USER / SIPREG_PASSWORD in the environment
(the password is never printed)
--connect-timeout MS   bound of one connection attempt (TCP + TLS + WebSocket handshake), 10000
exit codes: 0 done; 1 other failure; 2 usage or configuration error; 3 the server is unreachable
(no flow: refused, no answer, not a WebSocket server, TLS error, timed out); 4 refused by the
registrar (a final status); 5 credentials rejected. A failure prints one line on stderr.`;

/** Exit codes (documented in USAGE and the README). */
const EXIT = { OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3, REFUSED: 4, CREDENTIALS: 5 };

/** @param {string} spec "uri;q=0.5;expires=300" → contact options (q/expires are ours, not the URI's) */
function contactOf(spec) {
  const parts = spec.split(';');
  const uri = [parts[0]];
  const c = {};
  for (const p of parts.slice(1)) {
    const [k, v] = p.split('=');
    if (k === 'q') c.q = Number(v);
    else if (k === 'expires') c.expires = Number(v);
    else uri.push(p);
  }
  c.uri = uri.join(';');
  return c;
}

/** Print a bindings table. */
function table(bindings) {
  const rows = bindings.map((b) => ({
    who: b.ours ? 'ours' : 'other', uri: b.uri, q: b.q ?? '', matched: b.matchedBy ?? '',
    requested: b.requested ?? '', granted: b.granted ?? '',
    expires: b.expiresAt ? new Date(b.expiresAt).toISOString() : '',
  }));
  console.table(rows);
}

/** A usage error (exit 2). */
class UsageError extends Error {}

/** Registration options from the command line. */
function options(values) {
  if (!values.aor) throw new UsageError('--aor is required (and --server unless DNS finds the registrar)');
  const o = { server: values.server, aor: values.aor };
  // SIP transports (Node): where to send, how, and for whom
  for (const k of ['registrar', 'transport', 'from']) if (values[k] !== undefined) o[k] = values[k];
  if (values.dns?.length) o.dns = values.dns;
  if (values.ca !== undefined) {
    try {
      o.tls = { ca: readFileSync(values.ca, 'utf8') };
    } catch (e) {
      throw new UsageError(`--ca ${values.ca}: ${e.code ?? e.message}`);
    }
  }
  if (values['connect-timeout']) o.connectTimeout = Number(values['connect-timeout']);
  const username = values.user ?? process.env.SIPREG_USER;
  const password = values.password ?? process.env.SIPREG_PASSWORD;
  if (username || password) o.auth = { username, password };
  if (values.expires) o.expires = Number(values.expires);
  if (values.contact?.length) o.contacts = values.contact.map(contactOf);
  return o;
}

/** Log state changes and failures in plain words. */
function narrate(reg, json) {
  const say = (what) => (json ? console.log(JSON.stringify(what)) : console.log(what.line));
  reg.flow?.addEventListener('up', () => {
    const { target, local } = reg.flow;
    if (target) say({ event: 'flow', target, local, line: `flow: ${reg.flow.url} from ${local?.address}:${local?.port}` });
  });
  reg.addEventListener('statechange', (e) => say({ event: 'statechange', state: e.detail.state, reason: e.detail.reason, line: `state: ${e.detail.state} (${e.detail.reason})` }));
  reg.addEventListener('registrationfailed', (e) => {
    const d = e.detail;
    const retry = d.at ? `, next try ${new Date(d.at).toISOString()}` : '';
    const cause = d.reason === 'flow' ? reg.flow?.lastCause ?? null : null;
    const why = d.status ? `${d.status} ${d.text ?? ''}` : `${d.reason}${cause ? ` (${cause.code})` : ''}`;
    say({ event: 'failed', ...d, info: undefined, cause, line: `failed: ${why}${d.message ? ` (${d.message})` : ''}${retry}` });
  });
  reg.addEventListener('registered', (e) => {
    const i = e.detail.info;
    say({ event: 'registered', granted: i.granted, refreshAt: i.refreshAt, bindings: i.bindings, line: `registered: granted ${i.granted} s, refresh at ${new Date(i.refreshAt).toISOString()}` });
    if (!json) table(i.bindings);
  });
}

/**
 * One line naming why a command failed, and the exit code.
 * @param {any} e what the command rejected with
 * @param {{code: string, message: string, status?: number, tls?: string}|null} flowCause the flow's last failure
 * @param {string} server
 * @returns {{line: string, code: number}}
 */
export function verdict(e, flowCause, server) {
  if (e instanceof RegistrationError) {
    const cause = e.cause ?? flowCause;
    if (['credentials', 'auth'].includes(e.reason)) return { line: `sipreg: credentials rejected: ${e.message.replace(/^sipreg: /, '')}`, code: EXIT.CREDENTIALS };
    if (e.status) return { line: `sipreg: refused by the registrar: ${e.status} ${e.text ?? ''}`.trim(), code: EXIT.REFUSED };
    if (cause && ['flow', 'timeout', 'gave-up', 'network'].includes(e.reason)) {
      const why = cause.code === 'http-status' ? `http-status ${cause.status} (not a WebSocket server)`
        : cause.code === 'tls' ? `tls ${cause.tls}` : cause.code;
      return { line: `sipreg: no flow to ${server}: ${why}`, code: EXIT.UNREACHABLE };
    }
    if (['timeout', 'gave-up'].includes(e.reason)) return { line: `sipreg: no answer from ${server} (${e.reason})`, code: EXIT.UNREACHABLE };
    return { line: e.message, code: EXIT.FAILED };
  }
  if (e instanceof UsageError || e?.code === 'SIPREG_E_CONFIG' || e?.code === 'SIPREG_E_NOT_FOUND' ||
    e?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    return { line: `sipreg: ${e.message}`, code: EXIT.USAGE };
  }
  return { line: `sipreg: ${e?.message ?? e}`, code: EXIT.FAILED };
}

async function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === 'parse') {
    let rc = 0;
    for (const f of rest.length ? rest : ['-']) {
      const view = parse(new Uint8Array(readFileSync(f === '-' ? 0 : f)));
      console.log(JSON.stringify(view));
      if (!view.ok) rc = 1;
    }
    return rc;
  }
  if (cmd === 'uri-equal') {
    if (rest.length !== 2) { console.error(USAGE); return 2; }
    try {
      const eq = uriEqual(rest[0], rest[1]);
      console.log(eq ? 'equal' : 'different');
      return eq ? 0 : 1;
    } catch (e) {
      console.error(`sipreg: URI ${e.uri ?? ''} does not parse: ${e.message} at offset ${e.offset}`);
      return 2;
    }
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(USAGE); return EXIT.OK; }
  if (!['register', 'unregister', 'bindings'].includes(cmd)) { console.error(USAGE); return EXIT.USAGE; }
  let reg, values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        server: { type: 'string' }, aor: { type: 'string' }, user: { type: 'string' },
        password: { type: 'string' }, expires: { type: 'string' }, contact: { type: 'string', multiple: true },
        all: { type: 'boolean' }, json: { type: 'boolean' }, 'connect-timeout': { type: 'string' },
        registrar: { type: 'string' }, transport: { type: 'string' }, dns: { type: 'string', multiple: true },
        ca: { type: 'string' }, from: { type: 'string' },
      },
    }));
    reg = await createRegistration(options(values));
    return await run(cmd, reg, values);
  } catch (e) {
    const { line, code } = verdict(e, reg?.flow?.lastCause ?? null, values?.server ?? reg?.flow?.url ?? '');
    console.error(line);
    return code;
  } finally {
    reg?.close();
  }
}

/** Run a registration command to its outcome (throws what it rejected with). */
async function run(cmd, reg, values) {
  narrate(reg, values.json);
  if (cmd === 'bindings') {
    table(await reg.fetch());
    return EXIT.OK;
  }
  if (cmd === 'unregister') {
    await reg.unregister({ all: values.all });
    console.log(values.all ? 'all bindings removed' : 'our bindings removed');
    return EXIT.OK;
  }
  await reg.register();
  const unwatch = watchNetwork(reg);
  await new Promise((resolve) => {
    const stop = async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      unwatch();
      try { await reg.unregister(); console.log('unregistered'); } catch (e) { console.error(e.message); }
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.OK;
}

// a command whose promise could never settle would end as Node's exit 13: say so instead
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  console.error('sipreg: the command ended without an outcome (nothing left to wait for)');
  process.exit(EXIT.FAILED);
});
process.exitCode = await main(process.argv.slice(2));
finished = true;
