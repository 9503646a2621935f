// websocket-flow.mjs — one WebSocket flow (RFC 7118): subprotocol "sip", one message per frame.
// Events: "up", "down" ({code, reason}), "message" ({text}), "error" ({reason}).

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A WebSocket connection carrying SIP, which connects only when asked. */
export class WebSocketFlow extends EventTarget {
  #heard = false;
  /** @type {((text: string) => void) | null} the consumer of every received message */
  ontext = null;

  /**
   * @param {string} url ws:// or wss:// address of the SIP edge
   * @param {{ WebSocket: typeof WebSocket | { load: () => Promise<typeof WebSocket> },
   *           protocols?: string[] }} options
   */
  constructor(url, { WebSocket, protocols = ['sip'] }) {
    super();
    if (!WebSocket) throw new TypeError('sipreg: no WebSocket implementation (pass one, or install "ws")');
    this.url = url;
    this.WebSocket = WebSocket;
    this.protocols = protocols;
    /** @type {WebSocket|null} */
    this.socket = null;
    this.up = false;
    this.closing = false;
  }

  /** @returns {'wss'|'ws'} the transport kind the URL implies */
  get kind() { return this.url.startsWith('wss:') ? 'wss' : 'ws'; }

  /** Open the connection unless it is open or opening. */
  connect() {
    if (this.socket) return;
    if (typeof this.WebSocket?.load === 'function') {
      // a lazily loaded implementation ({ load() }): load it once, then connect
      this.loading ??= this.WebSocket.load().then((W) => { this.WebSocket = W; this.loading = null; this.connect(); });
      return;
    }
    this.closing = false;
    let ws;
    try {
      ws = new this.WebSocket(this.url, this.protocols);
    } catch (e) {
      queueMicrotask(() => this.#down(1006, String(e?.message ?? e)));
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
      this.up = true;
      this.dispatchEvent(new CustomEvent('up'));
    };
    let failure = '';
    ws.onclose = (e) => { if (ws === this.socket) this.#down(e.code, e.reason || failure); };
    ws.onerror = (e) => { failure = String(e?.message ?? e?.error?.message ?? ''); }; // a close follows
    ws.onmessage = (e) => { if (ws === this.socket) this.#frame(e.data); };
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

  /** @param {number} code @param {string} reason */
  #down(code, reason) {
    const wasUp = this.up;
    this.socket = null;
    this.up = false;
    this.dispatchEvent(new CustomEvent('down', { detail: { code, reason, wasUp, requested: this.closing } }));
  }

  /** @param {string} text one SIP message */
  send(text) {
    if (!this.up || !this.socket) return false;
    this.socket.send(text);
    return true;
  }

  /** Give up on a dead connection now: "down" at once, the socket is closed in the background. */
  fail() {
    const ws = this.socket;
    if (!ws) return;
    this.#down(1006, 'keep-alive timeout');
    try {
      if (typeof ws.terminate === 'function') ws.terminate(); else ws.close(4000, 'keep-alive timeout');
    } catch { /* already gone */ }
  }

  /** Close the connection (a "down" event follows). */
  close() {
    this.closing = true;
    const ws = this.socket;
    if (!ws) return;
    try { ws.close(1000, 'bye'); } catch { /* already closing */ }
  }
}
