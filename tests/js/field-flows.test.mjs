// field-flows.test.mjs — issue 11 "network changes" and "dead flows are found and replaced",
// against the real Kamailio; five long scenarios, each on its own registrar, all at once (their
// 60-s waits overlap: about 75 s for the file). Each ends with the registrar's own table.
//
// Kamailio stopped for 60 s and started again on the same ports (registrar.restart({ downMs });
// its bindings are gone with it):
//   (outage a) no signal: registered again within the capped back-off (policy { retryBase: 2,
//              retryMax: 20 })
//   (outage b) reg.wake({ network: true }) right after it is back: registered again within 2 s
//
// The project's fault proxy freezes a registered flow (TCP kept open, nothing forwarded either way,
// WebSocket pings and pongs included: proxy.freeze()); new flows through the proxy still work.
// Target: detected and replaced within 60 s, and the registrar ends with exactly ONE live binding
// of ours (the one reached over the new flow):
//   (freeze a1) registrar without outbound, SIP-level probes (policy.probe 'options', a browser's)
//   (freeze a2) registrar without outbound, Node's default (WebSocket ping probes, probe 'host')
//   (freeze b)  registrar with outbound (Flow-Timer 25 s): CRLF keep-alives, missing pong
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistrar } from '../registrar/registrar.mjs';
import { startFaultProxy } from './fault-proxy.mjs';
import { loadSipreg, recordField, track } from './field-kit.mjs';

const TARGET_MS = 60_000;
const DOWN_MS = 60_000;
const RETRY_MAX_S = 20;
/** @type {import('../registrar/registrar.mjs').Registrar[]} the two registrars of the outages */
let outageRegs = [];
let sipreg;
const setups = {};
const open = [];
const CASES = {
  a1: { registrar: { tcpChildren: 2 }, policy: { probe: 'options' } },
  a2: { registrar: { tcpChildren: 2 }, policy: {}, extra: pingCounting },
  b: { registrar: { tcpChildren: 2, outbound: true, flowTimer: 25 }, policy: {} },
};

/** WebSocket pings the Node client sent (through pingCounting's class) */
const pinged = [];
/** The package's own Node WebSocket client, counting its ping() calls (the host probe). */
async function pingCounting() {
  const Base = await sipreg.loadWebSocket();
  class PingCounting extends Base {
    /** @param {...any} a */
    ping(...a) {
      pinged.push(Date.now());
      return super.ping ? super.ping(...a) : false;
    }
  }
  return { WebSocket: PingCounting };
}

