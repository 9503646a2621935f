// kamailio-requests.test.mjs — requests reach the registered flow: sipreg registers with a real
// Kamailio (the relay config: lookup("location") + t_relay) over WebSocket and over UDP, sipsak
// sends an OPTIONS and an INVITE to the AOR through Kamailio, and what comes back is sipreg's
// answer: 200 with Allow, Accept and Supported; 480 when nobody takes the INVITE; the app's 486
// when a listener responds. Ends with the registrar's own view (ul.dump): our one binding.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useRegistrar } from './helpers.mjs';

const ctx = useRegistrar();
const dir = mkdtempSync(join(tmpdir(), 'sipreg-kreq-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * sipsak through Kamailio's UDP port: its exit code and what it printed (-vv: every reply).
 * @param {string[]} args @returns {Promise<{code: number, out: string}>}
 */
function sipsak(args) {
  return new Promise((resolve, reject) => {
    execFile('sipsak', ['-vv', '-p', `127.0.0.1:${ctx.registrar.udpPort}`, ...args], { timeout: 15_000 }, (e, out, err) => {
      if (e && typeof e.code !== 'number') reject(new Error(`sipsak failed to run: ${e.message} ${err}`));
      else resolve({ code: e ? e.code : 0, out });
    });
  });
}

/** The last reply sipsak printed: { status, text } */
function lastReply(out) {
  const replies = out.split('message received:').slice(1);
  assert.ok(replies.length > 0, `sipsak printed no reply:\n${out}`);
  const text = replies.at(-1).trim();
  return { status: Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]), text };
}

/** An INVITE from a caller to `aor` (sipsak -f adds its own Via on top and sends it). */
function inviteFile(aor, n) {
  const file = join(dir, `invite-${n}.sip`);
  writeFileSync(
    file,
    `INVITE ${aor} SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKinv${n}\n` +
      `From: <sip:caller@127.0.0.1>;tag=c${n}\nTo: <${aor}>\nCall-ID: inv-${n}@127.0.0.1\nCSeq: 1 INVITE\n` +
      'Contact: <sip:caller@127.0.0.1:5099>\nMax-Forwards: 70\nContent-Length: 0\n\n',
  );
  return file;
}

// The two flows sipreg registers over; the AOR's domain is Kamailio's address (sipsak resolves it).
const FLOWS = [
  ['WebSocket', 'kr-ws', () => ({ server: ctx.registrar.wsUrl })],
  ['UDP', 'kr-udp', () => ({ server: `sip:127.0.0.1:${ctx.registrar.udpPort}`, registrar: 'sip:127.0.0.1' })],
];

