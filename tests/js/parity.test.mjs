// parity.test.mjs — native C and wasm give identical JSON for every shared vector, and the same
// §19.1.4 answers for every URI pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, messageVectors, native, need } from './helpers.mjs';

const { parse, uriEqual } = await import(need(`${ROOT}node/index.mjs`, 'node package'));

test('every message vector: native CLI JSON === JSON.stringify(wasm view) (byte for byte)', async () => {
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
    const lines = native(['parse', ...files])
      .stdout.trimEnd()
      .split('\n');
    assert.equal(lines.length, vectors.length);
    let ok = 0;
    vectors.forEach((v, i) => {
      const view = parse(new Uint8Array(v.bytes));
      assert.equal(JSON.stringify(view), lines[i], `${v.label} differs`);
      // a JS string gives the same view (ASCII strings take the slicing path, others decode)
      const text = new TextDecoder().decode(v.bytes);
      if (Buffer.from(text).equals(Buffer.from(v.bytes))) assert.deepEqual(parse(text), view, `${v.label}: string input differs`);
      if (view.ok) ok++;
    });
    assert.ok(ok > 150, `only ${ok} vectors parsed`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('uri_equal vectors: wasm agrees with the table (the C test checks the same table)', () => {
  const unescape = (s) => s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const rows = readFileSync(`${ROOT}tests/vectors/uri_equal.txt`, 'latin1')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  assert.ok(rows.length > 100);
  for (const [want, a, b] of rows) {
    const A = unescape(a),
      B = unescape(b);
    if (want === 'error') {
      assert.throws(() => uriEqual(A, B), /SIPREG_E_/, `${a} vs ${b}`);
    } else {
      assert.equal(uriEqual(A, B), want === 'equal', `${a} vs ${b}`);
      assert.equal(uriEqual(B, A), want === 'equal', `${b} vs ${a} (symmetry)`);
    }
  }
});

test('native and wasm agree on uri-equal exit codes for the CLI rows', () => {
  const pairs = [
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp', 0],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com:5060', 1],
  ];
  for (const [a, b, code] of pairs) {
    assert.equal(native(['uri-equal', a, b]).status, code);
    assert.equal(uriEqual(a, b), code === 0);
  }
});

test('ill-formed UTF-8 and control bytes: the native JSON, the wasm view and TextDecoder agree', async () => {
  // [bytes in a reason phrase and a display name, the text a UTF-8 decoder with replacement gives]
  const rows = [
    [[0x41, 0xe2, 0x82, 0x42], 'A\ufffdB'], // truncated 3-byte sequence: one U+FFFD (maximal subpart)
    [[0xc0, 0xaf], '\ufffd\ufffd'], // overlong lead bytes are never valid: one each
    [[0xed, 0xa0, 0x80], '\ufffd\ufffd\ufffd'], // a UTF-16 surrogate
    [[0xf4, 0x90, 0x80, 0x80], '\ufffd\ufffd\ufffd\ufffd'], // above U+10FFFF
    [[0xf0, 0x9f, 0x98], '\ufffd'], // truncated 4-byte sequence at the end
    [[0xe0, 0x80, 0x80], '\ufffd\ufffd\ufffd'], // overlong 3-byte
    [[0xff, 0x41], '\ufffdA'],
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], '\u20ac\u{1f600}'], // well-formed
    [[0x09, 0x41], '\tA'], // HTAB: JSON's short escape on both sides
  ];
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/sipreg-utf8-');
  try {
    const files = rows.map(([bytes], i) => {
      const head = Buffer.from('SIP/2.0 486 ');
      const mid = Buffer.from('\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK1\r\nTo: "');
      const rest = Buffer.from('" <sip:a@b>;tag=1\r\nFrom: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n');
      const f = `${dir}/${i}.sip`;
      writeFileSync(f, Buffer.concat([head, Buffer.from(bytes), mid, Buffer.from(bytes.filter((b) => b !== 0x09)), rest]));
      return f;
    });
    const lines = native(['parse', ...files])
      .stdout.trimEnd()
      .split('\n');
    rows.forEach(([bytes, want], i) => {
      const raw = readFileSync(files[i]);
      const view = parse(new Uint8Array(raw));
      assert.equal(view.ok, true, `row ${i}: ${view.error}`);
      assert.equal(view.reason, want, `row ${i}: reason phrase`);
      assert.equal(view.reason, new TextDecoder().decode(new Uint8Array(bytes)), `row ${i}: TextDecoder`);
      assert.equal(view.to.display, new TextDecoder().decode(new Uint8Array(bytes.filter((b) => b !== 0x09))), `row ${i}: To display`);
      assert.equal(JSON.stringify(view), lines[i], `row ${i}: native JSON`);
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('To and From: {uri, display, tag, params}; a malformed one fails the message at its offset (RFC 4475 §3.1.2.6)', async () => {
  const head = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS h.invalid;branch=z9hG4bK1\r\nFrom: <sip:f@e.test>;tag=ff\r\n';
  const tail = '\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n\r\n';
  const party = (uri, display, tag, params = {}) => ({ uri, display, tag, params });
  // [To value (after "To: "), its view, or [error, offset of the error within the value]]
  const rows = [
    ['"a\\"b" <sip:x@y>;tag=1', party('sip:x@y', 'a\\"b', '1')], // quoted-pair kept as written (§25.1)
    ['sip:x@y;tag=2', party('sip:x@y', null, '2')], // addr-spec: the params are the header's (§20.10)
    ['<sip:x@y;tag=uri-param>;tag=header', party('sip:x@y;tag=uri-param', null, 'header')],
    ['Bob <sips:b@b.test>;x="q;v";lr;TAG=7', party('sips:b@b.test', 'Bob', '7', { x: 'q;v', lr: true })],
    ['"\u00e9l\u00e8ve" <sip:e@e.test>', party('sip:e@e.test', '\u00e9l\u00e8ve', null)],
    ['isbn:2983792873', party('isbn:2983792873', null, null)], // RFC 4475 §3.3.4
    ['"Mr. J. User <sip:j.user@example.com>', ['SIPREG_E_QUOTE', 0]], // RFC 4475 §3.1.2.6 quotbal
    ['"Alice" <sip:a@x', ['SIPREG_E_QUOTE', 8]], // no '>'
    ['"Alice"', ['SIPREG_E_HEADER_VALUE', 7]], // no URI
    ['<>', ['SIPREG_E_URI_SCHEME', 1]],
    ['Bell, Alexander <sip:a.g.bell@example.com>', ['SIPREG_E_URI_SCHEME', 0]], // RFC 4475 §3.1.2.15 (§3 form)
  ];
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/sipreg-party-');
  try {
    const texts = rows.map(([to]) => `${head}To: ${to}${tail}`);
    const files = texts.map((t, i) => {
      writeFileSync(`${dir}/${i}.sip`, t);
      return `${dir}/${i}.sip`;
    });
    const lines = native(['parse', ...files])
      .stdout.trimEnd()
      .split('\n');
    rows.forEach(([to, want], i) => {
      const view = parse(texts[i]);
      assert.equal(JSON.stringify(view), lines[i], `${to}: native JSON`);
      if (Array.isArray(want)) {
        const at = Buffer.byteLength(head) + 'To: '.length + want[1];
        assert.deepEqual([view.ok, view.error, view.offset], [false, want[0], at], to);
      } else {
        assert.equal(view.ok, true, `${to}: ${view.error}`);
        assert.deepEqual(view.to, want, to);
        assert.deepEqual(view.from, party('sip:f@e.test', null, 'ff'), to);
      }
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the sipreg/parse entry gives the same views and answers as the main entry', async () => {
  // the package's entry: the build's one-module copy of node/parse.mjs
  const pkg = JSON.parse(readFileSync(`${ROOT}node/package.json`, 'utf8'));
  assert.equal(pkg.exports['./parse'].import, './lib/parse.mjs');
  const light = await import(`${ROOT}node/lib/parse.mjs`);
  for (const v of messageVectors().slice(0, 40)) {
    assert.deepEqual(light.parse(new Uint8Array(v.bytes)), parse(new Uint8Array(v.bytes)), v.label);
  }
  assert.equal(light.uriEqual('sip:a@B.example;transport=TCP', 'sip:a@b.example;transport=tcp'), true);
  // each entry bundles its own copy of the loader: one SipregError for instanceof all the same
  const { SipregError } = await import(`${ROOT}node/index.mjs`);
  assert.throws(
    () => light.uriEqual('no scheme', 'sip:a@b.example'),
    (e) => e instanceof SipregError && e instanceof Error && e.code === 'SIPREG_E_URI_SCHEME',
  );
  assert.equal({ code: 'SIPREG_E_URI_SCHEME' } instanceof SipregError, false);
});
