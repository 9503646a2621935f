// Real SIP registrar for the JS and browser tests: Kamailio 5.6 (kamailio.cfg beside this file)
// with SIP over WebSocket (RFC 7118), UDP and TCP (TLS too with { tls: true }), on 127.0.0.1 only, on free ports.
//
//   import { startRegistrar } from '../registrar/registrar.mjs';
//   const reg = await startRegistrar();          // reg.wsUrl = 'ws://127.0.0.1:<port>'
//   ...                                          // users: any name, password "secret",
//   await reg.dump();                            //   realm = To domain
//   await reg.stop();
//
// Kamailio runs in the foreground (-DD) and forks worker processes; stop() ends all of them by
// PID and removes the run directory (ctl socket, pid file, log). Set SIPREG_KEEP_REGISTRAR=1 to
// keep the run directory (and its kamailio.log) for debugging.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import dgram from 'node:dgram';
import WebSocket from 'ws';
import { parseUlDump, parseUlDumpBrief } from './uldump.mjs';
import { descendants, isOurs, signalAll, waitGone } from './procs.mjs';
import { makeTestPki } from './testca.mjs';

/** @typedef {import('./uldump.mjs').Binding} Binding */

/**
 * @typedef {object} RegistrarOptions
 * @property {boolean} [fault503]     start in fault mode: every REGISTER gets 503 + Retry-After: 2
 * @property {boolean} [debug]        Kamailio debug=3 (logs every request; slower)
 * @property {number} [tcpChildren]   TCP/WS worker processes (default: kamailio.cfg's TCP_CHILDREN)
 * @property {number} [shmMb]         shared memory in MiB (default: kamailio.cfg's SHM_MB, 1024);
 *           usrloc keeps every binding there (sized for N AORs: see shmMbFor)
 * @property {number} [usrlocHashSize] usrloc hash table of 2^n slots (default: kamailio.cfg's 10)
 * @property {number} [startTimeoutMs] how long to wait for the WS port to accept (default 10000)
 * @property {number} [stopTimeoutMs]  SIGTERM grace period before SIGKILL (default 5000)
 * @property {boolean} [outbound]     RFC 5626 outbound + RFC 5627 GRUU (module "outbound", Debian
 *           kamailio-outbound-modules; registrar outbound_mode=1, gruu_enabled=1, use_path=1): a
 *           REGISTER with +sip.instance/reg-id and "Supported: outbound" gets "Require: outbound",
 *           "Flow-Timer" and pub-gruu/temp-gruu
 * @property {number} [flowTimer]     Flow-Timer (s) in outbound 2xx responses (default 25)
 * @property {boolean} [stun]         RFC 5626 §8: module "stun" answers STUN Binding requests on the
 *           SIP UDP port (the keep-alive of outbound UDP flows, §4.4.2)
 * @property {boolean} [tls]          also WebSocket over TLS (wss://127.0.0.1:<wssPort>, Debian
 *           kamailio-tls-modules) with a throwaway CA + server certificate made in runDir
 * @property {boolean} [multicast] also listen on the group 224.0.1.75 (RFC 3261 §10.2.6) on `lo`,
 *           on the unicast UDP port (kamailio.cfg MULTICAST; replies to the group leave from that
 *           port, so refreshes sent there reach the unicast socket): ONLY inside a network
 *           namespace of the test's own (tests/js/mcast/netns-run.mjs), never in the root one
 */

/**
 * How the registrar answers in fault mode (`setFault(code, opts)`); kamailio.cfg's route[FAULT].
 * @typedef {object} FaultOptions
 * @property {string} [reason]      reason phrase (default: the usual one for the code)
 * @property {number} [retryAfter]  Retry-After seconds with a 503 (default 2; 0 = none)
 * @property {string} [contact]     the Contact URI of a 3xx (default sip:redirected.example.test)
 * @property {string} [header]      one more header line, e.g. "Unsupported: outbound"
 *           (a 420 gets that one by default)
 * @property {'always' | 'not-redirected' | 'extension'} [when]  'always' (default, but 3xx:
 *           'not-redirected'): 'not-redirected' answers only while the Request-URI host is not
 *           the 3xx Contact's host, so the REGISTER that follows the redirect is served normally;
 *           'extension' only while Supported or Require lists `extension` (420 default)
 * @property {string} [extension]   for 'extension' (default "outbound")
 * @property {boolean} [afterAuth]  answer only once the digest check passed (the first REGISTER
 *           still gets its 401); default false: before the challenge
 */

