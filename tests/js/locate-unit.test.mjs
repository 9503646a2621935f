// locate-unit.test.mjs — RFC 3263 §4 server location (node/locate.mjs) against tables of DNS
// records served by an in-memory resolver: inputs (URI, records) → the expected target order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from './seeded-random.mjs';
import { locate, orderSrv, describeTarget, parseTargetUri, MAX_TARGETS } from '../../node/locate.mjs';

const dnsError = (code, name) => Object.assign(new Error(`${code} ${name}`), { code, hostname: name });

/**
 * An in-memory resolver: zone = { naptr: {name: [..]}, srv: {name: [..]}, a: {..}, aaaa: {..},
 * fail: {"TYPE name": code} }; an unknown name answers ENOTFOUND. `asked` lists the queries.
 */
function zoneResolver(zone) {
  const asked = [];
  const answer = (type, table) => async (name) => {
    asked.push(`${type} ${name}`);
    const code = zone.fail?.[`${type} ${name}`];
    if (code) throw dnsError(code, name);
    const rows = table?.[name];
    if (!rows) throw dnsError('ENOTFOUND', name);
    if (rows.length === 0) throw dnsError('ENODATA', name);
    return structuredClone(rows);
  };
  return {
    asked,
    resolveNaptr: answer('NAPTR', zone.naptr),
    resolveSrv: answer('SRV', zone.srv),
    resolve4: answer('A', zone.a),
    resolve6: answer('AAAA', zone.aaaa),
  };
}

const naptr = (order, preference, service, replacement, flags = 's', regexp = '') => ({
  order,
  preference,
  flags,
  service,
  regexp,
  replacement,
});
const srv = (priority, weight, port, name) => ({ priority, weight, port, name });
/** Targets as compact strings: "transport address:port host source". */
const brief = (ts) => ts.map((t) => `${t.transport} ${t.address}:${t.port} ${t.host} ${t.source}`);

// The example of RFC 3263 §4.1 (example.com → example.test), with addresses
const RFC_EXAMPLE = {
  naptr: {
    'example.test': [
      naptr(90, 50, 'SIP+D2T', '_sip._tcp.example.test'),
      naptr(50, 50, 'SIPS+D2T', '_sips._tcp.example.test'),
      naptr(100, 50, 'SIP+D2U', '_sip._udp.example.test'),
    ],
  },
  srv: {
    '_sips._tcp.example.test': [srv(0, 1, 5061, 'server1.example.test')],
    '_sip._tcp.example.test': [srv(0, 0, 5060, 'server1.example.test'), srv(1, 0, 5060, 'server2.example.test')],
    '_sip._udp.example.test': [srv(0, 0, 5060, 'server2.example.test')],
  },
  a: { 'server1.example.test': ['192.0.2.1'], 'server2.example.test': ['192.0.2.2'], 'example.test': ['192.0.2.9'] },
  aaaa: { 'server2.example.test': ['2001:db8::2'] },
};

