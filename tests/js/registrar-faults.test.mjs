// registrar-faults.test.mjs — the test infrastructure of the field-resilience tests (issue 11),
// checked with hand-written SIP (no product code): the registrar's run-time fault mode answers
// each status with its headers, the two-Kamailio topology (edge proxy 407, then the registrar's
// 401 relayed back, then 200 with Path), the registrar down for a while on the same ports, the
// fault proxy freezing a flow (no data, no ping/pong either way, TCP open), and the dead servers
// (closed port, HTTP 200 to the upgrade, silent TCP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startRegistrar, startEdgeProxy } from '../registrar/registrar.mjs';
import { openSipWs, registerRequest, parseResponse, digestAuthorization, randomHex } from '../registrar/rawsip.mjs';
import { startFaultProxy } from './fault-proxy.mjs';
import { closedPort, httpServer, silentServer } from './dead-servers.mjs';

/** @type {import('../registrar/registrar.mjs').Registrar} */
let registrar;
/** @type {import('../registrar/registrar.mjs').Registrar} outbound registrar behind the edge proxy */
let inner;
/** @type {import('../registrar/registrar.mjs').EdgeProxy} */
let edge;

before(async () => {
  [registrar, inner] = await Promise.all([startRegistrar(), startRegistrar({ outbound: true })]);
  edge = await startEdgeProxy(inner);
});
after(async () => {
  await edge?.stop();
  await Promise.all([registrar?.stop(), inner?.stop()]);
});

/**
 * A raw SIP client on one WebSocket: REGISTERs of one Call-ID with increasing CSeq.
 * @param {string} url
 * @param {string} user
 */
async function rawClient(url, user) {
  const sip = await openSipWs(url);
  const callId = randomHex();
  let cseq = 1;
  return {
    sip,
    /** @param {Partial<import('../registrar/rawsip.mjs').RegisterSpec>} [extra] */
    async register(extra = {}) {
      sip.send(registerRequest({ user, callId, cseq: cseq++, contact: `<sip:${user}@raw.invalid;transport=ws>`, expires: 300, ...extra }));
      return parseResponse(await sip.next());
    },
  };
}

/** @param {import('../registrar/rawsip.mjs').SipResponse} r @param {string} user */
const answer = (r, user, header = 'www-authenticate') =>
  digestAuthorization({ challenge: /** @type {string} */ (r.get(header)), user, uri: 'sip:example.test' });

// code, setFault options, what the REGISTER carries, expected status and header lines
const FAULTS = [
  { code: 302, opts: {}, req: {}, status: 302, headers: { contact: '<sip:redirected.example.test>' } },
  { code: 302, opts: {}, req: { requestUri: 'sip:redirected.example.test' }, status: 401, headers: {} },
  {
    code: 301,
    opts: { contact: 'sip:moved.example.test;transport=ws' },
    req: {},
    status: 301,
    headers: { contact: '<sip:moved.example.test;transport=ws>' },
  },
  {
    code: 301,
    opts: { contact: 'sip:moved.example.test;transport=ws' },
    req: { requestUri: 'sip:moved.example.test' },
    status: 401,
    headers: {},
  },
  { code: 403, opts: {}, req: {}, status: 403, reason: 'Forbidden', headers: {} },
  { code: 404, opts: {}, req: {}, status: 404, reason: 'Not Found', headers: {} },
  { code: 503, opts: {}, req: {}, status: 503, headers: { 'retry-after': '2' } },
  { code: 503, opts: { retryAfter: 0 }, req: {}, status: 503, headers: { 'retry-after': undefined } },
  {
    code: 503,
    opts: { retryAfter: 9, reason: 'Maintenance' },
    req: {},
    status: 503,
    reason: 'Maintenance',
    headers: { 'retry-after': '9' },
  },
  { code: 420, opts: {}, req: { headers: ['Supported: path, gruu, outbound'] }, status: 420, headers: { unsupported: 'outbound' } },
  { code: 420, opts: {}, req: { headers: ['Require: outbound'] }, status: 420, headers: { unsupported: 'outbound' } },
  { code: 420, opts: {}, req: { headers: ['Supported: path, gruu'] }, status: 401, headers: {} },
  { code: 480, opts: {}, req: {}, status: 480, reason: 'Temporarily Unavailable', headers: {} },
  { code: 604, opts: {}, req: {}, status: 604, headers: {} },
  { code: 0, opts: {}, req: {}, status: 401, headers: {} },
];

