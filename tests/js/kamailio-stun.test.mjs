// kamailio-stun.test.mjs — STUN keep-alives of an outbound registration over UDP (RFC 5626
// §4.4.2, §8) against a real server: Kamailio with the outbound module (Require: outbound,
// Flow-Timer 5) and the stun module answering Binding requests on its SIP UDP port
// (startRegistrar({ outbound, flowTimer, stun })). Between them a NAT of this test's own: a UDP
// relay that gives each client address a mapping (an outbound socket of its own, the address
// Kamailio sees and names in XOR-MAPPED-ADDRESS), counts STUN both ways, can drop Kamailio's STUN
// answers, and can reboot (forget every mapping). The keep-alives are answered and counted; with
// the answers dropped the flow fails and the registration moves to a new flow; after a NAT reboot
// the new mapped address fails the flow (reason "mapping") and it registers again; Kamailio ends
// with one binding, the last flow's contact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from './helpers.mjs';
import { until, registerThrough, held } from './stun-kit.mjs';
import { startRegistrar } from '../registrar/registrar.mjs';

const FLOW_TIMER = 5; // s: Binding requests every U[4, 5] s
const T1 = 100; // ms: a Binding transaction fails 79 T1 = 7.9 s after its first request
let registrar;
const open = [];

before(async () => {
  registrar = await startRegistrar({ outbound: true, flowTimer: FLOW_TIMER, stun: true });
});
after(async () => {
  for (const c of open.reverse()) c();
  await registrar?.stop();
});

/**
 * A NAT in front of Kamailio's UDP port: each client address gets a mapping (a socket of its own
 * towards Kamailio); STUN is told by its first byte (0..3, RFC 7983 §7).
 */
async function nat() {
  const front = dgram.createSocket('udp4');
  await new Promise((r) => front.bind(0, '127.0.0.1', r));
  /** @type {Map<string, dgram.Socket>} client "address:port" → its mapping */
  const mappings = new Map();
  const n = {
    port: front.address().port,
    stunOut: 0,
    stunIn: 0,
    dropStun: false,
    /** @param {number} clientPort @returns {number | undefined} the port Kamailio sees for that client */
    mappedPort: (clientPort) => mappings.get(`127.0.0.1:${clientPort}`)?.address().port,
    /** forget every mapping, as a NAT that reboots does */
    reboot() {
      for (const s of mappings.values()) s.close();
      mappings.clear();
    },
    close() {
      n.reboot();
      front.close();
    },
  };
  front.on('message', (m, from) => {
    const key = `${from.address}:${from.port}`;
    let back = mappings.get(key);
    if (!back) {
      back = dgram.createSocket('udp4');
      back.bind(0, '127.0.0.1');
      back.on('message', (r) => {
        if (r[0] < 4) {
          if (n.dropStun) return;
          n.stunIn++;
        }
        front.send(r, from.port, from.address);
      });
      mappings.set(key, back);
    }
    if (m[0] < 4) n.stunOut++;
    back.send(m, registrar.udpPort, '127.0.0.1');
  });
  open.push(() => n.close());
  return n;
}

test(
  'Kamailio answers the Binding requests; dropped answers and a NAT reboot fail the flow, and the registration moves to a new one',
  { timeout: 90_000 },
  async () => {
    const n = await nat();
    // the outbound 2xx promises keep-alives: STUN over UDP, every U[4, 5] s
    const { reg, failed, errors } = await registerThrough(n.port, 'stun1', { t1Ms: T1, flowTimer: FLOW_TIMER, open });
    const port1 = reg.flow.local.port;
    await until(() => n.stunIn >= 2, 15_000, 'two answered Binding requests');
    assert.equal(n.stunOut, n.stunIn, 'every request answered');
    // Kamailio names the address it saw: the NAT's mapping of this flow
    assert.equal(reg.info.mapped, `127.0.0.1:${n.mappedPort(port1)}`);
    assert.deepEqual(failed, []);

    // Kamailio's answers dropped: 7 requests, then the flow fails (RFC 5626 §4.4.2)
    const answers = n.stunIn; // right after an answer: no request is open when the drop starts
    await until(() => n.stunIn > answers, 10_000, 'the next answer');
    n.dropStun = true;
    const out0 = n.stunOut;
    const f1 = await once(reg, 'flowfailed', 25_000);
    assert.equal(f1.reason, 'flow');
    assert.equal(n.stunOut - out0, 7, 'the request and its 6 retransmissions');
    n.dropStun = false;
    await until(() => reg.state === 'registered' && reg.flow.local && reg.flow.local.port !== port1, 10_000, 'registered on a new flow');
    const port2 = reg.flow.local.port;
    const in1 = n.stunIn;
    await until(() => n.stunIn > in1, 10_000, 'the new flow answered');
    assert.equal(reg.info.mapped, `127.0.0.1:${n.mappedPort(port2)}`);

    // the NAT reboots: the same client socket gets a new mapping, Kamailio a new source port, the
    // answer a new XOR-MAPPED-ADDRESS: a failed flow (reason mapping, the new address in the text)
    const before = reg.info.mapped;
    n.reboot();
    const f2 = await once(reg, 'flowfailed', 10_000);
    assert.equal(f2.reason, 'mapping');
    assert.match(f2.text, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(f2.text, before);
    await until(() => reg.state === 'registered' && reg.flow.local && reg.flow.local.port !== port2, 10_000, 'registered on a third flow');
    const port3 = reg.flow.local.port;
    const in2 = n.stunIn;
    await until(() => n.stunIn > in2, 10_000, 'the third flow answered');
    assert.equal(reg.info.mapped, `127.0.0.1:${n.mappedPort(port3)}`);
    assert.deepEqual(errors, []);
    assert.equal(failed.length, 2);
    console.log(`# STUN: ${n.stunOut} requests, ${n.stunIn} answers counted at the NAT; flows ${port1}, ${port2}, ${port3}`);

    // Kamailio's own table: one binding (instance + reg-id, RFC 5626 §6), the last flow's contact
    const bindings = await held(registrar, 'stun1');
    assert.equal(bindings.length, 1, JSON.stringify(bindings));
    assert.equal(bindings[0].contact, reg.contact.uri);
    assert.equal(bindings[0].regId, 1);
    assert.equal(bindings[0].instance, `<${reg.contact.instance.replace(/^<|>$/g, '')}>`);
    await reg.unregister();
    assert.deepEqual(await held(registrar, 'stun1'), []);
  },
);