const CASES = [
  // [title, uri, options, zone, expected targets, expected queries (optional)]
  ['§4.2 numeric IPv4: used as it is, UDP at 5060 for sip:', 'sip:alice@192.0.2.1', {}, {}, ['udp 192.0.2.1:5060 192.0.2.1 literal'], []],
  [
    '§4.1 numeric IP with port and transport',
    'sip:alice@192.0.2.1:5070;transport=TCP',
    {},
    {},
    ['tcp 192.0.2.1:5070 192.0.2.1 literal'],
    [],
  ],
  ['§4.1 numeric IP in a sips: URI: TLS at 5061', 'sips:alice@192.0.2.1', {}, {}, ['tls 192.0.2.1:5061 192.0.2.1 literal'], []],
  ['IPv6 reference with port', 'sip:alice@[2001:db8::1]:5080', {}, {}, ['udp 2001:db8::1:5080 2001:db8::1 literal'], []],
  ['IPv6 reference in a sips: URI', 'sips:[2001:DB8::1]', {}, {}, ['tls 2001:DB8::1:5061 2001:DB8::1 literal'], []],
  [
    '§4: maddr is the TARGET',
    'sip:alice@example.test;maddr=192.0.2.7;transport=tcp',
    {},
    RFC_EXAMPLE,
    ['tcp 192.0.2.7:5060 192.0.2.7 literal'],
    [],
  ],
  [
    '§4.2 explicit port: A/AAAA only (no NAPTR, no SRV), UDP',
    'sip:alice@server2.example.test:5070',
    {},
    RFC_EXAMPLE,
    ['udp 192.0.2.2:5070 server2.example.test a', 'udp 2001:db8::2:5070 server2.example.test a'],
    ['A server2.example.test', 'AAAA server2.example.test'],
  ],
  [
    '§4.2 explicit port in a sips: URI: TLS',
    'sips:alice@server1.example.test:6000',
    {},
    RFC_EXAMPLE,
    ['tls 192.0.2.1:6000 server1.example.test a'],
  ],
  [
    '§4.2 explicit transport: SRV of that transport only',
    'sip:alice@example.test;transport=tcp',
    {},
    RFC_EXAMPLE,
    [
      'tcp 192.0.2.1:5060 server1.example.test srv',
      'tcp 192.0.2.2:5060 server2.example.test srv',
      'tcp 2001:db8::2:5060 server2.example.test srv',
    ],
    [
      'SRV _sip._tcp.example.test',
      'A server1.example.test',
      'AAAA server1.example.test',
      'A server2.example.test',
      'AAAA server2.example.test',
    ],
  ],
  [
    '§4.2 transport=tls in a sip: URI: _sips._tcp',
    'sip:example.test;transport=tls',
    {},
    RFC_EXAMPLE,
    ['tls 192.0.2.1:5061 server1.example.test srv'],
  ],
  [
    '§19.1 sips: with transport=tcp is TLS',
    'sips:example.test;transport=tcp',
    {},
    RFC_EXAMPLE,
    ['tls 192.0.2.1:5061 server1.example.test srv'],
  ],
  [
    'options.transport acts as the transport parameter',
    'sip:example.test',
    { transport: 'udp' },
    RFC_EXAMPLE,
    ['udp 192.0.2.2:5060 server2.example.test srv', 'udp 2001:db8::2:5060 server2.example.test srv'],
  ],
  [
    '§4.1 NAPTR: lowest order first; a client with TLS takes SIPS+D2T, and no higher order (RFC 3403 §4.1)',
    'sip:alice@example.test',
    {},
    RFC_EXAMPLE,
    ['tls 192.0.2.1:5061 server1.example.test naptr'],
  ],
  [
    '§4.1 example: a client with TCP and UDP only uses TCP',
    'sip:alice@example.test',
    { secure: false },
    RFC_EXAMPLE,
    [
      'tcp 192.0.2.1:5060 server1.example.test naptr',
      'tcp 192.0.2.2:5060 server2.example.test naptr',
      'tcp 2001:db8::2:5060 server2.example.test naptr',
    ],
  ],
  [
    "NAPTR: same order, by preference; each record's SRV targets in turn",
    'sip:example.test',
    {},
    {
      naptr: { 'example.test': [naptr(10, 20, 'SIP+D2U', '_sip._udp.example.test'), naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.test')] },
      srv: { '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')], '_sip._tcp.example.test': [srv(0, 0, 5062, 't.example.test')] },
      a: { 'u.example.test': ['192.0.2.10'], 't.example.test': ['192.0.2.11'] },
    },
    ['tcp 192.0.2.11:5062 t.example.test naptr', 'udp 192.0.2.10:5060 u.example.test naptr'],
  ],
  [
    'NAPTR: unsupported services, other flags and regexps are skipped',
    'sip:example.test',
    {},
    {
      naptr: {
        'example.test': [
          naptr(1, 1, 'SIP+D2S', '_sip._sctp.example.test'),
          naptr(1, 2, 'SIPS+D2S', '_sips._sctp.example.test'),
          naptr(1, 3, 'E2U+sip', 'x.example.test', 'u', '!^.*$!sip:x@example.test!'),
          naptr(1, 4, 'SIP+D2W', '_sip._ws.example.test'),
          naptr(1, 5, 'SIP+D2T', 'a.example.test', 'a'),
          naptr(2, 1, 'sip+d2u', '_sip._udp.example.test', 'S'),
        ],
      },
      srv: {
        '_sip._sctp.example.test': [srv(0, 0, 5060, 'bad.example.test')],
        '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')],
      },
      a: { 'u.example.test': ['192.0.2.10'], 'bad.example.test': ['192.0.2.66'], 'a.example.test': ['192.0.2.67'] },
    },
    ['udp 192.0.2.10:5060 u.example.test naptr'],
  ],
  [
    '§4.1 sips: keeps only SIPS NAPTR records',
    'sips:example.test',
    {},
    {
      naptr: { 'example.test': [naptr(1, 1, 'SIP+D2U', '_sip._udp.example.test'), naptr(2, 1, 'SIPS+D2T', '_sips._tcp.example.test')] },
      srv: {
        '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')],
        '_sips._tcp.example.test': [srv(0, 0, 5061, 's.example.test')],
      },
      a: { 'u.example.test': ['192.0.2.10'], 's.example.test': ['192.0.2.12'] },
    },
    ['tls 192.0.2.12:5061 s.example.test naptr'],
  ],
  [
    '§4.1 sips: without a SIPS NAPTR record: _sips._tcp SRV only, never UDP or TCP',
    'sips:example.test',
    {},
    {
      naptr: { 'example.test': [naptr(1, 1, 'SIP+D2U', '_sip._udp.example.test')] },
      srv: { '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')], '_sip._tcp.example.test': [srv(0, 0, 5060, 'u.example.test')] },
      a: { 'u.example.test': ['192.0.2.10'], 'example.test': ['192.0.2.9'] },
    },
    ['tls 192.0.2.9:5061 example.test a'],
    ['NAPTR example.test', 'SRV _sips._tcp.example.test', 'A example.test', 'AAAA example.test'],
  ],
  [
    'secure: true: TLS only for a sip: URI too',
    'sip:example.test',
    { secure: true },
    {
      srv: {
        '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')],
        '_sips._tcp.example.test': [srv(0, 0, 5061, 's.example.test')],
      },
      a: { 'u.example.test': ['192.0.2.10'], 's.example.test': ['192.0.2.12'] },
    },
    ['tls 192.0.2.12:5061 s.example.test srv'],
  ],
  [
    '§4.1 no NAPTR: SRV for each transport, all kept in the order TLS, TCP, UDP',
    'sip:example.test',
    {},
    {
      srv: {
        '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')],
        '_sip._tcp.example.test': [srv(0, 0, 5060, 't.example.test')],
        '_sips._tcp.example.test': [srv(0, 0, 5061, 's.example.test')],
      },
      a: { 'u.example.test': ['192.0.2.10'], 't.example.test': ['192.0.2.11'], 's.example.test': ['192.0.2.12'] },
    },
    ['tls 192.0.2.12:5061 s.example.test srv', 'tcp 192.0.2.11:5060 t.example.test srv', 'udp 192.0.2.10:5060 u.example.test srv'],
  ],
  [
    '§4.1 no NAPTR records of a supported service: as if none',
    'sip:example.test',
    {},
    {
      naptr: { 'example.test': [naptr(1, 1, 'SIP+D2S', '_sip._sctp.example.test')] },
      srv: { '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')] },
      a: { 'u.example.test': ['192.0.2.10'] },
    },
    ['udp 192.0.2.10:5060 u.example.test srv'],
  ],
  [
    '§4.2 no SRV: A and AAAA at the default port, UDP for sip:',
    'sip:alice@example.test',
    {},
    {
      a: { 'example.test': ['192.0.2.9', '192.0.2.8'] },
      aaaa: { 'example.test': ['2001:db8::9'] },
    },
    ['udp 192.0.2.9:5060 example.test a', 'udp 192.0.2.8:5060 example.test a', 'udp 2001:db8::9:5060 example.test a'],
  ],
  [
    '§4.2 no SRV in a sips: URI: TLS at 5061',
    'sips:example.test',
    {},
    { a: { 'example.test': ['192.0.2.9'] } },
    ['tls 192.0.2.9:5061 example.test a'],
  ],
  [
    'RFC 2782: priority first; every address of each target in order',
    'sip:example.test;transport=udp',
    {},
    {
      srv: { '_sip._udp.example.test': [srv(20, 100, 5062, 'late.example.test'), srv(10, 1, 5061, 'early.example.test')] },
      a: { 'late.example.test': ['192.0.2.20', '192.0.2.21'], 'early.example.test': ['192.0.2.10', '192.0.2.11'] },
    },
    [
      'udp 192.0.2.10:5061 early.example.test srv',
      'udp 192.0.2.11:5061 early.example.test srv',
      'udp 192.0.2.20:5062 late.example.test srv',
      'udp 192.0.2.21:5062 late.example.test srv',
    ],
  ],
  [
    'an SRV target without addresses is skipped',
    'sip:example.test',
    {},
    {
      srv: { '_sip._udp.example.test': [srv(1, 0, 5060, 'gone.example.test'), srv(2, 0, 5060, 'u.example.test')] },
      a: { 'u.example.test': ['192.0.2.10'] },
    },
    ['udp 192.0.2.10:5060 u.example.test srv'],
  ],
  [
    'the same transport, address and port twice: once',
    'sip:example.test',
    {},
    {
      srv: { '_sip._udp.example.test': [srv(1, 0, 5060, 'a1.example.test'), srv(2, 0, 5060, 'a2.example.test')] },
      a: { 'a1.example.test': ['192.0.2.10'], 'a2.example.test': ['192.0.2.10'] },
    },
    ['udp 192.0.2.10:5060 a1.example.test srv'],
  ],
  [
    'non-terminal NAPTR ("" flag) leads to another NAPTR set (RFC 3403 §4)',
    'sip:example.test',
    {},
    {
      naptr: { 'example.test': [naptr(1, 1, 'SIP+D2U', 'other.test', '')], 'other.test': [naptr(1, 1, 'SIP+D2U', '_sip._udp.other.test')] },
      srv: { '_sip._udp.other.test': [srv(0, 0, 5060, 'u.other.test')] },
      a: { 'u.other.test': ['192.0.2.30'] },
    },
    ['udp 192.0.2.30:5060 u.other.test naptr'],
  ],
  [
    'ESERVFAIL for NAPTR (some middleboxes): SRV still asked',
    'sip:example.test',
    {},
    {
      fail: { 'NAPTR example.test': 'ESERVFAIL' },
      srv: { '_sip._udp.example.test': [srv(0, 0, 5060, 'u.example.test')] },
      a: { 'u.example.test': ['192.0.2.10'] },
    },
    ['udp 192.0.2.10:5060 u.example.test srv'],
  ],
];

