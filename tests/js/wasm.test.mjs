// wasm.test.mjs — the module's surface is pinned: exactly one import (no WASI surprises), the
// shim's exports, and bounded memory per registration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ROOT, need, messageVectors } from './helpers.mjs';

const bytes = readFileSync(need(`${ROOT}node/sipreg.wasm`, 'wasm module'));
const mod = new WebAssembly.Module(bytes);

test('imports: only the memory-growth notification', () => {
  assert.deepEqual(WebAssembly.Module.imports(mod), [{ module: 'env', name: 'emscripten_notify_memory_growth', kind: 'function' }]);
});

test('exports: memory, _initialize and the sw_* shim', () => {
  const names = WebAssembly.Module.exports(mod).map((e) => e.name);
  for (const n of [
    'memory',
    '_initialize',
    'sw_parse',
    'sw_uri_equal',
    'sw_reg_new',
    'sw_recv',
    'sw_poll_send',
    'sw_poll_event',
    'sw_deadline',
    'sw_timeout',
    'sw_transport',
    'sw_info',
    'sw_network',
    'sw_pong',
    'sw_request_answer',
    'sw_respond',
    'sw_route_key',
    'sw_request_keys',
    'sw_contact',
  ]) {
    assert.ok(names.includes(n), `missing export ${n}`);
  }
  const extra = names.filter(
    (n) =>
      !n.startsWith('sw_') &&
      !['memory', '_initialize', '__indirect_function_table'].includes(n) &&
      !/^(__errno_location|stack(Save|Restore|Alloc)|emscripten_stack_.*|__stack_pointer|_emscripten_stack_.*)$/.test(n),
  );
  assert.deepEqual(extra, []);
});

test('size and memory per registration', async () => {
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`# sipreg.wasm: ${bytes.length} bytes, ${gz} gzipped`);
  // 41,000 until Via maddr/ttl for multicast (RFC 3261 §18.1.1) took ~250 bytes; 41,500 until
  // requests on the flow (issue 13: the request table, composed responses, routing keys, the
  // contact's parts) took ~3,700; issue 15's size round took it from 44,180 to 42,735 (views at
  // -Oz with an inline hot path and scalar tape calls, packed error texts, the config key table);
  // 44,750 until STUN keep-alives over UDP (RFC 5626 §4.4.2: codec and keep-alive) took ~1,410;
  // 46,200 until the OPTIONS fallback for registrars without a STUN server took ~210
  assert.ok(gz < 46_500, `wasm grew to ${gz} bytes gzipped`);
  const { core } = await import(`${ROOT}node/index.mjs`);
  const cfg = core.buildConfig({ aor: 'sip:alice@example.test', password: 'secret' }, [{ uri: 'sip:a@b.invalid;transport=ws', q: 0.5 }]);
  const h = core.newRegistration(cfg);
  core.freeConfig(cfg);
  // alone on its AOR (no other devices, GRUUs or routes) a registration holds no binding-view store
  console.log(`# a registration holds ${core.x.sw_memory(h)} bytes of wasm memory`);
  assert.ok(core.x.sw_memory(h) <= 2560, `registration holds ${core.x.sw_memory(h)} bytes`);
  core.x.sw_reg_free(h);
});

test('parse tape at every output capacity: SIPREG_E_BUFFER or the whole tape, nothing past it', async () => {
  // the view writes a binding's members as one run after a single room check (core/view.h): a
  // run that does not fit must still give what word-by-word writes give, inside the buffer
  const { instance } = await WebAssembly.instantiate(bytes, { env: { emscripten_notify_memory_growth() {} } });
  const x = instance.exports;
  x._initialize();
  const inp = x.sw_malloc(65_536);
  const out = x.sw_malloc(65_536 + 1024);
  let tapes = 0;
  for (const v of messageVectors()) {
    if (v.bytes.length > 65_535) continue;
    new Uint8Array(x.memory.buffer, inp, v.bytes.length).set(v.bytes);
    const words = x.sw_parse(inp, v.bytes.length, out, 65_536);
    if (words < 0) continue;
    tapes++;
    const whole = new Uint32Array(x.memory.buffer, out, words).slice();
    const guard = words * 4 + 1024; // a run is at most 128 bytes
    for (let cap = 0; cap <= words * 4 + 8; cap += 4) {
      const mem = new Uint8Array(x.memory.buffer, out, guard);
      mem.fill(0xa5);
      const n = x.sw_parse(inp, v.bytes.length, out, cap);
      const past = mem.subarray(cap).findIndex((b) => b !== 0xa5);
      if (past !== -1) assert.fail(`${v.label}: capacity ${cap} bytes, written at ${cap + past}`);
      if (cap < words * 4) {
        if (n !== -4) assert.fail(`${v.label}: capacity ${cap} bytes gave ${n}, not SIPREG_E_BUFFER`);
        continue;
      }
      const got = new Uint32Array(x.memory.buffer, out, words);
      if (n !== words || got.some((w, i) => w !== whole[i])) assert.fail(`${v.label}: capacity ${cap}: another tape`);
    }
  }
  assert.ok(tapes > 50, `only ${tapes} vectors parsed`);
});

