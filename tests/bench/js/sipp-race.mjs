// sipp-race.mjs — the race benchmark: SIPp (tests/sipp/register-digest.xml) and sipreg's UDP
// RegistrationPool (sipp-race-child.mjs) do the same work against the same test Kamailio over UDP
// on loopback: N AORs, each REGISTER → 401 → REGISTER with digest → 200, at the same offered
// rate. Per run: registrations/s achieved, client CPU per registration (utime + stime of the
// client process, read from /proc by the sh that waited for it: its cutime + cstime, the same
// way for both), failures, and the AORs the registrar holds afterwards (`kamcmd ul.dump brief`, or
// usrloc's count and sampled ul.lookup where the dump is too big for kamcmd; then the registrar
// is restarted: every run starts on an empty location table). The registrar's own CPU
// per registration is there too (the server did the same work for both). Pairs interleaved, the
// order rotated per rate and round.
//   node tests/bench/js/sipp-race.mjs [--rates 500,1000,2000] [--n 5000] [--rounds 1] [--timeout-s 120]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistrar, freeUdpPort } from '../../registrar/registrar.mjs';
import { descendants } from '../../registrar/procs.mjs';
import { parseUlDumpBrief } from '../../registrar/uldump.mjs';
import { cliOptions, summarize } from './common.mjs';
import { udpDrops } from './udp-drops.mjs';

const o = cliOptions({ rates: '500,1000,2000', n: 5000, rounds: 1, timeoutS: 120, domain: 'example.test' });
const RATES = String(o.rates).split(',').map(Number);
const CHILD = fileURLToPath(new URL('./sipp-race-child.mjs', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../sipp/register-digest.xml', import.meta.url));
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const PASSWORD = 'secret'; // tests/registrar/kamailio.cfg: one password for every user
const log = (s) => process.stderr.write(s);

/** @param {string} stat /proc/<pid>/stat @returns {number[]} the fields after "(comm)", from field 3 */
const statFields = (stat) =>
  stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);

/** @returns {number} ms of CPU (utime + stime) of the registrar's processes now */
function registrarCpuMs(pid) {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const f = statFields(readFileSync(`/proc/${p}/stat`, 'utf8'));
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    } catch {
      /* gone meanwhile */
    }
  }
  return (ticks * 1000) / TICK;
}

/**
 * Run `cmd args` under sh; once it exits, sh reads its own /proc stat: cutime + cstime is the
 * CPU of the child it waited for.
 * @param {string} cmd @param {string[]} args @param {string} dir for the output and stat files
 * @param {number} timeoutMs killed (sh and its children) after this
 * @returns {Promise<{code: number|null, wallMs: number, cpuMs: number, out: string}>}
 */
function timed(cmd, args, dir, timeoutMs) {
  const outFile = join(dir, 'out.txt');
  const statFile = join(dir, 'stat.txt');
  rmSync(statFile, { force: true });
  const t0 = performance.now();
  const sh = spawn('sh', ['-c', '"$@" > "$RACE_OUT" 2>&1; rc=$?; cat /proc/$$/stat > "$RACE_STAT"; exit $rc', 'race', cmd, ...args], {
    env: { ...process.env, RACE_OUT: outFile, RACE_STAT: statFile },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      for (const p of [...descendants(/** @type {number} */ (sh.pid)), sh.pid]) {
        try {
          process.kill(/** @type {number} */ (p), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      reject(new Error(`${cmd} still running after ${timeoutMs} ms`));
    }, timeoutMs);
    sh.once('error', reject);
    sh.once('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      if (!existsSync(statFile)) return reject(new Error(`${cmd}: no CPU reading (sh exited ${code})`));
      const f = statFields(readFileSync(statFile, 'utf8'));
      const cpuMs = ((Number(f[13]) + Number(f[14])) * 1000) / TICK; // cutime, cstime (fields 16, 17)
      resolve({ code, wallMs, cpuMs, out: readFileSync(outFile, 'latin1') });
    });
  });
}

/** SIPp's last screens: the cumulative counters, Total-time, the retransmissions. @param {string} out */
function sippScreen(out) {
  const last = (re) => [...out.matchAll(re)].pop();
  const ok = last(/^\s*Successful call\s*\|\s*\d+\s*\|\s*(\d+)/gm);
  const failed = last(/^\s*Failed call\s*\|\s*\d+\s*\|\s*(\d+)/gm);
  const total = last(/\s(\d+(?:\.\d+)?) s\s+\d+\s+\S+\(UDP\)/g);
  // the message table of the last scenario screen: "REGISTER ---------->  5000  12  0"
  const screen = out.slice(out.lastIndexOf('Scenario Screen'));
  let retrans = 0;
  for (const m of screen.matchAll(/^\s*REGISTER -+>\s+\d+\s+(\d+)/gm)) retrans += Number(m[1]);
  return {
    ok: ok ? Number(ok[1]) : 0,
    failed: failed ? Number(failed[1]) : null,
    totalS: total ? Number(total[1]) : null,
    retrans,
  };
}

