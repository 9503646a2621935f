// stun.test.mjs — STUN keep-alives of an outbound registration over UDP (RFC 5626 §4.4.2, §8)
// through the Node glue, against a registrar of this test's own on a UDP socket: it answers the
// REGISTER with "Require: outbound" and "Flow-Timer: 1" and Binding requests (RFC 5389) with
// XOR-MAPPED-ADDRESS, or stops answering them, or names another mapped address (a NAT that
// rebooted). The bytes travel as bytes both ways (the flow hands a datagram that is no text to
// the core, the core marks its own as bytes); the glue knows nothing of STUN (checked last).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import { ROOT, need, answer, once, assertNoSip } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const open = [];
after(() => {
  for (const c of open) c();
});

const COOKIE = Buffer.from([0x21, 0x12, 0xa4, 0x42]);

/** A Binding success response (RFC 5389 §6, §15.2) to `req` naming address:port (IPv4). */
function bindingSuccess(req, address, port) {
  const a = Buffer.alloc(32);
  a.writeUInt16BE(0x0101, 0);
  a.writeUInt16BE(12, 2);
  req.copy(a, 4, 4, 20); // cookie and transaction ID
  a.writeUInt16BE(0x0020, 20);
  a.writeUInt16BE(8, 22);
  a.writeUInt16BE(1, 24);
  a.writeUInt16BE(port ^ 0x2112, 26);
  address.split('.').forEach((o, i) => (a[28 + i] = Number(o) ^ COOKIE[i]));
  return a;
}

/**
 * A UDP registrar: 200 OK with Require: outbound and Flow-Timer 1 to every REGISTER; Binding
 * requests answered per `mode` ('answer', 'silent', or 'remap': another port than the source's).
 */
async function fakeRegistrar() {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  open.push(() => sock.close());
  const srv = {
    port: sock.address().port,
    mode: 'answer',
    registers: [],
    stun: [],
    answered: 0,
    /** @param {Buffer} b @param {number} port */
    sendTo: (b, port) => sock.send(b, port, '127.0.0.1'),
  };
  sock.on('message', (m, from) => {
    if (m[0] < 4) {
      // a STUN message: a Binding request of 20 bytes with the magic cookie
      srv.stun.push({ at: Date.now(), from: from.port, bytes: m });
      if (srv.mode === 'silent') return;
      const port = srv.mode === 'remap' ? from.port ^ 1 : from.port;
      sock.send(bindingSuccess(m, from.address, port), from.port, from.address);
      srv.answered++;
      return;
    }
    const req = m.toString();
    if (!req.startsWith('REGISTER ')) return;
    srv.registers.push({ at: Date.now(), from: from.port });
    // the bindings it keeps: every Contact line but those removed (expires=0, a flow's old one)
    const contacts = [...req.matchAll(/^Contact: (.*)$/gm)].map((c) => c[1]).filter((c) => !/;expires=0\b/.test(c));
    const lines = contacts.map((c) => `Contact: ${c};expires=600\r\n`).join('');
    sock.send(answer(req, '200 OK', `Require: outbound\r\nFlow-Timer: 1\r\n${lines}`), from.port, from.address);
  });
  return srv;
}

/** A registration to `srv` over UDP with T1 = 50 ms (a Binding transaction fails 79 T1 = 3.95 s after its first send). */
async function make(srv, user) {
  const reg = await sipreg.createRegistration({
    server: `sip:127.0.0.1:${srv.port}`,
    registrar: 'sip:127.0.0.1',
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    policy: { t1Ms: 50, probe: 'none' },
  });
  open.push(() => reg.close());
  reg.log = { out: [], in: [], errors: [], failed: [] };
  reg.addEventListener('message', (e) => (e.detail.bytes ? reg.log[e.detail.direction].push(e.detail) : null));
  reg.addEventListener('error', (e) => reg.log.errors.push(e.detail));
  reg.addEventListener('flowfailed', (e) => reg.log.failed.push(e.detail));
  return reg;
}

