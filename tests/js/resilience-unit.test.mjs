// resilience-unit.test.mjs — the glue's side of issue 11: whenRegistered(), wake({ network }),
// host pings, promises per call, a stable instance-id (localStorage / a store file), the Node
// network watcher and the browser's wakeOnResume. A scripted fake core shows exactly which core
// calls the glue makes; the fake WebSocket and the real core show what goes on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { ROOT, FakeSocket, answer, sleep, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const lib = await import(`${ROOT}node/lib/index.mjs`);
const { NodeWebSocket } = await import(`${ROOT}node/websocket.mjs`);

/**
 * A core that records the calls made to it and hands out the events a test queues. Only what
 * the glue calls is here.
 */
class FakeCore {
  constructor() {
    this.calls = [];
    this.events = [];
    this.state = 'idle';
    this.refuse = new Set(); // exports that return an error code
    this.eventBits = new Map(
      [
        'statechange',
        'registered',
        'unregistered',
        'failed',
        'retry',
        'expiring',
        'lapsed',
        'bindings',
        'connect',
        'nobinding',
        'flowfailed',
        'redirect',
        'ping',
      ].map((t, i) => [t, 2 ** (i + 1)]),
    );
    const call =
      (name, r = 0) =>
      (...args) => {
        this.calls.push(name);
        return this.refuse.has(name) ? -7 : r;
      };
    // the Core methods a Registration calls (only Core calls the shim's sw_* exports)
    Object.assign(this, {
      wallclock: call('wallclock'),
      transport: call('transport'),
      timeout: call('timeout'),
      network: call('network'),
      register: call('register'),
      fetch: call('fetch'),
      unregister: call('unregister'),
      deadline: () => -1,
      freeRegistration: call('free'),
      memory: () => 0,
      requestKeys: () => [], // a pool routes requests by them
      callId: () => 'fake-call-id', // and responses by this
    });
  }
  buildConfig() {
    return 1;
  }
  freeConfig() {}
  newRegistration() {
    return 1;
  }
  info() {
    return { state: this.state, bindings: [], callId: 'fake-call-id', refreshAt: null, granted: null };
  }
  drainSends() {
    return [];
  }
  drainEvents() {
    const e = this.events;
    this.events = [];
    return e;
  }
  error(r) {
    return Object.assign(new Error(`core error ${r}`), { code: 'SIPREG_E_BUSY' });
  }
  /** Queue an event (the fields the core's events have). */
  emit(type, fields = {}) {
    this.events.push({
      type,
      state: this.state,
      reason: 'none',
      op: 'none',
      status: null,
      text: null,
      error: null,
      message: null,
      at: null,
      ...fields,
    });
  }
}

/** A registration on the fake core with a host that records what it is asked. */
function fakeRegistration() {
  const core = new FakeCore();
  const asked = [];
  const host = {
    flowUp: true,
    url: 'ws://edge.invalid',
    cause: null,
    send: () => true,
    connect: () => asked.push('connect'),
    fail: (why) => asked.push(`fail:${why}`),
    ping: () => {
      asked.push('ping');
      return true;
    },
    now: () => performance.now(),
    wall: () => Date.now(),
    arm: () => {},
  };
  const reg = new lib.Registration(core, { aor: 'sip:alice@example.test' }, host);
  return { core, reg, asked };
}

test('wake({ network: true }) tells the core the network changed, then runs its timers', () => {
  const { core, reg } = fakeRegistration();
  core.calls.length = 0;
  reg.wake();
  assert.deepEqual(core.calls, ['wallclock', 'timeout']);
  core.calls.length = 0;
  reg.wake({ network: true });
  assert.deepEqual(core.calls, ['wallclock', 'network', 'timeout']);
  reg.close();
});

test('RegistrationPool.wake({ network: true }) reaches every registration', () => {
  const core = new FakeCore();
  const pool = new lib.RegistrationPool(core, { server: 'ws://edge.invalid', WebSocket: FakeSocket });
  for (let i = 0; i < 3; i++) pool.add({ aor: `sip:u${i}@example.test` });
  core.calls.length = 0;
  pool.wake({ network: true });
  assert.equal(core.calls.filter((c) => c === 'network').length, 3);
  core.calls.length = 0;
  pool.wake();
  assert.equal(core.calls.filter((c) => c === 'network').length, 0);
  pool.close();
});

test('core events that act: "ping" asks the host to ping, "flowfailed" to drop the flow with the reason', async () => {
  const { core, reg, asked } = fakeRegistration();
  core.emit('ping');
  core.emit('flowfailed', { reason: 'network' });
  reg.wake();
  await sleep(1);
  assert.deepEqual(asked, ['ping', 'fail:network']);
  reg.close();
});

