// stream-framer.test.mjs — SIP framing on TCP/TLS streams (RFC 3261 §18.3; RFC 5626 §3.5.1
// pongs): a table of byte streams → messages, pongs or a framing error, each stream fed whole
// and split at every byte (the result must not depend on how the bytes arrive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT } from './helpers.mjs';

const { StreamFramer, FramingError } = await import(`${ROOT}node/stream-framer.mjs`);

const msg = (extra, body = '') => `SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\n${extra}\r\n${body}`;
const A = msg('Content-Length: 5\r\n', 'hello');
const B = msg('l: 0\r\n');
const C = msg('content-length \t:  3 \r\n', 'abc');

/** @type {Array<{name: string, input: string, out?: string[], error?: RegExp, limits?: object}>} */
const ROWS = [
  { name: 'one message with a body', input: A, out: [A] },
  { name: 'two messages in one chunk', input: A + B, out: [A, B] },
  { name: 'compact form l: (§7.3.3)', input: B, out: [B] },
  { name: 'odd spacing and case around the colon (HCOLON)', input: C, out: [C] },
  { name: 'a CRLF pong alone', input: '\r\n', out: ['\r\n'] },
  { name: 'a pong between two messages', input: `${A}\r\n${B}`, out: [A, '\r\n', B] },
  { name: 'each CRLF at a boundary is a pong; a lone LF is skipped', input: `\r\n\n\r\n${B}`, out: ['\r\n', '\r\n', B] },
  { name: 'a partial message waits', input: A.slice(0, -1), out: [] },
  {
    name: 'a body holding CRLFCRLF is counted, not searched',
    input: msg('Content-Length: 4\r\n', '\r\n\r\n') + B,
    out: [msg('Content-Length: 4\r\n', '\r\n\r\n'), B],
  },
  { name: 'no Content-Length on a stream', input: msg(''), error: /no Content-Length/ },
  { name: 'a Content-Length that is not a number', input: msg('Content-Length: 5x\r\n'), error: /not a number/ },
  { name: 'two different Content-Length values', input: msg('Content-Length: 0\r\nl: 2\r\n'), error: /two different/ },
  { name: 'Content-Length over the bound', input: msg('Content-Length: 70000\r\n'), error: /over 65536/ },
  { name: 'an endless header section', input: `SIP/2.0 200 OK\r\nX: ${'a'.repeat(70_000)}`, error: /within 65536/ },
  { name: 'a header section over a small bound', input: A, limits: { maxHeader: 20 }, error: /header section/ },
];

/** Feed `chunks`; the messages (as text), pongs, or the error thrown. */
function feed(chunks, limits) {
  const f = new StreamFramer(limits);
  const out = [];
  try {
    for (const c of chunks) for (const p of f.push(Buffer.from(c, 'latin1'))) out.push(typeof p === 'string' ? p : p.toString('latin1'));
  } catch (e) {
    assert.ok(e instanceof FramingError, `a FramingError, not ${e}`);
    assert.equal(e.code, 'framing');
    return { error: e, out, buffered: f.buffered };
  }
  return { out, buffered: f.buffered };
}

for (const row of ROWS) {
  test(`framer: ${row.name}`, () => {
    const splits = row.input.length > 2000 ? [[row.input]] : [[row.input], [...row.input], [row.input.slice(0, 7), row.input.slice(7)]];
    for (const chunks of splits) {
      const r = feed(chunks, row.limits);
      if (row.error) {
        assert.ok(r.error, `${chunks.length} chunks: expected ${row.error}, got ${JSON.stringify(r.out)}`);
        assert.match(r.error.message, row.error);
      } else {
        assert.equal(r.error, undefined, r.error?.message);
        assert.deepEqual(r.out, row.out, `${chunks.length} chunks`);
      }
    }
  });
}

test('framer: memory stays bounded under an endless header fed in 1 KiB chunks', () => {
  const f = new StreamFramer();
  const chunk = Buffer.alloc(1024, 0x61);
  let thrown = null;
  for (let i = 0; i < 200 && !thrown; i++) {
    try {
      f.push(chunk);
    } catch (e) {
      thrown = e;
    }
    assert.ok(f.buffered <= 65_536 + 1024, `${f.buffered} bytes held`);
  }
  assert.ok(thrown instanceof FramingError, 'the endless header is a framing error');
});
