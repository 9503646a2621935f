// startup.mjs — cold start: N fresh Node processes per stack (order rotated every round), each
// loading the stack and parsing the first 200 OK (startup-child.mjs). Reports medians with
// min–max of load, first parse, their sum, and the whole process (spawn to exit, incl. Node).
//   node tests/bench/js/startup.mjs [--runs 15]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summarize, cliOptions } from './common.mjs';

const opts = cliOptions({ runs: 15 });
const CHILD = fileURLToPath(new URL('./startup-child.mjs', import.meta.url));
const NAMES = ['sipreg', 'sipreg-parse', 'jssip', 'sipjs', 'sip'];

const runs = Object.fromEntries(NAMES.map((n) => [n, []]));
for (let r = -1; r < opts.runs; r++) {
  // round -1 warms the file cache, discarded
  for (let k = 0; k < NAMES.length; k++) {
    const name = NAMES[(k + Math.max(r, 0)) % NAMES.length];
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [CHILD, name], { encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (r >= 0) runs[name].push({ ...JSON.parse(out), processMs: wall });
  }
}
const results = {};
for (const n of NAMES) {
  const pick = (k) => summarize(runs[n].map((x) => x[k]));
  results[n] = {
    loadMs: pick('loadMs'),
    firstParseMs: pick('firstParseMs'),
    totalMs: pick('totalMs'),
    processMs: pick('processMs'),
    bootMs: pick('bootMs'),
  };
}
process.stdout.write(
  JSON.stringify({ kind: 'startup', unit: 'ms', node: process.version, runs: opts.runs, message: 'a-200-1contact.sip', results }) + '\n',
);
