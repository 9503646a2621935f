// field-freeze.test.mjs — issue 11 "dead flows are found and replaced": the project's fault proxy
// freezes a registered flow (TCP kept open, nothing forwarded either way, WebSocket pings and
// pongs included: proxy.freeze()). New flows through the proxy still work. Target: detected and
// replaced within 60 s, and the registrar ends with exactly ONE live binding of ours (the one
// reached over the new flow). Three registrars, three proxies, all at once:
//   (a1) registrar without outbound, SIP-level probes (policy.probe 'options', what a browser uses)
//   (a2) registrar without outbound, Node's default (WebSocket ping probes, probe 'host')
//   (b)  registrar with outbound (Flow-Timer 25 s): CRLF keep-alives, missing pong
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistrar } from '../registrar/registrar.mjs';
import { startFaultProxy } from './fault-proxy.mjs';
import { loadSipreg, recordField, track } from './field-kit.mjs';

const TARGET_MS = 60_000;
let sipreg;
const setups = {};
const open = [];
const CASES = {
  a1: { registrar: { tcpChildren: 2 }, policy: { probe: 'options' } },
  a2: { registrar: { tcpChildren: 2 }, policy: {} },
  b: { registrar: { tcpChildren: 2, outbound: true, flowTimer: 25 }, policy: {} },
};

before(async () => {
  sipreg = await loadSipreg();
  await Promise.all(Object.entries(CASES).map(async ([k, c]) => {
    const registrar = await startRegistrar(c.registrar);
    setups[k] = { registrar, proxy: await startFaultProxy(registrar.wsUrl) };
  }));
});
after(async () => {
  for (const r of open) r.close();
  await Promise.all(Object.values(setups).map(async (s) => { await s.proxy.close(); await s.registrar.stop(); }));
});

/** @param {string} received e.g. "sip:127.0.0.1:45340;transport=ws" @returns {number | null} */
const receivedPort = (received) => Number(/127\.0\.0\.1:(\d+)/.exec(received ?? '')?.[1] ?? NaN) || null;

/**
 * Register through the proxy, freeze the flow, wait for the registration to find out and register
 * over a new flow; returns the measurements and the registrar's bindings of the AOR.
 * @param {string} k case key
 * @param {string} user
 */
async function frozenFlow(k, user) {
  const { registrar, proxy } = setups[k];
  const reg = await sipreg.createRegistration({ server: proxy.url, aor: `sip:${user}@example.test`,
    auth: { password: 'secret' }, policy: CASES[k].policy });
  open.push(reg);
  await reg.register();
  const before = (await registrar.dump()).filter((b) => b.aor === `${user}@example.test`);
  assert.equal(before.length, 1);
  assert.equal(proxy.flows.size, 1);
  const t = track(reg);
  const t0 = Date.now();
  assert.equal(proxy.freeze(), 1);
  const registered = await t.next('registered', TARGET_MS + 15_000, t0).catch((e) => e);
  const failed = t.first('flowfailed', t0);
  // the live flows now: not frozen; their upstream end is what the registrar saw as "received"
  const livePorts = [...proxy.flows].filter((f) => !f.frozen).map((f) => f.server._socket?.localPort);
  const h = (await registrar.dump()).filter((b) => b.aor === `${user}@example.test`);
  return { reg, t, t0, registered, failed, livePorts, h, before, proxy,
    detect: failed ? failed.at - t0 : null, recover: registered instanceof Error ? null : registered.at - t0 };
}

/** @param {Awaited<ReturnType<typeof frozenFlow>>} o @param {string} id @param {string} scenario */
function check(o, id, scenario) {
  recordField(id, {
    scenario, expect: 'detected and replaced <= 60 s; one live binding',
    detectMs: o.detect, recoverMs: o.recover, registers: o.t.registers(o.t0).length, bindings: o.h.length,
    outcome: o.registered instanceof Error ? 'not registered again' : `registered again (${o.proxy.accepted} flows)`,
  });
  assert.ok(!(o.registered instanceof Error), `${o.registered.message}`);
  assert.ok(o.detect !== null, `no flowfailed: ${o.t.summary(o.t0)}`);
  assert.ok(['flow', 'timeout'].includes(o.failed.detail.reason), `flowfailed because the probe or keep-alive went unanswered, not ${o.failed.detail.reason}`);
  assert.ok(o.recover <= TARGET_MS, `registered again ${o.recover} ms after the freeze`);
  assert.equal(o.proxy.accepted, 2, 'one new flow replaced the frozen one');
  assert.equal(o.h.length, 1, `exactly one binding of ours: ${JSON.stringify(o.h)}`);
  assert.ok(o.livePorts.includes(receivedPort(o.h[0].received)),
    `the binding is reached over the live flow (received ${o.h[0].received}, live ${o.livePorts})`);
}

describe('a frozen flow (TCP open, nothing forwarded)', { concurrency: true }, () => {
  it('(a1) registrar without outbound, SIP-level probes: found and replaced within 60 s, one live binding', { timeout: 120_000 }, async () => {
    const o = await frozenFlow('a1', 'frozen-a1');
    check(o, 'freeze-no-outbound-options', 'fault proxy freezes the flow; registrar without outbound; probe options');
    assert.ok(o.proxy.counters.frozen.frames >= 1, 'the probe went into the frozen flow');
    const probes = o.t.log.filter((l) => l.at >= o.t0 && l.type === 'out' && /^OPTIONS /.test(l.detail.text));
    assert.ok(probes.length >= 1, 'an OPTIONS probe was sent');
  });

  it('(a2) registrar without outbound, Node default (WebSocket ping probes): found and replaced within 60 s', { timeout: 120_000 }, async () => {
    const o = await frozenFlow('a2', 'frozen-a2');
    check(o, 'freeze-no-outbound-ping', 'fault proxy freezes the flow; registrar without outbound; Node default (WebSocket ping)');
    assert.ok(o.proxy.counters.frozen.pings >= 1 || o.proxy.counters.pings.toServer >= 1, 'a WebSocket ping was sent');
  });

  it('(b) registrar with outbound (Flow-Timer 25 s): the missing CRLF pong found, flow replaced, one live binding', { timeout: 120_000 }, async () => {
    const o = await frozenFlow('b', 'frozen-b');
    check(o, 'freeze-outbound', 'fault proxy freezes the flow; registrar with outbound, Flow-Timer 25 s');
    assert.equal(o.h[0].instance, o.before[0].instance, 'the same instance: the binding replaced, not added');
    assert.ok(o.proxy.counters.frozen.frames >= 1, 'the CRLF ping went into the frozen flow');
  });
});
