// requests.test.mjs — requests on the registered flow through the JS API, against a fake
// WebSocket: the core's request table as the answers a peer sees, respond() and preventDefault(),
// send() of the app's own messages, 'response' events for the app's transactions, flowup /
// flowdown, reg.contact, and a pool routing requests to the member whose contact they name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, FakeSocket, answer, sleep, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

const CONTACT = 'sip:abc@xyz.invalid;transport=ws';

/** A request from a peer to `ruri`, as a proxy relays it over the flow. */
function request(method, ruri = CONTACT, { branch = 'z9hG4bKpeer1', toTag = '', extra = '', cseq = method, callId = 'peer-call-1' } = {}) {
  return (
    `${method} ${ruri} SIP/2.0\r\n` +
    `Via: SIP/2.0/WSS proxy.example.test;branch=${branch}\r\n` +
    'Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKup;rport=5060\r\n' +
    'Max-Forwards: 69\r\nFrom: <sip:bob@example.test>;tag=bob1\r\n' +
    `To: <${ruri}>${toTag}\r\nCall-ID: ${callId}\r\nCSeq: 4 ${cseq}\r\n${extra}Content-Length: 0\r\n\r\n`
  );
}

/** Wait until the fake socket has sent `n` messages; the n-th. */
async function sent(sock, n, waitMs = 1000) {
  for (const t0 = Date.now(); Date.now() - t0 < waitMs && sock.sent.length < n;) await sleep(2);
  assert.ok(sock.sent.length >= n, `expected ${n} sends, got ${sock.sent.length}`);
  return sock.sent[n - 1];
}

/** A registered registration on a fake socket (contact CONTACT) and its socket. */
async function registered(extra = {}) {
  const reg = await sipreg.createRegistration({
    server: 'ws://registrar.invalid',
    aor: 'sip:alice@example.test',
    WebSocket: FakeSocket,
    contacts: [{ uri: CONTACT }],
    instance: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    ...extra,
  });
  const ups = [];
  reg.addEventListener('flowup', (e) => ups.push(e.detail));
  const done = reg.register();
  await sleep(5);
  const sock = FakeSocket.last;
  sock.deliver(answer(await sent(sock, 1), '200 OK', `Contact: <${CONTACT}>;expires=600\r\n`));
  await done;
  assert.equal(ups.length, 1, 'flowup once');
  return { reg, sock };
}

/** The status line of the last message the socket sent after `before` messages. */
async function reply(sock, before) {
  const text = await sent(sock, before + 1);
  return text;
}

// The request table as a peer sees it: request → the status sent back (none for ACK).
const TABLE = [
  ['OPTIONS to our contact', request('OPTIONS'), 200],
  ['OPTIONS to the AOR', request('OPTIONS', 'sip:alice@example.test'), 200],
  ['INVITE, nobody listens', request('INVITE'), 480],
  ['MESSAGE, nobody listens', request('MESSAGE'), 480],
  ['FOO', request('FOO'), 501],
  ['to someone else', request('INVITE', 'sip:carol@example.test'), 404],
  ['in a dialog we do not hold', request('BYE', CONTACT, { toTag: ';tag=x' }), 481],
  ['CANCEL', request('CANCEL'), 481],
  ['Require: 100rel', request('INVITE', CONTACT, { extra: 'Require: 100rel\r\n' }), 420],
  ['http: Request-URI', request('OPTIONS', 'http://example.test/'), 416],
  ['CSeq of another method', request('INVITE', CONTACT, { cseq: 'BYE' }), 400],
  ['ACK', request('ACK', CONTACT, { toTag: ';tag=x' }), 0],
];

test('the core answers requests nobody takes, by its table', async () => {
  const { reg, sock } = await registered();
  const seen = [];
  reg.addEventListener('request', (e) => seen.push({ method: e.detail.method, answer: e.detail.answer }));
  try {
    for (const [name, text, status] of TABLE) {
      const before = sock.sent.length;
      sock.deliver(text);
      await sleep(3);
      if (status === 0) {
        assert.equal(sock.sent.length, before, `${name}: nothing is sent`);
      } else {
        const out = await reply(sock, before);
        assert.match(out, new RegExp(`^SIP/2.0 ${status} `), name);
        assert.match(out, /\r\nCall-ID: peer-call-1\r\n/, `${name}: Call-ID copied`);
      }
      assert.equal(seen.at(-1).answer, status, `${name}: detail.answer`);
      assert.equal(seen.at(-1).method, /^(\w+)/.exec(text)[1]);
    }
    assert.equal(seen.length, TABLE.length, 'every request is an event');
    const ok = sock.sent.find((t) => t.startsWith('SIP/2.0 200'));
    assert.match(ok, /\r\nAllow: OPTIONS\r\n/);
    assert.match(ok, /\r\nAccept: application\/sdp\r\n/);
    assert.match(ok, /\r\nTo: <sip:abc@xyz\.invalid;transport=ws>;tag=[0-9a-f]{16}\r\n/);
    assert.equal(reg.state, 'registered', 'requests do not disturb the registration');
  } finally {
    reg.close();
  }
});

