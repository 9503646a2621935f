// glue.test.mjs — the JS layers against a fake WebSocket: promises settle on outcomes, events
// carry the core's detail, bad input is dropped with an event, and the glue holds no SIP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ROOT, FakeSocket, answer, sleep, need, assertNoSip } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

/** Wait until the fake socket has sent `n` messages. */
async function sent(sock, n, waitMs = 1000) {
  for (const t0 = Date.now(); Date.now() - t0 < waitMs && sock.sent.length < n;) await sleep(2);
  assert.ok(sock.sent.length >= n, `expected ${n} sends, got ${sock.sent.length}`);
  return sock.sent[n - 1];
}

/** A registration on a fake socket, with every event recorded. */
async function setup(extra = {}) {
  const reg = await sipreg.createRegistration({
    server: 'ws://registrar.invalid',
    aor: 'sip:alice@example.test',
    WebSocket: FakeSocket,
    auth: { password: 'secret' },
    contacts: [{ uri: 'sip:abc@xyz.invalid;transport=ws' }],
    ...extra,
  });
  const events = [];
  for (const t of ['statechange', 'registered', 'registrationfailed', 'retry', 'bindings', 'unregistered', 'error', 'message']) {
    reg.addEventListener(t, (e) => events.push({ type: t, detail: e.detail }));
  }
  return { reg, events };
}

const OK = (contact = '<sip:abc@xyz.invalid;transport=ws>;expires=600') => `Contact: ${contact}\r\n`;

test('register() connects with subprotocol sip, answers the 401, and resolves on the 200', async () => {
  const { reg, events } = await setup();
  const done = reg.register();
  await sleep(5);
  const sock = FakeSocket.last;
  assert.deepEqual(sock.protocols, ['sip']);
  const first = await sent(sock, 1);
  assert.match(first, /^REGISTER sip:example\.test SIP\/2\.0\r\n/);
  sock.deliver(answer(first, '401 Unauthorized', 'WWW-Authenticate: Digest realm="example.test", nonce="abc", qop="auth"\r\n'));
  const second = await sent(sock, 2);
  assert.match(second, /Authorization: Digest username="alice"/);
  let settled = false;
  done.then(() => {
    settled = true;
  });
  await sleep(5);
  assert.equal(settled, false, 'the promise must not settle on sending');
  sock.deliver(answer(second, '200 OK', OK()));
  const detail = await done;
  assert.equal(detail.type, 'registered');
  assert.equal(detail.info.state, 'registered');
  assert.equal(detail.info.bindings[0].matchedBy, 'uri');
  assert.equal(detail.info.bindings[0].granted, 600);
  const now = Date.now();
  assert.ok(detail.info.refreshAt > now + 250_000 && detail.info.refreshAt < now + 600_000, 'refreshAt is a Unix time in the window');
  assert.deepEqual(
    events.filter((e) => e.type === 'statechange').map((e) => e.detail.state),
    ['registering', 'registered'],
  );
  assert.equal(events.filter((e) => e.type === 'message' && e.detail.direction === 'out').length, 2);
  reg.close();
});

test('register() rejects with the final failure (503) and the retry time is in the detail', async () => {
  const { reg, events } = await setup();
  const done = reg.register();
  const sock = (await sleep(5), FakeSocket.last);
  sock.deliver(answer(await sent(sock, 1), '503 Service Unavailable'));
  await assert.rejects(done, (e) => e.name === 'RegistrationError' && e.status === 503 && e.at > Date.now() + 10_000);
  assert.equal(reg.state, 'backoff');
  assert.ok(events.some((e) => e.type === 'retry' && e.detail.reason === 'backoff'));
  reg.close();
});

test('bad input is dropped with an event and the state is intact', async () => {
  const { reg, events } = await setup();
  const done = reg.register();
  const sock = (await sleep(5), FakeSocket.last);
  const req = await sent(sock, 1);
  sock.deliver('garbage that is not SIP\r\n\r\n');
  sock.deliver(new Uint8Array([0xff, 0xfe, 0x00]).buffer); // binary, not UTF-8
  sock.deliver(answer(req.replace(/Call-ID: .*/, 'Call-ID: not-ours'), '200 OK', OK()));
  sock.deliver('X'.repeat(70000)); // oversized
  await sleep(5);
  const errors = events.filter((e) => e.type === 'error');
  assert.equal(errors.length, 3, JSON.stringify(errors.map((e) => e.detail.code ?? e.detail.reason)));
  assert.ok(events.some((e) => e.type === 'message' && e.detail.result === 'SIPREG_E_ASYMMETRIC'));
  assert.equal(reg.state, 'registering');
  sock.deliver(answer(req, '200 OK', OK()));
  await done;
  // a duplicate final response is not ours any more
  sock.deliver(answer(req, '200 OK', OK()));
  await sleep(2);
  assert.equal(events.filter((e) => e.type === 'registered').length, 1);
  reg.close();
});

test('fetch() resolves with the bindings; unregister({all}) resolves on the 200', async () => {
  const { reg } = await setup();
  const reg1 = reg.register();
  const sock = (await sleep(5), FakeSocket.last);
  sock.deliver(answer(await sent(sock, 1), '200 OK', OK()));
  await reg1;
  const f = reg.fetch();
  const fetchReq = await sent(sock, 2);
  assert.doesNotMatch(fetchReq, /Contact:/);
  sock.deliver(answer(fetchReq, '200 OK', OK('<sip:abc@xyz.invalid;transport=ws>;expires=500, <sip:other@x.invalid>;expires=90')));
  const bindings = await f;
  assert.equal(bindings.length, 2);
  assert.deepEqual(
    bindings.map((b) => b.ours),
    [true, false],
  );
  const u = reg.unregister({ all: true });
  const unreg = await sent(sock, 3);
  assert.match(unreg, /Contact: \*\r\nExpires: 0\r\n/);
  sock.deliver(answer(unreg, '200 OK'));
  const d = await u;
  assert.equal(d.op, 'unregister-all');
  assert.equal(reg.state, 'idle');
  reg.close();
});

