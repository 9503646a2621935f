// adapters-unit.test.mjs — sipreg/jssip and sipreg/sipjs over a fake Registration (an EventTarget
// with the contract's request/response/flowup/flowdown events, send(), flowUp and contact): the
// refusals, the socket's and the transport's state machines as JsSIP and SIP.js define them, and
// the real JsSIP UA and SIP.js UserAgent (from node_modules) answering and sending through them;
// the entries' types against JsSIP's and SIP.js's own (tests/types/adapters.ts, tsc --strict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { ROOT, sleep, need } from './helpers.mjs';

const { JsSIPSocket, jssipConfig } = await import(need(`${ROOT}node/jssip.mjs`, 'node package'));
const { SipregTransport, sipjsOptions } = await import(need(`${ROOT}node/sipjs.mjs`, 'node package'));
const JsSIP = createRequire(import.meta.url)('jssip');
const { UserAgent, Messager } = await import('sip.js');
JsSIP.debug.disable('JsSIP:*');

const UUID = '2d8f1a3c-5b6e-4f70-8a91-b2c3d4e5f607';

/** A stand-in for a Registration: what the contract gives the adapters, and a record of the rest. */
class FakeRegistration extends EventTarget {
  aor = 'sip:alice@127.0.0.1';
  flowUp = false;
  flow = { kind: 'ws', url: 'ws://127.0.0.1:5066/sip' };
  contact = {
    uri: 'sip:k3j4h5q2@abcd1234.invalid;transport=ws;ob',
    user: 'k3j4h5q2',
    host: 'abcd1234.invalid',
    port: null,
    params: 'transport=ws;ob',
    transport: 'ws',
    instance: `<urn:uuid:${UUID}>`,
  };
  /** @type {string[]} what went out on the flow */
  sent = [];
  /** @type {string[]} requests the "core" answered (nobody prevented the default) */
  coreAnswered = [];
  constructor(over = {}) {
    super();
    Object.assign(this, over);
  }
  send(text) {
    if (!this.flowUp) return false;
    this.sent.push(text);
    return true;
  }
  up() {
    this.flowUp = true;
    this.dispatchEvent(new CustomEvent('flowup', { detail: {} }));
  }
  down() {
    this.flowUp = false;
    this.dispatchEvent(new CustomEvent('flowdown', { detail: { reason: 'closed' } }));
  }
  request(text) {
    const e = new CustomEvent('request', { cancelable: true, detail: { method: text.split(' ')[0], text, answer: 480 } });
    this.dispatchEvent(e);
    if (!e.defaultPrevented) this.coreAnswered.push(text);
  }
  response(text) {
    this.dispatchEvent(new CustomEvent('response', { detail: { text } }));
  }
}