test('each call has its own promise: calls of one op settle together; a refused call rejects alone', async () => {
  const { core, reg } = fakeRegistration();
  const a = reg.fetch();
  core.refuse.add('fetch');
  const refused = reg.fetch();
  core.refuse.clear();
  const b = reg.fetch();
  await assert.rejects(refused, { code: 'SIPREG_E_BUSY' });
  core.emit('bindings', { op: 'fetch' });
  reg.wake();
  assert.deepEqual(await a, []);
  assert.deepEqual(await b, []);
  reg.close();
});

test('whenRegistered(): resolves on "registered", rejects when the registration stops for good, on abort, on close', async () => {
  const { core, reg } = fakeRegistration();
  const first = reg.whenRegistered();
  core.emit('failed', { state: 'backoff', reason: 'flow', op: 'register' }); // a retry follows: keep waiting
  reg.wake();
  let settled = false;
  first.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await sleep(1);
  assert.equal(settled, false, 'a transient failure does not settle whenRegistered()');
  core.state = 'registered';
  core.emit('registered', { reason: 'ok', op: 'register', granted: 600 });
  reg.wake();
  assert.equal((await first).type, 'registered');
  assert.equal((await reg.whenRegistered()).state, 'registered', 'at once when registered now');

  core.state = 'backoff';
  const stopped = reg.whenRegistered();
  core.state = 'failed';
  core.emit('failed', { reason: 'refused', op: 'register', status: 403, text: 'Forbidden' });
  reg.wake();
  await assert.rejects(stopped, (e) => e.name === 'RegistrationError' && e.status === 403 && e.state === 'failed');

  await assert.rejects(reg.whenRegistered(), { code: 'stopped' }, 'at once while stopped');

  core.state = 'backoff';
  const ac = new AbortController();
  const aborted = reg.whenRegistered({ signal: ac.signal });
  ac.abort(new Error('user gave up'));
  await assert.rejects(aborted, { message: 'user gave up' });
  await assert.rejects(reg.whenRegistered({ signal: ac.signal }), { message: 'user gave up' });

  const closing = reg.whenRegistered();
  reg.close();
  await assert.rejects(closing, { code: 'closed' });
});

test(
  'whenRegistered() waits through a failed first attempt and resolves after the retry (real core, fake socket)',
  { timeout: 10_000 },
  async () => {
    const reg = await sipreg.createRegistration({
      server: 'ws://registrar.invalid',
      aor: 'sip:alice@example.test',
      WebSocket: FakeSocket,
      policy: { retryBase: 1 },
      contacts: [{ uri: 'sip:abc@xyz.invalid;transport=ws' }],
    });
    try {
      const first = reg.register();
      const eventually = reg.whenRegistered();
      await sleep(5);
      const sock = FakeSocket.last;
      sock.deliver(answer(sock.sent[0], '503 Service Unavailable'));
      await assert.rejects(first, { status: 503 });
      for (let i = 0; i < 300 && sock.sent.length < 2; i++) await sleep(10);
      assert.equal(sock.sent.length, 2, 'the core retried');
      sock.deliver(answer(sock.sent[1], '200 OK', 'Contact: <sip:abc@xyz.invalid;transport=ws>;expires=600\r\n'));
      const d = await eventually;
      assert.equal(d.info.state, 'registered');
    } finally {
      reg.close();
    }
  },
);

test("WebSocketFlow.ping(): Node's client sends a ping frame and the pong calls onpong (not ontext); no ping where the implementation has none", async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  await new Promise((r) => wss.once('listening', r));
  let pings = 0;
  wss.on('connection', (s) =>
    s.on('ping', () => {
      pings++;
    }),
  ); // ws answers with a pong itself
  const flow = new lib.WebSocketFlow(`ws://127.0.0.1:${wss.address().port}`, { WebSocket: NodeWebSocket });
  assert.equal(flow.canPing, true);
  const texts = [];
  let pongs = 0;
  flow.ontext = (t) => texts.push(t);
  flow.onpong = () => {
    pongs++;
  };
  assert.equal(flow.ping(), false, 'no ping while down');
  flow.connect();
  await new Promise((r) => flow.addEventListener('up', r, { once: true }));
  assert.equal(flow.ping(), true);
  for (let i = 0; i < 100 && pongs === 0; i++) await sleep(5);
  assert.equal(pongs, 1);
  assert.deepEqual(texts, [], 'a pong is no message');
  assert.equal(pings, 1);
  flow.close();
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));

  const browserLike = new lib.WebSocketFlow('ws://edge.invalid', { WebSocket: FakeSocket });
  assert.equal(browserLike.canPing, false);
  browserLike.connect();
  await new Promise((r) => browserLike.addEventListener('up', r, { once: true }));
  assert.equal(browserLike.ping(), false);
  browserLike.close();
});

