// netns-run.mjs — the multicast scenario (RFC 3261 §10.2.6), run INSIDE a network namespace of
// its own: tests/js/multicast.test.mjs starts it as `unshare -n -- node netns-run.mjs`. It refuses
// to run where any link but `lo` exists, so no multicast can leave the machine. In there:
//   lo up + multicast + route 224.0.0.0/4 → Kamailio on the group and on its unicast UDP port →
//   an observer on the group (every datagram sent to it) → `sipreg listen --json` under strace
//   (every socket send it makes) and an in-process listenMulticast() → client A registers to the
//   group, is challenged, adopts the registrar and refreshes → client B registers while the
//   listeners run → the registrar's table → raw datagrams to the group (noise, a 1-s binding, an
//   unregister) → A unregisters → the table again → the CLI lists and removes B's bindings.
// Prints one JSON result on stdout; everything started here is stopped by PID at the end.
import dgram from 'node:dgram';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistrar } from '../../registrar/registrar.mjs';
import { GROUP, HOST, enterTestNamespace, until } from './netns.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
enterTestNamespace();

const sipreg = await import(`${ROOT}node/index.mjs`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** First line, CSeq, Call-ID, To URI and top Via of a SIP message. @param {Buffer} buf */
function summary(buf) {
  const text = buf.toString('latin1');
  const line = text.slice(0, text.indexOf('\r\n'));
  return {
    line,
    cseq: Number(/^CSeq:[ \t]*(\d+)/im.exec(text)?.[1] ?? NaN),
    callId: /^(?:Call-ID|i):[ \t]*(\S+)/im.exec(text)?.[1] ?? null,
    to: /^(?:To|t):[^\r\n]*<([^>]*)>/im.exec(text)?.[1] ?? null,
    via: /^(?:Via|v):[ \t]*([^\r\n]*)/im.exec(text)?.[1] ?? null,
  };
}

const result = { ok: false, steps: [] };
/** @param {string} name a milestone (on stderr too with MC_DEBUG=1) */
const step = (name) => {
  result.steps.push(name);
  if (process.env.MC_DEBUG) console.error(`netns-run: ${name}`);
};
const work = mkdtempSync(join(tmpdir(), 'sipreg-mcast-'));
let registrar = null;
let observer = null;
let cliListener = null;
let listener = null;
const regs = [];

try {
  registrar = await startRegistrar({ multicast: true, tcpChildren: 1 });
  const port = registrar.udpPort;
  result.registrar = { address: HOST, port };

  // the packet observer: every datagram sent to the group:port, with its source
  observer = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise((resolve, reject) => {
    observer.once('error', reject);
    observer.bind(port, GROUP, resolve);
  });
  observer.addMembership(GROUP, HOST);
  result.group = [];
  observer.on('message', (buf, ri) => result.group.push({ from: `${ri.address}:${ri.port}`, ...summary(buf) }));

  // the CLI listener, its socket sends traced by strace
  const trace = join(work, 'listen.strace');
  cliListener = spawn(
    'strace',
    [
      '-f',
      '-qq',
      '-e',
      'trace=bind,sendto,sendmsg,sendmmsg',
      '-o',
      trace,
      process.execPath,
      `${ROOT}node/cli.mjs`,
      'listen',
      '--port',
      String(port),
      '--interface',
      HOST,
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let cliOut = '';
  let cliErr = '';
  cliListener.stdout.on('data', (d) => {
    cliOut += d;
  });
  cliListener.stderr.on('data', (d) => {
    cliErr += d;
  });
  const cliEvents = () =>
    cliOut
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  await until(() => cliEvents().some((e) => e.event === 'listening'), 10000, `sipreg listen (${cliErr})`);

  // the in-process listener
  listener = await sipreg.listenMulticast({ port, interface: HOST });
  result.listener = { events: [] };
  listener.addEventListener('binding', (e) => result.listener.events.push({ type: 'binding', ...e.detail }));
  listener.addEventListener('expired', (e) => result.listener.events.push({ type: 'expired', ...e.detail }));

  const client = async (user) => {
    const reg = await sipreg.createRegistration({
      discovery: 'multicast',
      aor: `sip:${user}@example.test`,
      auth: { username: user, password: 'secret' },
      multicast: { port, interface: HOST },
      expires: 120,
      policy: { t1Ms: 200 },
    });
    regs.push(reg);
    const seen = { sent: [] };
    reg.addEventListener('message', (e) => {
      if (e.detail.direction === 'out') seen.sent.push(summary(Buffer.from(e.detail.text)));
    });
    return { reg, seen };
  };

  // client A: the group, the 401, then the registrar that answered
  const a = await client('alice');
  const first = await a.reg.register();
  step('a registered');
  const targetAfterRegister = a.reg.flow.target;
  await a.reg.register(); // a refresh now
  step('a refreshed');
  result.a = {
    target: targetAfterRegister,
    local: a.reg.flow.local,
    cseq: a.reg.info.cseq,
    granted: first.info.granted,
    sent: a.seen.sent,
    ours: first.info.bindings.filter((b) => b.ours).map((b) => b.uri),
  };
  result.heldAfterRefresh = await registrar.dump();

  // client B while the listeners run
  const b = await client('bob');
  await b.reg.register();
  step('b registered');
  result.b = {
    target: b.reg.flow.target,
    local: b.reg.flow.local,
    cseq: b.reg.info.cseq,
    ours: b.reg.info.bindings.filter((x) => x.ours).map((x) => x.uri),
  };
  const bobHeard = (events) => events.some((e) => (e.event ?? e.type) === 'binding' && e.aor === 'sip:bob@example.test');
  await until(() => bobHeard(cliEvents()) && bobHeard(result.listener.events), 5000, 'the listeners to report bob');
  result.held = await registrar.dump();

  // raw datagrams to the group: noise the listeners ignore, a 1-s binding that runs out, and a
  // binding removed by its own REGISTER (expires=0); Kamailio's answers to them go to `raw`
  const raw = dgram.createSocket('udp4');
  await new Promise((resolve) => raw.bind(0, HOST, resolve));
  raw.setMulticastInterface(HOST);
  const rawPort = raw.address().port;
  result.raw = { address: HOST, port: rawPort };
  const rawRegister = (user, cseq, contact) =>
    [
      'REGISTER sip:sip.mcast.net SIP/2.0',
      `Via: SIP/2.0/UDP ${HOST}:${rawPort};rport;branch=z9hG4bK-raw-${user}-${cseq}`,
      'Max-Forwards: 70',
      `To: <sip:${user}@example.test>`,
      `From: <sip:${user}@example.test>;tag=raw`,
      `Call-ID: raw-${user}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: ${contact}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const noise = [
    'not SIP at all',
    `OPTIONS sip:sip.mcast.net SIP/2.0\r\nVia: SIP/2.0/UDP ${HOST}:${rawPort};branch=z9hG4bK-o\r\n` +
      'To: <sip:x@example.test>\r\nFrom: <sip:y@example.test>;tag=1\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
  ];
  for (const text of [
    ...noise,
    rawRegister('dave', 1, `<sip:dave@${HOST}:${rawPort}>;expires=1`),
    rawRegister('erin', 1, `<sip:erin@${HOST}:${rawPort}>;q=0.3;expires=90`),
    rawRegister('erin', 2, `<sip:erin@${HOST}:${rawPort}>;expires=0`),
  ]) {
    await new Promise((resolve) => raw.send(text, port, GROUP, resolve));
    await sleep(30); // in order
  }
  const gone = (events, user, reason) =>
    events.some((e) => (e.event ?? e.type) === 'expired' && e.aor === `sip:${user}@example.test` && e.reason === reason);
  await until(
    () => [cliEvents(), result.listener.events].every((ev) => gone(ev, 'dave', 'expired') && gone(ev, 'erin', 'unregistered')),
    5000,
    'the listeners to drop dave (expired) and erin (unregistered)',
  );
  raw.close();
  step('raw datagrams');
  result.listener.bindings = listener.bindings();
  result.listener.stats = { ...listener.stats };

  // A leaves (unicast, to the registrar that answered)
  await a.reg.unregister();
  step('a unregistered');
  result.a.sentAfterUnregister = a.seen.sent.length;
  await sleep(300); // anything the unregister might have sent to the group would be seen by now
  result.heldAtEnd = await registrar.dump();

  // stop the CLI listener (SIGINT: it prints its stats) and read what it sent
  const exited = new Promise((r) => cliListener.once('exit', (code, sig) => r({ code, sig })));
  const straced = readFileSync(`/proc/${cliListener.pid}/task/${cliListener.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  for (const pid of straced) process.kill(pid, 'SIGINT'); // the listener (strace's child) says goodbye
  result.cli = { exit: await exited, events: cliEvents(), stderr: cliErr };
  cliListener = null;
  const traced = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  // bind calls show that strace watched the listener's sockets; send* calls would be packets
  result.cli.binds = traced.filter((l) => /^\d+\s+bind\(/.test(l) && /AF_INET/.test(l));
  result.cli.sends = traced.filter((l) => /^\d+\s+send/.test(l));

  // the CLI: bob's bindings, then all of them removed ("*"), each through the group
  const cli = (...args) =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [
          `${ROOT}node/cli.mjs`,
          ...args,
          '--discovery',
          'multicast',
          '--aor',
          'sip:bob@example.test',
          '--user',
          'bob',
          '--password',
          'secret',
          '--port',
          String(port),
          '--interface',
          HOST,
        ],
        { timeout: 15000 },
        (err, stdout, stderr) => resolve({ code: err?.code ?? 0, stdout, stderr }),
      );
    });
  const mark = result.group.length;
  const heard = result.listener.events.length;
  result.cliBindings = await cli('bindings');
  result.cliUnregister = await cli('unregister', '--all', '--json');
  result.heldFinal = await registrar.dump();

  // `sipreg register --discovery multicast` stays registered until SIGINT, then unregisters
  const carol = spawn(
    process.execPath,
    [
      `${ROOT}node/cli.mjs`,
      'register',
      '--discovery',
      'multicast',
      '--json',
      '--aor',
      'sip:carol@example.test',
      '--user',
      'carol',
      '--password',
      'secret',
      '--port',
      String(port),
      '--interface',
      HOST,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let carolOut = '';
  carol.stdout.on('data', (d) => {
    carolOut += d;
  });
  carol.stderr.on('data', (d) => {
    carolOut += d;
  });
  const carolEvents = () =>
    carolOut
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  try {
    await until(() => carolEvents().some((e) => e.event === 'responder'), 10000, `sipreg register (${carolOut})`);
    const heldCarol = (await registrar.dump()).filter((b) => b.aor === 'carol@example.test');
    const exited = new Promise((r) => carol.once('exit', (code) => r(code)));
    process.kill(/** @type {number} */ (carol.pid), 'SIGINT');
    result.cliRegister = { events: carolEvents(), held: heldCarol, exit: await exited, out: carolOut };
  } finally {
    if (carol.exitCode === null) carol.kill('SIGKILL');
  }
  result.heldAfterCarol = await registrar.dump();
  result.cliGroup = result.group.splice(mark);
  result.listener.afterCli = result.listener.events.splice(heard);
  step('cli');
  result.ok = true;
} catch (e) {
  result.error = String(e?.stack ?? e);
  if (registrar) result.log = readFileSync(registrar.logFile, 'utf8').split('\n').slice(-30).join('\n');
} finally {
  for (const r of regs) r.close();
  listener?.close();
  observer?.close();
  if (cliListener?.pid) {
    try {
      process.kill(cliListener.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await registrar?.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(0);
