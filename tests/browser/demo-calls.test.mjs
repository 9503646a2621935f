// demo-calls.test.mjs — the demo's requests panel and its call page (web/call.html) in Debian's
// Chromium against the real Kamailio (relaying requests to registered users): the demo page
// registers, the call page calls its address of record with plain JsSIP (its own WebSocket), the
// call arrives on the page's registration, the panel lists it with the answer sipreg's core sent
// (nothing on the page takes calls), and the caller sees that answer as the call's outcome. A
// registrar-style OPTIONS ping (over UDP from Node, relayed by Kamailio) shows up with its 200.
// Each test fails on any console error or warning of either page and ends with the registrar's
// own table. Never skips: a missing Chromium, Kamailio, build output or JsSIP is a failure.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { buildVendor } from '../../scripts/vendor.mjs';
import { ARTIFACTS } from './rig.mjs';
import { demoSuite, heldBy, until, demoTest, register, ladder, watch } from './demo-kit.mjs';

const suite = demoSuite();
const { rig } = suite;
before(() => buildVendor());

/**
 * What the requests panel shows, newest first.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ method: string, answer: string, status: string, by: string, text: string, from: string, ruri: string }[]>}
 */
const panel = (page) =>
  page.locator('#requests .request').evaluateAll((rows) =>
    rows.map((r) => ({
      method: r.dataset.method,
      answer: r.dataset.answer,
      status: r.dataset.status,
      by: r.dataset.by,
      text: r.querySelector('.answered').textContent,
      from: r.querySelector('.from').textContent,
      ruri: r.querySelector('.ruri').textContent,
    })),
  );

/** @param {import('playwright-core').Page} page @returns {Promise<string>} our contact as registered */
const ourContact = (page) => page.evaluate(() => window.sipregDemo.registration.info.bindings.find((b) => b.ours).uri);

/**
 * Open the call page the demo page's "Call this page" link points at, in the same browser
 * context, and press Call. The caller's console problems are collected into `problems`.
 * @param {import('playwright-core').Page} page the registered demo page
 * @param {string[]} problems
 * @returns {Promise<import('playwright-core').Page>} the call page
 */
async function callFrom(page, problems) {
  const href = await page.getAttribute('#call-link', 'href');
  assert.equal(await page.getAttribute('#call-link', 'data-ready'), 'true', 'the link is ready once registered');
  const caller = await page.context().newPage();
  const seen = watch(caller);
  caller.on('close', () => problems.push(...seen));
  await caller.goto(new URL(href, page.url()).href);
  await caller.waitForSelector('body[data-ready="yes"]', { timeout: 10000 });
  await caller.click('#call');
  return caller;
}

