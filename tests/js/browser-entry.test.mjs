// browser-entry.test.mjs — the package's "browser" entry (node/browser.mjs = web/browser.mjs), run
// in Node: nothing is loaded at import (no top-level await: bundlers and their targets differ on
// it); the synchronous names say to load first; load() / createRegistration() take `wasmUrl` and
// refuse a bad one naming the option, a failed load names the address and may be retried, and
// one page has one module (another wasmUrl afterwards is refused). Each case imports a fresh copy
// of the entry (its own module state) from a temporary directory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { ROOT, need, FakeSocket } from './helpers.mjs';

const PKG = `${ROOT}node/`;
need(`${PKG}browser.mjs`, 'the browser entry (copied by the wasm build)');
const copies = [];
after(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh copy of the entry (browser.mjs, lib/, sipreg-web.wasm): its own module state. */
async function freshEntry() {
  const dir = mkdtempSync(join(tmpdir(), 'sipreg-browser-entry-'));
  copies.push(dir);
  for (const f of ['browser.mjs', 'lib', 'sipreg-web.wasm']) cpSync(join(PKG, f), join(dir, f), { recursive: true });
  return { dir, entry: await import(pathToFileURL(join(dir, 'browser.mjs')).href) };
}

const { version } = await import(`${PKG}index.mjs`);
const BASE = { server: 'ws://registrar.invalid', aor: 'sip:alice@example.test', WebSocket: FakeSocket, instanceStore: false };

test('before load: nothing loaded; the synchronous names say to load first', async () => {
  const { entry } = await freshEntry();
  assert.equal(entry.version, undefined);
  assert.equal(entry.core, undefined);
  const rows = [
    ['parse', () => entry.parse('SIP/2.0 200 OK\r\n\r\n')],
    ['uriEqual', () => entry.uriEqual('sip:a@b.test', 'sip:a@b.test')],
    ['RegistrationPool', () => new entry.RegistrationPool({ server: 'ws://r.invalid', WebSocket: FakeSocket })],
  ];
  for (const [name, call] of rows) {
    assert.throws(
      call,
      (e) =>
        e instanceof entry.SipregError &&
        e.code === 'ERR_SIPREG_NOT_READY' &&
        e.message.includes(`${name} needs the wasm module loaded: await load()`),
      name,
    );
  }
});

test('load(): bad options and wasmUrl values are refused naming the option; nothing is loaded', async () => {
  const { entry } = await freshEntry();
  const rows = [
    [null, 'options', /^load options must be an object \(\{ wasmUrl \}\), got null$/],
    ['x.wasm', 'options', /^load options must be an object/],
    [{ wasmurl: 'x' }, 'wasmurl', /^unknown option 'wasmurl' \(load takes wasmUrl\)$/],
    [{ wasmUrl: 42 }, 'wasmUrl', /^wasmUrl must be a URL or a non-empty string \(the address of sipreg\.wasm\), got 42$/],
    [{ wasmUrl: '' }, 'wasmUrl', /^wasmUrl must be a URL or a non-empty string/],
    [{ wasmUrl: 'sipreg.wasm' }, 'wasmUrl', /\(not a URL\)$/], // relative, and no page to resolve it against
  ];
  for (const [options, option, problem] of rows) {
    await assert.rejects(
      entry.load(options),
      (e) => e.code === 'SIPREG_E_CONFIG' && e.option === option && problem.test(e.problem),
      JSON.stringify(options),
    );
  }
  await assert.rejects(entry.createRegistration({ ...BASE, wasmUrl: {} }), (e) => e.code === 'SIPREG_E_CONFIG' && e.option === 'wasmUrl');
  assert.equal(entry.version, undefined, 'still nothing loaded');
});

test('a failed load names the address and may be retried; then one module per page', async () => {
  const { dir, entry } = await freshEntry();
  const server = await startStaticServer(dir);
  try {
    const rows = [
      [`${server.url}/missing.wasm`, /HTTP 404/],
      [`${server.url}/browser.mjs`, /WebAssembly|magic|wasm/i], // not a wasm module
      [pathToFileURL(join(dir, 'nothing.wasm')), /ENOENT/],
    ];
    for (const [wasmUrl, why] of rows) {
      await assert.rejects(
        entry.load({ wasmUrl }),
        (e) =>
          e.code === 'ERR_SIPREG_LOAD' &&
          e.url === String(wasmUrl) &&
          e.message.includes(`cannot load sipreg.wasm from ${wasmUrl}`) &&
          why.test(e.message),
        String(wasmUrl),
      );
    }
    assert.equal(entry.version, undefined);
    // over HTTP, as a page would (the server says application/wasm)
    const ns = await entry.load({ wasmUrl: `${server.url}/sipreg-web.wasm` });
    assert.equal(ns.load, entry.load, 'load() resolves with the entry itself');
    assert.equal(entry.version, version);
    assert.equal(entry.parse('SIP/2.0 200 OK\r\n\r\n').ok, false, 'parse answers (a response without its headers)');
    assert.equal(entry.uriEqual('sip:alice@EXAMPLE.test', 'sip:alice@example.test'), true);
    const pool = new entry.RegistrationPool({ server: 'ws://r.invalid', WebSocket: FakeSocket });
    pool.close();
    // the same address again, or none: the module loaded; another address: refused
    assert.equal(await entry.load({ wasmUrl: `${server.url}/sipreg-web.wasm` }), ns);
    assert.equal(await entry.load(), ns);
    await assert.rejects(
      entry.load({ wasmUrl: `${server.url}/other.wasm` }),
      (e) =>
        e.code === 'SIPREG_E_CONFIG' &&
        e.option === 'wasmUrl' &&
        /already loaded from http:\/\/127\.0\.0\.1:\d+\/sipreg-web\.wasm, not .*other\.wasm \(one module per page\)/.test(e.problem),
    );
    const reg = await entry.createRegistration({ ...BASE, wasmUrl: new URL(`${server.url}/sipreg-web.wasm`) });
    assert.equal(reg.state, 'idle');
    reg.close();
  } finally {
    await server.close();
  }
});

test('createRegistration() loads the wasm next to the entry by itself (the default address)', async () => {
  const { entry } = await freshEntry();
  const reg = await entry.createRegistration(BASE);
  assert.equal(entry.version, version);
  assert.equal(reg.state, 'idle');
  reg.close();
});

test('RegistrationPool after createRegistration() alone; its instances are the pool (lib/web-pool.mjs), subclasses too', async () => {
  const { dir, entry } = await freshEntry();
  const reg = await entry.createRegistration(BASE);
  reg.close();
  const { RegistrationPool: Pool } = await import(pathToFileURL(join(dir, 'lib', 'web-pool.mjs')).href);
  const pool = new entry.RegistrationPool({ server: 'ws://r.invalid', WebSocket: FakeSocket });
  assert.ok(pool instanceof entry.RegistrationPool && pool instanceof Pool && pool instanceof EventTarget);
  assert.equal(entry.RegistrationPool.name, 'RegistrationPool');
  assert.equal(pool.add({ aor: 'sip:bob@example.test' }).state, 'idle');
  pool.close();
  class Mine extends entry.RegistrationPool {
    mine() {
      return 'mine';
    }
  }
  const own = new Mine({ server: 'ws://r.invalid', WebSocket: FakeSocket });
  assert.ok(own instanceof Mine && own instanceof Pool);
  assert.equal(own.mine(), 'mine');
  assert.throws(
    () => own.add({ aor: 'sip:carol@example.test', flows: 2 }),
    (e) => e.code === 'SIPREG_E_CONFIG' && e.option === 'flows',
  );
  own.close();
});
