// bundlers.test.mjs — a web app that installs sipreg from its npm tarball and imports it works
// through Vite, webpack 5 and esbuild (issue 13 item 4). The apps of tests/bundlers/ are copied
// into a temporary directory, `npm install`s the tarball `npm pack` makes of node/, and are built
// there by each bundler's own API with its config (no warnings allowed); each bundle is served
// over loopback (.wasm as application/wasm) and opened in Debian's Chromium, where it registers
// against the real Kamailio: Vite and webpack find the wasm through the rewritten
// `new URL('./sipreg-web.wasm', import.meta.url)`, esbuild through `wasmUrl` (the wasm imported as a
// file). The Vite app is also opened on Vite's dev server (no build). Prints the bundle sizes (js + wasm, raw and gzip); ends with the registrar's table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startRegistrar } from '../registrar/registrar.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { ROOT, need } from '../js/helpers.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './rig.mjs';
import { watch } from './demo-kit.mjs';

/** Build one app (its directory: `dir`); returns the bundler's warnings (none expected). */
const BUILD = {
  async vite(dir) {
    const { build, createLogger } = await import('vite');
    const warnings = [];
    const logger = createLogger('warn');
    logger.warn = (msg) => warnings.push(msg);
    logger.warnOnce = logger.warn;
    copyFileSync(join(dir, '..', 'index.html'), join(dir, 'index.html')); // Vite's entry
    await build({ root: dir, configFile: join(dir, 'vite.config.mjs'), customLogger: logger });
    return warnings;
  },
  async webpack(dir) {
    const webpack = (await import('webpack')).default;
    const config = (await import(join(dir, 'webpack.config.mjs'))).default;
    const stats = await new Promise((resolve, reject) => webpack({ ...config, context: dir }, (e, s) => (e ? reject(e) : resolve(s))));
    const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
      'webpack errors',
    );
    copyFileSync(join(dir, '..', 'index.html'), join(dir, 'dist', 'index.html'));
    return warnings.map((w) => w.message);
  },
  async esbuild(dir) {
    const esbuild = await import('esbuild');
    const config = (await import(join(dir, 'esbuild.config.mjs'))).default;
    const result = await esbuild.build({ ...config, absWorkingDir: dir });
    copyFileSync(join(dir, '..', 'index.html'), join(dir, 'dist', 'index.html'));
    return result.warnings.map((w) => w.text);
  },
};

/** How each app finds the wasm: the request the page makes for it. */
const WASM_FROM = {
  vite: /\/vite\/dist\/assets\/sipreg-web-[\w-]+\.wasm$/,
  webpack: /\/webpack\/dist\/[0-9a-f]{20}\.wasm$/,
  esbuild: /\/esbuild\/dist\/sipreg-web-\w+\.wasm$/,
  'vite dev': /\/@fs\/.*\/node_modules\/sipreg\/sipreg-web\.wasm$/, // the package's own file, served as it is
};
const BUNDLERS = Object.keys(BUILD);
/** The apps opened in Chromium: each build, and the Vite app on Vite's dev server (no build). */
const APPS = [...BUNDLERS, 'vite dev'];

const state = { dir: '', registrar: null, server: null, browser: null, builds: {}, dev: null };

before(async () => {
  need(CHROMIUM, 'Chromium (Debian package "chromium", installed by scripts/setup.sh)');
  need(`${ROOT}node/sipreg-web.wasm`, 'the node package (web wasm build)');
  need(`${ROOT}node/browser.mjs`, 'the browser entry (copied by the wasm build)');
  state.dir = mkdtempSync(join(tmpdir(), 'sipreg-bundlers-'));
  const dir = state.dir;
  // the registrar and Chromium start while the apps are built
  const starting = Promise.all([
    startRegistrar().then((r) => {
      state.registrar = r;
    }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((b) => {
      state.browser = b;
    }),
  ]);
  cpSync(`${ROOT}tests/bundlers`, dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "name": "bundled-apps", "private": true, "type": "module" }\n');
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: `${ROOT}node`, encoding: 'utf8' }),
  );
  execFileSync('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', `./${packed.filename}`], {
    cwd: dir,
    stdio: 'pipe',
  });
  for (const name of BUNDLERS) {
    const t0 = performance.now();
    const warnings = await BUILD[name](join(dir, name));
    state.builds[name] = { warnings, ms: Math.round(performance.now() - t0) };
  }
  state.server = await startStaticServer(dir);
  const { createServer } = await import('vite');
  state.dev = await createServer({
    root: join(dir, 'vite'),
    configFile: join(dir, 'vite', 'vite.config.mjs'),
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await state.dev.listen();
  await starting;
});