for (const [flow, user, options] of FLOWS) {
  test(`over ${flow}: OPTIONS → 200 from sipreg, INVITE → 480, INVITE with a listener → its 486`, async () => {
    const aor = `sip:${user}@127.0.0.1`;
    const reg = await ctx.make(user, { aor, ...options() });
    const seen = [];
    reg.addEventListener('request', (e) => seen.push([e.detail.method, e.detail.answer]));
    await reg.register();
    const ours = reg.contact;
    assert.ok(ours, 'reg.contact');

    // OPTIONS to the AOR: Kamailio looks the binding up and relays over our flow (§11.2)
    const t0 = performance.now();
    const options200 = await sipsak(['-s', `sip:${user}@127.0.0.1:${ctx.registrar.udpPort}`]);
    const ms = performance.now() - t0;
    const ok = lastReply(options200.out);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(options200.code, 0);
    assert.match(ok.text, /\nAllow: OPTIONS\r?\n/);
    assert.match(ok.text, /\nAccept: application\/sdp\r?\n/);
    assert.match(ok.text, /\nSupported: path, gruu(, outbound)?\r?\n/);
    assert.match(ok.text, /\nTo: [^\n]*;tag=[0-9a-f]{16}/, 'our To tag');
    console.log(`# ${flow}: OPTIONS through Kamailio answered by sipreg in ${ms.toFixed(1)} ms (sipsak run included)`);

    // INVITE, nobody listens: the core's 480 (§21.4.18), Kamailio ACKs it hop by hop (§17.1.1.3)
    const busy = lastReply(
      (await sipsak(['-f', inviteFile(aor, `${user}-1`), '-s', aor.replace('127.0.0.1', `127.0.0.1:${ctx.registrar.udpPort}`)])).out,
    );
    assert.equal(busy.status, 480, busy.text);
    assert.match(busy.text, /\nCall-ID: inv-kr-(ws|udp)-1@127\.0\.0\.1\r?\n/);

    // INVITE with a listener that responds 486
    const take = (e) => {
      if (e.detail.method === 'INVITE') e.detail.respond(486);
    };
    reg.addEventListener('request', take);
    const b486 = lastReply(
      (await sipsak(['-f', inviteFile(aor, `${user}-2`), '-s', aor.replace('127.0.0.1', `127.0.0.1:${ctx.registrar.udpPort}`)])).out,
    );
    reg.removeEventListener('request', take);
    assert.equal(b486.status, 486, b486.text);
    assert.match(b486.text, /^SIP\/2\.0 486 Busy Here/);

    for (let i = 0; i < 50 && seen.filter(([m]) => m === 'ACK').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      seen,
      [
        ['OPTIONS', 200],
        ['INVITE', 480],
        ['ACK', 0],
        ['INVITE', 480],
        ['ACK', 0],
      ],
      "every request reached the flow (the ACKs of the failures too), each with the table's answer",
    );
    assert.equal(reg.state, 'registered');

    // the registrar's own view: exactly our binding, the contact the requests were relayed to
    const held = await ctx.held(user);
    assert.equal(held.length, 1, JSON.stringify(held));
    assert.equal(held[0].contact.replace(/^<|>$/g, '').split(';')[0], ours.uri.split(';')[0]);
  });
}

test('a pool over one WebSocket flow: each OPTIONS through Kamailio reaches the member whose AOR it names', async () => {
  const { RegistrationPool } = await import('../../node/index.mjs');
  const pool = new RegistrationPool({ server: ctx.registrar.wsUrl, rate: 1000 });
  try {
    const users = ['kp-a', 'kp-b', 'kp-c'];
    const regs = users.map((u) => pool.add({ aor: `sip:${u}@127.0.0.1`, auth: { password: 'secret' } }));
    const seen = [];
    pool.addEventListener('request', (e) => seen.push([e.detail.method, e.detail.registration?.aor ?? null]));
    const byMember = new Map(regs.map((r) => [r, 0]));
    for (const r of regs) r.addEventListener('request', () => byMember.set(r, byMember.get(r) + 1));
    const results = await pool.registerAll();
    assert.ok(
      results.every((r) => r.status === 'fulfilled'),
      JSON.stringify(results),
    );
    for (const u of [...users].reverse()) {
      const ok = lastReply((await sipsak(['-s', `sip:${u}@127.0.0.1:${ctx.registrar.udpPort}`])).out);
      assert.equal(ok.status, 200, ok.text);
    }
    assert.deepEqual([...byMember.values()], [1, 1, 1], 'each member got its own request');
    assert.deepEqual(
      seen,
      [...users].reverse().map((u) => ['OPTIONS', `sip:${u}@127.0.0.1`]),
    );
    // the registrar's view: one binding per AOR, all on the pool's one connection
    const held = (await ctx.registrar.dump()).filter((b) => b.aor.startsWith('kp-'));
    assert.equal(held.length, 3, JSON.stringify(held));
    assert.equal(new Set(held.map((b) => b.tcpConnId)).size, 1, 'one flow');
    for (const r of regs)
      assert.ok(
        held.some((b) => b.contact.includes(r.contact.user)),
        `${r.aor}'s contact is held`,
      );
  } finally {
    pool.close();
  }
});
