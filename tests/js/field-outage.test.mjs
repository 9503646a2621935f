// field-outage.test.mjs — issue 11 "network changes" from Node: Kamailio stopped for 60 s and
// started again on the same ports (registrar.restart({ downMs: 60_000 }); its bindings are gone
// with it), (a) without any signal: registered again within the capped back-off
// (policy { retryBase: 2, retryMax: 20 }), (b) with reg.wake({ network: true }) right after the
// registrar is back: registered again within 2 s. Both outages run at the same time on two
// registrars; each ends with the registrar holding one binding.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistrar } from '../registrar/registrar.mjs';
import { loadSipreg, recordField, track } from './field-kit.mjs';

const DOWN_MS = 60_000;
const RETRY_MAX_S = 20;
let sipreg;
/** @type {import('../registrar/registrar.mjs').Registrar[]} */
let regs = [];
const open = [];
before(async () => {
  sipreg = await loadSipreg();
  regs = await Promise.all([startRegistrar({ tcpChildren: 2 }), startRegistrar({ tcpChildren: 2 })]);
});
after(async () => {
  for (const r of open) r.close();
  await Promise.all(regs.map((r) => r.stop()));
});

/**
 * Register, stop the registrar for DOWN_MS, start it again; `onBack` runs right after.
 * @param {import('../registrar/registrar.mjs').Registrar} registrar
 * @param {string} user
 * @param {object} extra createRegistration options
 * @param {(reg: any) => void} onBack
 */
async function outage(registrar, user, extra, onBack) {
  const reg = await sipreg.createRegistration({ server: registrar.wsUrl, aor: `sip:${user}@example.test`,
    auth: { password: 'secret' }, ...extra });
  open.push(reg);
  await reg.register();
  assert.equal((await registrar.dump()).length, 1);
  const t = track(reg);
  const t0 = Date.now();
  await registrar.restart({ downMs: DOWN_MS });
  const back = Date.now();
  assert.deepEqual(await registrar.dump(), [], 'the restarted registrar forgot every binding');
  onBack(reg);
  const registered = await t.next('registered', 30_000, back).catch((e) => e);
  const h = (await registrar.dump()).filter((b) => b.aor === `${user}@example.test`);
  const down = t.first('flowdown', t0);
  return { reg, t, t0, back, registered, h, detect: down ? down.at - t0 : null,
    recover: registered instanceof Error ? null : registered.at - back };
}

describe('Kamailio down for 60 s, then back', { concurrency: true }, () => {
  it('(a) no signal: registered again within the capped back-off (retryMax 20 s)', { timeout: 150_000 }, async () => {
    const o = await outage(regs[0], 'outage-a', { policy: { retryBase: 2, retryMax: RETRY_MAX_S } }, () => {});
    recordField('outage-60s-no-wake', {
      scenario: 'Kamailio stopped 60 s, started again; no signal; policy { retryBase: 2, retryMax: 20 }',
      expect: `registered <= ${RETRY_MAX_S} s after it is back`,
      detectMs: o.detect, recoverMs: o.recover, registers: o.t.registers(o.t0).length, bindings: o.h.length,
      outcome: o.registered instanceof Error ? 'not registered' : 'registered',
    });
    assert.ok(!(o.registered instanceof Error), String(o.registered.message));
    assert.ok(o.detect !== null && o.detect < 2000, `the closed flow was seen after ${o.detect} ms`);
    assert.ok(o.recover <= RETRY_MAX_S * 1000 + 1000, `registered ${o.recover} ms after the registrar was back`);
    // the back-off was capped all along: no gap between attempts above retryMax
    const retries = o.t.events('retry', o.t0).map((r) => r.detail.value);
    for (const wait of retries) assert.ok(wait <= RETRY_MAX_S * 1000 + 500, `a retry ${wait} ms ahead`);
    assert.equal(o.h.length, 1, 'the registrar holds our binding again');
  });

  it('(b) reg.wake({ network: true }) right after it is back: registered within 2 s', { timeout: 150_000 }, async () => {
    const o = await outage(regs[1], 'outage-b', {}, (reg) => reg.wake({ network: true }));
    recordField('outage-60s-wake', {
      scenario: 'Kamailio stopped 60 s, started again; reg.wake({ network: true }) when it is back; default policy',
      expect: 'registered <= 2 s after the wake',
      detectMs: o.detect, recoverMs: o.recover, registers: o.t.registers(o.t0).length, bindings: o.h.length,
      outcome: o.registered instanceof Error ? 'not registered' : 'registered',
    });
    assert.ok(!(o.registered instanceof Error), String(o.registered.message));
    assert.ok(o.recover <= 2000, `registered ${o.recover} ms after the wake`);
    assert.equal(o.h.length, 1, 'the registrar holds our binding again');
  });
});
