// scale-child.mjs — one fresh Node process registers N AORs (through the registrar's 401) against
// the test Kamailio over ws://127.0.0.1, then unregisters them, and prints one JSON line.
// Run by scale.mjs (which starts and stops Kamailio); needs --expose-gc.
//
//   node --expose-gc tests/bench/js/scale-child.mjs --lib sipreg|jssip --n 1000 --ws ws://127.0.0.1:P
//        --kam-pid PID --ctl unix:/path --prefix s1k [--flows 4] [--rate 2000] [--timeout-s 180]
//        [--expires 600] [--soak 0] [--sample 60] [--workers 0] [--handshake]
//
// --soak S (sipreg): after registering, S seconds of refreshes (set --expires 60) with a sample
// every --sample s (heap, RSS, external after a forced GC; registrations not registered), then
// unregister. --handshake: print a {"phase":...} line at each point the parent checks the
// registrar ("registered", "sample", "soaked") and wait for a line on stdin before going on.
// --workers n: the pool's registrations in n worker threads (node/worker-pool.cjs).
//
// sipreg: one RegistrationPool (a few shared WebSocket flows, one timer, paced at --rate commands/s).
// jssip: one UA per AOR (its API has one registration per UA), each with its own WebSocket (a
// small adapter on `ws`), all started in the same tick, as an app would.
// Measured per phase: wall time; client CPU (process.cpuUsage); registrar CPU (utime + stime of
// every Kamailio process from /proc/<pid>/stat); failures. After registering: heap, external
// (ArrayBuffers, incl. the wasm memory) and RSS above the baseline taken after loading the
// library, after a forced GC; the registrar's own count of bindings.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, cliOptions } from './common.mjs';
import { descendants } from '../../registrar/procs.mjs';

const o = cliOptions({
  lib: 'sipreg',
  n: 1000,
  ws: '',
  kamPid: 0,
  ctl: '',
  prefix: 'b',
  flows: 4,
  rate: 2000,
  timeoutS: 180,
  password: 'secret',
  domain: 'example.test',
  expires: 600,
  soak: 0,
  sample: 60,
  workers: 0,
  handshake: 'false',
});
const handshake = o.handshake === 'true';
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

/** CPU ms used so far by every Kamailio process (main and its workers). */
function registrarCpuMs() {
  let ticks = 0;
  for (const pid of [o.kamPid, ...descendants(o.kamPid)]) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      /* exited */
    }
  }
  return (ticks * 1000) / CLK_TCK;
}

/** The registrar's count of AORs with bindings (usrloc statistics). */
function registrarUsers() {
  if (!o.ctl) return null;
  try {
    const out = execFileSync('kamcmd', ['-s', o.ctl, 'stats.get_statistics', 'usrloc:'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    });
    const m = /location_users\s*=\s*(\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** @param {any[]} regs @returns {Record<string, number>} registrations by state */
function countStates(regs) {
  const n = {};
  for (const r of regs) n[r.state] = (n[r.state] ?? 0) + 1;
  return n;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
};
const mem = () => {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss };
};

/**
 * Run one phase: start() returns an array of promises (one per AOR); measure until all settled.
 * @param {() => Promise<unknown>[] | Promise<PromiseSettledResult<unknown>[]>} start
 */
async function phase(start) {
  const c0 = cpuMs(),
    k0 = registrarCpuMs(),
    t0 = performance.now();
  let timer;
  const timeout = new Promise((r) => {
    timer = setTimeout(() => r('timeout'), o.timeoutS * 1000);
  });
  const started = start();
  const all = Array.isArray(started) ? Promise.allSettled(started) : started;
  const res = await Promise.race([all, timeout]);
  clearTimeout(timer);
  const t1 = performance.now(),
    c1 = cpuMs(),
    k1 = registrarCpuMs();
  const failures = res === 'timeout' ? null : res.filter((r) => r.status === 'rejected');
  return {
    wallMs: Math.round(t1 - t0),
    perSecond: Math.round((o.n * 1000) / (t1 - t0)),
    clientCpuMs: Math.round(c1 - c0),
    clientCpuMsPerReg: Math.round(((c1 - c0) / o.n) * 1000) / 1000,
    registrarCpuMs: Math.round(k1 - k0),
    registrarCpuMsPerReg: Math.round(((k1 - k0) / o.n) * 1000) / 1000,
    failures: failures === null ? o.n : failures.length,
    timedOut: res === 'timeout',
    firstFailure: failures?.[0] ? String(failures[0].reason?.message ?? failures[0].reason) : undefined,
  };
}

const aor = (i) => `sip:${o.prefix}${i}@${o.domain}`;

/** Stdin lines from the parent (--handshake), one per check it made. */
const lines = [];
let lineWaiter = null;
if (handshake) {
  let buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
      lines.push(buf.slice(0, i));
      lineWaiter?.();
    }
  });
}
/** Tell the parent where we are (--handshake) and wait for its go. @param {object} what */
async function checkpoint(what) {
  if (!handshake) return;
  process.stdout.write(JSON.stringify(what) + '\n');
  while (!lines.length) await new Promise((r) => (lineWaiter = r));
  lineWaiter = null;
  lines.shift();
}
const out = { lib: o.lib, n: o.n, node: process.version };

