// flow-causes-unit.test.mjs — when no flow can be made, every promise settles within its bound
// and names the cause: real sockets on 127.0.0.1 (a closed port, an HTTP server, a TCP server that
// never answers, a TLS server with a self-signed certificate), the Node package's own WebSocket
// client, and the CLI's one line and exit code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const CLI = need(`${ROOT}node/cli.mjs`, 'node CLI');

const servers = [];
const sockets = new Set();
let dir;
/** @type {Record<string, string>} server kind → URL */
const url = {};

/** @param {net.Server} server @returns {Promise<number>} the port it listens on (127.0.0.1) */
async function listen(server) {
  servers.push(server);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

before(async () => {
  const closed = net.createServer();
  url.closed = `ws://127.0.0.1:${await listen(closed)}`;
  await new Promise((r) => closed.close(r)); // the port is now closed
  url.http = `ws://127.0.0.1:${await listen(http.createServer((req, res) => res.end('hello')))}`;
  url.silent = `ws://127.0.0.1:${await listen(net.createServer(() => {}))}`;
  dir = mkdtempSync(join(tmpdir(), 'sipreg-causes-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const tls = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (q, s) => s.end());
  tls.on('tlsClientError', () => {});
  url.tls = `wss://127.0.0.1:${await listen(tls)}`;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

// [server, the cause's code, what else the cause says, bound in ms]
const rows = [
  ['closed', 'ECONNREFUSED', {}, 3000],
  ['http', 'http-status', { status: 200 }, 3000],
  ['silent', 'handshake-timeout', {}, 1000 + 1500],
  ['tls', 'tls', { tls: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 3000],
];
/** The commands whose promises must reject, and the time each may take beyond the connect bound:
 * register and fetch give up at the first failed flow, unregister keeps trying new flows for
 * policy.commandMs (here 2000 ms). */
const OPS = { register: 0, fetch: 0, unregister: 2000 };

for (const [server, code, more, connectBound] of rows) {
  for (const [op, extra] of Object.entries(OPS)) {
    const bound = connectBound + extra;
    test(`${op}() against ${server}: rejects within ${bound} ms, cause ${code}`, { timeout: bound + 5000 }, async () => {
      const reg = await sipreg.createRegistration({
        server: url[server],
        aor: 'sip:alice@example.test',
        connectTimeout: 1000,
        policy: { commandMs: 2000 },
      });
      const downs = [];
      reg.addEventListener('flowdown', (e) => downs.push(e.detail));
      const t0 = performance.now();
      try {
        const e = await reg[op]().then(
          () => assert.fail('resolved'),
          (err) => err,
        );
        const took = performance.now() - t0;
        assert.ok(took < bound, `settled after ${Math.round(took)} ms`);
        assert.equal(e.name, 'RegistrationError', e.message);
        assert.equal(e.cause?.code, code, e.message);
        for (const [k, v] of Object.entries(more)) assert.equal(e.cause[k], v, `cause.${k}`);
        assert.match(e.message, new RegExp(`no flow to ${url[server].replace(/\//g, '\\/')} \\(`), e.message);
        assert.equal(downs[0]?.cause?.code, code, 'the flowdown event carries the same cause');
      } finally {
        reg.close();
      }
    });
  }
}

test('the RegistrationError names the refused connection in its message', async () => {
  const reg = await sipreg.createRegistration({ server: url.closed, aor: 'sip:alice@example.test' });
  try {
    await assert.rejects(reg.register(), { message: `sipreg: register failed: no flow to ${url.closed} (ECONNREFUSED)` });
  } finally {
    reg.close();
  }
});

test('close() rejects every pending promise with code "closed"', async () => {
  const reg = await sipreg.createRegistration({ server: url.silent, aor: 'sip:alice@example.test', connectTimeout: 5000 });
  const pending = [reg.register(), reg.register(), reg.whenRegistered()];
  reg.close();
  const results = await Promise.allSettled(pending);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected', 'rejected'],
  );
  assert.ok(results.every((r) => r.reason.code === 'closed'));
});

// [command line, the stderr line, exit code]
const cli = [
  [['register', '--server', '<closed>', '--aor', 'sip:a@example.test'], /^sipreg: no flow to ws:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/, 3],
  [['register', '--server', '<http>', '--aor', 'sip:a@example.test'], /^sipreg: no flow to ws:\/\/127\.0\.0\.1:\d+: http-status 200/, 3],
  [['bindings', '--server', '<closed>', '--aor', 'sip:a@example.test'], /^sipreg: no flow to ws:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/, 3],
  // --server may be left out (RFC 3263 on the AOR's domain); --aor may not
  [['register', '--server', '<closed>'], /^sipreg: --aor is required \(and --server unless DNS finds the registrar\)$/, 2],
  [['bindings', '--no-such-option'], /^sipreg: Unknown option/, 2],
];

for (const [args, line, status] of cli) {
  test(`CLI ${args.join(' ')}: one line on stderr, exit ${status}`, { timeout: 15_000 }, async () => {
    const argv = args.map((a) => (a.startsWith('<') ? url[a.slice(1, -1)] : a));
    // not spawnSync: the servers live in this process and must answer meanwhile
    const child = spawn('node', [CLI, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const r = { status: await new Promise((res) => child.on('exit', res)), stderr };
    assert.equal(r.status, status, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], line);
  });
}
