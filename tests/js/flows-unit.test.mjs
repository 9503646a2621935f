// flows-unit.test.mjs — node/flows.mjs without sockets: which flow and Route makeFlow chooses for
// each kind of `server` (a table), and SipFlow's target failover (RFC 3263 §4.3) and switch to
// TCP (RFC 3261 §18.1.1) over scripted flows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT } from './helpers.mjs';

const { makeFlow, SipFlow, sipUriParts } = await import(`${ROOT}node/flows.mjs`);

const AOR = 'sip:alice@example.test';
const ROWS = [
  { server: 'wss://edge.example.test', flow: undefined, route: undefined },
  { server: 'ws://127.0.0.1:8080', flow: undefined, route: undefined },
  { server: 'sip:127.0.0.1', kind: 'udp', port: 5060, route: 'sip:127.0.0.1' },
  { server: 'sip:127.0.0.1:5070;transport=tcp', kind: 'tcp', port: 5070, route: 'sip:127.0.0.1:5070;transport=tcp' },
  { server: 'sip:127.0.0.1;transport=TLS', kind: 'tls', port: 5061, route: 'sip:127.0.0.1;transport=TLS' },
  { server: 'sips:[::1]:5071', kind: 'tls', port: 5071, address: '::1', route: 'sips:[::1]:5071' },
  { server: 'sip:127.0.0.1', transport: 'tcp', kind: 'tcp', port: 5060, route: 'sip:127.0.0.1' },
  // the server is the registrar itself (the Request-URI's host): no Route
  { server: 'sip:127.0.0.1:5070', registrar: 'sip:127.0.0.1', kind: 'udp', port: 5070, route: undefined },
  { server: 'sip:10.0.0.1', aor: 'sip:bob@10.0.0.1', kind: 'udp', port: 5060, route: undefined },
  // an explicit route wins
  { server: 'sip:127.0.0.1', route: 'sip:other.example.test', kind: 'udp', port: 5060, given: true },
];

test('makeFlow: ws/wss stay WebSocket; sip:/sips: servers give a SipFlow and, on another host, a Route', () => {
  for (const row of ROWS) {
    const o = {
      aor: row.aor ?? AOR,
      server: row.server,
      registrar: row.registrar,
      transport: row.transport,
      ...(row.given ? { route: row.route } : {}),
    };
    const flow = makeFlow(o);
    const name = JSON.stringify(row);
    assert.equal(o.route, row.route, name);
    if (!row.kind) {
      assert.equal(flow, undefined, name);
      continue;
    }
    assert.ok(flow instanceof SipFlow, name);
    assert.equal(flow.kind, row.kind, name);
    assert.equal(flow.up, false);
    assert.equal(flow.canPing, false);
  }
});

test('makeFlow: configuration problems are SIPREG_E_CONFIG errors naming the value', () => {
  const rows = [
    [{ server: 'http://x.test' }, /server must be a ws:\/\/, wss:\/\/, sip: or sips: URI, got "http:\/\/x\.test"/],
    [{ server: 'sip:127.0.0.1;transport=sctp' }, /transport=sctp/],
    [{ server: 'sips:127.0.0.1;transport=udp' }, /TLS only/],
    [{ server: 'sip:127.0.0.1:70000' }, /port 70000/],
    [{ server: 'sip:127.0.0.1', transport: 'ws' }, /transport must be udp, tcp or tls/],
    [{ aor: undefined, server: undefined }, /a server, a registrar or an AOR/],
  ];
  for (const [o, message] of rows) {
    assert.throws(
      () => makeFlow({ aor: AOR, ...o }),
      (e) => e.code === 'SIPREG_E_CONFIG' && message.test(e.message),
      JSON.stringify(o),
    );
  }
});

test('sipUriParts: host, port, transport of SIP URIs', () => {
  assert.deepEqual(sipUriParts('sip:alice@Example.TEST:5070;transport=TCP'), {
    secure: false,
    host: 'example.test',
    port: 5070,
    transport: 'tcp',
  });
  assert.deepEqual(sipUriParts('<sips:[2001:db8::1]>'), { secure: true, host: '2001:db8::1', port: null, transport: null });
  assert.equal(sipUriParts('tel:+15551234'), null);
});

/**
 * A scripted flow: `plan` says how each connect ends ('up' or a cause code); records sends.
 */
class Scripted extends EventTarget {
  constructor(target, kind, log) {
    super();
    Object.assign(this, { target, kind, log, up: false, local: null, heard: false, ontext: null });
  }
  connect() {
    const outcome = this.target.plan.shift() ?? 'up';
    this.log.push(`${this.kind}:${this.target.port}`);
    queueMicrotask(() => {
      if (outcome === 'up') {
        this.up = true;
        this.local = { address: '127.0.0.1', port: 40000 + this.log.length };
        this.dispatchEvent(new Event('up'));
      } else this.#down(outcome, false);
    });
  }
  #down(code, wasUp, extra = {}) {
    this.up = false;
    this.dispatchEvent(
      new CustomEvent('down', { detail: { code: 0, reason: code, wasUp, requested: false, cause: { code, message: code, ...extra } } }),
    );
  }
  send() {
    return this.up;
  }
  fail(why) {
    if (this.up) this.#down('failed', true, { why });
  }
  close() {
    this.up = false;
  }
}