test('respond(), preventDefault() and the parse view', async () => {
  const { reg, sock } = await registered({
    allow: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'],
    accept: ['application/sdp', 'text/plain'],
  });
  try {
    // a listener that responds: its status, reason and headers, and nothing else
    const off = (e) => {
      assert.equal(e.detail.message.method, 'INVITE');
      assert.equal(e.detail.message.callId, 'peer-call-1');
      assert.equal(e.detail.respond(486, undefined, { 'Retry-After': 30 }), 486);
    };
    reg.addEventListener('request', off);
    let before = sock.sent.length;
    sock.deliver(request('INVITE'));
    await sleep(3);
    assert.equal(sock.sent.length, before + 1, 'one response');
    assert.match(sock.sent.at(-1), /^SIP\/2.0 486 Busy Here\r\n/);
    assert.match(sock.sent.at(-1), /\r\nRetry-After: 30\r\n/);
    reg.removeEventListener('request', off);

    // preventDefault: nothing is sent until the app answers (later, a 180 then a 603)
    let later;
    const take = (e) => {
      e.preventDefault();
      later = e.detail;
    };
    reg.addEventListener('request', take);
    before = sock.sent.length;
    sock.deliver(request('INVITE', CONTACT, { branch: 'z9hG4bKpeer2' }));
    await sleep(5);
    assert.equal(sock.sent.length, before, 'taken: nothing sent');
    assert.equal(later.respond(180), 180);
    assert.equal(later.respond(603, 'Not Now'), 603);
    assert.match(sock.sent.at(-2), /^SIP\/2.0 180 Ringing\r\n/);
    assert.match(sock.sent.at(-1), /^SIP\/2.0 603 Not Now\r\n/);
    const tag = (t) => /\r\nTo: [^\r]*;tag=(\w+)/.exec(t)[1];
    assert.equal(tag(sock.sent.at(-2)), tag(sock.sent.at(-1)), 'one To tag per transaction');
    // refusals name the argument
    assert.throws(
      () => later.respond(99),
      (e) => e.code === 'SIPREG_E_CONFIG' && e.option === 'status',
    );
    assert.throws(
      () => later.respond(200, 'two\r\nlines'),
      (e) => e.option === 'reason',
    );
    assert.throws(
      () => later.respond(200, undefined, 'Call-ID: mine\r\n'),
      (e) => e.option === 'headers',
    );
    assert.throws(
      () => later.respond(200, undefined, 'Foo bar'),
      (e) => e.option === 'headers',
    );
    reg.removeEventListener('request', take);

    // the configured Allow and Accept
    before = sock.sent.length;
    sock.deliver(request('OPTIONS', CONTACT, { branch: 'z9hG4bKpeer3' }));
    const ok = await reply(sock, before);
    assert.match(ok, /\r\nAllow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nAccept: application\/sdp, text\/plain\r\n/);
  } finally {
    reg.close();
  }
});

test('send(), response events, message events, reg.contact, flowdown', async () => {
  const { reg, sock } = await registered();
  try {
    const msgs = [];
    reg.addEventListener('message', (e) => msgs.push(e.detail));
    const responses = [];
    reg.addEventListener('response', (e) => responses.push(e.detail));
    const own =
      'MESSAGE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKapp1\r\n' +
      'From: <sip:alice@example.test>;tag=app\r\nTo: <sip:bob@example.test>\r\nCall-ID: app-call\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n';
    assert.equal(reg.send(own), true);
    assert.equal(sock.sent.at(-1), own, 'sent as it is');
    assert.deepEqual(msgs.at(-1), { direction: 'out', text: own });
    const resp =
      'SIP/2.0 202 Accepted\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKapp1\r\n' +
      'From: <sip:alice@example.test>;tag=app\r\nTo: <sip:bob@example.test>;tag=b\r\nCall-ID: app-call\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n';
    sock.deliver(resp);
    await sleep(2);
    assert.equal(responses.length, 1);
    assert.equal(responses[0].text, resp);
    assert.equal(responses[0].message.status, 202);
    assert.equal(msgs.at(-1).result, 'SIPREG_E_ASYMMETRIC');
    // a late copy of the core's own response is no 'response' event: the core says it is stale
    sock.deliver(answer(sock.sent[0], '200 OK', `Contact: <${CONTACT}>;expires=600\r\n`));
    await sleep(2);
    assert.equal(responses.length, 1);
    assert.equal(msgs.at(-1).result, 'stale');
    let held;
    reg.addEventListener(
      'request',
      (e) => {
        e.preventDefault();
        held = e.detail;
      },
      { once: true },
    );
    sock.deliver(request('OPTIONS'));
    await sleep(2);
    assert.ok(msgs.some((m) => m.direction === 'in' && m.result === 'request'));

    assert.deepEqual(reg.contact, {
      uri: CONTACT,
      user: 'abc',
      host: 'xyz.invalid',
      port: null,
      params: ';transport=ws',
      transport: 'ws',
      instance: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    });
    assert.equal(reg.flowUp, true);
    const downs = [];
    reg.addEventListener('flowdown', (e) => downs.push(e.detail));
    sock.drop();
    assert.equal(downs.length, 1);
    assert.equal(reg.flowUp, false);
    assert.equal(reg.send(own), false, 'nothing is sent while the flow is down');
    assert.equal(held.respond(200), 0, 'a response needs the flow its request came on');
    await sleep(5);
    assert.ok(!FakeSocket.last.sent.some((t) => t.startsWith('SIP/2.0 200')), 'not sent on the next flow either');
  } finally {
    reg.close();
  }
});

