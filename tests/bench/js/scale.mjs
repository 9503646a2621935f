// scale.mjs — the scale benchmark: start the test Kamailio (tests/registrar) on loopback, run each
// case in a fresh Node process (scale-child.mjs), stop Kamailio by PID. Cases, in one run:
// sipreg N=1,000 and JsSIP N=1,000 (alternating, --rounds each), then sipreg N=10,000.
//   node tests/bench/js/scale.mjs [--rounds 2] [--big 10000] [--small 1000] [--flows 4] [--rate 2000]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRegistrar } from '../../registrar/registrar.mjs';
import { summarize, cliOptions } from './common.mjs';

const o = cliOptions({ rounds: 2, small: 1000, big: 10000, flows: 4, rate: 2000, timeoutS: 240 });
const CHILD = fileURLToPath(new URL('./scale-child.mjs', import.meta.url));

const registrar = await startRegistrar();
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
  if (o.big > 0) cases.push({ lib: 'sipreg', n: o.big });
  for (const [i, c] of cases.entries()) {
    const args = [
      '--expose-gc',
      CHILD,
      '--lib',
      c.lib,
      '--n',
      String(c.n),
      '--ws',
      registrar.wsUrl,
      '--kam-pid',
      String(registrar.pid),
      '--ctl',
      registrar.ctlSocket,
      '--prefix',
      `s${i}x`,
      '--flows',
      String(o.flows),
      '--rate',
      String(o.rate),
      '--timeout-s',
      String(o.timeoutS),
    ];
    process.stderr.write(`scale: ${c.lib} N=${c.n} ... `);
    const t0 = performance.now();
    const text = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, timeout: (o.timeoutS * 2 + 60) * 1000 });
    const r = JSON.parse(text.trim().split('\n').pop());
    process.stderr.write(
      `${Math.round(performance.now() - t0)} ms, register ${r.register.wallMs} ms, ` +
        `failures ${r.register.failures}+${r.unregister.failures}\n`,
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
  };
}

const results = {};
for (const key of [...new Set(runs.map((r) => `${r.lib}-${r.n}`))]) {
  results[key] = aggregate(runs.filter((r) => `${r.lib}-${r.n}` === key));
}
let kamailio = '';
try {
  kamailio = execFileSync('kamailio', ['-v'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } }).split(
    '\n',
  )[0];
} catch {
  /* version is informative only */
}
process.stdout.write(JSON.stringify({ kind: 'scale', kamailio, flows: o.flows, rate: o.rate, results, runs }) + '\n');
