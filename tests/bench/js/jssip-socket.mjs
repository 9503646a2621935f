// jssip-socket.mjs — a JsSIP socket (the JsSIP.Socket interface: url, via_transport, sip_uri,
// connect/disconnect/send/isConnected/isConnecting, and the onconnect/ondisconnect/ondata
// callbacks JsSIP assigns) over the `ws` package, since Node 20 has no global WebSocket.
import WebSocket from 'ws';

export class WsJsSipSocket {
  /** @param {string} url ws:// or wss:// */
  constructor(url) {
    this.url = url;
    this.via_transport = url.startsWith('wss:') ? 'WSS' : 'WS';
    const { hostname, port } = new URL(url);
    this.sip_uri = `sip:${hostname}${port ? `:${port}` : ''};transport=ws`;
    /** @type {WebSocket|null} */
    this.ws = null;
    /** JsSIP sets these. */
    this.onconnect = () => {};
    this.ondisconnect = () => {};
    this.ondata = () => {};
  }

  connect() {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    const ws = new WebSocket(this.url, 'sip');
    this.ws = ws;
    ws.on('open', () => {
      if (ws === this.ws) this.onconnect();
    });
    ws.on('message', (data, isBinary) => {
      if (ws === this.ws) this.ondata(isBinary ? data : data.toString('utf8'));
    });
    ws.on('close', (code, reason) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.ondisconnect(code !== 1000, code, reason.toString());
    });
    ws.on('error', () => {}); // 'close' follows
  }

  disconnect() {
    const ws = this.ws;
    if (!ws) return;
    try {
      ws.close(1000);
    } catch {
      ws.terminate();
    }
  }

  /** @param {string} message */
  send(message) {
    if (!this.isConnected()) return false;
    this.ws.send(message);
    return true;
  }

  isConnected() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  isConnecting() {
    return !!this.ws && this.ws.readyState === WebSocket.CONNECTING;
  }
}