test('a pool routes requests to the member their Request-URI names', async () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket, rate: 5000 });
  try {
    const regs = ['a1', 'b2', 'c3'].map((u) =>
      pool.add({ aor: `sip:${u}@example.test`, contacts: [{ uri: `sip:${u}x@pool.invalid;transport=ws` }] }),
    );
    const all = pool.registerAll();
    await sleep(30);
    const sock = FakeSocket.last;
    for (let i = 0; i < 200 && sock.sent.length < 3; i++) await sleep(2);
    for (const req of [...sock.sent]) {
      const contact = /Contact: <([^>]+)>/.exec(req)[1];
      sock.deliver(answer(req, '200 OK', `Contact: <${contact}>;expires=600\r\n`));
    }
    await all;
    const onReg = [],
      onPool = [];
    regs[1].addEventListener('request', (e) => onReg.push(e.detail.registration));
    pool.addEventListener('request', (e) => onPool.push(e.detail));
    const before = sock.sent.length;
    sock.deliver(request('INVITE', 'sip:b2x@POOL.invalid;transport=ws'));
    await sleep(3);
    assert.deepEqual(onReg, [regs[1]], 'the member whose contact it names');
    assert.equal(onPool.length, 1);
    assert.equal(onPool[0].registration, regs[1]);
    assert.match(sock.sent[before], /^SIP\/2.0 480 /);
    // a request for none of them: the pool's event with registration null, then 404
    sock.deliver(request('OPTIONS', 'sip:nobody@pool.invalid', { branch: 'z9hG4bKp2' }));
    await sleep(3);
    assert.equal(onPool.length, 2);
    assert.equal(onPool[1].registration, null);
    assert.match(sock.sent.at(-1), /^SIP\/2.0 404 /);
    // a pool listener may take it
    pool.addEventListener('request', (e) => e.detail.respond(200), { once: true });
    sock.deliver(request('OPTIONS', 'sip:a1@example.test', { branch: 'z9hG4bKp3' }));
    await sleep(3);
    assert.equal(onPool.at(-1).registration, regs[0], 'the AOR names its member');
    assert.match(sock.sent.at(-1), /^SIP\/2.0 200 /);
    // a response for none of them
    const responses = [];
    pool.addEventListener('response', (e) => responses.push(e.detail));
    sock.deliver(answer(request('MESSAGE', 'sip:x@y', { callId: 'app-9' }), '200 OK'));
    await sleep(2);
    assert.equal(responses.length, 1);
    assert.equal(responses[0].registration, null);
    assert.equal(responses[0].message.callId, 'app-9');
  } finally {
    pool.close();
  }
});

// allow / accept: what is refused, named by the option (the core's words for one-line values)
const REFUSED = [
  [{ allow: 'INVITE' }, 'allow', /must be an array/],
  [{ allow: ['INVITE', 7] }, 'allow[1]', /non-empty string, got 7/],
  [{ accept: [''] }, 'accept[0]', /non-empty string/],
  [{ allow: ['INVITE\r\nX-Evil: 1'] }, 'allow', /one line/],
  [{ accept: ['text/plain\nX: y'] }, 'accept', /one line/],
];

test('allow and accept refusals name the option', async () => {
  for (const [opts, option, words] of REFUSED) {
    await assert.rejects(
      sipreg.createRegistration({ server: 'ws://registrar.invalid', aor: 'sip:a@example.test', WebSocket: FakeSocket, ...opts }),
      (e) => e.code === 'SIPREG_E_CONFIG' && e.option === option && words.test(e.message),
      `${JSON.stringify(opts)} → ${option}`,
    );
  }
});
