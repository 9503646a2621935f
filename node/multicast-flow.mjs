// multicast-flow.mjs — registration by multicast (RFC 3261 §10.2.6): the REGISTER goes over UDP
// to the "all SIP servers" group sip.mcast.net (224.0.1.75:5060, TTL 1); the registrar that
// answers is used from then on ("the first response received ... will be used", §17.1.3: the
// first response whose top Via carries the branch of a request we sent to the group): every
// later request (the credentials after a 401, refreshes, the unregister) goes unicast to the
// source of that first response. fail() forgets it: the next request asks the group again.
//
// One UDP socket (IPv4: §10.2.6 allocates no IPv6 group), bound to 0.0.0.0 on a free port and a
// member of the group, because §18.1.1 wants a multicast client ready for responses sent to the
// group on its port; `local` is `interface` (default: the host's first external IPv4 address),
// which the registration writes into Via and Contact. The flow interface is the one of
// bindings/js/websocket-flow.mjs ('up', 'down' {code, reason, wasUp, requested, cause}, 'error');
// one more event, 'responder' {address, port}, when a registrar is adopted.
import dgram from 'node:dgram';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** sip.mcast.net (RFC 3261 §10.2.6) */
export const SIP_MCAST_GROUP = '224.0.1.75';

const decoder = new TextDecoder('utf-8', { fatal: true });
/** how many branches sent to the group are remembered for matching the answer */
const ASKED_MAX = 16;

/**
 * The branch parameter of a message's top Via (§8.1.1.7), null when there is none.
 * @param {string} text @returns {string | null}
 */
export function branchOf(text) {
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const via = /^(?:via|v)[ \t]*:([^\r\n]*)/im.exec(head)?.[1];
  return via ? (/;[ \t]*branch[ \t]*=[ \t]*([^;,\s]+)/i.exec(via.split(',')[0])?.[1] ?? null) : null;
}

/**
 * @typedef {object} MulticastOptions
 * @property {string} [group]      IPv4 multicast group (default 224.0.1.75, sip.mcast.net)
 * @property {number} [port]       its UDP port (default 5060)
 * @property {number} [ttl]        multicast TTL (default 1: this link only, §18.1.1)
 * @property {string} [interface]  local IPv4 address of the interface to send from and to put in
 *           Via/Contact (default: the host's first external IPv4 address, else 127.0.0.1)
 */

/**
 * Check and complete the multicast options.
 * @param {MulticastOptions} [m]
 * @returns {{group: string, port: number, ttl: number, interface: string | undefined}}
 */
