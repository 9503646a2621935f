// summary.mjs — the markdown summary of one benchmark run (results/summary.md): headline ratios,
// the issue's targets with met / missed, then every table in detail.

const HEADLINE_MSG = 'b2-200-10contacts-notel.sip'; // the 10-binding 200 OK every contender accepts
const KIB = 1024;

/** @param {number|null|undefined} ns */
export function fmtNs(ns) {
  if (ns === null || ns === undefined || Number.isNaN(ns)) return '—';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}
const ratio = (them, us) => (them && us ? them / us : null);
const fmtX = (x) =>
  x === null || x === undefined ? '—' : x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
const fmtKB = (b) => (b === undefined ? '—' : `${(b / 1000).toFixed(1)} KB`);
const range = (s, f = fmtNs) => (s ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : '—');
const ms = (x) => (x === undefined || x === null ? '—' : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
const yes = (ok) => (ok === null ? 'n/a' : ok ? '**met**' : '**missed**');

/** @param {string[]} head @param {string[][]} rows */
function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderSummary({ merged, parseNative, parseJs, composeNative, composeJs, size, startup, scale, callgrind, race }) {
  const P = merged.parse_ns ?? {};
  const C = merged.compose_ns ?? {};
  const out = [];
  out.push(`# sipreg benchmarks — ${merged.date.slice(0, 10)}`, '');
  out.push(
    `Machine: ${merged.machine}. Tools: gcc ${merged.tools.gcc}, libosip2 ${merged.tools.libosip2}, ` +
      `emcc ${merged.tools.emcc}, valgrind ${merged.tools.valgrind}. Versions: ` +
      Object.entries(merged.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') +
      '.',
    '',
  );
  out.push('Ratios are contender time ÷ sipreg time (above 1×: sipreg is faster / smaller), from the same run.', '');

  // ---- headline ----
  const h = P[HEADLINE_MSG] ?? {};
  const s10k = scale?.results?.['sipreg-10000'];
  const s1k = scale?.results?.['sipreg-1000'];
  const j1k = scale?.results?.['jssip-1000'];
  const sz = size?.results;
  const st = startup?.results;
  const rows = [];
  /** A wasm row: sipreg's time, then JsSIP, SIP.js, sip and native libosip2 as ratios to it. */
  const wasmRow = (label, t) => [
    label,
    fmtNs(t['sipreg-wasm']),
    ...[t.jssip, t.sipjs, t.sip].map((x) => fmtX(ratio(x, t['sipreg-wasm']))),
    `${fmtX(ratio(t.libosip2, t['sipreg-wasm']))} (native)`,
  ];
  if (h['sipreg-wasm']) rows.push(wasmRow('parse, 10-binding 200 OK, wasm through the JS API', h));
  if (h['sipreg-native']) {
    rows.push(['parse, 10-binding 200 OK, native', fmtNs(h['sipreg-native']), '', '', '', fmtX(ratio(h.libosip2, h['sipreg-native']))]);
  }
  if (C['sipreg-wasm']) rows.push(wasmRow('compose REGISTER (2 Contacts + Authorization), wasm → JS string', C));
  if (C['sipreg-native'])
    rows.push(['compose REGISTER, native', fmtNs(C['sipreg-native']), '', '', '', fmtX(ratio(C.libosip2, C['sipreg-native']))]);
  if (sz) {
    rows.push([
      'browser bundle, minified + gzip -9 (wasm + glue)',
      fmtKB(sz.sipreg.total.gzip),
      fmtX(ratio(sz.jssip.total.gzip, sz.sipreg.total.gzip)),
      fmtX(ratio(sz.sipjs.total.gzip, sz.sipreg.total.gzip)),
      'n/a (Node only)',
      '',
    ]);
  }
  if (st) {
    rows.push([
      'cold start: load + first parse, fresh Node (package entry)',
      ms(st.sipreg.totalMs.median),
      fmtX(ratio(st.jssip.totalMs.median, st.sipreg.totalMs.median)),
      fmtX(ratio(st.sipjs.totalMs.median, st.sipreg.totalMs.median)),
      fmtX(ratio(st.sip.totalMs.median, st.sipreg.totalMs.median)),
      '',
    ]);
  }
  if (s1k && j1k) {
    rows.push([
      'scale N=1,000: client CPU per registration',
      ms(s1k.register.clientCpuMsPerReg.median),
      fmtX(ratio(j1k.register.clientCpuMsPerReg.median, s1k.register.clientCpuMsPerReg.median)),
      '',
      '',
      '',
    ]);
    rows.push([
      'scale N=1,000: JS heap per registration',
      `${(s1k.memory.heapPerReg.median / KIB).toFixed(1)} KiB`,
      fmtX(ratio(j1k.memory.heapPerReg.median, s1k.memory.heapPerReg.median)),
      '',
      '',
      '',
    ]);
  }
  out.push('## Headline', '', table(['benchmark', 'sipreg', 'vs JsSIP', 'vs SIP.js', 'vs sip', 'vs libosip2'], rows), '');

  // ---- targets ----
  const t = [];
  const add = (what, value, ok) => t.push([what, value, yes(ok)]);
  const rJ = ratio(h.jssip, h['sipreg-wasm']);
  if (rJ !== null) add('parse 10-binding 200 OK: sipreg wasm-through-JS ≥ 30× faster than JsSIP', fmtX(rJ), rJ >= 30);
  const rO = ratio(h.libosip2, h['sipreg-wasm']);
  if (rO !== null) add('… and ≥ 2× faster than native libosip2', fmtX(rO), rO >= 2);
  const rN = ratio(h.libosip2, h['sipreg-native']);
  if (rN !== null) add('parse: sipreg native ≥ 5× faster than libosip2', fmtX(rN), rN >= 5);
  const rM = ratio(h['sipreg-native'], h.memchr);
  if (rM !== null) {
    add(
      'parse: sipreg native within 20× of the memchr floor',
      `${fmtX(rM)} of memchr (${fmtX(ratio(h['sipreg-native'], h['memchr-lines']))} of memchr per line)`,
      rM <= 20,
    );
  }
  const cJ = ratio(C.jssip, C['sipreg-wasm']),
    cS = ratio(C.sipjs, C['sipreg-wasm']);
  if (cJ !== null) add('compose: sipreg wasm ≥ 5× faster than JsSIP and SIP.js', `${fmtX(cJ)} / ${fmtX(cS)}`, cJ >= 5 && cS >= 5);
  if (sz) {
    add(
      'size: sipreg wasm + glue ≤ 20 KiB gzipped',
      `${fmtKB(sz.sipreg.total.gzip)} (wasm ${fmtKB(sz.sipreg.wasm.gzip)} + glue ${fmtKB(sz.sipreg.js.gzip)})`,
      sz.sipreg.total.gzip <= 20 * KIB,
    );
    if (sz.sipreg.wasm.printfFamily)
      add(
        'size: no printf family in the wasm',
        sz.sipreg.wasm.printfFamily.length ? sz.sipreg.wasm.printfFamily.join(', ') : 'none found',
        sz.sipreg.wasm.printfFamily.length === 0,
      );
  }
  if (st)
    add(
      'cold start: load + first 200 OK parse in a fresh Node ≤ 5 ms',
      `${ms(st.sipreg.totalMs.median)} (package entry); ${ms(st['sipreg-parse']?.totalMs.median)} (the sipreg/parse entry)`,
      st.sipreg.totalMs.median <= 5,
    );
  if (s10k) {
    add(
      'scale: 10,000 registrations, 0 failures',
      `${s10k.failures} failures; registered in ${(s10k.register.wallMs.median / 1000).toFixed(1)} s`,
      s10k.failures === 0,
    );
  }
  if (s1k && j1k) {
    const c = s1k.register.clientCpuMsPerReg.median,
      j = j1k.register.clientCpuMsPerReg.median;
    add("scale: client CPU per registration ≤ 1/10 of JsSIP's (N=1,000)", `${ms(c)} vs ${ms(j)} (1/${(j / c).toFixed(1)})`, c <= j / 10);
  }
  const big = s10k ?? s1k;
  if (big) {
    const c = big.register.clientCpuMsPerReg.median,
      k = big.register.registrarCpuMsPerReg.median;
    add(`scale: client CPU per registration below the registrar's (N=${big === s10k ? '10,000' : '1,000'})`, `${ms(c)} vs ${ms(k)}`, c < k);
    const heap = big.memory.heapPerReg.median,
      ext = big.memory.externalPerReg.median;
    add(
      'scale: ≤ 4 KiB of heap per registration',
      `JS heap ${(heap / KIB).toFixed(1)} KiB + wasm/ArrayBuffers ${(ext / KIB).toFixed(1)} KiB = ${((heap + ext) / KIB).toFixed(1)} KiB`,
      heap + ext <= 4 * KIB,
    );
  }
  for (const [rate, r] of Object.entries(race?.results ?? {})) {
    const us = r.sipreg.cpuUsPerReg?.median,
      them = r.sipp.cpuUsPerReg?.median;
    if (us === undefined || them === undefined) continue;
    add(
      `race: sipreg client CPU per registration ≤ SIPp's (UDP, ${rate} reg/s offered)`,
      `${us} µs vs ${them} µs (${(us / them).toFixed(2)}×; register window only: ${r.sipreg.windowCpuUsPerReg?.median} µs)`,
      us <= them,
    );
  }
  out.push('## Targets (issue 6)', '', table(['target', 'measured', ''], t), '');

  // ---- parse detail ----
  if (parseNative || parseJs) {
    const msgs = Object.keys(P);
    const names = [
      'sipreg-native',
      'sipreg-wasm',
      'libosip2',
      'jssip',
      'sipjs',
      'sip',
      'memchr',
      'memchr-lines',
      'encodeInto',
      'sipreg-native-json',
    ];
    const cell = (msg, c) => {
      const r = parseNative?.results?.[msg]?.[c] ?? parseJs?.results?.[msg]?.[c];
      if (!r) return '—';
      if (r.status === 'rejected') return 'rejects';
      return `${range(r)}${r.status === 'partial' ? ' ‡' : ''}`;
    };
    out.push(
      '## Parse: ns per message, median (min–max) over rounds',
      '',
      'Every contender walks Call-ID, CSeq, each Contact binding (URI, expires, q), each challenge and Expires/Min-Expires. ' +
        'Native: C at -O2, one process, batches rotated per round. JS: one Node process, the message as a JS string; ' +
        "sipreg-wasm = `parse()` (the core's view tape built into JS objects: bindings, URIs as text). " +
        "`sipreg-native-json` = the same JSON view produced natively (the wasm path's C work). " +
        'Floors: `memchr` = one memchr over the bytes, `memchr-lines` = a memchr per line, `encodeInto` = TextEncoder.encodeInto of the string.',
      '',
      table(
        ['message', 'bytes', ...names],
        msgs.map((m) => [m, String(parseNative?.results?.[m]?.['sipreg-native']?.bytes ?? ''), ...names.map((c) => cell(m, c))]),
      ),
      '',
    );
    const rej = [];
    for (const m of msgs) {
      for (const [c, r] of Object.entries({ ...parseNative?.results?.[m], ...parseJs?.results?.[m] })) {
        if (r.status !== 'ok') rej.push(`- ${m}: **${c}** ${r.status === 'rejected' ? 'rejects it' : 'parses it partly (‡)'} — ${r.why}`);
      }
    }
    if (rej.length) out.push('Rejections:', '', ...rej, '');
  }

  // ---- compose detail ----
  if (composeNative || composeJs) {
    const rowsC = [];
    for (const [c, r] of Object.entries({ ...composeNative?.results, ...composeJs?.results })) {
      rowsC.push([c, range(r), String(r.bytes), fmtX(ratio(r.median, C['sipreg-wasm'])), fmtX(ratio(r.median, C['sipreg-native']))]);
    }
    out.push(
      '## Compose: ns per REGISTER, median (min–max)',
      '',
      'Two Contacts (expires, q, +sip.instance, reg-id), Expires, Supported, User-Agent, and a digest Authorization computed for the ' +
        "fixture's 401 (MD5, qop=auth) each time. JS contenders: the path their stacks take for each REGISTER " +
        '(JsSIP: OutgoingRequest + DigestAuthentication + Via + toString; SIP.js: OutgoingRequestMessage + DigestAuthentication + ' +
        'setViaHeader + toString; sip: message object + digest.signRequest + stringify), a JS string out. sipreg-wasm: a registered ' +
        "registration's register() (refresh now: same nonce, nc + 1) + drain, a JS string out (the 200 OK fed back between calls is " +
        `not timed; timer cost ${composeJs?.timerOverheadNs ?? '?'} ns subtracted). Native: into a buffer.`,
      '',
      table(['contender', 'ns/REGISTER', 'bytes', '÷ sipreg-wasm', '÷ sipreg-native'], rowsC),
      '',
    );
  }

  // ---- callgrind ----
  if (callgrind) {
    const names = ['sipreg-native', 'libosip2', 'memchr', 'memchr-lines', 'sipreg-native-json'];
    out.push(
      '## Instructions per operation (callgrind, deterministic)',
      '',
      `\`valgrind --tool=callgrind --toggle-collect=cg_loop\` over ${callgrind.n} operations (${callgrind.tool}).`,
      '',
      table(
        ['message', ...names, 'libosip2 ÷ sipreg'],
        Object.entries(callgrind.parse).map(([m, r]) => [
          m,
          ...names.map((c) => (r[c] ?? '—').toLocaleString('en-US')),
          fmtX(ratio(r.libosip2, r['sipreg-native'])),
        ]),
      ),
      '',
      `Compose: sipreg-native ${callgrind.compose['sipreg-native']?.toLocaleString('en-US')} instructions, ` +
        `libosip2 ${callgrind.compose.libosip2?.toLocaleString('en-US')} (${fmtX(ratio(callgrind.compose.libosip2, callgrind.compose['sipreg-native']))}).`,
      '',
    );
  }

  // ---- size ----
  if (sz) {
    out.push(
      '## Size: what a browser app ships to register',
      '',
      "esbuild --bundle --minify --splitting (ESM, browser, Vite's default targets) from an entry that creates one registration and registers (sipreg: `import { createRegistration } from 'sipreg'`, the package's browser entry); the chunks loaded before registering; gzip level 9; brotli q11 for information.",
      '',
      table(
        ['stack', 'minified', 'gzip -9', 'brotli', 'modules'],
        Object.entries(sz).flatMap(([k, v]) =>
          k === 'sipreg'
            ? [
                ['sipreg glue (JS)', `${v.js.minified}`, `${v.js.gzip}`, `${v.js.brotli}`, `${v.js.modules}`],
                ['sipreg.wasm', `${v.wasm.bytes}`, `${v.wasm.gzip}`, `${v.wasm.brotli}`, ''],
                ['**sipreg total**', `${v.total.minified}`, `**${v.total.gzip}**`, `${v.total.brotli}`, ''],
              ]
            : [[`**${k}**`, `${v.total.minified}`, `**${v.total.gzip}**`, `${v.total.brotli}`, `${v.js.modules}`]],
        ),
      ),
      '',
    );
    const other = Object.entries(sz).filter(([, v]) => v.bundlers);
    if (other.length)
      out.push(
        `The same entries through other bundlers (production defaults; JS gzip -9, sipreg without its wasm): ${other
          .map(
            ([k, v]) =>
              `${k} ${Object.entries(v.bundlers)
                .map(([b, r]) => `${b} ${r.gzip}`)
                .join(', ')}`,
          )
          .join('; ')}.`,
        '',
      );
    const w = sz.sipreg.wasm;
    out.push(
      `sipreg.wasm sections: ${Object.entries(w.sections)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
    if (w.largestFunctions)
      out.push(
        `Largest functions: ${w.largestFunctions
          .slice(0, 10)
          .map((f) => `${f.name} ${f.bytes}`)
          .join(', ')}.`,
      );
    out.push('');
  }

  // ---- startup ----
  if (st) {
    out.push(
      '## Cold start: fresh Node process, median (min–max) ms',
      '',
      'Load = from the first line of the child script to the module being usable (import, and for sipreg the wasm instantiated); ' +
        "first parse = parsing `a-200-1contact.sip` and reading its binding; process = spawn to exit, Node's own start included. " +
        '`sipreg` = the package entry (node/index.mjs: registrations, pool, WebSocket flow); `sipreg-parse` = the ' +
        '`sipreg/parse` entry (node/parse.mjs: the parser and URI comparison only).',
      '',
      table(
        ['stack', 'load', 'first parse', 'load + first parse', 'whole process'],
        Object.entries(st).map(([k, v]) => [
          k,
          range(v.loadMs, ms),
          range(v.firstParseMs, ms),
          range(v.totalMs, ms),
          range(v.processMs, ms),
        ]),
      ),
      '',
    );
    const ph = startup.phases;
    if (ph) {
      out.push(
        `Where sipreg's cold start goes (the same pieces in a process of their own, medians): glue import (Node's loader, V8 parsing ` +
          `lib/index.mjs, its top level) ${ms(ph.glueMs.median)}, wasm read + compiled + instantiated ${ms(ph.wasmMs.median)}, ` +
          `first parse in wasm (V8 compiles each function on its first call) ${ms(ph.firstParseWasmMs.median)} and in JS ` +
          `(objects from the tape) ${ms(ph.firstParseJsMs.median)}; sum ${ms(ph.totalMs.median)}.`,
        '',
      );
    }
  }

  // ---- scale ----
  if (scale) {
    const sr = Object.entries(scale.results);
    out.push(
      '## Scale: one Node process against the test Kamailio over ws://127.0.0.1',
      '',
      `${scale.kamailio}. sipreg: one RegistrationPool, ${scale.flows} shared flows, paced at ${scale.rate} commands/s; JsSIP: one UA ` +
        'and one WebSocket per AOR, all started in the same tick. Every AOR goes through the 401 challenge. Median (min–max) over runs; ' +
        'CPU and memory per registration.',
      '',
      table(
        [
          'case',
          'runs',
          'register wall',
          'reg/s',
          'client CPU/reg',
          'registrar CPU/reg',
          'unregister wall',
          'JS heap/reg',
          'ArrayBuffers (wasm)/reg',
          'RSS/reg',
          'failures',
          'registrar AORs after reg / unreg',
        ],
        sr.map(([k, v]) => [
          k,
          String(v.runs),
          range(v.register.wallMs, (x) => `${(x / 1000).toFixed(2)} s`),
          range(v.register.perSecond, (x) => x.toFixed(0)),
          range(v.register.clientCpuMsPerReg, (x) => `${x.toFixed(3)} ms`),
          range(v.register.registrarCpuMsPerReg, (x) => `${x.toFixed(3)} ms`),
          range(v.unregister.wallMs, (x) => `${(x / 1000).toFixed(2)} s`),
          range(v.memory.heapPerReg, (x) => `${(x / KIB).toFixed(1)} KiB`),
          range(v.memory.externalPerReg, (x) => `${(x / KIB).toFixed(1)} KiB`),
          range(v.memory.rssPerReg, (x) => `${(x / KIB).toFixed(1)} KiB`),
          String(v.failures),
          `${v.registrarUsersAfterRegister.join(',')} / ${v.registrarUsersAfterUnregister.join(',')}`,
        ]),
      ),
      '',
    );
  }
  if (race) out.push(...renderRace(race));
  if (merged.step_seconds) {
    out.push(
      `Step times (s): ${Object.entries(merged.step_seconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
      '',
    );
  }
  return out.join('\n');
}

/** The race section: SIPp and sipreg's UDP pool per offered rate. @param {any} race sipp-race.mjs output */
function renderRace(race) {
  const us = (s) => (s ? `${s.median} µs (${s.min}–${s.max})` : '—');
  const rows = [];
  for (const [rate, r] of Object.entries(race.results)) {
    for (const lib of ['sipp', 'sipreg']) {
      const v = r[lib];
      rows.push([
        `${rate}/s`,
        lib,
        v.achievedPerS ? `${v.achievedPerS.median} (${v.achievedPerS.min}–${v.achievedPerS.max})` : '—',
        us(v.cpuUsPerReg),
        lib === 'sipreg' ? us(v.windowCpuUsPerReg) : '—',
        us(v.kamCpuUsPerReg),
        String(v.failures),
        lib === 'sipp' ? String(v.retrans) : '—',
        `${v.registrarDrops ?? '—'} / ${v.clientDrops ?? '—'}`,
        `${v.held.join(', ')}${v.heldHow ? ` (${v.heldHow})` : ''}`,
      ]);
    }
  }
  return [
    '## Race: SIPp against sipreg over UDP, the same Kamailio, the same offered rate',
    '',
    `${race.tool}. ${race.n} AORs a run, each REGISTER → 401 → REGISTER with digest → 200, on loopback; ${race.rounds} round(s), ` +
      'the pair interleaved. SIPp: tests/sipp/register-digest.xml (-r rate, one UDP socket). sipreg: one RegistrationPool over one ' +
      'UDP socket paced at the rate (tests/bench/js/sipp-race-child.mjs). Client CPU: utime + stime of the whole client process ' +
      '(sipreg: Node start, wasm compile and add() included); window: sipreg from registerAll() to the last result. ' +
      `Load average ${race.load.start.join(' ')} at the start, ${race.load.end.join(' ')} at the end.`,
    '',
    table(
      [
        'offered',
        'client',
        'reg/s achieved',
        'client CPU/reg',
        'window CPU/reg',
        'registrar CPU/reg',
        'failures',
        'retrans',
        'UDP drops registrar / client',
        'AORs the registrar holds after',
      ],
      rows,
    ),
    '',
  ];
}
