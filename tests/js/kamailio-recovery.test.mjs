// kamailio-recovery.test.mjs — timing against the real registrar: the refresh goes out at the
// time the core predicted, and a registrar restart is recovered with back-off (RFC 5626 §4.5).
// (A separate file so node:test runs it beside the other suites.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need, once, useRegistrar } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const ctx = useRegistrar();
const open = ctx.open;

test('a short expiry is refreshed at the predicted time', { timeout: 60_000 }, async () => {
  // E = 60 s (the registrar's minimum); shortMargin 58 puts the refresh at max(E - 58, E/2) = 30 s
  const reg = await sipreg.createRegistration({
    server: ctx.registrar.wsUrl,
    aor: 'sip:r1@example.test',
    auth: { password: 'secret' },
    expires: 60,
    policy: { shortMargin: 58 },
  });
  open.push(reg);
  const first = await reg.register();
  const predicted = first.info.refreshAt;
  assert.ok(Math.abs(predicted - (Date.now() + 30_000)) < 1500, `predicted ${predicted - Date.now()} ms ahead`);
  const sentAt = await new Promise((resolve) =>
    reg.addEventListener('message', (e) => {
      if (e.detail.direction === 'out') resolve(Date.now());
    }),
  );
  assert.ok(Math.abs(sentAt - predicted) < 1000, `refresh sent ${sentAt - predicted} ms from the prediction`);
  const again = await once(reg, 'registered');
  assert.equal(again.info.granted, 60);
  assert.equal((await ctx.registrar.dump()).filter((b) => b.aor.includes('r1')).length, 1);
});

test('registrar restarted: flow failure detected, reconnect with back-off, binding back', { timeout: 60_000 }, async () => {
  const reg = await sipreg.createRegistration({
    server: ctx.registrar.wsUrl,
    aor: 'sip:r2@example.test',
    auth: { password: 'secret' },
    policy: { retryBase: 1 },
  });
  open.push(reg);
  await reg.register();
  const downs = [];
  const retries = [];
  reg.addEventListener('flowdown', (e) => downs.push(e.detail));
  reg.addEventListener('retry', (e) => retries.push(e.detail));
  const t0 = Date.now();
  const back = once(reg, 'registered');
  await ctx.registrar.restart(); // in-memory usrloc: the binding is gone with the old process
  assert.equal((await ctx.registrar.dump()).length, 0);
  const d = await back;
  const took = Date.now() - t0;
  assert.ok(downs.length >= 1, 'the WebSocket close was seen');
  assert.equal(d.info.state, 'registered');
  const held = (await ctx.registrar.dump()).filter((b) => b.aor.includes('r2'));
  assert.equal(held.length, 1, 'the binding is back on the registrar');
  // any failed reconnect waited U[W/2, W] with W = 1 s * 2^n: never a tight loop
  for (const r of retries) assert.ok(r.delayMs >= 500, `retry after ${r.delayMs} ms`);
  assert.ok(took < 20_000, `recovered in ${took} ms`);
});
