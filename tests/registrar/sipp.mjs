// SIPp (Debian sip-tester, 3.6.1) as a scripted registrar for the tests: registrar behaviours
// Kamailio cannot produce (tests/sipp/*.xml), on 127.0.0.1 only, on a free port, UDP or TCP.
//
//   import { startSippUas } from '../registrar/sipp.mjs';
//   const uas = await startSippUas({ scenario: 'date', transport: 'udp', vars: { date } });
//   // uas.server = 'sip:127.0.0.1:<port>;transport=udp'  → createRegistration({ server: uas.server, … })
//   const result = await uas.finished();   // { code, successful, failed } once the scenario ended
//   uas.registers();                       // the REGISTERs SIPp received, parsed, with times
//   await uas.stop();                      // by PID; removes the temp dir (SIPREG_KEEP_SIPP=1 keeps it)
//
// SIPp runs in the foreground (`-bg` exits 99: field notes), one "call" per scenario (-m 1): a
// registration keeps its Call-ID, so all its REGISTERs belong to that call. Exit status 0 = every
// call completed, 1 = a call failed (unexpected message, recv timeout, bad credentials...).
// The message log (-trace_msg) is what the assertions read; stdout/stderr/error log are kept for
// failure output.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeUdpPort } from './registrar.mjs';
import { isOurs, waitGone } from './procs.mjs';

const SCENARIOS = fileURLToPath(new URL('../sipp/', import.meta.url));
const HOST = '127.0.0.1';
const KEEP = Boolean(process.env.SIPREG_KEEP_SIPP);
const OUTPUT_CAP = 1 << 16; // bytes of stdout / stderr kept (SIPp repaints its screen)

/**
 * @typedef {object} SippOptions
 * @property {string} scenario       a file name in tests/sipp/ without ".xml" ("date"), or a path
 * @property {'udp' | 'tcp'} [transport]  default 'udp' (SIPp -t u1 / t1)
 * @property {Record<string, string | number>} [vars]  scenario globals (-set NAME VALUE; the
 *           scenario declares them with <Global variables="..."/>)
 * @property {number} [calls]        -m: calls before SIPp exits (default 1)
 * @property {number} [timeoutS]     -timeout: SIPp stops itself after this (default 40)
 */

/**
 * One SIP message from SIPp's message log.
 * @typedef {object} LoggedMessage
 * @property {number} at          Unix ms (SIPp's timestamp, microsecond resolution)
 * @property {'in' | 'out'} dir   received by SIPp / sent by SIPp
 * @property {string} transport   "UDP" / "TCP"
 * @property {string} text        the message
 * @property {string} first       its start line
 * @property {(name: string) => string[]} all  values of a header (case-insensitive; compact forms)
 * @property {(name: string) => string | undefined} get  its first value
 * @property {number} cseq        the CSeq number (NaN when absent)
 */

/**
 * @typedef {object} SippResult
 * @property {number | null} code  SIPp's exit status (0: every call succeeded)
 * @property {string | null} signal
 * @property {number | null} successful  "Successful call" cumulative counter (last screen)
 * @property {number | null} failed      "Failed call" cumulative counter
 */

/**
 * @typedef {object} SippUas
 * @property {string} server      "sip:127.0.0.1:<port>;transport=udp|tcp" (the outbound proxy)
 * @property {number} port
 * @property {'udp' | 'tcp'} transport
 * @property {number} pid
 * @property {string} dir         temp dir: msg.log, err.log, the scenario's output
 * @property {() => LoggedMessage[]} messages   every message in the log so far
 * @property {() => LoggedMessage[]} registers  REGISTERs SIPp received (retransmissions included)
 * @property {(timeoutMs?: number) => Promise<SippResult>} finished  resolves when SIPp exited
 *           (rejects after timeoutMs, default 30000, with the logs in the message)
 * @property {() => string} report  stdout tail, error log and message log, for failure output
 * @property {() => Promise<SippResult>} stop  SIGTERM (then SIGKILL) by PID; idempotent
 */

/** @type {Set<() => void>} SIPps still running: killed if the test process exits first */
const live = new Set();
process.on('exit', () => {
  for (const kill of live) kill();
});