test('setFault(code): the registrar answers each REGISTER with that status and its headers', async () => {
  const c = await rawClient(registrar.wsUrl, 'fault');
  try {
    for (const f of FAULTS) {
      await registrar.setFault(f.code, f.opts);
      const r = await c.register(f.req);
      const what = `${f.code} ${JSON.stringify(f.opts)} ${JSON.stringify(f.req)}`;
      assert.equal(r.status, f.status, what);
      if (f.reason) assert.equal(r.reason, f.reason, what);
      for (const [h, v] of Object.entries(f.headers)) assert.equal(r.get(h), v, `${what}: ${h}`);
    }
  } finally {
    await registrar.setFault(0);
    await c.sip.close();
  }
  assert.deepEqual(
    (await registrar.dump()).filter((b) => b.aor.startsWith('fault@')),
    [],
    'nothing was saved',
  );
});

test('setFault(code, { afterAuth }): the challenge first, the status once the credentials are good', async () => {
  const c = await rawClient(registrar.wsUrl, 'fault2');
  try {
    await registrar.setFault(403, { afterAuth: true });
    const r1 = await c.register();
    assert.equal(r1.status, 401);
    const r2 = await c.register({ authorization: answer(r1, 'fault2') });
    assert.equal(r2.status, 403);
    await registrar.setFault(0);
    const r3 = await c.register({ authorization: answer(r1, 'fault2') });
    assert.equal(r3.status, 200);
    // setFault503 (the older switch) still works and leaves no other fault setting behind
    await registrar.setFault(302, { afterAuth: true });
    await registrar.setFault503(true, 4);
    const r4 = await c.register();
    assert.equal(r4.status, 503);
    assert.equal(r4.get('retry-after'), '4');
    assert.equal(r4.get('contact'), undefined);
    await registrar.setFault503(false);
  } finally {
    await registrar.setFault(0);
    await c.sip.close();
  }
  assert.equal((await registrar.dump()).filter((b) => b.aor === 'fault2@example.test').length, 1);
  await assert.rejects(() => registrar.setFault(99), /code must be/);
});

test("edge proxy: 407 (realm edge.test), then the registrar's 401 relayed back, then 200; Path stored", async () => {
  const c = await rawClient(edge.wsUrl, 'edge1');
  try {
    const r1 = await c.register({ headers: ['Supported: path'] });
    assert.equal(r1.status, 407);
    assert.match(/** @type {string} */ (r1.get('proxy-authenticate')), /^Digest realm="edge\.test", nonce="[^"]+", qop="auth"/);
    assert.equal(r1.get('server'), 'sipreg-test-edge');
    const pa = answer(r1, 'edge1', 'proxy-authenticate');
    const r2 = await c.register({ headers: ['Supported: path'], proxyAuthorization: pa });
    assert.equal(r2.status, 401, 'the registrar behind the proxy challenges');
    assert.match(/** @type {string} */ (r2.get('www-authenticate')), /^Digest realm="example\.test"/);
    assert.equal(r2.get('server'), 'sipreg-test-registrar');
    // a wrong proxy password: 407 again, never relayed
    const bad = digestAuthorization({
      challenge: /** @type {string} */ (r1.get('proxy-authenticate')),
      user: 'edge1',
      uri: 'sip:example.test',
      password: 'wrong',
    });
    assert.equal((await c.register({ proxyAuthorization: bad, authorization: answer(r2, 'edge1') })).status, 407);
    const r3 = await c.register({ headers: ['Supported: path'], proxyAuthorization: pa, authorization: answer(r2, 'edge1') });
    assert.equal(r3.status, 200);
    assert.equal(
      r3.get('path'),
      `<sip:127.0.0.1:${edge.udpPort};lr;received=sip:127.0.0.1:${c.sip.ws._socket.localPort}%3Btransport%3Dws>`,
    );
  } finally {
    await c.sip.close();
  }
  const held = (await inner.dump()).filter((b) => b.aor === 'edge1@example.test');
  assert.equal(held.length, 1, 'the registrar (not the proxy) holds the binding');
  assert.equal(held[0].contact, 'sip:edge1@raw.invalid;transport=ws');
  assert.match(/** @type {string} */ (held[0].path), new RegExp(`^<sip:127\\.0\\.0\\.1:${edge.udpPort};lr;`));
  assert.equal(held[0].socket, `udp:127.0.0.1:${inner.udpPort}`, 'it came over UDP from the proxy');
});

test(
  'startRegistrar({ fault503 }), then restart({ downMs }): refused while down, same ports after, bindings gone',
  { timeout: 20_000 },
  async () => {
    const r = await startRegistrar({ fault503: true, tcpChildren: 2 });
    try {
      const c = await rawClient(r.wsUrl, 'down');
      const f = await c.register();
      assert.equal(f.status, 503, 'started in fault mode');
      assert.equal(f.get('retry-after'), '2');
      await r.setFault(0);
      const r1 = await c.register();
      assert.equal((await c.register({ authorization: answer(r1, 'down') })).status, 200);
      const { wsUrl, udpPort } = r;
      const t0 = Date.now();
      const back = r.restart({ downMs: 1500 });
      await new Promise((res) => setTimeout(res, 700));
      const refused = await new Promise((res) => {
        const s = net.connect(r.wsPort, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          res('connected');
        });
        s.once('error', (e) => res(/** @type {NodeJS.ErrnoException} */ (e).code));
      });
      assert.equal(refused, 'ECONNREFUSED');
      await back;
      assert.ok(Date.now() - t0 >= 1500, 'down at least downMs');
      assert.equal(r.wsUrl, wsUrl);
      assert.equal(r.udpPort, udpPort);
      assert.deepEqual(await r.dump(), []);
      await c.sip.close();
    } finally {
      await r.stop();
    }
  },
);

