// multicast-unit.test.mjs — the parts of multicast (RFC 3261 §10.2.6) that need no network: the
// option checks, the To URI of an observed REGISTER, and the listener's binding table (§10.3
// steps 6-7 applied to what is heard, never answered). Sockets are tested only inside the
// namespace of multicast.test.mjs (nothing here sends or joins a group).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need } from './helpers.mjs';

const { parse, uriEqual } = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const { multicastOptions, branchOf, SIP_MCAST_GROUP } = await import(`${ROOT}node/multicast-flow.mjs`);
const { ObservedBindings } = await import(`${ROOT}node/observed-bindings.mjs`);

test('multicastOptions: defaults (sip.mcast.net:5060, TTL 1) and clear errors', () => {
  assert.equal(SIP_MCAST_GROUP, '224.0.1.75');
  assert.deepEqual(multicastOptions(), { group: '224.0.1.75', port: 5060, ttl: 1, interface: undefined });
  assert.deepEqual(multicastOptions({ group: '239.1.2.3', port: 5070, ttl: 4, interface: '10.0.0.2' }), {
    group: '239.1.2.3',
    port: 5070,
    ttl: 4,
    interface: '10.0.0.2',
  });
  const bad = [
    [{ group: '10.0.0.1' }, /multicast\.group must be an IPv4 multicast address/],
    [{ group: '240.0.0.1' }, /multicast\.group/],
    [{ group: 'ff02::1' }, /multicast\.group/],
    [{ group: 'sip.mcast.net' }, /multicast\.group/],
    [{ port: 0 }, /multicast\.port must be 1-65535/],
    [{ port: 65536 }, /multicast\.port/],
    [{ port: '5060' }, /multicast\.port/],
    [{ ttl: 0 }, /multicast\.ttl must be 1-255/],
    [{ ttl: 1.5 }, /multicast\.ttl/],
    [{ interface: 'eth0' }, /multicast\.interface must be a local IPv4 address/],
    [null, /options\.multicast must be an object/],
  ];
  for (const [m, re] of bad) {
    assert.throws(
      () => multicastOptions(m),
      (e) => re.test(e.message) && e.code === 'SIPREG_E_CONFIG',
      JSON.stringify(m),
    );
  }
});

test("the AOR of an observed REGISTER is the parse view's To URI (§10.2, §20.39); a malformed To fails the message", () => {
  const msg = (to) =>
    `REGISTER sip:sip.mcast.net SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n${to}\r\nFrom: <sip:f@e.test>;tag=1\r\n` +
    'Call-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n';
  const table = [
    ['To: <sip:alice@example.test>', 'sip:alice@example.test'],
    ['To: "Alice" <sip:alice@example.test>;tag=1', 'sip:alice@example.test'],
    ['To: "a <b>; c" <sip:alice@example.test>', 'sip:alice@example.test'],
    ['To: "q\\"<x>" <sips:bob@b.test:5061>', 'sips:bob@b.test:5061'],
    ['To: sip:alice@example.test;tag=9', 'sip:alice@example.test'],
    ['t:<sip:carol@c.test>', 'sip:carol@c.test'],
    ['TO :  <sip:dave@d.test>', 'sip:dave@d.test'],
    ['To:\r\n  <sip:folded@e.test>', 'sip:folded@e.test'],
    ['To: <sip:unclosed@e.test', null],
    ['To: "unclosed <sip:q@e.test>', null],
    ['X-To: <sip:not@e.test>', null],
  ];
  for (const [to, want] of table) {
    const view = parse(msg(to));
    assert.equal(view.ok ? view.to.uri : null, want, to);
  }
});

test("branchOf: the top Via's branch, which adopts a responder (§17.1.3)", () => {
  const table = [
    ['SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h:5;rport=5;branch=z9hG4bKa1\r\nVia: SIP/2.0/UDP p;branch=z9hG4bKb2\r\n\r\n', 'z9hG4bKa1'],
    ['SIP/2.0 200 OK\r\nv: SIP/2.0/UDP h ; branch = z9hG4bKc3 ;received=1.2.3.4\r\n\r\n', 'z9hG4bKc3'],
    ['SIP/2.0 200 OK\r\nVIA: SIP/2.0/UDP h;BRANCH=z9hG4bKd4, SIP/2.0/UDP p;branch=z9hG4bKe5\r\n\r\n', 'z9hG4bKd4'],
    ['SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h, SIP/2.0/UDP p;branch=z9hG4bKf6\r\n\r\n', null],
    ['SIP/2.0 200 OK\r\nX-Via: SIP/2.0/UDP h;branch=z9hG4bKg7\r\n\r\n', null],
    ['SIP/2.0 200 OK\r\n\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKh8', null],
  ];
  for (const [text, want] of table) assert.equal(branchOf(text), want, JSON.stringify(text));
});

