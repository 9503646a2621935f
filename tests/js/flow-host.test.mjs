// flow-host.test.mjs — one flow host for a registration with its own flow and for a pool's
// shared flows (bindings/js/flow-host.mjs): nothing is set on a flow or a registration from
// outside (their own members only), reg.flow is the flow, and close() goes through the host
// (a registration's own flow closes with it; a pool's shared flow stays for the others).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, FakeSocket, answer, sleep, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

/** The own property names of a fresh, unused WebSocketFlow: what a flow may have. */
const FLOW_KEYS = Object.keys(new sipreg.WebSocketFlow('ws://x.invalid', { WebSocket: FakeSocket })).sort();

test("a registration's own flow: only its own members, reg.flow is it, close() closes it", async () => {
  const reg = await sipreg.createRegistration({ server: 'ws://registrar.invalid', aor: 'sip:alice@example.test', WebSocket: FakeSocket });
  assert.deepEqual(Object.keys(reg), ['aor'], 'nothing set on the registration from outside');
  assert.ok(reg.flow instanceof sipreg.WebSocketFlow);
  assert.equal(Object.hasOwn(reg, 'close') || Object.hasOwn(reg, 'flow'), false);
  const done = reg.register();
  await sleep(5);
  const sock = FakeSocket.last;
  assert.equal(reg.flow.up, true);
  assert.deepEqual(Object.keys(reg.flow).sort(), FLOW_KEYS, 'nothing set on the flow from outside');
  sock.deliver(answer(sock.sent[0], '200 OK', `Contact: ${/Contact: (<[^>]*>)/.exec(sock.sent[0])[1]};expires=600\r\n`));
  await done;
  reg.close();
  await sleep(5);
  assert.equal(sock.readyState, 3, "the registration's flow closed with it");
  assert.equal(reg.flow.up, false);
});

test("a pool's flows: shared by their members, nothing set on them; a member's close leaves the flow", async () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket, flows: 2 });
  try {
    const regs = [0, 1, 2, 3].map((i) => pool.add({ aor: `sip:u${i}@example.test` }));
    assert.equal(regs[0].flow, regs[2].flow, 'members of one flow share it');
    assert.notEqual(regs[0].flow, regs[1].flow, 'round robin over the flows');
    for (const r of regs) assert.deepEqual(Object.keys(r), ['aor']);
    const all = pool.registerAll();
    await sleep(80);
    for (const r of regs) assert.deepEqual(Object.keys(r.flow).sort(), FLOW_KEYS);
    const socks = FakeSocket.all.slice(-2);
    for (const s of socks)
      for (const req of s.sent) s.deliver(answer(req, '200 OK', `Contact: ${/Contact: (<[^>]*>)/.exec(req)[1]};expires=600\r\n`));
    assert.equal((await all).filter((r) => r.status === 'fulfilled').length, 4);
    regs[0].close();
    await sleep(5);
    assert.equal(regs[2].flow.up, true, 'the shared flow stays up for the other member');
  } finally {
    pool.close();
  }
});
