// websocket.test.mjs — the Node 20 WebSocket client (node/websocket.mjs) against servers on
// 127.0.0.1: a well-behaved one (the `ws` package's server) and a raw one that sends exactly the
// bytes a row of the table gives (RFC 6455 framing violations, fragments, control frames).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { ROOT } from './helpers.mjs';

const { NodeWebSocket } = await import(`${ROOT}node/websocket.mjs`);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** An unmasked server frame. */
function frame(op, payload, { fin = true, rsv = 0, mask = false, len } = {}) {
  const p = Buffer.from(payload);
  const n = len ?? p.length;
  const head =
    n < 126 ? [n] : n < 65536 ? [126, n >> 8, n & 255] : [127, 0, 0, 0, 0, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  head[0] |= mask ? 128 : 0;
  return Buffer.concat([Buffer.from([(fin ? 128 : 0) | rsv | op, ...head]), mask ? Buffer.alloc(4) : Buffer.alloc(0), p]);
}

/**
 * A raw server: answers the handshake (or `handshake(key)` instead), then writes `bytes`; records
 * what the client sends. Resolves with the client's events once it reports close.
 */
async function exchange({ bytes = [], handshake, protocols = ['sip'], until = Infinity, waitMs = 3000 } = {}) {
  const received = [];
  const conns = [];
  const server = net.createServer((sock) => {
    conns.push(sock);
    let head = '';
    sock.on('data', (d) => {
      if (head.includes('\r\n\r\n')) {
        received.push(d);
        return;
      }
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key: *(\S+)/i.exec(head)[1];
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      sock.write(
        handshake
          ? handshake(key, accept)
          : `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: sip\r\n\r\n`,
      );
      for (const b of bytes) sock.write(b);
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const events = [];
  const ws = new NodeWebSocket(`ws://127.0.0.1:${server.address().port}/`, protocols, { closeTimeout: 200 });
  const done = new Promise((resolve) => {
    const push = (e) => {
      events.push(e);
      if (events.length >= until) setTimeout(resolve, 50);
    };
    ws.onopen = () => push(['open', ws.protocol]);
    ws.onmessage = (e) => push(['message', typeof e.data === 'string' ? e.data : `binary:${Buffer.from(e.data).toString('hex')}`]);
    ws.onclose = (e) => {
      events.push(['close', e.code]);
      setTimeout(resolve, 20);
    };
    setTimeout(resolve, waitMs);
  });
  await done;
  ws.onclose = null;
  ws.terminate();
  for (const c of conns) c.destroy();
  await new Promise((r) => server.close(r));
  return { events, sent: Buffer.concat(received) };
}

/** The frames the client sent, unmasked: [[op, payload text], ...]. */
function clientFrames(b) {
  const out = [];
  for (let at = 0; at + 2 <= b.length;) {
    let len = b[at + 1] & 127,
      head = 2;
    if (len === 126) {
      len = b.readUInt16BE(at + 2);
      head = 4;
    }
    assert.ok(b[at + 1] & 128, 'client frames are masked (RFC 6455 §5.3)');
    const mask = b.subarray(at + head, at + head + 4);
    const p = Buffer.from(b.subarray(at + head + 4, at + head + 4 + len)).map((x, i) => x ^ mask[i & 3]);
    out.push([b[at] & 15, p]);
    at += head + 4 + len;
  }
  return out;
}

const rows = [
  // [what, server bytes, the events the client reports, the close code it sends (or null),
  //  the pong payloads it sends (default: none)]
  [
    'a text message',
    [frame(1, 'REGISTER')],
    [
      ['open', 'sip'],
      ['message', 'REGISTER'],
    ],
    null,
  ],
  [
    'a message in three fragments',
    [frame(1, 'SIP/', { fin: false }), frame(0, '2.0 200', { fin: false }), frame(0, ' OK')],
    [
      ['open', 'sip'],
      ['message', 'SIP/2.0 200 OK'],
    ],
    null,
  ],
  [
    'a ping between fragments is answered, the message still whole',
    [frame(1, 'a', { fin: false }), frame(9, 'p!'), frame(0, 'b')],
    [
      ['open', 'sip'],
      ['message', 'ab'],
    ],
    null,
    ['p!'],
  ],
  [
    'a binary message',
    [frame(2, Buffer.from([0, 1, 255]))],
    [
      ['open', 'sip'],
      ['message', 'binary:0001ff'],
    ],
    null,
  ],
  [
    'a 70,000-byte message (64-bit length)',
    [frame(1, 'x'.repeat(70000))],
    [
      ['open', 'sip'],
      ['message', 'x'.repeat(70000)],
    ],
    null,
  ],
  [
    'the server closes with 1001',
    [frame(8, Buffer.from([3, 233]))],
    [
      ['open', 'sip'],
      ['close', 1001],
    ],
    1001,
  ],
  [
    'a masked server frame',
    [frame(1, 'x', { mask: true })],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'reserved bits without an extension',
    [frame(1, 'x', { rsv: 0x40 })],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'an unknown opcode',
    [frame(3, 'x')],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'a fragmented ping',
    [frame(9, 'x', { fin: false })],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'a continuation with no message',
    [frame(0, 'x')],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'a new message inside a fragmented one',
    [frame(1, 'a', { fin: false }), frame(1, 'b')],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'a text message that is not UTF-8',
    [frame(1, Buffer.from([0xc3, 0x28]))],
    [
      ['open', 'sip'],
      ['close', 1007],
    ],
    1007,
  ],
  [
    'a message above the limit (2 MiB announced)',
    [frame(1, '', { len: 2 << 20 })],
    [
      ['open', 'sip'],
      ['close', 1009],
    ],
    1009,
  ],
  [
    'a close frame of one byte',
    [frame(8, Buffer.from([3]))],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
  [
    'a close code no frame may carry (1006)',
    [frame(8, Buffer.from([3, 238]))],
    [
      ['open', 'sip'],
      ['close', 1002],
    ],
    1002,
  ],
];

for (const [what, bytes, want, closeCode, pongs = []] of rows) {
  test(`client: ${what}`, async () => {
    const { events, sent } = await exchange({ bytes, until: want.length });
    assert.deepEqual(events, want);
    const frames = clientFrames(sent);
    const close = frames.find(([op]) => op === 8);
    if (closeCode === null) assert.equal(close, undefined, 'no close frame sent');
    else assert.equal(close?.[1].readUInt16BE(0), closeCode);
    assert.deepEqual(
      frames.filter(([op]) => op === 10).map(([, p]) => p.toString()),
      pongs,
    );
  });
}

test('client: a bad opening handshake never opens and reports 1002', async () => {
  const answers = [
    () => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n',
    () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n',
    (k, a) =>
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n`,
    (k, a) =>
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n`,
    (k, a) => `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
  ];
  for (const handshake of answers) {
    const { events } = await exchange({ handshake });
    assert.deepEqual(events, [['close', 1002]], handshake('k', 'a').split('\r\n')[0]);
  }
});

test('client: nothing listening gives close 1006 with an error', async () => {
  const port = await new Promise((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
  const ws = new NodeWebSocket(`ws://127.0.0.1:${port}/`, ['sip']);
  const got = await new Promise((resolve) => {
    let error = '';
    ws.onerror = (e) => {
      error = e.message;
    };
    ws.onclose = (e) => resolve({ code: e.code, error });
  });
  assert.equal(got.code, 1006);
  assert.match(got.error, /ECONNREFUSED/);
});

test('client with the ws server: subprotocol, both directions, one write per task, clean close', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  await new Promise((r) => wss.once('listening', r));
  const seen = [];
  let closeCode = 0;
  wss.on('connection', (s) => {
    s.on('message', (d, binary) => {
      seen.push(binary ? 'binary' : d.toString());
      if (seen.length === 3) s.send('pong from server');
    });
    s.on('close', (code) => {
      closeCode = code;
    });
  });
  const ws = new NodeWebSocket(`ws://127.0.0.1:${wss.address().port}/`, ['sip']);
  let writes = 0;
  const got = await new Promise((resolve) => {
    ws.onopen = () => {
      const write = ws.socket.write.bind(ws.socket);
      ws.socket.write = (...a) => {
        writes++;
        return write(...a);
      };
      ws.send('one');
      ws.send('two');
      ws.send('three €'); // one task: one write
    };
    ws.onmessage = (e) => {
      ws.close(1000, 'bye');
      resolve(e.data);
    };
  });
  await new Promise((r) => {
    ws.onclose = (e) => r(e);
  });
  assert.equal(ws.protocol, 'sip');
  assert.equal(got, 'pong from server');
  assert.deepEqual(seen, ['one', 'two', 'three €']);
  assert.equal(writes, 2, 'three frames in one write, then the close frame');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closeCode, 1000);
  await new Promise((r) => wss.close(r));
});

test('client: 150 random frame streams (seeded) never throw; each ends open or closed with a protocol code', async () => {
  let seed = 0x5eed;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;
  const codes = new Set([1000, 1001, 1002, 1005, 1006, 1007, 1009]);
  for (let i = 0; i < 150; i++) {
    // half well-formed frames with random fields, half raw noise
    const bytes = [];
    for (let k = 0, n = 1 + Math.floor(rand() * 4); k < n; k++) {
      if (rand() < 0.5) {
        const payload = Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
        bytes.push(frame(Math.floor(rand() * 16), payload, { fin: rand() < 0.7, rsv: rand() < 0.1 ? 0x40 : 0, mask: rand() < 0.1 }));
      } else {
        bytes.push(Buffer.from(Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * 256))));
      }
    }
    const { events } = await exchange({ bytes, waitMs: 150 });
    assert.deepEqual(events[0], ['open', 'sip'], `case ${i}`);
    const close = events.find(([t]) => t === 'close');
    if (close) assert.ok(codes.has(close[1]) || (close[1] >= 3000 && close[1] <= 4999), `case ${i}: close code ${close[1]}`);
  }
});

test('client masking: every length 0..80 and two long messages reach the ws server intact', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  await new Promise((r) => wss.once('listening', r));
  const texts = [
    ...Array.from({ length: 81 }, (_, n) => 'abcdefghijklmnopqrstuvwxyz€'.repeat(4).slice(0, n)),
    'x'.repeat(1001),
    'SIP/2.0 '.repeat(9000),
  ];
  const seen = [];
  const all = new Promise((resolve) =>
    wss.on('connection', (s) =>
      s.on('message', (d) => {
        seen.push(d.toString());
        if (seen.length === texts.length) resolve();
      }),
    ),
  );
  const ws = new NodeWebSocket(`ws://127.0.0.1:${wss.address().port}/`, ['sip']);
  await new Promise((r) => {
    ws.onopen = r;
  });
  for (const t of texts) ws.send(t);
  await all;
  assert.deepEqual(seen, texts);
  ws.terminate();
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
});