for (const [title, uri, options, zone, expected, queries] of CASES) {
  test(`locate: ${title}`, async () => {
    const resolver = zoneResolver(zone);
    const got = await locate(uri, { resolver, random: seeded(1), ...options });
    assert.deepEqual(brief(got), expected);
    if (queries) assert.deepEqual(resolver.asked, queries);
  });
}

const ERRORS = [
  // [title, uri, options, zone, code, message pattern]
  ['nothing at all', 'sip:alice@nothing.test', {}, {}, 'ENOTFOUND', /no NAPTR, SRV or A\/AAAA records for nothing\.test/],
  ['explicit port, no address', 'sip:alice@nothing.test:5060', {}, {}, 'ENOTFOUND', /no A\/AAAA records for nothing\.test/],
  [
    'RFC 2782 target "." (service not available)',
    'sip:example.test',
    {},
    { srv: { '_sip._udp.example.test': [srv(0, 0, 0, '')] } },
    'ENOTARGET',
    /SRV records for example\.test, but no target with an address/,
  ],
  [
    'SRV targets without addresses',
    'sip:example.test',
    {},
    { srv: { '_sip._udp.example.test': [srv(0, 0, 5060, 'gone.example.test')] } },
    'ENOTARGET',
    /no target with an address/,
  ],
  [
    'a NAPTR loop',
    'sip:example.test',
    {},
    {
      naptr: {
        'example.test': [naptr(1, 1, 'SIP+D2U', 'loop.test', '')],
        'loop.test': [naptr(1, 1, 'SIP+D2U', 'example.test', '')],
      },
    },
    'ELOOP',
    /example\.test → loop\.test → example\.test/,
  ],
  [
    'the DNS server times out: no further queries',
    'sip:example.test',
    {},
    { fail: { 'NAPTR example.test': 'ETIMEOUT' } },
    'ETIMEOUT',
    /NAPTR example\.test: ETIMEOUT/,
  ],
  [
    'SERVFAIL everywhere: that failure, not ENOTFOUND',
    'sip:example.test',
    {},
    {
      fail: {
        'NAPTR example.test': 'ESERVFAIL',
        'SRV _sips._tcp.example.test': 'ESERVFAIL',
        'SRV _sip._tcp.example.test': 'ESERVFAIL',
        'SRV _sip._udp.example.test': 'ESERVFAIL',
        'A example.test': 'ESERVFAIL',
        'AAAA example.test': 'ESERVFAIL',
      },
    },
    'ESERVFAIL',
    /ESERVFAIL/,
  ],
  ['§4.1 sips: only over TLS', 'sips:example.test;transport=udp', {}, {}, 'EINVAL', /TLS only/],
  ['a TLS-less client cannot take a sips: URI', 'sips:example.test', { secure: false }, {}, 'EINVAL', /TLS only/],
  ['unsupported transport', 'sip:example.test;transport=sctp', {}, {}, 'EINVAL', /unsupported transport "sctp"/],
  ['not a SIP URI', 'http://example.test/', {}, {}, 'EINVAL', /not a sip: or sips: URI/],
  ['no host', 'sip:alice@', {}, {}, 'EINVAL', /no host/],
  ['port out of range', 'sip:example.test:70000', {}, {}, 'EINVAL', /bad port/],
  ['bad IPv6 reference', 'sip:[2001:db8::zz]', {}, {}, 'EINVAL', /bad IPv6/],
  ['bad host name', 'sip:exa mple.test', {}, {}, 'EINVAL', /bad host/],
];