after(async () => {
  await state.browser?.close();
  await state.dev?.close();
  await state.server?.close();
  await state.registrar?.stop();
  if (state.dir) rmSync(state.dir, { recursive: true, force: true });
});

test('each bundler builds the app without warnings; the sizes of what it emits', () => {
  const rows = [];
  for (const name of BUNDLERS) {
    assert.deepEqual(state.builds[name].warnings, [], `${name}: warnings`);
    const out = join(state.dir, name, 'dist');
    const files = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => /\.(m?js|wasm)$/.test(f));
    const size = (ext) =>
      files
        .filter((f) => ext.test(f))
        .map((f) => readFileSync(join(out, f)))
        .reduce((s, b) => ({ raw: s.raw + b.length, gzip: s.gzip + gzipSync(b, { level: 9 }).length }), { raw: 0, gzip: 0 });
    const js = size(/\.m?js$/);
    const wasm = size(/\.wasm$/);
    assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, `${name}: one wasm emitted (${files})`);
    // the browser build (sipreg-web.wasm: no STUN, no multicast), not Node's sipreg.wasm
    assert.equal(wasm.raw, readFileSync(`${ROOT}node/sipreg-web.wasm`).length, `${name}: the web build emitted`);
    assert.ok(js.raw > 0 && js.raw < 200_000, `${name}: js ${js.raw} bytes`);
    rows.push({
      bundler: name,
      'js raw': js.raw,
      'js gzip': js.gzip,
      'wasm raw': wasm.raw,
      'wasm gzip': wasm.gzip,
      'total gzip': js.gzip + wasm.gzip,
      'build ms': state.builds[name].ms,
    });
  }
  console.log('bundle sizes (bytes; gzip -9):');
  console.table(rows);
});

test(
  'each bundled app (and the Vite app on its dev server) registers from Chromium; the registrar holds one binding per app',
  { timeout: 60_000 },
  async () => {
    const { registrar, server, browser } = state;
    const instance = (i) => `urn:uuid:00000000-0000-4000-8000-00000000b0${i}0`;
    /** @param {string} name @returns {string} the page of that app */
    const page = (name) => (name === 'vite dev' ? state.dev.resolvedUrls.local[0] : `${server.url}/${name}/dist/index.html`);
    const user = (name) => `bundled-${name.replace(' ', '-')}`;
    const results = await Promise.all(
      APPS.map(async (name, i) => {
        const context = await browser.newContext();
        try {
          const tab = await context.newPage();
          const problems = watch(tab);
          const wasm = [];
          tab.on('response', (r) => {
            if (r.url().endsWith('.wasm')) wasm.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
          });
          tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
          tab.on('response', (r) => {
            if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
          });
          const q = new URLSearchParams({
            server: registrar.wsUrl,
            aor: `sip:${user(name)}@example.test`,
            password: 'secret',
            instance: instance(i),
          });
          await tab.goto(`${page(name)}?${q}`);
          await tab.waitForSelector('body[data-state]', { state: 'attached', timeout: 20_000 });
          const data = await tab.evaluate(() => ({ ...document.body.dataset }));
          return { name, data, wasm, problems };
        } finally {
          await context.close();
        }
      }),
    );
    const version = (await import(`${ROOT}node/index.mjs`)).version;
    for (const { name, data, wasm, problems } of results) {
      assert.deepEqual(data, { version, parsed: 'ok', pool: 'ok', state: 'registered' }, `${name}: the page's outcome`);
      assert.equal(wasm.length, 1, `${name}: the wasm fetched once (${JSON.stringify(wasm)})`);
      assert.match(wasm[0].url, WASM_FROM[name], `${name}: the wasm the bundler emitted`);
      assert.equal(wasm[0].status, 200);
      assert.equal(wasm[0].type, 'application/wasm');
      assert.deepEqual(problems, [], `${name}: console errors or failed requests`);
    }
    // the registrar's own table: each app's binding, with its instance-id (RFC 5626 §4.1)
    const table = await registrar.dump();
    APPS.forEach((name, i) => {
      const held = table.filter((b) => b.aor === `${user(name)}@example.test`);
      assert.equal(held.length, 1, `${name}: one binding (${JSON.stringify(held)})`);
      assert.equal(held[0].instance, `<${instance(i)}>`, `${name}: its instance-id`);
      assert.match(held[0].received ?? '', /transport=ws/, `${name}: registered over WebSocket`);
      assert.ok(typeof held[0].expires === 'number' && held[0].expires > 0, `${name}: live binding`);
    });
  },
);