/** Reason phrases for the fault statuses (RFC 3261 §21, RFC 5626). */
const REASONS = {
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  420: 'Bad Extension',
  421: 'Extension Required',
  480: 'Temporarily Unavailable',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  600: 'Busy Everywhere',
  604: 'Does Not Exist Anywhere',
};

/**
 * @typedef {object} Registrar
 * @property {string} wsUrl        "ws://127.0.0.1:<wsPort>" (WebSocket subprotocol "sip")
 * @property {number} wsPort
 * @property {number} udpPort      SIP over UDP on 127.0.0.1
 * @property {number} tcpPort      SIP over TCP on 127.0.0.1 (RFC 3261 §18; not WebSocket): the
 *           same number as udpPort, as servers do
 * @property {number | null} tlsPort  SIP over TLS on 127.0.0.1 with { tls: true }, else null
 * @property {string | null} wssUrl   "wss://127.0.0.1:<wssPort>" with { tls: true }, else null
 * @property {number | null} wssPort
 * @property {import('./testca.mjs').TestPki | null} pki  with { tls: true }: caFile / ca (PEM) to
 *           trust, certFile / keyFile, spki (for Chromium --ignore-certificate-errors-spki-list)
 * @property {number | null} flowTimer  the Flow-Timer (s) with { outbound: true }, else null
 * @property {number} pid          PID of the Kamailio main process (changes on restart())
 * @property {string} logFile      Kamailio's stdout+stderr (all runs, restarts appended)
 * @property {string} runDir
 * @property {string} ctlSocket    for `kamcmd -s <ctlSocket> ...`
 * @property {() => Promise<Binding[]>} dump   current bindings (kamcmd ul.dump)
 * @property {(aors: string[]) => Promise<Binding[]>} lookup  the bindings of these AORs
 *           ("user@domain"), one `ul.lookup location` each in interactive kamcmd runs of 5,000:
 *           for tables whose `ul.dump brief` passes kamcmd's 128 KiB (about 4,800 AORs)
 * @property {(method: string, ...args: string[]) => Promise<string>} rpc  raw kamcmd call
 * @property {(on: boolean, retryAfter?: number) => Promise<void>} setFault503
 *           switch the 503 fault mode at run time (retryAfter 0 = no Retry-After header)
 * @property {(code: number, opts?: FaultOptions) => Promise<void>} setFault
 *           answer every REGISTER with `code` from now on (0 = normal again); see FaultOptions
 * @property {() => void} freeze   SIGSTOP every Kamailio process (registrar stops answering)
 * @property {() => void} thaw     SIGCONT them
 * @property {(opts?: { downMs?: number }) => Promise<void>} restart  stop and start again on the
 *           same ports (bindings lost); with downMs, stay down that long first (an outage:
 *           connections refused meanwhile). Resolves once the WS port accepts again.
 * @property {() => Promise<void>} stop     end every Kamailio process, remove runDir; idempotent
 */

const CFG = fileURLToPath(new URL('./kamailio.cfg', import.meta.url));
const EDGE_CFG = fileURLToPath(new URL('./edge.cfg', import.meta.url));
const SETUP_HINT =
  'run scripts/setup.sh (installs kamailio, kamailio-websocket-modules, ' + 'kamailio-outbound-modules, kamailio-tls-modules)';
const MODULE_DIRS = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
  '/usr/lib64/kamailio/modules',
  '/usr/local/lib64/kamailio/modules',
  '/usr/local/lib/kamailio/modules',
];
const HOST = '127.0.0.1';