test('a stable instance-id per AOR in a Storage; storage errors give none (a random one is used)', () => {
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
  const a = lib.storedInstance('sip:alice@example.test', storage);
  assert.match(a, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(lib.storedInstance('sip:alice@example.test', storage), a, 'the same AOR keeps its instance');
  assert.notEqual(lib.storedInstance('sip:bob@example.test', storage), a, 'another AOR has its own');
  assert.equal(map.get('sipreg.instance:sip:alice@example.test'), a);
  map.set('sipreg.instance:sip:carol@example.test', 'garbage');
  assert.match(lib.storedInstance('sip:carol@example.test', storage), /^urn:uuid:/, 'a damaged entry is replaced');
  const broken = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceeded');
    },
  };
  assert.equal(lib.storedInstance('sip:alice@example.test', broken), undefined);
});

/** The +sip.instance of the first REGISTER a registration sends on the fake socket. */
async function instanceSent(reg) {
  reg.register().catch(() => {});
  for (let i = 0; i < 100 && !FakeSocket.last?.sent.length; i++) await sleep(2);
  const sent = FakeSocket.last.sent[0];
  reg.close();
  return /\+sip\.instance="<([^>]+)>"/.exec(sent)?.[1];
}

test('Node: two registrations with the same store file send the same instance; the file is 0600 JSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sipreg-store-'));
  try {
    const store = join(dir, 'instances.json');
    const make = (aor) => sipreg.createRegistration({ server: 'ws://registrar.invalid', aor, WebSocket: FakeSocket, store });
    const one = await instanceSent(await make('sip:alice@example.test'));
    const two = await instanceSent(await make('sip:alice@example.test'));
    const bob = await instanceSent(await make('sip:bob@example.test'));
    assert.match(one, /^urn:uuid:/);
    assert.equal(two, one);
    assert.notEqual(bob, one);
    assert.deepEqual(JSON.parse(readFileSync(store, 'utf8')), { 'sip:alice@example.test': one, 'sip:bob@example.test': bob });
    assert.equal(statSync(store).mode & 0o777, 0o600);
    const without = await instanceSent(
      await sipreg.createRegistration({ server: 'ws://registrar.invalid', aor: 'sip:alice@example.test', WebSocket: FakeSocket }),
    );
    assert.notEqual(without, one, 'without store or instance: random per process');
    writeFileSync(store, '[not json');
    await assert.rejects(make('sip:alice@example.test'), /instance store .*instances\.json cannot be used/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('watchNetwork(): a changed set of non-internal addresses wakes the target with network: true', async () => {
  let addrs = { lo: [{ address: '127.0.0.1', internal: true }], eth0: [{ address: '192.0.2.10', internal: false }] };
  const wakes = [];
  const stop = sipreg.watchNetwork({ wake: (o) => wakes.push(o) }, { intervalMs: 10, interfaces: () => addrs });
  await sleep(40);
  assert.deepEqual(wakes, [], 'nothing changed');
  addrs = { ...addrs, lo: [{ address: '127.0.0.2', internal: true }] };
  await sleep(40);
  assert.deepEqual(wakes, [], 'an internal address does not count');
  addrs = { lo: addrs.lo, wlan0: [{ address: '198.51.100.7', internal: false }] };
  await sleep(40);
  assert.deepEqual(wakes, [{ network: true }]);
  stop();
  addrs = { lo: addrs.lo };
  await sleep(40);
  assert.equal(wakes.length, 1, 'stopped');
});

test('browser entry: wakeOnResume maps page events to wake(), and the instance comes from the given storage', async () => {
  const web = await import(`${ROOT}web/sipreg.mjs`);
  const win = new EventTarget();
  win.document = new EventTarget();
  win.document.visibilityState = 'hidden';
  win.navigator = { connection: new EventTarget() };
  const wakes = [];
  const stop = web.wakeOnResume({ wake: (o) => wakes.push(o ?? {}) }, win);
  win.dispatchEvent(new Event('offline'));
  win.document.dispatchEvent(new Event('visibilitychange'));
  assert.deepEqual(wakes, [], 'offline and a hidden page do nothing');
  win.dispatchEvent(new Event('online'));
  win.navigator.connection.dispatchEvent(new Event('change'));
  win.dispatchEvent(new Event('pageshow'));
  win.document.visibilityState = 'visible';
  win.document.dispatchEvent(new Event('visibilitychange'));
  assert.deepEqual(wakes, [{ network: true }, { network: true }, {}, {}]);
  stop();
  win.dispatchEvent(new Event('online'));
  assert.equal(wakes.length, 4, 'listeners removed');

  const map = new Map();
  const instanceStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
  const opts = { server: 'ws://registrar.invalid', aor: 'sip:dora@example.test', WebSocket: FakeSocket, instanceStore };
  const first = await instanceSent(await web.createRegistration(opts));
  assert.equal(first, map.get('sipreg.instance:sip:dora@example.test'));
  assert.equal(await instanceSent(await web.createRegistration(opts)), first, 'a reopened page keeps the instance');
  assert.notEqual(await instanceSent(await web.createRegistration({ ...opts, instanceStore: false })), first, 'opted out');
});

test('a configuration the core refuses is named in its words (sipreg_config_problem), and the CLI exits 2', async () => {
  await assert.rejects(
    sipreg.createRegistration({ server: 'ws://registrar.invalid', aor: 'sip:alice@example.test', WebSocket: FakeSocket, expires: 0 }),
    (e) => e.code === 'SIPREG_E_CONFIG' && /expires/.test(e.message) && e.problem === e.message.replace(/^SIPREG_E_CONFIG: /, ''),
  );
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(
    'node',
    [`${ROOT}node/cli.mjs`, 'bindings', '--server', 'ws://registrar.invalid', '--aor', 'sip:a@example.test', '--expires', '0'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), /^sipreg: SIPREG_E_CONFIG: .*expires/);
});

test("RegistrationPool: a pong (no Call-ID) reaches the flow's keeper, so its keep-alive holds", { timeout: 10_000 }, async () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket });
  try {
    const reg = pool.add({
      aor: 'sip:kept@example.test',
      keepalive: 'always',
      policy: { keepaliveS: 1, pongTimeoutMs: 300 },
      contacts: [{ uri: 'sip:kept@xyz.invalid;transport=ws' }],
    });
    const failed = [];
    reg.addEventListener('flowfailed', (e) => failed.push(e.detail));
    const unrouted = [];
    pool.addEventListener('unrouted', (e) => unrouted.push(e.detail.text));
    const done = reg.register();
    await sleep(20);
    const sock = FakeSocket.last;
    for (let i = 0; i < 100 && !sock.sent.length; i++) await sleep(5);
    sock.deliver(answer(sock.sent[0], '200 OK', 'Contact: <sip:kept@xyz.invalid;transport=ws>;expires=600\r\n'));
    await done;
    for (let i = 0; i < 200 && sock.sent.length < 2; i++) await sleep(10);
    assert.equal(sock.sent[1], '\r\n\r\n', 'a keep-alive ping');
    sock.deliver('\r\n');
    await sleep(500); // past the pong deadline
    assert.deepEqual(failed, [], 'the pong was heard');
    assert.deepEqual(unrouted, []);
    assert.equal(FakeSocket.last, sock, 'the flow was kept');
  } finally {
    pool.close();
  }
});

