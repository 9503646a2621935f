// package.test.mjs — the npm package as a user gets it: `require('sipreg')` and
// `require('sipreg/parse')` (through package.json's exports, from a project that depends on it)
// have the ESM entries' names, each the same value once `ready` settled, and types that declare
// them; `npm pack` ships README.md, LICENSE, the types, the wasm, every entry and every module
// they import, and no tests or build files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, rmSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, need } from './helpers.mjs';

const PKG = `${ROOT}node/`;
need(`${PKG}sipreg.wasm`, 'wasm build');
need(`${PKG}lib/index.mjs`, 'glue copied by the wasm build');

/** A project whose node_modules/sipreg is the package directory; removed at the end. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'sipreg-pkg-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(PKG, join(dir, 'node_modules', 'sipreg'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "name": "user", "private": true }\n');
  return dir;
}

/** @param {object} ns @returns {Record<string, string>} name → typeof, sorted by name */
const shape = (ns) =>
  Object.fromEntries(
    Object.keys(ns)
      .sort()
      .map((k) => [k, typeof ns[k]]),
  );

test('require("sipreg") and require("sipreg/parse"): the ESM names, the same values after ready', async () => {
  const dir = project();
  try {
    const require = createRequire(join(dir, 'index.cjs'));
    for (const [entry, esmPath] of [
      ['sipreg', `${PKG}index.mjs`],
      ['sipreg/parse', `${PKG}lib/parse.mjs`],
    ]) {
      const cjs = require(entry);
      const esm = await import(esmPath);
      assert.equal(await cjs.ready, cjs, `${entry}: ready settles with the module`);
      const names = Object.keys(esm)
        .filter((k) => k !== 'ready')
        .sort();
      assert.deepEqual(
        Object.keys(cjs)
          .filter((k) => k !== 'ready')
          .sort(),
        names,
        `${entry}: names`,
      );
      const { ready: _r, ...esmShape } = shape(esm);
      const { ready: _c, ...cjsShape } = shape(cjs);
      assert.deepEqual(cjsShape, esmShape, `${entry}: typeof of each name`);
      for (const name of names) assert.equal(cjs[name], esm[name], `${entry}: ${name} is the ESM value`);
    }
    // the same objects: errors and classes of one are instances of the other's
    const cjs = require('sipreg');
    const esm = await import(`${PKG}index.mjs`);
    assert.equal(cjs.parse('SIP/2.0 200 OK\r\n\r\n').ok, esm.parse('SIP/2.0 200 OK\r\n\r\n').ok);
    assert.equal(require('sipreg/parse').version, esm.version);
    await assert.rejects(
      cjs.createRegistration({ aor: 'sip:a@example.test', expires: 'x' }),
      (e) => e instanceof esm.SipregError && e.option === 'expires',
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('require("sipreg") before ready: async names work, synchronous ones say to await ready', () => {
  const dir = project();
  try {
    const script = `
      const s = require('sipreg');
      const out = {};
      for (const [name, call] of [['parse', () => s.parse('x')], ['uriEqual', () => s.uriEqual('sip:a@b', 'sip:a@b')],
        ['version', () => s.version], ['RegistrationPool', () => new s.RegistrationPool({ server: 'ws://x.invalid' })]]) {
        try { call(); out[name] = 'no error'; } catch (e) { out[name] = e.code; }
      }
      out.instanceofBefore = ({}) instanceof s.SipregError;
      const p = require('sipreg/parse');
      try { p.parse('x'); out.parseEntry = 'no error'; } catch (e) { out.parseEntry = e.code; }
      s.createRegistration({ aor: 'sip:a@example.test', expires: -1 }).catch((e) => {
        out.asyncBefore = e.option;
        out.instanceofAfter = e instanceof s.SipregError;
        out.poolAfter = typeof new s.RegistrationPool({ server: 'ws://x.invalid' }).add;
        console.log(JSON.stringify(out));
        process.exit(0);
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      parse: 'ERR_SIPREG_NOT_READY',
      uriEqual: 'ERR_SIPREG_NOT_READY',
      version: 'ERR_SIPREG_NOT_READY',
      RegistrationPool: 'ERR_SIPREG_NOT_READY',
      instanceofBefore: false,
      parseEntry: 'ERR_SIPREG_NOT_READY',
      asyncBefore: 'expires',
      instanceofAfter: true,
      poolAfter: 'function',
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('every name the entry exports is declared in index.d.ts', async () => {
  const types = readFileSync(`${PKG}index.d.ts`, 'utf8');
  const declared = new Set(
    [...types.matchAll(/^export (?:declare )?(?:function|class|const|let|interface|type) (\w+)/gm)].map((m) => m[1]),
  );
  for (const name of Object.keys(await import(`${PKG}index.mjs`))) assert.ok(declared.has(name), `${name} is not declared in index.d.ts`);
});

test('npm pack: README.md, LICENSE, types, wasm, every entry and what it imports; no tests or build files', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG, encoding: 'utf8' });
  const files = new Set(JSON.parse(out)[0].files.map((f) => f.path));
  const pkg = JSON.parse(readFileSync(`${PKG}package.json`, 'utf8'));
  // the documents, as in the repository
  for (const doc of ['README.md', 'LICENSE']) {
    assert.ok(files.has(doc), `${doc} missing from the tarball`);
    assert.equal(readFileSync(`${PKG}${doc}`, 'utf8'), readFileSync(`${ROOT}${doc}`, 'utf8'), `${doc} is the repository's (rebuild)`);
  }
  // every target package.json names
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of targets) assert.ok(files.has(t.replace(/^\.\//, '')), `${t} (package.json) is not shipped`);
  // every module of the package directory (the issue-12 transports included) and the wasm
  for (const f of readdirSync(PKG).filter((n) => /\.(mjs|cjs|d\.ts|wasm)$/.test(n))) assert.ok(files.has(f), `${f} is not shipped`);
  for (const f of readdirSync(`${PKG}lib`)) assert.ok(files.has(`lib/${f}`), `lib/${f} is not shipped`);
  // every relative import of a shipped module is shipped
  for (const f of [...files].filter((n) => /\.[mc]?js$/.test(n))) {
    const text = readFileSync(`${PKG}${f}`, 'utf8');
    const base = f.includes('/') ? f.slice(0, f.lastIndexOf('/') + 1) : '';
    for (const m of text.matchAll(/(?:from |import\(|require\(|new URL\()\s*(?:'(\.\.?\/[^']+)'|"(\.\.?\/[^"]+)")/g)) {
      const path = m[1] ?? m[2]; // the glue bundle (lib/index.mjs, esbuild) writes double quotes
      const target = new URL(path, `file:///pkg/${base}`).pathname.slice('/pkg/'.length);
      assert.ok(files.has(target), `${f} imports ${path}, which is not shipped`);
    }
  }
  // nothing else: no tests, C sources, build files, scripts or maps
  for (const f of files) {
    assert.doesNotMatch(
      f,
      /(^|\/)(tests?|build|node_modules)\/|\.(c|h|cmake|sh|map|log)$|CMakeLists|\.test\./,
      `${f} should not be shipped`,
    );
  }
});

test('the browser entry (bundlers): the "browser" condition before "import", web/browser.mjs as built, no node: module in what it loads', () => {
  const pkg = JSON.parse(readFileSync(`${PKG}package.json`, 'utf8'));
  const conditions = Object.keys(pkg.exports['.']);
  assert.equal(pkg.exports['.'].browser, './browser.mjs');
  assert.ok(conditions.indexOf('browser') < conditions.indexOf('import'), `conditions in order: ${conditions}`);
  // the wasm is importable as an asset (esbuild: loader "file"): for browsers the web build
  assert.deepEqual(pkg.exports['./sipreg.wasm'], { browser: './sipreg-web.wasm', default: './sipreg.wasm' });
  assert.equal(pkg.exports['./sipreg-web.wasm'], './sipreg-web.wasm');
  assert.equal(
    readFileSync(`${PKG}browser.mjs`, 'utf8'),
    readFileSync(`${ROOT}web/browser.mjs`, 'utf8'),
    'node/browser.mjs is web/browser.mjs (rebuild)',
  );
  // every module the entry loads (static and literal dynamic imports, transitively): relative
  // ones only, so that a bundler for browsers meets no Node built-in; the wasm by the pattern
  // Vite and webpack rewrite
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(`${PKG}${file}`, 'utf8');
    const base = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    // (not a JSDoc type: {import('./x.mjs').T})
    for (const m of text.matchAll(/(?:^import .*? from |^export .*? from |(?<!\{)import\()\s*(?:'([^']+)'|"([^"]+)")/gm)) {
      const path = m[1] ?? m[2];
      assert.match(path, /^\.\.?\//, `${file} imports '${path}': not for browsers`);
      visit(new URL(path, `file:///pkg/${base}`).pathname.slice('/pkg/'.length));
    }
  };
  visit('browser.mjs');
  // lib/web.mjs is the browser's glue joined by the build (loader, constants, registration, flows,
  // the option checks without the options' words): one module, which imports nothing;
  // lib/web-pool.mjs the pool (RegistrationPool's module), which imports only lib/web.mjs
  assert.deepEqual([...seen].sort(), ['browser.mjs', 'lib/web-pool.mjs', 'lib/web.mjs']);
  assert.doesNotMatch(readFileSync(`${PKG}lib/web.mjs`, 'utf8'), /class RegistrationPool/, 'the pool is not in lib/web.mjs');
  assert.match(readFileSync(`${PKG}lib/web.mjs`, 'utf8'), /var Registration ?= ?class extends EventTarget/);
  assert.doesNotMatch(readFileSync(`${PKG}lib/web.mjs`, 'utf8'), /the expiry asked for/, 'no option words in the browser glue');
  assert.match(readFileSync(`${PKG}browser.mjs`, 'utf8'), /new URL\('\.\/sipreg-web\.wasm', import\.meta\.url\)/);
});
