// transports-bad-input.test.mjs — hostile peers on the Node SIP transports (loopback servers made
// here): a TCP peer sending an endless header, a TLS port that never handshakes, a UDP peer
// answering with an oversized datagram and bytes that are not UTF-8. Each is a clear error, with
// bounded memory, and no crash; the peer's own record of what it got is asserted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { ROOT, need, answer } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const open = [];
after(() => {
  for (const c of open) c();
});
const QUIET = { retryBase: 600, retryMax: 1800 };

/** A loopback TCP server; returns its port. */
async function tcpServer(onConnection) {
  const srv = net.createServer(onConnection);
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  open.push(() => srv.close());
  return srv.address().port;
}

test('a TCP peer that sends an endless header: framing error after 64 KiB, the connection is closed, no crash', async () => {
  const peer = { requests: 0, written: 0, closed: 0 };
  const port = await tcpServer((sock) => {
    sock.on('error', () => {});
    sock.once('data', () => {
      peer.requests++;
      sock.write('SIP/2.0 200 OK\r\nX-Endless: ');
      const chunk = 'a'.repeat(16_384);
      const pump = () => {
        while (!sock.destroyed && peer.written < 10_000_000 && sock.write(chunk)) peer.written += chunk.length;
      };
      sock.on('drain', pump);
      pump();
    });
    sock.on('close', () => {
      peer.closed++;
    });
  });
  const reg = await sipreg.createRegistration({
    server: `sip:127.0.0.1:${port};transport=tcp`,
    registrar: 'sip:127.0.0.1',
    aor: 'sip:endless@example.test',
    auth: { password: 'secret' },
    policy: { ...QUIET, t1Ms: 100 },
  });
  open.push(() => reg.close());
  const errors = [];
  const downs = [];
  reg.addEventListener('error', (e) => errors.push(e.detail));
  reg.addEventListener('flowdown', (e) => downs.push(e.detail.cause));
  const t0 = performance.now();
  const err = await reg.register().catch((e) => e);
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(err.name, 'RegistrationError');
  assert.equal(downs[0].code, 'framing');
  assert.match(downs[0].message, /no end of the header section within 65536 bytes/);
  assert.ok(
    errors.some((d) => /65536/.test(d.reason)),
    JSON.stringify(errors),
  );
  for (let i = 0; i < 50 && peer.closed < peer.requests; i++) await new Promise((r) => setTimeout(r, 20));
  // the first REGISTER that lost its flow gets one immediate try on a new flow, then back-off
  assert.equal(peer.requests, 2, 'the peer got our REGISTER and its one quick retry');
  assert.equal(peer.closed, 2, 'we closed both connections');
  assert.equal(reg.state, 'backoff');
  assert.ok(peer.written < 10_000_000, `the peer stopped after ${peer.written} bytes`);
});

test('a TLS port that never handshakes: cause connect-timeout within connectTimeout', async () => {
  const peer = { connections: 0, bytes: 0 };
  const port = await tcpServer((sock) => {
    peer.connections++;
    sock.on('data', (d) => {
      peer.bytes += d.length;
    }); // a ClientHello, never answered
    sock.on('error', () => {});
  });
  const reg = await sipreg.createRegistration({
    server: `sips:127.0.0.1:${port}`,
    registrar: 'sip:127.0.0.1',
    aor: 'sip:silent@example.test',
    auth: { password: 'secret' },
    connectTimeout: 500,
    policy: QUIET,
  });
  open.push(() => reg.close());
  const t0 = performance.now();
  const err = await reg.register().catch((e) => e);
  const took = performance.now() - t0;
  assert.ok(took >= 450 && took < 2000, `${took.toFixed(0)} ms`);
  assert.equal(err.cause.code, 'connect-timeout');
  assert.equal(peer.connections, 1);
  assert.ok(peer.bytes > 0, 'the peer saw a TLS ClientHello, no SIP');
});

test('UDP: an oversized datagram and one that is not UTF-8 are dropped with error events; the real 200 still registers', async () => {
  const peer = dgram.createSocket('udp4');
  await new Promise((r) => peer.bind(0, '127.0.0.1', r));
  open.push(() => peer.close());
  const got = [];
  peer.on('message', (m, from) => {
    const req = m.toString();
    got.push(req);
    const contact = /^Contact: ([^;\r\n]+)/m.exec(req)[1];
    peer.send(Buffer.alloc(65_000, 0x7a), from.port, from.address); // 65,000 bytes of "zzz…"
    peer.send(Buffer.from([0x53, 0x49, 0x50, 0xff, 0xfe, 0x0d, 0x0a]), from.port, from.address);
    setTimeout(() => peer.send(answer(req, '200 OK', `Contact: ${contact};expires=600\r\n`), from.port, from.address), 20);
  });
  const reg = await sipreg.createRegistration({
    server: `sip:127.0.0.1:${peer.address().port}`,
    registrar: 'sip:127.0.0.1',
    aor: 'sip:noisy@example.test',
    auth: { password: 'secret' },
    outbound: false,
    policy: QUIET,
  });
  open.push(() => reg.close());
  const errors = [];
  reg.addEventListener('error', (e) => errors.push(e.detail));
  const d = await reg.register();
  assert.equal(d.info.state, 'registered');
  assert.ok(
    errors.some((e) => e.reason === 'message is not UTF-8 text'),
    JSON.stringify(errors),
  );
  assert.ok(
    errors.some((e) => e.code && e.text?.length === 65_000),
    'the 65,000-byte datagram reached the parser and was refused',
  );
  assert.equal(got.length, 1, 'one REGISTER: the junk did not disturb the transaction');
});