/** Compact header names, RFC 3261 §7.3.3 (and RFC 3841/3515/3903 ones SIPp might log). */
const COMPACT = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  e: 'content-encoding',
  s: 'subject',
};

/**
 * Parse SIPp's -trace_msg log: entries start with a dashed line and a timestamp
 * ("----------------------------------------------- 2026-12-03 07:26:37.819757"), then
 * "UDP message received [475] bytes :" or "UDP message sent (349 bytes):", an empty line and
 * the message.
 * @param {string} log
 * @returns {LoggedMessage[]}
 */
export function parseMessageLog(log) {
  const out = [];
  const re = /^-{10,} (\d{4}-\d\d-\d\d)[ \t](\d\d:\d\d:\d\d\.\d+)\n(\w+) message (received|sent)[^\n]*\n\n/gm;
  const heads = [...log.matchAll(re)];
  for (let i = 0; i < heads.length; i++) {
    const h = heads[i];
    const start = /** @type {number} */ (h.index) + h[0].length;
    const end = i + 1 < heads.length ? heads[i + 1].index : log.length;
    const text = log.slice(start, end).replace(/\n+$/, '\n').replace(/\r?\n/g, '\r\n');
    const [date, time] = [h[1], h[2]];
    const ms = new Date(`${date}T${time.slice(0, 12)}`).getTime() + Number(`0.${time.slice(12) || '0'}`);
    out.push(describe({ at: ms, dir: h[4] === 'received' ? 'in' : 'out', transport: h[3], text }));
  }
  return out;
}

/**
 * @param {{ at: number, dir: 'in' | 'out', transport: string, text: string }} m
 * @returns {LoggedMessage}
 */
function describe(m) {
  const [head] = m.text.split('\r\n\r\n', 1);
  const lines = head.split('\r\n');
  /** @type {Map<string, string[]>} */
  const headers = new Map();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    let name = line.slice(0, i).trim().toLowerCase();
    name = COMPACT[/** @type {keyof typeof COMPACT} */ (name)] ?? name;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  /** @param {string} name */
  const all = (name) => headers.get(name.toLowerCase()) ?? [];
  return { ...m, first: lines[0], all, get: (name) => all(name)[0], cseq: Number.parseInt(all('cseq')[0] ?? '', 10) };
}

/**
 * The cumulative "Successful call" / "Failed call" counters of SIPp's last screen.
 * @param {string} stdout
 * @returns {{ successful: number | null, failed: number | null }}
 */
function counters(stdout) {
  /** @param {string} label */
  const last = (label) => {
    const rows = [...stdout.matchAll(new RegExp(`^\\s*${label}\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)`, 'gm'))];
    return rows.length ? Number(rows[rows.length - 1][2]) : null;
  };
  return { successful: last('Successful call'), failed: last('Failed call') };
}

/**
 * Wait until SIPp listens on 127.0.0.1:port (it binds before it reads the first message):
 * /proc/net/udp shows the socket, /proc/net/tcp a LISTEN (0A) socket.
 * @param {'udp' | 'tcp'} transport
 * @param {number} port
 * @param {() => boolean} gone  SIPp already exited
 * @param {number} timeoutMs
 */
async function waitListening(transport, port, gone, timeoutMs) {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !gone()) {
    const table = readFileSync(`/proc/net/${transport}`, 'utf8').split('\n');
    if (
      table.some((row) => {
        const f = row.trim().split(/\s+/);
        return f[1] === local && (transport === 'udp' || f[3] === '0A');
      })
    )
      return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/**
 * Start SIPp as a UAS with one of tests/sipp/*.xml on a free 127.0.0.1 port. Throws (never
 * skips) when sipp is missing or does not come up. A port taken between the check and SIPp's
 * bind (SIPp exits before listening, saying so) is retried on another port, twice.
 * @param {SippOptions} options
 * @returns {Promise<SippUas>}
 */
export async function startSippUas(options) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof Error) || !/bind|address already in use/i.test(e.message)) throw e;
    }
  }
}

/**
 * One start on one free port (startSippUas).
 * @param {SippOptions} options
 * @returns {Promise<SippUas>}
 */
