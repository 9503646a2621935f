// kamailio-nostun.test.mjs — an outbound registrar over UDP that runs no STUN server: Kamailio with
// the outbound module (Require: outbound, Flow-Timer 5) but WITHOUT the stun module, a common
// setup. The first Binding transaction of the flow goes unanswered (7 sends over 79 T1); the core
// then checks the flow with an OPTIONS probe, which Kamailio answers, and keeps the flow on OPTIONS
// probes at the keep-alive interval (event "liveness", reason "no-stun"; info.liveness "options")
// instead of failing it and registering again every cycle. A relay in front of Kamailio counts
// what crosses the wire: REGISTERs, OPTIONS and their answers, STUN. Kamailio ends with one
// binding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from './helpers.mjs';
import { until, registerThrough, held } from './stun-kit.mjs';
import { startRegistrar } from '../registrar/registrar.mjs';

const FLOW_TIMER = 5; // s: a keep-alive every U[4, 5] s
const T1 = 100; // ms: a Binding transaction fails 79 T1 = 7.9 s after its first request
let registrar;
const open = [];

before(async () => {
  registrar = await startRegistrar({ outbound: true, flowTimer: FLOW_TIMER });
});
after(async () => {
  for (const c of open.reverse()) c();
  await registrar?.stop();
});

/**
 * A relay in front of Kamailio's UDP port (one socket towards Kamailio per client address) that
 * counts requests by method, OPTIONS answers by status and STUN both ways (first byte 0..3).
 */
async function relay() {
  const front = dgram.createSocket('udp4');
  await new Promise((r) => front.bind(0, '127.0.0.1', r));
  const backs = new Map();
  const n = { port: front.address().port, register: 0, options: 0, optionsAnswered: 0, stunOut: 0, stunIn: 0 };
  front.on('message', (m, from) => {
    const key = `${from.address}:${from.port}`;
    let back = backs.get(key);
    if (!back) {
      back = dgram.createSocket('udp4');
      back.bind(0, '127.0.0.1');
      back.on('message', (r) => {
        if (r[0] < 4) n.stunIn++;
        else if (/^SIP\/2\.0 [2-6]\d\d /.test(r.toString('latin1')) && /\r\nCSeq:\s*\d+\s+OPTIONS\r\n/i.test(r.toString('latin1')))
          n.optionsAnswered++;
        front.send(r, from.port, from.address);
      });
      backs.set(key, back);
    }
    if (m[0] < 4) n.stunOut++;
    else if (m.toString('latin1').startsWith('REGISTER ')) n.register++;
    else if (m.toString('latin1').startsWith('OPTIONS ')) n.options++;
    back.send(m, registrar.udpPort, '127.0.0.1');
  });
  open.push(() => {
    for (const s of backs.values()) s.close();
    front.close();
  });
  return n;
}

test(
  'no STUN server behind an outbound registrar: OPTIONS probes keep the UDP flow, no new REGISTER across keep-alive cycles',
  { timeout: 60_000 },
  async () => {
    const n = await relay();
    // the outbound 2xx promises keep-alives: STUN first (RFC 5626 §4.4.2)
    const { reg, failed, liveness } = await registerThrough(n.port, 'nostun1', { t1Ms: T1, flowTimer: FLOW_TIMER, open });
    const port = reg.flow.local.port;
    const registers = n.register; // the REGISTER and its authenticated repeat

    // nothing answers the first Binding request: 7 sends, then the OPTIONS check, answered
    const ev = await once(reg, 'liveness', 20_000);
    assert.equal(ev.reason, 'no-stun');
    assert.equal(ev.text, 'no STUN answer; OPTIONS probes keep the flow');
    assert.equal(ev.info.liveness, 'options');
    assert.equal(n.stunOut, 7, 'the Binding request and its 6 retransmissions');
    assert.equal(n.stunIn, 0);
    await until(() => n.optionsAnswered >= 1, 2_000, 'the OPTIONS check answered');

    // two more keep-alive cycles (U[4, 5] s each): OPTIONS answered, no STUN, no new REGISTER
    await until(() => n.optionsAnswered >= 3, 15_000, 'two more OPTIONS probes answered');
    assert.equal(n.options, n.optionsAnswered, 'every OPTIONS answered');
    assert.equal(n.stunOut, 7, 'no STUN after the fallback');
    assert.equal(n.register, registers, 'no new REGISTER');
    assert.deepEqual(failed, []);
    assert.equal(liveness.length, 1);
    assert.equal(reg.state, 'registered');
    assert.equal(reg.flow.local.port, port, 'the same flow');
    assert.equal(reg.info.liveness, 'options');
    console.log(
      `# no STUN: ${n.stunOut} Binding requests unanswered, ${n.options} OPTIONS (${n.optionsAnswered} answered), ${n.register} REGISTERs`,
    );

    // Kamailio's own table: one binding (instance + reg-id, RFC 5626 §6), this flow's contact
    const bindings = await held(registrar, 'nostun1');
    assert.equal(bindings.length, 1, JSON.stringify(bindings));
    assert.equal(bindings[0].contact, reg.contact.uri);
    assert.equal(bindings[0].regId, 1);
    await reg.unregister();
    assert.deepEqual(await held(registrar, 'nostun1'), []);
  },
);
