// demo-display.test.mjs — what the demo page shows, in Debian's Chromium against the real
// Kamailio (issue 14): the state badge and the bindings table never contradict (after a lost flow
// this page's row reads "last known", greyed, until registered again); on a 390×844 phone screen
// the bindings are cards, the ladder's lines wrap and nothing scrolls sideways; the removal of a
// retired registration (account change) is in the ladder. Each test ends with the registrar's own
// table. Never skips: a missing Chromium, Kamailio or build output is a failure.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ARTIFACTS } from './rig.mjs';
import { demoSuite, heldBy, until, demoTest, register, activity, otherDevice } from './demo-kit.mjs';

const suite = demoSuite();
const { rig } = suite;

/** @param {string} user @returns {Promise<object[]>} the registrar's bindings of sip:user@example.test */
const held = (user) => heldBy(rig, user);
/** This page's row in the bindings table. @param {import('playwright-core').Page} page */
const ourRow = (page) => page.locator('#bindings tr[data-ours="true"]');

/**
 * What this page's row says: held/live flags, its expiry text, its opacity.
 * @param {import('playwright-core').Page} page
 */
const ourRowNow = (page) =>
  ourRow(page).evaluate((tr) => ({
    held: tr.dataset.held,
    live: tr.dataset.live,
    left: tr.querySelector('.left').textContent,
    opacity: getComputedStyle(tr.querySelector('td')).opacity,
  }));

/**
 * Ways this page's binding stops being known to be in place while the table still lists it: each
 * starts the loss and returns what ends it.
 * @type {{ shot: string, name: string, user: string, flow: string, allow?: RegExp[],
 *   lose: (page: import('playwright-core').Page) => Promise<() => Promise<void>> }[]}
 */
const LOSSES = [
  {
    shot: '10-last-known-flow-lost',
    name: 'the registrar goes away (the connection closes, reconnecting is refused)',
    user: 'ivan',
    flow: 'closed',
    allow: [/WebSocket connection to .* failed/],
    lose: async () => {
      const outage = rig.registrar.restart({ downMs: 3000 }); // Kamailio stops, stays down 3 s
      return () => outage;
    },
  },
  {
    shot: '10-last-known-refused',
    name: 'a refresh is refused (500) on a connection that stays up',
    user: 'ivy',
    flow: 'open',
    lose: async (page) => {
      await rig.registrar.setFault(500);
      await page.click('#refresh');
      return () => rig.registrar.setFault(0);
    },
  },
];

