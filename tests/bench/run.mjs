// run.mjs — runs every benchmark (tests/bench/README.md), writes tests/bench/results/*.json,
// bench-results.json and summary.md, and prints the summary. scripts/bench.sh builds what this
// needs first (native benchmark, wasm + node package, the composed REGISTER sample).
//   node tests/bench/run.mjs [--quick] [--only parse,compose,callgrind,size,startup,scale,race]
//                            [--out DIR] [--scale-big 10000] [--scale-rounds 2] [--rate 5000]
//                            [--race-n 5000] [--race-rates 500,1000,2000] [--race-rounds 2]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, basename } from 'node:path';
import { cpus, totalmem, loadavg, release } from 'node:os';
import { RESULTS_DIR, BUILD_DIR, FIXTURES, COMPOSED, ROOT, cliOptions } from './js/common.mjs';
import { renderSummary } from './summary.mjs';

const o = cliOptions({
  quick: 'false',
  only: 'parse,compose,callgrind,size,startup,scale,race',
  out: RESULTS_DIR,
  scaleBig: 10000,
  scaleWorkers: '0,1,2',
  scaleSmall: 1000,
  scaleRounds: 2,
  rate: 5000,
  flows: 4,
  raceN: 5000,
  raceRates: '500,1000,2000',
  raceRounds: 2,
});
const quick = o.quick === 'true';
const only = new Set(o.only.split(','));
const NATIVE = join(BUILD_DIR, 'native/bench_native');
const JS = join(ROOT, 'tests/bench/js');
mkdirSync(o.out, { recursive: true });

