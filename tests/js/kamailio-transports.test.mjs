// kamailio-transports.test.mjs — SIP over UDP, TCP and TLS (RFC 3261 §18) from Node against the
// real Kamailio registrar (its UDP, TCP and TLS listeners; the TLS one with the suites' test CA):
// register, refresh, fetch, unregister over each; an outbound proxy (pre-loaded Route, §8.1.2);
// third-party registration (§10.2); CRLF keep-alive pongs on TCP (RFC 5626 §3.5.1); Timer E
// retransmission over UDP (§17.1.2.2); target failover (RFC 3263 §4.3). Every test ends with the
// registrar's own table (kamcmd ul.dump).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { ROOT, need, sleep } from './helpers.mjs';
import { startRegistrar, freeTcpPort } from '../registrar/registrar.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
let registrar;
const open = [];
before(async () => {
  registrar = await startRegistrar({ tls: true });
});
after(async () => {
  for (const r of open) r.close();
  await registrar?.stop();
});

/** A registration of sip:<user>@example.test (password "secret") that logs its messages. */
async function make(user, extra = {}) {
  const reg = await sipreg.createRegistration({
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    tls: { ca: registrar.pki.ca },
    connectTimeout: 3000,
    ...extra,
  });
  open.push(reg);
  reg.log = [];
  reg.addEventListener('message', (e) => reg.log.push(e.detail));
  return reg;
}
const sent = (reg) => reg.log.filter((m) => m.direction === 'out').map((m) => m.text);
const held = async (aor) => (await registrar.dump()).filter((b) => b.aor === aor);
const port = (t) => ({ udp: registrar.udpPort, tcp: registrar.tcpPort, tls: registrar.tlsPort })[t];

const TRANSPORTS = [
  { t: 'udp', via: 'UDP', rport: ';rport', param: '' },
  { t: 'tcp', via: 'TCP', rport: '', param: ';transport=tcp' },
  { t: 'tls', via: 'TLS', rport: '', param: ';transport=tls' },
];

for (const { t, via, rport, param } of TRANSPORTS) {
  test(`${t}: register through the 401, refresh, fetch, unregister; Via and Contact carry the flow's local address`, async () => {
    const user = `tp-${t}`;
    const reg = await make(user, { server: `sip:127.0.0.1:${port(t)};transport=${t}`, registrar: 'sip:127.0.0.1' });
    assert.equal(reg.flow.kind, t);
    const d = await reg.register();
    const { local } = reg.flow;
    assert.equal(local.address, '127.0.0.1');
    assert.deepEqual(reg.info.target, { transport: t, host: '127.0.0.1', port: port(t), address: '127.0.0.1', source: 'literal' });
    const out = sent(reg);
    assert.equal(out.length, 2, 'REGISTER, 401, REGISTER with credentials');
    for (const m of out) {
      assert.ok(m.includes(`\r\nVia: SIP/2.0/${via} 127.0.0.1:${local.port}${rport};branch=z9hG4bK`), m);
      assert.doesNotMatch(m, /^Route:/m, 'the server is the registrar itself: no Route');
    }
    const ours = d.info.bindings.filter((b) => b.ours);
    assert.equal(ours.length, 1);
    assert.match(ours[0].uri, new RegExp(`^sip:\\w+@127\\.0\\.0\\.1:${local.port}${param}$`));
    // the registrar's table: our Contact at our local address, on the listener of this transport
    let h = await held(`${user}@example.test`);
    assert.equal(h.length, 1);
    assert.equal(h[0].contact, ours[0].uri);
    assert.equal(h[0].socket, `${t}:127.0.0.1:${port(t)}`);
    // refresh now: the same binding, CSeq + 1, on the same flow
    await reg.register();
    assert.match(sent(reg).at(-1), /CSeq: 3 REGISTER/);
    assert.deepEqual(reg.flow.local, local, 'the same flow');
    h = await held(`${user}@example.test`);
    assert.equal(h.length, 1);
    assert.equal(h[0].cseq, 3);
    const fetched = await reg.fetch();
    assert.equal(fetched.filter((b) => b.ours).length, 1);
    await reg.unregister();
    assert.equal((await held(`${user}@example.test`)).length, 0);
  });
}

