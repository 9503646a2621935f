// sipp-registrars.test.mjs — registrar behaviours Kamailio cannot produce, scripted with SIPp
// (tests/sipp/*.xml, tests/registrar/sipp.mjs) as a UAS on 127.0.0.1 over UDP and TCP, reached
// through the public API: createRegistration({ server: 'sip:127.0.0.1:<port>;transport=udp|tcp' }).
// Each row asserts what sipreg reports (events, info, bindings) AND what SIPp received (its
// message log: the REGISTERs, their CSeq, Authorization, timing), and ends with the registrar's
// own state: the SIPp scenario completed, exit status 0, one successful call, none failed.
// Rows (a)-(h) are the issue's list; (i)/(j) add a slow registrar for the UDP retransmission timers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ROOT, need, startCliRegister } from './helpers.mjs';
import { startSippUas } from '../registrar/sipp.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
/** One JSON record per row and transport (git-ignored), for the interop matrix of the closing note. */
const INTEROP_DIR = `${ROOT}tests/js/artifacts/interop/`;

const AOR = 'sip:alice@example.test';
const EVENTS = ['registered', 'registrationfailed', 'retry', 'nobinding', 'bindings', 'flowdown', 'flowfailed', 'error'];
/** Registration Date one hour ahead of our clock (date.xml): the skew sipreg must estimate. */
const AHEAD_MS = 3600_000;

/**
 * @typedef {object} Ctx
 * @property {any} reg            the Registration
 * @property {import('../registrar/sipp.mjs').SippUas} uas
 * @property {{ type: string, t: number, detail: any }[]} events  what the registration dispatched
 * @property {'udp' | 'tcp'} transport
 * @property {Record<string, string | number>} vars  the scenario's globals
 */