test('a dropped flow is replaced at once and the binding re-registered (RFC 5626 §4.5)', async () => {
  const { reg } = await setup();
  const r1 = reg.register();
  let sock = (await sleep(5), FakeSocket.last);
  sock.deliver(answer(await sent(sock, 1), '200 OK', OK()));
  await r1;
  const registered = new Promise((res) => reg.addEventListener('registered', res, { once: true }));
  sock.drop();
  await sleep(10);
  assert.notEqual(FakeSocket.last, sock, 'a new socket was opened');
  sock = FakeSocket.last;
  const again = await sent(sock, 1);
  assert.match(again, /CSeq: 2 REGISTER/);
  sock.deliver(answer(again, '200 OK', OK()));
  await registered;
  reg.close();
});

test('RegistrationPool: one flow, responses routed by Call-ID, paced', async () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket, rate: 1000 });
  for (let i = 0; i < 50; i++) pool.add({ aor: `sip:u${i}@example.test`, auth: { password: 'secret' } });
  const all = pool.registerAll();
  await sleep(20);
  const sock = FakeSocket.last;
  for (let i = 0; i < 400 && sock.sent.length < 50; i++) await sleep(2);
  assert.equal(sock.sent.length, 50);
  assert.equal(FakeSocket.all.filter((s) => s.url === 'ws://registrar.invalid' && s.readyState === 1).length >= 1, true);
  for (const req of [...sock.sent].reverse())
    sock.deliver(answer(req, '200 OK', 'Expires: 600\r\n' + OK(/Contact: <([^>]*)>/.exec(req)[0].slice(9))));
  const results = await all;
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 50);
  assert.ok(pool.registrations.every((r) => r.state === 'registered'));
  pool.close();
});

test('the glue holds no SIP knowledge: no header names, methods or status codes', () => {
  const dir = `${ROOT}bindings/js/`;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs'))) assertNoSip(dir + f, f);
});

test('keep-alive: CRLF pings, pongs clear the deadline, a missing pong drops and replaces the flow', { timeout: 10_000 }, async () => {
  const { reg, events } = await setup({ keepalive: 'always', policy: { keepaliveS: 1, pongTimeoutMs: 300 } });
  try {
    const failed = [];
    reg.addEventListener('flowfailed', (e) => failed.push(e.detail));
    const r = reg.register();
    let sock = (await sleep(5), FakeSocket.last);
    sock.deliver(answer(await sent(sock, 1), '200 OK', OK()));
    await r;
    const ping = await sent(sock, 2, 2000); // within U[0.8, 1.0] s
    assert.equal(ping, '\r\n\r\n');
    sock.deliver('\r\n'); // pong
    await sent(sock, 3, 2000); // the next ping; this one goes unanswered
    for (let i = 0; i < 100 && FakeSocket.last === sock; i++) await sleep(10);
    assert.equal(failed.length, 1, 'flowfailed after the pong timeout');
    assert.notEqual(FakeSocket.last, sock, 'the dead flow was replaced');
    sock = FakeSocket.last;
    const again = await sent(sock, 1);
    assert.match(again, /^REGISTER /);
    assert.equal(events.filter((e) => e.type === 'error').length, 0, 'the pong is not an error');
  } finally {
    reg.close();
  }
});

test('Call-IDs, tags, branches and cnonces are unpredictable: 200 registrations never share one', async () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket, rate: 5000 });
  for (let i = 0; i < 200; i++) pool.add({ aor: 'sip:same@example.test', auth: { password: 'secret' } });
  pool.registerAll();
  await sleep(20);
  const sock = FakeSocket.last;
  for (let i = 0; i < 500 && sock.sent.length < 200; i++) await sleep(2);
  for (const req of [...sock.sent]) {
    sock.deliver(answer(req, '401 Unauthorized', 'WWW-Authenticate: Digest realm="example.test", nonce="same", qop="auth"\r\n'));
  }
  for (let i = 0; i < 500 && sock.sent.length < 400; i++) await sleep(2);
  const field = (re) => sock.sent.map((m) => re.exec(m)?.[1]).filter(Boolean);
  for (const [name, re, n] of [
    ['Call-ID', /Call-ID: (.*)\r\n/, 200],
    ['From tag', /;tag=(\w+)/, 200],
    ['branch', /branch=(z9hG4bK\w+)/, 400],
    ['cnonce', /cnonce="([^"]+)"/, 200],
    ['contact', /Contact: <([^>]+)>/, 200],
  ]) {
    const values = field(re);
    assert.equal(new Set(values).size, n, `${name}: ${values.length} values, ${new Set(values).size} distinct`);
  }
  pool.close();
});

test('a pool has a documented cap: add() past maxRegistrations is a clear error', () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket, maxRegistrations: 3 });
  for (let i = 0; i < 3; i++) pool.add({ aor: `sip:cap${i}@example.test` });
  assert.throws(() => pool.add({ aor: 'sip:cap3@example.test' }), RangeError);
  pool.close();
});