/** @type {Set<() => void>} emergency cleanups for registrars still running */
const live = new Set();
const killAllLive = () => {
  for (const kill of live) kill();
  live.clear();
};
process.on('exit', killAllLive);
// A signal that ends node skips 'exit' handlers: clean up, then re-raise the signal.
/** @param {NodeJS.Signals} sig */
const onSignal = (sig) => {
  killAllLive();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, sig);
};
/** @type {NodeJS.Signals[]} */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** @param {() => void} kill */
function track(kill) {
  if (live.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  live.add(kill);
}
/** @param {() => void} kill */
function untrack(kill) {
  live.delete(kill);
  if (live.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/**
 * Find an executable in PATH or the sbin directories (kamailio lives in /usr/sbin, which
 * non-root PATHs often lack).
 * @param {string} name
 * @returns {string}
 */
function findBinary(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw new Error(`${name} not found (searched PATH and /usr/sbin): ${SETUP_HINT}`);
}

/**
 * Fail early, with the package to install, when a Kamailio module is missing (Kamailio itself
 * would only say "could not find module" in its log).
 * @param {string} module e.g. "tls"
 * @param {string} pkg    the Debian package that has it
 */
function needModule(module, pkg) {
  if (MODULE_DIRS.some((d) => existsSync(join(d, `${module}.so`)))) return;
  throw new Error(
    `Kamailio module ${module}.so not found (in ${MODULE_DIRS.join(', ')}): install the Debian ` + `package ${pkg} (scripts/setup.sh does)`,
  );
}

/** @returns {boolean} whether `lo` is the only network link here (a test's own namespace: nothing leaves it) */
export function onlyLoopback() {
  const links = execFileSync(findBinary('ip'), ['-o', 'link', 'show'], { encoding: 'utf8' }).trim().split('\n');
  return links.every((l) => /^\d+: lo:/.test(l));
}

/** @returns {Promise<number>} a TCP port that was free on 127.0.0.1 a moment ago */
export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** @returns {Promise<number>} a UDP port that was free on 127.0.0.1 a moment ago */
export function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, HOST, () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

/** @param {number} port @returns {Promise<boolean>} whether TCP `port` on 127.0.0.1 is free */
function tcpFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Try one WebSocket upgrade with subprotocol "sip".
 * @param {string} url
 * @param {string} [ca] PEM of the CA to trust for wss://
 * @returns {Promise<boolean>}
 */
function wsAccepts(url, ca) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'sip', { handshakeTimeout: 1000, ...(ca ? { ca } : {}) });
    const done = (/** @type {boolean} */ ok) => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      if (ws.readyState === WebSocket.OPEN) ws.close();
      else ws.terminate();
      resolve(ok);
    };
    ws.once('open', () => done(ws.protocol === 'sip'));
    ws.once('error', () => done(false));
    ws.once('unexpected-response', () => done(false));
  });
}

/**
 * Last lines of a file, for error messages.
 * @param {string} file
 * @param {number} n
 */
