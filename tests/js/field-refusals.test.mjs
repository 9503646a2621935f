// field-refusals.test.mjs — issue 11 "every way a registrar says no", against the real Kamailio
// answering on demand (registrar.setFault): 302 followed for this attempt only, 301 moving later
// refreshes too, 403 and 404 terminal (the promise rejects with the status, state "failed", no
// more REGISTERs for 10 s), 503 transient (retries after Retry-After, registers once the fault is
// cleared), 420 naming outbound (one retry without it), and rejected credentials (terminal).
// Every scenario has its own registrar, and they all run at once (the 10-s quiet windows
// overlap); each ends with what the registrar holds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistrar } from '../registrar/registrar.mjs';
import { loadSipreg, recordField, track, sleep, requestUri, header } from './field-kit.mjs';

const QUIET_MS = 10_000;
let sipreg;
/** @type {Record<string, import('../registrar/registrar.mjs').Registrar>} */
const registrars = {};
const open = [];
const NAMES = ['r302', 'r301', 'r403', 'r404', 'r503', 'r420', 'cred'];

before(async () => {
  sipreg = await loadSipreg();
  const started = await Promise.allSettled(
    NAMES.map(async (n) => {
      registrars[n] = await startRegistrar({ tcpChildren: 2 });
    }),
  );
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
});
after(async () => {
  for (const r of open) r.close();
  await Promise.all(Object.values(registrars).map((r) => r.stop()));
});

/** A registration of sip:<user>@example.test on registrar `name`, tracked. */
async function make(name, user, extra = {}) {
  const reg = await sipreg.createRegistration({
    server: registrars[name].wsUrl,
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    ...extra,
  });
  open.push(reg);
  return { reg, t: track(reg) };
}
/** @param {string} name @param {string} user */
const held = async (name, user) => (await registrars[name].dump()).filter((b) => b.aor === `${user}@example.test`);

