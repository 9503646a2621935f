// scale-short.test.mjs — the short version of the 100,000-registration run (tests/bench/js/scale.mjs
// --big 100000 --soak 600): 2,000 registrations of one RegistrationPool against the test Kamailio
// over ws://127.0.0.1, one refresh cycle at expires 60 s (refreshed at 30 s: policy.shortMargin 30),
// each step checked in the registrar's own table (ul.dump / ul.lookup), then all removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need, sleep, useRegistrar } from './helpers.mjs';

const { RegistrationPool } = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const ctx = useRegistrar({ usrlocHashSize: 12 });
const N = 2000;
const aor = (i) => `sip:short${i}@example.test`;

/** The registrar's bindings of our AORs, by AOR (one each: a second contact for an AOR fails). */
async function bindings() {
  const list = await ctx.registrar.lookup(Array.from({ length: N }, (_, i) => `short${i}@example.test`));
  const byAor = new Map(list.map((b) => [b.aor, b]));
  assert.equal(list.length, byAor.size, 'one binding per AOR');
  return byAor;
}

test('2,000 registrations, one refresh cycle at expires 60 s, then all removed', { timeout: 120_000 }, async () => {
  const pool = new RegistrationPool({ server: ctx.registrar.wsUrl, flows: 4, rate: 4000 });
  try {
    for (let i = 0; i < N; i++) pool.add({ aor: aor(i), auth: { password: 'secret' }, expires: 60, policy: { shortMargin: 30 } });
    const reg = await pool.registerAll();
    const t0 = performance.now(); // the last 2xx arrived by now
    assert.deepEqual(
      reg.filter((r) => r.status === 'rejected').map((r) => r.reason.message),
      [],
      'every registration through the 401',
    );
    let held = await bindings();
    assert.equal(held.size, N, 'the registrar holds every AOR');
    for (const b of held.values()) assert.equal(b.cseq, 2, `${b.aor}: one challenged REGISTER, one answered`);

    // the refresh point: 60 - 30 s after each 2xx; wait past the last one
    await sleep(Math.max(0, 30_000 - (performance.now() - t0)) + 4000);
    held = await bindings();
    assert.equal(held.size, N, 'no lapse: every AOR still bound');
    const stale = [...held.values()].filter((b) => b.cseq !== 3 || !(b.expires > 30));
    assert.deepEqual(
      stale.map((b) => `${b.aor} cseq ${b.cseq} expires ${b.expires}`),
      [],
      'every binding refreshed once (CSeq 3, a fresh 60 s)',
    );
    assert.equal(pool.registrations.filter((r) => r.state !== 'registered').length, 0, 'every registration registered');

    const un = await pool.unregisterAll();
    assert.equal(un.filter((r) => r.status === 'rejected').length, 0);
    assert.equal((await bindings()).size, 0, 'the registrar holds none');
  } finally {
    pool.close();
  }
});
