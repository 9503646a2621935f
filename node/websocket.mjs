// websocket.mjs — a WebSocket client (RFC 6455) on node:net / node:tls for Node versions without
// a global WebSocket (Node 20). It offers what WebSocketFlow uses: onopen / onmessage / onclose /
// onerror, protocol, readyState, send(text), close(code, reason), terminate(), and ping() / onpong
// (RFC 6455 §5.5.2, §5.5.3), which browsers' WebSocket lacks. A close event that ends a failed
// connection carries `cause` ({ code, message, status?, tls? }: why it failed). Frames queued in
// one task leave in one write. Server input is checked (§5.2 framing, §8.1 UTF-8, a size limit)
// and a violation closes the connection with the matching code; it never throws.
import net from 'node:net';
import tls from 'node:tls';
import { createHash, randomFillSync } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 §1.3
const MAX_HEAD = 16 * 1024; // bytes of the server's handshake response we read
const utf8 = new TextDecoder('utf-8', { fatal: true });
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Random bytes for masking keys (§5.3), drawn from a pool refilled by the CSPRNG. */
let pool = Buffer.alloc(0);
let poolAt = 0;
function maskBytes() {
  if (poolAt + 4 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(4096));
    poolAt = 0;
  }
  poolAt += 4;
  return poolAt - 4;
}

