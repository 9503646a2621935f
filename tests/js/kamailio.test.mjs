// kamailio.test.mjs — sipreg (wasm + glue) against a real Kamailio registrar over ws://127.0.0.1.
// Each test uses its own AOR; the registrar's own view (kamcmd ul.dump) is checked, not only ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need, sleep, once, useRegistrar } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const ctx = useRegistrar();
const { make, held } = ctx;
const open = ctx.open;

/** Number of contacts the registrar holds (usrloc statistics; ul.dump is too big for 500). */
async function contacts() {
  const out = await ctx.registrar.rpc('stats.get_statistics', 'usrloc:');
  return Number(/location_contacts = (\d+)/.exec(out)[1]);
}

test('register through the 401 challenge; the registrar holds exactly our binding', async () => {
  const reg = await make('k1');
  const d = await reg.register();
  assert.equal(d.info.state, 'registered');
  const ours = d.info.bindings.filter((b) => b.ours);
  assert.equal(ours.length, 1);
  assert.equal(ours[0].matchedBy, 'instance', 'Kamailio echoes +sip.instance and reg-id (RFC 5626 §6)');
  assert.equal(ours[0].granted, 600);
  const h = await held('k1');
  assert.equal(h.length, 1);
  assert.equal(h[0].contact.replace(/^<|>$/g, '').split(';')[0], ours[0].uri.split(';')[0]);
  assert.equal(reg.info.cseq, 2, 'one challenged REGISTER, one answered');
});

test('without outbound, our binding is found by §19.1.4 although Kamailio appends ;received', async () => {
  const reg = await make('k1b', { outbound: false });
  const d = await reg.register();
  assert.equal(d.info.bindings.find((b) => b.ours).matchedBy, 'uri');
});

test('two contacts with different q and per-contact expires; fetch lists them', async () => {
  const reg = await make('k2', {
    expires: 3600,
    contacts: [
      { uri: 'sip:k2a@a.invalid;transport=ws', q: 0.9, expires: 300 },
      { uri: 'sip:k2b@b.invalid;transport=ws', q: 0.5, expires: 120 },
    ],
  });
  const d = await reg.register();
  const ours = d.info.bindings.filter((b) => b.ours);
  assert.deepEqual(
    ours.map((b) => [b.q, b.requested, b.granted]),
    [
      [0.9, 300, 300],
      [0.5, 120, 120],
    ],
  );
  assert.equal(d.info.granted, 120, 'the shorter binding decides the refresh');
  const fetched = await reg.fetch();
  assert.equal(fetched.filter((b) => b.ours).length, 2);
  assert.equal((await held('k2')).length, 2);
});

test('remove one contact by swapping the list (old expires=0 and new in one REGISTER)', async () => {
  const reg = await make('k3', { contacts: [{ uri: 'sip:old@k3.invalid;transport=ws' }, { uri: 'sip:keep@k3.invalid;transport=ws' }] });
  await reg.register();
  assert.equal((await held('k3')).length, 2);
  const sent = [];
  reg.addEventListener('message', (e) => {
    if (e.detail.direction === 'out') sent.push(e.detail.text);
  });
  await reg.setContacts([{ uri: 'sip:keep@k3.invalid;transport=ws' }]);
  assert.equal(sent.length, 1, 'one REGISTER for the swap');
  const h = await held('k3');
  assert.equal(h.length, 1);
  assert.match(h[0].contact, /keep@k3\.invalid/);
});

test('another device of the same AOR is seen, never refreshed; remove all with *', async () => {
  const phone = await make('k4', { contacts: [{ uri: 'sip:phone@k4.invalid;transport=ws' }] });
  const laptop = await make('k4', { contacts: [{ uri: 'sip:laptop@k4.invalid;transport=ws' }] });
  await phone.register();
  const d = await laptop.register();
  const others = d.info.bindings.filter((b) => !b.ours);
  assert.equal(others.length, 1);
  assert.match(others[0].uri, /phone@k4/);
  const sent = [];
  laptop.addEventListener('message', (e) => {
    if (e.detail.direction === 'out') sent.push(e.detail.text);
  });
  await laptop.register(); // refresh now
  assert.ok(
    sent.every((m) => !m.includes('phone@k4')),
    'the other device is never in our REGISTER',
  );
  assert.equal((await held('k4')).length, 2);
  await laptop.unregister({ all: true });
  assert.equal((await held('k4')).length, 0);
  const f = await phone.fetch();
  assert.equal(f.filter((b) => b.granted > 0 && !b.ours).length, 0);
});

test('423 Interval Too Brief, then success with Min-Expires', async () => {
  const reg = await make('k5', { expires: 10 });
  const d = await reg.register();
  assert.equal(d.info.requested, 60);
  assert.equal(d.info.granted, 60);
  assert.equal((await held('k5'))[0].expires > 50, true);
});

test('wrong password: one answered challenge, then a failure (no loop)', async () => {
  const reg = await sipreg.createRegistration({ server: ctx.registrar.wsUrl, aor: 'sip:k6@example.test', auth: { password: 'wrong' } });
  open.push(reg);
  const sent = [];
  reg.addEventListener('message', (e) => {
    if (e.detail.direction === 'out') sent.push(e.detail.text);
  });
  await assert.rejects(reg.register(), (e) => e.status === 401 && e.error === 'SIPREG_E_AUTH_LOOP' && e.reason === 'credentials');
  await sleep(300);
  assert.equal(sent.length, 2, 'first REGISTER and one answer to the challenge');
  assert.equal(reg.state, 'failed', 'rejected credentials stop (the failure table; retryCredentials keeps trying)');
  assert.equal(reg.info.retryAt, null);
  assert.equal((await held('k6')).length, 0);
});

test('unregister removes only our binding', async () => {
  const reg = await make('k7');
  await reg.register();
  const d = await reg.unregister();
  assert.equal(d.info.state, 'idle');
  assert.equal((await held('k7')).length, 0);
});

test('500 registrations through one RegistrationPool, then all removed', async () => {
  const pool = new sipreg.RegistrationPool({ server: ctx.registrar.wsUrl, flows: 2, rate: 2000 });
  const N = 500;
  for (let i = 0; i < N; i++) pool.add({ aor: `sip:pool${i}@example.test`, auth: { password: 'secret' } });
  const t0 = performance.now();
  const reg = await pool.registerAll();
  const took = performance.now() - t0;
  assert.equal(
    reg.filter((r) => r.status === 'fulfilled').length,
    N,
    JSON.stringify(reg.find((r) => r.status === 'rejected')?.reason?.message),
  );
  const before = await contacts();
  assert.ok(before >= N, `registrar holds ${before} contacts`);
  const un = await pool.unregisterAll();
  assert.equal(un.filter((r) => r.status === 'fulfilled').length, N);
  assert.equal(before - (await contacts()), N, 'every pool binding removed, no ghost left');
  console.log(`# pool: ${N} registrations in ${took.toFixed(0)} ms (${((N / took) * 1000).toFixed(0)}/s)`);
  pool.close();
});