describe('refusals, all at once', { concurrency: true }, () => {
  it(
    '302: the Contact is tried (this attempt only), registered there; a refresh starts at the registrar again',
    { timeout: 30_000 },
    async () => {
      const r = registrars.r302;
      await r.setFault(302); // Contact: <sip:redirected.example.test>, answered while the R-URI is not that
      const { reg, t } = await make('r302', 'redir302');
      const t0 = Date.now();
      const d = await reg.register();
      const took = Date.now() - t0;
      const sent = t.registers(t0);
      const held1 = await held('r302', 'redir302');
      recordField('status-302', {
        scenario: 'Kamailio answers 302 (Contact: sip:redirected.example.test)',
        expect: 'followed, registered',
        detectMs: null,
        recoverMs: took,
        registers: sent.length,
        bindings: held1.length,
        outcome: d.info.state,
      });
      assert.equal(d.info.state, 'registered');
      assert.deepEqual(
        sent.map((m) => requestUri(m.detail.text)),
        ['sip:example.test', 'sip:redirected.example.test', 'sip:redirected.example.test'],
        t.summary(t0),
      );
      const redirect = t.first('redirect', t0);
      assert.ok(redirect, 'a "redirect" event');
      assert.equal(redirect.detail.text, 'sip:redirected.example.test');
      assert.equal(redirect.detail.permanent, false, 'temporary');
      assert.equal(held1.length, 1);
      // a 302 holds for that attempt only: the refresh goes to the registrar first
      const t1 = Date.now();
      await reg.register();
      assert.equal(requestUri(t.registers(t1)[0].detail.text), 'sip:example.test', t.summary(t1));
      assert.equal((await held('r302', 'redir302')).length, 1, 'the same binding refreshed, not a second one');
    },
  );

  it('301: registered at the new registrar, and later refreshes go there directly', { timeout: 30_000 }, async () => {
    const r = registrars.r301;
    await r.setFault(301, { contact: 'sip:moved.example.test' });
    const { reg, t } = await make('r301', 'redir301');
    const t0 = Date.now();
    const d = await reg.register();
    const took = Date.now() - t0;
    const sent = t.registers(t0);
    recordField('status-301', {
      scenario: 'Kamailio answers 301 (Contact: sip:moved.example.test)',
      expect: 'followed; refreshes go there',
      recoverMs: took,
      registers: sent.length,
      bindings: (await held('r301', 'redir301')).length,
      outcome: d.info.state,
    });
    assert.equal(d.info.state, 'registered');
    assert.equal(requestUri(sent.at(-1).detail.text), 'sip:moved.example.test', t.summary(t0));
    assert.equal(t.first('redirect', t0)?.detail.permanent, true, 'permanent');
    const t1 = Date.now();
    await reg.register();
    const refresh = t.registers(t1);
    assert.equal(refresh.length, 1, `one REGISTER, straight to the new registrar: ${t.summary(t1)}`);
    assert.equal(requestUri(refresh[0].detail.text), 'sip:moved.example.test');
    assert.equal((await held('r301', 'redir301')).length, 1);
  });

  for (const code of [403, 404]) {
    const name = `r${code}`;
    it(`${code}: terminal - the promise rejects with the status, state "failed", no REGISTER for 10 s`, { timeout: 30_000 }, async () => {
      await registrars[name].setFault(code);
      const { reg, t } = await make(name, `refused${code}`);
      const t0 = Date.now();
      const err = await reg.register().then(
        () => null,
        (e) => e,
      );
      const detect = Date.now() - t0;
      await sleep(QUIET_MS);
      const sent = t.registers(t0);
      const h = await held(name, `refused${code}`);
      recordField(`status-${code}`, {
        scenario: `Kamailio answers ${code}`,
        expect: 'rejects, state failed, no retry',
        detectMs: detect,
        registers: sent.length,
        bindings: h.length,
        outcome: `${err ? `rejected (${err.status} ${err.reason})` : 'resolved'}; state ${reg.info.state}`,
      });
      assert.ok(err, 'register() rejects');
      assert.equal(err.name, 'RegistrationError');
      assert.equal(err.status, code);
      assert.equal(err.reason, 'refused');
      assert.equal(reg.info.state, 'failed');
      assert.equal(sent.length, 1, `one REGISTER, then nothing for ${QUIET_MS / 1000} s: ${t.summary(t0)}`);
      assert.equal(t.events('retry', t0).length, 0, 'no retry scheduled');
      assert.deepEqual(h, []);
    });
  }

  it('503 + Retry-After: transient - retried after Retry-After, registered once the fault is cleared', { timeout: 40_000 }, async () => {
    const r = registrars.r503;
    await r.setFault(503, { retryAfter: 2 });
    const { reg, t } = await make('r503', 'busy503');
    const t0 = Date.now();
    const first = await reg.register().then(
      () => null,
      (e) => e,
    );
    assert.ok(first, 'the first attempt fails');
    assert.equal(first.status, 503);
    const eventually = reg.whenRegistered();
    await sleep(5000);
    const duringFault = t.registers(t0).length;
    const cleared = Date.now();
    await r.setFault(0);
    const d = await eventually;
    const recover = Date.now() - cleared;
    const h = await held('r503', 'busy503');
    recordField('status-503', {
      scenario: 'Kamailio answers 503 + Retry-After: 2 for 5 s',
      expect: 'retries, registered after the fault',
      detectMs: null,
      recoverMs: recover,
      registers: t.registers(t0).length,
      bindings: h.length,
      outcome: d.info.state,
    });
    assert.ok(duringFault >= 2 && duringFault <= 4, `${duringFault} REGISTERs in 5 s of 503 + Retry-After 2: ${t.summary(t0)}`);
    assert.equal(t.events('statechange', t0).filter((e) => e.detail.state === 'failed').length, 0, 'never "failed"');
    assert.ok(recover <= 2500, `registered ${recover} ms after the fault was cleared (Retry-After 2 s)`);
    assert.equal(d.info.state, 'registered');
    assert.equal(h.length, 1);
  });

  it('420 Unsupported: outbound: one retry without outbound, registered', { timeout: 30_000 }, async () => {
    const r = registrars.r420;
    await r.setFault(420); // only while the REGISTER lists outbound in Supported/Require
    const { reg, t } = await make('r420', 'ext420');
    const t0 = Date.now();
    const d = await reg.register();
    const sent = t.registers(t0);
    const h = await held('r420', 'ext420');
    recordField('status-420', {
      scenario: 'Kamailio answers 420 + Unsupported: outbound',
      expect: 'one retry without outbound, registered',
      recoverMs: Date.now() - t0,
      registers: sent.length,
      bindings: h.length,
      outcome: d.info.state,
    });
    assert.match(header(sent[0].detail.text, 'Supported') ?? '', /\boutbound\b/);
    assert.ok(sent.length >= 2, t.summary(t0));
    for (const m of sent.slice(1)) {
      assert.doesNotMatch(`${header(m.detail.text, 'Supported') ?? ''} ${header(m.detail.text, 'Require') ?? ''}`, /\boutbound\b/);
    }
    assert.equal(d.info.state, 'registered');
    assert.equal(h.length, 1);
  });

  it('rejected credentials: terminal (reason "credentials"), no REGISTER for 10 s', { timeout: 30_000 }, async () => {
    const { reg, t } = await make('cred', 'wrongpw', { auth: { password: 'not-the-password' } });
    const t0 = Date.now();
    const err = await reg.register().then(
      () => null,
      (e) => e,
    );
    const detect = Date.now() - t0;
    await sleep(QUIET_MS);
    const sent = t.registers(t0);
    const h = await held('cred', 'wrongpw');
    recordField('credentials-rejected', {
      scenario: 'wrong password (401, answered, 401 again)',
      expect: 'rejects (credentials), no retry',
      detectMs: detect,
      registers: sent.length,
      bindings: h.length,
      outcome: `${err ? `rejected (${err.reason})` : 'resolved'}; state ${reg.info.state}`,
    });
    assert.ok(err, 'register() rejects');
    assert.equal(err.reason, 'credentials');
    assert.equal(reg.info.state, 'failed');
    assert.equal(sent.length, 2, `REGISTER, answered challenge, then nothing: ${t.summary(t0)}`);
    assert.deepEqual(h, []);
  });
});
