// multicast.test.mjs — registration by multicast (RFC 3261 §10.2.6) against a real Kamailio on
// the group 224.0.1.75, inside a network namespace of the test's own (`unshare -n`: only `lo`,
// up, with a multicast route; nothing can leave it). The scenario runs in tests/js/mcast/
// netns-run.mjs, which prints what it saw as JSON; the assertions are here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ROOT, need } from './helpers.mjs';
import { onlyLoopback, startRegistrar } from '../registrar/registrar.mjs';

need(`${ROOT}node/sipreg.wasm`, 'node package wasm');

/** @param {string} [script] in tests/js/mcast/ @returns {Promise<any>} its JSON result */
function runInNamespace(script = 'netns-run.mjs') {
  return new Promise((resolve, reject) => {
    execFile(
      'unshare',
      ['-n', '--', process.execPath, `${ROOT}tests/js/mcast/${script}`],
      { timeout: 60000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`netns-run failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`netns-run printed no JSON: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

test('safety: this namespace has other links, and the harness refuses a multicast registrar here', async () => {
  assert.equal(onlyLoopback(), false, 'the tests run in a namespace with a real link');
  await assert.rejects(startRegistrar({ multicast: true }), /only inside a network namespace/);
});

test('multicast registration: the group, the registrar that answers, refreshes unicast; a listener that never sends', async (t) => {
  const r = await runInNamespace();
  assert.equal(r.ok, true, `${r.error}\n${r.log ?? ''}`);
  const registrar = `${r.registrar.address}:${r.registrar.port}`;
  const aor = (user) => `sip:${user}@example.test`;

  await t.test('§10.2.6: the first REGISTER goes to 224.0.1.75, and only that one', () => {
    const fromA = r.group.filter((d) => d.to === aor('alice'));
    assert.ok(fromA.length >= 1, 'the group heard alice');
    assert.deepEqual([...new Set(fromA.map((d) => d.cseq))], [1], 'only CSeq 1 (and its Timer E copies) went to the group');
    assert.ok(fromA.every((d) => d.from === `${r.a.local.address}:${r.a.local.port}` && d.line === 'REGISTER sip:sip.mcast.net SIP/2.0'));
    assert.deepEqual(
      r.a.sent.map((m) => m.cseq),
      [1, 2, 3, 4],
      'challenged, answered, refreshed, unregistered',
    );
  });

  await t.test('the registrar that answered is adopted: its unicast address', () => {
    assert.deepEqual(r.a.target, {
      transport: 'udp',
      host: r.registrar.address,
      port: r.registrar.port,
      address: r.registrar.address,
      source: 'responder',
    });
  });

  await t.test("the credentials and the refresh reach the unicast socket (Kamailio's own table)", () => {
    const held = r.heldAfterRefresh.filter((b) => b.aor === 'alice@example.test');
    assert.equal(held.length, 1);
    assert.equal(held[0].cseq, 3, 'the refresh (CSeq 3) was applied');
    assert.equal(held[0].socket, `udp:${registrar}`, 'received on the unicast socket, not udp:224.0.1.75');
    assert.equal(held[0].callId, r.group.find((d) => d.to === aor('alice')).callId);
    assert.deepEqual(r.a.ours, [held[0].contact]);
    assert.equal(r.a.granted, 120);
  });

  await t.test("Via/Contact carry the flow's local address (§18.1.1 sent-by, RFC 3581 rport); maddr and ttl only towards the group", () => {
    const local = `${r.a.local.address.replaceAll('.', '\\.')}:${r.a.local.port}`;
    const contact = r.heldAfterRefresh.find((b) => b.aor === 'alice@example.test').contact;
    assert.match(contact, new RegExp(`^sip:[^@]+@${local}$`));
    // §18.1.1: a request sent to a multicast address MUST name it in maddr (and ttl=1 for IPv4);
    // CSeq 1 went to the group, everything after the registrar answered goes to it alone
    for (const m of r.a.sent) {
      const group = m.cseq === 1 ? ';maddr=224\\.0\\.1\\.75;ttl=1' : '';
      assert.match(m.via, new RegExp(`^SIP/2\\.0/UDP ${local};rport${group};branch=z9hG4bK`), `CSeq ${m.cseq}`);
    }
    assert.ok(r.a.sent.some((m) => m.cseq === 1) && r.a.sent.some((m) => m.cseq > 1));
  });

  await t.test('a second client: registered through the group too', () => {
    assert.equal(r.b.target.source, 'responder');
    assert.deepEqual([r.b.target.address, r.b.target.port], [r.registrar.address, r.registrar.port]);
    assert.equal(r.b.cseq, 2);
    const held = r.held.filter((b) => b.aor === 'bob@example.test');
    assert.deepEqual(
      held.map((b) => [b.contact, b.socket]),
      [[r.b.ours[0], `udp:${registrar}`]],
    );
  });

  const users = (events) => events.filter((e) => ['alice', 'bob'].some((u) => e.aor === aor(u)));
  // 5 REGISTERs applied; the rest of what the group heard is noise, an OPTIONS and any Timer E
  // copy of a first REGISTER (same Call-ID and CSeq: not applied twice, §10.3 step 7)
  const stats = { datagrams: r.group.length, registers: 5, ignored: r.group.length - 5, dropped: 0 };

  await t.test("listenMulticast() reports both users' bindings as they asked for them", () => {
    const want = (user, who) => ({
      aor: aor(user),
      contact: who.ours[0],
      q: null,
      expires: 120,
      cseq: 1,
      source: { address: who.local.address, port: who.local.port },
      change: 'added',
    });
    const got = users(r.listener.events).map(({ aor: a, contact, q, expires, cseq, source, change }) => ({
      aor: a,
      contact,
      q,
      expires,
      cseq,
      source,
      change,
    }));
    assert.deepEqual(got, [want('alice', r.a), want('bob', r.b)]);
    assert.deepEqual(
      r.listener.bindings.map((b) => b.aor),
      [aor('alice'), aor('bob')],
      'what is left at the end',
    );
    assert.ok(
      r.listener.bindings.every((b) => b.expires > 100 && b.expires <= 120),
      'counting down from 120',
    );
  });

  await t.test('the listener drops a binding when it runs out or is unregistered; it ignores what is not a REGISTER', () => {
    const raw = `sip:%s@${r.raw.address}:${r.raw.port}`;
    const others = r.listener.events
      .filter((e) => !users([e]).length)
      .map((e) => [e.type, e.aor, e.contact, e.q, e.expires, e.reason ?? e.change]);
    assert.deepEqual(others, [
      ['binding', aor('dave'), raw.replace('%s', 'dave'), null, 1, 'added'],
      ['binding', aor('erin'), raw.replace('%s', 'erin'), 0.3, 90, 'added'],
      ['expired', aor('erin'), raw.replace('%s', 'erin'), 0.3, 0, 'unregistered'],
      ['expired', aor('dave'), raw.replace('%s', 'dave'), null, 0, 'expired'],
    ]);
    assert.deepEqual(r.listener.stats, stats, 'noise, an OPTIONS (and Timer E copies) ignored');
    assert.ok(stats.ignored >= 2);
  });

  await t.test('`sipreg listen --json` reports the same and sends nothing (strace: no send calls)', () => {
    const bound = r.cli.binds.filter((l) => l.includes(`htons(${r.registrar.port})`) && l.includes('224.0.1.75'));
    assert.equal(bound.length, 1, `strace saw the listener bind the group: ${r.cli.binds}`);
    assert.deepEqual(r.cli.sends, [], 'no sendto/sendmsg/sendmmsg at all');
    assert.deepEqual(r.cli.exit, { code: 0, sig: null });
    const ev = r.cli.events;
    assert.deepEqual(ev[0], { event: 'listening', group: '224.0.1.75', port: r.registrar.port });
    assert.deepEqual(
      ev.slice(1, -1).map((e) => [e.event, e.aor, e.contact, e.expires, e.reason ?? e.change]),
      r.listener.events.map((e) => [e.type, e.aor, e.contact, e.expires, e.reason ?? e.change]),
    );
    assert.deepEqual(ev.at(-1), { event: 'closed', stats });
  });

  await t.test("the group heard the clients' first REGISTERs and the raw datagrams, nothing else", () => {
    const clients = new Set([`${r.a.local.address}:${r.a.local.port}`, `${r.b.local.address}:${r.b.local.port}`]);
    const raw = `${r.raw.address}:${r.raw.port}`;
    assert.ok(
      r.group.every((d) => (clients.has(d.from) && d.cseq === 1) || d.from === raw),
      JSON.stringify(r.group),
    );
    assert.equal(r.group.filter((d) => d.from === raw).length, 5);
  });

  await t.test('the unregister went unicast; the registrar holds bob only', () => {
    assert.deepEqual(
      r.heldAtEnd.map((b) => b.aor),
      ['bob@example.test'],
    );
  });

  await t.test("CLI --discovery multicast: `bindings` lists bob's binding, `unregister --all` removes it", () => {
    assert.equal(r.cliBindings.code, 0, r.cliBindings.stderr);
    assert.match(r.cliBindings.stdout, new RegExp(`^flow: udp 224\\.0\\.1\\.75:${r.registrar.port} from 127\\.0\\.0\\.1:\\d+\n`));
    assert.ok(r.cliBindings.stdout.includes(r.b.ours[0]), r.cliBindings.stdout);
    assert.equal(r.cliUnregister.code, 0, r.cliUnregister.stderr);
    assert.match(r.cliUnregister.stdout, /^\{"event":"unregistered","all":true,"line":"all bindings removed"\}$/m); // --json: JSON lines
    assert.deepEqual(r.heldFinal, []);
  });

  await t.test('CLI `register --discovery multicast`: names the registrar that answered; SIGINT unregisters there', () => {
    const c = r.cliRegister;
    const responder = c.events.find((e) => e.event === 'responder');
    assert.deepEqual(
      responder?.target,
      { transport: 'udp', host: r.registrar.address, port: r.registrar.port, address: r.registrar.address, source: 'responder' },
      c.out,
    );
    assert.equal(responder.line, `registrar: udp ${registrar} (answered on the multicast group)`);
    assert.deepEqual(
      c.held.map((b) => [b.cseq, b.socket]),
      [[2, `udp:${registrar}`]],
    );
    assert.equal(c.exit, 0);
    assert.match(c.out, /^\{"event":"unregistered","all":false,"line":"unregistered"\}$/m); // --json: JSON lines
    assert.deepEqual(r.heldAfterCarol, []);
  });

  await t.test("the CLI runs: only each process's first REGISTER reached the group; the listener heard them", () => {
    assert.deepEqual(
      r.cliGroup.map((d) => [d.cseq, d.to]),
      [
        [1, aor('bob')],
        [1, aor('bob')],
        [1, aor('carol')],
      ],
    );
    assert.deepEqual(
      r.listener.afterCli.map((e) => [e.type, e.aor, e.reason ?? e.change]),
      [
        ['expired', aor('bob'), 'unregistered'],
        ['binding', aor('carol'), 'added'],
      ],
      'the "*" for bob; carol\'s binding',
    );
    assert.equal(r.listener.afterCli[0].contact, r.b.ours[0]);
  });
});

test('MulticastFlow: the first responder is adopted, strangers are not heard, fail() asks the group again; nobody on the group → Timer F', async (t) => {
  const r = await runInNamespace('netns-flow.mjs');
  assert.equal(r.ok, true, r.error);
  const local = `${r.local.address}:${r.local.port}`;
  const [r1, r2] = r.responders;

  await t.test('until a responder is known the target is the group; nothing is sent before up', () => {
    assert.deepEqual(r.initialTarget, {
      transport: 'udp',
      host: '224.0.1.75',
      port: r.initialTarget.port,
      address: '224.0.1.75',
      source: 'multicast',
    });
    assert.equal(r.sentBeforeUp, false);
  });

  await t.test('a response to nothing we asked (another branch) is delivered but not adopted', () => {
    assert.deepEqual(r.afterStray.texts, ['SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-stray\r\n\r\n']);
    assert.equal(r.afterStray.target.source, 'multicast');
  });

  await t.test('§17.1.3: the first answer with our branch counts; the later one from another server is dropped', () => {
    assert.deepEqual(r.afterAnswers.texts.slice(1), [
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-1\r\nX-Responder: r1\r\n\r\n',
    ]);
    assert.deepEqual(r.afterAnswers.responder, { address: '127.0.0.1', port: r1.port });
    assert.equal(r.afterAnswers.target.source, 'responder');
  });

  await t.test('after adoption: sends go unicast to it alone; a stranger and non-UTF-8 are not delivered, a request from it is', () => {
    assert.deepEqual(r.afterStrays.heard, [[r.req[1]], []]);
    assert.deepEqual(r.afterStrays.texts, ['OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n\r\n']);
    assert.deepEqual(
      r.events.filter((e) => e.type === 'error').map((e) => e.detail.reason),
      [`datagram from 127.0.0.1:${r1.port} is not UTF-8 text`],
    );
    assert.ok(r2.port !== r1.port);
  });

  await t.test("the group heard REQ-1 and (after fail) REQ-3, never REQ-2; all from the flow's socket", () => {
    assert.deepEqual(
      r.flowGroup.map((d) => [d.from, d.text]),
      [
        [local, r.req[0]],
        [local, r.req[2]],
      ],
    );
  });

  await t.test('fail(): down with cause failed, target the group again; connect(): up on the same port', () => {
    assert.deepEqual(r.afterFail, {
      up: false,
      lastCause: { code: 'failed', message: 'the flow was dropped (timeout)', why: 'timeout' },
      target: { ...r.initialTarget },
    });
    assert.deepEqual(r.afterReconnect.local, r.local);
  });

  await t.test('connect("tcp") (§18.1.1 size rule): no stream to a group, the UDP flow reports up again', () => {
    assert.deepEqual(r.afterTcp, { up: true, upsAdded: 1 });
  });

  await t.test('close(): down (requested), send() false; the event sequence', () => {
    assert.deepEqual(r.afterClose, { up: false, send: false, lastCause: { code: 'closed', message: 'closed by this client' } });
    assert.deepEqual(
      r.events.map((e) => e.type),
      ['up', 'responder', 'error', 'down', 'up', 'responder', 'up', 'down'],
    );
    assert.equal(r.events.at(-1).detail.requested, true);
  });

  await t.test('an interface address the host lacks: down, cause EADDRNOTAVAIL, never up', () => {
    assert.deepEqual(r.badInterface, {
      up: false,
      down: {
        code: 0,
        reason: 'no multicast socket: setMulticastInterface EADDRNOTAVAIL',
        wasUp: false,
        requested: false,
        cause: { code: 'EADDRNOTAVAIL', message: 'no multicast socket: setMulticastInterface EADDRNOTAVAIL' },
      },
    });
  });

  await t.test('nobody on the group: Timer E copies of CSeq 1 go to the group, Timer F (64·T1) ends the attempt', () => {
    assert.equal(r.silent.error?.reason, 'timeout', JSON.stringify(r.silent));
    assert.ok(r.silent.copies.length >= 5 && r.silent.copies.every((c) => c === '1'), `copies: ${r.silent.copies}`);
    assert.ok(r.silent.ms >= 3000 && r.silent.ms < 4500, `${r.silent.ms} ms (64 × 50 ms = 3.2 s)`);
    assert.equal(r.silent.target.source, 'multicast');
  });
});