async function startOnce(options) {
  const transport = options.transport ?? 'udp';
  if (transport !== 'udp' && transport !== 'tcp') throw new Error(`startSippUas: transport udp or tcp, not ${transport}`);
  const file = options.scenario.includes('/') ? options.scenario : join(SCENARIOS, `${options.scenario}.xml`);
  if (!existsSync(file)) throw new Error(`startSippUas: no scenario ${file}`);
  const dir = mkdtempSync(join(tmpdir(), 'sipreg-sipp-'));
  const msgLog = join(dir, 'msg.log');
  const errLog = join(dir, 'err.log');
  const port = transport === 'udp' ? await freeUdpPort() : await freeTcpPort();
  const args = [
    '-sf',
    file,
    '-i',
    HOST,
    '-p',
    String(port),
    '-t',
    transport === 'udp' ? 'u1' : 't1',
    '-m',
    String(options.calls ?? 1),
    '-timeout',
    `${options.timeoutS ?? 40}s`,
    '-nostdin',
    '-trace_msg',
    '-message_file',
    msgLog,
    '-trace_err',
    '-error_file',
    errLog,
  ];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push('-set', k, String(v));

  let stdout = '';
  let stderr = '';
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b) => {
    stdout = (stdout + b).slice(-OUTPUT_CAP);
  });
  child.stderr.on('data', (b) => {
    stderr = (stderr + b).slice(-OUTPUT_CAP);
  });
  /** @type {SippResult | null} */
  let result = null;
  /** @type {Promise<SippResult>} */
  const exited = new Promise((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`sipp could not start (${e.message}): run scripts/setup.sh (installs sip-tester)`)));
    child.once('close', (code, signal) => {
      // 'close': stdout (the last screen) is complete
      result = { code, signal, ...counters(stdout) };
      resolve(result);
    });
  });
  exited.catch(() => {});
  const pid = child.pid;
  const marker = dir; // in SIPp's command line: guards against signalling a recycled PID
  const kill = () => {
    if (pid !== undefined && isOurs(pid, marker)) process.kill(pid, 'SIGKILL');
  };
  live.add(kill);

  const readLog = () => {
    try {
      return readFileSync(msgLog, 'latin1');
    } catch {
      return '';
    }
  };
  const report = () => {
    const err = existsSync(errLog) ? readFileSync(errLog, 'utf8') : '';
    return (
      `sipp ${args.join(' ')}\n--- exit: ${JSON.stringify(result)}\n--- stderr:\n${stderr.slice(-2000)}` +
      `\n--- error log:\n${err.slice(-4000)}\n--- stdout (tail):\n${stdout.slice(-1500)}` +
      `\n--- message log:\n${readLog().slice(-12000)}`
    );
  };

  const up = pid !== undefined && (await waitListening(transport, port, () => result !== null, 5000));
  if (!up) {
    kill();
    live.delete(kill);
    const r = await Promise.race([exited.catch((e) => e), new Promise((res) => setTimeout(res, 500))]);
    const why = r instanceof Error ? r.message : report();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
    throw new Error(`SIPp did not listen on ${transport} ${HOST}:${port}: ${why}`);
  }

  let stopped = false;
  const messages = () => parseMessageLog(readLog());
  return {
    server: `sip:${HOST}:${port};transport=${transport}`,
    port,
    transport,
    pid: /** @type {number} */ (pid),
    dir,
    messages,
    registers: () => messages().filter((m) => m.dir === 'in' && m.first.startsWith('REGISTER ')),
    report,
    async finished(timeoutMs = 30000) {
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      const late = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`SIPp (${options.scenario}) still running after ${timeoutMs} ms\n${report()}`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      if (!stopped) {
        stopped = true;
        if (result === null && pid !== undefined && isOurs(pid, marker)) {
          process.kill(pid, 'SIGTERM');
          if ((await waitGone([pid], marker, 3000)).length > 0) kill();
        }
        live.delete(kill);
        await exited.catch(() => {});
        if (!KEEP) rmSync(dir, { recursive: true, force: true });
      }
      return /** @type {SippResult} */ (result);
    },
  };
}
