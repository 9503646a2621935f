// socket-flow.mjs — what the UDP and stream flows share: the flow interface of
// bindings/js/websocket-flow.mjs ('up', 'down' {code, reason, wasUp, requested, cause},
// 'error' {reason}; up, local, lastCause, ontext, send, fail, close) around one socket at a time.

const decoder = new TextDecoder('utf-8', { fatal: true });

/** One socket to one target; subclasses open it (connect) and release it. */
export class SocketFlow extends EventTarget {
  up = false;
  /** @type {{address: string, port: number} | null} local address of the open socket (Via, Contact) */
  local = null;
  /** @type {{code: string, message: string} | null} why the last socket failed or ended */
  lastCause = null;
  /** SIP transports have no ping of their own: CRLF keep-alive is a core message */
  canPing = false;
  /** @type {((text: string) => void) | null} the consumer of every received message */
  ontext = null;
  onpong = null;
  /** @type {((bytes: Uint8Array) => void) | null} the consumer of datagrams that are bytes, not text (UDP) */
  onbytes = null;
  /** whether anything arrived on the current socket (the target answers) */
  heard = false;
  /** @type {any} the current socket (dgram.Socket, net.Socket, tls.TLSSocket) */
  sock = null;
  closing = false;

  /** @param {{host: string, port: number, address?: string}} target */
  constructor(target) {
    super();
    this.target = target;
  }

  /** Close a socket no longer listened to. @param {any} _sock @param {boolean} _graceful */
  release(_sock, _graceful) {}

  /** The socket is open: 'up'. @param {{address: string, port: number}} local */
  opened(local) {
    this.local = local;
    this.up = true;
    this.dispatchEvent(new CustomEvent('up'));
  }

  /** Hand received bytes (one whole message) on as text; not UTF-8: an 'error' event. @param {Uint8Array} bytes */
  deliver(bytes) {
    let text;
    try {
      text = decoder.decode(bytes);
    } catch {
      this.dispatchEvent(new CustomEvent('error', { detail: { reason: 'message is not UTF-8 text' } }));
      return;
    }
    this.ontext?.(text);
  }

  /** The current socket ended: 'down'. @param {{code: string, message: string}} cause */
  down(cause) {
    const wasUp = this.up;
    this.sock = null;
    this.up = false;
    this.local = null;
    if (this.closing) cause = { code: 'closed', message: 'closed by this client' };
    this.lastCause = cause;
    this.dispatchEvent(new CustomEvent('down', { detail: { code: 0, reason: cause.message, wasUp, requested: this.closing, cause } }));
  }

  /** @param {string|Uint8Array} text one SIP message (or bytes the core wrote) @returns {boolean} whether it was handed to the socket */
  send(text) {
    if (!this.up || !this.sock) return false;
    this.write(this.sock, text);
    return true;
  }

  /** @param {any} _sock @param {string} _text */
  write(_sock, _text) {}

  /** The registration found the flow dead or wants another server: 'down' at once. */
  fail(why = 'timeout') {
    const sock = this.sock;
    if (!sock) return;
    this.down({ code: 'failed', message: `the flow was dropped (${why})`, why });
    this.release(sock, false);
  }

  /** Close for good ('down' follows at once). */
  close() {
    const sock = this.sock;
    this.closing = true;
    if (!sock) return;
    this.down({ code: 'closed', message: 'closed by this client' });
    this.release(sock, true);
  }
}
