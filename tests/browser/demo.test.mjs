// demo.test.mjs — the demo page (web/) in Debian's Chromium, driven by playwright-core, against
// the real Kamailio registrar on 127.0.0.1. Every test opens the page fresh, fails on any console
// error or warning and on any failed request, and leaves a screenshot in tests/browser/artifacts/.
// Never skips: a missing Chromium, Kamailio or build output is a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { ROOT, assertNoSip } from '../js/helpers.mjs';
import { DOMAIN, demoSuite, heldBy, until, demoTest, register, ladder, activity, otherDevice } from './demo-kit.mjs';

const suite = demoSuite();
const { rig } = suite;

/** @param {string} user @returns {Promise<object[]>} the registrar's bindings of sip:user@example.test */
const held = (user) => heldBy(rig, user);
/** A test with a fresh page of the demo (demo-kit.mjs), `query` in its address. */
const pageTest = (shot, name, fn, query = {}) => demoTest(rig, shot, name, fn, { query });

test('the static server serves the web package with the right MIME types', async () => {
  const types = {
    '/': 'text/html',
    '/sipreg.mjs': 'text/javascript',
    '/lib/index.mjs': 'text/javascript',
    '/app.mjs': 'text/javascript',
    '/style.css': 'text/css',
    '/sipreg-web.wasm': 'application/wasm',
    '/call.html': 'text/html',
    '/call.mjs': 'text/javascript',
  };
  for (const [path, type] of Object.entries(types)) {
    const r = await fetch(rig.server.url + path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('content-type').split(';')[0], type, path);
    await r.arrayBuffer();
  }
  assert.equal((await fetch(`${rig.server.url}/nope.mjs`)).status, 404);
  assert.equal((await fetch(`${rig.server.url}/%2e%2e/package.json`)).status, 404, 'nothing outside web/');
});

test('the demo pages hold no SIP knowledge: no header names, methods or status codes (the call page leaves SIP to JsSIP)', () => {
  const files = ['sipreg.mjs', 'app.mjs', 'call.mjs', ...readdirSync(`${ROOT}web/demo`).map((f) => `demo/${f}`)].filter((f) =>
    f.endsWith('.mjs'),
  );
  for (const f of files) assertNoSip(`${ROOT}web/${f}`, `web/${f}`);
});

pageTest(
  '01-registered',
  'Register goes through the 401 challenge; state "registered" and our binding in the table',
  async (page) => {
    assert.equal(await page.textContent('#state'), 'not started');
    await register(page);
    assert.match(await page.textContent('#summary'), /Registered as sip:alice@example\.test/);
    const lines = await ladder(page);
    assert.equal(lines.length, 4, lines.join('\n'));
    assert.match(lines[1], /401 Unauthorized/);
    assert.match(lines[3], /200 OK/);
    const ours = page.locator('#bindings tr[data-ours="true"][data-live="true"]');
    assert.equal(await ours.count(), 1);
    const row = await ours.innerText();
    assert.match(row, /this page/);
    assert.match(row, /instance \+ reg-id/);
    assert.match(row, /600 s requested 600 s/);
    assert.match(await page.textContent('#skew'), /unknown/);
    assert.match(await page.textContent('#refresh-at'), /\d\d:\d\d:\d\d in \d+:\d\d/);
    const uri = await ours.locator('td.uri .mono').first().textContent();
    const h = await held('alice');
    assert.equal(h.length, 1, 'the registrar holds exactly our binding');
    assert.ok(h[0].contact.includes(uri.split(';')[0]), `${h[0].contact} vs ${uri}`);
    // a click on a message opens it whole
    await page.click('#ladder .msg:nth-child(2) summary');
    assert.match(await page.textContent('#ladder .msg:nth-child(2) pre'), /realm="example\.test"/);
  },
  { aor: 'sip:alice@example.test' },
);

