// demo-kit.mjs — what the demo page's Chromium suites share: a test that opens a fresh page of
// the demo (failing on any console error or warning and on any failed request, leaving a
// screenshot in tests/browser/artifacts/), pressing Register, reading the ladder and "What
// happened", waiting, and the registrar's bindings of a user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need } from '../js/helpers.mjs';
import { ARTIFACTS, startRig, stopRig } from './rig.mjs';

export const DOMAIN = 'example.test';

/**
 * A suite's shared things, started before its first test and stopped after its last.
 * @typedef {object} DemoSuite
 * @property {import('./rig.mjs').Rig} rig registrar, static server, Chromium
 * @property {typeof import('../../node/index.mjs')} sipreg the Node package (for other devices)
 * @property {{ close(): void }[]} devices Node-side registrations to close at the end
 */

/** @returns {DemoSuite} filled in by the suite's before(), stopped by its after() */
export function demoSuite() {
  const suite = /** @type {DemoSuite} */ ({ rig: {}, sipreg: undefined, devices: [] });
  before(async () => {
    suite.sipreg = await import(need(`${ROOT}node/index.mjs`, 'the node package'));
    await startRig(suite.rig);
  });
  after(async () => {
    for (const d of suite.devices) d.close();
    await stopRig(suite.rig);
  });
  return suite;
}

/**
 * The registrar's bindings of sip:user@domain.
 * @param {import('./rig.mjs').Rig} rig
 * @param {string} user
 * @param {string} [domain] default example.test
 * @returns {Promise<object[]>}
 */
export async function heldBy(rig, user, domain = DOMAIN) {
  return (await rig.registrar.dump()).filter((b) => b.aor === `${user}@${domain}` || b.aor === `sip:${user}@${domain}`);
}

/**
 * Another device of sip:user@domain, registered from Node (q 0.5, 300 s; closed at the end).
 * @param {DemoSuite} suite
 * @param {string} user
 * @param {string} [domain] default example.test
 */
export async function otherDevice(suite, user, domain = DOMAIN) {
  const d = await suite.sipreg.createRegistration({
    server: suite.rig.registrar.wsUrl,
    aor: `sip:${user}@${domain}`,
    auth: { password: 'secret' },
    contacts: [{ uri: `sip:second-device@${user}.invalid;transport=ws`, q: 0.5, expires: 300 }],
  });
  suite.devices.push(d);
  await d.register();
  return d;
}

/** Wait until `check` returns a truthy value (polling every 50 ms), else throw naming `what`. */
export async function until(check, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Collect a page's problems: console errors and warnings (but the `allow`ed ones), page errors.
 * @param {import('playwright-core').Page} page
 * @param {RegExp[]} [allow]
 * @returns {string[]} filled in as they happen
 */
export function watch(page, allow = []) {
  const problems = [];
  page.on('console', (m) => {
    const s = `console ${m.type()}: ${m.text()}`;
    if ((m.type() === 'error' || m.type() === 'warning') && !allow.some((re) => re.test(s))) problems.push(s);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

/**
 * @typedef {object} PageOptions
 * @property {Record<string, string>} [query] page query parameters (ws and password are set)
 * @property {{ width: number, height: number }} [viewport] default 1360×1000
 * @property {RegExp[]} [allow] console messages that are expected (e.g. a refused connection)
 */

/**
 * A test with a fresh page of the demo: `fn` gets the page; afterwards a screenshot is saved as
 * artifacts/<shot>.png and the test fails on any console error/warning (but `allow`ed ones) or
 * failed request.
 * @param {import('./rig.mjs').Rig} rig
 * @param {string} shot screenshot name
 * @param {string} name
 * @param {(page: import('playwright-core').Page) => Promise<void>} fn
 * @param {PageOptions} [opts]
 */
export function demoTest(rig, shot, name, fn, { query = {}, viewport = { width: 1360, height: 1000 }, allow = [] } = {}) {
  test(name, async () => {
    const context = await rig.browser.newContext({ viewport });
    const page = await context.newPage();
    const problems = watch(page, allow);
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    try {
      const q = new URLSearchParams({ ws: rig.registrar.wsUrl, password: 'secret', ...query });
      await page.goto(`${rig.server.url}/?${q}`);
      await page.waitForSelector('body[data-ready="yes"]', { timeout: 10000 });
      await fn(page);
    } finally {
      await page.screenshot({ path: `${ARTIFACTS}${shot}.png`, fullPage: true }).catch(() => {});
      await context.close();
    }
    assert.deepEqual(problems, [], 'no console errors or warnings, no failed requests');
  });
}

/** Press Register and wait for a state. @param {import('playwright-core').Page} page */
export async function register(page, state = 'registered') {
  await page.click('#register');
  await page.waitForSelector(`#state[data-state="${state}"]`, { timeout: 10000 });
}

/** @returns {Promise<string[]>} the ladder's first lines, oldest first */
export const ladder = (/** @type {import('playwright-core').Page} */ page) => page.locator('#ladder .msg .line').allTextContents();
/** @returns {Promise<string>} all of "What happened" */
export const activity = (/** @type {import('playwright-core').Page} */ page) => page.locator('#activity').innerText();