demoTest(
  rig,
  '13-call-arrives',
  'a call from the call page reaches the registered demo page: the panel lists it with the answer sent, the caller sees that answer',
  async (page) => {
    /** @type {string[]} */
    const callerProblems = [];
    await register(page);
    const contact = await ourContact(page);
    const caller = await callFrom(page, callerProblems);

    await caller.waitForSelector('#call-state[data-state="failed"]', { timeout: 10000 });
    const summary = await caller.textContent('#call-summary');
    assert.match(summary, /^The call was turned down: 480 Temporarily Unavailable \(after \d+ ms\)/, summary);
    console.log(
      `demo-calls: the call page's call turned down by sipreg after ${/after (\d+) ms/.exec(summary)[1]} ms (JsSIP's call(), ICE gathering included → final answer)`,
    );
    const callerLines = await ladder(caller);
    assert.match(callerLines[0], /^INVITE sip:mallory@example\.test SIP\/2\.0$/, callerLines.join('\n'));
    assert.ok(
      callerLines.some((l) => /^SIP\/2\.0 480 Temporarily Unavailable$/.test(l)),
      callerLines.join('\n'),
    );
    assert.ok(
      callerLines.some((l) => /^ACK sip:mallory@example\.test SIP\/2\.0$/.test(l)),
      'the caller acknowledges the final answer',
    );

    // the demo page: the call in the panel, with the answer sipreg sent; the ladder has both
    const invite = await until(
      async () => (await panel(page)).find((r) => r.method === 'INVITE' && r.status === '480'),
      'the call in the panel, answered',
    );
    assert.equal(invite.answer, '480', "the core's table: a call with nothing to take it");
    assert.equal(invite.by, 'sipreg');
    assert.equal(invite.text, '480 Temporarily Unavailable · by sipreg');
    assert.match(invite.from, /^Demo caller <sip:caller-[a-z0-9]+@example\.test>$/);
    assert.equal(invite.ruri.split(';')[0], contact.split(';')[0], 'sent to the contact this page registered');
    const lines = await ladder(page);
    assert.ok(
      lines.some((l) => /^INVITE sip:\S+ SIP\/2\.0$/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^SIP\/2\.0 480 Temporarily Unavailable$/.test(l)),
      lines.join('\n'),
    );

    await caller.screenshot({ path: `${ARTIFACTS}13-call-page.png`, fullPage: true });
    await caller.close(); // the demo page in front again (a page behind another draws slowly)
    await page.locator('.requests-card').screenshot({ path: `${ARTIFACTS}13-requests-panel.png` });
    assert.deepEqual(callerProblems, [], 'the call page: no console errors or warnings');

    const h = await heldBy(rig, 'mallory');
    assert.equal(h.length, 1, 'the registrar still holds exactly the demo page binding');
    assert.equal(h[0].contact.split(';')[0].replace(/^<|>$/g, ''), contact.split(';')[0]);
    assert.deepEqual(
      (await rig.registrar.dump()).filter((b) => /caller-/.test(b.aor)),
      [],
      'the caller never registered',
    );
  },
  { query: { aor: 'sip:mallory@example.test' } },
);

/**
 * An OPTIONS to sip:user@example.test, sent over UDP to Kamailio (which relays it to the
 * registered contact, as a registrar's or PBX's reachability ping reaches a device).
 * @param {string} user
 * @returns {Promise<string>} the final response's first line
 */
