// adapters.test.mjs — JsSIP and SIP.js riding sipreg's registration, in Node, against the real
// Kamailio with the relay config: A = the stack on the sipreg adapter (sipreg registers over WS,
// the stack does not register), B = the same stack on its own WebSocket (from `ws`), registered by
// itself. B → A and A → B MESSAGE through Kamailio's location lookup; OPTIONS B → A answered by
// A's JsSIP; a new flow (wake({ network: true })) is followed by the stack and requests reach it
// there; once A's stack stops, the core answers again (480). Each test ends with the
// registrar's table: one binding per AOR, A's being sipreg's contact and instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ROOT, need, sleep, useRegistrar } from './helpers.mjs';

await import(need(`${ROOT}node/index.mjs`, 'node package')); // sipreg picks its WebSocket first
const { jssipConfig } = await import(need(`${ROOT}node/jssip.mjs`, 'node package'));
const { sipjsOptions } = await import(need(`${ROOT}node/sipjs.mjs`, 'node package'));
const require = createRequire(import.meta.url);
// B's stacks open their own WebSocket with the global one (Node 20 has none: `ws`)
globalThis.WebSocket ??= require('ws').WebSocket;
const JsSIP = require('jssip');
const { UserAgent, Registerer, RegistererState, Messager } = await import('sip.js');
JsSIP.debug.disable('JsSIP:*');

const ctx = useRegistrar();

/** Wait until `f()` is truthy. */
async function until(f, what, ms = 5000) {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) {
    const v = f();
    if (v) return v;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A JsSIP request's outcome: the final status (and the response) when it ends. */
function outcome(send) {
  return new Promise((resolve) =>
    send({
      succeeded: (e) => resolve({ status: e.response.status_code, response: e.response }),
      failed: (e) => resolve({ status: e.response?.status_code ?? e.cause, response: e.response }),
    }),
  );
}

/** What the registrar holds for an AOR, and sipreg's own binding compared with it. */
async function heldBy(user) {
  return (await ctx.held(user)).map((b) => ({ contact: b.contact.replace(/^<|>$/g, ''), instance: b.instance, userAgent: b.userAgent }));
}

/** A's contact as Kamailio lists it: sipreg's contact URI, instance as sent (<urn:uuid:…>). */
function assertSipregBinding(held, reg, what) {
  assert.equal(held.length, 1, `${what}: one binding (sipreg's; the stack registered none): ${JSON.stringify(held)}`);
  const c = reg.contact;
  assert.ok(held[0].contact.startsWith(`sip:${c.user}@${c.host}`), `${what}: ${held[0].contact} is sipreg's contact ${c.uri}`);
  assert.equal(held[0].instance?.replace(/^<|>$/g, ''), c.instance?.replace(/^<|>$/g, ''), `${what}: sipreg's instance`);
}

test("JsSIP on sipreg's flow: MESSAGE both ways and OPTIONS through Kamailio, answered by JsSIP; stopped, the core answers 480", async () => {
  const reg = await ctx.make('adj-alice');
  await reg.register();
  const seen = [];
  reg.addEventListener('request', (e) => seen.push(e.detail.method));
  const a = new JsSIP.UA({ ...jssipConfig(reg), session_timers: false });
  const gotA = [];
  a.on('newMessage', (e) => {
    if (e.originator === 'remote') gotA.push(e.request.body);
  });
  a.on('newOptions', (e) => {
    if (e.originator === 'remote') e.message.accept({ extraHeaders: ['X-Answered-By: JsSIP on sipreg'] });
  });
  a.start();
  const b = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(ctx.registrar.wsUrl)],
    uri: 'sip:adj-bob@example.test',
    password: 'secret',
  });
  const gotB = [];
  b.on('newMessage', (e) => {
    if (e.originator === 'remote') gotB.push(e.request.body);
  });
  try {
    const registered = new Promise((resolve, reject) => {
      b.on('registered', resolve);
      b.on('registrationFailed', reject);
    });
    b.start();
    await registered;
    await until(() => a.isConnected(), "A's JsSIP connected on sipreg's flow");

    const toA = await outcome((eventHandlers) => b.sendMessage('sip:adj-alice@example.test', 'hello A', { eventHandlers }));
    assert.equal(toA.status, 200, "B → A: 200 from A's JsSIP");
    assert.deepEqual(gotA, ['hello A']);

    const toB = await outcome((eventHandlers) => a.sendMessage('sip:adj-bob@example.test', 'hello B', { eventHandlers }));
    assert.equal(toB.status, 200, "A → B over sipreg's flow: 200 from B");
    assert.deepEqual(gotB, ['hello B']);

    const opt = await outcome((eventHandlers) => b.sendOptions('sip:adj-alice@example.test', null, { eventHandlers }));
    assert.equal(opt.status, 200);
    assert.equal(opt.response.getHeader('X-Answered-By'), 'JsSIP on sipreg', 'JsSIP answered, not the core');

    // a new flow (the network changed): JsSIP is told it went down, rides the next one
    const down = new Promise((resolve) => a.once('disconnected', resolve));
    const up = new Promise((resolve) => a.once('connected', resolve));
    const again = new Promise((resolve) => reg.addEventListener('registered', resolve, { once: true }));
    reg.wake({ network: true });
    await down;
    await up;
    await again;
    const onNew = await outcome((eventHandlers) => b.sendMessage('sip:adj-alice@example.test', 'on the new flow', { eventHandlers }));
    assert.equal(onNew.status, 200, "B → A over sipreg's new flow");
    assert.deepEqual(gotA, ['hello A', 'on the new flow']);

    a.stop();
    await until(() => !a.isConnected(), "A's JsSIP stopped");
    const after = await outcome((eventHandlers) => b.sendMessage('sip:adj-alice@example.test', 'anyone?', { eventHandlers }));
    assert.equal(after.status, 480, 'with JsSIP gone the core answers by its table');
    assert.equal(gotA.length, 2);
    assert.deepEqual(seen, ['MESSAGE', 'OPTIONS', 'MESSAGE', 'MESSAGE'], 'every request reached the registration');

    assertSipregBinding(await heldBy('adj-alice'), reg, 'adj-alice');
    const bob = await heldBy('adj-bob');
    assert.equal(bob.length, 1, `adj-bob: JsSIP's own binding: ${JSON.stringify(bob)}`);
    assert.match(bob[0].userAgent ?? '', /JsSIP/);
  } finally {
    a.stop();
    b.stop();
  }
});

