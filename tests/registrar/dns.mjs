// Real DNS for the RFC 3263 tests: dnsmasq (Debian dnsmasq-base) on 127.0.0.1, a free UDP port,
// answering A, AAAA, SRV and NAPTR records from a JS description, and NXDOMAIN (→ ENOTFOUND) for
// any other name in its local domains.
//
//   import { startDns } from '../registrar/dns.mjs';
//   const dns = await startDns({ records: {
//     a: { 'sip1.example.test': ['127.0.0.1'] },                 // aaaa: { name: ['::1'] }
//     srv: { '_sip._udp.example.test': [{ priority: 10, weight: 60, port: 5060, target: 'sip1.example.test' }] },
//     naptr: { 'example.test': [{ order: 10, preference: 50, flags: 's', service: 'SIP+D2U',
//       replacement: '_sip._udp.example.test' }] } } });
//   dns.server;   // '127.0.0.1:<port>' for locate({ dns: [dns.server] })
//   await dns.stop();
//
// dnsmasq runs in the foreground (--no-daemon), reads no config, resolv.conf or hosts file, and is
// stopped by its PID (also when the test process exits). Its log (queries included) is in
// dns.logFile and in the error when it does not start.
import { spawn } from 'node:child_process';
import { accessSync, constants, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import dns from 'node:dns';
import { signalAll, waitGone } from './procs.mjs';
import { freeUdpPort } from './registrar.mjs';

/**
 * @typedef {object} SrvRecord
 * @property {number} priority
 * @property {number} weight
 * @property {number} port
 * @property {string} target  a host name; '.' (or none) = "service decidedly not available"
 */

/**
 * @typedef {object} NaptrRecord
 * @property {number} order
 * @property {number} preference
 * @property {string} flags        "s" (terminal, then SRV), "" (non-terminal, then NAPTR), ...
 * @property {string} service      "SIP+D2U", "SIP+D2T", "SIPS+D2T", ...
 * @property {string} [regexp]     empty for SIP (RFC 3263 §4.1)
 * @property {string} replacement
 */

/**
 * @typedef {object} DnsRecords
 * @property {Record<string, string[]>} [a]      name → IPv4 addresses
 * @property {Record<string, string[]>} [aaaa]   name → IPv6 addresses
 * @property {Record<string, SrvRecord[]>} [srv] "_sip._udp.example.test" → records
 * @property {Record<string, NaptrRecord[]>} [naptr]  domain → records
 */

/**
 * @typedef {object} DnsServer
 * @property {string} server   "127.0.0.1:<port>"
 * @property {number} port
 * @property {number} pid
 * @property {string} logFile  dnsmasq's log (every query)
 * @property {() => string} log  its contents
 * @property {() => Promise<void>} stop  end dnsmasq (by PID), remove its directory; idempotent
 */

const HOST = '127.0.0.1';
const SETUP_HINT = 'run scripts/setup.sh (installs dnsmasq-base)';
/** Characters allowed in names and values (they become dnsmasq flags: no commas, no blanks). */
const SAFE = /^[\w.+:*!^$\\-]*$/;

/** @type {Set<() => void>} */
const live = new Set();
process.on('exit', () => {
  for (const kill of live) kill();
});

/** @returns {string} dnsmasq's path (it lives in /usr/sbin) */
function findDnsmasq() {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'dnsmasq'), constants.X_OK);
      return join(dir, 'dnsmasq');
    } catch {
      // next
    }
  }
  throw new Error(`dnsmasq not found (searched PATH and /usr/sbin): ${SETUP_HINT}`);
}

/**
 * @param {unknown} v
 * @param {string} what
 * @returns {string}
 */
function safe(v, what) {
  const s = String(v ?? '');
  if (!SAFE.test(s)) throw new Error(`startDns: ${what} ${JSON.stringify(s)} has characters dnsmasq flags cannot hold`);
  return s;
}

/**
 * @param {unknown} v
 * @param {string} what
 * @param {number} max
 */
function uint(v, what, max = 65535) {
  if (!Number.isInteger(v) || /** @type {number} */ (v) < 0 || /** @type {number} */ (v) > max) {
    throw new Error(`startDns: ${what} must be an integer 0..${max}, not ${v}`);
  }
  return String(v);
}

/**
 * dnsmasq flags for the records.
 * @param {DnsRecords} records
 * @returns {string[]}
 */
