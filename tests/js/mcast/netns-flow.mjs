// netns-flow.mjs — the MulticastFlow's own rules, run INSIDE the multicast tests' network
// namespace (`unshare -n -- node netns-flow.mjs`, see netns.mjs) against two scripted responders
// on the group: each hears the group and answers from a unicast socket of its own, the second
// one later. Then a registration with nobody on the group (Timer E copies, Timer F). Prints one
// JSON result; everything is closed at the end.
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { GROUP, HOST, enterTestNamespace, until } from './netns.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
enterTestNamespace();
const { MulticastFlow } = await import(`${ROOT}node/multicast-flow.mjs`);
const sipreg = await import(`${ROOT}node/index.mjs`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {{type: string, reuseAddr?: boolean}} o @param {number} port @param {string} address */
async function socket(port, address, reuseAddr = false) {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr });
  await new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, address, resolve);
  });
  return s;
}

const sockets = [];
const result = { ok: false };
try {
  // the group's port: free for unicast on lo, then used for the group
  const probe = await socket(0, HOST);
  const port = probe.address().port;
  probe.close();

  // observer: every datagram sent to the group
  const observer = await socket(port, GROUP, true);
  observer.addMembership(GROUP, HOST);
  sockets.push(observer);
  result.group = [];
  observer.on('message', (b, ri) => result.group.push({ from: `${ri.address}:${ri.port}`, text: b.toString() }));

  // two responders: hear the group, answer from their own unicast socket (the second 150 ms later)
  const responders = [];
  for (const [name, delay] of [
    ['r1', 0],
    ['r2', 150],
  ]) {
    const ear = await socket(port, GROUP, true);
    ear.addMembership(GROUP, HOST);
    const mouth = await socket(0, HOST);
    sockets.push(ear, mouth);
    const r = { name, port: mouth.address().port, heard: [], mouth };
    // the answer carries the request's Via (its branch is what the flow matches, §17.1.3)
    const answer = (b) => `SIP/2.0 200 OK\r\n${/^Via:[^\r\n]*/m.exec(b.toString())?.[0] ?? 'Via: none'}\r\nX-Responder: ${name}\r\n\r\n`;
    ear.on('message', (b, ri) => setTimeout(() => mouth.send(answer(b), ri.port, ri.address), delay));
    mouth.on('message', (b) => r.heard.push(b.toString()));
    responders.push(r);
  }
  result.responders = responders.map((r) => ({ name: r.name, port: r.port }));

  const flow = new MulticastFlow({ multicast: { port, interface: HOST } });
  result.initialTarget = flow.target;
  /** @param {number} n a request as the flow sees it: text with a Via branch */
  const req = (n) => `REQ-${n} sip:x SIP/2.0\r\nVia: SIP/2.0/UDP ${HOST};branch=z9hG4bK-${n}\r\n\r\n`;
  result.req = [1, 2, 3].map(req);
  const texts = [];
  const events = [];
  flow.ontext = (t) => texts.push(t);
  for (const type of ['up', 'down', 'error', 'responder']) {
    flow.addEventListener(type, (e) => events.push({ type, detail: e.detail ?? null }));
  }
  flow.connect();
  await until(() => flow.up, 2000, 'up');
  result.local = flow.local;
  result.sentBeforeUp = new MulticastFlow({ multicast: { port } }).send('x');

  // a stray response before anything was asked: delivered (the core matches transactions) but
  // not adopted
  const stray = await socket(0, HOST);
  sockets.push(stray);
  stray.send('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-stray\r\n\r\n', flow.local.port, HOST);
  await until(() => texts.length >= 1, 2000, 'the stray response');
  result.afterStray = { texts: [...texts], target: flow.target };
  flow.send(req(1));
  await until(() => texts.length >= 2, 2000, 'an answer');
  await sleep(300); // r2's answer arrives meanwhile
  result.afterAnswers = { texts: [...texts], target: flow.target, responder: flow.responder };

  flow.send(req(2));
  await until(() => responders[0].heard.length >= 1, 2000, 'r1 hears REQ-2');
  responders[1].mouth.send('SIP/2.0 200 OK\r\nX-Responder: r2-stray\r\n\r\n', flow.local.port, HOST);
  responders[0].mouth.send(Buffer.from([0x53, 0xff, 0xfe]), flow.local.port, HOST);
  responders[0].mouth.send('OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n\r\n', flow.local.port, HOST);
  await until(() => texts.length >= 3, 2000, 'the request from r1');
  await sleep(100);
  result.afterStrays = { texts: texts.slice(2), heard: responders.map((r) => r.heard) };

  flow.fail('timeout');
  result.afterFail = { up: flow.up, target: flow.target, lastCause: flow.lastCause };
  flow.connect();
  await until(() => flow.up, 2000, 'up again');
  result.afterReconnect = { local: flow.local };
  flow.send(req(3));
  await sleep(200);

  const ups = events.filter((e) => e.type === 'up').length;
  flow.connect('tcp');
  await sleep(20);
  result.afterTcp = { up: flow.up, upsAdded: events.filter((e) => e.type === 'up').length - ups };
  flow.close();
  result.afterClose = { up: flow.up, send: flow.send('REQ-4'), lastCause: flow.lastCause };
  result.events = events;
  result.finalTexts = texts.length;
  result.flowGroup = result.group.map((d) => ({ from: d.from, text: d.text }));

  // an interface address this host does not have: the flow cannot come up, and says why
  const stranger = new MulticastFlow({ multicast: { port, interface: '192.0.2.1' } });
  const down = new Promise((resolve) => stranger.addEventListener('down', (e) => resolve(e.detail), { once: true }));
  stranger.connect();
  result.badInterface = { down: await down, up: stranger.up };
  stranger.close();

  // nobody answers on the group: Timer E copies go there until Timer F ends the attempt
  for (const s of sockets.slice(1)) s.close();
  sockets.length = 1;
  result.group = [];
  const reg = await sipreg.createRegistration({
    discovery: 'multicast',
    aor: 'sip:carol@example.test',
    multicast: { port, interface: HOST },
    policy: { t1Ms: 50 },
  });
  const t0 = Date.now();
  try {
    await reg.register();
    result.silent = { registered: true };
  } catch (e) {
    result.silent = { error: { name: e.name, reason: e.reason, message: e.message }, ms: Date.now() - t0 };
  }
  result.silent.copies = result.group.filter((d) => /^REGISTER /.test(d.text)).map((d) => /CSeq: (\d+)/.exec(d.text)?.[1]);
  result.silent.target = reg.flow.target;
  reg.close();
  result.ok = true;
} catch (e) {
  result.error = String(e?.stack ?? e);
} finally {
  for (const s of sockets) {
    try {
      s.close();
    } catch {
      /* closed */
    }
  }
}
console.log(JSON.stringify(result));
process.exit(0);
