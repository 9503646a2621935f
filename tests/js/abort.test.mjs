// abort.test.mjs — cancellation the platform way: register, unregister, fetch, setContacts and
// whenRegistered take { signal }. A signal aborted already rejects at once with signal.reason and
// nothing is sent; an abort later rejects only that call's promise: the core has no "cancel", so
// the request on the wire is answered and the registration goes on (events, state) as without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, FakeSocket, answer, sleep, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

/** Wait until the fake socket has sent `n` messages; the nth. */
async function sent(sock, n, waitMs = 1000) {
  for (const t0 = Date.now(); Date.now() - t0 < waitMs && sock.sent.length < n;) await sleep(2);
  assert.ok(sock.sent.length >= n, `expected ${n} sends, got ${sock.sent.length}`);
  return sock.sent[n - 1];
}

const CONTACT = 'sip:abc@xyz.invalid;transport=ws';
const OK = (expires = 600) => `Contact: <${CONTACT}>;expires=${expires}\r\n`;

/** A registration on a fake socket; `registered`: already registered (socket and first request done). */
async function setup(registered = false) {
  const reg = await sipreg.createRegistration({
    server: 'ws://registrar.invalid',
    aor: 'sip:alice@example.test',
    WebSocket: FakeSocket,
    contacts: [{ uri: CONTACT }],
  });
  if (!registered) return { reg, sock: null };
  const done = reg.register();
  await sleep(5);
  const sock = FakeSocket.last;
  sock.deliver(answer(await sent(sock, 1), '200 OK', OK()));
  await done;
  return { reg, sock };
}

/** [call, registered first] for each call that takes a signal. */
const CALLS = [
  ['register', false, (reg, signal) => reg.register({ signal })],
  ['unregister', true, (reg, signal) => reg.unregister({ signal })],
  ['unregister all', true, (reg, signal) => reg.unregister({ all: true, signal })],
  ['fetch', true, (reg, signal) => reg.fetch({ signal })],
  ['setContacts', true, (reg, signal) => reg.setContacts([{ uri: 'sip:new@xyz.invalid;transport=ws' }], { signal })],
];

test('a signal aborted already: the call rejects at once with signal.reason and nothing is sent', async () => {
  for (const [name, registered, call] of CALLS) {
    const { reg, sock } = await setup(registered);
    try {
      const sockets = FakeSocket.all.length;
      const before = sock?.sent.length ?? 0;
      const stateBefore = reg.state;
      const reason = new Error(`stop ${name}`);
      await assert.rejects(call(reg, AbortSignal.abort(reason)), (e) => e === reason, name);
      await sleep(5);
      assert.equal(FakeSocket.all.length, sockets, `${name}: no flow opened`);
      assert.equal(sock?.sent.length ?? 0, before, `${name}: nothing sent`);
      assert.equal(reg.state, stateBefore, `${name}: state unchanged`);
    } finally {
      reg.close();
    }
  }
});

test('an abort while waiting rejects that call only; the request is still answered and the state moves', async () => {
  // [call, the event of its outcome, the state after it]
  const outcome = {
    register: ['registered', 'registered'],
    unregister: ['unregistered', 'idle'],
    'unregister all': ['unregistered', 'idle'],
    fetch: ['bindings', 'registered'],
    setContacts: ['registered', 'registered'],
  };
  for (const [name, registered, call] of CALLS) {
    const { reg, sock: first } = await setup(registered);
    try {
      const [event, state] = outcome[name];
      const heard = new Promise((resolve) => reg.addEventListener(event, resolve, { once: true }));
      const controller = new AbortController();
      const aborted = call(reg, controller.signal);
      await sleep(5);
      const sock = first ?? FakeSocket.last;
      const request = await sent(sock, first ? 2 : 1);
      controller.abort(); // the default reason: an AbortError DOMException
      await assert.rejects(aborted, (e) => e.name === 'AbortError', name);
      // the registrar's answer: what it holds now (nothing after a removal, the new contact after a swap)
      const removal = /Contact: \*|Expires: 0/.test(request);
      const held = name === 'setContacts' ? 'Contact: <sip:new@xyz.invalid;transport=ws>;expires=600\r\n' : OK();
      sock.deliver(answer(request, '200 OK', removal ? '' : held));
      await heard;
      assert.equal(reg.state, state, `${name}: the outcome moved the state`);
      assert.equal(sock.sent.length, first ? 2 : 1, `${name}: one request, answered`);
    } finally {
      reg.close();
    }
  }
});

test('AbortSignal.timeout rejects with its TimeoutError; the registration keeps trying as before', async () => {
  const { reg } = await setup(false);
  try {
    await assert.rejects(reg.register({ signal: AbortSignal.timeout(20) }), (e) => e.name === 'TimeoutError');
    assert.equal(reg.state, 'registering');
    const sock = FakeSocket.last;
    sock.deliver(answer(await sent(sock, 1), '200 OK', OK()));
    await reg.whenRegistered({ signal: AbortSignal.timeout(1000) });
    assert.equal(reg.state, 'registered');
  } finally {
    reg.close();
  }
});

test('whenRegistered: an abort rejects with signal.reason and leaves the other waiters waiting', async () => {
  const { reg } = await setup(false);
  try {
    const controller = new AbortController();
    const reason = new Error('gave up waiting');
    const waiting = reg.whenRegistered({ signal: controller.signal });
    const other = reg.whenRegistered();
    controller.abort(reason);
    await assert.rejects(waiting, (e) => e === reason);
    const r = reg.register();
    await sleep(5);
    const sock = FakeSocket.last;
    sock.deliver(answer(await sent(sock, 1), '200 OK', OK()));
    await r;
    assert.equal((await other).type, 'registered');
  } finally {
    reg.close();
  }
});

test("an aborted call's abort listener is removed once it settles (no leak on a long-lived signal)", async () => {
  const { reg, sock } = await setup(true);
  try {
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = (...a) => {
      listeners++;
      add(...a);
    };
    controller.signal.removeEventListener = (...a) => {
      listeners--;
      remove(...a);
    };
    for (let i = 0; i < 3; i++) {
      const f = reg.fetch({ signal: controller.signal });
      const request = await sent(sock, 2 + i);
      sock.deliver(answer(request, '200 OK', OK()));
      await f;
    }
    assert.equal(listeners, 0);
  } finally {
    reg.close();
  }
});