async function optionsPing(user) {
  const sock = dgram.createSocket('udp4');
  await new Promise((ok) => sock.bind(0, '127.0.0.1', ok));
  const port = sock.address().port;
  const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
  const text = [
    `OPTIONS sip:${user}@example.test SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: "Ping" <sip:ping@127.0.0.1:${port}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${user}@example.test>`,
    `Call-ID: ${randomBytes(8).toString('hex')}@127.0.0.1`,
    'CSeq: 1 OPTIONS',
    `Contact: <sip:ping@127.0.0.1:${port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no final answer to the OPTIONS within 5 s')), 5000);
      sock.on('message', (m) => {
        const first = m.toString('latin1').split('\r\n')[0];
        if (/^SIP\/2\.0 [2-6]\d\d /.test(first)) {
          clearTimeout(timer);
          resolve(first);
        }
      });
      sock.send(text, rig.registrar.udpPort, '127.0.0.1');
    });
  } finally {
    sock.close();
  }
}

demoTest(
  rig,
  '14-narrow-requests',
  'a 390×844 phone screen: a reachability ping and a call in the panel, lines wrap, nothing scrolls sideways',
  async (page) => {
    /** @type {string[]} */
    const callerProblems = [];
    await register(page);
    assert.equal(await optionsPing('niaj'), 'SIP/2.0 200 OK', 'sipreg answers the relayed OPTIONS');
    const ping = await until(
      async () => (await panel(page)).find((r) => r.method === 'OPTIONS' && r.status === '200'),
      'the ping in the panel',
    );
    assert.equal(ping.text, '200 OK · by sipreg');
    assert.match(ping.from, /^Ping <sip:ping@127\.0\.0\.1:\d+>$/);

    const caller = await callFrom(page, callerProblems);
    await caller.waitForSelector('#call-state[data-state="failed"]', { timeout: 10000 });
    await until(async () => (await panel(page)).some((r) => r.method === 'INVITE' && r.status === '480'), 'the call in the panel');
    for (const [which, p] of [
      ['the demo page', page],
      ['the call page', caller],
    ]) {
      const layout = await p.evaluate(() => ({
        scrollWidth: /** @type {Element} */ (document.scrollingElement).scrollWidth,
        innerWidth,
        outside: [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > innerWidth + 0.5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
      }));
      assert.equal(layout.innerWidth, 390, which);
      assert.ok(layout.scrollWidth <= layout.innerWidth, `${which} scrolls sideways: ${layout.scrollWidth} > ${layout.innerWidth}`);
      assert.deepEqual(layout.outside, [], `${which}: nothing reaches past the right edge`);
    }
    await caller.screenshot({ path: `${ARTIFACTS}14-narrow-call-page.png`, fullPage: true });
    await caller.close();
    await page.locator('.requests-card').screenshot({ path: `${ARTIFACTS}14-narrow-requests.png` });
    assert.deepEqual(callerProblems, [], 'the call page: no console errors or warnings');
    assert.equal((await heldBy(rig, 'niaj')).length, 1, 'the registrar holds the demo page binding');
  },
  { query: { aor: 'sip:niaj@example.test' }, viewport: { width: 390, height: 844 } },
);

demoTest(
  rig,
  '15-answer-with-jssip',
  '"Answer calls with JsSIP": JsSIP on sipreg/jssip answers the call (INVITE → 200 → ACK), the caller hangs up (BYE → 200), all by this page',
  async (page) => {
    /** @type {string[]} */
    const callerProblems = [];
    await register(page);
    await page.check('#answer-calls');
    await until(async () => /JsSIP answers calls to this page now/.test(await page.textContent('#activity')), 'JsSIP started');
    const caller = await callFrom(page, callerProblems);
    await caller.waitForSelector('#call-state[data-state="answered"]', { timeout: 10000 });
    const answered = await caller.textContent('#call-summary');
    assert.match(answered, /answered 200 OK after \d+ ms: in call/);
    console.log(
      `demo-calls: the call answered by JsSIP on sipreg/jssip after ${/after (\d+) ms/.exec(answered)[1]} ms (JsSIP's call(), ICE gathering included → 200 OK)`,
    );
    await until(async () => /JsSIP answered a call from Demo caller/.test(await page.textContent('#activity')), 'the answer told');
    await caller.click('#hangup');
    await caller.waitForSelector('#call-state[data-state="ended"]', { timeout: 5000 });
    assert.match(await caller.textContent('#call-summary'), /this page hung up/);
    const rows = await until(async () => {
      const r = await panel(page);
      return r.some((x) => x.method === 'BYE' && x.status === '200') && r;
    }, 'the hang-up in the panel, answered');
    const byMethod = Object.fromEntries(rows.map((r) => [r.method, r]));
    assert.deepEqual(
      rows.map((r) => r.method).reverse(),
      ['INVITE', 'ACK', 'BYE'],
      'oldest first: the call, its acknowledgement, the hang-up',
    );
    assert.equal(byMethod.INVITE.status, '200');
    assert.match(byMethod.INVITE.text, /^200 OK · by this page$/);
    assert.equal(byMethod.ACK.by, 'this page');
    assert.equal(byMethod.BYE.text, '200 OK · by this page');
    const callerLines = await ladder(caller);
    for (const re of [/^INVITE /, /^SIP\/2\.0 200 OK$/, /^ACK /, /^BYE /])
      assert.ok(
        callerLines.some((l) => re.test(l)),
        `${re} in ${callerLines.join('\n')}`,
      );
    await page.uncheck('#answer-calls');
    await until(async () => /Calls are answered by sipreg again/.test(await page.textContent('#activity')), 'JsSIP stopped');
    await caller.close();
    await page.locator('.requests-card').screenshot({ path: `${ARTIFACTS}15-answered-by-jssip.png` });
    assert.deepEqual(callerProblems, [], 'the call page: no console errors or warnings');
    assert.equal((await heldBy(rig, 'olivia')).length, 1, 'the registrar holds exactly the demo page binding');
  },
  { query: { aor: 'sip:olivia@example.test' } },
);
