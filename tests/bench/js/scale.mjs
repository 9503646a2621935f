// scale.mjs — the scale benchmark: start the test Kamailio (tests/registrar) on loopback, sized for
// the largest case, run each case in a fresh Node process (scale-child.mjs), stop Kamailio by PID.
// Cases, in one run: sipreg N=1,000 and JsSIP N=1,000 (alternating, --rounds each), then sipreg
// N=--big. The big case is checked against the registrar's own table: after registering, every
// AOR has its binding (`ul.lookup`, one per AOR), and after unregistering none has.
//   node tests/bench/js/scale.mjs [--rounds 2] [--big 10000] [--small 1000] [--flows 4] [--rate 2000]
// 100,000 registrations and 10 minutes of refreshes at expires 60 s (not part of scripts/test.sh):
//   node tests/bench/js/scale.mjs --rounds 0 --big 100000 --soak 600 [--sample 60]
// --workers 0,1,2: the big case once per count (0: the pool in this thread; n: RegistrationPool
// with workers: n, node/worker-pool.cjs), e.g. the 1- vs 2-worker scaling at 10,000 and 100,000.
// --soak S: after registering, S seconds of refreshes (expires --expires, 60 with --soak) with a
// check every --sample s: every AOR still bound at the registrar (0 lapses) and the client's
// heap after a forced GC (flat heap); then unregister.
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRegistrar } from '../../registrar/registrar.mjs';
import { summarize, cliOptions } from './common.mjs';

const o = cliOptions({
  rounds: 2,
  small: 1000,
  big: 10000,
  flows: 4,
  rate: 2000,
  timeoutS: 240,
  soak: 0,
  sample: 60,
  expires: 0,
  workers: '0',
});
const workerCounts = String(o.workers)
  .split(',')
  .map((w) => Number(w.trim()));
const expires = o.expires || (o.soak > 0 ? 60 : 600);
const CHILD = fileURLToPath(new URL('./scale-child.mjs', import.meta.url));
const DOMAIN = 'example.test';
const biggest = Math.max(o.big, o.small);

// usrloc keeps every binding in shared memory (~1.9 KB each measured at 10,000 with this config:
// `kamcmd core.shmmem`), the WebSocket connections ~83 KiB each: room for twice that, and a hash
// table of about one slot per 4 AORs
const shmMb = Math.max(256, 64 + Math.ceil((biggest * 4) / 1024));
const usrlocHashSize = Math.min(16, Math.max(10, Math.ceil(Math.log2(biggest / 4))));
const registrar = await startRegistrar({ shmMb, usrlocHashSize });

/**
 * The registrar's view of the AORs of one case: how many are bound (expires left > 0).
 * @param {string} prefix @param {number} n
 */
async function bound(prefix, n) {
  const t0 = performance.now();
  const aors = Array.from({ length: n }, (_, i) => `${prefix}${i}@${DOMAIN}`);
  const live = new Set();
  for (const b of await registrar.lookup(aors)) if (typeof b.expires === 'number' && b.expires > 0) live.add(b.aor);
  return { bound: live.size, missing: n - live.size, ms: Math.round(performance.now() - t0) };
}

/**
 * Run one case in a fresh process; with `check`, it stops at each checkpoint while the
 * registrar's table is read.
 * @returns {Promise<object>} the child's result (+ checks)
 */
function runCase(c, i, check) {
  const prefix = `s${i}x`;
  const args = ['--expose-gc', CHILD, '--lib', c.lib, '--n', String(c.n), '--ws', registrar.wsUrl, '--kam-pid', String(registrar.pid)];
  args.push('--ctl', registrar.ctlSocket, '--prefix', prefix, '--flows', String(o.flows), '--rate', String(o.rate));
  args.push('--timeout-s', String(o.timeoutS), '--expires', String(c.big ? expires : 600));
  if (c.big && o.soak > 0) args.push('--soak', String(o.soak), '--sample', String(o.sample));
  if (c.workers) args.push('--workers', String(c.workers));
  if (check) args.push('--handshake');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const checks = [];
  let last = '';
  let buf = '';
  let queue = Promise.resolve();
  /** a registrar check that failed (the case fails with it) */
  let failure = null;
  const t0 = performance.now();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    for (let j; (j = buf.indexOf('\n')) >= 0; buf = buf.slice(j + 1)) {
      const line = buf.slice(0, j);
      let msg = null;
      try {
        msg = JSON.parse(line);
      } catch {
        /* not ours */
      }
      if (!msg?.phase) {
        last = line;
        continue;
      }
      // a checkpoint: read the registrar's table, then let the child go on
      queue = queue
        .then(async () => {
          const r = msg.phase === 'soaked' ? null : await bound(prefix, c.n);
          if (r) {
            checks.push({ phase: msg.phase, t: msg.t ?? 0, atS: Math.round((performance.now() - t0) / 1000), ...r });
            process.stderr.write(`  [${msg.phase}${msg.t ? ` ${msg.t} s` : ''}: ${r.bound} of ${c.n} bound (${r.ms} ms)] `);
          }
          child.stdin.write('go\n');
        })
        .catch((e) => {
          // a check that failed ends the case with its cause (the child would wait for 'go')
          failure ??= e;
          child.kill('SIGKILL');
        });
    }
  });
  const limit = (o.timeoutS * 2 + 60 + (c.big ? o.soak * 1.5 + (c.n / 1000) * 4 : 0)) * 1000;
  const timer = setTimeout(() => child.kill('SIGKILL'), limit);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      await queue;
      if (failure) return reject(failure);
      if (code !== 0) {
        reject(new Error(`scale-child ${c.lib} N=${c.n} exited with ${code ?? signal}`));
        return;
      }
      try {
        const r = JSON.parse(last);
        if (check) {
          r.checks = checks;
          const after = await bound(prefix, c.n);
          r.checks.push({ phase: 'unregistered', ...after });
          r.registrarBoundAfterRegister = checks.find((x) => x.phase === 'registered')?.bound ?? null;
          r.registrarBoundAfterUnregister = after.bound;
          r.lapses = checks.filter((x) => x.phase === 'sample').reduce((s, x) => s + x.missing, 0);
        }
        resolve(r);
      } catch (e) {
        reject(e); // the child's last line unreadable, or the last check failed
      }
    });
  });
}

