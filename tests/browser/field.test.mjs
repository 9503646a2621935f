// field.test.mjs — issue 11 in Debian's Chromium (playwright-core) against the real Kamailio:
//   1. the demo page registered, the browser offline for 60 s (context.setOffline(true): the open
//      WebSocket stalls, it is not closed), then online again: the page registers again on a
//      fresh flow (the browser glue wakes on 'online'), target <= 2 s after 'online';
//   2. a tab crash (CDP Page.crash: no pagehide, no unregister) and a reopened tab, five times:
//      the registrar holds ONE binding of that device at the end (the instance-id kept in
//      localStorage, RFC 5626 §4.1).
// Both run at once (separate browser contexts, separate AORs). Each ends with the registrar's
// own table and writes its record for tests/field-table.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { recordField } from '../js/field-kit.mjs';
import { ARTIFACTS, startRig, stopRig } from './rig.mjs';
import { heldBy, until, watch, register } from './demo-kit.mjs';

const OFFLINE_MS = 60_000;
const CRASHES = 5;

/** @type {import('./rig.mjs').Rig} registrar, static server, Chromium */
const rig = {};
before(() => startRig(rig));
after(() => stopRig(rig));

/** @param {string} user the registrar's bindings of sip:user@example.test */
const held = (user) => heldBy(rig, user);
/** @param {string} received @returns {number | null} */
const receivedPort = (received) => Number(/127\.0\.0\.1:(\d+)/.exec(received ?? '')?.[1] ?? NaN) || null;

/**
 * A page of the demo in `context` for `user`, with problems collected (console errors and
 * warnings, page errors; `allow` lists expected ones) and the registration's events logged in
 * the page (window.__field: [{ at, type, state, reason }]).
 */
async function openDemo(context, user, allow = []) {
  const page = await context.newPage();
  const problems = watch(page, allow);
  const q = new URLSearchParams({ ws: rig.registrar.wsUrl, password: 'secret', aor: `sip:${user}@example.test` });
  await page.goto(`${rig.server.url}/?${q}`);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 10_000 });
  return { page, problems };
}

/** Log the demo registration's events inside the page (Date.now() of the page = of this host). */
function logEvents(page) {
  return page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__field = [];
    for (const type of ['registered', 'registrationfailed', 'flowdown', 'flowfailed', 'statechange', 'retry']) {
      w.sipregDemo.registration.addEventListener(type, (/** @type {any} */ e) =>
        w.__field.push({ at: Date.now(), type, state: e.detail?.state, reason: e.detail?.reason ?? e.detail?.cause?.code }),
      );
    }
    const out = () => {
      w.__field.push({ at: Date.now(), type: 'message-out' });
    };
    w.sipregDemo.registration.addEventListener('message', (/** @type {any} */ e) => {
      if (e.detail.direction === 'out' && /^REGISTER /.test(e.detail.text)) out();
    });
  });
}

describe('the demo in Chromium, in the field', { concurrency: true }, () => {
  it('offline for 60 s, then online: the page registers again on a fresh flow within 2 s', { timeout: 150_000 }, async () => {
    const context = await rig.browser.newContext({ viewport: { width: 1360, height: 1000 } });
    // while offline, connection attempts fail by design: Chromium logs them
    const { page, problems } = await openDemo(context, 'offline', [/WebSocket connection to .* failed/, /ERR_INTERNET_DISCONNECTED/]);
    try {
      await register(page);
      const before = await held('offline');
      assert.equal(before.length, 1);
      await logEvents(page);
      const t0 = Date.now();
      await context.setOffline(true);
      await new Promise((r) => setTimeout(r, OFFLINE_MS));
      const online = Date.now();
      await context.setOffline(false);
      // registered again: a REGISTER after 'online', its 200, and the registrar reaches us on a new connection
      let recovered = null;
      try {
        await until(
          async () => {
            const log = await page.evaluate(() => /** @type {any} */ (window).__field);
            const sent = log.find((l) => l.type === 'message-out' && l.at >= online);
            const reg = sent && log.find((l) => l.type === 'registered' && l.at >= sent.at);
            if (!reg) return false;
            const h = await held('offline');
            if (h.length !== 1 || receivedPort(h[0].received) === receivedPort(before[0].received)) return false;
            recovered = reg.at - online;
            return true;
          },
          'registered again over a new flow',
          20_000,
        );
      } catch (e) {
        // recorded below, asserted after
      }
      const log = await page.evaluate(() => /** @type {any} */ (window).__field);
      const noticed = log.find((l) => l.at >= t0 && ['flowdown', 'flowfailed', 'registrationfailed'].includes(l.type));
      const h = await held('offline');
      recordField('browser-offline-60s', {
        scenario: 'Chromium demo page: context.setOffline(true) for 60 s, then false',
        expect: "registered again <= 2 s after 'online'",
        detectMs: noticed ? noticed.at - t0 : null,
        recoverMs: recovered,
        registers: log.filter((l) => l.type === 'message-out').length,
        bindings: h.length,
        outcome:
          recovered === null ? `not registered again (state ${await page.getAttribute('#state', 'data-state')})` : 'registered again',
      });
      assert.notEqual(recovered, null, `not registered again over a new flow: ${JSON.stringify(log.slice(-12))}`);
      assert.ok(recovered <= 2000, `registered ${recovered} ms after 'online'`);
      assert.equal(await page.getAttribute('#state', 'data-state'), 'registered');
      assert.equal(h.length, 1, 'one binding: the one of this page');
      assert.equal(h[0].instance, before[0].instance);
    } finally {
      await page.screenshot({ path: `${ARTIFACTS}field-offline.png`, fullPage: true }).catch(() => {});
      await context.close();
    }
    assert.deepEqual(problems, [], 'no unexpected console errors or warnings');
  });

  it(`a tab crash and a reopened tab, ${CRASHES} times, never unregistered: one binding of the device`, { timeout: 120_000 }, async () => {
    const context = await rig.browser.newContext({ viewport: { width: 1360, height: 1000 } });
    const seen = [];
    const instances = new Set();
    let registers = 0;
    const t0 = Date.now();
    try {
      for (let i = 0; i < CRASHES; i++) {
        const { page, problems } = await openDemo(context, 'crashy');
        await register(page);
        registers += (await page.locator('#ladder .msg .line').allTextContents()).filter((l) => /REGISTER/.test(l)).length;
        const h = await held('crashy');
        seen.push(h.length);
        for (const b of h) instances.add(b.instance);
        assert.deepEqual(problems, [], `tab ${i + 1}: no console errors or warnings`);
        const crashed = new Promise((resolve) => page.once('crash', resolve));
        const cdp = await context.newCDPSession(page);
        cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
        await crashed;
        await page.close().catch(() => {});
      }
      const h = await held('crashy');
      recordField('browser-crash-reopen-5', {
        scenario: `Chromium demo tab crashed (CDP Page.crash) and reopened ${CRASHES} times, never unregistered`,
        expect: 'one binding of the device at the end',
        detectMs: null,
        recoverMs: null,
        registers,
        bindings: h.length,
        outcome: `bindings after each reopen: ${seen.join(', ')}; instances: ${instances.size}`,
      });
      assert.deepEqual(seen, Array(CRASHES).fill(1), 'after every reopen the registrar held one binding of the AOR');
      assert.equal(instances.size, 1, 'one +sip.instance across the crashes (kept in localStorage)');
      assert.equal(h.length, 1, 'the registrar holds ONE binding of this device');
      assert.ok(h[0].instance, 'the binding carries the instance-id');
    } finally {
      await context.close();
    }
  });
});
