// glue-sip-flow.test.mjs — the glue with a host's own flow (env.makeFlow; a fake in place of
// node/flows.mjs's UDP/TCP/TLS flows): on 'up' the registration learns the flow's kind and local
// address (setFlow: Via sent-by and the generated Contact), the core's connect event says which
// kind it needs (connect('tcp') for a REGISTER that outgrew UDP, RFC 3261 §18.1.1), fail(why)
// drops the flow for failover (RFC 3263 §4.3), and from/route/policy options reach the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, answer, sleep, need } from './helpers.mjs';

const { core } = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const lib = await import(`${ROOT}node/lib/index.mjs`);

/**
 * A fake flow with the interface every transport implements (bindings/js/websocket-flow.mjs is
 * the model): records connect kinds, fail reasons and sent messages; local ports count up from
 * 40000 per connection, like a system's ephemeral ports.
 */
class FakeFlow extends EventTarget {
  static last = null;
  constructor(kind) {
    super();
    this.kind = kind;
    this.up = false;
    this.local = null;
    this.target = null;
    this.lastCause = null;
    this.canPing = false;
    this.ontext = null;
    this.onpong = null;
    this.sent = [];
    this.connects = [];
    this.fails = [];
    this.port = 40000;
    FakeFlow.last = this;
  }
  connect(kind) {
    this.connects.push(kind);
    if (this.opening || (this.up && !(kind === 'tcp' && this.kind === 'udp'))) return;
    if (this.up) this.#down('closed'); // leave UDP for a stream flow
    if (kind) this.kind = kind;
    this.opening = true;
    setTimeout(() => {
      this.opening = false;
      this.up = true;
      this.local = { address: this.kind === 'tcp' ? '2001:db8::7' : '192.0.2.7', port: ++this.port };
      this.dispatchEvent(new Event('up'));
    }, 1);
  }
  send(text) {
    this.sent.push(text);
    return true;
  }
  fail(why) {
    this.fails.push(why);
    this.#down('failed');
  }
  close() {
    this.up = false;
  }
  #down(code) {
    this.up = false;
    this.lastCause = { code, message: code };
    this.dispatchEvent(new CustomEvent('down', { detail: { code, reason: code, wasUp: true, requested: true, cause: this.lastCause } }));
  }
  /** The nth (1-based) message sent, waiting for it. */
  async nth(n, waitMs = 1000) {
    for (const t0 = Date.now(); Date.now() - t0 < waitMs && this.sent.length < n;) await sleep(2);
    assert.ok(this.sent.length >= n, `expected ${n} sends, got ${this.sent.length}`);
    return this.sent[n - 1];
  }
  deliver(text) {
    this.ontext?.(text);
  }
}

/** A registration over a FakeFlow of `kind`, made through bind()'s makeFlow hook. */
async function setup(kind, options = {}) {
  const api = lib.bind(core, { WebSocket: null, makeFlow: () => new FakeFlow(kind) });
  const reg = await api.createRegistration({
    server: 'sip:registrar.invalid',
    aor: 'sip:alice@example.test',
    auth: { password: 'secret' },
    outbound: false,
    ...options,
  });
  return { reg, flow: FakeFlow.last };
}

const CHALLENGE =
  'WWW-Authenticate: Digest realm="example.test", nonce="0123456789abcdef0123456789abcdef", ' +
  'qop="auth", opaque="feedfacefeedfacefeedfacefeedface"\r\n';

test("setFlow: the flow's kind and local address become Via sent-by and the generated Contact", async () => {
  const rows = [
    { kind: 'udp', via: 'Via: SIP/2.0/UDP 192.0.2.7:40001;rport;branch=', contact: /Contact: <sip:\w+@192\.0\.2\.7:40001>\r\n/ },
    {
      kind: 'tcp',
      via: 'Via: SIP/2.0/TCP [2001:db8::7]:40001;branch=',
      contact: /Contact: <sip:\w+@\[2001:db8::7\]:40001;transport=tcp>\r\n/,
    },
  ];
  for (const row of rows) {
    const { reg, flow } = await setup(row.kind);
    try {
      reg.register().catch(() => {});
      const first = await flow.nth(1);
      assert.ok(first.includes(row.via), `${row.kind}: ${first}`);
      assert.match(first, row.contact);
      assert.deepEqual(flow.connects, [undefined], 'the first connect asks for any flow');
    } finally {
      reg.close();
    }
  }
  // a bad kind is a clear error, not a crash
  const { reg } = await setup('udp');
  assert.throws(() => reg.setFlow('sctp', { address: '192.0.2.1', port: 5060 }), TypeError);
  assert.throws(() => reg.setFlow('udp', { address: 'bad host', port: 5060 }), /SIPREG_E_INVAL/);
  reg.close();
});

