#!/usr/bin/env node
// sipreg CLI (Node, wasm): register / unregister / bindings against a WebSocket registrar, and
// the same `parse` / `uri-equal` as the native CLI (identical JSON).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRegistration, parse, uriEqual } from './index.mjs';

const USAGE = `usage:
  sipreg register   --server ws://HOST:PORT --aor sip:USER@DOMAIN [--user U] [--password P]
                    [--expires N] [--contact URI[;q=X][;expires=N]]... [--json]
                    stays registered, prints state changes and the bindings; Ctrl-C unregisters
  sipreg unregister --server URL --aor AOR [--all] [auth options]
  sipreg bindings   --server URL --aor AOR [auth options]       fetch and print the bindings
  sipreg parse [FILE|-]...                                       JSON per message (as native)
  sipreg uri-equal A B                                           RFC 3261 §19.1.4
credentials: --user/--password, or SIPREG_USER / SIPREG_PASSWORD in the environment
(the password is never printed)`;

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

/** Registration options from the command line. */
function options(values) {
  if (!values.server || !values.aor) throw new Error('--server and --aor are required');
  const o = { server: values.server, aor: values.aor };
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
  reg.addEventListener('statechange', (e) => say({ event: 'statechange', state: e.detail.state, reason: e.detail.reason, line: `state: ${e.detail.state} (${e.detail.reason})` }));
  reg.addEventListener('registrationfailed', (e) => {
    const d = e.detail;
    const retry = d.at ? `, next try ${new Date(d.at).toISOString()}` : '';
    say({ event: 'failed', ...d, info: undefined, line: `failed: ${d.status ?? ''} ${d.text ?? d.reason}${d.message ? ` (${d.message})` : ''}${retry}` });
  });
  reg.addEventListener('registered', (e) => {
    const i = e.detail.info;
    say({ event: 'registered', granted: i.granted, refreshAt: i.refreshAt, bindings: i.bindings, line: `registered: granted ${i.granted} s, refresh at ${new Date(i.refreshAt).toISOString()}` });
    if (!json) table(i.bindings);
  });
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
  if (!['register', 'unregister', 'bindings'].includes(cmd)) { console.error(USAGE); return 2; }
  const { values } = parseArgs({
    args: rest,
    options: {
      server: { type: 'string' }, aor: { type: 'string' }, user: { type: 'string' },
      password: { type: 'string' }, expires: { type: 'string' }, contact: { type: 'string', multiple: true },
      all: { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  const reg = await createRegistration(options(values));
  narrate(reg, values.json);
  try {
    if (cmd === 'bindings') {
      table(await reg.fetch());
      return 0;
    }
    if (cmd === 'unregister') {
      await reg.unregister({ all: values.all });
      console.log(values.all ? 'all bindings removed' : 'our bindings removed');
      return 0;
    }
    await reg.register();
    await new Promise((resolve) => {
      const stop = async () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        try { await reg.unregister(); console.log('unregistered'); } catch (e) { console.error(e.message); }
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  } catch (e) {
    console.error(e.message);
    return 1;
  } finally {
    reg.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
