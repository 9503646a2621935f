// startup-ab.mjs — cold start of two builds of the package side by side (A: before, B: after a
// change), interleaved in one run: each round starts a fresh Node process per (entry, build),
// the order rotated every round, each loading the entry from its package directory and parsing
// the first 200 OK (startup-child.mjs). Prints the medians with min–max and B/A per entry, and
// the load average before and after (the machine is shared: compare ratios of one run).
//   node tests/bench/js/startup-ab.mjs --a DIR --b DIR [--runs 20] [--entries sipreg,sipreg-parse]
// DIR: a package directory as built (node/ or a copy of it with its lib/ and wasm).
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { summarize, cliOptions } from './common.mjs';

const opts = cliOptions({ runs: 20, a: '', b: '', entries: 'sipreg,sipreg-parse' });
if (!opts.a || !opts.b) {
  console.error('usage: node tests/bench/js/startup-ab.mjs --a DIR --b DIR [--runs N] [--entries sipreg,sipreg-parse]');
  process.exit(2);
}
const CHILD = fileURLToPath(new URL('./startup-child.mjs', import.meta.url));
const cases = String(opts.entries)
  .split(',')
  .flatMap((entry) => [
    { entry, build: 'A', dir: opts.a },
    { entry, build: 'B', dir: opts.b },
  ]);
const load0 = loadavg();
const runs = new Map(cases.map((c) => [`${c.entry} ${c.build}`, []]));
for (let r = -1; r < opts.runs; r++) {
  // round -1 warms the file cache, discarded
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(k + Math.max(r, 0)) % cases.length];
    const out = execFileSync(process.execPath, [CHILD, c.entry, c.dir], { encoding: 'utf8' });
    if (r >= 0) runs.get(`${c.entry} ${c.build}`).push(JSON.parse(out));
  }
}
const results = {};
for (const [key, samples] of runs) {
  const pick = (k) => {
    const xs = samples.map((x) => x[k]);
    // the lower quartile too: on a shared machine the slow tail is other processes' work
    return { ...summarize(xs, 2), p25: +[...xs].sort((x, y) => x - y)[Math.floor(xs.length / 4)].toFixed(2) };
  };
  results[key] = { loadMs: pick('loadMs'), firstParseMs: pick('firstParseMs'), totalMs: pick('totalMs') };
}
/** B/A of the total's median and lower quartile, per entry. */
const ratios = {};
for (const entry of String(opts.entries).split(',')) {
  const [a, b] = [results[`${entry} A`].totalMs, results[`${entry} B`].totalMs];
  ratios[entry] = { median: +(b.median / a.median).toFixed(3), p25: +(b.p25 / a.p25).toFixed(3) };
}
const load1 = loadavg();
const out = {
  kind: 'startup-ab',
  unit: 'ms',
  node: process.version,
  runs: opts.runs,
  a: opts.a,
  b: opts.b,
  loadavg: { before: load0, after: load1 },
  ratios,
  results,
};
if (process.stdout.isTTY || opts.table) {
  const fmt = (l) => l.map((x) => x.toFixed(2)).join(' ');
  for (const [key, v] of Object.entries(results)) {
    const t = v.totalMs;
    console.log(
      `${key.padEnd(16)} total ${t.median} (p25 ${t.p25}, ${t.min}–${t.max})  load ${v.loadMs.median}  first parse ${v.firstParseMs.median}`,
    );
  }
  console.log(`B/A total: ${JSON.stringify(ratios)}  load average before ${fmt(load0)}, after ${fmt(load1)}`);
} else process.stdout.write(JSON.stringify(out) + '\n');