test('a 2xx without our binding rejects saying so, not "register failed: 200 OK"', async () => {
  const reg = await sipreg.createRegistration({
    server: 'ws://registrar.invalid',
    aor: 'sip:alice@example.test',
    WebSocket: FakeSocket,
    contacts: [{ uri: 'sip:abc@xyz.invalid;transport=ws' }],
  });
  try {
    const done = reg.register();
    await sleep(5);
    const sock = FakeSocket.last;
    for (let i = 0; i < 100 && !sock.sent.length; i++) await sleep(2);
    sock.deliver(answer(sock.sent[0], '200 OK', 'Contact: <sip:someone-else@xyz.invalid>;expires=600\r\n'));
    await assert.rejects(done, { message: 'sipreg: register failed: 200 OK did not list our binding' });
  } finally {
    reg.close();
  }
});

test('whenRegistered() rejects when the registrar refuses for good (403 is terminal), and at once afterwards', async () => {
  const reg = await sipreg.createRegistration({
    server: 'ws://registrar.invalid',
    aor: 'sip:alice@example.test',
    WebSocket: FakeSocket,
    contacts: [{ uri: 'sip:abc@xyz.invalid;transport=ws' }],
  });
  try {
    reg.register().catch(() => {});
    const eventually = reg.whenRegistered();
    await sleep(5);
    const sock = FakeSocket.last;
    for (let i = 0; i < 100 && !sock.sent.length; i++) await sleep(2);
    sock.deliver(answer(sock.sent[0], '403 Forbidden'));
    await assert.rejects(eventually, (e) => e.name === 'RegistrationError' && e.status === 403 && e.state === 'failed');
    assert.equal(reg.state, 'failed');
    await assert.rejects(reg.whenRegistered(), { code: 'stopped' });
  } finally {
    reg.close();
  }
});
