#!/usr/bin/env node
// sipreg CLI (Node, wasm): register / unregister / bindings against a registrar, `listen` on the
// multicast group, and the same `parse` / `uri-equal` as the native CLI (identical JSON). Its
// commands and flags are the table in cli-options.mjs; a user error is one line and exit 2.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRegistration, parse, uriEqual, RegistrationError, watchNetwork } from './index.mjs';
import { multicastFlags, listenCommand } from './listen-cli.mjs';
import { EXIT, helpText, parseOptions } from './cli-options.mjs';

/** A usage error (exit 2): a bad command line, value or file. */
class UsageError extends Error {}

/**
 * A flag's value as an integer, or undefined when absent.
 * @param {Record<string, any>} values @param {string} name @param {number} [min]
 */
function integer(values, name, min = 0) {
  const v = values[name];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer${min ? ` ≥ ${min}` : ''}, not '${v}'`);
  return Number(v);
}

/**
 * "[uri][;q=0.5][;expires=300]" → contact options: q and expires are the binding's, the other
 * parameters the URI's; without a URI the core generates one (the binding keeps q and expires).
 * @param {string} spec @returns {{uri?: string, q?: number, expires?: number}}
 */
function contactOf(spec) {
  const [first, ...params] = spec.split(';');
  const uri = [first.trim()];
  const c = {};
  for (const p of params) {
    const [k, v = ''] = p.split('=');
    const key = k.trim().toLowerCase();
    if (key === 'q') {
      if (!/^(0(\.\d{1,3})?|1(\.0{1,3})?)$/.test(v.trim()))
        throw new UsageError(`--contact '${spec}': q must be 0 to 1 (three decimals at most), not '${v}'`);
      c.q = Number(v);
    } else if (key === 'expires') {
      if (!/^\d+$/.test(v.trim())) throw new UsageError(`--contact '${spec}': expires must be an integer, not '${v}'`);
      c.expires = Number(v);
    } else uri.push(p);
  }
  if (!uri[0] && uri.length > 1) throw new UsageError(`--contact '${spec}': URI parameters (${uri.slice(1).join(';')}) without a URI`);
  if (uri[0]) c.uri = uri.join(';');
  return c;
}

/** Print a bindings table (or say there is none). */
function table(bindings) {
  if (!bindings.length) {
    console.log('no bindings');
    return;
  }
  const rows = bindings.map((b) => ({
    who: b.ours ? 'ours' : 'other',
    uri: b.uri,
    q: b.q ?? '',
    matched: b.matchedBy ?? '',
    requested: b.requested ?? '',
    granted: b.granted ?? '',
    expires: b.expiresAt ? new Date(b.expiresAt).toISOString() : '',
  }));
  console.table(rows);
}

/** How the registrar is found (options.discovery). */
const DISCOVERY = ['configured', 'aor', 'multicast'];

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
  // multicast registration (RFC 3261 §10.2.6): no server, the group's answer picks the registrar
  if (values.discovery !== undefined && !DISCOVERY.includes(values.discovery)) {
    throw new UsageError(`--discovery must be ${DISCOVERY.join(', ')}, not '${values.discovery}'`);
  }
  if (values.discovery) o.discovery = values.discovery;
  if (values.discovery === 'multicast') o.multicast = multicastFlags(values);
  else {
    for (const k of ['group', 'port', 'ttl', 'interface']) {
      if (values[k] !== undefined) throw new UsageError(`--${k} needs --discovery multicast`);
    }
  }
  const timeout = integer(values, 'connect-timeout', 1);
  if (timeout !== undefined) o.connectTimeout = timeout;
  const username = values.user ?? process.env.SIPREG_USER;
  const password = values.password ?? process.env.SIPREG_PASSWORD;
  if (username || password) o.auth = { username, password };
  const expires = integer(values, 'expires');
  if (expires !== undefined) o.expires = expires;
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
  reg.addEventListener('statechange', (e) =>
    say({ event: 'statechange', state: e.detail.state, reason: e.detail.reason, line: `state: ${e.detail.state} (${e.detail.reason})` }),
  );
  reg.addEventListener('registrationfailed', (e) => {
    const d = e.detail;
    const retry = d.at ? `, next try ${new Date(d.at).toISOString()}` : '';
    const cause = d.reason === 'flow' ? (reg.flow?.lastCause ?? null) : null;
    const why = d.status ? `${d.status} ${d.text ?? ''}` : `${d.reason}${cause ? ` (${cause.code})` : ''}`;
    say({ event: 'failed', ...d, info: undefined, cause, line: `failed: ${why}${d.message ? ` (${d.message})` : ''}${retry}` });
  });
  reg.addEventListener('registered', (e) => {
    const i = e.detail.info;
    say({
      event: 'registered',
      granted: i.granted,
      refreshAt: i.refreshAt,
      bindings: i.bindings,
      line: `registered: granted ${i.granted} s, refresh at ${new Date(i.refreshAt).toISOString()}`,
    });
    if (!json) table(i.bindings);
  });
  // multicast: the registrar that answered the group gets everything after (RFC 3261 §10.2.6)
  let responder = '';
  reg.addEventListener('registered', () => {
    const target = reg.flow?.target;
    if (target?.source !== 'responder' || reg.flow.url === responder) return;
    responder = reg.flow.url;
    say({ event: 'responder', target, line: `registrar: ${responder} (answered on the multicast group)` });
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
    if (['credentials', 'auth'].includes(e.reason))
      return { line: `sipreg: credentials rejected: ${e.message.replace(/^sipreg: /, '')}`, code: EXIT.CREDENTIALS };
    if (e.status) return { line: `sipreg: refused by the registrar: ${e.status} ${e.text ?? ''}`.trim(), code: EXIT.REFUSED };
    if (cause && ['flow', 'timeout', 'gave-up', 'network'].includes(e.reason)) {
      const why =
        cause.code === 'http-status'
          ? `http-status ${cause.status} (not a WebSocket server)`
          : cause.code === 'tls'
            ? `tls ${cause.tls}`
            : cause.code;
      return { line: `sipreg: no flow to ${server}: ${why}`, code: EXIT.UNREACHABLE };
    }
    if (['timeout', 'gave-up'].includes(e.reason))
      return { line: `sipreg: no answer from ${server} (${e.reason})`, code: EXIT.UNREACHABLE };
    return { line: e.message, code: EXIT.FAILED };
  }
  if (
    e instanceof UsageError ||
    e?.code === 'SIPREG_E_CONFIG' ||
    e?.code === 'SIPREG_E_NOT_FOUND' ||
    e?.code?.startsWith?.('ERR_PARSE_ARGS')
  ) {
    // node:util parseArgs: a flag without its value is said one way; other messages by their first line
    const missing = /^Option '(--[\w-]+)[^']*' argument (missing|is ambiguous)/.exec(e.message);
    if (missing)
      return { line: `sipreg: ${missing[1]} needs a value (one starting with '-' goes as ${missing[1]}=VALUE)`, code: EXIT.USAGE };
    return { line: `sipreg: ${e.message.split('\n')[0]}`, code: EXIT.USAGE };
  }
  return { line: `sipreg: ${e?.message ?? e}`, code: EXIT.FAILED };
}

/** Whether --json is on the command line (known before the arguments parse: errors follow it). */
const wantsJson = (args) => args.includes('--json');

/**
 * Say a failure: one line on stderr, JSON with --json ({"error": …, "exit": N}).
 * @param {string} line @param {number} code @param {boolean} json @returns {number} code
 */
function fail(line, code, json) {
  console.error(json ? JSON.stringify({ error: line.replace(/^sipreg: /, ''), exit: code }) : line);
  return code;
}

/** The arguments of `cmd` (its flags from cli-options.mjs); parse errors are usage errors. */
function argsOf(cmd, args, allowPositionals = false) {
  return parseArgs({ args, options: parseOptions(cmd), allowPositionals, strict: true });
}

/** `sipreg parse [FILE|-]...`: one JSON line per message; 1 when one does not parse. */
function parseCommand(rest) {
  const { positionals } = argsOf('parse', rest, true);
  let rc = EXIT.OK;
  for (const f of positionals.length ? positionals : ['-']) {
    let bytes;
    try {
      bytes = readFileSync(f === '-' ? 0 : f);
    } catch (e) {
      throw new UsageError(`parse: ${f === '-' ? 'standard input' : f}: ${e.code ?? e.message}`);
    }
    const view = parse(new Uint8Array(bytes));
    console.log(JSON.stringify(view));
    if (!view.ok) rc = EXIT.FAILED;
  }
  return rc;
}

/** `sipreg uri-equal A B`: 0 equal, 1 different, 2 a URI that does not parse. */
function uriEqualCommand(rest, json) {
  const { positionals } = argsOf('uri-equal', rest, true);
  if (positionals.length !== 2) throw new UsageError(`uri-equal takes two URIs, not ${positionals.length}`);
  let eq;
  try {
    eq = uriEqual(positionals[0], positionals[1]);
  } catch (e) {
    throw new UsageError(`URI ${e.uri ?? ''} does not parse: ${e.message} at offset ${e.offset}`);
  }
  console.log(json ? JSON.stringify({ equal: eq }) : eq ? 'equal' : 'different');
  return eq ? EXIT.OK : EXIT.FAILED;
}

const HELP = new Set(['help', '--help', '-h']);
const REGISTRATION = ['register', 'unregister', 'bindings'];

async function main(argv) {
  const json = wantsJson(argv);
  // --json may come first too (sipreg --json bindings …)
  const [cmd, ...rest] = argv[0] === '--json' ? [...argv.slice(1), '--json'] : argv;
  if (cmd === undefined || cmd === '--json') {
    return fail('sipreg: a command is needed: register, unregister, bindings, listen, parse, uri-equal (sipreg --help)', EXIT.USAGE, json);
  }
  if (HELP.has(cmd) || rest.includes('--help') || rest.includes('-h')) {
    console.log(helpText());
    return EXIT.OK;
  }
  let reg, values;
  try {
    if (cmd === 'parse') return parseCommand(rest);
    if (cmd === 'uri-equal') return uriEqualCommand(rest, json);
    if (cmd === 'listen') return await listenCommand(rest);
    if (!REGISTRATION.includes(cmd)) throw new UsageError(`unknown command '${cmd}' (sipreg --help lists them)`);
    ({ values } = argsOf(cmd, rest));
    reg = await createRegistration(options(values));
    return await run(cmd, reg, values);
  } catch (e) {
    const { line, code } = verdict(e, reg?.flow?.lastCause ?? null, values?.server ?? reg?.flow?.url ?? '');
    return fail(line.replace(/^sipreg: sipreg: /, 'sipreg: '), code, json);
  } finally {
    reg?.close();
  }
}

/** Run a registration command to its outcome (throws what it rejected with). */
async function run(cmd, reg, values) {
  const json = Boolean(values.json);
  const say = (what, line) => console.log(json ? JSON.stringify(what) : line);
  narrate(reg, json);
  if (cmd === 'bindings') {
    // the core's view lists only what the registrar holds: a fetch by a registration that never
    // registered shows no row of ours (sipreg_bindings)
    const bindings = await reg.fetch();
    if (json) say({ event: 'bindings', bindings });
    else table(bindings);
    return EXIT.OK;
  }
  if (cmd === 'unregister') {
    await reg.unregister({ all: values.all });
    const line = values.all ? 'all bindings removed' : 'our bindings removed';
    say({ event: 'unregistered', all: Boolean(values.all), line }, line);
    return EXIT.OK;
  }
  // Ctrl-C is ours from before the REGISTER leaves: a signal that arrives while it is answered
  // (after the 'registered' line, before register() settles) still unregisters, never kills
  /** @type {() => void} */
  let stopNow = () => {};
  const stopping = new Promise((resolve) => (stopNow = () => resolve(undefined)));
  process.on('SIGINT', stopNow);
  process.on('SIGTERM', stopNow);
  try {
    await reg.register();
  } catch (e) {
    process.off('SIGINT', stopNow);
    process.off('SIGTERM', stopNow);
    throw e;
  }
  const unwatch = watchNetwork(reg);
  let code = EXIT.OK;
  await stopping;
  process.off('SIGINT', stopNow);
  process.off('SIGTERM', stopNow);
  unwatch();
  try {
    await reg.unregister();
    say({ event: 'unregistered', all: false, line: 'unregistered' }, 'unregistered');
  } catch (e) {
    const v = verdict(e, reg.flow?.lastCause ?? null, values.server ?? reg.flow?.url ?? '');
    code = fail(v.line, v.code, json);
  }
  return code;
}

// a command whose promise could never settle would end as Node's exit 13: say so instead
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  fail('sipreg: the command ended without an outcome (nothing left to wait for)', EXIT.FAILED, wantsJson(process.argv));
  process.exit(EXIT.FAILED);
});
// anything unforeseen is still one line (no stack trace), exit 1
process.exitCode = await main(process.argv.slice(2)).catch((e) => fail(`sipreg: ${e?.message ?? e}`, EXIT.FAILED, wantsJson(process.argv)));
finished = true;