test("SIP.js on sipreg's flow: MESSAGE both ways through Kamailio (UserAgent without Registerer); stopped, the core answers 480", async () => {
  const reg = await ctx.make('ads-alice');
  await reg.register();
  const gotA = [];
  const quiet = { logLevel: 'error', logBuiltinEnabled: false };
  const a = new UserAgent({
    ...sipjsOptions(reg),
    uri: UserAgent.makeURI(reg.aor),
    ...quiet,
    delegate: {
      onMessage: (m) => {
        gotA.push(m.request.body);
        m.accept();
      },
    },
  });
  const gotB = [];
  const b = new UserAgent({
    uri: UserAgent.makeURI('sip:ads-bob@example.test'),
    transportOptions: { server: ctx.registrar.wsUrl },
    authorizationUsername: 'ads-bob',
    authorizationPassword: 'secret',
    ...quiet,
    delegate: {
      onMessage: (m) => {
        gotB.push(m.request.body);
        m.accept();
      },
    },
  });
  /** @param {UserAgent} from @param {string} to @param {string} body @returns {Promise<number>} the final status */
  const message = (from, to, body) =>
    new Promise((resolve) => {
      new Messager(from, UserAgent.makeURI(to), body)
        .message({
          requestDelegate: { onAccept: (r) => resolve(r.message.statusCode), onReject: (r) => resolve(r.message.statusCode) },
        })
        .catch((e) => resolve(e.message));
    });
  try {
    await a.start();
    assert.equal(a.transport.protocol, 'WS');
    await b.start();
    const registerer = new Registerer(b);
    const registered = new Promise((resolve) =>
      registerer.stateChange.addListener((s) => {
        if (s === RegistererState.Registered) resolve();
      }),
    );
    await registerer.register();
    await registered;

    assert.equal(await message(b, 'sip:ads-alice@example.test', 'hello A'), 200, "B → A: 200 from A's SIP.js");
    assert.deepEqual(gotA, ['hello A']);
    assert.equal(await message(a, 'sip:ads-bob@example.test', 'hello B'), 200, "A → B over sipreg's flow");
    assert.deepEqual(gotB, ['hello B']);

    // a new flow (the network changed): SIP.js is told (Disconnected, with an error) and
    // reconnects when sipreg's flow is back, as the README shows
    const transitions = [];
    a.transport.stateChange.addListener((st) => transitions.push(st));
    const reconnect = () => a.reconnect().catch(() => {});
    reg.addEventListener('flowup', reconnect);
    const again = new Promise((resolve) => reg.addEventListener('registered', resolve, { once: true }));
    reg.wake({ network: true });
    await again;
    await until(() => a.isConnected(), 'SIP.js connected on the new flow');
    assert.deepEqual(transitions, ['Disconnected', 'Connecting', 'Connected']);
    assert.equal(await message(b, 'sip:ads-alice@example.test', 'on the new flow'), 200, "B → A over sipreg's new flow");
    assert.deepEqual(gotA, ['hello A', 'on the new flow']);
    reg.removeEventListener('flowup', reconnect);

    await a.stop();
    assert.equal(await message(b, 'sip:ads-alice@example.test', 'anyone?'), 480, 'with SIP.js gone the core answers by its table');
    assert.equal(gotA.length, 2);

    assertSipregBinding(await heldBy('ads-alice'), reg, 'ads-alice');
    const bob = await heldBy('ads-bob');
    assert.equal(bob.length, 1, `ads-bob: SIP.js's own binding: ${JSON.stringify(bob)}`);
    assert.match(bob[0].userAgent ?? '', /SIP\.js/);
  } finally {
    await a.stop();
    await b.stop();
  }
});