test("outbound proxy: a sip: server on another host than the Request-URI's is a pre-loaded Route with ;lr (RFC 3261 §8.1.2)", async () => {
  const server = `sip:127.0.0.1:${registrar.tcpPort};transport=tcp`;
  const reg = await make('tp-proxy', { server });
  await reg.register();
  const out = sent(reg);
  assert.equal(out.length, 2);
  for (const m of out) {
    assert.match(m, /^REGISTER sip:example\.test SIP\/2\.0\r\n/, "the Request-URI is the AOR's domain (§10.2)");
    assert.ok(m.includes(`\r\nRoute: <${server};lr>\r\n`), m);
  }
  const h = await held('tp-proxy@example.test');
  assert.equal(h.length, 1);
  assert.equal(h[0].socket, `tcp:127.0.0.1:${registrar.tcpPort}`);
  await reg.unregister();
  assert.equal((await held('tp-proxy@example.test')).length, 0);
});

test("third-party registration over UDP: From is the one responsible, To (and the registrar's table) the AOR registered (§10.2)", async () => {
  // the test registrar lets a third party register with its own credentials (From user)
  const reg = await make('tp-boss', {
    server: `sip:127.0.0.1:${registrar.udpPort}`,
    registrar: 'sip:127.0.0.1',
    from: 'sip:tp-assistant@example.test',
  });
  await reg.register();
  for (const m of sent(reg)) {
    assert.match(m, /^From: <sip:tp-assistant@example\.test>;tag=/m);
    assert.match(m, /^To: <sip:tp-boss@example\.test>\r\n/m);
  }
  assert.match(
    sent(reg)[1],
    /^Authorization: Digest username="tp-assistant", realm="example\.test"/m,
    'the digest username defaults to the From user',
  );
  assert.equal((await held('tp-boss@example.test')).length, 1);
  assert.equal((await held('tp-assistant@example.test')).length, 0);
  await reg.unregister();
  assert.equal((await held('tp-boss@example.test')).length, 0);
});

test('CRLF keep-alive on TCP (keepalive always): Kamailio answers each CRLFCRLF ping with a CRLF pong, no flow failure', async () => {
  const reg = await make('tp-ka', {
    server: `sip:127.0.0.1:${registrar.tcpPort};transport=tcp`,
    registrar: 'sip:127.0.0.1',
    keepalive: 'always',
    policy: { keepaliveS: 1, pongTimeoutMs: 800 },
  });
  const failed = [];
  reg.addEventListener('flowfailed', (e) => failed.push(e.detail));
  await reg.register();
  const local = reg.flow.local;
  await sleep(3500);
  const pings = sent(reg).filter((m) => m === '\r\n\r\n').length;
  const pongs = reg.log.filter((m) => m.direction === 'in' && m.text === '\r\n').length;
  assert.ok(pings >= 2, `${pings} pings in 3.5 s`);
  assert.ok(pongs >= pings - 1, `${pongs} pongs for ${pings} pings`);
  assert.deepEqual(failed, []);
  assert.deepEqual(reg.flow.local, local, 'still the first connection');
  const h = await held('tp-ka@example.test');
  assert.equal(h.length, 1);
  assert.equal(h[0].socket, `tcp:127.0.0.1:${registrar.tcpPort}`);
  await reg.unregister();
});

/**
 * A UDP relay in front of the registrar that drops the first `drop` datagrams from the client:
 * records every datagram it got from the client.
 */
async function lossyRelay(drop) {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  await new Promise((r) => front.bind(0, '127.0.0.1', r));
  await new Promise((r) => back.bind(0, '127.0.0.1', r));
  const seen = [];
  let client = null;
  front.on('message', (m, from) => {
    client = from;
    seen.push({ at: performance.now(), text: m.toString() });
    if (seen.length > drop) back.send(m, registrar.udpPort, '127.0.0.1');
  });
  back.on('message', (m) => {
    if (client) front.send(m, client.port, client.address);
  });
  return {
    port: front.address().port,
    seen,
    close: () => {
      front.close();
      back.close();
    },
  };
}

test('UDP: a lost REGISTER is sent again by Timer E (T1 = 100 ms here), same branch and CSeq (RFC 3261 §17.1.2.2)', async () => {
  const relay = await lossyRelay(1);
  try {
    const reg = await make('tp-lost', { server: `sip:127.0.0.1:${relay.port}`, registrar: 'sip:127.0.0.1', policy: { t1Ms: 100 } });
    await reg.register();
    const [first, again] = relay.seen;
    assert.equal(again.text, first.text, 'the retransmission is the same request');
    const gap = again.at - first.at;
    assert.ok(gap >= 80 && gap < 400, `resent after ${gap.toFixed(0)} ms`);
    assert.equal(relay.seen.length, 3, 'lost REGISTER, its copy (401), REGISTER with credentials');
    const h = await held('tp-lost@example.test');
    assert.equal(h.length, 1);
    assert.match(h[0].contact, new RegExp(`@127\\.0\\.0\\.1:${reg.flow.local.port}$`));
    await reg.unregister();
    assert.equal((await held('tp-lost@example.test')).length, 0);
  } finally {
    relay.close();
  }
});

