// flows.mjs — the Node host's own flows (createSingle's env.makeFlow): SIP over UDP, TCP and TLS
// (RFC 3261 §18) to a configured `sip:`/`sips:` server, to the servers RFC 3263 finds for the
// Request-URI (node/locate.mjs), or by multicast (§10.2.6, node/multicast-flow.mjs). ws:// and
// wss:// servers stay with the WebSocket flow (makeFlow returns undefined).
//
// A SipFlow holds the ordered targets and one flow at a time (udp-flow.mjs, stream-flow.mjs) to
// the current one. RFC 3263 §4.3 failover: a connection that cannot be opened makes it try the
// next target before it reports 'down'; a flow that went down without ever hearing from its
// target, or that the registration dropped (fail(why): Timer F, 503), makes the next connect()
// start at the next target. When every target failed, 'down' names the last cause and the next
// connect() locates again.
import net from 'node:net';
import { UdpFlow } from './udp-flow.mjs';
import { StreamFlow } from './stream-flow.mjs';
import { parseTargetUri } from './sip-uri.mjs';

/** RFC 3261 §19.1.2: default ports (5061 for TLS, RFC 3263 §4.2). */
const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 };
const TRANSPORTS = ['udp', 'tcp', 'tls'];

/** @param {string} message a configuration error (code SIPREG_E_CONFIG, as the core's) */
const configError = (message) => Object.assign(new TypeError(`sipreg: ${message}`), { code: 'SIPREG_E_CONFIG' });

/**
 * @typedef {object} Target where a flow goes (node/locate.mjs's shape, plus `domain`: the name
 *   a TLS certificate must carry, RFC 5922 §4)
 * @property {'udp'|'tcp'|'tls'} transport
 * @property {string} host
 * @property {number} port
 * @property {string} [address]
 * @property {string} [source] 'naptr' | 'srv' | 'a' | 'literal' | 'configured' | 'multicast'
 * @property {string} [domain]
 */

/**
 * The parts of a sip:/sips: URI that say where to send (RFC 3261 §19.1.1, read by sip-uri.mjs),
 * the host lowercased for comparison; null for another scheme, a configuration error for a SIP
 * URI without a usable host or port.
 * @param {string} uri
 * @returns {{ secure: boolean, host: string, port: number | null, transport: string | null } | null}
 */
export function sipUriParts(uri) {
  if (!/^\s*<?\s*sips?:/i.test(String(uri))) return null;
  let u;
  try {
    u = parseTargetUri(String(uri));
  } catch (e) {
    throw configError(/** @type {Error} */ (e).message.replace(/^locate: /, ''));
  }
  return { secure: u.secure, host: u.host.toLowerCase(), port: u.port, transport: u.transport };
}

/**
 * The target of a server URI when no DNS is needed (an IP literal), else null (RFC 3263 §4.1:
 * transport from the URI, else TLS for sips:, else UDP; §4.2: the URI's port, else the default).
 * @param {{ secure: boolean, host: string, port: number | null, transport: string | null }} u
 * @param {string} [preferred] options.transport
 * @returns {Target | null}
 */
function literalTarget(u, preferred) {
  if (!net.isIP(u.host)) return null;
  const transport = u.secure ? 'tls' : (u.transport ?? preferred ?? 'udp');
  return { transport, host: u.host, port: u.port ?? DEFAULT_PORT[transport], address: u.host, source: 'literal' };
}

/**
 * The Request-URI the core uses without a configured registrar: sip:<AOR host>[:port] (§10.2).
 * @param {string | undefined} aor @returns {string | undefined}
 */
function requestUri(aor) {
  const u = aor ? sipUriParts(aor) : null;
  if (!u) return undefined;
  const host = net.isIPv6(u.host) ? `[${u.host}]` : u.host;
  return `${u.secure ? 'sips' : 'sip'}:${host}${u.port ? `:${u.port}` : ''}`;
}

/** One line for a target: "tcp 127.0.0.1:5060". */
export function targetWords(t) {
  if (!t) return 'no target';
  const a = t.address ?? t.host;
  return `${t.transport} ${net.isIPv6(a) ? `[${a}]` : a}:${t.port}${t.host !== a ? ` (${t.host})` : ''}`;
}