test('a local address the core refuses is an error event; the flow is still used', async () => {
  const { reg, flow } = await setup('udp');
  try {
    const errors = [];
    reg.addEventListener('error', (e) => errors.push(e.detail));
    flow.connect = function (kind) {
      // this flow reports an address that is no URI host
      this.connects.push(kind);
      setTimeout(() => {
        this.up = true;
        this.local = { address: 'not a host', port: 5060 };
        this.dispatchEvent(new Event('up'));
      }, 1);
    };
    reg.register().catch(() => {});
    const first = await flow.nth(1);
    assert.match(first, /^REGISTER /);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'SIPREG_E_INVAL');
  } finally {
    reg.close();
  }
});

test("a REGISTER larger than policy.udpMax: connect('tcp'), then it goes over TCP (RFC 3261 §18.1.1)", async () => {
  const { reg, flow } = await setup('udp', { policy: { udpMax: 600 } });
  try {
    const done = reg.register();
    const first = await flow.nth(1);
    assert.match(first, /^Via: SIP\/2\.0\/UDP /m);
    flow.deliver(answer(first, '401 Unauthorized', CHALLENGE));
    const second = await flow.nth(2);
    assert.deepEqual(flow.connects, [undefined, 'tcp'], 'the core asked for a stream flow');
    assert.equal(flow.kind, 'tcp');
    assert.match(second, /^Via: SIP\/2\.0\/TCP \[2001:db8::7\]:40002;branch=/m);
    assert.match(second, /Authorization: Digest username="alice"/);
    assert.match(second, /CSeq: 2 REGISTER/);
    assert.ok(second.length > 600, `${second.length} bytes`);
    // the UDP Contact went out in the first REGISTER: removed once, the TCP one takes over
    assert.match(second, /^Contact: <sip:\w+@192\.0\.2\.7:40001>;expires=0\r\n/m);
    const contact = /Contact: <([^>]+;transport=tcp)>\r\n/.exec(second)?.[1];
    assert.ok(contact, second);
    flow.deliver(answer(second, '200 OK', `Contact: <${contact}>;expires=600\r\n`));
    await done;
    assert.equal(reg.state, 'registered');
  } finally {
    reg.close();
  }
});

test('from, route and policy.alternates reach the core: a 503 drops the flow (fail) and the attempt goes again at once', async () => {
  const { reg, flow } = await setup('tcp', {
    from: 'sip:assistant@example.test',
    route: 'sip:edge.example.test:5070',
    policy: { alternates: 1 },
  });
  try {
    const failed = [];
    reg.addEventListener('flowfailed', (e) => failed.push(e.detail));
    const done = reg.register();
    const first = await flow.nth(1);
    assert.match(first, /^From: <sip:assistant@example\.test>;tag=/m);
    assert.match(first, /^To: <sip:alice@example\.test>\r\n/m);
    assert.match(first, /^Route: <sip:edge\.example\.test:5070;lr>\r\n/m);
    flow.deliver(answer(first, '503 Service Unavailable', 'Retry-After: 60\r\n'));
    const second = await flow.nth(2);
    assert.deepEqual(flow.fails, ['status'], 'the flow was dropped for the next server');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].status, 503);
    assert.deepEqual(flow.connects, [undefined, undefined]);
    assert.match(second, /CSeq: 2 REGISTER/);
    assert.match(second, /^Route: <sip:edge\.example\.test:5070;lr>\r\n/m);
    // the alternates are used up: the second 503 is the attempt's failure (Retry-After)
    flow.deliver(answer(second, '503 Service Unavailable', 'Retry-After: 60\r\n'));
    await assert.rejects(done, (e) => e.status === 503 && e.at > Date.now() + 50_000);
    assert.equal(reg.state, 'backoff');
    assert.deepEqual(flow.fails, ['status']);
  } finally {
    reg.close();
  }
});

test('a configuration problem in the new options names the option and the value', async () => {
  await assert.rejects(
    setup('udp', { route: 'http://proxy.test' }),
    (e) => e.code === 'SIPREG_E_CONFIG' && /route .*must be a sip: or sips: URI, got "http:\/\/proxy\.test"/.test(e.message),
  );
  await assert.rejects(
    setup('udp', { from: 'tel:+15551234' }),
    (e) => e.code === 'SIPREG_E_CONFIG' && /from .*got "tel:\+15551234"/.test(e.message),
  );
  await assert.rejects(
    setup('udp', { policy: { alternates: -1 } }),
    (e) => e.code === 'SIPREG_E_CONFIG' && e.key === 'alternates' && e.value === -1,
  );
  await assert.rejects(setup('udp', { policy: { udpMax: 70000 } }), (e) => e.code === 'SIPREG_E_CONFIG' && e.key === 'udp-max');
});