/**
 * What the registrar holds of this run: `ul.dump brief` counted while its reply fits kamcmd's
 * buffer (a few thousand AORs), else usrloc's own AOR count (the registrar is restarted between
 * runs: every AOR is this run's) with 20 AORs spread over the run looked up one by one.
 * @param {string} prefix @param {number} ok @returns {Promise<{aors: number, how: string}>}
 */
async function heldBy(prefix, ok) {
  try {
    const aors = parseUlDumpBrief(await registrar.rpc('ul.dump', 'brief')).filter((a) => a.startsWith(`${prefix}u`)).length;
    return { aors, how: 'ul.dump' };
  } catch (e) {
    if (!/reply too big/.test(String(/** @type {Error} */ (e).message))) throw e;
  }
  const stats = await registrar.rpc('stats.get_statistics', 'usrloc:');
  const aors = Number(/location_users\s*=\s*(\d+)/.exec(stats)?.[1] ?? NaN);
  let found = 0;
  const probes = Math.min(20, ok);
  for (let k = 0; k < probes; k++) {
    const i = Math.floor((k * (o.n - 1)) / Math.max(1, probes - 1));
    try {
      if ((await registrar.rpc('ul.lookup', 'location', `${prefix}u${i}@${o.domain}`)).includes('Contact')) found++;
    } catch {
      /* not found: an error reply */
    }
  }
  return { aors, how: `usrloc stats; ul.lookup ${found}/${probes} found` };
}

/** @returns {string} SIPp's version (`sipp -v` exits 99 after printing it) */
function sippVersionOf() {
  let text;
  try {
    text = execFileSync('sipp', ['-v'], { encoding: 'utf8' });
  } catch (e) {
    text = String(/** @type {any} */ (e).stdout ?? '');
  }
  return /SIPp (v\S+?)\.?\s/.exec(text)?.[1] ?? 'unknown';
}
const sippVersion = sippVersionOf();
const loadStart = loadavg();
const runs = [];
// nothing that can throw between starting the registrar and the try that stops it
const dir = mkdtempSync(join(tmpdir(), 'sipreg-race-'));
const registrar = await startRegistrar();