for (const loss of LOSSES) {
  demoTest(
    rig,
    loss.shot,
    `${loss.name}: our row reads "last known", greyed, while the badge says back-off; live again once registered`,
    async (page) => {
      await register(page);
      let row = await ourRowNow(page);
      assert.deepEqual([row.held, row.live, row.opacity], ['true', 'true', '1']);
      assert.match(row.left, /^\d+:\d\d left$/);
      assert.equal(await page.isVisible('table.bindings'), true, 'wide screen: the table');
      assert.equal(await page.isVisible('#binding-cards'), false, 'wide screen: no cards');
      const end = await loss.lose(page);
      await page.waitForSelector('#state[data-state="backoff"]', { timeout: 5000 });
      assert.equal(await page.textContent('#flow'), loss.flow);
      row = await ourRowNow(page);
      assert.deepEqual(
        [row.held, row.live, row.left, row.opacity],
        ['false', 'false', 'last known', '0.7'],
        'not counting down as if held',
      );
      assert.match(await ourRow(page).innerText(), /this page.*last known/s);
      assert.deepEqual(
        await page
          .locator('#binding-cards .binding-card[data-ours="true"]')
          .evaluate((c) => [c.dataset.held, c.querySelector('.left').textContent]),
        ['false', 'last known'],
        'the cards (narrow screens) say the same',
      );
      assert.equal(await page.textContent('#bindings-note'), 'no live bindings');
      assert.match(await page.textContent('#expires-at'), /^\d\d:\d\d:\d\d \(last known\)$/);
      assert.equal(await page.locator('#expires-at .countdown').count(), 0, 'no countdown to an expiry not held');
      await page.locator('.bindings-card').screenshot({ path: `${ARTIFACTS}${loss.shot}-row.png` });
      await page.waitForTimeout(600); // the ticker runs every 250 ms: it keeps the row as it is
      assert.equal((await ourRowNow(page)).left, 'last known');
      await end();
      await page.click('#refresh'); // try at once rather than after the back-off
      await page.waitForSelector('#state[data-state="registered"]', { timeout: 10000 });
      row = await ourRowNow(page);
      assert.deepEqual([row.held, row.live, row.opacity], ['true', 'true', '1'], 'live again');
      assert.match(row.left, /^\d+:\d\d left$/);
      assert.match(await page.textContent('#expires-at'), /in \d+:\d\d/);
      assert.match(await page.textContent('#bindings-note'), /^1 live binding: 1 of this page/);
      const h = await held(loss.user);
      assert.equal(h.length, 1, 'the registrar holds our binding');
      const instance = await ourRow(page).evaluate((tr) => /instance (\S+)/.exec(tr.textContent)?.[1]);
      assert.equal(h[0].instance.replace(/^<|>$/g, ''), instance, 'the row is the binding the registrar holds');
    },
    { query: { aor: `sip:${loss.user}@example.test` }, allow: loss.allow },
  );
}