/** A registration to a new fake registrar, registered, its first keep-alive answered. @param {string} user */
async function answered(user) {
  const srv = await fakeRegistrar();
  const reg = await make(srv, user);
  await reg.register();
  await until(() => srv.answered >= 1, 3000, 'a first answer');
  return { srv, reg };
}

/** Wait until cond() holds (at most ms). */
async function until(cond, ms, what) {
  for (const t0 = Date.now(); !cond();) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("Binding requests every U[0.8, 1] s of the Flow-Timer, answered; the mapped address is the flow's", { timeout: 15_000 }, async () => {
  const srv = await fakeRegistrar();
  const reg = await make(srv, 's1');
  const d = await reg.register();
  assert.equal(d.info.liveness, 'stun');
  assert.equal(d.info.keepaliveS, 1);
  await until(() => srv.answered >= 3, 6000, 'three answered keep-alives');
  const info = reg.info;
  const local = reg.flow.local;
  assert.equal(info.mapped, `127.0.0.1:${local.port}`);
  // each a 20-byte Binding request with a new transaction ID, from the registration's socket
  for (const s of srv.stun) {
    assert.equal(s.bytes.length, 20);
    assert.equal(s.bytes.readUInt16BE(0), 0x0001);
    assert.deepEqual([...s.bytes.subarray(4, 8)], [...COOKIE]);
    assert.equal(s.from, local.port);
  }
  assert.equal(new Set(srv.stun.map((s) => s.bytes.subarray(8).toString('hex'))).size, srv.stun.length);
  const gaps = srv.stun.slice(1).map((s, i) => s.at - srv.stun[i].at);
  assert.ok(
    gaps.every((g) => g >= 700 && g <= 2000),
    `gaps ${gaps}`,
  );
  // the message events carry the bytes as they went and came; nothing was refused
  assert.ok(reg.log.out.length >= 3 && reg.log.out.every((m) => m.bytes.length === 20));
  assert.ok(reg.log.in.length >= 3 && reg.log.in.every((m) => m.result === 'ok'));
  assert.deepEqual(reg.log.errors, []);
  assert.deepEqual(reg.log.failed, []);
  assert.equal(srv.registers.length, 1);
});

test('unanswered Binding requests: retransmitted, the flow fails after 79 T1, a new flow registers', { timeout: 20_000 }, async () => {
  const { srv, reg } = await answered('s2');
  const firstPort = reg.flow.local.port;
  srv.mode = 'silent';
  const silentFrom = srv.stun.length;
  const failed = once(reg, 'flowfailed', 10_000);
  const t0 = Date.now();
  const f = await failed;
  assert.equal(f.reason, 'flow');
  // the first unanswered request and its 6 retransmissions (RFC 5389 §7.2.1), one transaction ID
  const silent = srv.stun.slice(silentFrom);
  assert.equal(silent.length, 7, `${silent.length} requests`);
  assert.equal(new Set(silent.map((s) => s.bytes.toString('hex'))).size, 1);
  const took = silent.at(-1).at - silent[0].at;
  assert.ok(took >= 63 * 50 - 100 && took <= 63 * 50 + 1500, `last send ${took} ms after the first`);
  assert.ok(Date.now() - t0 <= 8000);
  // re-registered at once on a new flow (a new socket), which answers again
  srv.mode = 'answer';
  await until(() => srv.registers.length >= 2 && reg.state === 'registered', 5000, 'the new registration');
  assert.notEqual(srv.registers.at(-1).from, firstPort);
  await until(() => reg.info.mapped === `127.0.0.1:${srv.registers.at(-1).from}`, 3000, 'the new mapped address');
});

test('a new mapped address fails the flow (reason mapping, the new address in the text)', { timeout: 15_000 }, async () => {
  const { srv, reg } = await answered('s3');
  const port = reg.flow.local.port;
  srv.mode = 'remap';
  const f = await once(reg, 'flowfailed', 5000);
  assert.equal(f.reason, 'mapping');
  assert.equal(f.text, `127.0.0.1:${port ^ 1}`);
  srv.mode = 'answer';
  await until(() => srv.registers.length >= 2 && reg.state === 'registered', 5000, 'the new registration');
  assert.deepEqual(reg.log.errors, []);
});

test(
  'datagrams that are no text reach the core: unasked or broken STUN is an error event, a stale answer is dropped',
  { timeout: 10_000 },
  async () => {
    const { srv, reg } = await answered('s4');
    const to = reg.flow.local.port;
    // a Binding request (the client answers none), a truncated header, and an answer of a
    // transaction that is not open: from the registrar (a connected socket hears only it)
    const request = Buffer.concat([Buffer.from('000100002112a442', 'hex'), Buffer.alloc(12, 7)]);
    srv.sendTo(request, to);
    srv.sendTo(Buffer.from('0101000c2112', 'hex'), to);
    srv.sendTo(bindingSuccess(request, '127.0.0.1', to), to);
    await until(() => reg.log.in.filter((m) => m.result !== 'ok').length >= 3, 3000, 'the three datagrams');
    const results = reg.log.in.filter((m) => m.result !== 'ok').map((m) => m.result);
    assert.deepEqual(results, ['SIPREG_E_STUN_UNEXPECTED', 'SIPREG_E_STUN_HEADER', 'stale']);
    assert.deepEqual(
      reg.log.errors.map((e) => e.code),
      ['SIPREG_E_STUN_UNEXPECTED', 'SIPREG_E_STUN_HEADER'],
    );
    assert.ok(reg.log.errors.every((e) => e.bytes instanceof Uint8Array && e.message.length > 0));
    // the keep-alive goes on
    const n = srv.answered;
    await until(() => srv.answered > n, 3000, 'the next answered keep-alive');
    assert.equal(reg.state, 'registered');
    assert.deepEqual(reg.log.failed, []);
  },
);

test(
  "a pool over UDP: one member (the flow's keeper) sends the keep-alives of the shared socket, and hears their answers",
  { timeout: 15_000 },
  async () => {
    const srv = await fakeRegistrar();
    const pool = new sipreg.RegistrationPool({ server: `sip:127.0.0.1:${srv.port}`, rate: 1000 });
    open.push(() => pool.close());
    const regs = [0, 1, 2].map((i) =>
      pool.add({ aor: `sip:p${i}@example.test`, auth: { password: 'secret' }, policy: { t1Ms: 50, probe: 'none' } }),
    );
    const failed = [];
    for (const r of regs) r.addEventListener('flowfailed', (e) => failed.push(e.detail));
    const all = await pool.registerAll();
    assert.ok(all.every((r) => r.status === 'fulfilled'));
    assert.deepEqual(
      regs.map((r) => r.info.liveness),
      ['stun', 'none', 'none'],
    );
    const t0 = Date.now();
    await until(() => srv.answered >= 4, 8000, 'four answered keep-alives');
    // RFC 5626 §4.4: keep-alives per flow (one socket), not per registration: about one a second
    const perSecond = srv.stun.length / ((Date.now() - t0) / 1000 + 1);
    assert.ok(perSecond <= 1.6, `${srv.stun.length} Binding requests`);
    assert.equal(new Set(srv.stun.map((x) => x.from)).size, 1, 'all from the shared socket');
    assert.equal(regs[0].info.mapped, `127.0.0.1:${srv.stun[0].from}`);
    assert.deepEqual(failed, []);
    assert.equal(srv.registers.length, 3);
  },
);

test('the glue holds no STUN knowledge: no cookie, attribute or method names in its code', () => {
  const STUN_WORDS = /2112a442|0x2112|XOR-MAPPED|MAPPED-ADDRESS|\bBinding\b|\bstun\b|\bSTUN\b|FINGERPRINT/;
  const files = [
    ...readdirSync(`${ROOT}bindings/js/`)
      .filter((n) => n.endsWith('.mjs'))
      .map((n) => `${ROOT}bindings/js/${n}`),
    `${ROOT}node/udp-flow.mjs`,
    `${ROOT}node/socket-flow.mjs`,
    `${ROOT}node/flows.mjs`,
  ];
  for (const file of files) assertNoSip(file, file, STUN_WORDS);
});
