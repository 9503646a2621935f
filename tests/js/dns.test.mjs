// dns.test.mjs — locate() (RFC 3263 §4) against a real DNS server: dnsmasq on 127.0.0.1 serving
// NAPTR, SRV, A and AAAA records for example.test (tests/registrar/dns.mjs). Every test also reads
// dnsmasq's own query log: the queries RFC 3263 calls for reached the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { locate } from '../../node/locate.mjs';
import { startDns } from '../registrar/dns.mjs';
import { seeded } from './seeded-random.mjs';

const srv = (priority, weight, port, target) => ({ priority, weight, port, target });
const naptr = (order, preference, service, replacement, flags = 's') => ({ order, preference, flags, service, replacement });

const RECORDS = {
  a: {
    'sip1.example.test': ['127.0.0.1'],
    'sip2.example.test': ['127.0.0.2', '127.0.0.3'],
    'tls.example.test': ['127.0.0.4'],
    'plain.example.test': ['127.0.0.9'],
    'w1.example.test': ['127.0.1.1'],
    'w3.example.test': ['127.0.1.3'],
  },
  aaaa: { 'sip2.example.test': ['::1'] },
  naptr: {
    // the RFC 3263 §4.1 shape: SIPS first, then TCP, then UDP
    'secure.example.test': [
      naptr(50, 50, 'SIPS+D2T', '_sips._tcp.secure.example.test'),
      naptr(90, 50, 'SIP+D2T', '_sip._tcp.secure.example.test'),
      naptr(100, 50, 'SIP+D2U', '_sip._udp.secure.example.test'),
    ],
    'loop.example.test': [naptr(10, 10, 'SIP+D2U', 'loop2.example.test', '')],
    'loop2.example.test': [naptr(10, 10, 'SIP+D2U', 'loop.example.test', '')],
  },
  srv: {
    '_sips._tcp.secure.example.test': [srv(0, 0, 5061, 'tls.example.test')],
    '_sip._tcp.secure.example.test': [srv(0, 0, 5060, 'sip1.example.test')],
    '_sip._udp.secure.example.test': [srv(0, 0, 5060, 'sip1.example.test')],
    '_sip._udp.two.example.test': [srv(20, 10, 5070, 'sip2.example.test'), srv(10, 10, 5060, 'sip1.example.test')],
    '_sip._udp.weights.example.test': [srv(0, 100, 5060, 'w1.example.test'), srv(0, 300, 5060, 'w3.example.test')],
    '_sip._udp.closed.example.test': [srv(0, 0, 0, '.')],
  },
};

let dns;
before(async () => {
  dns = await startDns({ records: RECORDS });
});
after(async () => {
  await dns?.stop();
});

/** Lines of dnsmasq's log with a query for `name` (type, name). */
const queried = (name) =>
  dns
    .log()
    .split('\n')
    .filter((l) => l.includes(`] ${name} from`))
    .map((l) => /query\[(\w+)\]/.exec(l)?.[1])
    .filter(Boolean);
const brief = (ts) => ts.map((t) => `${t.transport} ${t.address}:${t.port} ${t.host} ${t.source}`);

test('NAPTR selects TLS: the SIPS+D2T record of the lowest order, its SRV, its A record', async () => {
  const got = await locate('sip:alice@secure.example.test', { dns: [dns.server] });
  assert.deepEqual(brief(got), ['tls 127.0.0.4:5061 tls.example.test naptr']);
  assert.deepEqual(queried('secure.example.test'), ['NAPTR']);
  assert.deepEqual(queried('_sips._tcp.secure.example.test'), ['SRV']);
  assert.deepEqual(queried('_sip._udp.secure.example.test'), [], 'a higher NAPTR order is not looked at');
});

test('NAPTR for a client without TLS: the SIP+D2T record (RFC 3263 §4.1 example)', async () => {
  const got = await locate('sip:alice@secure.example.test', { dns: [dns.server], secure: false });
  assert.deepEqual(brief(got), ['tcp 127.0.0.1:5060 sip1.example.test naptr']);
});

