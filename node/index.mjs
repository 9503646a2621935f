// sipreg for Node (ESM). Loads the wasm next to this file; uses the global WebSocket when the
// runtime has one (Node >= 22), else its own client (websocket.mjs, Node 20).
import * as self from './index.mjs';

// The glue (lib/index.mjs: one module, the build's bundle) is asked for first (Node's loader
// reads it on its threads meanwhile), then the wasm is read and compiled: V8 compiles it on
// background threads while the glue loads. A static import would load it before any of this runs.
const loading = import('./lib/index.mjs');
// node:fs and node:os without ESM imports of them: the first ESM import of a built-in in a process
// costs 0.4-2 ms (its module wrapper); process.getBuiltinModule (Node >= 20.16) does not
const { readFileSync } = process.getBuiltinModule?.('node:fs') ?? (await import('node:fs'));
const os = process.getBuiltinModule?.('node:os') ?? (await import('node:os')).default;
const compiling = WebAssembly.compile(readFileSync(new URL('./sipreg.wasm', import.meta.url)));
compiling.catch(() => {}); // awaited below; do not report it as unhandled meanwhile
const lib = await loading;

/** The WebSocket client used on Node 20 (subclass it to pass TLS options such as `ca`). */
export const loadWebSocket = async () => (await import('./websocket.mjs')).NodeWebSocket;

// Node >= 22 has a global WebSocket; on Node 20 our own client (websocket.mjs: node:net/tls),
// loaded when a flow first connects, so that importing sipreg (and parsing) does not pay for it
const WebSocketImpl = globalThis.WebSocket ?? { load: loadWebSocket, ping: true };
// SIP over UDP/TCP/TLS (flows.mjs), loaded by createRegistration when a server is not ws:/wss:
/** @type {typeof import('./flows.mjs') | null} */
let flows = null;
const makeFlow = (options) => flows?.makeFlow(options);
const api = lib.bind(await lib.loadCore(await compiling), { WebSocket: WebSocketImpl, makeFlow, poolFlow });

export const { parse, uriEqual, version, core } = api;

/** Settled once everything above is usable (it is, once this module is imported): the entry's
 * exports. The CommonJS entry (index.cjs) has the same, to wait for before its synchronous ones. */
export const ready = Promise.resolve().then(() => self);

/**
 * The receive buffer a pool's UDP socket asks for (the system caps it at net.core.rmem_max): its
 * members' responses arrive thousands a second, and Linux's default 208 KiB holds ~90 datagrams,
 * ~20 ms of them at 4,000/s (a process descheduled that long drops the rest: retransmissions).
 */
const POOL_RECV_BUFFER = 4 << 20;

/**
 * A pool's flow to a sip: server: flows.mjs's SipFlow (UDP), made when the pool first connects
 * (importing sipreg does not load flows.mjs). Interface: bindings/js/websocket-flow.mjs.
 */
class PoolSipFlow extends EventTarget {
  canPing = false;
  /** @type {((text: string) => void) | null} */
  ontext = null;
  onpong = null;
  /** @type {((bytes: Uint8Array) => void) | null} */
  onbytes = null;
  /** @type {any} the SipFlow, once made */
  #flow = null;
  #loading = false;
  /** closed: a flow that finishes loading afterwards is not made */
  #closed = false;
  #cause = null;

