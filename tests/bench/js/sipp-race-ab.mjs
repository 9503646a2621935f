// sipp-race-ab.mjs — A/B runs of sipreg's side of the race (sipp-race-child.mjs) for work on the
// pool's hot path: two builds of the package entry (e.g. a copy of node/ made before a change, and
// the worktree's), interleaved run by run (order alternated) against one test Kamailio over UDP,
// the registrar restarted after each run. Per run: the child's process CPU (utime + stime, read by
// the sh that waited for it, as sipp-race.mjs does), the registerAll() window's CPU, failures.
// Prints the per-entry medians of CPU µs per registration and the load average.
//   node tests/bench/js/sipp-race-ab.mjs --a /tmp/base/node/index.mjs --b node/index.mjs
//        [--rates 1000] [--n 5000] [--rounds 3] [--prof DIR] (each child's --cpu-prof into DIR)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRegistrar } from '../../registrar/registrar.mjs';
import { cliOptions, summarize } from './common.mjs';

const o = cliOptions({ a: '', b: '', rates: '1000', n: 5000, rounds: 3, prof: '', domain: 'example.test' });
if (!o.a || !o.b) throw new Error('sipp-race-ab: --a and --b (paths of node/index.mjs builds) are required');
const CHILD = fileURLToPath(new URL('./sipp-race-child.mjs', import.meta.url));
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const ENTRIES = { a: pathToFileURL(resolve(o.a)).href, b: pathToFileURL(resolve(o.b)).href };
const log = (s) => process.stderr.write(s);

/**
 * One child under sh; sh reads its own cutime + cstime once the child exited.
 * @param {string[]} args @param {string} dir @returns {Promise<{cpuMs: number, out: string}>}
 */
function timed(args, dir) {
  const out = join(dir, 'out.txt');
  const stat = join(dir, 'stat.txt');
  const sh = spawn('sh', ['-c', '"$@" > "$O" 2>&1; rc=$?; cat /proc/$$/stat > "$S"; exit $rc', 'ab', ...args], {
    env: { ...process.env, O: out, S: stat },
    stdio: 'ignore',
  });
  return new Promise((res, rej) => {
    sh.once('error', rej);
    sh.once('close', () => {
      try {
        const s = readFileSync(stat, 'utf8');
        const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
        res({ cpuMs: ((Number(f[13]) + Number(f[14])) * 1000) / TICK, out: readFileSync(out, 'latin1') });
      } catch (e) {
        rej(e);
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'sipreg-race-ab-'));
const registrar = await startRegistrar();
const load = [loadavg()];
const runs = [];
try {
  for (let round = 0; round < o.rounds; round++) {
    for (const rate of String(o.rates).split(',').map(Number)) {
      for (const which of round % 2 ? ['b', 'a'] : ['a', 'b']) {
        const prefix = `ab${round}${which}${rate}`;
        const nodeArgs = o.prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(o.prof)}`, `--cpu-prof-name=${prefix}.cpuprofile`] : [];
        const args = [process.execPath, ...nodeArgs, CHILD, '--server', `sip:127.0.0.1:${registrar.udpPort}`];
        args.push('--n', String(o.n), '--rate', String(rate), '--prefix', prefix, '--domain', o.domain, '--entry', ENTRIES[which]);
        const t = await timed(args, dir);
        let c;
        try {
          c = JSON.parse(t.out.trim().split('\n').pop() ?? '');
        } catch {
          throw new Error(`child exited badly: ${t.out.slice(-2000)}`);
        }
        const r = {
          which,
          rate,
          ok: c.ok,
          failures: c.failures,
          cpuUsPerReg: Math.round((t.cpuMs * 1000) / o.n),
          windowUsPerReg: Math.round(c.windowCpuUs / o.n),
          mainUsPerReg: c.mainThreadTicks === undefined ? null : Math.round((c.mainThreadTicks * 1e6) / TICK / o.n),
          addUsPerReg: Math.round(c.addCpuUs / o.n),
          drops: c.socketDrops,
        };
        log(`${JSON.stringify(r)}\n`);
        runs.push(r);
        await registrar.restart();
      }
    }
  }
} finally {
  await registrar.stop();
  rmSync(dir, { recursive: true, force: true });
}
load.push(loadavg());
const med = (rs, k) =>
  summarize(
    rs.map((r) => r[k]),
    0,
  ).median;
const out = { load: load.map((l) => l.map((x) => Math.round(x * 100) / 100)), results: {} };
for (const rate of String(o.rates).split(',').map(Number)) {
  for (const which of ['a', 'b']) {
    const rs = runs.filter((r) => r.rate === rate && r.which === which);
    out.results[`${which}@${rate}`] = {
      cpuUsPerReg: med(rs, 'cpuUsPerReg'),
      windowUsPerReg: med(rs, 'windowUsPerReg'),
      mainUsPerReg: med(rs, 'mainUsPerReg'),
      addUsPerReg: med(rs, 'addUsPerReg'),
      failures: rs.reduce((s, r) => s + r.failures, 0),
    };
  }
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