function scripted(targets) {
  const log = [];
  const events = [];
  const flow = new SipFlow({ locate: () => targets, open: (t, k) => new Scripted(t, k, log) });
  for (const type of ['up', 'down'])
    flow.addEventListener(type, (e) => events.push(type === 'up' ? `up ${flow.target.port}` : `down ${e.detail.cause.code}`));
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return { flow, log, events, settle };
}

test('SipFlow failover: refused targets are passed over inside one connect; fail() moves on; a round that fails whole is one down', async () => {
  const targets = [
    { transport: 'tcp', host: 'a', address: '127.0.0.1', port: 1, plan: ['ECONNREFUSED', 'ECONNREFUSED'] },
    { transport: 'udp', host: 'b', address: '127.0.0.1', port: 2, plan: ['up', 'ENETUNREACH'] },
    { transport: 'tls', host: 'c', address: '127.0.0.1', port: 3, plan: ['up', 'tls'] },
  ];
  const { flow, log, events, settle } = scripted(targets);
  flow.connect();
  await settle();
  assert.deepEqual(log, ['tcp:1', 'udp:2'], 'the refused first target is passed over');
  assert.deepEqual(events, ['up 2']);
  assert.equal(flow.kind, 'udp');
  flow.fail('timeout'); // Timer F, or a 503 with alternates
  await settle();
  assert.deepEqual(events, ['up 2', 'down failed']);
  flow.connect();
  await settle();
  assert.deepEqual(log.slice(2), ['tls:3'], 'after fail() the next target');
  assert.equal(flow.kind, 'tls');
  flow.fail('status');
  flow.connect(); // every target now fails: tcp:1 refused, udp:2 unreachable, tls:3 bad certificate
  await settle();
  assert.deepEqual(log.slice(3), ['tcp:1', 'udp:2', 'tls:3']);
  assert.deepEqual(events.slice(2), ['up 3', 'down failed', 'down tls'], 'one down for the whole round, with the last cause');
  assert.equal(flow.lastCause.code, 'tls');
});

test("SipFlow connect('tcp'): the UDP flow gives way (down, requested) and TCP goes to the same target (RFC 3261 §18.1.1)", async () => {
  const targets = [{ transport: 'udp', host: 'a', address: '127.0.0.1', port: 5060, plan: [] }];
  const { flow, log, events, settle } = scripted(targets);
  const downs = [];
  flow.addEventListener('down', (e) => downs.push(e.detail));
  flow.connect();
  await settle();
  flow.connect('tcp');
  await settle();
  assert.deepEqual(log, ['udp:5060', 'tcp:5060']);
  assert.deepEqual(events, ['up 5060', 'down closed', 'up 5060']);
  assert.equal(downs[0].requested, true);
  assert.equal(flow.kind, 'tcp');
  flow.fail('timeout');
  flow.connect();
  await settle();
  assert.deepEqual(log.slice(2), ['tcp:5060'], 'it stays on TCP');
});

test('SipFlow: a locate failure is a down with its code; the next connect locates again', async () => {
  let calls = 0;
  const flow = new SipFlow({
    name: 'sip:nowhere.test',
    locate: async () => {
      calls++;
      throw Object.assign(new Error('no records for nowhere.test'), { code: 'ENOTFOUND' });
    },
  });
  const downs = [];
  flow.addEventListener('down', (e) => downs.push(e.detail));
  flow.connect();
  await new Promise((r) => setTimeout(r, 5));
  flow.connect();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(calls, 2);
  assert.deepEqual(
    downs.map((d) => [d.cause.code, d.wasUp]),
    [
      ['ENOTFOUND', false],
      ['ENOTFOUND', false],
    ],
  );
  assert.match(downs[0].cause.message, /nowhere\.test/);
  assert.equal(flow.url, 'sip:nowhere.test', 'errors name what was located while no target is known');
});

test('RegistrationPool takes sip: over UDP only: TCP, TLS and sips: are a clear configuration error', async () => {
  const { RegistrationPool } = await import(`${ROOT}node/index.mjs`);
  assert.throws(
    () => new RegistrationPool({ server: 'sip:127.0.0.1;transport=tcp' }),
    (e) => e.code === 'SIPREG_E_CONFIG' && /UDP sockets .*, got "sip:127\.0\.0\.1;transport=tcp" \(transport=tcp: /.test(e.message),
  );
  assert.throws(
    () => new RegistrationPool({ server: 'sips:127.0.0.1' }),
    (e) => e.code === 'SIPREG_E_CONFIG' && /\(sips: is TLS/.test(e.message),
  );
  new RegistrationPool({ server: 'sip:127.0.0.1;transport=udp' }).close();
  const pool = new RegistrationPool({ server: 'ws://127.0.0.1:1' });
  pool.close();
});