const runs = [];
try {
  const cases = [];
  for (let r = 0; r < o.rounds; r++) {
    const pair = [
      { lib: 'sipreg', n: o.small },
      { lib: 'jssip', n: o.small },
    ];
    cases.push(...(r % 2 ? pair.reverse() : pair));
  }
  if (o.big > 0) for (const workers of workerCounts) cases.push({ lib: 'sipreg', n: o.big, big: true, workers });
  for (const [i, c] of cases.entries()) {
    process.stderr.write(`scale: ${c.lib} N=${c.n}${c.workers ? ` workers=${c.workers}` : ''} ... `);
    const t0 = performance.now();
    const r = await runCase(c, i, !!c.big);
    process.stderr.write(
      `${Math.round(performance.now() - t0)} ms, register ${r.register.wallMs} ms, ` +
        `failures ${r.register.failures}+${r.unregister.failures}${r.lapses !== undefined ? `, lapses ${r.lapses}` : ''}\n`,
    );
    runs.push(r);
    await new Promise((res) => setTimeout(res, 2500)); // let Kamailio free closed connections
  }
} finally {
  await registrar.stop();
}

/** Medians (min–max) over the runs of one case. */
function aggregate(list) {
  const pick = (f) => summarize(list.map(f), 4);
  const sum = (f) => list.reduce((s, x) => s + f(x), 0);
  return {
    runs: list.length,
    register: {
      wallMs: pick((r) => r.register.wallMs),
      perSecond: pick((r) => r.register.perSecond),
      clientCpuMsPerReg: pick((r) => r.register.clientCpuMsPerReg),
      registrarCpuMsPerReg: pick((r) => r.register.registrarCpuMsPerReg),
    },
    unregister: {
      wallMs: pick((r) => r.unregister.wallMs),
      clientCpuMsPerReg: pick((r) => r.unregister.clientCpuMsPerReg),
      registrarCpuMsPerReg: pick((r) => r.unregister.registrarCpuMsPerReg),
    },
    memory: {
      heapPerReg: pick((r) => r.memory.heapPerReg),
      externalPerReg: pick((r) => r.memory.externalPerReg),
      rssPerReg: pick((r) => r.memory.rssPerReg),
      ...(list[0].memory.coreStatePerReg !== undefined ? { coreStatePerReg: pick((r) => r.memory.coreStatePerReg) } : {}),
    },
    failures: sum((r) => r.register.failures + r.unregister.failures),
    registrarUsersAfterRegister: list.map((r) => r.registrarUsersAfterRegister),
    registrarUsersAfterUnregister: list.map((r) => r.registrarUsersAfterUnregister),
    ...(list[0].checks
      ? {
          registrarBoundAfterRegister: list.map((r) => r.registrarBoundAfterRegister),
          registrarBoundAfterUnregister: list.map((r) => r.registrarBoundAfterUnregister),
          lapses: sum((r) => r.lapses),
        }
      : {}),
    ...(list[0].soak ? { soak: list.map(({ soak: { samples, ...rest } }) => rest) } : {}),
  };
}

const results = {};
const keyOf = (r) => `${r.lib}-${r.n}${r.workers ? `-w${r.workers}` : ''}`;
for (const key of [...new Set(runs.map(keyOf))]) {
  results[key] = aggregate(runs.filter((r) => keyOf(r) === key));
}
let kamailio = '';
try {
  kamailio = execFileSync('kamailio', ['-v'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } }).split(
    '\n',
  )[0];
} catch {
  /* version is informative only */
}
const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
process.stdout.write(
  JSON.stringify({ kind: 'scale', kamailio, shmMb, usrlocHashSize, flows: o.flows, rate: o.rate, load, results, runs }) + '\n',
);