/** The next event of `type` (already seen ones count), with a deadline. */
async function nextEvent(ctx, type, after = 0, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const e = ctx.events.filter((x) => x.type === type)[after];
    if (e) return e;
    if (Date.now() > end) throw new Error(`no ${type} event #${after + 1} within ${timeoutMs} ms (saw ${ctx.events.map((x) => x.type)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** REGISTERs SIPp received, one per CSeq (a UDP retransmission has the same CSeq). */
function registers(ctx) {
  const seen = new Map();
  for (const m of ctx.uas.registers()) if (!seen.has(m.cseq)) seen.set(m.cseq, m);
  return [...seen.values()];
}

/** The first response SIPp sent with this status, from its log. */
function sentResponse(ctx, status) {
  return ctx.uas.messages().find((m) => m.dir === 'out' && m.first.startsWith(`SIP/2.0 ${status} `));
}

/**
 * The clock skew sipreg estimated must be the Date SIPp sent minus the moment it sent it (one
 * machine, one wall clock), within sipreg's own error bound (RFC 3261 §10.2.5 Date). Waits for
 * the scenario's end (the 200 with the Date is its last message).
 */
async function assertSkew(ctx, info) {
  await ctx.uas.finished(); // SIPp may log its 200 after we read it: the scenario ends with it
  const ok = ctx.uas
    .messages()
    .filter((m) => m.dir === 'out' && m.first.startsWith('SIP/2.0 200 '))
    .at(-1);
  const truth = Date.parse(String(ctx.vars.date)) - ok.at; // the Date has whole seconds
  assert.ok(info.skewErrorMs > 0 && info.skewErrorMs <= 2000, `skewErrorMs ${info.skewErrorMs}`);
  // + 250 ms: SIPp stamps its log after the send, possibly after we already read the 200
  assert.ok(
    Math.abs(info.clockSkewMs - truth) <= info.skewErrorMs + 250,
    `clockSkewMs ${info.clockSkewMs} vs ${Math.round(truth)} (Date − when SIPp sent the 200), ± ${info.skewErrorMs}`,
  );
}

/** Our binding and the others' from a snapshot. */
function split(info) {
  return { ours: info.bindings.filter((b) => b.ours), others: info.bindings.filter((b) => !b.ours) };
}

/** The common checks of what SIPp received: CSeq 1, 2, … on one Call-ID, Route to SIPp. */
function assertRegisters(ctx, n, { auth = false } = {}) {
  const regs = registers(ctx);
  assert.deepEqual(
    regs.map((m) => m.cseq),
    Array.from({ length: n }, (_, i) => i + 1),
    'CSeq + 1 per REGISTER (§10.2)',
  );
  assert.equal(new Set(regs.map((m) => m.get('call-id'))).size, 1, 'one Call-ID (§10.2)');
  for (const m of regs) {
    assert.match(
      m.get('via'),
      new RegExp(`^SIP/2\\.0/${ctx.transport.toUpperCase()} 127\\.0\\.0\\.1:\\d+`, 'i'),
      "Via: the flow's transport and local address (§18.1.1)",
    );
    assert.match(
      m.get('route') ?? '',
      /^<sip:127\.0\.0\.1:\d+;transport=(udp|tcp);lr>$/i,
      'outbound proxy as a pre-loaded Route with ;lr (§8.1.2)',
    );
    assert.match(m.get('contact'), /^<sip:[^@>]+@127\.0\.0\.1:\d+(;transport=tcp)?>/, "a reachable Contact at the flow's address");
  }
  if (auth) {
    assert.equal(regs[0].get('authorization'), undefined, 'no credentials before the challenge');
    for (const m of regs.slice(1)) assert.match(m.get('authorization') ?? '', /^Digest /, 'Authorization after the 401');
  }
  return regs;
}

/**
 * Copies of the first REGISTER SIPp received: over UDP at `udpOffsets` ms after the first
 * (±200 ms; RFC 3261 §17.1.2.2 Timer E), the same bytes each time (same branch, CSeq 1); over
 * TCP exactly one (§17.1.2.2: Timer E only for unreliable transports).
 */
function assertCopies(ctx, udpOffsets) {
  const copies = ctx.uas.registers();
  const expected = ctx.transport === 'udp' ? udpOffsets : [0];
  const offsets = copies.map((m) => Math.round(m.at - copies[0].at));
  assert.equal(copies.length, expected.length, `copies at ${offsets} ms, expected ${expected}`);
  offsets.forEach((o, i) => assert.ok(Math.abs(o - expected[i]) <= 200, `copies at ${offsets} ms, expected ${expected}`));
  assert.equal(new Set(copies.map((m) => m.text)).size, 1, 'retransmissions are the same request');
  assertRegisters(ctx, 1);
}

/**
 * One registrar behaviour: the scenario SIPp plays, the registration's options, what to check.
 * @type {{ name: string, scenario: string, transports: ('udp'|'tcp')[], vars?: () => object,
 *   options?: object, check: (ctx: Ctx) => Promise<void> }[]}
 */
const ROWS = [
  {
    name: '(a) 200 with Date one hour ahead, expiry in the Expires header only: skew estimated, granted 240',
    scenario: 'date',
    transports: ['udp', 'tcp'],
    vars: () => ({ date: new Date(Date.now() + AHEAD_MS).toUTCString() }),
    async check(ctx) {
      const d = await ctx.reg.register();
      const info = d.info;
      assert.equal(info.state, 'registered');
      assert.equal(info.granted, 240, 'no ;expires on our Contact: the Expires header (§10.2.4)');
      assert.equal(split(info).ours[0].granted, 240);
      assert.ok(Math.abs(info.clockSkewMs - AHEAD_MS) <= 5000, `clockSkewMs ${info.clockSkewMs} ≈ ${AHEAD_MS}`);
      await assertSkew(ctx, info);
      const [r] = assertRegisters(ctx, 1);
      assert.equal(r.get('expires'), '120');
    },
  },
  {
    name: '(b) expiry only in the Contact ;expires=6: refresh scheduled from it, 3 s later',
    scenario: 'contact-expires',
    transports: ['udp', 'tcp'],
    options: { policy: { minGrant: 1 } },
    async check(ctx) {
      const d = await ctx.reg.register();
      assert.equal(d.info.granted, 6, 'the Contact parameter is the grant (§10.2.4)');
      const sent1 = registers(ctx)[0].at;
      const plan = d.info.refreshAt - sent1;
      assert.ok(plan >= 2800 && plan <= 3300, `refresh planned ${plan} ms after the REGISTER (E ≤ 64 s: max(E − 5, E/2) = 3 s)`);
      await nextEvent(ctx, 'registered', 1, 8000);
      const [first, second] = assertRegisters(ctx, 2);
      const ok1 = ctx.uas.messages().find((m) => m.dir === 'out' && m.cseq === 1).at;
      const gap = second.at - first.at;
      assert.ok(
        gap >= 2900 && gap <= 3600,
        `refresh REGISTER ${gap} ms after the first (SIPp's clock; 200 sent at +${(ok1 - first.at).toFixed(1)} ms)`,
      );
      assert.equal(ctx.reg.info.granted, 6);
    },
  },
  {
    name: '(c) 200 listing 30 bindings: ours found, 16 others kept, 13 counted as omitted',
    scenario: 'thirty',
    transports: ['udp', 'tcp'],
    async check(ctx) {
      const d = await ctx.reg.register();
      const { ours, others } = split(d.info);
      assert.equal(ours.length, 1);
      assert.equal(ours[0].granted, 300, 'our own ;expires=300 beats Expires: 3600');
      assert.equal(ours[0].matchedBy, 'uri', 'no +sip.instance echoed: §19.1.4 URI equality');
      assert.equal(others.length, 16, 'SIPREG_MAX_BINDINGS');
      assert.equal(d.info.othersOmitted, 13, '29 others − 16 kept');
      assert.deepEqual(
        others.slice(0, 3).map((b) => [b.uri, b.granted]),
        [
          ['sip:dev01@192.0.2.1:5060', 3590],
          ['sip:dev02@192.0.2.2:5060', 3580],
          ['sip:dev03@192.0.2.3:5060', 3570],
        ],
      );
      assert.ok(
        others.some((b) => b.uri === 'sip:dev16@192.0.2.16:5060'),
        'bindings after ours (compact "m:" list) are read too',
      );
      assertRegisters(ctx, 1);
    },
  },
  {
    name: '(d) odd case, compact names and odd spacing: granted 120 from "; EXPIRES = 120", others parsed',
    scenario: 'odd-params',
    transports: ['udp', 'tcp'],
    async check(ctx) {
      const d = await ctx.reg.register();
      assert.equal(d.info.state, 'registered');
      assert.equal(d.info.granted, 120, 'the Contact parameter, not "EXPIRES :  300"');
      const { others } = split(d.info);
      assert.deepEqual(
        others.map((b) => [b.uri, b.granted, b.q]),
        [
          ['sip:other@192.0.2.7:5070;Transport=UDP', 60, 0.5],
          ['sip:third@192.0.2.8', 90, 0.25],
        ],
      );
      assertRegisters(ctx, 1);
    },
  },
  {
    name: '(e) 200 without our binding: nobinding, the attempt fails, back-off, then registered',
    scenario: 'nobinding',
    transports: ['udp', 'tcp'],
    options: { policy: { retryBase: 1, retryMax: 2 } },
    async check(ctx) {
      await assert.rejects(
        ctx.reg.register(),
        (e) => e.reason === 'no-binding' && e.status === 200 && /did not list our binding/.test(e.message),
      );
      const nb = await nextEvent(ctx, 'nobinding');
      assert.equal(nb.detail.status, 200);
      await ctx.reg.whenRegistered({ signal: AbortSignal.timeout(8000) });
      assert.ok(ctx.events.findIndex((e) => e.type === 'registered') > ctx.events.indexOf(nb), 'never "registered" on that 200');
      const [first, second] = assertRegisters(ctx, 2);
      const gap = second.at - first.at;
      assert.ok(gap >= 400 && gap <= 2600, `retry ${gap} ms later (back-off U[W/2, W], W ≤ retryMax 2 s)`);
      const { ours, others } = split(ctx.reg.info);
      assert.equal(ours.length, 1);
      assert.equal(ours[0].granted, 300);
      assert.deepEqual(
        others.map((b) => b.uri),
        ['sip:alice-desk@192.0.2.30:5060'],
      );
    },
  },
  {
    name: '(f) 500 with Retry-After: 3: the next REGISTER 3 s later',
    scenario: 'retry-after',
    transports: ['udp', 'tcp'],
    async check(ctx) {
      await assert.rejects(ctx.reg.register(), (e) => e.status === 500);
      const retry = await nextEvent(ctx, 'retry');
      const planned = retry.detail.at - Date.now();
      assert.ok(planned > 2000 && planned <= 3100, `retry planned in ${planned} ms (Retry-After: 3, §21.5.1)`);
      await ctx.reg.whenRegistered({ signal: AbortSignal.timeout(8000) });
      const [, second] = assertRegisters(ctx, 2);
      const gap = second.at - sentResponse(ctx, 500).at;
      assert.ok(gap >= 2950 && gap <= 3600, `REGISTER ${gap} ms after the 500 (SIPp's clock)`);
      assert.equal(ctx.reg.info.granted, 300);
    },
  },
  {
    name: '(g) Asterisk res_pjsip: 401 (opaque, qop="auth", md5), 200 granting 119 of 120 with Date',
    scenario: 'asterisk-pjsip',
    transports: ['udp', 'tcp'],
    vars: () => ({ date: new Date().toUTCString() }),
    async check(ctx) {
      const d = await ctx.reg.register();
      assert.equal(d.info.granted, 119, 'the Contact parameter (Asterisk gives one second less), not Expires: 120');
      const { ours, others } = split(d.info);
      assert.equal(ours[0].requested, 120);
      assert.deepEqual(
        others.map((b) => [b.uri, b.granted]),
        [['sip:alice-desk@192.0.2.10:5060;ob', 3411]],
      );
      await assertSkew(ctx, d.info);
      const [, r2] = assertRegisters(ctx, 2, { auth: true });
      const a = r2.get('authorization');
      for (const p of [
        /realm="asterisk"/,
        /nonce="1796282188\/5a6f0e1d2b3c4d5e6f708192a3b4c5d6"/,
        /opaque="3c1d2e4f5a6b7c8d"/,
        /qop=auth/,
        /nc=00000001/,
        /cnonce="/,
        /username="alice"/,
      ]) {
        assert.match(a, p);
      }
    },
  },
  {
    name: '(g) Asterisk chan_sip: 100 Trying, 401 without qop (RFC 2069 answer), 200 with Expires + Contact expires',
    scenario: 'asterisk-chansip',
    transports: ['udp', 'tcp'],
    vars: () => ({ date: new Date().toUTCString() }),
    async check(ctx) {
      const d = await ctx.reg.register();
      assert.equal(d.info.granted, 120);
      assert.equal(split(d.info).others.length, 0);
      const [, r2] = assertRegisters(ctx, 2, { auth: true });
      const a = r2.get('authorization');
      assert.match(a, /realm="asterisk"/);
      assert.match(a, /nonce="2a5f3c1e"/);
      assert.doesNotMatch(a, /qop|nc=|cnonce/, 'no qop offered: none answered');
    },
  },
  {
    name: '(h) FreeSWITCH mod_sofia: 401 (uuid nonce, qop="auth"), 200 with a comma Contact list, Date, Allow-Events; unregister',
    scenario: 'freeswitch',
    transports: ['udp', 'tcp'],
    vars: () => ({ date: new Date().toUTCString() }),
    async check(ctx) {
      const d = await ctx.reg.register();
      assert.equal(d.info.granted, 300);
      const { ours, others } = split(d.info);
      assert.equal(ours.length, 1);
      assert.deepEqual(
        others.map((b) => [b.uri, b.granted]),
        [['sip:alice-phone@192.0.2.40:5062;transport=udp', 1543]],
      );
      const u = await ctx.reg.unregister();
      assert.equal(u.info.state, 'idle');
      assert.deepEqual(
        split(u.info).others.map((b) => [b.uri, b.granted]),
        [['sip:alice-phone@192.0.2.40:5062;transport=udp', 1540]],
        'what the registrar says is left',
      );
      await assertSkew(ctx, ctx.reg.info);
      const [, r2, r3] = assertRegisters(ctx, 3, { auth: true });
      for (const a of [r2.get('authorization'), r3.get('authorization')]) {
        assert.match(a, /realm="example\.test"/);
        assert.match(a, /nonce="8e0a7c52-3f1b-4c2d-9a6e-5b7d1f0c4e21"/);
        assert.match(a, /qop=auth/);
      }
      assert.match(r2.get('authorization'), /nc=00000001/);
      assert.match(r3.get('authorization'), /nc=00000002/, 'the cached challenge answered again with nc + 1');
      assert.match(r3.get('contact'), /;expires=0\b/, 'our binding removed (§10.2.2)');
      assert.equal(r3.get('expires'), '0', 'and Expires: 0, which FreeSWITCH needs to see an unregister');
    },
  },
  {
    name: '(i) slow registrar, no provisional: over UDP Timer E retransmits at T1, 2·T1, then T2; over TCP never',
    scenario: 'slow',
    transports: ['udp', 'tcp'],
    vars: () => ({ delay: 2200, trying: 0 }),
    options: { policy: { t1Ms: 300, t2Ms: 800 } },
    async check(ctx) {
      const d = await ctx.reg.register();
      assert.equal(d.info.granted, 300);
      assertCopies(ctx, [0, 300, 900, 1700]);
    },
  },
  {
    name: '(j) slow registrar with 100 Trying at once: over UDP the armed T1 fires, then every T2 (Proceeding); TCP never',
    scenario: 'slow',
    transports: ['udp', 'tcp'],
    vars: () => ({ delay: 2200, trying: 1 }),
    options: { policy: { t1Ms: 300, t2Ms: 800 } },
    async check(ctx) {
      await ctx.reg.register();
      assertCopies(ctx, [0, 300, 1100, 1900]);
    },
  },
];

