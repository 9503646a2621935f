// listen.mjs — a multicast listener (RFC 3261 §10.2.6): joins the "all SIP servers" group,
// parses the REGISTERs it hears with the package's parser and keeps a table of the bindings local
// users ask for (observed-bindings.mjs), counting them down and dropping them as they run out.
// "SIP UAs MAY listen to that address ... however, they do not respond to the request": this
// module has no way to send; its socket is never handed out.
//
//   const l = await listenMulticast({ interface: '192.0.2.10' });
//   l.addEventListener('binding', (e) => console.log(e.detail));   // added or refreshed
//   l.addEventListener('expired', (e) => console.log(e.detail));   // ran out or unregistered
//   l.bindings();  l.close();
import dgram from 'node:dgram';
import { parse, uriEqual } from './index.mjs';
import { multicastOptions } from './multicast-flow.mjs';
import { ObservedBindings } from './observed-bindings.mjs';

/** Longest single timer armed; later expiries are reached by re-arming. */
const MAX_TIMER_MS = 3600_000;

/**
 * @typedef {object} ListenOptions
 * @property {string} [group]      default 224.0.1.75 (sip.mcast.net)
 * @property {number} [port]       default 5060
 * @property {string} [interface]  local IPv4 address of the interface to join on (default: the
 *           kernel's choice for the group)
 * @property {number} [maxBindings]   table bound (default 1000)
 * @property {number} [defaultExpires] seconds for a contact with no expires (default 3600, §10.3)
 * @property {(b: import('./observed-bindings.mjs').ObservedBinding) => void} [onBinding]
 *           called for every binding added or refreshed (as the 'binding' event)
 */

/** Observes REGISTERs sent to a multicast group and never answers them. */
export class MulticastListener extends EventTarget {
  /** @type {dgram.Socket | null} */
  #socket;
  /** @type {NodeJS.Timeout | null} */
  #timer = null;
  #table;

  /** @param {dgram.Socket} socket bound and joined @param {ListenOptions & {group: string, port: number}} options */
  constructor(socket, options) {
    super();
    this.#socket = socket;
    this.group = options.group;
    this.port = options.port;
    this.#table = new ObservedBindings({ uriEqual, max: options.maxBindings ?? 1000, defaultExpires: options.defaultExpires ?? 3600 });
    /** counters: datagrams heard, REGISTERs applied, datagrams ignored (not a REGISTER, or bad) */
    this.stats = { datagrams: 0, registers: 0, ignored: 0, dropped: 0 };
    if (options.onBinding) this.addEventListener('binding', (e) => options.onBinding?.(/** @type {CustomEvent} */ (e).detail));
    socket.on('message', (buf, rinfo) => this.#heard(buf, rinfo));
    socket.on('error', (e) =>
      this.dispatchEvent(new CustomEvent('error', { detail: { reason: e.message, code: /** @type {any} */ (e).code } })),
    );
  }

  /** @param {Buffer} buf @param {dgram.RemoteInfo} rinfo */
  #heard(buf, rinfo) {
    this.stats.datagrams++;
    const view = parse(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
    // the AOR is the To URI (§10.2): the core's view has it, a REGISTER with a malformed To does not parse
    const aor = view.ok && view.type === 'request' && view.method === 'REGISTER' ? view.to.uri : null;
    if (!aor) {
      this.stats.ignored++;
      return;
    }
    const now = Date.now();
    this.#expire(now);
    const r = this.#table.apply({ ...view, aor }, now, { address: rinfo.address, port: rinfo.port });
    if (!r.ok) {
      if (r.why === 'full') this.stats.dropped++;
      else this.stats.ignored++;
      return;
    }
    this.stats.registers++;
    for (const b of r.removed) this.dispatchEvent(new CustomEvent('expired', { detail: { ...b, expires: 0, reason: 'unregistered' } }));
    for (const b of [...r.added, ...r.refreshed]) {
      this.dispatchEvent(new CustomEvent('binding', { detail: { ...b, change: r.added.includes(b) ? 'added' : 'refreshed' } }));
    }
    this.#arm();
  }

  /** @param {number} now */
  #expire(now) {
    for (const b of this.#table.expire(now)) this.dispatchEvent(new CustomEvent('expired', { detail: { ...b, reason: 'expired' } }));
  }

  /** One timer, at the earliest expiry. */
  #arm() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const next = this.#table.next();
    if (!this.#socket || next === Infinity) return;
    const delay = Math.min(Math.max(0, next - Date.now()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#expire(Date.now());
      this.#arm();
    }, delay);
  }

  /** @returns {import('./observed-bindings.mjs').ObservedBinding[]} the bindings now, with the seconds left */
  bindings() {
    const now = Date.now();
    return this.#table.snapshot(now);
  }

  /** Leave the group and stop (no more events). */
  close() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.#socket;
    this.#socket = null;
    if (s) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }
}

/**
 * Join the group and observe REGISTERs (RFC 3261 §10.2.6). Resolves once listening; rejects with
 * the system's error when the port cannot be bound or the group not joined (e.g. no multicast
 * route: ENODEV).
 * @param {ListenOptions} [options] @returns {Promise<MulticastListener>}
 */
export async function listenMulticast(options = {}) {
  const { group, port, interface: iface } = multicastOptions(options);
  // bound to the group address itself: only datagrams sent to the group reach this socket, and
  // with reuseAddr a registrar on the same host and port still gets them too
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, group, () => {
        socket.off('error', reject);
        resolve(undefined);
      });
    });
    socket.addMembership(group, iface);
  } catch (e) {
    try {
      socket.close();
    } catch {
      /* not open */
    }
    throw Object.assign(new Error(`sipreg: cannot listen on ${group}:${port}: ${/** @type {Error} */ (e).message}`), {
      code: /** @type {any} */ (e).code,
      cause: e,
    });
  }
  return new MulticastListener(socket, { ...options, group, port });
}