/** One client's run at `rate`: its numbers and what the registrar holds afterwards. */
async function run(lib, rate, prefix) {
  const n = o.n;
  const server = `127.0.0.1:${registrar.udpPort}`;
  const kam0 = registrarCpuMs(registrar.pid);
  const drops0 = udpDrops(registrar.udpPort) ?? 0;
  const timeoutMs = (o.timeoutS + 30) * 1000;
  let r;
  if (lib === 'sipp') {
    const csv = join(dir, `${prefix}.csv`);
    const lines = ['SEQUENTIAL'];
    for (let i = 0; i < n; i++) {
      lines.push(`${prefix}u${i};${o.domain};${randomUUID()};[authentication username=${prefix}u${i} password=${PASSWORD}];`);
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const args = [
      server,
      '-sf',
      SCENARIO,
      '-inf',
      csv,
      '-i',
      '127.0.0.1',
      '-p',
      String(await freeUdpPort()),
      '-t',
      'u1',
      '-r',
      String(rate),
      '-rp',
      '1000',
      '-m',
      String(n),
      '-nd', // no default BYE on a failed call: failures stay REGISTER-only traffic
      '-nostdin',
      '-timeout',
      `${o.timeoutS}s`,
      '-trace_err',
      '-error_file',
      join(dir, `${prefix}.err`),
    ];
    const t = await timed('sipp', args, dir, timeoutMs);
    const s = sippScreen(t.out);
    const wallMs = s.totalS !== null ? s.totalS * 1000 : t.wallMs;
    r = { ok: s.ok, failures: n - s.ok, wallMs, cpuMs: t.cpuMs, retrans: s.retrans, code: t.code };
    if (s.ok < n) r.firstError = readFileSync(join(dir, `${prefix}.err`), 'latin1').slice(0, 300);
  } else {
    const args = [CHILD, '--server', `sip:${server}`, '--n', String(n), '--rate', String(rate), '--prefix', prefix, '--domain', o.domain];
    const t = await timed(process.execPath, args, dir, timeoutMs);
    const line = t.out.trim().split('\n').pop() ?? '';
    let c;
    try {
      c = JSON.parse(line);
    } catch {
      throw new Error(`sipreg child exited ${t.code}: ${t.out.slice(-2000)}`);
    }
    r = {
      ok: c.ok,
      failures: c.failures,
      wallMs: c.wallMs,
      cpuMs: t.cpuMs,
      windowCpuMs: c.windowCpuUs / 1000,
      loadMs: c.loadMs,
      clientDrops: c.socketDrops,
      code: t.code,
    };
    if (c.firstError) r.firstError = c.firstError;
  }
  const kamCpuMs = registrarCpuMs(registrar.pid) - kam0;
  const registrarDrops = (udpDrops(registrar.udpPort) ?? 0) - drops0;
  const held = await heldBy(prefix, r.ok);
  const perReg = (ms) => (r.ok ? Math.round((ms * 1000) / r.ok) : null); // µs
  const out = {
    lib,
    rate,
    n,
    ok: r.ok,
    failures: r.failures,
    held: held.aors,
    heldHow: held.how,
    achievedPerS: Math.round((r.ok * 1000) / r.wallMs),
    wallMs: Math.round(r.wallMs),
    cpuMs: Math.round(r.cpuMs),
    cpuUsPerReg: perReg(r.cpuMs),
    ...(r.windowCpuMs !== undefined ? { windowCpuUsPerReg: perReg(r.windowCpuMs), loadMs: r.loadMs } : {}),
    ...(r.retrans !== undefined ? { retrans: r.retrans } : {}),
    kamCpuUsPerReg: perReg(kamCpuMs),
    registrarDrops,
    ...(r.clientDrops !== undefined ? { clientDrops: r.clientDrops } : {}),
    ...(r.firstError ? { firstError: r.firstError } : {}),
  };
  // every run starts on an empty location table
  await registrar.restart();
  return out;
}

try {
  for (let round = 0; round < o.rounds; round++) {
    for (const [i, rate] of RATES.entries()) {
      const pair = (round + i) % 2 ? ['sipreg', 'sipp'] : ['sipp', 'sipreg'];
      for (const lib of pair) {
        log(`race: ${lib} ${o.n} at ${rate}/s ... `);
        const r = await run(lib, rate, `q${round}r${rate}${lib === 'sipp' ? 'p' : 's'}`);
        log(
          `${r.achievedPerS}/s, ${r.cpuUsPerReg} µs CPU/reg` +
            `${r.windowCpuUsPerReg !== undefined ? ` (window ${r.windowCpuUsPerReg})` : ''}, ` +
            `failures ${r.failures}, drops ${r.registrarDrops}/${r.clientDrops ?? '-'}, registrar holds ${r.held} (${r.heldHow})${r.firstError ? `, first error: ${r.firstError.split('\n')[0]}` : ''}\n`,
        );
        runs.push(r);
        await new Promise((res) => setTimeout(res, 500));
      }
    }
  }
} finally {
  await registrar.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Medians over rounds per rate and client. */
const results = {};
for (const rate of RATES) {
  results[rate] = {};
  for (const lib of ['sipp', 'sipreg']) {
    const rs = runs.filter((r) => r.rate === rate && r.lib === lib);
    const med = (k) =>
      rs.every((r) => typeof r[k] === 'number') && rs.length
        ? summarize(
            rs.map((r) => r[k]),
            0,
          )
        : null;
    results[rate][lib] = {
      achievedPerS: med('achievedPerS'),
      cpuUsPerReg: med('cpuUsPerReg'),
      windowCpuUsPerReg: med('windowCpuUsPerReg'),
      kamCpuUsPerReg: med('kamCpuUsPerReg'),
      failures: rs.reduce((s, r) => s + r.failures, 0),
      held: rs.map((r) => r.held),
      heldHow: [...new Set(rs.map((r) => r.heldHow))].join('; '),
      retrans: lib === 'sipp' ? rs.reduce((s, r) => s + (r.retrans ?? 0), 0) : null,
      // datagrams the kernel dropped: on the registrar's socket, on the client's (sipreg's pool)
      registrarDrops: rs.reduce((s, r) => s + r.registrarDrops, 0),
      clientDrops: lib === 'sipreg' ? rs.reduce((s, r) => s + (r.clientDrops ?? 0), 0) : null,
    };
  }
}
const out = {
  tool: `SIPp ${sippVersion}, ${execFileSync('kamailio', ['-v'], { encoding: 'utf8' })
    .split('\n')[0]
    .replace(/^version: /, '')
    .trim()}`,
  n: o.n,
  rates: RATES,
  rounds: o.rounds,
  load: { start: loadStart.map((x) => Math.round(x * 100) / 100), end: loadavg().map((x) => Math.round(x * 100) / 100) },
  results,
  runs,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