function tail(file, n = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Start a Kamailio registrar on free loopback ports and wait until its WS port accepts a
 * WebSocket upgrade with subprotocol "sip". Throws (never skips) if Kamailio is missing.
 * @param {RegistrarOptions} [options]
 * @returns {Promise<Registrar>}
 */
export async function startRegistrar(options = {}) {
  return startKamailio(CFG, [], options);
}

/**
 * @typedef {object} EdgeOptions
 * @property {string} [realm]  the proxy's Digest realm (default "edge.test"; password "secret")
 * @property {boolean} [debug]
 * @property {number} [startTimeoutMs]
 * @property {number} [stopTimeoutMs]
 */

/**
 * @typedef {object} EdgeProxy
 * @property {string} wsUrl    "ws://127.0.0.1:<wsPort>": where the client connects
 * @property {number} wsPort
 * @property {number} udpPort  the proxy's side towards the registrar (and its Path URI)
 * @property {string} realm
 * @property {number} pid
 * @property {string} logFile
 * @property {string} runDir
 * @property {string} ctlSocket
 * @property {(method: string, ...args: string[]) => Promise<string>} rpc
 * @property {() => void} freeze
 * @property {() => void} thaw
 * @property {(opts?: { downMs?: number }) => Promise<void>} restart
 * @property {() => Promise<void>} stop
 */

/**
 * Start an edge proxy (a second Kamailio, edge.cfg) in front of `registrar`: WebSocket towards
 * the client, 407 until the REGISTER carries proxy credentials for `realm` (password "secret"),
 * then the credentials are consumed, a Path added and the REGISTER relayed over UDP to the
 * registrar, which challenges with its own 401 (realm = To domain). Own run dir (-Y), ctl
 * socket and ports; stop it before (or with) the registrar.
 * @param {Registrar} registrar
 * @param {EdgeOptions} [options]
 * @returns {Promise<EdgeProxy>}
 */
export async function startEdgeProxy(registrar, options = {}) {
  const realm = options.realm ?? 'edge.test';
  if (!/^[\w.-]+$/.test(realm)) throw new Error(`startEdgeProxy: bad realm ${realm}`);
  const k = await startKamailio(
    EDGE_CFG,
    ['-A', `REG_URI="sip:127.0.0.1:${registrar.udpPort};transport=udp"`, '-A', `EDGE_REALM="${realm}"`],
    { debug: options.debug, startTimeoutMs: options.startTimeoutMs, stopTimeoutMs: options.stopTimeoutMs },
  );
  return {
    get wsUrl() {
      return k.wsUrl;
    },
    get wsPort() {
      return k.wsPort;
    },
    get udpPort() {
      return k.udpPort;
    },
    realm,
    get pid() {
      return k.pid;
    },
    logFile: k.logFile,
    runDir: k.runDir,
    ctlSocket: k.ctlSocket,
    rpc: k.rpc,
    freeze: k.freeze,
    thaw: k.thaw,
    restart: k.restart,
    stop: k.stop,
  };
}

/**
 * Start one Kamailio with `cfg` (kamailio.cfg or edge.cfg) and the registrar's machinery.
 * @param {string} cfg
 * @param {string[]} extraArgs more command-line arguments (defines)
 * @param {RegistrarOptions} options
 * @returns {Promise<Registrar>}
 */
async function startKamailio(cfg, extraArgs, options) {
  const kamailio = findBinary('kamailio');
  const kamcmd = findBinary('kamcmd');
  const startTimeoutMs = options.startTimeoutMs ?? 10000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  if (options.outbound) needModule('outbound', 'kamailio-outbound-modules');
  if (options.tls) needModule('tls', 'kamailio-tls-modules');
  if (options.stun) needModule('stun', 'kamailio');
  if (options.multicast && !onlyLoopback()) {
    throw new Error('startRegistrar: multicast only inside a network namespace of the test whose only link is lo (unshare -n)');
  }
  const flowTimer = options.outbound ? Math.trunc(options.flowTimer ?? 25) : null;
  if (flowTimer !== null && !(flowTimer > 0)) throw new Error(`flowTimer must be a positive number of seconds, not ${options.flowTimer}`);

  // unix socket paths are limited to 107 bytes: fall back to /tmp for long TMPDIRs
  const base = tmpdir().length > 60 ? '/tmp' : tmpdir();
  const runDir = mkdtempSync(join(base, cfg === EDGE_CFG ? 'sipreg-edge-' : 'sipreg-registrar-'));
  const logFile = join(runDir, 'kamailio.log');
  const pidFile = join(runDir, 'kamailio.pid');
  const ctlPath = join(runDir, 'ctl');
  const ctlSocket = `unix:${ctlPath}`;

  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  /** @type {number[]} every PID of the current run (main first) */
  let pids = [];
  let wsPort = 0;
  let udpPort = 0;
  let wssPort = 0;
  let tcpPort = 0;
  let tlsPort = 0;
  let stopped = false;
  /** @type {import('./testca.mjs').TestPki | null} */
  let pki = null;

  const emergencyKill = () => {
    const main = pids[0];
    if (main) signalAll([main, ...pids, ...descendants(main)], 'SIGKILL', runDir);
    if (!process.env.SIPREG_KEEP_REGISTRAR) rmSync(runDir, { recursive: true, force: true });
  };

  /** @returns {string[]} */
  const args = () => {
    const a = [
      '-f',
      cfg,
      '-DD',
      '-E',
      '-P',
      pidFile,
      '-Y',
      runDir,
      '-A',
      `UDPPORT=${udpPort}`,
      '-A',
      `WSPORT=${wsPort}`,
      '-A',
      `TCPPORT=${tcpPort}`,
      '-A',
      `CTL_SOCK="${ctlSocket}"`,
    ];
    a.push(...extraArgs);
    if (options.tcpChildren) a.push('-A', `TCP_CHILDREN=${options.tcpChildren}`);
    if (options.shmMb) a.push('-A', `SHM_MB=${Math.ceil(options.shmMb)}`);
    if (options.usrlocHashSize) a.push('-A', `UL_HASH_SIZE=${options.usrlocHashSize}`);
    if (options.fault503) a.push('-A', 'FAULT_503');
    if (options.debug) a.push('-A', 'DEBUG');
    if (options.multicast) a.push('-A', 'MULTICAST', '-A', `MCAST_PORT=${udpPort}`);
    if (flowTimer !== null) a.push('-A', 'OUTBOUND', '-A', `FLOW_TIMER=${flowTimer}`);
    if (options.stun) a.push('-A', 'STUN');
    if (pki) {
      a.push(
        '-A',
        'TLS',
        '-A',
        `WSSPORT=${wssPort}`,
        '-A',
        `TLSPORT=${tlsPort}`,
        '-A',
        `TLS_CERT="${pki.certFile}"`,
        '-A',
        `TLS_KEY="${pki.keyFile}"`,
      );
    }
    return a;
  };

  /** Kill the current run (all its processes) and wait for it; keeps runDir. */
  const shutdown = async () => {
    const c = child;
    if (!c || c.pid === undefined) {
      child = null;
      return;
    }
    const main = c.pid;
    const all = [...new Set([main, ...pids, ...descendants(main)])];
    signalAll(all, 'SIGCONT', runDir); // a frozen process would never handle SIGTERM
    const exited = new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) r(undefined);
      else c.once('exit', r);
    });
    signalAll([main], 'SIGTERM', runDir);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise((r) => {
      timer = setTimeout(() => r('timeout'), stopTimeoutMs);
    });
    if ((await Promise.race([exited, timeout])) === 'timeout') signalAll(all, 'SIGKILL', runDir);
    clearTimeout(timer);
    await exited;
    // Kamailio's main process takes its workers down; make sure, then force the rest
    const left = await waitGone(all, runDir, 2000);
    if (left.length > 0) {
      signalAll(left, 'SIGKILL', runDir);
      await waitGone(left, runDir, 2000);
    }
    child = null;
    pids = [];
  };

  /**
   * One start attempt on the current ports.
   * @returns {Promise<{ ok: true } | { ok: false, portInUse: boolean, why: string }>}
   */
  const launch = async () => {
    rmSync(pidFile, { force: true }); // Kamailio refuses a pid file naming a live process
    appendFileSync(logFile, `===== ${new Date().toISOString()} kamailio ${args().join(' ')}\n`);
    const fd = openSync(logFile, 'a');
    let c;
    try {
      c = spawn(kamailio, args(), { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    child = c;
    /** @type {Error | null} */
    let spawnError = null;
    c.once('error', (e) => {
      spawnError = e;
    });
    if (c.pid !== undefined) pids = [c.pid];
    track(emergencyKill);

    const url = `ws://${HOST}:${wsPort}`;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (spawnError || c.exitCode !== null || c.signalCode !== null) break;
      if (existsSync(ctlPath) && (await wsAccepts(url)) && (!pki || (await wsAccepts(`wss://${HOST}:${wssPort}`, pki.ca)))) {
        if (c.exitCode !== null || c.signalCode !== null) break; // someone else's port?
        pids = [/** @type {number} */ (c.pid), ...descendants(/** @type {number} */ (c.pid))];
        return { ok: true };
      }
      await sleep(50);
    }
    const log = tail(logFile);
    await shutdown();
    const why = spawnError
      ? String(spawnError)
      : c.exitCode !== null || c.signalCode !== null
        ? `kamailio exited (${c.exitCode ?? c.signalCode})`
        : `WS port ${wsPort}${pki ? ` or WSS port ${wssPort}` : ''} not accepting after ${startTimeoutMs} ms`;
    return { ok: false, portInUse: /in use|bind/i.test(log), why: `${why}; log tail:\n${log}` };
  };

  /**
   * Start, retrying on port collisions (new ports unless `samePorts`).
   * @param {boolean} samePorts
   */
  const start = async (samePorts) => {
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!samePorts) {
        wsPort = await freeTcpPort();
        udpPort = await freeUdpPort();
        // SIP over TCP on the UDP port's number, as servers do (5060 for both): a request that
        // outgrows UDP goes over TCP to the same host and port (RFC 3261 §18.1.1)
        for (let i = 0; i < 20 && (udpPort === wsPort || !(await tcpFree(udpPort))); i++) udpPort = await freeUdpPort();
        tcpPort = udpPort;
        if (pki) {
          do wssPort = await freeTcpPort();
          while (wssPort === wsPort || wssPort === tcpPort);
          do tlsPort = await freeTcpPort();
          while ([wsPort, tcpPort, wssPort].includes(tlsPort));
        }
      }
      const r = await launch();
      if (r.ok) return;
      last = r.why;
      if (!r.portInUse) break;
      await sleep(samePorts ? 200 : 0);
    }
    throw new Error(`kamailio registrar did not start (${SETUP_HINT} if packages are missing): ${last}`);
  };

  /**
   * Run kamcmd on our ctl socket. With `input`, kamcmd runs interactively and executes one
   * command per input line (one process for many commands).
   * @param {string[]} argv
   * @param {string} [input]
   * @returns {Promise<string>}
   */
  const kamcmdRun = (argv, input) =>
    new Promise((resolve, reject) => {
      if (!child) {
        reject(new Error('registrar is not running'));
        return;
      }
      const p = execFile(kamcmd, ['-s', ctlSocket, ...argv], { timeout: 20000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`kamcmd ${argv.join(' ')} failed: ${err.message.trim()} ${stderr.trim()}`));
        else resolve(stdout);
      });
      p.stdin?.on('error', () => {}); // EPIPE when kamcmd exits without reading stdin
      p.stdin?.end(input ?? '');
    });

  /**
   * All bindings. kamcmd only accepts replies up to 128 KiB (compiled-in MAX_REPLY_SIZE):
   * `ul.dump` overflows at ~200-300 bindings ("ERROR: reply too big", after a ~1 s stall).
   * So: `ul.dump brief` (AORs only, ~27 bytes each) first; up to 100 AORs one full `ul.dump`
   * (an atomic snapshot), beyond that one `ul.lookup location <aor>` per AOR, all in a
   * single interactive kamcmd run.
   * @returns {Promise<Binding[]>}
   */
  const dump = async () => {
    const aors = parseUlDumpBrief(await kamcmdRun(['ul.dump', 'brief']));
    if (aors.length === 0) return [];
    if (aors.length <= 100) {
      try {
        return parseUlDump(await kamcmdRun(['ul.dump']));
      } catch (e) {
        if (!/reply too big/.test(String(e))) throw e; // many contacts per AOR: look them up
      }
    }
    const out = await kamcmdRun([], aors.map((a) => `ul.lookup location ${a}\n`).join(''));
    return parseUlDump(out);
  };

  /** @param {string[]} aors @returns {Promise<Binding[]>} */
  const lookup = async (aors) => {
    const out = [];
    for (let i = 0; i < aors.length; i += 5000) {
      const text = await kamcmdRun(
        [],
        aors
          .slice(i, i + 5000)
          .map((a) => `ul.lookup location ${a}\n`)
          .join(''),
      );
      // kamcmd prints "error: <code> - <text>" for a command that failed and goes on: "AOR not
      // found in location table" is an AOR with no binding; any other error is a failure, not "unbound"
      const failed = [...text.matchAll(/^error: (\d+)(.*)$/gm)].filter((m) => !/AOR not found/.test(m[2]));
      if (failed.length) throw new Error(`ul.lookup failed ${failed.length} times, first: error: ${failed[0][1]}${failed[0][2]}`);
      out.push(...parseUlDump(text));
    }
    return out;
  };

  try {
    if (options.tls) pki = await makeTestPki(runDir);
    await start(false);
  } catch (e) {
    untrack(emergencyKill);
    if (!process.env.SIPREG_KEEP_REGISTRAR) rmSync(runDir, { recursive: true, force: true });
    throw e;
  }

  return {
    get wsUrl() {
      return `ws://${HOST}:${wsPort}`;
    },
    get wsPort() {
      return wsPort;
    },
    get udpPort() {
      return udpPort;
    },
    get tcpPort() {
      return tcpPort;
    },
    get tlsPort() {
      return pki ? tlsPort : null;
    },
    get wssUrl() {
      return pki ? `wss://${HOST}:${wssPort}` : null;
    },
    get wssPort() {
      return pki ? wssPort : null;
    },
    pki,
    flowTimer,
    get pid() {
      return pids[0] ?? 0;
    },
    logFile,
    runDir,
    ctlSocket,
    rpc: (method, ...a) => kamcmdRun([method, ...a]),
    dump,
    lookup,
    async setFault503(on, retryAfter = 2) {
      await kamcmdRun(['pv.shvSet', 'retry_after', 'int', String(retryAfter)]);
      await kamcmdRun(['pv.shvSet', 'fault_if', 'int', '0']);
      await kamcmdRun(['pv.shvSet', 'fault_auth', 'int', '0']);
      await kamcmdRun(['pv.shvSet', 'fault_hdr', 'str', '']);
      await kamcmdRun(['pv.shvSet', 'fault_reason', 'str', REASONS[503]]);
      await kamcmdRun(['pv.shvSet', 'fault', 'int', on ? '503' : '0']);
    },
    async setFault(code, opts = {}) {
      if (!Number.isInteger(code) || (code !== 0 && (code < 300 || code > 699))) {
        throw new Error(`setFault: code must be 0 or a status 300-699, not ${code}`);
      }
      const redirect = code >= 300 && code < 400;
      const contact = opts.contact ?? 'sip:redirected.example.test';
      const host = /^sips?:(?:[^@;>]*@)?(\[[^\]]*\]|[^:;>?]+)/i.exec(contact)?.[1];
      if (redirect && !host) throw new Error(`setFault: no host in the contact ${contact}`);
      const when = opts.when ?? (redirect ? 'not-redirected' : code === 420 ? 'extension' : 'always');
      const whenCode = { always: 0, 'not-redirected': 1, extension: 2 }[when];
      if (whenCode === undefined) throw new Error(`setFault: unknown when ${when}`);
      const extension = opts.extension ?? 'outbound';
      if (!/^[\w.!%*+`'~-]+$/.test(extension)) throw new Error(`setFault: bad extension ${extension}`);
      const header = opts.header ?? (code === 420 || code === 421 ? `${code === 420 ? 'Unsupported' : 'Require'}: ${extension}` : '');
      if (/[\r\n]/.test(header) || /[\r\n]/.test(opts.reason ?? '')) throw new Error('setFault: no line breaks in header/reason');
      // one kamcmd per variable (interactive kamcmd splits a line at blanks, quotes and all),
      // the status last: the others are in place before a REGISTER sees the new status
      const vars = [
        ['retry_after', 'int', String(Math.trunc(opts.retryAfter ?? 2))],
        ['fault_reason', 'str', opts.reason ?? REASONS[/** @type {keyof REASONS} */ (code)] ?? 'Fault'],
        ['fault_contact', 'str', contact],
        ['fault_host', 'str', host ?? ''],
        ['fault_ext', 'str', extension],
        ['fault_hdr', 'str', header],
        ['fault_if', 'int', String(whenCode)],
        ['fault_auth', 'int', opts.afterAuth ? '1' : '0'],
        ['fault', 'int', String(code)],
      ];
      for (const v of vars) await kamcmdRun(['pv.shvSet', ...v]);
    },
    freeze() {
      if (child?.pid) signalAll([child.pid, ...descendants(child.pid)], 'SIGSTOP', runDir);
    },
    thaw() {
      if (child?.pid) signalAll([child.pid, ...descendants(child.pid)], 'SIGCONT', runDir);
    },
    async restart({ downMs = 0 } = {}) {
      if (stopped) throw new Error('registrar was stopped');
      await shutdown();
      if (downMs > 0) await sleep(downMs);
      if (stopped) throw new Error('registrar was stopped');
      await start(true);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown();
      untrack(emergencyKill);
      if (!process.env.SIPREG_KEEP_REGISTRAR) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium command-line flags that make Chromium trust this registrar's throwaway wss://
 * certificate (by the SHA-256 of its public key; no CA import, no --ignore-certificate-errors):
 * `chromium.launch({ args: [...ARGS, ...chromiumTlsArgs(registrar)] })` (checked with Debian's
 * Chromium 156, headless under playwright-core: a page's `new WebSocket(wssUrl, 'sip')` opens with
 * the flag and fails without it).
 * @param {Registrar} registrar started with { tls: true }
 * @returns {string[]}
 */
export function chromiumTlsArgs(registrar) {
  if (!registrar.pki) throw new Error('chromiumTlsArgs: start the registrar with { tls: true }');
  return [`--ignore-certificate-errors-spki-list=${registrar.pki.spki}`];
}

export { parseUlDump } from './uldump.mjs';
export { CFG as REGISTRAR_CFG, EDGE_CFG };