  /** @param {string} server @param {{connectTimeout?: number}} options */
  constructor(server, options) {
    super();
    this.server = server;
    this.options = options;
  }
  get up() {
    return this.#flow?.up ?? false;
  }
  get local() {
    return this.#flow?.local ?? null;
  }
  get kind() {
    return this.#flow?.kind ?? 'udp';
  }
  get target() {
    return this.#flow?.target ?? null;
  }
  get url() {
    return this.#flow?.url ?? this.server;
  }
  get lastCause() {
    return this.#flow?.lastCause ?? this.#cause;
  }
  /** @param {'tcp'} [kind] */
  connect(kind) {
    if (this.#flow) return this.#flow.connect(kind);
    if (this.#loading || this.#closed) return;
    this.#loading = true;
    import('./flows.mjs').then(
      (m) => {
        this.#loading = false;
        flows ??= m;
        if (this.#closed) return; // closed while flows.mjs loaded: no socket made
        let flow;
        try {
          flow = flows.makeFlow({ server: this.server, connectTimeout: this.options.connectTimeout, recvBufferSize: POOL_RECV_BUFFER });
        } catch (e) {
          this.#down({ code: e.code ?? 'SIPREG_E_CONFIG', message: e.message });
          return;
        }
        this.#flow = flow;
        flow.ontext = (text) => this.ontext?.(text);
        flow.onbytes = (bytes) => this.onbytes?.(bytes);
        for (const type of ['up', 'down', 'error'])
          flow.addEventListener(type, (e) => this.dispatchEvent(new CustomEvent(type, { detail: e.detail })));
        flow.connect(kind);
      },
      (e) => {
        this.#loading = false;
        this.#down({ code: 'EIO', message: String(e?.message ?? e) });
      },
    );
  }
  /** @param {{code: string, message: string}} cause the flow could not be made */
  #down(cause) {
    this.#cause = cause;
    this.dispatchEvent(new CustomEvent('down', { detail: { code: 0, reason: cause.message, wasUp: false, requested: false, cause } }));
  }
  /** @param {string} text @returns {boolean} */
  send(text) {
    return this.#flow?.send(text) ?? false;
  }
  /** @param {string} [why] */
  fail(why) {
    this.#flow?.fail(why);
  }
  close() {
    this.#closed = true;
    this.#flow?.close();
  }
}

/**
 * The pool's own flows: UDP to a sip: server (the pool's server is the next hop, as a WebSocket
 * edge is: no Route is added); undefined for ws:// and wss:// (the WebSocket flow).
 * @param {string} server @param {{connectTimeout?: number}} options @returns {PoolSipFlow | undefined}
 */
function poolFlow(server, options) {
  return /^\s*<?\s*sip:/i.test(server) ? new PoolSipFlow(server, options) : undefined;
}

/** Many registrations over shared flows (pool.mjs): WebSocket connections, or UDP sockets to a sip: server. */
export class RegistrationPool extends api.RegistrationPool {
  /** @param {object} options server (ws://, wss:// or sip: with UDP), flows, rate, ... */
  constructor(options) {
    const server = options?.server;
    if (typeof server === 'string' && /^\s*<?\s*sips?:/i.test(server)) {
      // sip:[user@]host[:port][;params]: the host a name, an IPv4 or a bracketed IPv6 literal
      const m = /^\s*<?\s*sip:(?:[^@;?>]*@)?(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?([;?][^>]*)?>?\s*$/i.exec(server);
      const transport = /;\s*transport\s*=\s*([^;?>\s]*)/i.exec(m?.[3] ?? '')?.[1];
      const why = /^\s*<?\s*sips:/i.test(server)
        ? 'sips: is TLS: per registration (createRegistration), or a wss:// server'
        : !m
          ? 'no host[:port] in it'
          : m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535)
            ? `port ${m[2]} out of 1-65535`
            : transport !== undefined && !/^udp$/i.test(transport)
              ? `transport=${transport}: TCP and TLS are per registration (createRegistration), or a ws:// or wss:// server`
              : null;
      if (why)
        throw lib.configError(
          'server',
          server,
          `RegistrationPool shares UDP sockets with a sip:host[:port][;transport=udp] server, got "${server}" (${why})`,
        );
    }
    // workers: n: the registrations in n worker threads, one wasm instance each (worker-pool.cjs, loaded on first use)
    if (options?.workers !== undefined) {
      const { WorkerPool } = process.getBuiltinModule('node:module').createRequire(import.meta.url)('./worker-pool.cjs');
      return new WorkerPool(options, lib);
    }
    super(options);
  }
}
export const { Registration, RegistrationError, SipregError, WebSocketFlow, OPTIONS, POOL_OPTIONS } = lib;

// Noticing that this host's network changed (an address came or went: a new Wi-Fi, a VPN, a DHCP
// renewal, a cable) and telling a registration (or a pool), so that it re-registers at once on a
// fresh flow instead of waiting out its back-off. Here, not in a module of its own: each module
// costs the package's cold start (issue 15).
/**
 * Poll the local addresses every `intervalMs` (default 5000 ms: a change is acted on within about
 * 5 s; one poll costs well under a millisecond) and call `target.wake({ network: true })` when the
 * set of non-internal addresses changes. The timer is unref()'d: it never keeps the process alive.
 * @param {{ wake(options: {network: boolean}): void }} target a Registration or RegistrationPool
 * @param {{ intervalMs?: number, interfaces?: () => NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]> }} [options]
 *   interfaces: where addresses are read (default os.networkInterfaces; tests pass their own)
 * @returns {() => void} stops watching
 */
export function watchNetwork(target, { intervalMs = 5000, interfaces = os.networkInterfaces } = {}) {
  const addresses = () =>
    Object.values(interfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a.address)
      .sort()
      .join(' ');
  let last = addresses();
  const timer = setInterval(() => {
    const now = addresses();
    if (now === last) return;
    last = now;
    target.wake({ network: true });
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/**
 * RFC 3263 server location: the ordered targets ({transport, host, port, address, source}) for a
 * sip:/sips: URI (node/locate.mjs; loaded on first use).
 * @param {string} uri @param {object} [options] dns, transport, ...
 */
export const locate = async (uri, options) => (await import('./locate.mjs')).locate(uri, options);
/**
 * Observe REGISTERs on the multicast group (RFC 3261 §10.2.6; never answers): node/listen.mjs.
 * @param {object} [options]
 */
export const listenMulticast = async (options) => (await import('./listen.mjs')).listenMulticast(options);

/**
 * Create a registration with its own flow (nothing is sent until register()). A wrong option
 * rejects with a SipregError (code SIPREG_E_CONFIG) naming it: `option` (its path, e.g.
 * 'policy.retryBase'), `value`, and the sentence (OPTIONS is the table).
 * The instance-id (RFC 5626 §4.1) is `instance` when given; else, with `store` (a file path), the
 * one kept there for this AOR (made and saved on first use: a restarted process replaces its own
 * binding); else the one in `state`; else a random one for this process.
 * @param {object} options README "Options"
 * @returns {Promise<lib.Registration>}
 */
export async function createRegistration(options) {
  // every option known and of its type before anything is loaded or read (options.mjs)
  lib.checkOptions(options, lib.OPTIONS, { hosts: ['node'], what: 'createRegistration options' });
  // a copy: makeFlow sets `route` for an outbound proxy
  options = { ...options };
  if (!/^wss?:/i.test(options.server ?? '')) flows ??= await import('./flows.mjs');
  if (options?.store !== undefined && options.instance === undefined && options.aor) {
    const { instanceFromStore } = await import('./instance-store.mjs');
    options = { ...options, instance: instanceFromStore(options.store, options.aor) };
  }
  return api.createRegistration(options);
}