/** Wait until `f()` is truthy. */
async function until(f, what, ms = 2000) {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) {
    const v = f();
    if (v) return v;
    await sleep(5);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A request from bob to the contact (or another Request-URI), as a proxy would relay it. */
let branch = 0;
function requestTo(method, ruri, body = '') {
  branch += 1;
  return [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/WS 127.0.0.1:5066;branch=z9hG4bK-unit-${branch}`,
    'Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-unit-0',
    'Max-Forwards: 69',
    'From: <sip:bob@127.0.0.1>;tag=bobtag1',
    'To: <sip:alice@127.0.0.1>',
    `Call-ID: unit-call-${branch}@127.0.0.1`,
    `CSeq: 7 ${method}`,
    ...(body ? ['Content-Type: text/plain'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** The 200 to a request the stack sent (the reply a peer gives, Via copied). */
function okTo(request) {
  const lines = request.split('\r\n');
  const keep = lines.filter((l) => /^(Via|From|Call-ID|CSeq):/i.test(l));
  const to = lines.find((l) => /^To:/i.test(l));
  return ['SIP/2.0 200 OK', ...keep, `${to};tag=peer1`, 'Content-Length: 0', '', ''].join('\r\n');
}

test('refusals name what is wrong: not a registration, a flow a WebSocket stack cannot speak, bad options', () => {
  const rows = [
    [() => new JsSIPSocket(null), /JsSIPSocket: registration must be a sipreg Registration.*got null/],
    [() => new JsSIPSocket({}), /JsSIPSocket: registration must be a sipreg Registration.*got object/],
    [
      () =>
        new JsSIPSocket(new FakeRegistration({ flow: { kind: 'udp' }, contact: { ...new FakeRegistration().contact, transport: 'udp' } })),
      /flow must be ws or wss.*got "udp"/,
    ],
    [() => new JsSIPSocket(new FakeRegistration({ contact: null })), /has no contact yet/],
    [() => new JsSIPSocket(new FakeRegistration(), { url: 5 }), /option url must be a non-empty string, got 5/],
    [() => new SipregTransport('sip:alice@x'), /SipregTransport: registration must be a sipreg Registration.*got string/],
    [
      () => new SipregTransport(new FakeRegistration(), { connectionTimeout: -1 }),
      /option connectionTimeout must be a positive number of seconds, got -1/,
    ],
    [() => new SipregTransport(new FakeRegistration({ flow: { kind: 'tls' } })), /flow must be ws or wss.*got "tls"/],
    [
      () =>
        sipjsOptions(
          new FakeRegistration({ contact: { ...new FakeRegistration().contact, uri: 'sip:a@10.0.0.1:5070;transport=ws', port: 5070 } }),
        ),
      /sipjsOptions: the contact sip:a@10\.0\.0\.1:5070;transport=ws has a port/,
    ],
    [
      () =>
        sipjsOptions(new FakeRegistration({ contact: { ...new FakeRegistration().contact, uri: 'sip:h.invalid;transport=ws', user: '' } })),
      /has no user part/,
    ],
    [() => jssipConfig(undefined), /registration must be a sipreg Registration.*got undefined/],
  ];
  for (const [make, error] of rows) assert.throws(make, { name: 'TypeError', message: error });
});

test('the configurations carry the registered contact, its instance UUID and the flow', () => {
  const reg = new FakeRegistration();
  const j = jssipConfig(reg);
  assert.deepEqual(
    { ...j, sockets: j.sockets.length },
    {
      sockets: 1,
      register: false,
      uri: 'sip:alice@127.0.0.1',
      contact_uri: reg.contact.uri,
      instance_id: UUID,
    },
  );
  const [socket] = j.sockets;
  assert.deepEqual(
    [socket.via_transport, socket.url, socket.sip_uri],
    ['WS', 'ws://127.0.0.1:5066/sip', 'sip:127.0.0.1:5066;transport=ws'],
  );
  const wss = new JsSIPSocket(new FakeRegistration({ flow: { kind: 'wss', url: 'wss://[::1]/' } }));
  assert.deepEqual([wss.via_transport, wss.sip_uri], ['WSS', 'sip:[::1];transport=ws']);
  const s = sipjsOptions(reg);
  assert.equal(typeof s.transportConstructor, 'function');
  assert.deepEqual(
    { ...s, transportConstructor: 0 },
    {
      transportConstructor: 0,
      contactName: 'k3j4h5q2',
      contactParams: { transport: 'ws', ob: null },
      viaHost: 'abcd1234.invalid',
      instanceId: UUID,
    },
  );
  const t = new s.transportConstructor({ log() {} }, {});
  assert.deepEqual([t.protocol, t.state], ['WS', 'Disconnected']);
  // no instance (outbound off): none passed, the stacks keep their own
  const plain = new FakeRegistration({ contact: { ...reg.contact, instance: '' } });
  assert.equal('instance_id' in jssipConfig(plain), false);
  assert.equal('instanceId' in sipjsOptions(plain), false);
});

test('the instance-id the stacks get: the UUID of sipreg\'s "urn:uuid:…" (RFC 5626 §4.1), or none', () => {
  const rows = [
    [`urn:uuid:${UUID}`, UUID],
    [`<urn:uuid:${UUID}>`, UUID],
    [`URN:UUID:${UUID.toUpperCase()}`, UUID],
    ['urn:uuid:not-a-uuid', undefined],
    ['urn:ietf:params:x', undefined],
    [null, undefined],
    ['', undefined],
  ];
  for (const [instance, uuid] of rows) {
    const reg = new FakeRegistration();
    reg.contact = { ...reg.contact, instance };
    assert.equal(jssipConfig(reg).instance_id, uuid, `jssip ${instance}`);
    assert.equal(sipjsOptions(reg).instanceId, uuid, `sipjs ${instance}`);
  }
});

test('contact parameters as SIP.js takes them (name → value, null for a flag)', () => {
  const rows = [
    [';transport=ws', { transport: 'ws' }],
    ['transport=ws;ob', { transport: 'ws', ob: null }],
    [';transport=wss;lr;x=1', { transport: 'wss', lr: null, x: '1' }],
    ['', {}],
    [null, {}],
  ];
  for (const [params, want] of rows) {
    const reg = new FakeRegistration();
    reg.contact = { ...reg.contact, params };
    assert.deepEqual(sipjsOptions(reg).contactParams, want, String(params));
  }
});

test('JsSIP socket: connected while the flow is up, takes requests and responses only while connected', async () => {
  const reg = new FakeRegistration();
  const socket = new JsSIPSocket(reg);
  const seen = [];
  socket.onconnect = () => seen.push('connect');
  socket.ondisconnect = (error) => seen.push(`disconnect ${error}`);
  socket.ondata = (d) => seen.push(`data ${d.split(' ')[0]}`);
  reg.request(requestTo('OPTIONS', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws'));
  assert.equal(reg.coreAnswered.length, 1, 'before connect() the core answers');
  socket.connect();
  assert.deepEqual([socket.isConnecting(), socket.isConnected()], [true, false]);
  assert.equal(socket.send('x'), false, 'nothing goes out before the flow is up');
  reg.up();
  assert.deepEqual([socket.isConnecting(), socket.isConnected()], [false, true]);
  reg.request(requestTo('MESSAGE', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws', 'hi'));
  reg.response('SIP/2.0 200 OK\r\n\r\n');
  await sleep(1);
  assert.equal(reg.coreAnswered.length, 1, 'taken: the core does not answer');
  assert.equal(socket.send('data'), true);
  assert.deepEqual(reg.sent, ['data']);
  reg.down();
  assert.deepEqual([socket.isConnecting(), socket.isConnected()], [true, false], 'waits for the next flow');
  reg.up();
  socket.disconnect();
  reg.request(requestTo('OPTIONS', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws'));
  await sleep(1);
  assert.equal(reg.coreAnswered.length, 2, 'after disconnect() the core answers again');
  assert.deepEqual(seen, ['connect', 'data MESSAGE', 'data SIP/2.0', 'disconnect true', 'connect']);
  // connect() on a flow that is already up: connected right after (JsSIP's handlers are set first)
  socket.connect();
  await sleep(1);
  assert.equal(socket.isConnected(), true);
});

test('SIP.js transport: the state machine of transport.d.ts over the flow', async () => {
  const reg = new FakeRegistration();
  const t = new SipregTransport(reg, { connectionTimeout: 0.2 });
  const states = [];
  const calls = [];
  t.stateChange.addListener((s) => states.push(s));
  t.onConnect = () => calls.push(`connect ${t.state}`);
  t.onDisconnect = (e) => calls.push(`disconnect ${t.state} ${e ? 'error' : 'asked'}`);
  t.onMessage = (m) => calls.push(`message ${m.split(' ')[0]}`);
  await assert.rejects(t.connect(), /did not come up within 0.2 s/);
  assert.equal(t.state, 'Disconnected');
  await assert.rejects(t.send('x'), /not connected \(state Disconnected\)/);
  const connecting = t.connect();
  assert.equal(t.state, 'Connecting', 'Connecting before connect() returns');
  reg.up();
  await connecting;
  assert.equal(t.isConnected(), true);
  reg.request(requestTo('OPTIONS', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws'));
  await sleep(1);
  assert.equal(reg.coreAnswered.length, 0);
  await t.send('out');
  assert.deepEqual(reg.sent, ['out']);
  reg.down(); // reported, not hidden: Disconnected with an error
  reg.up();
  assert.equal(t.state, 'Disconnected', 'no reconnect of its own (transport.d.ts)');
  reg.request(requestTo('OPTIONS', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws'));
  assert.equal(reg.coreAnswered.length, 1, 'while disconnected the core answers');
  await t.connect();
  await t.disconnect();
  await t.dispose();
  await assert.rejects(t.connect(), /disposed/);
  assert.deepEqual(states, [
    'Connecting',
    'Disconnected',
    'Connecting',
    'Connected',
    'Disconnected',
    'Connecting',
    'Connected',
    'Disconnecting',
    'Disconnected',
  ]);
  assert.deepEqual(calls, [
    'connect Connected',
    'message OPTIONS',
    'disconnect Disconnected error',
    'connect Connected',
    'disconnect Disconnected asked',
  ]);
});

test('a real JsSIP UA answers OPTIONS, receives MESSAGE and sends its own over the fake flow', async () => {
  const reg = new FakeRegistration();
  reg.up();
  const ua = new JsSIP.UA({ ...jssipConfig(reg), session_timers: false });
  const got = [];
  ua.on('newMessage', (e) => {
    if (e.originator === 'remote') got.push(e.request.body);
  });
  ua.start();
  await until(() => ua.isConnected(), 'JsSIP connected');
  reg.request(requestTo('OPTIONS', reg.contact.uri));
  const ok = await until(() => reg.sent.find((m) => m.startsWith('SIP/2.0 200')), 'the 200 to OPTIONS');
  assert.match(ok, /^CSeq: 7 OPTIONS$/m);
  reg.request(requestTo('MESSAGE', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws', 'hello A'));
  await until(() => got.length === 1, 'newMessage');
  assert.deepEqual(got, ['hello A']);
  let done = null;
  ua.sendMessage('sip:bob@127.0.0.1', 'hello B', {
    eventHandlers: {
      succeeded: () => {
        done = 'ok';
      },
      failed: (e) => {
        done = e.cause;
      },
    },
  });
  const out = await until(() => reg.sent.find((m) => m.startsWith('MESSAGE ')), 'JsSIP MESSAGE');
  assert.match(out, /^Via: SIP\/2\.0\/WS abcd1234\.invalid;branch=/m, 'Via names the flow transport and the contact host');
  assert.match(out, /^From: <sip:alice@127\.0\.0\.1>/m);
  reg.response(okTo(out));
  await until(() => done, 'the MESSAGE outcome');
  assert.equal(done, 'ok');
  assert.equal(reg.coreAnswered.length, 0);
  ua.stop();
  await until(() => !ua.isConnected(), 'JsSIP stopped');
  reg.request(requestTo('OPTIONS', reg.contact.uri));
  assert.equal(reg.coreAnswered.length, 1, 'after ua.stop() the core answers');
});

test('a real SIP.js UserAgent answers OPTIONS, receives MESSAGE and sends its own over the fake flow', async () => {
  const reg = new FakeRegistration();
  reg.up();
  const got = [];
  const ua = new UserAgent({
    ...sipjsOptions(reg),
    uri: UserAgent.makeURI(reg.aor),
    logLevel: 'error',
    logBuiltinEnabled: false,
    delegate: {
      onMessage: (m) => {
        got.push(m.request.body);
        m.accept();
      },
    },
  });
  await ua.start();
  reg.request(requestTo('OPTIONS', reg.contact.uri));
  const ok = await until(() => reg.sent.find((m) => m.startsWith('SIP/2.0 200')), 'the 200 to OPTIONS');
  assert.match(ok, /^CSeq: 7 OPTIONS$/m);
  reg.request(requestTo('MESSAGE', 'sip:k3j4h5q2@abcd1234.invalid;transport=ws', 'hello A'));
  await until(() => got.length === 1, 'onMessage');
  assert.deepEqual(got, ['hello A']);
  let done = null;
  const messager = new Messager(ua, UserAgent.makeURI('sip:bob@127.0.0.1'), 'hello B');
  await messager.message({
    requestDelegate: {
      onAccept: () => {
        done = 'ok';
      },
      onReject: (r) => {
        done = r.message.statusCode;
      },
    },
  });
  const out = await until(() => reg.sent.find((m) => m.startsWith('MESSAGE ')), 'SIP.js MESSAGE');
  assert.match(out, /^Via: SIP\/2\.0\/WS abcd1234\.invalid;branch=/m);
  reg.response(okTo(out));
  await until(() => done, 'the MESSAGE outcome');
  assert.equal(done, 'ok');
  assert.equal(reg.coreAnswered.length, 0);
  await ua.stop();
  reg.request(requestTo('OPTIONS', reg.contact.uri));
  assert.equal(reg.coreAnswered.length, 1, 'after userAgent.stop() the core answers');
});

test(
  "types: jssipConfig and sipjsOptions spread into JsSIP's UAConfiguration and SIP.js's UserAgentOptions (tsc --strict)",
  { timeout: 60_000 },
  async () => {
    const tsc = need(`${ROOT}node_modules/typescript/bin/tsc`, 'typescript (npm devDependency; scripts/setup.sh installs it)');
    const { status, out } = await new Promise((resolve) => {
      execFile(process.execPath, [tsc, '-p', `${ROOT}tests/types/adapters.tsconfig.json`], (e, stdout, stderr) =>
        resolve({ status: e ? e.code : 0, out: stdout + stderr }),
      );
    });
    assert.equal(status, 0, out);
  },
);
