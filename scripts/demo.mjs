// demo.mjs — run the sipreg demo: a local Kamailio registrar (or a given one), the web/ folder on
// http://127.0.0.1:PORT with the call page's JsSIP bundled into web/vendor/ (scripts/vendor.mjs),
// optionally a second "device" of the demo AOR; Ctrl-C stops all of it.
// Run through scripts/demo.sh, which installs and builds first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { startStaticServer } from './static-server.mjs';
import { buildVendor } from './vendor.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB = `${ROOT}web/`;
const USAGE = `usage: scripts/demo.sh [--port N] [--registrar ws://HOST:PORT] [--second-device]
                       [--aor sip:USER@DOMAIN] [--password P]

  --port N           serve the page on http://127.0.0.1:N (default 8080; 0 = any free port)
  --registrar URL    use this SIP WebSocket registrar instead of the local Kamailio
  --second-device    register another device of the AOR from Node, so the page shows two bindings
  --aor, --password  the account prefilled in the page and used by the second device
                     (default sip:alice@example.test / secret: the local registrar takes any
                     user with password "secret", realm = domain)`;

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    registrar: { type: 'string' },
    'second-device': { type: 'boolean', default: false },
    aor: { type: 'string', default: 'sip:alice@example.test' },
    password: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const f of ['sipreg-web.wasm', 'lib/index.mjs']) {
  if (!existsSync(WEB + f)) {
    console.error(`demo: web/${f} is missing: build first (scripts/demo.sh builds, then runs this)`);
    process.exit(1);
  }
}
if (opts.registrar && !/^wss?:\/\//.test(opts.registrar)) {
  console.error(`demo: --registrar must be a ws:// or wss:// URL\n\n${USAGE}`);
  process.exit(2);
}

const password = opts.password ?? 'secret';

/** @param {string} v @returns {string} a query value, escaped only where a URL needs it */
const readable = (v) => encodeURIComponent(v).replace(/%3A/g, ':').replace(/%2F/g, '/').replace(/%40/g, '@');

/** Everything started, stopped in reverse order. @type {{ what: string, stop: () => Promise<unknown> }[]} */
const started = [];
let stopping = false;

/** Stop what was started (once), then exit. @param {number} code */
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const { what, stop } of started.reverse()) {
    try {
      await stop();
    } catch (e) {
      console.error(`demo: stopping ${what}: ${/** @type {Error} */ (e).message}`);
    }
  }
  console.log('demo: stopped');
  process.exit(code);
}
// Listeners stay (no `once`): a second Ctrl-C must not kill node halfway through stopping.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stopAll(0));

/**
 * "r" + Enter restarts the local registrar (it forgets every binding; the page shows the lost
 * connection, the back-off and the recovery). Line mode, so Ctrl-C stays a signal.
 * @param {{ restart: () => Promise<void>, pid: number }} registrar
 */
function restartOnR(registrar) {
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', async (line) => {
    if (line.trim() !== 'r' || stopping) return;
    console.log('demo: restarting the registrar (it forgets every binding)…');
    try {
      await registrar.restart();
      console.log(`demo: registrar running again (PID ${registrar.pid})`);
    } catch (e) {
      console.error(`demo: restart failed: ${/** @type {Error} */ (e).message}`);
    }
  });
  started.push({ what: 'the keyboard', stop: async () => lines.close() });
}

try {
  let wsUrl = opts.registrar;
  let registrarLine;
  if (!wsUrl) {
    const { startRegistrar } = await import('../tests/registrar/registrar.mjs');
    const registrar = await startRegistrar();
    started.push({ what: `Kamailio (PID ${registrar.pid})`, stop: () => registrar.stop() });
    wsUrl = registrar.wsUrl;
    registrarLine = `${wsUrl}  (local Kamailio, PID ${registrar.pid}: any user, password "secret")`;
    restartOnR(registrar);
  } else {
    registrarLine = `${wsUrl}  (given with --registrar)`;
  }

  let server;
  try {
    server = await startStaticServer(WEB, { port: Number(opts.port) });
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EADDRINUSE') throw e;
    console.log(`demo: port ${opts.port} is taken; using a free one`);
    server = await startStaticServer(WEB, { port: 0 });
  }
  started.push({ what: 'the web server', stop: () => server.close() });

  let callLine;
  try {
    await buildVendor();
    const callQuery = `ws=${readable(wsUrl)}&to=${readable(opts.aor)}`;
    callLine = `${server.url}/call.html?${callQuery}  (calls ${opts.aor} with JsSIP: register first)`;
  } catch (e) {
    callLine = `unavailable: ${/** @type {Error} */ (e).message}`;
  }

  let deviceLine = '';
  if (opts['second-device']) {
    const sipreg = await import('../node/index.mjs');
    const device = await sipreg.createRegistration({
      server: wsUrl,
      aor: opts.aor,
      auth: { password },
      contacts: [{ uri: 'sip:second-device@demo.invalid;transport=ws', q: 0.5 }],
    });
    started.push({
      what: 'the second device',
      stop: async () => {
        await Promise.race([device.unregister().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
        device.close();
      },
    });
    await device.register();
    deviceLine = `\n  2nd device  registered ${opts.aor} from Node (binding sip:second-device@demo.invalid, q 0.5)`;
  }

  // The local registrar's password goes in the link; a real one's only when given on the command line.
  const query = { ws: wsUrl, aor: opts.aor, ...(opts.password !== undefined || !opts.registrar ? { password } : {}) };
  const pageUrl = `${server.url}/?${Object.entries(query)
    .map(([k, v]) => `${k}=${readable(v)}`)
    .join('&')}`;
  console.log(`
sipreg demo
  registrar   ${registrarLine}
  page        ${pageUrl}
  call page   ${callLine}${deviceLine}

Open the page in a browser on this machine and press Register; then "Call this page" (or the call
page above) calls it, and the call shows up under "Requests to this page".${opts.registrar ? '' : '\nType r + Enter here to restart the registrar (the page recovers by itself).'}
Ctrl-C stops everything.`);
} catch (e) {
  console.error(`demo: ${/** @type {Error} */ (e).message}`);
  await stopAll(1);
}