before(async () => {
  sipreg = await loadSipreg();
  await Promise.all([
    ...Object.entries(CASES).map(async ([k, c]) => {
      const registrar = await startRegistrar(c.registrar);
      setups[k] = { registrar, proxy: await startFaultProxy(registrar.wsUrl) };
    }),
    Promise.all([startRegistrar({ tcpChildren: 2 }), startRegistrar({ tcpChildren: 2 })]).then((r) => {
      outageRegs = r;
    }),
  ]);
});
after(async () => {
  for (const r of open) r.close();
  await Promise.all([
    ...Object.values(setups).map(async (s) => {
      await s.proxy.close();
      await s.registrar.stop();
    }),
    ...outageRegs.map((r) => r.stop()),
  ]);
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
  const reg = await sipreg.createRegistration({
    server: proxy.url,
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    policy: CASES[k].policy,
    ...(await CASES[k].extra?.()),
  });
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
  return {
    reg,
    t,
    t0,
    registered,
    failed,
    livePorts,
    h,
    before,
    proxy,
    detect: failed ? failed.at - t0 : null,
    recover: registered instanceof Error ? null : registered.at - t0,
  };
}

/** @param {Awaited<ReturnType<typeof frozenFlow>>} o @param {string} id @param {string} scenario */
function check(o, id, scenario) {
  recordField(id, {
    scenario,
    expect: 'detected and replaced <= 60 s; one live binding',
    detectMs: o.detect,
    recoverMs: o.recover,
    registers: o.t.registers(o.t0).length,
    bindings: o.h.length,
    outcome: o.registered instanceof Error ? 'not registered again' : `registered again (${o.proxy.accepted} flows)`,
  });
  assert.ok(!(o.registered instanceof Error), `${o.registered.message}`);
  assert.ok(o.detect !== null, `no flowfailed: ${o.t.summary(o.t0)}`);
  assert.ok(
    ['flow', 'timeout'].includes(o.failed.detail.reason),
    `flowfailed because the probe or keep-alive went unanswered, not ${o.failed.detail.reason}`,
  );
  assert.ok(o.recover <= TARGET_MS, `registered again ${o.recover} ms after the freeze`);
  assert.equal(o.proxy.accepted, 2, 'one new flow replaced the frozen one');
  assert.equal(o.h.length, 1, `exactly one binding of ours: ${JSON.stringify(o.h)}`);
  assert.ok(
    o.livePorts.includes(receivedPort(o.h[0].received)),
    `the binding is reached over the live flow (received ${o.h[0].received}, live ${o.livePorts})`,
  );
}

/**
 * Register, stop the registrar for DOWN_MS, start it again; `onBack` runs right after.
 * @param {import('../registrar/registrar.mjs').Registrar} registrar
 * @param {string} user
 * @param {object} extra createRegistration options
 * @param {(reg: any) => void} onBack
 */
async function outage(registrar, user, extra, onBack) {
  const reg = await sipreg.createRegistration({
    server: registrar.wsUrl,
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    ...extra,
  });
  open.push(reg);
  await reg.register();
  assert.equal((await registrar.dump()).length, 1);
  const t = track(reg);
  const t0 = Date.now();
  await registrar.restart({ downMs: DOWN_MS });
  const back = Date.now();
  assert.deepEqual(await registrar.dump(), [], 'the restarted registrar forgot every binding');
  onBack(reg);
  const registered = await t.next('registered', 30_000, back).catch((e) => e);
  const h = (await registrar.dump()).filter((b) => b.aor === `${user}@example.test`);
  const down = t.first('flowdown', t0);
  return {
    reg,
    t,
    t0,
    back,
    registered,
    h,
    detect: down ? down.at - t0 : null,
    recover: registered instanceof Error ? null : registered.at - back,
  };
}

describe('Kamailio down for 60 s; a frozen flow (TCP open, nothing forwarded)', { concurrency: true }, () => {
  it('(outage a) no signal: registered again within the capped back-off (retryMax 20 s)', { timeout: 150_000 }, async () => {
    const o = await outage(outageRegs[0], 'outage-a', { policy: { retryBase: 2, retryMax: RETRY_MAX_S } }, () => {});
    recordField('outage-60s-no-wake', {
      scenario: 'Kamailio stopped 60 s, started again; no signal; policy { retryBase: 2, retryMax: 20 }',
      expect: `registered <= ${RETRY_MAX_S} s after it is back`,
      detectMs: o.detect,
      recoverMs: o.recover,
      registers: o.t.registers(o.t0).length,
      bindings: o.h.length,
      outcome: o.registered instanceof Error ? 'not registered' : 'registered',
    });
    assert.ok(!(o.registered instanceof Error), String(o.registered.message));
    assert.ok(o.detect !== null && o.detect < 2000, `the closed flow was seen after ${o.detect} ms`);
    assert.ok(o.recover <= RETRY_MAX_S * 1000 + 1000, `registered ${o.recover} ms after the registrar was back`);
    // the back-off was capped all along: no gap between attempts above retryMax
    const retries = o.t.events('retry', o.t0).map((r) => r.detail.delayMs);
    for (const wait of retries) assert.ok(wait <= RETRY_MAX_S * 1000 + 500, `a retry ${wait} ms ahead`);
    assert.equal(o.h.length, 1, 'the registrar holds our binding again');
  });

  it('(outage b) reg.wake({ network: true }) right after it is back: registered within 2 s', { timeout: 150_000 }, async () => {
    const o = await outage(outageRegs[1], 'outage-b', {}, (reg) => reg.wake({ network: true }));
    recordField('outage-60s-wake', {
      scenario: 'Kamailio stopped 60 s, started again; reg.wake({ network: true }) when it is back; default policy',
      expect: 'registered <= 2 s after the wake',
      detectMs: o.detect,
      recoverMs: o.recover,
      registers: o.t.registers(o.t0).length,
      bindings: o.h.length,
      outcome: o.registered instanceof Error ? 'not registered' : 'registered',
    });
    assert.ok(!(o.registered instanceof Error), String(o.registered.message));
    assert.ok(o.recover <= 2000, `registered ${o.recover} ms after the wake`);
    assert.equal(o.h.length, 1, 'the registrar holds our binding again');
  });

  it(
    '(freeze a1) registrar without outbound, SIP-level probes: found and replaced within 60 s, one live binding',
    { timeout: 120_000 },
    async () => {
      const o = await frozenFlow('a1', 'frozen-a1');
      check(o, 'freeze-no-outbound-options', 'fault proxy freezes the flow; registrar without outbound; probe options');
      const probes = o.t.log.filter((l) => l.at >= o.t0 && l.type === 'out' && /^OPTIONS /.test(l.detail.text));
      assert.ok(probes.length >= 1, 'an OPTIONS probe was sent');
    },
  );

  it(
    '(freeze a2) registrar without outbound, Node default (WebSocket ping probes): found and replaced within 60 s',
    { timeout: 120_000 },
    async () => {
      const o = await frozenFlow('a2', 'frozen-a2');
      check(o, 'freeze-no-outbound-ping', 'fault proxy freezes the flow; registrar without outbound; Node default (WebSocket ping)');
      assert.ok(
        pinged.some((at) => at >= o.t0),
        'a WebSocket ping went into the frozen flow',
      );
    },
  );

  it(
    '(freeze b) registrar with outbound (Flow-Timer 25 s): the missing CRLF pong found, flow replaced, one live binding',
    { timeout: 120_000 },
    async () => {
      const o = await frozenFlow('b', 'frozen-b');
      check(o, 'freeze-outbound', 'fault proxy freezes the flow; registrar with outbound, Flow-Timer 25 s');
      assert.equal(o.h[0].instance, o.before[0].instance, 'the same instance: the binding replaced, not added');
      assert.ok(
        o.t.log.some((l) => l.at >= o.t0 && l.type === 'out' && l.detail.text === '\r\n\r\n'),
        'a CRLF ping went into the frozen flow',
      );
    },
  );
});
