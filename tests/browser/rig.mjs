// rig.mjs — what every Chromium suite starts: the real Kamailio, the loopback static server over
// web/, and Debian's Chromium (playwright-core), all three at once. Never skips: a missing
// Chromium or build output is a failure.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startRegistrar } from '../registrar/registrar.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { ROOT, need } from '../js/helpers.mjs';

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @typedef {object} Rig
 * @property {import('../registrar/registrar.mjs').Registrar} [registrar]
 * @property {{ url: string, close(): Promise<void> }} [server]
 * @property {import('playwright-core').Browser} [browser]
 */

/**
 * Start the three into `rig`; whatever did start stays in `rig` for stopRig(), even when another
 * part failed (the failure is thrown).
 * @param {Rig} rig
 */
export async function startRig(rig) {
  need(CHROMIUM, 'Chromium (Debian package "chromium", installed by scripts/setup.sh)');
  need(`${ROOT}web/sipreg-web.wasm`, 'the web package (wasm build)');
  need(`${ROOT}web/lib/index.mjs`, 'the web package (JS glue)');
  mkdirSync(ARTIFACTS, { recursive: true });
  const started = await Promise.allSettled([
    startRegistrar().then((r) => {
      rig.registrar = r;
    }),
    startStaticServer(`${ROOT}web`).then((s) => {
      rig.server = s;
    }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((b) => {
      rig.browser = b;
    }),
  ]);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** @param {Rig} rig stop what startRig started */
export async function stopRig(rig) {
  await rig.browser?.close();
  await rig.server?.close();
  await rig.registrar?.stop();
}
