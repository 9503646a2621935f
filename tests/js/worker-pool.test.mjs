// worker-pool.test.mjs — RegistrationPool({ workers: 2 }) (node/worker-pool.cjs): 200 AORs spread
// over two worker threads, one wasm instance each, against the test Kamailio over ws://127.0.0.1;
// the app sees the pool's API and its registrations' events; the registrar's table is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need, once, useRegistrar } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const { RegistrationPool } = sipreg;
const ctx = useRegistrar();
const N = 200;

test('workers: 2 — 200 AORs registered, held by the registrar, events forwarded, then unregistered', { timeout: 60_000 }, async () => {
  const pool = new RegistrationPool({ server: ctx.registrar.wsUrl, workers: 2, flows: 2, rate: 2000 });
  try {
    assert.equal(pool.workers, 2);
    await pool.ready;
    for (let i = 0; i < N; i++) pool.add({ aor: `sip:wp${i}@example.test`, auth: { password: 'secret' }, expires: 600 });
    assert.equal(pool.registrations.length, N);
    const first = pool.registrations[0];
    const events = [];
    first.addEventListener('statechange', (e) => events.push(e.detail.state));
    const registered = once(first, 'registered', 10_000);

    const results = await pool.registerAll();
    assert.equal(results.length, N);
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => r.reason.message),
      [],
    );
    assert.equal(results[7].value.state, 'registered');
    const detail = await registered;
    assert.equal(detail.info.state, 'registered', 'the event detail comes with its snapshot');
    assert.ok(events.includes('registering') && events.includes('registered'), `statechange forwarded: ${events}`);
    assert.equal(await pool.registrations[1].get('state'), 'registered', 'registration 1 lives in the other worker');
    assert.deepEqual(await pool.states(), { registered: N });

    const held = await ctx.registrar.dump();
    const ours = new Set(held.filter((b) => b.aor.startsWith('wp')).map((b) => b.aor));
    assert.equal(ours.size, N, 'the registrar holds every AOR');
    assert.equal(held.filter((b) => b.aor.startsWith('wp')).length, N, 'one binding each');
    // both workers registered over their own flows: two connections at the registrar
    assert.equal(new Set(held.filter((b) => b.aor.startsWith('wp')).map((b) => b.tcpConnId)).size, 2);

    // one registration's own command, and a refusal as the glue's error class
    const again = await pool.registrations[3].register();
    assert.equal(again.info.state, 'registered');
    const bad = await pool.registrations[3].unregister({ all: 'yes' }).catch((e) => e);
    assert.ok(bad instanceof sipreg.SipregError, `${bad}`);
    assert.equal(bad.option, 'all');

    const un = await pool.unregisterAll();
    assert.equal(un.filter((r) => r.status === 'rejected').length, 0);
    assert.equal((await ctx.registrar.dump()).filter((b) => b.aor.startsWith('wp')).length, 0, 'the registrar holds none');
  } finally {
    await pool.close();
  }
});

test('workers: options checked in this thread', () => {
  assert.throws(() => new RegistrationPool({ server: 'ws://127.0.0.1:1', workers: 0 }), { code: 'SIPREG_E_CONFIG', option: 'workers' });
  assert.throws(() => new RegistrationPool({ server: 'ws://127.0.0.1:1', workers: 2, now: () => 0 }), { option: 'now' });
});

test('workers: a call to a worker that has ended rejects (never waits forever)', { timeout: 30_000 }, async () => {
  const pool = new RegistrationPool({ server: 'ws://127.0.0.1:1', workers: 2 });
  const reg = pool.add({ aor: 'sip:wpend@example.test', auth: { password: 'secret' } });
  await pool.ready;
  // an operation the worker does not know is answered with an error, not left unanswered
  await assert.rejects(pool._call(-1, { op: 'nope' }, undefined, 0), /no op nope/);
  await pool.close();
  await assert.rejects(reg.register(), /pool worker 0 exited/);
  await assert.rejects(pool.states(), /exited/);
});