export function multicastOptions(m = {}) {
  /** @param {string} message a configuration error (code SIPREG_E_CONFIG, as the core's) */
  const bad = (message) => Object.assign(new TypeError(`sipreg: ${message}`), { code: 'SIPREG_E_CONFIG' });
  if (m === null || typeof m !== 'object') throw bad('options.multicast must be an object');
  const group = m.group ?? SIP_MCAST_GROUP;
  const port = m.port ?? 5060;
  const ttl = m.ttl ?? 1;
  const first = isIPv4(group) ? Number(group.split('.')[0]) : 0;
  if (first < 224 || first > 239) throw bad(`multicast.group must be an IPv4 multicast address (224.0.0.0/4), not ${group}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`multicast.port must be 1-65535, not ${port}`);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw bad(`multicast.ttl must be 1-255, not ${ttl}`);
  if (m.interface !== undefined && !isIPv4(m.interface)) {
    throw bad(`multicast.interface must be a local IPv4 address, not ${m.interface}`);
  }
  return { group, port, ttl, interface: m.interface };
}

/**
 * The local IPv4 address to send to the group from when none is configured: the first external
 * one, else the loopback address (a host with no network). Not the kernel's route lookup: a UDP
 * socket connected to a group does not learn its source address on Linux (it stays 0.0.0.0).
 * @returns {string}
 */
export function defaultInterface() {
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4');
  const pick = all.find((a) => !a.internal) ?? all.find((a) => a.internal);
  if (!pick) throw Object.assign(new Error('no IPv4 address on this host'), { code: 'ENODEV' });
  return pick.address;
}

/** A UDP flow that registers through a multicast group and then talks to the registrar that answered. */
export class MulticastFlow extends EventTarget {
  /** @type {((text: string) => void) | null} the consumer of every received message */
  ontext = null;
  /** @type {null} (no pings on SIP transports: CRLF keep-alive is a core message) */
  onpong = null;
  /** @type {((bytes: Uint8Array) => void) | null} datagrams that are bytes, not text (the adopted registrar's keep-alive answers) */
  onbytes = null;
  /** @type {dgram.Socket | null} */
  #socket = null;
  /** @type {Promise<void> | null} */
  #opening = null;
  /** @type {{address: string, port: number} | null} the registrar that answered */
  #responder = null;
  /** @type {Set<string>} Via branches of the latest requests sent to the group */
  #asked = new Set();
  #closing = false;

  /**
   * @param {{ multicast?: MulticastOptions }} [options] createRegistration options (only
   *   `multicast` is read)
   */
  constructor(options = {}) {
    super();
    this.options = multicastOptions(options.multicast);
    this.kind = /** @type {'udp'} */ ('udp');
    this.up = false;
    this.canPing = false;
    /** @type {{address: string, port: number} | null} */
    this.local = null;
    /** @type {{code: string, message: string} | null} why the last connection failed or ended */
    this.lastCause = null;
  }

  /** @returns {{address: string, port: number} | null} the adopted registrar, null while asking the group */
  get responder() {
    return this.#responder && { ...this.#responder };
  }

  /** @returns {{group: string, ttl: number} | null} the group requests go to; null once a registrar answered */
  get multicast() {
    return this.#responder ? null : { group: this.options.group, ttl: this.options.ttl };
  }

  /** @returns {{transport: 'udp', host: string, port: number, address: string, source: 'multicast'|'responder'}} */
  get target() {
    const r = this.#responder;
    if (r) return { transport: 'udp', host: r.address, port: r.port, address: r.address, source: 'responder' };
    const { group, port } = this.options;
    return { transport: 'udp', host: group, port, address: group, source: 'multicast' };
  }

  /**
   * Open the socket unless it is open or opening ('up' follows).
   * @param {string} [kind] 'tcp' when the core needs a stream flow (§18.1.1 size rule): there is
   *   none to a group, so the UDP flow reports 'up' again and the core sends over UDP after all
   */
  connect(kind) {
    if (kind === 'tcp' && this.up) {
      queueMicrotask(() => {
        if (this.up) this.dispatchEvent(new CustomEvent('up'));
      });
      return;
    }
    this.#closing = false;
    if (this.up || this.#opening) return;
    if (this.#socket) {
      // kept across fail(): the same local port, so the same Contact
      queueMicrotask(() => this.#becomeUp(this.#socket));
      return;
    }
    this.#opening = this.#open().catch((e) => {
      this.#opening = null;
      const message = `no multicast socket: ${e?.message ?? e}`;
      this.#down(0, message, { code: e?.code ?? 'unreachable', message });
    });
  }

  async #open() {
    const { group, ttl } = this.options;
    const iface = this.options.interface ?? defaultInterface();
    const sock = dgram.createSocket({ type: 'udp4' });
    sock.on('message', (buf, rinfo) => this.#datagram(sock, buf, rinfo));
    sock.on('error', (e) => this.#socketError(sock, e));
    try {
      await new Promise((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(0, '0.0.0.0', () => {
          sock.off('error', reject);
          resolve(undefined);
        });
      });
      sock.setMulticastInterface(iface);
      sock.setMulticastTTL(ttl);
      sock.setMulticastLoopback(true); // registrars and listeners on this host hear it too
      sock.addMembership(group, iface); // §18.1.1: responses may come to the group on our port
    } catch (e) {
      try {
        sock.close();
      } catch {
        /* never bound */
      }
      throw e;
    }
    this.#opening = null;
    if (this.#closing) {
      sock.close();
      return;
    }
    this.#socket = sock;
    this.local = { address: iface, port: sock.address().port };
    this.#becomeUp(sock);
  }

  /** @param {dgram.Socket | null} sock */
  #becomeUp(sock) {
    if (sock !== this.#socket || this.up || this.#closing) return;
    this.up = true;
    this.dispatchEvent(new CustomEvent('up'));
  }

  /** @param {dgram.Socket} sock @param {Buffer} buf @param {dgram.RemoteInfo} rinfo */
  #datagram(sock, buf, rinfo) {
    if (sock !== this.#socket || !this.up) return;
    const r = this.#responder;
    // once a registrar is adopted, datagrams from others are late answers to the multicast
    // request (retransmissions in §17.1.3's terms) or strangers: not ours
    if (r && (r.address !== rinfo.address || r.port !== rinfo.port)) return;
    if (r && buf[0] < 4 && this.onbytes) {
      this.onbytes(buf); // not text (RFC 7983 §7): the core's to read
      return;
    }
    let text;
    try {
      text = decoder.decode(buf);
    } catch {
      this.dispatchEvent(
        new CustomEvent('error', { detail: { reason: `datagram from ${rinfo.address}:${rinfo.port} is not UTF-8 text` } }),
      );
      return;
    }
    // the first response to a request we sent to the group adopts its source (§10.2.6: "the
    // registrar that answers"); §17.1.3 matches it by the branch of its top Via, so a stray
    // datagram cannot take the registration elsewhere
    if (!r && text.startsWith('SIP/2.0 ') && this.#asked.has(branchOf(text) ?? '')) {
      this.#responder = { address: rinfo.address, port: rinfo.port };
      this.dispatchEvent(new CustomEvent('responder', { detail: { ...this.#responder } }));
    }
    this.ontext?.(text);
  }

  /** @param {dgram.Socket} sock @param {Error & {code?: string}} e */
  #socketError(sock, e) {
    if (sock !== this.#socket) return;
    const message = `multicast socket: ${e.message}`;
    this.#down(0, message, { code: e.code ?? 'error', message });
  }

  /** @param {number} code @param {string} reason @param {{code: string, message: string}} cause */
  #down(code, reason, cause) {
    const wasUp = this.up;
    this.up = false;
    this.#responder = null;
    this.#asked.clear();
    if (this.#closing) cause = { code: 'closed', message: 'closed by this client' };
    this.lastCause = cause;
    this.dispatchEvent(new CustomEvent('down', { detail: { code, reason, wasUp, requested: this.#closing, cause } }));
  }

  /** @param {string|Uint8Array} text one SIP message (bytes: a keep-alive, only to an adopted registrar) @returns {boolean} */
  send(text) {
    const sock = this.#socket;
    if (!this.up || !sock) return false;
    const to = this.#responder ?? { address: this.options.group, port: this.options.port };
    if (!this.#responder && typeof text === 'string') {
      const branch = branchOf(text);
      if (branch) this.#asked.add(branch);
      if (this.#asked.size > ASKED_MAX) this.#asked.delete(this.#asked.values().next().value);
    }
    sock.send(text, to.port, to.address, (e) => {
      if (!e || sock !== this.#socket || !this.up) return;
      // e.g. ENETUNREACH: no route to the group on this host
      const message = `cannot send to ${to.address}:${to.port}: ${e.message}`;
      this.#down(0, message, { code: /** @type {any} */ (e).code ?? 'error', message });
    });
    return true;
  }

  /** @returns {false} SIP transports do not ping (CRLF keep-alive is a core message) */
  ping() {
    return false;
  }

  /**
   * The registration found the registrar dead or wants another one: forget it ('down'); the
   * next connect() asks the group again, from the same socket.
   * @param {string} [why]
   */
  fail(why = 'timeout') {
    if (!this.up) return;
    this.#down(0, `dropped (${why})`, { code: 'failed', message: `the flow was dropped (${why})`, why });
  }

  /** Close the socket for good ('down' follows if it was up). */
  close() {
    this.#closing = true;
    const sock = this.#socket;
    this.#socket = null;
    if (sock) {
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    }
    if (this.up) this.#down(1000, 'closed', { code: 'closed', message: 'closed by this client' });
  }
}
