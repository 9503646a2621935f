// options.test.mjs — every wrong option is named: createRegistration, pool.add, the pool and
// setContacts throw (or reject with) a SipregError of code SIPREG_E_CONFIG whose `option` is the
// dotted path, `value` what was given, and whose message names both. Type and range come from
// the option table (bindings/js/options.mjs); what a URI means is the core's sentence, mapped back
// to its option. The table itself: every option has a type and a line of meaning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, FakeSocket, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const web = await import(need(`${ROOT}web/sipreg.mjs`, 'browser entry'));

const BASE = { server: 'ws://registrar.invalid', aor: 'sip:alice@example.test', WebSocket: FakeSocket };

/**
 * [options (over BASE), option path, value, message pattern]. The pattern is matched against
 * the message without its "SIPREG_E_CONFIG: " prefix.
 */
const WRONG = [
  // numbers: the type, integer-ness and range of the table
  [{ expires: -1 }, 'expires', -1, /^expires must be an integer ≥ 1 \(seconds\), got -1$/],
  [{ expires: 'abc' }, 'expires', 'abc', /^expires must be an integer ≥ 1 \(seconds\), got 'abc'$/],
  [{ expires: 1.5 }, 'expires', 1.5, /^expires must be an integer ≥ 1 \(seconds\), got 1\.5$/],
  [{ expires: '600' }, 'expires', '600', /got '600'$/],
  [{ expires: 0 }, 'expires', 0, /got 0 \(unregister\(\) removes bindings\)$/],
  [{ expires: 2 ** 32 }, 'expires', 2 ** 32, /^expires must be at most 4294967295, got 4294967296$/],
  [{ regId: 0 }, 'regId', 0, /^regId must be an integer from 1 to 2147483647, got 0$/],
  [{ connectTimeout: '5s' }, 'connectTimeout', '5s', /^connectTimeout must be an integer ≥ 1 \(ms\)|from 1 to/],
  [{ policy: { retryBase: '1' } }, 'policy.retryBase', '1', /^policy\.retryBase must be an integer ≥ 1 \(seconds\), got '1'$/],
  [{ policy: { maxRedirects: 21 } }, 'policy.maxRedirects', 21, /^policy\.maxRedirects must be an integer from 0 to 20, got 21$/],
  [{ policy: { t1Ms: NaN } }, 'policy.t1Ms', NaN, /got NaN$/],
  // contacts: each entry's keys, types and ranges
  [{ contacts: [{ q: 5 }] }, 'contacts[0].q', 5, /^contacts\[0\]\.q must be a number from 0 to 1, got 5$/],
  [{ contacts: [{ uri: 'sip:a@b.test' }, { expires: -1 }] }, 'contacts[1].expires', -1, /^contacts\[1\]\.expires must be an integer ≥ 0/],
  [
    { contacts: ['sip:a@b.test'] },
    'contacts[0]',
    'sip:a@b.test',
    /^contacts\[0\] must be an object \{ uri, expires, q \}, got 'sip:a@b\.test'$/,
  ],
  [
    { contacts: { uri: 'sip:a@b.test' } },
    'contacts',
    { uri: 'sip:a@b.test' },
    /^contacts must be an array of \{ uri, expires, q \}, got an object$/,
  ],
  [
    { contacts: [{}, {}, {}, {}, {}] },
    'contacts',
    [{}, {}, {}, {}, {}],
    /^contacts has 5 entries, more than the core takes \(SIPREG_E_LIMIT/,
  ],
  [
    { contacts: [{ url: 'sip:a@b.test' }] },
    'contacts[0].url',
    'sip:a@b.test',
    /^unknown option 'contacts\[0\]\.url' \(did you mean 'uri'\?\)$/,
  ],
  // booleans, enums, strings
  [{ outbound: 'yes' }, 'outbound', 'yes', /^outbound must be true or false, got 'yes'$/],
  [{ keepalive: 'sometimes' }, 'keepalive', 'sometimes', /^keepalive must be one of 'never', 'auto', 'always', got 'sometimes'$/],
  [{ policy: { probe: 'ping' } }, 'policy.probe', 'ping', /^policy\.probe must be one of 'options', 'host', 'none'/],
  [{ aor: 42 }, 'aor', 42, /^aor must be a string, got 42$/],
  [{ auth: { password: 1234 } }, 'auth.password', '(hidden)', /^auth\.password must be a string, got a hidden value$/],
  [{ auth: 'secret' }, 'auth', 'secret', /^auth must be an object \{ username, password, ha1 \}, got 'secret'$/],
  [{ extraHeaders: ['X-A: 1'] }, 'extraHeaders', ['X-A: 1'], /^extraHeaders must be a string of header lines or an object/],
  [{ seed: new Uint8Array(8) }, 'seed', new Uint8Array(8), /^seed must be a Uint8Array of 32 bytes, got Uint8Array\(8\)$/],
  // unknown options, at every level
  [{ expire: 600 }, 'expire', 600, /^unknown option 'expire' \(did you mean 'expires'\?\)$/],
  [{ auth: { user: 'alice' } }, 'auth.user', 'alice', /^unknown option 'auth\.user'/],
  [{ policy: { retrybase: 1 } }, 'policy.retrybase', 1, /^unknown option 'policy\.retrybase' \(did you mean 'retryBase'\?\)$/],
  [{ colour: 'blue' }, 'colour', 'blue', /^unknown option 'colour'$/],
  // the server: a ws/wss URL (Node: also sip:/sips:)
  [
    { server: 'http://edge.test' },
    'server',
    'http://edge.test',
    /^server must be a ws:\/\/, wss:\/\/, sip: or sips: URL, got 'http:\/\/edge\.test'$/,
  ],
  [{ server: 'edge.test:443' }, 'server', 'edge.test:443', /^server must be a ws:\/\/, wss:\/\/, sip: or sips: URL/],
  [{ server: 'wss://' }, 'server', 'wss://', /got 'wss:\/\/' \(no host\)$/],
  [{ server: 8080 }, 'server', 8080, /^server must be a ws:\/\/, wss:\/\/, sip: or sips: URL, got 8080$/],
  // the browser entry's option given to the Node entry
  [{ instanceStore: false }, 'instanceStore', false, /^instanceStore is an option of the browser entry/],
  // what the core decides (URI syntax, one-line values, orders): its sentence, on the option
  [
    { aor: 'mailto:alice@example.test' },
    'aor',
    'mailto:alice@example.test',
    /^aor must be a sip: or sips: URI \(RFC 3261 §10\.2\), got "mailto:alice@example\.test"$/,
  ],
  [{ aor: undefined }, 'aor', undefined, /^aor is required/],
  [
    { contacts: [{ uri: 'sip:a@b.test' }, { uri: 'sip:<bad' }] },
    'contacts[1].uri',
    'sip:<bad',
    /^contacts\[1\]\.uri: URI does not parse: "sip:<bad"$/,
  ],
  [
    { contacts: [{ uri: 'sip:a@b.test', expires: 0 }] },
    'contacts',
    [{ uri: 'sip:a@b.test', expires: 0 }],
    /^contacts: every contact has expires 0/,
  ],
  [
    { registrar: 'sip:bob@example.test' },
    'registrar',
    'sip:bob@example.test',
    /^registrar must be a sip: or sips: URI without a user part/,
  ],
  [{ userAgent: 'a\r\nX-Evil: 1' }, 'userAgent', 'a\r\nX-Evil: 1', /^userAgent must be one line/],
  [{ auth: { username: 'al\nice' } }, 'auth.username', 'al\nice', /^auth\.username must be one line/],
  [{ policy: { t1Ms: 1000, t2Ms: 500 } }, 'policy.t2Ms', 500, /^policy\.t2Ms must be at least policy\.t1Ms, got 500$/],
  [{ policy: { retryBase: 100, retryMax: 50 } }, 'policy.retryMax', 50, /^policy\.retryMax must be at least policy\.retryBase, got 50$/],
];

/** The error's fields as one comparable row. */
const row = (e) => ({ name: e.name, code: e.code, option: e.option, value: e.value });

test('createRegistration: each wrong option rejects with a SipregError naming the option and the value', async () => {
  for (const [extra, option, value, message] of WRONG) {
    const label = `${option}: ${JSON.stringify(extra)}`;
    const e = await sipreg.createRegistration({ ...BASE, ...extra }).then(
      (r) => {
        r.close();
        return null;
      },
      (x) => x,
    );
    assert.ok(e, `${label}: accepted`);
    assert.deepEqual(row(e), { name: 'SipregError', code: 'SIPREG_E_CONFIG', option, value }, label);
    assert.ok(e instanceof sipreg.SipregError, label);
    assert.match(e.problem, message, label);
    assert.equal(e.message, `SIPREG_E_CONFIG: ${e.problem}`, label);
  }
});

test('a wrong option opens nothing: no WebSocket is made', async () => {
  const before = FakeSocket.all.length;
  await assert.rejects(sipreg.createRegistration({ ...BASE, expires: 'abc' }), { option: 'expires' });
  assert.equal(FakeSocket.all.length, before);
});

test('options the table accepts are taken, left-out and null-state ones too', async () => {
  const ok = [
    {},
    { expires: 1, regId: 2147483647, outbound: false, keepalive: 'never', extraHeaders: { 'X-A': 'b', 'X-N': 1 } },
    { contacts: [{ uri: 'sip:a@b.test', q: 0.5, expires: 0 }, { q: 1 }], policy: { retryBase: 1, t1Ms: 100, probe: 'none' } },
    { auth: { username: 'alice', password: 'secret' }, state: null, instance: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
    { server: 'wss://edge.test:443/sip', connectTimeout: 5000, expires: undefined },
  ];
  for (const extra of ok) (await sipreg.createRegistration({ ...BASE, ...extra })).close();
});

test('the browser entry: server is ws/wss only, Node options are named as such, instanceStore is checked', async () => {
  const rows = [
    [
      { server: 'sip:registrar.test' },
      'server',
      /^server must be a ws:\/\/ or wss:\/\/ URL, got 'sip:registrar\.test' \(sip: and sips: servers: the Node entry/,
    ],
    [{ server: undefined }, 'server', /^server is required/],
    [{ dns: ['127.0.0.1'] }, 'dns', /^dns is an option of the Node entry/],
    [{ transport: 'tcp' }, 'transport', /^transport is an option of the Node entry/],
    [{ instanceStore: 'local' }, 'instanceStore', /^instanceStore must be a Storage \(getItem, setItem\) or false, got 'local'$/],
  ];
  for (const [extra, option, message] of rows) {
    await assert.rejects(
      web.createRegistration({ ...BASE, ...extra }),
      (e) => e.code === 'SIPREG_E_CONFIG' && e.option === option && message.test(e.problem),
      JSON.stringify(extra),
    );
  }
});

test("pool.add: the same checks; the pool's own and Node-only options are named; the pool's options too", () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket });
  try {
    const rows = [
      [{ aor: 'sip:u@example.test', expires: 'abc' }, 'expires', /^expires must be an integer/],
      [{ aor: 'sip:u@example.test', policy: { retryBase: -1 } }, 'policy.retryBase', /^policy\.retryBase must be/],
      [
        { aor: 'sip:u@example.test', contacts: [{ uri: 'sip:x@y.test', q: 2 }] },
        'contacts[0].q',
        /^contacts\[0\]\.q must be a number from 0 to 1, got 2$/,
      ],
      [{ aor: 'tel:+1555' }, 'aor', /^aor must be a sip: or sips: URI/],
      [
        { aor: 'sip:u@example.test', server: 'ws://other.invalid' },
        'server',
        /^server is the pool's option \(new RegistrationPool\(\{ server \}\)\), not add\(\)'s$/,
      ],
      [{ aor: 'sip:u@example.test', dns: [] }, 'dns', /^dns is not read by pool\.add\(\)/],
      [{ aor: 'sip:u@example.test', expirse: 60 }, 'expirse', /^unknown option 'expirse' \(did you mean 'expires'\?\)$/],
    ];
    for (const [options, option, message] of rows) {
      assert.throws(
        () => pool.add(options),
        (e) => e.code === 'SIPREG_E_CONFIG' && e.option === option && message.test(e.problem),
        JSON.stringify(options),
      );
    }
    assert.equal(pool.registrations.length, 0, 'nothing was added');
  } finally {
    pool.close();
  }
  const pools = [
    [{ WebSocket: FakeSocket }, 'server', /^server is required/],
    [{ server: 'ws://r.invalid', WebSocket: FakeSocket, flows: 0 }, 'flows', /^flows must be an integer from 1 to 1024, got 0$/],
    [{ server: 'ws://r.invalid', WebSocket: FakeSocket, rate: '10' }, 'rate', /^rate must be a number/],
    [{ server: 'ws://r.invalid', WebSocket: FakeSocket, flow: 2 }, 'flow', /^unknown option 'flow' \(did you mean 'flows'\?\)$/],
    [
      { server: 'sip:127.0.0.1;transport=tcp' },
      'server',
      /RegistrationPool shares UDP sockets .*\(transport=tcp: TCP and TLS are per registration/,
    ],
  ];
  for (const [options, option, message] of pools) {
    assert.throws(
      () => new sipreg.RegistrationPool(options),
      (e) => e.code === 'SIPREG_E_CONFIG' && e.option === option && message.test(e.problem),
      JSON.stringify(options),
    );
  }
});

test('setContacts and the call options: a wrong one rejects that call, naming it; nothing is sent', async () => {
  const reg = await sipreg.createRegistration(BASE);
  const sockets = FakeSocket.all.length;
  try {
    const rows = [
      [
        () => reg.setContacts([{ uri: 'sip:a@b.test' }, { q: -0.5 }]),
        'contacts[1].q',
        /^contacts\[1\]\.q must be a number from 0 to 1, got -0\.5$/,
      ],
      [() => reg.setContacts([{ uri: 'sip:a@b.test' }, { uri: '<sip:' }]), 'contacts[1].uri', /^contacts\[1\]\.uri: URI does not parse/],
      [() => reg.setContacts('sip:a@b.test'), 'contacts', /^contacts must be an array/],
      [() => reg.unregister({ everything: true }), 'everything', /^unknown option 'everything'/],
      [() => reg.unregister({ all: 'yes' }), 'all', /^all must be true or false, got 'yes'$/],
      [() => reg.register({ signal: undefined, timeout: 5 }), 'timeout', /^unknown option 'timeout'/],
      [() => reg.fetch(5), 'options', /^fetch options must be an object/],
      [() => reg.register({ signal: 'stop' }), 'signal', /^signal must be an AbortSignal, got 'stop'$/],
      [() => reg.whenRegistered({ signal: {} }), 'signal', /^signal must be an AbortSignal, got an object$/],
    ];
    for (const [call, option, message] of rows) {
      await assert.rejects(call(), (e) => e.code === 'SIPREG_E_CONFIG' && e.option === option && message.test(e.problem), String(call));
    }
    assert.equal(FakeSocket.all.length, sockets, 'no flow was opened');
    assert.equal(reg.state, 'idle');
  } finally {
    reg.close();
  }
});

test('the table: every option has a type and a meaning; every default and range is of that type', () => {
  const tables = {
    OPTIONS: sipreg.OPTIONS,
    POOL_OPTIONS: sipreg.POOL_OPTIONS,
    policy: sipreg.OPTIONS.policy.fields,
    auth: sipreg.OPTIONS.auth.fields,
    contacts: sipreg.OPTIONS.contacts.fields,
  };
  const types = ['string', 'integer', 'number', 'boolean', 'enum', 'object', 'list', 'url', 'bytes', 'headers', 'signal', 'any'];
  for (const [tname, table] of Object.entries(tables)) {
    for (const [name, o] of Object.entries(table)) {
      const label = `${tname}.${name}`;
      assert.ok(types.includes(o.type), `${label}: type ${o.type}`);
      assert.ok(typeof o.doc === 'string' && o.doc.length > 5, `${label}: doc`);
      if (o.type === 'integer' || o.type === 'number') {
        assert.ok(Number.isFinite(o.min) && Number.isFinite(o.max) && o.min <= o.max, `${label}: range`);
        if (typeof o.default === 'number') assert.ok(o.default >= o.min && o.default <= o.max, `${label}: default in range`);
      }
      if (o.type === 'enum') assert.ok(o.values.includes(o.default ?? o.values[0]), `${label}: default one of the values`);
      if (o.type === 'boolean' && o.default !== undefined) assert.equal(typeof o.default, 'boolean', label);
    }
  }
  // the Node entry's own options: known (their shapes are node/flows.mjs's to check)
  const node = Object.entries(sipreg.OPTIONS)
    .filter(([, o]) => o.host === 'node')
    .map(([n]) => n)
    .sort();
  assert.deepEqual(node, ['dns', 'multicast', 'store', 'targets', 'tls', 'transport']);
});