/** @param {string} file a PNG @returns {{ width: number, height: number }} from its IHDR chunk */
function pngSize(file) {
  const b = readFileSync(file);
  assert.equal(b.toString('latin1', 1, 4), 'PNG', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** A provider with a long domain name: its request lines are wider than a phone. */
const LONG_DOMAIN = 'registrar.a-provider-with-a-rather-long-domain-name.example.test';

demoTest(
  rig,
  '11-narrow-fullpage',
  'a 390×844 phone screen: bindings as cards, ladder lines wrap, nothing scrolls sideways',
  async (page) => {
    await register(page);
    await otherDevice(suite, 'judy', LONG_DOMAIN);
    await page.click('#fetch');
    await page.locator('#binding-cards .binding-card[data-ours="false"]').waitFor({ timeout: 5000 });
    await page.click('#ladder .msg:nth-child(2) summary'); // one message open: its text wraps too

    assert.equal(await page.isVisible('table.bindings'), false, 'the table is hidden');
    const cards = page.locator('#binding-cards .binding-card');
    assert.equal(await cards.count(), 2);
    for (const i of [0, 1]) assert.equal(await cards.nth(i).isVisible(), true, `card ${i + 1} visible`);
    const ours = await page.locator('#binding-cards .binding-card[data-ours="true"]').innerText();
    assert.match(ours, /this page/);
    assert.match(ours, /Matched by\s+instance \+ reg-id/);
    assert.match(ours, /Expiry\s+(59\d|600) s requested 600 s/, 'after the fetch: the seconds the registrar lists as left');
    assert.match(ours, /\d+:\d\d left/);
    assert.match(await page.locator('#binding-cards .binding-card[data-ours="false"]').innerText(), /second-device@judy\.invalid/);
    assert.ok(
      (await page.locator('#ladder .msg .line').allTextContents()).some((l) => l.includes(LONG_DOMAIN)),
      'a long line',
    );

    const layout = await page.evaluate(() => {
      const labels = [...document.querySelectorAll('#ladder .msg .label')];
      const box = (/** @type {Element} */ e) => e.getBoundingClientRect();
      return {
        scrollWidth: /** @type {Element} */ (document.scrollingElement).scrollWidth,
        innerWidth,
        clipped: labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent),
        wrapped: labels.filter((l) => box(l).height > 2 * parseFloat(getComputedStyle(l).lineHeight)).length,
        outside: [...document.querySelectorAll('body *')]
          .filter((e) => box(e).width > 0 && box(e).right > innerWidth + 0.5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
      };
    });
    assert.equal(layout.innerWidth, 390);
    assert.ok(layout.scrollWidth <= layout.innerWidth, `the page scrolls sideways: ${layout.scrollWidth} > ${layout.innerWidth}`);
    assert.deepEqual(layout.clipped, [], 'no ladder line cut off');
    assert.ok(layout.wrapped >= 1, 'long ladder lines wrap onto more lines');
    assert.deepEqual(layout.outside, [], 'nothing reaches past the right edge');

    await page.locator('.bindings-card').screenshot({ path: `${ARTIFACTS}11-narrow-bindings.png` });
    await page.screenshot({ path: `${ARTIFACTS}11-narrow-390x844.png` });
    assert.deepEqual(pngSize(`${ARTIFACTS}11-narrow-390x844.png`), { width: 390, height: 844 });
    assert.equal((await heldBy(rig, 'judy', LONG_DOMAIN)).length, 2, 'the registrar holds this page and the other device');
  },
  { query: { aor: `sip:judy@${LONG_DOMAIN}` }, viewport: { width: 390, height: 844 } },
);

demoTest(
  rig,
  '12-account-change',
  "an account change: the previous account's removal is in the ladder, marked, with its answer",
  async (page) => {
    await register(page);
    const oldCallId = await page.evaluate(() => window.sipregDemo.registration.info.callId);
    assert.equal((await held('kate')).length, 1);
    await page.fill('input[name="aor"]', 'sip:leo@example.test');
    await register(page);
    await until(async () => (await held('kate')).length === 0, "the registrar to drop the previous account's binding");
    const retired = page.locator('#ladder .msg.retired');
    await until(async () => (await retired.count()) === 2, 'the removal and its answer in the ladder');
    const [out, answer] = await retired.evaluateAll((rows) =>
      rows.map((r) => ({
        direction: r.dataset.direction,
        line: r.querySelector('.line').textContent,
        facts: r.querySelector('.msg-facts')?.textContent ?? '',
        raw: r.querySelector('pre').textContent,
      })),
    );
    assert.equal(out.direction, 'out');
    assert.match(out.line, /^REGISTER sip:example\.test SIP\/2\.0$/);
    assert.match(out.facts, /^previous account sip:kate@example\.test · seq \d+/);
    assert.match(out.raw, new RegExp(`^Call-ID: ${oldCallId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 'the old registration');
    assert.match(out.raw, /^To: <sip:kate@example\.test>/m);
    assert.match(out.raw, /expires=0|^Expires: 0$/m, 'a removal');
    assert.equal(answer.direction, 'in');
    assert.match(answer.line, /^SIP\/2\.0 200 OK$/);
    assert.match(answer.facts, /^previous account sip:kate@example\.test/);
    assert.match(await page.textContent('#ladder'), /account changed: removing the binding of sip:kate@example\.test/);
    assert.match(await activity(page), /The previous account's binding \(sip:kate@example\.test\) was removed\./);
    assert.match(await activity(page), /The account changed: a new registration of sip:leo@example\.test started\./);
    // the new account's messages are not marked
    assert.equal(await page.locator('#ladder .msg:not(.retired)').filter({ hasText: 'previous account' }).count(), 0);
    assert.ok((await page.locator('#ladder .msg:not(.retired) pre').filter({ hasText: 'To: <sip:leo@example.test>' }).count()) >= 2);
    const current = await page.evaluate(() => window.sipregDemo.registration.info.callId);
    assert.notEqual(current, oldCallId, 'the new account has its own Call-ID');
    assert.deepEqual(await held('kate'), [], 'the registrar holds nothing for the previous account');
    assert.equal((await held('leo')).length, 1, 'and our binding for the new one');
  },
  { query: { aor: 'sip:kate@example.test' } },
);