test('failover (RFC 3263 §4.3): a refused TCP target and a UDP target that answers ICMP unreachable are passed over', async () => {
  const deadTcp = await freeTcpPort();
  const deadUdp = await new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const reg = await make('tp-fo', {
    registrar: 'sip:127.0.0.1',
    targets: [
      { transport: 'tcp', host: '127.0.0.1', port: deadTcp },
      { transport: 'udp', host: '127.0.0.1', port: deadUdp },
      { transport: 'udp', host: '127.0.0.1', port: registrar.udpPort },
    ],
  });
  const downs = [];
  reg.addEventListener('flowdown', (e) => downs.push(e.detail.cause.code));
  const t0 = performance.now();
  await reg.register();
  assert.ok(performance.now() - t0 < 3000, 'no back-off in between');
  assert.equal(reg.info.target.port, registrar.udpPort);
  assert.deepEqual(downs, ['ECONNREFUSED'], 'the refused TCP target is passed over inside the flow; the UDP one answers ICMP');
  const h = await held('tp-fo@example.test');
  assert.equal(h.length, 1);
  assert.equal(h[0].socket, `udp:127.0.0.1:${registrar.udpPort}`);
  await reg.unregister();
});

test('failover on 503 (policy.alternates): the registration drops the flow and the next target gets the same attempt', async () => {
  const second = await startRegistrar();
  try {
    await registrar.setFault503(true, 0);
    const reg = await make('tp-503', {
      registrar: 'sip:127.0.0.1',
      policy: { alternates: 1 },
      targets: [
        { transport: 'udp', host: '127.0.0.1', port: registrar.udpPort },
        { transport: 'tcp', host: '127.0.0.1', port: second.tcpPort },
      ],
    });
    const failed = [];
    reg.addEventListener('flowfailed', (e) => failed.push(e.detail.status));
    await reg.register();
    assert.deepEqual(failed, [503]);
    assert.equal(reg.info.target.port, second.tcpPort);
    assert.match(sent(reg).at(-1), /^Via: SIP\/2\.0\/TCP /m);
    assert.equal((await held('tp-503@example.test')).length, 0, 'nothing at the first registrar');
    const h = (await second.dump()).filter((b) => b.aor === 'tp-503@example.test');
    assert.equal(h.length, 1);
    assert.equal(h[0].socket, `tcp:127.0.0.1:${second.tcpPort}`);
    await reg.unregister();
    assert.equal((await second.dump()).length, 0);
  } finally {
    await registrar.setFault503(false);
    await second.stop();
  }
});

test('a REGISTER over policy.udpMax goes over TCP to the same host and port (RFC 3261 §18.1.1); the UDP Contact is removed', async () => {
  assert.equal(registrar.tcpPort, registrar.udpPort, 'the registrar takes TCP on its UDP port number');
  const reg = await make('tp-big', { server: `sip:127.0.0.1:${registrar.udpPort}`, registrar: 'sip:127.0.0.1', policy: { udpMax: 560 } });
  await reg.register();
  const [first, second] = sent(reg);
  assert.match(first, /^Via: SIP\/2\.0\/UDP /m);
  assert.ok(first.length <= 560, `${first.length} bytes over UDP`);
  assert.match(second, /^Via: SIP\/2\.0\/TCP /m);
  assert.ok(second.length > 560, `${second.length} bytes over TCP`);
  assert.equal(reg.flow.kind, 'tcp');
  const h = await held('tp-big@example.test');
  assert.equal(h.length, 1, 'only the TCP binding (the UDP one was never granted or was removed)');
  assert.equal(h[0].socket, `tcp:127.0.0.1:${registrar.tcpPort}`);
  assert.match(h[0].contact, new RegExp(`@127\\.0\\.0\\.1:${reg.flow.local.port};transport=tcp$`));
  await reg.unregister();
  assert.equal((await held('tp-big@example.test')).length, 0);
});

test('TLS: a certificate that does not name the server is refused before any SIP (cause tls)', async () => {
  const reg = await make('tp-badname', {
    server: `sips:127.0.0.1:${registrar.tlsPort}`,
    registrar: 'sip:127.0.0.1',
    tls: { ca: registrar.pki.ca, servername: 'wrong.example.test' },
    policy: { retryBase: 600, retryMax: 1800 },
  });
  const err = await reg.register().catch((e) => e);
  assert.equal(err.reason, 'flow');
  assert.equal(err.cause.code, 'tls');
  assert.equal(err.cause.tls, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.deepEqual(sent(reg), [], 'nothing sent');
  assert.equal((await held('tp-badname@example.test')).length, 0);
});