test('SRV with two targets: priority order, every address of each target (A then AAAA)', async () => {
  const got = await locate('sip:alice@two.example.test', { dns: [dns.server] });
  const b = brief(got);
  assert.equal(b[0], 'udp 127.0.0.1:5060 sip1.example.test srv', 'priority 10 first');
  // sip2's A records in the order the server gave them (its choice), then its AAAA
  assert.deepEqual(b.slice(1, 3).sort(), ['udp 127.0.0.2:5070 sip2.example.test srv', 'udp 127.0.0.3:5070 sip2.example.test srv']);
  assert.equal(b[3], 'udp ::1:5070 sip2.example.test srv');
  assert.equal(b.length, 4);
  assert.deepEqual(queried('two.example.test'), ['NAPTR'], 'NAPTR first; none there, so SRV per transport');
  for (const name of ['_sips._tcp.two.example.test', '_sip._tcp.two.example.test', '_sip._udp.two.example.test']) {
    assert.deepEqual(queried(name), ['SRV'], name);
  }
});

test('SRV weights honoured over 2,000 lookups (weights 100 and 300: 3 in 4 first at w3)', async () => {
  const random = seeded(2026);
  const n = 2000;
  let w3 = 0;
  for (let i = 0; i < n; i++) {
    const got = await locate('sip:alice@weights.example.test;transport=udp', { dns: [dns.server], random });
    assert.equal(got.length, 2);
    if (got[0].host === 'w3.example.test') w3++;
  }
  assert.ok(Math.abs(w3 / n - 300 / 401) < 0.03, `w3 first in ${w3} of ${n}`);
  assert.equal(queried('_sip._udp.weights.example.test').length, n, 'every lookup asked the server');
});

test('an unknown name: ENOTFOUND naming it, after NAPTR, SRV and A/AAAA', async () => {
  const err = await locate('sip:alice@nobody.example.test', { dns: [dns.server] }).catch((e) => e);
  assert.equal(err.code, 'ENOTFOUND');
  assert.equal(err.hostname, 'nobody.example.test');
  assert.match(err.message, /no NAPTR, SRV or A\/AAAA records for nobody\.example\.test/);
  assert.deepEqual(queried('nobody.example.test'), ['NAPTR', 'A', 'AAAA']);
});

test('an SRV target "." (service not available, RFC 2782): ENOTARGET', async () => {
  const err = await locate('sip:alice@closed.example.test;transport=udp', { dns: [dns.server] }).catch((e) => e);
  assert.equal(err.code, 'ENOTARGET');
  assert.equal(err.hostname, 'closed.example.test');
});

test('a NAPTR loop: ELOOP, each name asked once', async () => {
  const err = await locate('sip:alice@loop.example.test', { dns: [dns.server] }).catch((e) => e);
  assert.equal(err.code, 'ELOOP');
  assert.match(err.message, /loop\.example\.test → loop2\.example\.test → loop\.example\.test/);
  assert.deepEqual(queried('loop2.example.test'), ['NAPTR']);
});

test('a DNS server that never answers: ETIMEOUT after the first query, within the time limit', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise((r) => silent.bind(0, '127.0.0.1', r));
  try {
    const t0 = Date.now();
    const err = await locate('sip:alice@example.test', { dns: [`127.0.0.1:${silent.address().port}`], timeoutMs: 200 }).catch((e) => e);
    assert.equal(err.code, 'ETIMEOUT');
    assert.match(err.message, /NAPTR example\.test: ETIMEOUT/);
    assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
  } finally {
    silent.close();
  }
});

test('dnsmasq is stopped by PID', async () => {
  const other = await startDns({ records: { a: { 'x.example.test': ['127.0.0.1'] } } });
  assert.deepEqual(await locate('sip:x.example.test:5060', { dns: [other.server] }).then(brief), ['udp 127.0.0.1:5060 x.example.test a']);
  await other.stop();
  assert.throws(() => process.kill(other.pid, 0), { code: 'ESRCH' });
});