/**
 * A REGISTER as heard on the group, parsed the way the listener does.
 * @param {{to?: string, callId?: string, cseq: number, contacts?: string[], expires?: number}} r
 */
function heard({ to = 'sip:alice@example.test', callId = 'c1', cseq, contacts = [], expires }) {
  const text = [
    'REGISTER sip:sip.mcast.net SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5;branch=z9hG4bK1',
    'Max-Forwards: 70',
    `To: <${to}>`,
    `From: <${to}>;tag=f`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    ...contacts.map((c) => `Contact: ${c}`),
    ...(expires === undefined ? [] : [`Expires: ${expires}`]),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const view = parse(new TextEncoder().encode(text));
  assert.equal(view.ok, true, text);
  return { ...view, aor: view.to.uri };
}

/** @param {ObservedBindings} t @param {number} now */
const rows = (t, now) => t.snapshot(now).map((b) => [b.aor, b.contact, b.q, b.expires]);

test('ObservedBindings: each REGISTER applied as §10.3 steps 6-7 would, counted down from when it was heard', () => {
  const steps = [
    // [at (s), REGISTER, ok, table afterwards]
    [
      0,
      { cseq: 1, contacts: ['<sip:a@10.0.0.1>;q=0.7;expires=60', '<sip:b@10.0.0.2>'], expires: 300 },
      true,
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', 0.7, 60],
        ['sip:alice@example.test', 'sip:b@10.0.0.2', null, 300],
      ],
    ],
    [
      10,
      { cseq: 1, contacts: ['<sip:a@10.0.0.1>;expires=600'] },
      false, // same Call-ID, CSeq not higher: out of order
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', 0.7, 50],
        ['sip:alice@example.test', 'sip:b@10.0.0.2', null, 290],
      ],
    ],
    [
      20,
      { cseq: 2, contacts: ['<sip:a@10.0.0.1:5060>;expires=600'] },
      true, // §19.1.4: an explicit port is not the same URI: a new binding
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', 0.7, 40],
        ['sip:alice@example.test', 'sip:b@10.0.0.2', null, 280],
        ['sip:alice@example.test', 'sip:a@10.0.0.1:5060', null, 600],
      ],
    ],
    [
      30,
      { to: 'sip:alice@EXAMPLE.TEST', cseq: 3, contacts: ['<sip:a@10.0.0.1>'] },
      true, // same AOR (§19.1.4), no expires: 3600
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', null, 3600],
        ['sip:alice@example.test', 'sip:b@10.0.0.2', null, 270],
        ['sip:alice@example.test', 'sip:a@10.0.0.1:5060', null, 590],
      ],
    ],
    [
      40,
      { callId: 'other', cseq: 1, contacts: ['<sip:b@10.0.0.2>;expires=0'] },
      true, // another Call-ID: lower CSeq is fine
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', null, 3590],
        ['sip:alice@example.test', 'sip:a@10.0.0.1:5060', null, 580],
      ],
    ],
    [
      50,
      { to: 'sip:bob@example.test', cseq: 1, contacts: ['<sip:bob@10.0.0.3>'], expires: 30 },
      true,
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', null, 3580],
        ['sip:alice@example.test', 'sip:a@10.0.0.1:5060', null, 570],
        ['sip:bob@example.test', 'sip:bob@10.0.0.3', null, 30],
      ],
    ],
    [
      55,
      { cseq: 4, contacts: ['*'], expires: 60 },
      false, // "*" needs Expires: 0 (§10.3 step 6)
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', null, 3575],
        ['sip:alice@example.test', 'sip:a@10.0.0.1:5060', null, 565],
        ['sip:bob@example.test', 'sip:bob@10.0.0.3', null, 25],
      ],
    ],
    [
      60,
      { cseq: 4 },
      true, // no Contact: a query, nothing changes
      [
        ['sip:alice@example.test', 'sip:a@10.0.0.1', null, 3570],
        ['sip:alice@example.test', 'sip:a@10.0.0.1:5060', null, 560],
        ['sip:bob@example.test', 'sip:bob@10.0.0.3', null, 20],
      ],
    ],
    [61, { cseq: 5, contacts: ['*'], expires: 0 }, true, [['sip:bob@example.test', 'sip:bob@10.0.0.3', null, 19]]],
  ];
  const t = new ObservedBindings({ uriEqual });
  for (const [at, req, ok, want] of steps) {
    const now = at * 1000;
    assert.equal(t.apply(heard(req), now).ok, ok, `at ${at}: ok`);
    assert.deepEqual(rows(t, now), want, `at ${at}`);
  }
  assert.equal(t.next(), 80_000, 'bob runs out at 50 + 30 s');
  assert.deepEqual(t.expire(79_999), []);
  assert.deepEqual(
    t.expire(80_000).map((b) => [b.aor, b.expires]),
    [['sip:bob@example.test', 0]],
  );
  assert.equal(t.size, 0);
  assert.equal(t.next(), Infinity);
});

