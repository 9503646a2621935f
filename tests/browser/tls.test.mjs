// tls.test.mjs — the demo page registers over wss:// against Kamailio's TLS WebSocket (a
// throwaway test CA made at test time; Chromium trusts only that certificate's key).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startRegistrar, chromiumTlsArgs } from '../registrar/registrar.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { ROOT, need } from '../js/helpers.mjs';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS } from './rig.mjs';

let registrar, server, browser;

before(async () => {
  need('/usr/bin/chromium', 'Chromium (Debian package "chromium", installed by scripts/setup.sh)');
  need(`${ROOT}web/sipreg-web.wasm`, 'the web package (wasm build)');
  mkdirSync(ARTIFACTS, { recursive: true });
  registrar = await startRegistrar({ tls: true });
  server = await startStaticServer(`${ROOT}web`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...chromiumTlsArgs(registrar)] });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await registrar?.stop();
});

test('Register over wss:// from the demo page: through the 401, the binding on the TLS socket', async () => {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  try {
    const q = new URLSearchParams({ ws: registrar.wssUrl, password: 'secret', aor: 'sip:tls1@example.test' });
    await page.goto(`${server.url}/?${q}`);
    await page.waitForSelector('body[data-ready="yes"]', { timeout: 10000 });
    await page.click('#register');
    await page.waitForSelector('#state[data-state="registered"]', { timeout: 10000 });
    const sent = await page.evaluate(() => window.sipregDemo.registration.info.cseq);
    assert.equal(sent, 2, 'through the 401 challenge');
    const held = (await registrar.dump()).filter((b) => b.aor.startsWith('tls1@'));
    assert.equal(held.length, 1);
    assert.match(held[0].socket ?? '', /tls:127\.0\.0\.1/, 'the binding sits on the TLS socket');
    const ladder = await page.locator('#ladder').innerText();
    assert.match(ladder, /REGISTER sip:example\.test SIP\/2\.0/);
  } finally {
    await page.screenshot({ path: `${ARTIFACTS}10-wss.png`, fullPage: true }).catch(() => {});
    await page.close();
  }
  assert.deepEqual(problems, []);
});
