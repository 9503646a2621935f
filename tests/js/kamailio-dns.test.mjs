// kamailio-dns.test.mjs — RFC 3263 end to end: no `server`, only a DNS server (dnsmasq on
// 127.0.0.1) whose NAPTR and SRV records for example.test point at two Kamailio registrars over
// UDP; sipreg finds the first, and fails over to the second when the first refuses the datagram
// (stopped), never answers (frozen: Timer F) or answers 503 (RFC 3263 §4.3). A second domain's
// NAPTR records offer TLS first (the second registrar's TLS port) and UDP after: TLS is chosen.
// Each test ends with the registrars' own tables (kamcmd ul.dump).
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
  [first, second] = await Promise.all([startRegistrar(), startRegistrar({ tls: true })]);
  dns = await startDns({
    records: {
      // RFC 3263 §4.1: UDP offered through NAPTR, its SRV lists both registrars, the first preferred
      naptr: {
        'example.test': [{ order: 10, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.example.test' }],
        // the §4.1 recommendation: SIPS first (lower order), then SIP over UDP
        'secure.example.test': [
          { order: 10, preference: 10, flags: 's', service: 'SIPS+D2T', replacement: '_sips._tcp.secure.example.test' },
          { order: 20, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.example.test' },
        ],
      },
      srv: {
        '_sip._udp.example.test': [
          { priority: 10, weight: 0, port: first.udpPort, target: 'sip1.example.test' },
          { priority: 20, weight: 0, port: second.udpPort, target: 'sip2.example.test' },
        ],
        '_sips._tcp.secure.example.test': [{ priority: 10, weight: 0, port: second.tlsPort, target: 'sip2.example.test' }],
      },
      a: { 'sip1.example.test': ['127.0.0.1'], 'sip2.example.test': ['127.0.0.1'] },
    },
  });
});

after(async () => {
  for (const r of open) r.close();
  await Promise.all([first?.stop(), second?.stop(), dns?.stop()]);
});

/**
 * A registration of sip:<user>@<domain> located by DNS only (no server), small timers.
 * @param {string} user
 * @param {object} [extra]
 */
async function make(user, extra = {}, domain = 'example.test') {
  const reg = await sipreg.createRegistration({
    aor: `sip:${user}@${domain}`,
    auth: { password: 'secret' },
    dns: [dns.server],
    expires: 600,
    ...extra,
    // Timer F = 64·T1 = 3.2 s; one retry on another server per attempt (§4.3)
    policy: { t1Ms: 50, alternates: 1 },
    connectTimeout: 2000,
  });
  open.push(reg);
  return reg;
}

/** The registrar's bindings of sip:<user>@<domain>. */
const held = async (registrar, user, domain = 'example.test') => (await registrar.dump()).filter((b) => b.aor === `${user}@${domain}`);

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
  reg.addEventListener('message', (e) => {
    if (e.detail.direction === 'out') sent.push(e.detail.text);
  });
  await reg.unregister();
  assert.match(sent[0], /^REGISTER sip:example\.test SIP\/2\.0\r\n/, 'the Request-URI is not rewritten (§4)');
  assert.match(sent[0], /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;/);
  assert.equal((await held(first, 'd1')).length, 0);
});

test('NAPTR offers TLS first: registered over TLS at the SIPS+D2T target', async () => {
  // the test certificate names localhost and 127.0.0.1, not secure.example.test (RFC 5922 §4
  // would check the domain): the test says which name to expect
  const reg = await make('d5', { tls: { ca: second.pki.ca, servername: 'localhost' } }, 'secure.example.test');
  await reg.register();
  assert.deepEqual(where(reg.info.target), {
    transport: 'tls',
    host: 'sip2.example.test',
    port: second.tlsPort,
    address: '127.0.0.1',
    source: 'naptr',
  });
  const h = await held(second, 'd5', 'secure.example.test');
  assert.equal(h.length, 1);
  assert.equal(h[0].socket, `tls:127.0.0.1:${second.tlsPort}`, 'the registrar got it over TLS');
  assert.match(h[0].contact, /;transport=tls/);
  assert.equal((await held(first, 'd5', 'secure.example.test')).length, 0);
});

test('a domain without NAPTR, SRV or A records: register() rejects, its cause ENOTFOUND naming the domain', async () => {
  const reg = await make('d6', {}, 'nowhere.example.test');
  const err = await reg.register().then(
    () => null,
    (e) => e,
  );
  assert.ok(err, 'rejected');
  assert.equal(err.cause?.code, 'ENOTFOUND', JSON.stringify(err.cause));
  assert.match(err.message, /no flow to sip:nowhere\.example\.test \(ENOTFOUND\)/);
  assert.match(err.cause.message, /no NAPTR, SRV or A\/AAAA records for nowhere\.example\.test/, JSON.stringify(err.cause));
  reg.close();
  for (const r of [first, second]) assert.equal((await held(r, 'd6', 'nowhere.example.test')).length, 0);
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
  assert.deepEqual(
    (await second.dump())
      .map((b) => b.aor)
      .filter((a) => a.endsWith('@example.test'))
      .sort(),
    ['d2@example.test', 'd3@example.test', 'd4@example.test'],
    'every failover ended at the second',
  );
});
