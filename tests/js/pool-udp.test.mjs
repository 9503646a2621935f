// pool-udp.test.mjs — RegistrationPool over UDP (a sip: server): the members share the pool's UDP
// sockets, responses are routed by Call-ID, every AOR goes through Kamailio's 401 challenge. The
// registrar's own view (kamcmd ul.dump) is checked: every binding with its member's contact on
// the pool's sockets, then none after unregisterAll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, need, useRegistrar } from './helpers.mjs';
import { freeUdpPort } from '../registrar/registrar.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const ctx = useRegistrar();

/** @param {string} uri a contact as ul.dump prints it @returns {string} user@host:port */
const where = (uri) => /^<?sip:([^;>]+)/.exec(uri)?.[1] ?? uri;

test('200 AORs over two shared UDP sockets through the 401; ul.dump holds each contact; all removed', { timeout: 60_000 }, async () => {
  const N = 200;
  const server = `sip:127.0.0.1:${ctx.registrar.udpPort};transport=udp`;
  const pool = new sipreg.RegistrationPool({ server, flows: 2, rate: 1000 });
  try {
    for (let i = 0; i < N; i++) pool.add({ aor: `sip:pu${i}@example.test`, auth: { password: 'secret' } });
    const reg = await pool.registerAll();
    const failed = reg.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, String(failed[0]?.reason?.message));

    // two sockets, the members alternating between them; each member's contact is on its socket
    const sockets = new Set(pool.registrations.map((r) => `${r.flow.local.address}:${r.flow.local.port}`));
    assert.equal(sockets.size, 2, `members share 2 UDP sockets, found ${[...sockets]}`);
    const expected = new Map(
      pool.registrations.map((r, i) => {
        assert.equal(`${r.contact.host}:${r.contact.port}`, `${r.flow.local.address}:${r.flow.local.port}`);
        assert.equal(r.info.cseq, 2, 'one challenged REGISTER, one answered');
        return [`pu${i}@example.test`, `${r.contact.user}@${r.contact.host}:${r.contact.port}`];
      }),
    );

    const held = (await ctx.registrar.dump()).filter((b) => b.aor.startsWith('pu'));
    assert.equal(held.length, N, `ul.dump holds ${held.length} of ${N}`);
    for (const b of held) {
      assert.equal(where(b.contact), expected.get(b.aor), `${b.aor}: its member's contact`);
      assert.ok(b.socket.startsWith('udp:'), `${b.aor} came over UDP (${b.socket})`);
      assert.equal(b.cseq, 2, `${b.aor}: the REGISTER after the 401`);
    }
    assert.equal(new Set(held.map((b) => b.callId)).size, N, 'one Call-ID per member');

    const un = await pool.unregisterAll();
    assert.equal(un.filter((r) => r.status === 'fulfilled').length, N);
    assert.equal((await ctx.registrar.dump()).filter((b) => b.aor.startsWith('pu')).length, 0, 'no binding left');
  } finally {
    pool.close();
  }
});

test("a member added once the UDP flow is up registers from the flow's address, not a .invalid one", { timeout: 60_000 }, async () => {
  const server = `sip:127.0.0.1:${ctx.registrar.udpPort};transport=udp`;
  const pool = new sipreg.RegistrationPool({ server, rate: 1000 });
  try {
    const first = pool.add({ aor: 'sip:late0@example.test', auth: { password: 'secret' } });
    await first.register();
    const late = pool.add({ aor: 'sip:late1@example.test', auth: { password: 'secret' } });
    const sent = [];
    late.addEventListener('message', (e) => e.detail.direction === 'out' && sent.push(e.detail.text));
    await late.register();
    assert.ok(sent.length >= 1, 'the late member sent its REGISTER (the checks below read it)');
    const { address, port } = late.flow.local;
    assert.equal(`${late.contact.host}:${late.contact.port}`, `${address}:${port}`, 'its contact is on the socket');
    for (const text of sent) {
      assert.match(text, new RegExp(`^Via: SIP/2\\.0/UDP ${address}:${port};`, 'm'), 'Via sent-by: the socket (RFC 3261 §18.1.1)');
      assert.doesNotMatch(text, /\.invalid/, 'no placeholder address');
    }
    const held = (await ctx.registrar.dump()).filter((b) => b.aor.startsWith('late'));
    assert.deepEqual(held.map((b) => where(b.contact).replace(/^[^@]*@/, '')).sort(), [`${address}:${port}`, `${address}:${port}`]);
    await pool.unregisterAll();
    assert.equal((await ctx.registrar.dump()).filter((b) => b.aor.startsWith('late')).length, 0, 'no binding left');
  } finally {
    pool.close();
  }
});

test('bad sip: servers: a clear error naming the option, or every member rejected (no hang)', { timeout: 60_000 }, async () => {
  for (const server of ['sips:127.0.0.1', `sip:127.0.0.1:${ctx.registrar.udpPort};transport=tcp`, 'sip:a b', 'sip:127.0.0.1:70000']) {
    assert.throws(
      () => new sipreg.RegistrationPool({ server }),
      (e) => e.code === 'SIPREG_E_CONFIG' && e.option === 'server' && e.message.includes(server),
      server,
    );
  }
  // nothing listens there: the ICMP port unreachable ends every member's register()
  const pool = new sipreg.RegistrationPool({ server: `sip:127.0.0.1:${await freeUdpPort()}`, rate: 1000 });
  try {
    for (let i = 0; i < 20; i++) pool.add({ aor: `sip:pbad${i}@example.test`, auth: { password: 'secret' } });
    const reg = await pool.registerAll();
    assert.equal(reg.filter((r) => r.status === 'rejected').length, 20);
    for (const r of reg) assert.match(String(r.reason?.message), /ECONNREFUSED/);
  } finally {
    pool.close();
  }
  assert.equal((await ctx.registrar.dump()).filter((b) => b.aor.startsWith('pbad')).length, 0);
});