export function recordFlags(records) {
  const out = [];
  for (const [type, table] of [
    ['a', records.a],
    ['aaaa', records.aaaa],
  ]) {
    for (const [name, addrs] of Object.entries(table ?? {})) {
      for (const addr of /** @type {string[]} */ (addrs)) out.push(`--host-record=${safe(name, 'name')},${safe(addr, `${type} address`)}`);
    }
  }
  for (const [name, list] of Object.entries(records.srv ?? {})) {
    for (const r of list) {
      // no target: dnsmasq answers "." (RFC 2782: not available)
      out.push(
        !r.target || r.target === '.'
          ? `--srv-host=${safe(name, 'name')}`
          : `--srv-host=${safe(name, 'name')},${safe(r.target, 'target')},${uint(r.port, 'port')},${uint(r.priority, 'priority')},${uint(r.weight, 'weight')}`,
      );
    }
  }
  for (const [name, list] of Object.entries(records.naptr ?? {})) {
    for (const r of list) {
      out.push(
        `--naptr-record=${safe(name, 'name')},${uint(r.order, 'order')},${uint(r.preference, 'preference')},` +
          `${safe(r.flags, 'flags')},${safe(r.service, 'service')},${safe(r.regexp ?? '', 'regexp')},${safe(r.replacement, 'replacement')}`,
      );
    }
  }
  return out;
}

/**
 * Start dnsmasq on 127.0.0.1 (UDP and TCP, the same free port), answering alone for the `local`
 * domains (default ["example.test"]): names it does not know there are NXDOMAIN (ENOTFOUND);
 * names elsewhere are REFUSED (no upstream). Resolves once it answers a query. Throws (never skips) when dnsmasq is missing.
 * @param {{ port?: number, records?: DnsRecords, local?: string[], startTimeoutMs?: number }} [options]
 * @returns {Promise<DnsServer>}
 */
export async function startDns(options = {}) {
  const bin = findDnsmasq();
  const records = options.records ?? {};
  const flags = recordFlags(records);
  const local = (options.local ?? ['example.test']).map((d) => safe(d, 'local domain'));
  const startTimeoutMs = options.startTimeoutMs ?? 5000;
  const dir = mkdtempSync(join(tmpdir(), 'sipreg-dns-'));
  const logFile = join(dir, 'dnsmasq.log');
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '(no log)';
    }
  };

  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freeUdpPort());
    const args = [
      '--no-daemon',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      '--pid-file=',
      `--port=${port}`,
      `--listen-address=${HOST}`,
      '--bind-interfaces',
      '--log-facility=-',
      '--log-queries',
      ...local.map((d) => `--local=/${d}/`),
      ...flags,
    ];
    const fd = openSync(logFile, 'a');
    let child;
    try {
      child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const marker = `--port=${port}`;
    const pid = /** @type {number} */ (child.pid);
    const kill = () => {
      if (pid) signalAll([pid], 'SIGKILL', marker);
    };
    live.add(kill);
    /** @type {Error | null} */
    let spawnError = null;
    child.once('error', (e) => {
      spawnError = e;
    });
    const exited = new Promise((r) => child.once('exit', r));

    const stop = async () => {
      if (!live.has(kill)) return;
      live.delete(kill);
      if (child.exitCode === null && child.signalCode === null) {
        signalAll([pid], 'SIGTERM', marker);
        if ((await waitGone([pid], marker, 2000)).length > 0) signalAll([pid], 'SIGKILL', marker);
        await exited;
      }
      if (!process.env.SIPREG_KEEP_DNS) rmSync(dir, { recursive: true, force: true });
    };

    if (await answers(port, child, startTimeoutMs, () => spawnError)) {
      return { server: `${HOST}:${port}`, port, pid, logFile, log, stop };
    }
    last = spawnError
      ? String(spawnError)
      : `dnsmasq ${child.exitCode !== null ? `exited (${child.exitCode})` : `did not answer within ${startTimeoutMs} ms`}`;
    const text = log();
    live.delete(kill);
    if (child.exitCode === null && child.signalCode === null) {
      signalAll([pid], 'SIGKILL', marker);
      await exited;
    }
    if (options.port !== undefined || !/in use/i.test(text)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`startDns: ${last} (${SETUP_HINT} if it is missing); log:\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`startDns: no free port after 5 tries: ${last}`);
}

/**
 * Poll until dnsmasq answers (any DNS answer, NXDOMAIN included), or it exits, or time is up.
 * @param {number} port
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} timeoutMs
 * @param {() => Error | null} spawnError
 */
async function answers(port, child, timeoutMs, spawnError) {
  const r = new dns.promises.Resolver({ timeout: 200, tries: 1 });
  r.setServers([`${HOST}:${port}`]);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (spawnError() || child.exitCode !== null || child.signalCode !== null) return false;
    try {
      await r.resolve4('dnsmasq-ready.invalid');
      return true;
    } catch (e) {
      const code = /** @type {{ code?: string }} */ (e).code;
      if (code !== 'ECONNREFUSED' && code !== 'ETIMEOUT') return child.exitCode === null;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  return false;
}
