// kamailio-faults.test.mjs — the bad day against the real registrar: frozen registrar (Timer F,
// no immediate retry, back-off, recovery), 503 + Retry-After, a reload that must not leave a ghost
// binding, and credentials that never show up in events or messages. Each test checks what the
// registrar holds at the end (kamcmd), not only the client's view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need, sleep, once, useRegistrar } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const ctx = useRegistrar();
const { make, held } = ctx;
const open = ctx.open;

test('frozen registrar: Timer F, no immediate retry, back-off, recovery after SIGCONT', { timeout: 30_000 }, async () => {
  // T1 = 50 ms makes Timer F 3.2 s; back-off base 1 s makes the first retry wait U[1, 2] s
  const reg = await make('f1', { policy: { t1Ms: 50, retryBase: 1 } });
  await reg.register();
  const out = [];
  reg.addEventListener('message', (e) => {
    if (e.detail.direction === 'out') out.push(Date.now());
  });
  ctx.registrar.freeze();
  try {
    const failed = reg.register().catch((e) => e);
    const e = await failed;
    assert.equal(e.reason, 'timeout');
    const failedAt = Date.now();
    assert.equal(out.length, 1, 'one REGISTER, then silence until the back-off ends');
    assert.ok(e.at - failedAt >= 900, `retry scheduled ${e.at - failedAt} ms later`);
  } finally {
    ctx.registrar.thaw();
  }
  await once(reg, 'registered');
  assert.ok(out[1] - out[0] >= 3200 + 900, 'the retry came after Timer F and the back-off');
  assert.equal((await held('f1')).length, 1, 'one binding, no ghost');
});

test('503 with Retry-After is honoured, then success', { timeout: 30_000 }, async () => {
  const reg = await make('f2');
  await ctx.registrar.setFault503(true, 2);
  const t0 = Date.now();
  let err;
  try {
    err = await reg.register().catch((e) => e);
  } finally {
    await ctx.registrar.setFault503(false);
  }
  assert.equal(err.status, 503);
  assert.ok(Math.abs(err.at - (t0 + 2000)) < 1000, 'retry at receive + Retry-After');
  const d = await once(reg, 'registered');
  assert.ok(Date.now() - t0 >= 1900, 'not before Retry-After');
  assert.equal(d.info.failures, 0);
  assert.equal((await held('f2')).length, 1);
});

test('a reload continues the same binding from the exported state: one binding, not two', { timeout: 30_000 }, async () => {
  const first = await make('f3');
  await first.register();
  const state = first.export();
  assert.doesNotMatch(state, /secret/);
  first.close(); // the page goes away without unregistering
  const second = await make('f3', { state });
  const sent = [];
  second.addEventListener('message', (e) => {
    if (e.detail.direction === 'out') sent.push(e.detail.text);
  });
  const d = await second.register();
  assert.equal(sent.length, 1, 'the cached nonce answers up front: no 401 round trip');
  assert.equal(d.info.bindings.filter((b) => b.ours).length, 1);
  assert.equal((await held('f3')).length, 1, 'the registrar holds one binding for the AOR');
  // a damaged blob is refused with a clear error, and a fresh registration still works
  const errors = [];
  const fresh = await make('f3b', { state: state.replace('cseq=', 'cseq=9') });
  fresh.addEventListener('error', (e) => errors.push(e.detail));
  await sleep(10);
  assert.equal(fresh.stateError?.code, 'SIPREG_E_STATE_BLOB');
  assert.deepEqual(
    errors.map((e) => e.code),
    ['SIPREG_E_STATE_BLOB'],
  );
  await fresh.register();
  assert.equal((await held('f3b')).length, 1);
});

test('credentials never appear in events, errors or messages; HA1 can replace the password', { timeout: 30_000 }, async () => {
  const password = 'Pa55-very-secret';
  const { createHash } = await import('node:crypto');
  const ha1 = createHash('md5').update(`f4:example.test:${password}`).digest('hex');
  const seen = [];
  const capture = (reg) => {
    for (const t of [
      'statechange',
      'registered',
      'unregistered',
      'registrationfailed',
      'retry',
      'bindings',
      'message',
      'error',
      'expiring',
    ]) {
      reg.addEventListener(t, (e) => seen.push(JSON.stringify(e.detail)));
    }
  };
  // wrong password first (a failure path), then the right one through HA1 only
  const wrong = await sipreg.createRegistration({ server: ctx.registrar.wsUrl, aor: 'sip:f4@example.test', auth: { password } });
  open.push(wrong);
  capture(wrong);
  const err = await wrong.register().catch((e) => e);
  seen.push(String(err), JSON.stringify(err), err.stack ?? '');
  const viaHa1 = await sipreg.createRegistration({ server: ctx.registrar.wsUrl, aor: 'sip:f4@example.test', auth: { ha1 } });
  open.push(viaHa1);
  capture(viaHa1);
  // the test registrar's password is "secret": HA1 of the real password registers
  const okHa1 = createHash('md5').update('f4:example.test:secret').digest('hex');
  const good = await sipreg.createRegistration({ server: ctx.registrar.wsUrl, aor: 'sip:f4@example.test', auth: { ha1: okHa1 } });
  open.push(good);
  capture(good);
  await good.register();
  await viaHa1.register().catch((e) => seen.push(String(e)));
  seen.push(good.export(), JSON.stringify(good.info));
  const all = seen.join('\n');
  for (const secret of [password, ha1, okHa1, 'secret']) assert.ok(!all.includes(secret), `leaked ${secret}`);
  assert.equal((await held('f4')).length, 1);
});

test('registrar restart under a pool of 1,000: paced recovery (no thundering herd), every binding back', { timeout: 60_000 }, async () => {
  const N = 1000,
    rate = 1000;
  const pool = new sipreg.RegistrationPool({ server: ctx.registrar.wsUrl, flows: 2, rate });
  for (let i = 0; i < N; i++) pool.add({ aor: `sip:herd${i}@example.test`, auth: { password: 'secret' }, policy: { retryBase: 1 } });
  const first = await pool.registerAll();
  assert.equal(first.filter((r) => r.status === 'fulfilled').length, N);
  const sends = [];
  const back = Promise.all(pool.registrations.map((r) => once(r, 'registered')));
  for (const r of pool.registrations)
    r.addEventListener('message', (e) => {
      if (e.detail.direction === 'out') sends.push(Date.now());
    });
  await ctx.registrar.restart();
  await back;
  // (the registrations of the earlier tests re-register too: count only this pool's AORs)
  const herd = (await ctx.registrar.dump()).filter((b) => b.aor.startsWith('herd'));
  assert.equal(herd.length, N, 'every binding is back, none twice');
  assert.equal(new Set(herd.map((b) => b.aor)).size, N);
  // no herd: the re-REGISTERs (each challenged once: the restarted registrar forgot its nonces)
  // are spread by the pacer and the back-off jitter, not fired in one burst
  const buckets = new Map();
  for (const t of sends) buckets.set(Math.floor(t / 100), (buckets.get(Math.floor(t / 100)) ?? 0) + 1);
  const worst = Math.max(...buckets.values());
  assert.ok(worst <= sends.length / 4, `${worst} of ${sends.length} REGISTERs in one 100 ms window`);
  assert.ok(Math.max(...sends) - Math.min(...sends) >= 500, 'spread over at least half a second');
  await pool.unregisterAll();
  pool.close();
});
