// websocket-flow.mjs — one WebSocket flow (RFC 7118): subprotocol "sip", one message per frame.
// Events: "up", "down" ({code, reason, wasUp, requested, cause}), "message" ({text}), "error"
// ({reason}). A connection attempt is bounded (connectTimeout: TCP connect + TLS + the WebSocket
// handshake); every "down" says why in `cause` ({ code, message, ... }):
//   ECONNREFUSED, ENOTFOUND, ECONNRESET, ... the system's error (Node)
//   'http-status'        the server answered the upgrade with another HTTP status (`status`)
//   'handshake'          the server's handshake response was not a valid WebSocket upgrade
//   'handshake-timeout'  no open connection within connectTimeout
//   'tls'                the TLS handshake failed (`tls`: its code, e.g. CERT_HAS_EXPIRED)
//   'closed'             an open connection closed (`closeCode`, `reason`), or we closed it
//   'failed'             the registration found the flow dead and dropped it (`why`)
//   'unreachable'        no connection, and the WebSocket implementation says no more (browsers)

import { configError } from './options.mjs';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A WebSocket connection carrying SIP, which connects only when asked. */
export class WebSocketFlow extends EventTarget {
  #heard = false;
  #timer = null;
  /** @type {Promise<void>|null} a lazily loaded implementation being loaded */
  #loading = null;
  /** @type {((text: string) => void) | null} the consumer of every received message */
  ontext = null;
  /** @type {(() => void) | null} called when the server answers ping() */
  onpong = null;

  /**
   * @param {string} url ws:// or wss:// address of the SIP edge
   * @param {{ WebSocket: typeof WebSocket | { load: () => Promise<typeof WebSocket>, ping?: boolean },
   *           protocols?: string[], connectTimeout?: number }} options connectTimeout: ms an
   *   attempt may take until the WebSocket is open (default 10000); then it is abandoned
   */
  constructor(url, { WebSocket, protocols = ['sip'], connectTimeout = 10_000 }) {
    super();
    if (!WebSocket)
      throw configError('WebSocket', WebSocket, 'WebSocket: this runtime has no WebSocket; pass an implementation as options.WebSocket');
    this.url = url;
    this.WebSocket = WebSocket;
    this.protocols = protocols;
    this.connectTimeout = connectTimeout;
    /** @type {WebSocket|null} */
    this.socket = null;
    this.up = false;
    this.closing = false;
    /** @type {{code: string, message: string} | null} why the last connection failed or ended */
    this.lastCause = null;
  }

  /** @returns {boolean} whether the implementation can send WebSocket pings (Node's own client can; browsers' cannot) */
  get canPing() {
    const W = this.WebSocket;
    return W?.ping === true || typeof W?.prototype?.ping === 'function';
  }

  /** @returns {'wss'|'ws'} the transport kind the URL implies */
  get kind() {
    return this.url.startsWith('wss:') ? 'wss' : 'ws';
  }