/**
 * A flow over UDP, TCP or TLS that moves through an ordered list of targets.
 * Interface: bindings/js/websocket-flow.mjs ('up', 'down', 'error'; ontext, send, fail, close).
 */
export class SipFlow extends EventTarget {
  canPing = false;
  /** @type {((text: string) => void) | null} */
  ontext = null;
  onpong = null;
  /** @type {((bytes: Uint8Array) => void) | null} datagrams that are bytes (UDP) */
  onbytes = null;
  /** @type {{code: string, message: string} | null} */
  lastCause = null;
  /** @type {Target[] | null} the targets of this round (null: locate on the next connect) */
  #targets = null;
  #index = 0;
  /** targets that failed to connect in this round */
  #tried = 0;
  /** @type {any} the flow to the current target */
  #inner = null;
  #opening = false;
  #closed = false;
  /** after connect('tcp'): UDP targets are reached over TCP (RFC 3261 §18.1.1) */
  #streamOnly = false;
  /** @type {{target: Target, kind: string, flow: any} | null} the last flow made (reused for its target) */
  #last = null;
  /** @type {{up: Function, down: Function, error: Function, responder: Function} | null} our listeners on #inner */
  #listeners = null;

  /**
   * @param {object} how
   * @param {() => Promise<Target[]> | Target[]} how.locate the ordered targets (asked again after
   *   a round in which every target failed)
   * @param {(target: Target, kind: 'udp'|'tcp'|'tls') => any | Promise<any>} [how.open] a flow to
   *   one target (default: UdpFlow / StreamFlow with `options`)
   * @param {'udp'|'tcp'|'tls'} [how.kind] the kind expected before the first target is known
   * @param {object} [how.options] connectTimeout, tls, limits, recvBufferSize (UDP)
   * @param {boolean} [how.streams] false: no TCP to these targets (multicast): connect('tcp')
   *   reports the UDP flow up again, and the core sends over UDP after all
   * @param {string} [how.name] what is located (the URI), named while no target is known
   */
  constructor({ locate, open, kind = 'udp', options = {}, streams = true, name }) {
    super();
    this.streams = streams;
    this.name = name;
    this.locate = locate;
    this.open = open ?? ((target, k) => (k === 'udp' ? new UdpFlow(target, options) : new StreamFlow(k, target, options)));
    this.expected = kind;
  }