pageTest(
  '02-second-device',
  'a second device of the same AOR (from Node) shows up after Fetch bindings',
  async (page) => {
    await register(page);
    const device = await otherDevice(suite, 'bob');
    assert.equal(await page.locator('#bindings tr[data-ours="false"]').count(), 0, 'not known before the fetch');
    await page.click('#fetch');
    const other = page.locator('#bindings tr[data-ours="false"][data-live="true"]');
    await other.waitFor({ timeout: 5000 });
    const row = await other.innerText();
    assert.match(row, /other device/);
    assert.match(row, /second-device@bob\.invalid/);
    assert.match(row, /0\.5/);
    assert.match(row, /\b(29[0-9]|300) s\b/, 'granted 300 s; Kamailio lists the seconds left, so a second may have passed');
    assert.equal(await page.locator('#bindings tr[data-ours="true"][data-live="true"]').count(), 1);
    assert.match(await page.textContent('#bindings-note'), /2 live bindings: 1 of this page, 1 of other devices/);
    assert.match(await activity(page), /Fetched the bindings: 1 binding of this page, 1 of other devices/);
    await device.unregister();
    device.close();
  },
  { aor: 'sip:bob@example.test' },
);

pageTest(
  '03-unregister-all',
  "Unregister all removes every binding of the AOR, other devices' too",
  async (page) => {
    await register(page);
    const device = await otherDevice(suite, 'carol');
    assert.equal((await held('carol')).length, 2);
    await page.click('#unregister-all');
    await page.waitForSelector('#state[data-state="idle"]', { timeout: 5000 });
    assert.equal(await page.locator('#bindings tr[data-live="true"]').count(), 0, 'no live bindings in the table');
    assert.equal(await page.textContent('#bindings-note'), 'no live bindings');
    assert.match(await activity(page), /Removed every binding of the address of record/);
    assert.deepEqual(await held('carol'), [], 'the registrar holds nothing for the AOR');
    device.close();
  },
  { aor: 'sip:carol@example.test' },
);