/**
 * Start SIPp with the row's scenario, register through it, run the row's checks, then require
 * SIPp's scenario to have completed: exit 0, one successful call, none failed.
 * @param {typeof ROWS[number]} row
 * @param {'udp' | 'tcp'} transport
 */
async function run(row, transport, t) {
  const t0 = performance.now();
  const vars = row.vars?.() ?? {};
  const uas = await startSippUas({ scenario: row.scenario, transport, vars });
  let reg;
  let outcome = 'fail';
  try {
    reg = await sipreg.createRegistration({
      server: uas.server,
      aor: AOR,
      auth: { username: 'alice', password: 'secret' },
      expires: 120,
      ...row.options,
      policy: { ...row.options?.policy },
    });
    /** @type {Ctx} */
    const ctx = { reg, uas, events: [], transport, vars };
    for (const type of EVENTS) reg.addEventListener(type, (e) => ctx.events.push({ type, t: Date.now(), detail: e.detail }));
    await row.check(ctx);
    const end = await uas.finished(15000);
    assert.deepEqual(
      { code: end.code, successful: end.successful, failed: end.failed },
      { code: 0, successful: 1, failed: 0 },
      "the registrar's own state: SIPp's scenario completed",
    );
    outcome = 'pass';
  } catch (e) {
    if (e instanceof Error) e.message += `\n${uas.report()}`;
    throw e;
  } finally {
    const regs = uas.registers().length;
    reg?.close();
    await uas.stop();
    const ms = Math.round(performance.now() - t0);
    t.diagnostic(`sipp ${row.scenario} over ${transport}: ${outcome}, ${(ms / 1000).toFixed(2)} s, ${regs} REGISTERs received`);
    mkdirSync(INTEROP_DIR, { recursive: true });
    writeFileSync(
      `${INTEROP_DIR}sipp-${row.scenario}-${transport}-${row.name.slice(1, 2)}.json`,
      `${JSON.stringify(
        {
          registrar: `SIPp ${row.scenario}.xml`,
          behaviour: row.name,
          transport,
          discovery: 'configured (server: sip: URI, outbound proxy)',
          outcome,
          ms,
          registers: regs,
        },
        null,
        2,
      )}\n`,
    );
  }
}