/** Ping on `ws`; resolves true when the matching pong arrives within ms, false otherwise. */
function pingPong(ws, ms) {
  const data = Buffer.from(randomHex(4));
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      ws.off('pong', on);
      resolve(false);
    }, ms);
    /** @param {Buffer} d */
    function on(d) {
      if (!d.equals(data)) return;
      clearTimeout(t);
      ws.off('pong', on);
      resolve(true);
    }
    ws.on('pong', on);
    ws.ping(data);
  });
}

/** An OPTIONS to the registrar on `sip`; its status, or null when nothing came within ms. */
async function options(sip, ms) {
  sip.send(
    [
      `OPTIONS sip:example.test SIP/2.0`,
      `Via: SIP/2.0/WS probe.invalid;branch=z9hG4bK${randomHex()}`,
      'Max-Forwards: 70',
      `From: <sip:probe@example.test>;tag=${randomHex(3)}`,
      'To: <sip:example.test>',
      `Call-ID: ${randomHex()}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  try {
    return parseResponse(await sip.next(ms)).status;
  } catch {
    return null;
  }
}

test(
  'fault proxy freeze(): TCP stays open, no SIP and no ping/pong either way; new flows pass; thaw() resumes',
  { timeout: 20_000 },
  async () => {
    const proxy = await startFaultProxy(registrar.wsUrl);
    try {
      const a = await openSipWs(proxy.url);
      assert.equal(await pingPong(a.ws, 2000), true, 'a ping goes through to Kamailio, its pong comes back');
      assert.equal(proxy.counters.pings.toServer, 1, 'the proxy forwarded the ping: it did not answer it itself');
      assert.equal(await options(a, 2000), 200);
      assert.equal(proxy.freeze(), 1);
      assert.equal(await pingPong(a.ws, 1500), false, 'no pong while frozen');
      assert.equal(await options(a, 1000), null, 'no SIP answer while frozen');
      assert.equal(a.ws.readyState, WebSocket.OPEN, 'the client still sees an open WebSocket');
      // a new flow is not frozen (the client can replace the dead one)
      const b = await openSipWs(proxy.url);
      assert.equal(await options(b, 2000), 200);
      assert.equal(await pingPong(b.ws, 2000), true);
      assert.equal(proxy.accepted, 2);
      // freeze({ newFlows: true }): the handshake completes (the proxy accepts), nothing passes
      proxy.freeze({ newFlows: true });
      const c = await openSipWs(proxy.url);
      assert.equal(await options(c, 1000), null);
      assert.equal(await pingPong(c.ws, 500), false);
      proxy.thaw();
      assert.equal(await pingPong(a.ws, 2000), true, 'thawed: pongs again');
      assert.equal(await pingPong(c.ws, 2000), true);
      assert.equal(await options(b, 2000), 200);
      await Promise.all([a.close(), b.close(), c.close()]);
    } finally {
      await proxy.close();
    }
  },
);

test(
  'dead servers: a closed port refuses, the HTTP server answers the upgrade with 200, the silent server never answers',
  { timeout: 10_000 },
  async () => {
    const [port, http, silent] = await Promise.all([closedPort(), httpServer(), silentServer()]);
    try {
      /** @param {string} url @returns {Promise<string>} how the WebSocket handshake ended */
      const handshake = (url) =>
        new Promise((resolve) => {
          const ws = new WebSocket(url, 'sip', { handshakeTimeout: 800 });
          ws.once('open', () => {
            ws.terminate();
            resolve('open');
          });
          ws.once('unexpected-response', (_req, res) => {
            resolve(`HTTP ${res.statusCode}`);
            res.destroy();
            ws.terminate();
          });
          ws.once('error', (e) => resolve(/** @type {NodeJS.ErrnoException} */ (e).code ?? e.message));
        });
      assert.equal(await handshake(`ws://127.0.0.1:${port}`), 'ECONNREFUSED');
      assert.equal(await handshake(http.url), 'HTTP 200');
      assert.deepEqual(http.requests, ['GET /']);
      const t0 = Date.now();
      assert.match(await handshake(silent.url), /timed out/i);
      assert.ok(Date.now() - t0 >= 700, 'it waited for the handshake timeout');
      assert.equal(silent.accepted, 1, 'the TCP connection was accepted');
    } finally {
      await Promise.all([http.close(), silent.close()]);
    }
  },
);