pageTest(
  '04-interval-too-brief',
  'expires 10: the page shows the 423, then registered for 60 s',
  async (page) => {
    assert.equal(await page.inputValue('input[name="expires"]'), '10');
    await register(page);
    const lines = await ladder(page);
    assert.ok(
      lines.some((l) => /423 Interval Too Brief/.test(l)),
      lines.join('\n'),
    );
    assert.match(await activity(page), /answered 423 Interval Too Brief: it wants registrations of at least 60 s/);
    assert.match(await activity(page), /keeps this page's binding for 60 s/);
    assert.match(await page.locator('#bindings tr[data-ours="true"]').innerText(), /60 s requested 60 s/);
    const h = await held('dave');
    assert.equal(h.length, 1);
    assert.ok(h[0].expires > 50 && h[0].expires <= 60, `registrar expiry ${h[0].expires}`);
  },
  { aor: 'sip:dave@example.test', expires: '10' },
);

pageTest(
  '05-wrong-password',
  'wrong password: said in plain words, and sipreg stops (no retry: account lock-outs)',
  async (page) => {
    await register(page, 'failed');
    const summary = await page.textContent('#summary');
    assert.match(summary, /^Stopped\. Wrong user name or password/);
    assert.match(summary, /It answered 401 Unauthorized/);
    assert.equal(await page.locator('#summary .countdown').count(), 0, 'no next try');
    await page.waitForTimeout(1000);
    assert.match(await activity(page), /Registering failed\. Wrong user name or password.*sipreg stops here/s);
    assert.equal((await ladder(page)).length, 4, 'one answered challenge, then stop: no loop');
    assert.deepEqual(await held('erin'), []);
  },
  { aor: 'sip:erin@example.test', password: 'wrong' },
);

pageTest(
  '06-connection-drop',
  'the WebSocket drops and the registrar forgot us: the page reconnects and registers again',
  async (page) => {
    await register(page);
    const before = (await ladder(page)).length;
    await rig.registrar.rpc('ul.rm', 'location', `frank@${DOMAIN}`);
    assert.deepEqual(await held('frank'), []);
    // Drop the socket under the glue (the test hook; not flow.close(), which would be a requested
    // close). Kamailio's own `ws.close` RPC now and then sends a second Close frame, which Chromium
    // logs as an error ("Close received after close").
    await page.evaluate(() => window.sipregDemo.registration.flow.socket.close(4000, 'test drop'));
    await until(async () => (await held('frank')).length === 1, 'the binding back on the registrar');
    await page.waitForSelector('#state[data-state="registered"]');
    assert.match(
      await activity(page),
      /The connection to the registrar closed \(WebSocket code \d+.*sipreg connects again and re-registers/s,
    );
    assert.ok((await ladder(page)).length > before, 'a new REGISTER after the drop');
    assert.match(await page.textContent('#ladder'), /connection closed \(WebSocket code \d+\)/);
    assert.equal(await page.evaluate(() => window.sipregDemo.registration.info.flowUp), true);
    assert.equal(await page.locator('#bindings tr[data-ours="true"][data-live="true"]').count(), 1);
  },
  { aor: 'sip:frank@example.test' },
);

pageTest(
  '07-leave-page',
  'leaving the page unregisters (pagehide); wakeOnResume wakes on visibilitychange, online, pageshow',
  async (page) => {
    const wakes = await page.evaluate(() => {
      let n = 0;
      const stop = window.sipregDemo.sipreg.wakeOnResume({
        wake: () => {
          n++;
        },
      });
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('online'));
      window.dispatchEvent(new Event('pageshow'));
      stop();
      window.dispatchEvent(new Event('online'));
      return n;
    });
    assert.equal(wakes, 3);
    await register(page);
    assert.equal((await held('grace')).length, 1);
    await page.reload();
    await page.waitForSelector('body[data-ready="yes"]');
    await until(async () => (await held('grace')).length === 0, 'the registrar to drop the binding after pagehide');
  },
  { aor: 'sip:grace@example.test' },
);

pageTest(
  '08-contacts',
  'a second contact row (uri, q, expires) is swapped in with one request; bad input is named in the form',
  async (page) => {
    await register(page);
    const before = (await ladder(page)).length;
    await page.click('#add-contact');
    const row = page.locator('.contact-row').nth(1);
    await row.locator('[name="contact-uri"]').fill('sip:desk@hank.invalid;transport=ws');
    await row.locator('[name="contact-q"]').fill('0.8');
    await row.locator('[name="contact-expires"]').fill('120');
    await page.click('#register');
    await until(async () => (await held('hank')).length === 2, 'two bindings on the registrar');
    await until(async () => (await ladder(page)).length === before + 2, 'one request and its answer');
    const ours = page.locator('#bindings tr[data-ours="true"][data-live="true"]');
    await until(async () => (await ours.count()) === 2, 'two live bindings of this page');
    const desk = await ours.filter({ hasText: 'desk@hank.invalid' }).innerText();
    assert.match(desk, /0\.8/);
    assert.match(desk, /120 s requested 120 s/);
    const h = (await held('hank')).find((b) => b.contact.includes('desk@hank.invalid'));
    assert.equal(h.q, 0.8);
    assert.ok(h.expires > 110 && h.expires <= 120);
    // a bad q is refused by the form, in words
    await row.locator('[name="contact-q"]').fill('7');
    await page.click('#register');
    assert.match(await page.textContent('#form-error'), /q must be a number from 0 to 1/);
    await row.locator('[name="contact-q"]').fill('0.8');
    await row.locator('[name="contact-uri"]').fill('desk');
    await page.click('#register');
    assert.match(await page.textContent('#form-error'), /The contact URI "desk" is not a URI sipreg can use/);
    assert.equal((await held('hank')).length, 2, 'nothing was sent');
  },
  { aor: 'sip:hank@example.test' },
);

pageTest(
  '09-reload',
  'a reload (even a crashed tab) continues the same binding: one binding, not two',
  async (page) => {
    await register(page);
    const before = await held('erin');
    assert.equal(before.length, 1);
    // the tab "crashes": no unregister on the way out; the reloaded page restores the saved state
    await page.evaluate(() => {
      window.sipregDemo.keepBindingOnHide = true;
    });
    await page.reload();
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 10000 });
    await register(page);
    const after = await held('erin');
    assert.equal(after.length, 1, 'the registrar holds one binding for the AOR, not a ghost and a new one');
    assert.equal(after[0].callId, before[0].callId, 'the same Call-ID');
    assert.ok(Number(after[0].cseq) > Number(before[0].cseq), 'the next CSeq');
    assert.equal(after[0].contact, before[0].contact, 'the same contact');
  },
  { aor: 'sip:erin@example.test' },
);
