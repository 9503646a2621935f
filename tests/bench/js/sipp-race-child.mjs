// sipp-race-child.mjs — sipreg's side of the race (sipp-race.mjs), in a process of its own: one
// RegistrationPool over UDP (one shared socket) registers N AORs through the registrar's 401 at the
// offered rate, then prints one JSON line and exits without unregistering (the parent counts the
// bindings in ul.dump). The process CPU is measured by the parent; the window's own (from the
// first register to the last settled one) is measured here with process.cpuUsage().
//   node sipp-race-child.mjs --server sip:127.0.0.1:5060 --n 5000 --rate 1000 --prefix r0 [--flows 1]
//                            [--entry path/to/node/index.mjs] (another build, for A/B runs)
import { readFileSync, readdirSync } from 'node:fs';
import { cliOptions } from './common.mjs';
import { udpDrops } from './udp-drops.mjs';

const o = cliOptions({
  server: '',
  n: 1000,
  rate: 1000,
  prefix: 'race',
  flows: 1,
  domain: 'example.test',
  password: 'secret',
  entry: new URL('../../../node/index.mjs', import.meta.url).href,
});
if (!o.server) throw new Error('sipp-race-child: --server sip:host:port is required');

const t0 = performance.now();
const { RegistrationPool } = await import(o.entry);
const loadMs = performance.now() - t0;

const cpuAdd = process.cpuUsage();
const pool = new RegistrationPool({ server: o.server, rate: o.rate, flows: o.flows, maxRegistrations: Math.max(o.n, 1) });
for (let i = 0; i < o.n; i++) pool.add({ aor: `sip:${o.prefix}u${i}@${o.domain}`, auth: { password: o.password } });

const addCpu = process.cpuUsage(cpuAdd);
const cpu0 = process.cpuUsage();
const w0 = performance.now();
const results = await pool.registerAll();
const wallMs = performance.now() - w0;
const cpu = process.cpuUsage(cpu0);

const failed = results.filter((r) => r.status === 'rejected');
const firstError = failed.length ? String(failed[0].reason?.message ?? failed[0].reason) : null;
const out = {
  lib: 'sipreg',
  n: o.n,
  rate: o.rate,
  ok: results.length - failed.length,
  failures: failed.length,
  firstError,
  loadMs: Math.round(loadMs * 10) / 10,
  wallMs: Math.round(wallMs),
  windowCpuUs: cpu.user + cpu.system,
  addCpuUs: addCpu.user + addCpu.system,
  rssBytes: process.memoryUsage().rss,
  // responses the kernel dropped on the pool's socket (its receive buffer full: a burst too big)
  socketDrops: udpDrops(pool.registrations[0]?.flow?.local?.port ?? 0),
};
// the main thread's CPU (utime + stime, clock ticks) of the whole run: the rest of the process's
// is V8's own threads (the optimizing compiler, GC helpers), which SIPp has no counterpart of
try {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  out.mainThreadTicks = Number(f[11]) + Number(f[12]);
  // every thread's ticks by its name (V8's compiler and GC threads, libuv's pool)
  out.threadTicks = {};
  for (const tid of readdirSync('/proc/self/task')) {
    const t = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = t.slice(t.indexOf('(') + 1, t.lastIndexOf(')'));
    const g = t.slice(t.lastIndexOf(')') + 2).split(' ');
    out.threadTicks[`${name}-${tid}`] = Number(g[11]) + Number(g[12]);
  }
} catch {
  /* no /proc: left out */
}
// no pool.close(): like SIPp, the process ends with its registrations (exit frees the socket)
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