describe('SIPp-scripted registrars over UDP and TCP (public API, server: sip:127.0.0.1:<port>)', { concurrency: 6 }, () => {
  for (const row of ROWS) {
    for (const transport of row.transports) test(`${transport}: ${row.name}`, (t) => run(row, transport, t));
  }
});

describe('the CLI against a SIPp registrar', { concurrency: 3 }, () => {
  // when: the line after which Ctrl-C comes ('flow': while the REGISTER is being answered)
  for (const [transport, when] of /** @type {const} */ ([
    ['udp', 'registered'],
    ['tcp', 'registered'],
    ['udp', 'flow'],
  ])) {
    test(
      `${transport}: sipreg register --server 'sip:127.0.0.1:<port>;transport=${transport}' to the FreeSWITCH shape; Ctrl-C after the '${when}' line unregisters`,
      { timeout: 30_000 },
      async (t) => {
        const vars = { date: new Date().toUTCString() };
        const uas = await startSippUas({ scenario: 'freeswitch', transport, vars });
        /** @type {{ child: import('node:child_process').ChildProcess, out: () => string, exited: Promise<number|null> } | undefined} */
        let cli;
        try {
          cli = await startCliRegister(['--server', uas.server, '--aor', AOR, '--user', 'alice'], { until: when });
          cli.child.kill('SIGINT');
          assert.equal(await cli.exited, 0, cli.out());
          assert.match(cli.out(), /unregistered/);
          assert.doesNotMatch(cli.out(), /secret/);
          const end = await uas.finished(15000);
          assert.deepEqual({ code: end.code, successful: end.successful, failed: end.failed }, { code: 0, successful: 1, failed: 0 });
          const regs = uas.registers();
          assert.deepEqual(
            regs.map((m) => [m.cseq, Boolean(m.get('authorization')), m.get('expires')]),
            [
              [1, false, '600'],
              [2, true, '600'],
              [3, true, '0'],
            ],
          );
          t.diagnostic(`CLI over ${transport}: ${regs.length} REGISTERs, exit 0`);
        } catch (e) {
          if (e instanceof Error) e.message += `\n--- CLI output:\n${cli?.out() ?? ''}\n${uas.report()}`;
          throw e;
        } finally {
          if (cli?.child.exitCode === null) cli.child.kill('SIGKILL');
          await uas.stop();
        }
      },
    );
  }
});
