// startup.mjs — cold start: N fresh Node processes per stack (order rotated every round), each
// loading the stack and parsing the first 200 OK (startup-child.mjs). Reports medians with
// min–max of load, first parse, their sum, and the whole process (spawn to exit, incl. Node);
// `phases`: sipreg's cold start in pieces (glue import, wasm, first parse in wasm and in JS).
//   node tests/bench/js/startup.mjs [--runs 15]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summarize, cliOptions } from './common.mjs';

const opts = cliOptions({ runs: 15 });
const CHILD = fileURLToPath(new URL('./startup-child.mjs', import.meta.url));
const NAMES = ['sipreg', 'sipreg-parse', 'jssip', 'sipjs', 'sip'];
/** Where sipreg's milliseconds go (startup-child.mjs sipreg-phases), one more process per round. */
const PHASES = ['glueMs', 'wasmMs', 'firstParseWasmMs', 'firstParseJsMs', 'totalMs'];
const phaseRuns = [];

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
  const out = execFileSync(process.execPath, [CHILD, 'sipreg-phases'], { encoding: 'utf8' });
  if (r >= 0) phaseRuns.push(JSON.parse(out));
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
const phases = Object.fromEntries(
  PHASES.map((k) => [
    k,
    summarize(
      phaseRuns.map((x) => x[k]),
      2,
    ),
  ]),
);
process.stdout.write(
  JSON.stringify({ kind: 'startup', unit: 'ms', node: process.version, runs: opts.runs, message: 'a-200-1contact.sip', results, phases }) +
    '\n',
);
