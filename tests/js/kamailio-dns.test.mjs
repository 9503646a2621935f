// kamailio-dns.test.mjs — RFC 3263 end to end: no `server`, only a DNS server (dnsmasq on
// 127.0.0.1) whose NAPTR and SRV records for example.test point at two Kamailio registrars over
// UDP; sipreg finds the first, and fails over to the second when the first refuses the datagram
// (stopped), never answers (frozen: Timer F) or answers 503 (RFC 3263 §4.3). Each test ends with
// both registrars' own tables (kamcmd ul.dump).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need } from './helpers.mjs';
import { startRegistrar } from '../registrar/registrar.mjs';
import { startDns } from '../registrar/dns.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

/** @type {any} */ let first;
/** @type {any} */ let second;
/** @type {any} */ let dns;
/** @type {any[]} */ const open = [];

before(async () => {
  [first, second] = await Promise.all([startRegistrar(), startRegistrar()]);
  dns = await startDns({ records: {
    // RFC 3263 §4.1: UDP offered through NAPTR, its SRV lists both registrars, the first preferred
    naptr: { 'example.test': [{ order: 10, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.example.test' }] },
    srv: { '_sip._udp.example.test': [
      { priority: 10, weight: 0, port: first.udpPort, target: 'sip1.example.test' },
      { priority: 20, weight: 0, port: second.udpPort, target: 'sip2.example.test' }] },
    a: { 'sip1.example.test': ['127.0.0.1'], 'sip2.example.test': ['127.0.0.1'] },
  } });
});

after(async () => {
  for (const r of open) r.close();
  await Promise.all([first?.stop(), second?.stop(), dns?.stop()]);
});

/**
 * A registration of sip:<user>@example.test located by DNS only (no server), small timers.
 * @param {string} user
 */
async function make(user) {
  const reg = await sipreg.createRegistration({
    aor: `sip:${user}@example.test`, auth: { password: 'secret' }, dns: [dns.server], expires: 600,
    // Timer F = 64·T1 = 3.2 s; one retry on another server per attempt (§4.3)
    policy: { t1Ms: 50, alternates: 1 }, connectTimeout: 2000,
  });
  open.push(reg);
  return reg;
}

/** The registrar's bindings of sip:<user>@example.test. */
const held = async (registrar, user) => (await registrar.dump()).filter((b) => b.aor === `${user}@example.test`);

/** The parts of info.target that locate() chose (the flow adds `domain`: the name asked for). */
const where = (t) => t && { transport: t.transport, host: t.host, port: t.port, address: t.address, source: t.source };
const sip1 = () => ({ transport: 'udp', host: 'sip1.example.test', port: first.udpPort, address: '127.0.0.1', source: 'naptr' });
const sip2 = () => ({ transport: 'udp', host: 'sip2.example.test', port: second.udpPort, address: '127.0.0.1', source: 'naptr' });

test('NAPTR → SRV → A: registers at the preferred registrar; info.target says where', async () => {
  const reg = await make('d1');
  const d = await reg.register();
  assert.equal(d.info.state, 'registered');
  assert.deepEqual(where(reg.info.target), sip1());
  assert.match(dns.log(), /query\[NAPTR\] example\.test from 127\.0\.0\.1/, 'the DNS server was asked: NAPTR');
  assert.match(dns.log(), /query\[SRV\] _sip\._udp\.example\.test from/, 'then the SRV it named');
  assert.equal((await held(first, 'd1')).length, 1, 'the first registrar holds the binding');
  assert.equal((await held(second, 'd1')).length, 0, 'the second holds nothing');
  const sent = [];
  reg.addEventListener('message', (e) => { if (e.detail.direction === 'out') sent.push(e.detail.text); });
  await reg.unregister();
  assert.match(sent[0], /^REGISTER sip:example\.test SIP\/2\.0\r\n/, 'the Request-URI is not rewritten (§4)');
  assert.match(sent[0], /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;/);
  assert.equal((await held(first, 'd1')).length, 0);
});

test('the first answers 503: the same REGISTER goes to the second (§4.3)', async () => {
  await first.setFault(503, { retryAfter: 0 });
  try {
    const reg = await make('d2');
    const failed = [];
    reg.addEventListener('flowfailed', (e) => failed.push(e.detail));
    await reg.register();
    assert.deepEqual(where(reg.info.target), sip2());
    assert.equal(failed.length, 1, 'one flow failed');
    assert.equal((await held(second, 'd2')).length, 1);
    assert.equal((await held(first, 'd2')).length, 0, 'a 503 stores nothing');
  } finally {
    await first.setFault(0);
  }
});

test('the first never answers (frozen): after Timer F, the second (§4.3)', async () => {
  first.freeze();
  try {
    const reg = await make('d3');
    const t0 = Date.now();
    await reg.register();
    const ms = Date.now() - t0;
    assert.deepEqual(where(reg.info.target), sip2());
    assert.ok(ms >= 3000 && ms < 10000, `failed over after Timer F (64·T1 = 3.2 s): ${ms} ms`);
  } finally {
    first.thaw();
  }
  assert.equal((await held(second, 'd3')).length, 1);
  assert.equal((await held(first, 'd3')).length, 0, 'nothing reached the first while it slept');
});

test('the first is down (port closed, ICMP refused): the second at once', async () => {
  await first.stop();
  const reg = await make('d4');
  const t0 = Date.now();
  await reg.register();
  assert.deepEqual(where(reg.info.target), sip2());
  assert.ok(Date.now() - t0 < 3000, `no Timer F wait: ${Date.now() - t0} ms`);
  assert.equal((await held(second, 'd4')).length, 1);
  assert.equal((await second.dump()).filter((b) => b.aor.startsWith('d')).length, 3, 'd2, d3, d4 at the second');
});