for (const [title, uri, options, zone, code, pattern] of ERRORS) {
  test(`locate error: ${title} → ${code}`, async () => {
    const resolver = zoneResolver(zone);
    const err = await locate(uri, { resolver, ...options }).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof Error, 'rejects with an Error');
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    if (code === 'ETIMEOUT') assert.deepEqual(resolver.asked, ['NAPTR example.test']);
    if (code !== 'EINVAL') assert.equal(err.hostname, parseTargetUri(uri).host, 'names the name queried');
  });
}

test('locate error names the host queried (hostname) and the queries made', async () => {
  const err = await locate('sip:alice@nothing.test', { resolver: zoneResolver({}) }).catch((e) => e);
  assert.equal(err.hostname, 'nothing.test');
  assert.deepEqual(err.queries, [
    'NAPTR nothing.test',
    'SRV _sips._tcp.nothing.test',
    'SRV _sip._tcp.nothing.test',
    'SRV _sip._udp.nothing.test',
    'A nothing.test',
    'AAAA nothing.test',
  ]);
});

test('bounded: a NAPTR fan-out (16 non-terminal records per name) stops after 8 NAPTR names and depth 4: ELOOP', async () => {
  const fan = (name) => Array.from({ length: 16 }, (_, i) => naptr(1, i, 'SIP+D2U', `${name.split('.')[0]}x${i}.example.test`, ''));
  const resolver = zoneResolver({});
  resolver.resolveNaptr = async (name) => {
    resolver.asked.push(`NAPTR ${name}`);
    return fan(name);
  };
  const err = await locate('sip:example.test', { resolver }).catch((e) => e);
  assert.equal(err.code, 'ELOOP');
  assert.match(err.message, /never end in a usable record \((deeper than 4|more than 8 NAPTR names)/);
  assert.equal(resolver.asked.filter((q) => q.startsWith('NAPTR')).length, 8);
});

test('bounded: 100 SRV records with 8 addresses each give at most MAX_TARGETS targets', async () => {
  const records = Array.from({ length: 100 }, (_, i) => srv(i, 1, 5060, `h${i}.example.test`));
  const a = Object.fromEntries(records.map((r, i) => [r.name, Array.from({ length: 8 }, (_, j) => `10.${i}.0.${j}`)]));
  const got = await locate('sip:example.test', { resolver: zoneResolver({ srv: { '_sip._udp.example.test': records }, a }) });
  assert.equal(got.length, MAX_TARGETS);
  assert.equal(got[0].address, '10.0.0.0');
});

/** First-pick frequencies of orderSrv over n seeded draws. */
function firstPicks(records, n, random) {
  const counts = new Map(records.map((r) => [r.name, 0]));
  for (let i = 0; i < n; i++) {
    const first = orderSrv(records, random)[0];
    counts.set(first.name, counts.get(first.name) + 1);
  }
  return counts;
}

// RFC 2782: a uniform integer in [0, sum] (inclusive), weight-0 records at the head of the list:
// the first record is picked for draws 0..w0, record i for (running sum before i, running sum]
const WEIGHTS = [
  // [title, weights, expected first-pick probability per record]
  ['10/60/30', [10, 60, 30], [11 / 101, 60 / 101, 30 / 101]],
  ['equal weights', [50, 50], [51 / 101, 50 / 101]],
  ['RFC 3263 §4.1 example 1 and 2', [1, 2], [2 / 4, 2 / 4]],
  ['weight 0 beside 1000: picked first only on a draw of 0', [0, 1000], [1 / 1001, 1000 / 1001]],
  ['two weight-0 records: only the first of them can come first', [0, 0, 100], [1 / 101, 0, 100 / 101]],
];

for (const [title, weights, expected] of WEIGHTS) {
  test(`RFC 2782 weights ${title}: first picks over 10,000 seeded draws match`, () => {
    const records = weights.map((w, i) => srv(0, w, 5060, `w${i}.example.test`));
    const n = 10000;
    const counts = firstPicks(records, n, seeded(12345));
    weights.forEach((w, i) => {
      const freq = counts.get(`w${i}.example.test`) / n;
      assert.ok(Math.abs(freq - expected[i]) < 0.015, `record ${i} (weight ${w}): ${freq} vs ${expected[i]}`);
      const sum = weights.reduce((s, x) => s + x, 0);
      if (w > 0 && sum >= 100) assert.ok(Math.abs(freq - w / sum) < 0.02, `close to weight/sum ${w / sum}`);
    });
  });
}

test('RFC 2782: every order is a permutation; priority is strict whatever the draws', () => {
  const records = [srv(20, 5, 1, 'c'), srv(10, 1, 1, 'a'), srv(10, 100, 1, 'b'), srv(30, 0, 1, 'd'), srv(20, 5, 1, 'e')];
  const random = seeded(7);
  for (let i = 0; i < 2000; i++) {
    const out = orderSrv(records, random);
    assert.deepEqual(out.map((r) => r.name).sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(
      out.map((r) => r.priority),
      [10, 10, 20, 20, 30],
    );
  }
  // extreme draws: random() at 0 and just below 1
  assert.deepEqual(
    orderSrv(records, () => 0).map((r) => r.name),
    ['a', 'b', 'c', 'e', 'd'],
  );
  assert.deepEqual(
    orderSrv(records, () => 0.999999).map((r) => r.name),
    ['b', 'a', 'e', 'c', 'd'],
  );
});

test('locate honours SRV weights over 10,000 lookups (first target 1:3)', async () => {
  const zone = {
    srv: { '_sip._udp.example.test': [srv(0, 100, 5060, 'light.example.test'), srv(0, 300, 5060, 'heavy.example.test')] },
    a: { 'light.example.test': ['192.0.2.1'], 'heavy.example.test': ['192.0.2.2'] },
  };
  const resolver = zoneResolver(zone);
  const random = seeded(99);
  let heavy = 0;
  for (let i = 0; i < 10000; i++) {
    const t = await locate('sip:example.test;transport=udp', { resolver, random });
    assert.equal(t.length, 2);
    if (t[0].host === 'heavy.example.test') heavy++;
  }
  assert.ok(Math.abs(heavy / 10000 - 300 / 401) < 0.015, `heavy first ${heavy / 10000}`);
});

test('parseTargetUri: the parts server location needs', () => {
  const rows = [
    ['sip:alice@example.test', { secure: false, host: 'example.test', numeric: false, port: null, transport: null }],
    [
      '<SIPS:bob;x=1@Example.Test.:5061;Transport=TCP?subject=x>',
      { secure: true, host: 'Example.Test', numeric: false, port: 5061, transport: 'tcp' },
    ],
    ['sip:[::1]:5070', { secure: false, host: '::1', numeric: true, port: 5070, transport: null }],
    ['sip:u:pw@192.0.2.1;lr', { secure: false, host: '192.0.2.1', numeric: true, port: null, transport: null }],
  ];
  for (const [uri, parts] of rows) assert.deepEqual(parseTargetUri(uri), parts, uri);
});

test('describeTarget: one line for info and the CLI', () => {
  const rows = [
    [
      { transport: 'udp', host: 'sip1.example.test', port: 5060, address: '127.0.0.1', source: 'srv' },
      'udp 127.0.0.1:5060 (sip1.example.test via SRV)',
    ],
    [
      { transport: 'tls', host: 's.example.test', port: 5061, address: '2001:db8::1', source: 'naptr' },
      'tls [2001:db8::1]:5061 (s.example.test via NAPTR+SRV)',
    ],
    [
      { transport: 'tcp', host: 'example.test', port: 5070, address: '192.0.2.1', source: 'a' },
      'tcp 192.0.2.1:5070 (example.test via A/AAAA)',
    ],
    [{ transport: 'udp', host: '::1', port: 5060, address: '::1', source: 'literal' }, 'udp [::1]:5060 (literal)'],
    [null, 'none'],
  ];
  for (const [t, line] of rows) assert.equal(describeTarget(t), line);
});