test('the parse-only module (sipreg/parse): the same import, only the parse exports, a size ceiling', () => {
  const parseBytes = readFileSync(need(`${ROOT}node/sipreg-parse.wasm`, 'parse-only wasm module'));
  const parseMod = new WebAssembly.Module(parseBytes);
  assert.deepEqual(WebAssembly.Module.imports(parseMod), WebAssembly.Module.imports(mod));
  const shim = WebAssembly.Module.exports(parseMod)
    .map((e) => e.name)
    .filter((n) => n.startsWith('sw_'))
    .sort();
  assert.deepEqual(shim, ['sw_errname', 'sw_free', 'sw_malloc', 'sw_parse', 'sw_strerror', 'sw_uri_equal', 'sw_version']);
  const gz = gzipSync(parseBytes, { level: 9 }).length;
  console.log(`# sipreg-parse.wasm: ${parseBytes.length} bytes, ${gz} gzipped`);
  // 16,124 when it was made (issue 15 cold start): the parser, the views' tape, URIs, emmalloc
  assert.ok(gz < 16_750, `parse-only wasm grew to ${gz} bytes gzipped`);
});

test('the parse-only module parses every message vector as the full one does', async () => {
  const light = await import(`${ROOT}node/lib/parse.mjs`);
  const { parse } = await import(`${ROOT}node/index.mjs`);
  const vectors = messageVectors();
  assert.ok(vectors.length > 100, `${vectors.length} vectors`);
  for (const v of vectors) assert.deepEqual(light.parse(new Uint8Array(v.bytes)), parse(new Uint8Array(v.bytes)), v.label);
});

test('the browser module (sipreg-web.wasm): the same import and exports, smaller, a size ceiling', () => {
  const webBytes = readFileSync(need(`${ROOT}node/sipreg-web.wasm`, 'browser wasm module'));
  assert.deepEqual(
    readFileSync(need(`${ROOT}web/sipreg-web.wasm`, 'the web package (wasm build)')),
    webBytes,
    'web/ and node/ carry the same file',
  );
  const webMod = new WebAssembly.Module(webBytes);
  assert.deepEqual(WebAssembly.Module.imports(webMod), WebAssembly.Module.imports(mod));
  const names = (m) =>
    WebAssembly.Module.exports(m)
      .map((e) => e.name)
      .sort();
  assert.deepEqual(names(webMod), names(mod), 'the glue finds every export it calls');
  const gz = gzipSync(webBytes, { level: 9 }).length;
  const full = gzipSync(bytes, { level: 9 }).length;
  console.log(`# sipreg-web.wasm: ${webBytes.length} bytes, ${gz} gzipped (${full - gz} less than sipreg.wasm)`);
  // 44,965 when it was made (1,279 below sipreg.wasm): STUN keep-alives and multicast discovery out
  assert.ok(gz < 45_250, `browser wasm grew to ${gz} bytes gzipped`);
  assert.ok(gz < full - 1000, `browser wasm ${gz} is not smaller than the full ${full}`);
});

test('the browser module refuses what it lacks with a clear error: discovery multicast, UDP keep-alives', async () => {
  const { loadCore } = await import(`${ROOT}node/lib/core.mjs`);
  const { core: full } = await import(`${ROOT}node/index.mjs`);
  const web = await loadCore(readFileSync(`${ROOT}node/sipreg-web.wasm`));
  const base = { aor: 'sip:alice@example.test', password: 'secret' };
  const contacts = [{ uri: 'sip:a@b.invalid;transport=ws' }];
  const rows = [
    [{ discovery: 'multicast' }, /^discovery multicast \(RFC 3261 §10\.2\.6\) is not in this build/],
    [{ transport: 'udp' }, /^keepalive auto or always over UDP \(STUN keep-alives, RFC 5626 §4\.4\.2\) is not in this build/],
    [{ transport: 'udp', keepalive: 'always' }, /over UDP .* is not in this build/],
  ];
  for (const [o, problem] of rows) {
    const cfg = web.buildConfig({ ...base, ...o }, contacts);
    assert.throws(
      () => web.newRegistration(cfg),
      (e) => web.configError(e, cfg).code === 'SIPREG_E_CONFIG' && problem.test(e.message.replace('SIPREG_E_CONFIG: ', '')),
      JSON.stringify(o),
    );
    web.freeConfig(cfg);
    const fcfg = full.buildConfig({ ...base, ...o }, contacts); // the full module takes it
    full.x.sw_reg_free(full.newRegistration(fcfg));
    full.freeConfig(fcfg);
  }
  // the same registration over WebSocket, or over UDP without keep-alives, is fine; the multicast
  // call and a switch to UDP with keep-alives are refused (SIPREG_E_NOT_BUILT: "not in this build")
  const cfg = web.buildConfig({ ...base, transport: 'udp', keepalive: 'never' }, contacts);
  const h = web.newRegistration(cfg);
  web.freeConfig(cfg);
  const refused = (e) => e.code === 'SIPREG_E_NOT_BUILT' && /not in this build/.test(e.message);
  assert.throws(() => web.setMulticast(h, '224.0.1.75', 1), refused);
  web.x.sw_reg_free(h);
  const ws = web.buildConfig(base, contacts);
  const h2 = web.newRegistration(ws);
  web.freeConfig(ws);
  web.setFlow(h2, 1, null, 0, 0); // WebSocket: taken
  assert.throws(() => web.setFlow(h2, 3, '192.0.2.1', 5060, 0), refused); // UDP, keepalive auto
  web.x.sw_reg_free(h2);
});