  /** Open the connection unless it is open or opening. */
  connect() {
    if (this.socket) return;
    this.#timer ??= setTimeout(() => this.#timedOut(), this.connectTimeout);
    if (typeof this.WebSocket?.load === 'function') {
      // a lazily loaded implementation ({ load() }): load it once, then connect (unless this
      // attempt was abandoned or closed meanwhile)
      if (this.#loading) return;
      const loading = this.WebSocket.load().then((W) => {
        this.WebSocket = W;
        if (this.#loading !== loading) return;
        this.#loading = null;
        this.connect();
      });
      this.#loading = loading;
      return;
    }
    this.closing = false;
    let ws;
    try {
      ws = new this.WebSocket(this.url, this.protocols);
    } catch (e) {
      const message = String(e?.message ?? e);
      queueMicrotask(() => this.#down(1006, message, { code: e?.code ?? 'unreachable', message }));
      return;
    }
    this.socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (ws !== this.socket) return;
      if (ws.protocol && !this.protocols.includes(ws.protocol)) {
        ws.close(1002, 'subprotocol');
        return;
      }
      this.#stopTimer();
      this.up = true;
      this.dispatchEvent(new CustomEvent('up'));
    };
    let failure = '',
      errorCode;
    ws.onclose = (e) => {
      if (ws !== this.socket) return;
      this.#down(e.code, e.reason || failure, e.cause ?? this.#causeOf(e, failure, errorCode));
    };
    ws.onerror = (e) => {
      // a close follows
      failure = String(e?.message ?? e?.error?.message ?? '');
      errorCode = e?.error?.code ?? e?.error?.cause?.code;
    };
    ws.onmessage = (e) => {
      if (ws === this.socket) this.#frame(e.data);
    };
    const pong = () => {
      if (ws === this.socket) this.onpong?.();
    };
    if (typeof ws.ping === 'function') {
      if (typeof ws.on === 'function') ws.on('pong', pong);
      else ws.onpong = pong;
    }
  }

  /**
   * The cause of a close the implementation did not explain.
   * @param {{code: number, reason: string}} e @param {string} failure @param {string} [errorCode]
   */
  #causeOf(e, failure, errorCode) {
    if (errorCode) return { code: errorCode, message: failure || errorCode };
    if (this.up) {
      const message = `closed with code ${e.code}${e.reason ? ` (${e.reason})` : ''}`;
      return { code: 'closed', message, closeCode: e.code, reason: e.reason };
    }
    return { code: 'unreachable', message: failure || `no WebSocket connection to ${this.url} (code ${e.code})` };
  }

  /** The attempt took longer than connectTimeout: abandon it. */
  #timedOut() {
    this.#timer = null;
    if (this.up) return;
    const ws = this.socket;
    this.#loading = null;
    this.#down(1006, 'connect timeout', { code: 'handshake-timeout', message: `no WebSocket connection within ${this.connectTimeout} ms` });
    if (ws) this.#drop(ws, 'connect timeout');
  }

  #stopTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** @param {WebSocket} ws close a socket we no longer listen to, at once where possible */
  #drop(ws, why) {
    try {
      if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close(4000, why);
    } catch {
      /* already gone */
    }
  }

  /**
   * Send a WebSocket ping (RFC 6455 §5.5.2); its pong calls `onpong`.
   * @returns {boolean} false when the implementation cannot ping (browsers) or the flow is down
   */
  ping() {
    const ws = this.socket;
    if (!this.up || typeof ws?.ping !== 'function') return false;
    try {
      return ws.ping() !== false;
    } catch {
      return false;
    }
  }

  /** @param {unknown} data one frame: text, or binary holding UTF-8 text */
  #frame(data) {
    let text = data;
    if (typeof data !== 'string') {
      try {
        text = decoder.decode(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
      } catch {
        this.dispatchEvent(new CustomEvent('error', { detail: { reason: 'binary frame is not UTF-8 text' } }));
        return;
      }
    }
    this.ontext?.(text);
    if (this.#heard) this.dispatchEvent(new CustomEvent('message', { detail: { text } }));
  }

  /** "message" events are built only once someone listens (`ontext` gets every frame). */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type === 'message' && listener) this.#heard = true;
  }

  /** @param {number} code @param {string} reason @param {{code: string, message: string}} cause */
  #down(code, reason, cause) {
    const wasUp = this.up;
    this.#stopTimer();
    this.socket = null;
    this.up = false;
    if (this.closing) cause = { code: 'closed', message: 'closed by this client', closeCode: code, reason };
    this.lastCause = cause;
    this.dispatchEvent(new CustomEvent('down', { detail: { code, reason, wasUp, requested: this.closing, cause } }));
  }

  /** @param {string} text one SIP message */
  send(text) {
    if (!this.up || !this.socket) return false;
    this.socket.send(text);
    return true;
  }

  /**
   * Give up on a dead connection now: "down" at once, the socket is closed in the background.
   * @param {string} [why] the registration's reason (timeout, network, ...)
   */
  fail(why = 'timeout') {
    const ws = this.socket;
    if (!ws) return;
    const reason = `dropped (${why})`;
    this.#down(1006, reason, { code: 'failed', message: `the flow was dropped (${why})`, why });
    this.#drop(ws, reason);
  }

  /** Close the connection (a "down" event follows). */
  close() {
    this.closing = true;
    this.#loading = null;
    this.#stopTimer();
    const ws = this.socket;
    if (!ws) return;
    try {
      ws.close(1000, 'bye');
    } catch {
      /* already closing */
    }
  }
}