const log = (s) => process.stderr.write(`${s}\n`);
const node = (script, args) =>
  JSON.parse(
    execFileSync(process.execPath, [join(JS, script), ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
const save = (name, data) => writeFileSync(join(o.out, `${name}.json`), `${JSON.stringify(data, null, 1)}\n`);
const load = (name) => (existsSync(join(o.out, `${name}.json`)) ? JSON.parse(readFileSync(join(o.out, `${name}.json`), 'utf8')) : null);
const timings = {};
async function step(name, fn) {
  if (!only.has(name)) return;
  log(`== ${name}`);
  const t0 = performance.now();
  await fn();
  timings[name] = Math.round((performance.now() - t0) / 100) / 10;
  log(`   ${timings[name]} s`);
}

const messages = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.sip'))
    .sort()
    .map((f) => join(FIXTURES, f)),
  ...(existsSync(COMPOSED) ? [COMPOSED] : []),
];
const R = quick ? ['--rounds', '2', '--warmup', '1', '--batch-ms', '1'] : ['--rounds', '15', '--warmup', '3', '--batch-ms', '10'];
const RN = quick ? ['--rounds', '2', '--batch-ms', '0.5'] : ['--rounds', '15', '--batch-ms', '5'];

await step('parse', async () => {
  const native = JSON.parse(execFileSync(NATIVE, ['parse', ...RN, ...messages], { encoding: 'utf8' }));
  save('parse-native', native);
  save('parse-js', node('parse.mjs', R));
});

await step('compose', async () => {
  save('compose-native', JSON.parse(execFileSync(NATIVE, ['compose', ...RN, join(FIXTURES, 'c-401-digest.sip')], { encoding: 'utf8' })));
  save('compose-js', node('compose.mjs', R));
});

await step('callgrind', async () => {
  // instructions per operation inside cg_loop(): total Ir of n operations / n
  const n = quick ? 20 : 200;
  const out = { tool: '', n, parse: {}, compose: {} };
  const dir = join(BUILD_DIR, 'callgrind');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ir = (args) => {
    const file = join(dir, `cg.${Object.keys(out.parse).length}.${Date.now()}.out`);
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--collect-atstart=no',
        '--toggle-collect=cg_loop*',
        `--callgrind-out-file=${file}`,
        NATIVE,
        'callgrind',
        ...args,
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    const m = /^summary:\s*(\d+)/m.exec(readFileSync(file, 'utf8')) ?? /^totals:\s*(\d+)/m.exec(readFileSync(file, 'utf8'));
    return Math.round(Number(m[1]) / n);
  };
  out.tool = execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  for (const f of messages) {
    const name = basename(f);
    out.parse[name] = {};
    for (const c of ['sipreg-native', 'libosip2', 'memchr', 'memchr-lines', 'sipreg-native-json']) {
      out.parse[name][c] = ir(['parse', c, f, String(n)]);
    }
  }
  for (const c of ['sipreg-native', 'libosip2']) out.compose[c] = ir(['compose', c, join(FIXTURES, 'c-401-digest.sip'), String(n)]);
  save('callgrind', out);
});

await step('size', async () => save('size', node('size.mjs', [])));

await step('startup', async () => save('startup', node('startup.mjs', ['--runs', quick ? '2' : '15'])));

await step('scale', async () => {
  const args = quick
    ? ['--rounds', '1', '--small', '50', '--big', '0', '--rate', String(o.rate), '--flows', '2']
    : [
        '--rounds',
        String(o.scaleRounds),
        '--small',
        String(o.scaleSmall),
        '--big',
        String(o.scaleBig),
        '--rate',
        String(o.rate),
        '--flows',
        String(o.flows),
        '--workers',
        String(o.scaleWorkers),
      ];
  save('scale', node('scale.mjs', args));
});

// SIPp and sipreg's UDP pool, the same REGISTER-through-401 work at the same offered rates
await step('race', async () => {
  const args = quick
    ? ['--rates', '1000', '--n', '500', '--rounds', '1']
    : ['--rates', String(o.raceRates), '--n', String(o.raceN), '--rounds', String(o.raceRounds)];
  save('race', node('sipp-race.mjs', args));
});

// ---- machine and merged results ----
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine =
  `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, ` +
  `Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} at the end`;
const versionOf = (cmd, args, re) => {
  try {
    return (re.exec(execFileSync(cmd, args, { encoding: 'utf8' })) ?? [])[1] ?? '';
  } catch {
    return '';
  }
};
const tools = {
  gcc: versionOf('gcc', ['--version'], /(\d+\.\d+\.\d+)/),
  libosip2: versionOf('pkg-config', ['--modversion', 'libosip2'], /(\S+)/),
  emcc: versionOf('emcc', ['--version'], /(\d+\.\d+\.\d+)/),
  valgrind: versionOf('valgrind', ['--version'], /(\S+)/),
};

const parseNative = load('parse-native'),
  parseJs = load('parse-js');
const composeNative = load('compose-native'),
  composeJs = load('compose-js');
const size = load('size'),
  startup = load('startup'),
  scale = load('scale'),
  race = load('race'),
  callgrind = load('callgrind');

const parseNs = {};
for (const src of [parseNative?.results, parseJs?.results]) {
  for (const [msg, per] of Object.entries(src ?? {})) {
    parseNs[msg] ??= {};
    for (const [c, r] of Object.entries(per)) parseNs[msg][c] = r.status === 'rejected' ? null : r.median;
  }
}
const composeNs = {};
for (const src of [composeNative?.results, composeJs?.results]) {
  for (const [c, r] of Object.entries(src ?? {})) composeNs[c] = r.median;
}
const merged = {
  date: Object.keys(timings).length ? new Date().toISOString() : (load('bench-results')?.date ?? new Date().toISOString()),
  machine: Object.keys(timings).length ? machine : (load('bench-results')?.machine ?? machine),
  tools,
  versions: { ...(parseJs?.versions ?? {}), ...(size?.versions ?? {}) },
  parse_ns: parseNs,
  parse_status: Object.fromEntries(
    Object.entries({ ...parseNative?.results }).map(([msg, per]) => [
      msg,
      Object.fromEntries(
        Object.entries({ ...per, ...(parseJs?.results?.[msg] ?? {}) }).map(([c, r]) => [
          c,
          r.status === 'ok' ? 'ok' : `${r.status}: ${r.why}`,
        ]),
      ),
    ]),
  ),
  compose_ns: composeNs,
  size_gzip_bytes: size ? Object.fromEntries(Object.entries(size.results).map(([k, v]) => [k, v.total.gzip])) : {},
  scale: scale?.results ?? {},
  race: race?.results ?? {},
  startup_ms: startup ? Object.fromEntries(Object.entries(startup.results).map(([k, v]) => [k, v.totalMs.median])) : {},
  callgrind_ir: callgrind ? { parse: callgrind.parse, compose: callgrind.compose } : {},
  // steps not run this time keep their last duration
  step_seconds: { ...(load('bench-results')?.step_seconds ?? {}), ...timings },
};
writeFileSync(join(o.out, 'bench-results.json'), `${JSON.stringify(merged, null, 1)}\n`);
const md = renderSummary({ merged, parseNative, parseJs, composeNative, composeJs, size, startup, scale, callgrind, race });
writeFileSync(join(o.out, 'summary.md'), md);
process.stdout.write(md);