test('ObservedBindings: what apply() reports, and the bound (max) on the table', () => {
  const t = new ObservedBindings({ uriEqual, max: 2, defaultExpires: 120 });
  const r1 = t.apply(heard({ cseq: 1, contacts: ['<sip:a@h1>', '<sip:a@h1>'] }), 0, { address: '127.0.0.1', port: 9 });
  assert.deepEqual(
    r1.added.map((b) => [b.contact, b.expires, b.source.port]),
    [['sip:a@h1', 120, 9]],
    'a contact listed twice counts once',
  );
  const r2 = t.apply(heard({ cseq: 2, contacts: ['<sip:a@h1>;expires=30', '<sip:b@h2>'] }), 1000);
  assert.deepEqual([r2.added.map((b) => b.contact), r2.refreshed.map((b) => [b.contact, b.expires])], [['sip:b@h2'], [['sip:a@h1', 30]]]);
  const full = t.apply(heard({ to: 'sip:x@example.test', cseq: 1, contacts: ['<sip:x@h3>'] }), 2000);
  assert.deepEqual([full.ok, full.why, t.dropped, t.size], [false, 'full', 1, 2]);
  const r3 = t.apply(heard({ cseq: 3, contacts: ['<sip:a@h1>;expires=0', '<sip:c@h4>'] }), 3000);
  assert.deepEqual(
    [r3.ok, r3.removed.map((b) => b.contact), r3.added.map((b) => b.contact)],
    [true, ['sip:a@h1'], ['sip:c@h4']],
    'a removal makes room in the same REGISTER',
  );
  assert.throws(() => new ObservedBindings({ uriEqual, max: 0 }), /max must be a positive integer/);
  assert.throws(() => new ObservedBindings({ uriEqual, defaultExpires: -1 }), /defaultExpires/);
});

test('`sipreg listen`: bad flags are usage errors (exit 2) before any socket is opened', async () => {
  const { execFile } = await import('node:child_process');
  const run = (args) =>
    new Promise((resolve) => {
      execFile(process.execPath, [`${ROOT}node/cli.mjs`, 'listen', ...args], { timeout: 10000 }, (err, stdout, stderr) =>
        resolve({ code: err?.code ?? 0, stdout, stderr }),
      );
    });
  const table = [
    [['--group', '10.0.0.1'], /^sipreg: multicast\.group must be an IPv4 multicast address \(224\.0\.0\.0\/4\), not 10\.0\.0\.1\n$/],
    [['--port', 'x'], /^sipreg: --port must be a number, not x\n$/],
    [['--port', '70000'], /^sipreg: multicast\.port must be 1-65535, not 70000\n$/],
    [['--interface', 'eth0'], /^sipreg: multicast\.interface must be a local IPv4 address, not eth0\n$/],
    [['--ttl', '2'], /^sipreg: --ttl: a listener sends nothing\n$/],
    [['--bogus'], /^sipreg: Unknown option '--bogus'/],
  ];
  for (const [args, re] of table) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('the package ships the multicast modules (package.json "files")', async () => {
  const { readFileSync } = await import('node:fs');
  const { files } = JSON.parse(readFileSync(`${ROOT}node/package.json`, 'utf8'));
  for (const f of ['multicast-flow.mjs', 'listen.mjs', 'listen-cli.mjs', 'observed-bindings.mjs']) {
    assert.ok(files.includes(f), `${f} missing from node/package.json files`);
  }
});