/** A WebSocket client connection. */
export class NodeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  /**
   * @param {string} url ws:// or wss://
   * @param {string|string[]} [protocols] subprotocols to offer (Sec-WebSocket-Protocol)
   * @param {object} [options] maxPayload (bytes per message, default 1 MiB), handshakeTimeout
   *   (ms, default 20 s), closeTimeout (ms to wait for the server's close, default 2 s), and
   *   node:tls connect options for wss:// (ca, cert, key, rejectUnauthorized, servername, ...)
   */
  constructor(url, protocols = [], options = {}) {
    const u = new URL(url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new SyntaxError(`not a ws:// or wss:// URL: ${url}`);
    const { maxPayload = 1 << 20, handshakeTimeout = 20_000, closeTimeout = 2_000, ...tlsOptions } = options;
    this.url = url;
    this.offered = typeof protocols === 'string' ? [protocols] : [...protocols];
    this.protocol = '';
    this.binaryType = 'arraybuffer';
    this.readyState = NodeWebSocket.CONNECTING;
    this.onopen = this.onmessage = this.onclose = this.onerror = this.onpong = null;
    /** @type {{code: string, message: string, status?: number, tls?: string} | null} why it failed */
    this.cause = null;
    this.secure = u.protocol === 'wss:';
    this.secured = false; // the TLS handshake completed
    this.maxPayload = maxPayload;
    this.closeTimeout = closeTimeout;
    this.key = randomFillSync(Buffer.allocUnsafe(16)).toString('base64');
    this.input = null; // bytes received and not parsed yet
    this.parts = null; // payloads of a fragmented message so far
    this.partsOp = 0;
    this.partsLen = 0;
    this.queue = null; // frames waiting for the end of this task
    this.closeSent = false;
    this.done = false; // the server closed or broke the protocol: its bytes are ignored
    this.result = null; // { code, reason } to report when the TCP connection ends
    const host = u.hostname.replace(/^\[|\]$/g, ''); // IPv6 literals come bracketed
    const port = Number(u.port) || (u.protocol === 'wss:' ? 443 : 80);
    const request =
      `GET ${u.pathname || '/'}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
      'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n` +
      (this.offered.length ? `Sec-WebSocket-Protocol: ${this.offered.join(', ')}\r\n` : '') +
      '\r\n';
    /** @type {net.Socket | tls.TLSSocket} the TCP (or TLS) connection */
    this.socket =
      u.protocol === 'wss:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? '' : host, ALPNProtocols: ['http/1.1'], ...tlsOptions })
        : net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.once(u.protocol === 'wss:' ? 'secureConnect' : 'connect', () => {
      this.secured = true;
      this.socket.write(request);
    });
    this.socket.on('data', (chunk) => this.#data(chunk));
    this.socket.on('error', (e) => {
      this.result ??= { code: 1006, reason: e.message };
      this.cause ??= this.#causeOf(e);
      this.onerror?.({ message: e.message, error: e });
    });
    this.socket.on('close', () => this.#ended());
    this.timer = setTimeout(() => {
      this.cause ??= { code: 'handshake-timeout', message: `no WebSocket handshake within ${handshakeTimeout} ms` };
      this.#abort(1006, 'opening handshake timed out');
    }, handshakeTimeout);
  }

  /** @param {string|Uint8Array} data one message: text frame for a string, binary otherwise */
  send(data) {
    if (this.readyState !== NodeWebSocket.OPEN) return;
    if (typeof data === 'string') this.#frame(1, data);
    else this.#frame(2, data);
  }

  /**
   * Send a ping frame (§5.5.2); the server's pong arrives as onpong(payload).
   * @param {string|Uint8Array} [data] at most 125 bytes of application data
   * @returns {boolean} whether it was sent (only while open)
   */
  ping(data = '') {
    if (this.readyState !== NodeWebSocket.OPEN) return false;
    this.#frame(9, data);
    return true;
  }

  /**
   * What made the connection fail, from a socket error: the TLS handshake's verdict (its code,
   * e.g. DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED) or the system's (ECONNREFUSED, ENOTFOUND,
   * ECONNRESET, ...).
   * @param {Error & {code?: string, syscall?: string}} e
   */
  #causeOf(e) {
    if (this.secure && !this.secured && !e.syscall) return { code: 'tls', tls: e.code ?? 'unknown', message: e.message };
    return { code: e.code ?? 'error', message: e.message };
  }

  /** Start the closing handshake (§7.1.2); before open, abandon the connection. */
  close(code = 1000, reason = '') {
    if (this.readyState === NodeWebSocket.CONNECTING) {
      this.abandoned = true;
      this.#abort(1006, 'closed before the connection opened');
      return;
    }
    if (this.readyState !== NodeWebSocket.OPEN) return;
    this.readyState = NodeWebSocket.CLOSING;
    this.result ??= { code, reason };
    this.#sendClose(code, reason);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.socket.destroy(), this.closeTimeout);
  }

  /** Drop the connection at once (no closing handshake). */
  terminate() {
    this.abandoned = true;
    this.#abort(1006, '');
  }

  /** @param {number} code @param {string} reason end the connection now, reporting code/reason */
  #abort(code, reason) {
    this.result ??= { code, reason };
    this.done = true;
    this.socket.destroy();
    this.#ended();
  }

  /** The TCP connection is gone: report it once. */
  #ended() {
    if (this.readyState === NodeWebSocket.CLOSED) return;
    if (this.readyState === NodeWebSocket.CONNECTING && !this.cause && !this.abandoned) {
      this.cause = { code: 'closed', message: 'the server closed the connection before the WebSocket handshake' };
    }
    this.readyState = NodeWebSocket.CLOSED;
    clearTimeout(this.timer);
    const { code, reason } = this.result ?? { code: 1006, reason: '' };
    this.onclose?.({ code, reason, wasClean: code !== 1006, cause: this.cause });
  }

  /** A protocol violation by the server: close with `code` (§7.1.7) and report it. */
  #fail(code, reason) {
    this.result ??= { code, reason };
    if (this.readyState === NodeWebSocket.OPEN) this.#sendClose(code, '');
    this.#finish();
  }

  /** Stop reading the server, send what is queued (our close frame), end the TCP connection, and
   * destroy it if the server does not end its side within closeTimeout. */
  #finish() {
    this.readyState = NodeWebSocket.CLOSING;
    this.done = true;
    this.input = null;
    this.#flush();
    this.socket.end();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.socket.destroy(), this.closeTimeout);
  }

  /** @param {number} code @param {string} reason */
  #sendClose(code, reason) {
    if (this.closeSent) return;
    this.closeSent = true;
    const r = Buffer.from(reason.slice(0, 120));
    const payload = Buffer.allocUnsafe(2 + r.length);
    payload.writeUInt16BE(code, 0);
    r.copy(payload, 2);
    this.#frame(8, payload);
  }

  /** @param {Buffer} chunk bytes from the server */
  #data(chunk) {
    if (this.done) return;
    let b = this.input ? Buffer.concat([this.input, chunk]) : chunk;
    this.input = null;
    if (this.readyState === NodeWebSocket.CONNECTING) {
      const end = b.indexOf('\r\n\r\n');
      if (end < 0) {
        if (b.length > MAX_HEAD) {
          this.cause ??= { code: 'handshake', message: 'handshake response too long' };
          this.#abort(1002, 'handshake response too long');
        } else this.input = Buffer.from(b);
        return;
      }
      const problem = this.#handshake(b.latin1Slice(0, end));
      if (problem) {
        const status = /^HTTP\/\d\.\d (\d{3})/.exec(b.latin1Slice(0, Math.min(end, 40)))?.[1];
        this.cause ??=
          status && status !== '101'
            ? { code: 'http-status', status: Number(status), message: problem }
            : { code: 'handshake', message: problem };
        this.#abort(1002, problem);
        return;
      }
      clearTimeout(this.timer);
      this.readyState = NodeWebSocket.OPEN;
      this.onopen?.({});
      b = b.subarray(end + 4);
    }
    const at = this.#frames(b);
    if (!this.done && at < b.length) this.input = Buffer.from(b.subarray(at)); // the socket reuses its buffer
  }

  /**
   * Check the server's opening handshake (§4.1: 101, Upgrade, Connection, the accept hash, a
   * subprotocol we offered, no extension). Returns what is wrong, or ''.
   * @param {string} head status line and header fields
   */
  #handshake(head) {
    const [status, ...lines] = head.split('\r\n');
    if (!/^HTTP\/1\.1 101\b/.test(status)) return `the server answered ${status.slice(0, 80)}`;
    const h = new Map();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) h.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if ((h.get('upgrade') ?? '').toLowerCase() !== 'websocket') return 'no Upgrade: websocket';
    if (!/(^|,)\s*upgrade\s*(,|$)/i.test(h.get('connection') ?? '')) return 'no Connection: upgrade';
    const accept = createHash('sha1')
      .update(this.key + GUID)
      .digest('base64');
    if (h.get('sec-websocket-accept') !== accept) return 'wrong Sec-WebSocket-Accept';
    if (h.has('sec-websocket-extensions')) return 'an extension was not offered';
    const protocol = h.get('sec-websocket-protocol') ?? '';
    if (protocol && !this.offered.includes(protocol)) return `subprotocol ${protocol} was not offered`;
    this.protocol = protocol;
    return '';
  }

  /**
   * Parse whole frames from b (§5.2) and act on them.
   * @param {Buffer} b
   * @returns {number} bytes consumed
   */
  #frames(b) {
    let at = 0;
    while (b.length - at >= 2 && !this.done) {
      const b0 = b[at],
        b1 = b[at + 1],
        op = b0 & 15,
        fin = (b0 & 128) !== 0;
      let len = b1 & 127,
        head = 2;
      if (len === 126) {
        if (b.length - at < 4) break;
        len = b.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (b.length - at < 10) break;
        const big = b.readBigUInt64BE(at + 2);
        len = big > BigInt(this.maxPayload) ? Infinity : Number(big);
        head = 10;
      }
      if (b0 & 0x70) return this.#violation(1002, 'reserved bits set (no extension was agreed)');
      if (b1 & 128) return this.#violation(1002, 'a server frame is masked');
      if (op >= 8 && (!fin || len > 125)) return this.#violation(1002, 'a fragmented or long control frame');
      if (![0, 1, 2, 8, 9, 10].includes(op)) return this.#violation(1002, `opcode ${op}`);
      if (len > this.maxPayload || (op < 8 && this.partsLen + len > this.maxPayload)) {
        return this.#violation(1009, `a message above ${this.maxPayload} bytes`);
      }
      if (b.length - at < head + len) break;
      const payload = b.subarray(at + head, at + head + len);
      at += head + len;
      if (op >= 8) {
        this.#control(op, payload);
        continue;
      }
      if ((op === 0) === (this.parts === null)) {
        return this.#violation(1002, op === 0 ? 'a continuation with no message' : 'a new message inside a fragmented one');
      }
      if (op !== 0) {
        this.parts = [];
        this.partsOp = op;
      }
      this.parts.push(payload);
      this.partsLen += len;
      if (!fin) continue;
      const parts = this.parts,
        msgOp = this.partsOp;
      this.parts = null;
      this.partsLen = 0;
      this.#message(msgOp, parts.length === 1 ? parts[0] : Buffer.concat(parts));
    }
    return at;
  }

  /** @param {number} code @param {string} reason @returns {number} (nothing more is parsed) */
  #violation(code, reason) {
    this.#fail(code, reason);
    return Infinity;
  }

  /** @param {number} op @param {Buffer} payload a whole text or binary message */
  #message(op, payload) {
    if (op === 1) {
      let text;
      try {
        text = utf8.decode(payload);
      } catch {
        this.#fail(1007, 'a text message is not UTF-8'); // §8.1
        return;
      }
      this.onmessage?.({ data: text });
    } else {
      this.onmessage?.({ data: Uint8Array.prototype.slice.call(payload).buffer }); // its own copy
    }
  }

  /** @param {number} op close, ping or pong @param {Buffer} payload */
  #control(op, payload) {
    if (op === 9) {
      this.#frame(10, Buffer.from(payload)); // §5.5.2: a pong with the ping's payload
    } else if (op === 10) {
      this.onpong?.(Buffer.from(payload)); // §5.5.3: an answer to our ping (or unsolicited)
    } else if (op === 8) {
      if (payload.length === 1) {
        this.#fail(1002, 'a close frame of one byte');
        return;
      }
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      // §7.4: codes a close frame may carry (1004-1006 and 1015 never travel; 0-999 and the rest
      // of 1000-2999 are not assigned)
      const valid = code === 1005 || (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
      if (!valid) {
        this.#fail(1002, `close code ${code}`);
        return;
      }
      let reason = '';
      try {
        reason = utf8.decode(payload.subarray(2));
      } catch {
        /* a reason that is not UTF-8 is dropped */
      }
      this.result ??= { code, reason };
      if (this.readyState === NodeWebSocket.OPEN) this.#sendClose(code === 1005 ? 1000 : code, ''); // §5.5.1 echo
      this.#finish(); // nothing after a close frame is read
    }
  }

  /**
   * Queue one masked frame (§5.3); the frames of one task leave in one write.
   * @param {number} op @param {string|Uint8Array} data
   */
  #frame(op, data) {
    const len = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const f = Buffer.allocUnsafe(head + 4 + len);
    f[0] = 128 | op;
    if (head === 2) f[1] = 128 | len;
    else if (head === 4) {
      f[1] = 128 | 126;
      f.writeUInt16BE(len, 2);
    } else {
      f[1] = 128 | 127;
      f.writeBigUInt64BE(BigInt(len), 2);
    }
    const k = maskBytes(),
      o = head + 4;
    pool.copy(f, head, k, k + 4);
    if (typeof data === 'string') f.write(data, o, 'utf8');
    else f.set(data, o);
    const m = [pool[k], pool[k + 1], pool[k + 2], pool[k + 3]];
    // payload byte j is XORed with m[j & 3]: single bytes up to a 4-aligned address, then 32-bit
    // words (the key rotated to that start), then the tail
    let i = 0;
    const lead = LITTLE_ENDIAN ? Math.min(len, (4 - ((f.byteOffset + o) & 3)) & 3) : len;
    for (; i < lead; i++) f[o + i] ^= m[i & 3];
    const words = (len - i) >>> 2;
    if (words > 0) {
      const w = new Int32Array(f.buffer, f.byteOffset + o + i, words);
      const key = m[i & 3] | (m[(i + 1) & 3] << 8) | (m[(i + 2) & 3] << 16) | (m[(i + 3) & 3] << 24);
      for (let j = 0; j < words; j++) w[j] ^= key;
      i += words << 2;
    }
    for (; i < len; i++) f[o + i] ^= m[i & 3];
    if (this.queue) {
      this.queue.push(f);
      return;
    }
    this.queue = [f];
    process.nextTick(() => this.#flush());
  }

  /** Write the queued frames now (at the end of the task, or before the connection ends). */
  #flush() {
    const q = this.queue;
    this.queue = null;
    if (q && !this.socket.destroyed && this.socket.writable) this.socket.write(q.length === 1 ? q[0] : Buffer.concat(q));
  }
}