if (o.lib === 'sipreg') {
  const { RegistrationPool, core } = await import(pathToFileURL(join(ROOT, 'node/index.mjs')).href);
  await settle();
  const base = mem();
  const wasm0 = core.x.memory.buffer.byteLength;
  const pool = new RegistrationPool({ server: o.ws, flows: o.flows, rate: o.rate, ...(o.workers ? { workers: o.workers } : {}) });
  if (pool.ready) await pool.ready;
  Object.assign(out, { flows: o.flows, rate: o.rate, expires: o.expires, workers: o.workers });
  const t0 = performance.now();
  for (let i = 0; i < o.n; i++) pool.add({ aor: aor(i), auth: { password: o.password }, expires: o.expires });
  if (pool.states) await pool.states(); // workers: their add()s done (a round trip behind them)
  out.addMs = Math.round(performance.now() - t0);
  out.register = await phase(() => pool.registerAll());
  await settle();
  const m = mem();
  out.memory = {
    heapPerReg: Math.round((m.heap - base.heap) / o.n),
    heapTotalPerReg: Math.round((m.heapTotal - base.heapTotal) / o.n),
    externalPerReg: Math.round((m.external - base.external) / o.n),
    rssPerReg: Math.round((m.rss - base.rss) / o.n),
    rssBase: base.rss,
  };
  if (!o.workers) {
    out.memory.wasmMemoryGrowth = core.x.memory.buffer.byteLength - wasm0;
    out.memory.coreStatePerReg = Math.round(pool.registrations.reduce((s, r) => s + r.memory, 0) / o.n);
  }
  out.registrarUsersAfterRegister = registrarUsers();
  await checkpoint({ phase: 'registered', failures: out.register.failures });
  if (o.soak > 0) {
    // refreshes run on their own (the core's timers); sample memory and states meanwhile
    const samples = [];
    const c0 = cpuMs(),
      k0 = registrarCpuMs(),
      s0 = performance.now();
    // samples on the clock (a check's own time counts: the soak lasts --soak s in all)
    for (let k = 1; ; k++) {
      const t = Math.min(k * o.sample, o.soak);
      await new Promise((r) => setTimeout(r, Math.max(0, s0 + t * 1000 - performance.now())));
      await settle();
      const mm = mem();
      const states = pool.states ? await pool.states() : countStates(pool.registrations);
      samples.push({
        t,
        heap: mm.heap,
        rss: mm.rss,
        external: mm.external,
        notRegistered: o.n - (states.registered ?? 0) - (states.refreshing ?? 0),
      });
      await checkpoint({ phase: 'sample', t });
      if (t >= o.soak) break;
    }
    const wall = performance.now() - s0;
    const heaps = samples.map((x) => x.heap);
    out.soak = {
      seconds: o.soak,
      clientCpuMsPerRegPerMin: Math.round(((cpuMs() - c0) / o.n / (wall / 60000)) * 1000) / 1000,
      registrarCpuMsPerRegPerMin: Math.round(((registrarCpuMs() - k0) / o.n / (wall / 60000)) * 1000) / 1000,
      clientCpuPercent: Math.round(((cpuMs() - c0) / wall) * 1000) / 10,
      registrarCpuPercent: Math.round(((registrarCpuMs() - k0) / wall) * 1000) / 10,
      heapFirst: heaps[0],
      heapLast: heaps[heaps.length - 1],
      heapMax: Math.max(...heaps),
      heapGrowthPerRegPerHour: Math.round(
        ((heaps[heaps.length - 1] - heaps[0]) / o.n / Math.max(1, samples[samples.length - 1].t - samples[0].t)) * 3600,
      ),
      rssPerRegLast: Math.round((samples[samples.length - 1].rss - base.rss) / o.n),
      notRegisteredMax: Math.max(...samples.map((x) => x.notRegistered)),
      samples,
    };
  }
  await checkpoint({ phase: 'soaked' });
  out.unregister = await phase(() => pool.unregisterAll());
  out.registrarUsersAfterUnregister = registrarUsers();
  await pool.close();
} else if (o.lib === 'jssip') {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const JsSIP = require('jssip');
  const { WsJsSipSocket } = await import('./jssip-socket.mjs');
  await settle();
  const base = mem();
  const uas = [];
  for (let i = 0; i < o.n; i++) {
    uas.push(
      new JsSIP.UA({
        sockets: [new WsJsSipSocket(o.ws)],
        uri: aor(i),
        password: o.password,
        register: true,
        register_expires: 600,
        session_timers: false,
      }),
    );
  }
  /** A promise per UA that settles on the first of `ok` / `bad` events. */
  const outcome = (ua, ok, bad) =>
    new Promise((resolve, reject) => {
      ua.once(ok, resolve);
      ua.once(bad, (e) => reject(new Error(`${bad}: ${e?.cause ?? 'unknown'}`)));
    });
  out.register = await phase(() =>
    uas.map((ua) => {
      const p = outcome(ua, 'registered', 'registrationFailed');
      ua.start();
      return p;
    }),
  );
  await settle();
  const m = mem();
  out.memory = {
    heapPerReg: Math.round((m.heap - base.heap) / o.n),
    externalPerReg: Math.round((m.external - base.external) / o.n),
    rssPerReg: Math.round((m.rss - base.rss) / o.n),
    rssBase: base.rss,
  };
  out.registrarUsersAfterRegister = registrarUsers();
  out.unregister = await phase(() =>
    uas.map((ua) => {
      const p = outcome(ua, 'unregistered', 'registrationFailed');
      ua.unregister({ all: false });
      return p;
    }),
  );
  out.registrarUsersAfterUnregister = registrarUsers();
  for (const ua of uas) ua.stop();
} else {
  throw new Error(`unknown --lib ${o.lib}`);
}
process.stdout.write(JSON.stringify(out) + '\n');
// sockets close asynchronously; do not wait for stragglers
setTimeout(() => process.exit(0), 200).unref();
