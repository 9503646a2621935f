// compose.mjs — ns per REGISTER (two Contacts, digest Authorization computed fresh, JS string
// out) for JsSIP, SIP.js, sip and sipreg's wasm build, interleaved in one process.
//
// Each contender's step(seq) is timed on its own (the sipreg registration must be fed the 200 OK
// for its REGISTER before it composes the next one, which is not part of composing), so every
// contender is timed per call the same way: performance.now() around the call, minus the
// measured cost of an empty timed call; a round's figure is the mean over its calls.
//   node tests/bench/js/compose.mjs [--rounds 15] [--warmup 3] [--batch-ms 10]
import { summarize, consume, cliOptions } from './common.mjs';

const opts = cliOptions({ rounds: 15, warmup: 3, batchMs: 10 });
const NAMES = ['sipreg', 'jssip', 'sipjs', 'sip'];

const contenders = [];
for (const n of NAMES) {
  const mod = await import(`./contenders/${n}.mjs`);
  const lib = await mod.load();
  contenders.push({ name: mod.name, version: lib.version, comp: lib.composer(), seq: 1 });
}

/** Timed calls of one contender for about batchMs; returns the mean ns of the timed part. */
function batch(c, calls) {
  let total = 0;
  for (let i = 0; i < calls; i++) {
    const seq = ++c.seq;
    const t0 = performance.now();
    const text = c.comp.step(seq);
    const t1 = performance.now();
    total += t1 - t0;
    if (c.comp.after) c.comp.after(text);
    consume(text);
  }
  return (total * 1e6) / calls;
}

/** The cost of an empty timed call (subtracted from every sample). */
function timerOverhead() {
  const xs = [];
  for (let k = 0; k < 15; k++) {
    let total = 0;
    for (let i = 0; i < 20000; i++) {
      const t0 = performance.now();
      consume(i);
      total += performance.now() - t0;
    }
    xs.push((total * 1e6) / 20000);
  }
  return summarize(xs).median;
}

const sample = {};
for (const c of contenders) {
  const text = c.comp.step(++c.seq);
  c.comp.after?.(text);
  sample[c.name] = { bytes: text.length, text };
  // JIT warm-up (about 30 batches' worth), then calls per batch: about batchMs of timed work
  const until = performance.now() + 30 * opts.batchMs;
  while (performance.now() < until) batch(c, 20);
  const per = batch(c, 200);
  c.calls = Math.max(50, Math.round((opts.batchMs * 1e6) / Math.max(per, 100)));
}
const overhead = timerOverhead();
const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
for (let r = -opts.warmup; r < opts.rounds; r++) {
  const shift = ((r % contenders.length) + contenders.length) % contenders.length;
  for (let k = 0; k < contenders.length; k++) {
    const c = contenders[(k + shift) % contenders.length];
    const ns = batch(c, c.calls) - overhead;
    if (r >= 0) samples[c.name].push(ns);
  }
}
const results = {};
for (const c of contenders) {
  results[c.name] = {
    status: 'ok',
    bytes: sample[c.name].bytes,
    calls: c.calls,
    ...summarize(samples[c.name]),
    authorization: /^Authorization: Digest .*response="[0-9a-f]{32}"/m.test(sample[c.name].text),
    contacts: (sample[c.name].text.match(/<sip:/g) ?? []).length - 2,
  };
}
const versions = Object.fromEntries(contenders.map((c) => [c.name, c.version]));
const samplesText = Object.fromEntries(contenders.map((c) => [c.name, sample[c.name].text]));
process.stdout.write(
  JSON.stringify({
    kind: 'compose-js',
    unit: 'ns/REGISTER',
    node: process.version,
    rounds: opts.rounds,
    warmup: opts.warmup,
    batchMs: opts.batchMs,
    timerOverheadNs: Math.round(overhead * 10) / 10,
    versions,
    results,
    sample: samplesText,
  }) + '\n',
);
