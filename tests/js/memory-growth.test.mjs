// memory-growth.test.mjs — the wasm memory grows in steps of an eighth of its size (1 to 8 MiB),
// not by the one page an allocation lacks: thousands of registrations cost a handful of growths
// (each one costs the engine in proportion to the memory; one page at a time made a pool's add()
// quadratic), and a registration's bytes stay usable across them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need } from './helpers.mjs';

const { core } = await import(need(`${ROOT}node/index.mjs`, 'node package'));

test('3,000 registrations grow the memory a few times, in steps of at least 1 MiB', () => {
  const seed = new Uint8Array(32).fill(1);
  const handles = [];
  const sizes = [core.x.memory.buffer.byteLength];
  for (let i = 0; i < 3000; i++) {
    new DataView(seed.buffer).setUint32(0, i); // a seed each: Call-IDs differ
    const cfg = core.buildConfig({ transport: 'udp', aor: `sip:g${i}@example.test`, password: 'secret' }, [], seed);
    handles.push(core.newRegistration(cfg));
    core.freeConfig(cfg);
    const size = core.x.memory.buffer.byteLength;
    if (size !== sizes[sizes.length - 1]) sizes.push(size);
  }
  const grown = sizes.length - 1;
  // ~7 MB of registrations: one page at a time was ~100 growths
  assert.ok(grown >= 1 && grown <= 12, `memory grew ${grown} times (sizes ${sizes.slice(0, 4).join(', ')}, ...)`);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] - sizes[i - 1] >= 1024 * 1024, `a growth of ${sizes[i] - sizes[i - 1]} bytes`);
  // every registration is intact after the growths: its Call-ID (from its own seed) reads back, distinct
  const ids = new Set(handles.map((h) => core.callId(h)));
  assert.equal(ids.size, handles.length);
  for (const h of handles) core.freeRegistration(h);
});
