// stream-flow.mjs — one SIP flow over TCP or TLS (RFC 3261 §18) to one target. Messages are
// framed by Content-Length (§18.3, stream-framer.mjs); a CRLF pong (RFC 5626 §3.5.1) reaches
// ontext as "\r\n"; the core sends its CRLFCRLF pings as ordinary messages. Events as
// bindings/js/websocket-flow.mjs. Causes of 'down':
//   ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ...  the system's error
//   'connect-timeout'  no open connection (TCP connect + TLS handshake) within connectTimeout
//   'tls'              the TLS handshake failed (`tls`: its code, e.g. ERR_TLS_CERT_ALTNAME_INVALID)
//   'framing'          the peer's bytes are not SIP framing (no Content-Length, endless header, ...)
//   'closed'           an open connection was closed by the peer (or by us: requested)
//   'failed'           the registration found the flow dead and dropped it (`why`)
import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer, FramingError } from './stream-framer.mjs';
import { SocketFlow } from './socket-flow.mjs';

/**
 * @typedef {object} StreamOptions
 * @property {number} [connectTimeout] ms for TCP connect + TLS handshake (default 10000)
 * @property {{ ca?: string | string[], servername?: string, rejectUnauthorized?: boolean,
 *             cert?: string, key?: string }} [tls] TLS options (node:tls); servername: the name
 *             the certificate must carry (default: the target's domain, else its host)
 * @property {{ maxHeader?: number, maxBody?: number }} [limits] framing bounds (64 KiB each)
 */

/** A TCP or TLS connection carrying SIP to one target. */
export class StreamFlow extends SocketFlow {
  #timer = null;

  /**
   * @param {'tcp'|'tls'} kind
   * @param {{host: string, port: number, address?: string, domain?: string}} target
   * @param {StreamOptions} [options]
   */
  constructor(kind, target, options = {}) {
    super(target);
    this.kind = kind;
    this.connectTimeout = options.connectTimeout ?? 10_000;
    this.tls = options.tls ?? {};
    this.limits = options.limits;
  }

  /** Open the connection unless it is open or opening. */
  connect() {
    if (this.sock) return;
    this.closing = false;
    this.heard = false;
    const { port } = this.target;
    const host = this.target.address ?? this.target.host;
    const framer = new StreamFramer(this.limits);
    let sock;
    if (this.kind === 'tls') {
      // RFC 5922 §4: the certificate names the SIP domain (or the host we were told to use)
      const name = this.tls.servername ?? this.target.domain ?? this.target.host;
      const { servername: _, ...rest } = this.tls;
      sock = tls.connect({
        host,
        port,
        ...rest,
        ...(net.isIP(name) ? {} : { servername: name }),
        checkServerIdentity: (_h, cert) => tls.checkServerIdentity(name, cert),
      });
      sock.once('secureConnect', () => this.#open(sock));
    } else {
      sock = net.connect({ host, port });
      sock.once('connect', () => this.#open(sock));
    }
    this.sock = sock;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (sock !== this.sock || this.up) return;
      this.down({
        code: 'connect-timeout',
        message: `no ${this.kind.toUpperCase()} connection to ${host}:${port} within ${this.connectTimeout} ms`,
      });
      sock.destroy();
    }, this.connectTimeout);
    sock.on('error', (e) => {
      if (sock !== this.sock) return;
      const handshake = this.kind === 'tls' && !this.up && !e.syscall;
      this.down(handshake ? { code: 'tls', tls: e.code ?? 'unknown', message: e.message } : { code: e.code ?? 'EIO', message: e.message });
      sock.destroy();
    });
    sock.on('close', () => {
      if (sock !== this.sock) return;
      this.down({
        code: 'closed',
        message: this.up ? 'the server closed the connection' : 'the server closed the connection before it was open',
      });
    });
    sock.on('data', (chunk) => {
      if (sock !== this.sock) return;
      this.heard = true;
      let parts;
      try {
        parts = framer.push(chunk);
      } catch (e) {
        if (!(e instanceof FramingError)) throw e;
        this.dispatchEvent(new CustomEvent('error', { detail: { reason: e.message } }));
        this.down({ code: 'framing', message: e.message });
        sock.destroy();
        return;
      }
      for (const p of parts) {
        if (sock !== this.sock) return; // a consumer closed the flow meanwhile
        if (typeof p === 'string') this.ontext?.(p);
        else this.deliver(p);
      }
    });
  }

  /** @param {net.Socket} sock the connection is open (TCP connected, TLS verified) */
  #open(sock) {
    if (sock !== this.sock) return;
    this.#stopTimer();
    sock.setNoDelay(true);
    this.opened({ address: sock.localAddress, port: sock.localPort });
  }

  #stopTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** @param {{code: string, message: string}} cause */
  down(cause) {
    this.#stopTimer();
    super.down(cause);
  }

  /** @param {net.Socket} sock @param {string} text */
  write(sock, text) {
    sock.write(text);
  }

  /** @param {net.Socket} sock @param {boolean} graceful close (FIN) rather than reset */
  release(sock, graceful) {
    if (!graceful) {
      sock.destroy();
      return;
    }
    sock.end();
    setTimeout(() => sock.destroy(), 1000).unref();
  }
}
