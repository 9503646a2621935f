// parity.test.mjs — native C and wasm give identical JSON for every shared vector, and the same
// §19.1.4 answers for every URI pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, messageVectors, native, need } from './helpers.mjs';

const { parse, uriEqual } = await import(need(`${ROOT}node/index.mjs`, 'node package'));

test('every message vector: native CLI JSON === wasm JSON (byte for byte)', async () => {
  const vectors = messageVectors();
  assert.ok(vectors.length > 200, `only ${vectors.length} vectors`);
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/sipreg-parity-');
  try {
    const files = vectors.map((v, i) => {
      const f = `${dir}/${i}.sip`;
      writeFileSync(f, v.bytes);
      return f;
    });
    const lines = native(['parse', ...files]).stdout.trimEnd().split('\n');
    assert.equal(lines.length, vectors.length);
    let ok = 0;
    vectors.forEach((v, i) => {
      const wasm = parse(new Uint8Array(v.bytes));
      assert.equal(wasm, lines[i], `${v.label} differs`);
      assert.doesNotThrow(() => JSON.parse(wasm), `${v.label}: not JSON`);
      if (JSON.parse(wasm).ok) ok++;
    });
    assert.ok(ok > 150, `only ${ok} vectors parsed`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('uri_equal vectors: wasm agrees with the table (the C test checks the same table)', () => {
  const unescape = (s) => s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const rows = readFileSync(`${ROOT}tests/vectors/uri_equal.txt`, 'latin1').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  assert.ok(rows.length > 100);
  for (const [want, a, b] of rows) {
    const A = unescape(a), B = unescape(b);
    if (want === 'error') {
      assert.throws(() => uriEqual(A, B), /SIPREG_E_/, `${a} vs ${b}`);
    } else {
      assert.equal(uriEqual(A, B), want === 'equal', `${a} vs ${b}`);
      assert.equal(uriEqual(B, A), want === 'equal', `${b} vs ${a} (symmetry)`);
    }
  }
});

test('native and wasm agree on uri-equal exit codes for the CLI rows', () => {
  const pairs = [['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp', 0],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com:5060', 1]];
  for (const [a, b, code] of pairs) {
    assert.equal(native(['uri-equal', a, b]).status, code);
    assert.equal(uriEqual(a, b), code === 0);
  }
});