  /** @returns {'udp'|'tcp'|'tls'} the current flow's kind (the expected one before any) */
  get kind() {
    return this.#inner?.kind ?? this.#kindFor(this.target) ?? this.expected;
  }
  get up() {
    return Boolean(this.#inner?.up);
  }
  /** @returns {{address: string, port: number} | null} */
  get local() {
    return this.#inner?.up ? this.#inner.local : null;
  }
  /** @returns {{group: string, ttl: number} | null} the multicast group the flow sends to now */
  get multicast() {
    return this.#inner?.multicast ?? null;
  }
  /** @returns {Target | null} where the current (or next) flow goes */
  get target() {
    if (this.#inner?.target) return this.#inner.target;
    const t = this.#targets;
    return t?.length ? t[this.#index % t.length] : (this.#last?.target ?? null);
  }
  /** @returns {string} the target in words (errors, CLI) */
  get url() {
    return this.target || !this.name ? targetWords(this.target) : this.name;
  }

  /** @param {Target | null} t @returns {'udp'|'tcp'|'tls'|null} */
  #kindFor(t) {
    if (!t) return null;
    return this.#streamOnly && t.transport === 'udp' ? 'tcp' : t.transport;
  }

  /**
   * Open a flow unless one is open or opening.
   * @param {'tcp'} [kind] 'tcp': the core needs a stream flow (a request over udp-max, §18.1.1):
   *   a UDP flow is replaced by TCP to the same target
   */
  connect(kind) {
    this.#closed = false;
    if (kind === 'tcp' && !this.streams) {
      if (this.up)
        queueMicrotask(() => {
          if (this.up) this.dispatchEvent(new CustomEvent('up'));
        });
      kind = undefined;
    }
    if (kind === 'tcp' && !this.#streamOnly) {
      this.#streamOnly = true;
      if (this.#inner?.kind === 'udp') {
        // the UDP flow gives way: 'down' (requested), then TCP to the same target
        const old = this.#inner;
        const wasUp = old.up;
        this.#detach(old);
        old.close();
        if (wasUp) this.#emitDown({ code: 'closed', message: 'UDP flow replaced by TCP (RFC 3261 §18.1.1)' }, true, true);
      }
    }
    if (this.#inner || this.#opening) return;
    this.#tried = 0;
    this.#attempt();
  }

  /** Open a flow to the current target (locating first when needed). */
  async #attempt() {
    this.#opening = true;
    let flow;
    try {
      if (!this.#targets) {
        const targets = await this.locate();
        if (!targets?.length) throw Object.assign(new Error('no target to send to'), { code: 'ENOTFOUND' });
        this.#targets = targets;
        this.#index = 0;
      }
      if (this.#closed) {
        this.#opening = false;
        return;
      }
      const target = this.#targets[this.#index % this.#targets.length];
      const kind = this.#kindFor(target);
      // the same target again: the same flow object (a multicast flow keeps its socket)
      if (this.#last?.target === target && this.#last.kind === kind) flow = this.#last.flow;
      else this.#last = { target, kind, flow: (flow = await this.open(target, kind)) };
    } catch (e) {
      this.#opening = false;
      if (this.#closed) return;
      this.#targets = null;
      this.lastCause = { code: e?.code ?? 'ENOTFOUND', message: String(e?.message ?? e) };
      this.#emitDown(this.lastCause, false, false);
      return;
    }
    this.#opening = false;
    if (this.#closed) return;
    this.#inner = flow;
    flow.ontext = (text) => this.ontext?.(text);
    flow.onbytes = (bytes) => this.onbytes?.(bytes);
    const listeners = {
      up: () => {
        this.#tried = 0;
        this.dispatchEvent(new CustomEvent('up'));
      },
      down: (e) => this.#innerDown(flow, e.detail),
      error: (e) => this.dispatchEvent(new CustomEvent('error', { detail: e.detail })),
      // a multicast flow adopted the registrar that answered: it sends to that one now
      responder: () => this.dispatchEvent(new CustomEvent('moved')),
    };
    this.#listeners = listeners;
    for (const [type, listener] of Object.entries(listeners)) flow.addEventListener(type, listener);
    flow.connect(this.#streamOnly ? 'tcp' : undefined);
  }

  /** Stop listening to a flow. */
  #detach(flow) {
    if (this.#inner !== flow) return;
    for (const [type, listener] of Object.entries(this.#listeners ?? {})) flow.removeEventListener(type, listener);
    flow.ontext = flow.onbytes = null;
    this.#inner = null;
    this.#listeners = null;
  }

  /** The flow to the current target went down (or never came up). */
  #innerDown(flow, d) {
    this.#detach(flow);
    this.lastCause = d.cause;
    if (this.#closed || d.requested) return;
    const n = this.#targets?.length ?? 1;
    if (d.cause?.code === 'failed') {
      this.#index++; // the registration gave up on this server (RFC 3263 §4.3)
    } else if (!d.wasUp) {
      // a connection that could not be opened: the next target, before telling anyone
      this.#index++;
      if (++this.#tried < n) {
        this.#attempt();
        return;
      }
      this.#targets = null; // every target failed: locate again next time
    } else if (!flow.heard) {
      this.#index++; // up, but the target never answered (ICMP unreachable over UDP)
    }
    this.#emitDown(d.cause, d.wasUp, false);
  }

  /** @param {{code: string, message: string}} cause @param {boolean} wasUp @param {boolean} requested */
  #emitDown(cause, wasUp, requested) {
    this.dispatchEvent(new CustomEvent('down', { detail: { code: 0, reason: cause.message, wasUp, requested, cause } }));
  }

  /** @param {string} text @returns {boolean} */
  send(text) {
    return this.#inner?.send(text) ?? false;
  }

  /** The registration found the flow dead or wants another server: 'down'; next connect() moves on. */
  fail(why = 'timeout') {
    if (this.#inner) this.#inner.fail(why);
  }

  /** Close for good. */
  close() {
    this.#closed = true;
    const flow = this.#inner;
    if (!flow) return;
    this.#detach(flow);
    flow.close();
    this.lastCause = { code: 'closed', message: 'closed by this client' };
    this.#emitDown(this.lastCause, true, true);
  }
}

/**
 * A flow for createRegistration options (Node's env.makeFlow): undefined for ws:// and wss://
 * servers (the WebSocket flow); a SipFlow to a sip:/sips: `server` (an outbound proxy: it becomes
 * `options.route` unless `route` is given or the server is the Request-URI's own host); with no
 * server, to the targets RFC 3263 finds for the Request-URI (registrar, else the AOR's host);
 * with `discovery: 'multicast'`, the MulticastFlow. Sets options.route: pass a copy.
 * @param {object} options createRegistration options
 * @returns {SipFlow | undefined}
 */
export function makeFlow(options) {
  const server = options.server;
  if (typeof server === 'string' && /^wss?:/i.test(server)) return undefined;
  const preferred = options.transport;
  if (preferred !== undefined && !TRANSPORTS.includes(preferred)) {
    throw configError(`transport must be udp, tcp or tls with a sip: server, got "${preferred}"`);
  }
  // recvBufferSize: not an option of createRegistration; a pool's socket asks for a larger one
  const flowOptions = { connectTimeout: options.connectTimeout, tls: options.tls, recvBufferSize: options.recvBufferSize };
  if (options.discovery === 'multicast' && server === undefined) {
    return new SipFlow({
      kind: 'udp',
      streams: false,
      locate: () => [{ transport: 'udp', host: 'sip.mcast.net', port: 5060, source: 'multicast' }],
      open: async () => new (await import('./multicast-flow.mjs')).MulticastFlow(options),
    });
  }
  const ruri = options.registrar ?? requestUri(options.aor);
  if (options.targets) {
    // a fixed target list (tests; callers that located the servers themselves)
    const targets = options.targets.map((t) => ({ source: 'configured', ...t }));
    return new SipFlow({ kind: targets[0]?.transport, locate: () => targets, options: flowOptions });
  }
  let where = ruri;
  if (server !== undefined) {
    const u = typeof server === 'string' ? sipUriParts(server) : null;
    if (!u) throw configError(`server must be a ws://, wss://, sip: or sips: URI, got "${server}"`);
    if (u.transport && !TRANSPORTS.includes(u.transport)) throw configError(`transport=${u.transport} in ${server} is not udp, tcp or tls`);
    if (u.secure && u.transport === 'udp') throw configError(`${server}: sips: is TLS only (RFC 3261 §26.2.2)`);
    // an outbound proxy: a pre-loaded Route (RFC 3261 §8.1.2); none when the server is the
    // registrar itself (the Request-URI's host: the server only says how to reach it)
    const own = ruri ? sipUriParts(ruri)?.host : undefined;
    if (options.route === undefined && u.host !== own) options.route = server.trim().replace(/^<|>$/g, '');
    const fixed = literalTarget(u, preferred);
    if (fixed) return new SipFlow({ kind: fixed.transport, locate: () => [fixed], options: flowOptions });
    where = server;
  }
  if (!where) throw configError('a server, a registrar or an AOR is needed to know where to register');
  const u = sipUriParts(where);
  if (!u) throw configError(`registrar must be a sip: or sips: URI, got "${where}"`);
  const dns = options.dns;
  const kind = u.secure ? 'tls' : (u.transport ?? preferred ?? 'udp');
  return new SipFlow({
    kind,
    name: where,
    options: flowOptions,
    locate: async () => {
      const { locate } = await import('./locate.mjs');
      const targets = await locate(where, { dns, transport: preferred });
      // RFC 5922 §4: the certificate of a located server names the domain asked for
      return targets.map((t) => ({ ...t, domain: u.host }));
    },
  });
}
