// Minimal hand-written SIP-over-WebSocket helpers for tests that talk to the registrar
// directly (no product code): compose a REGISTER, answer a Digest challenge, read responses.
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** @param {string} s */
const md5 = (s) => createHash('md5').update(s).digest('hex');

/** @param {number} [n] bytes */
export const randomHex = (n = 6) => randomBytes(n).toString('hex');

/**
 * @typedef {object} SipResponse
 * @property {number} status
 * @property {string} reason
 * @property {(name: string) => string[]} all  every value of a header (case-insensitive name;
 *           one element per header line, comma lists not split)
 * @property {(name: string) => string | undefined} get  first value of a header
 * @property {string} raw
 */

/**
 * Parse a SIP response (status line + headers; body ignored).
 * @param {string} raw
 * @returns {SipResponse}
 */
export function parseResponse(raw) {
  const [head] = raw.split(/\r?\n\r?\n/, 1);
  const lines = head.split(/\r?\n/);
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(lines[0] ?? '');
  if (!m) throw new Error(`not a SIP response: ${JSON.stringify(raw.slice(0, 80))}`);
  /** @type {Map<string, string[]>} */
  const headers = new Map();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return {
    status: Number(m[1]),
    reason: m[2],
    all: (name) => headers.get(name.toLowerCase()) ?? [],
    get: (name) => headers.get(name.toLowerCase())?.[0],
    raw,
  };
}

/**
 * @typedef {object} RegisterSpec
 * @property {string} user
 * @property {string} [domain]      default "example.test"
 * @property {string} callId
 * @property {number} cseq
 * @property {string} contact       full Contact header value, e.g. "<sip:a@x.invalid;transport=ws>"
 * @property {number} [expires]     Expires header (omitted when undefined)
 * @property {string} [authorization]  Authorization header value
 * @property {string} [transport]   Via transport, default "WS"
 * @property {string} [viaHost]     default "client.invalid"
 * @property {string} [requestUri]  default "sip:<domain>"
 * @property {string} [proxyAuthorization]  Proxy-Authorization header value
 * @property {string[]} [headers]   more header lines ("Supported: outbound", ...)
 */

/**
 * Compose a REGISTER request (CRLF line ends, empty body).
 * @param {RegisterSpec} r
 * @returns {string}
 */
export function registerRequest(r) {
  const domain = r.domain ?? 'example.test';
  const aor = `sip:${r.user}@${domain}`;
  const lines = [
    `REGISTER ${r.requestUri ?? `sip:${domain}`} SIP/2.0`,
    `Via: SIP/2.0/${r.transport ?? 'WS'} ${r.viaHost ?? 'client.invalid'};branch=z9hG4bK${randomHex()}`,
    'Max-Forwards: 70',
    `To: <${aor}>`,
    `From: <${aor}>;tag=${randomHex(4)}`,
    `Call-ID: ${r.callId}`,
    `CSeq: ${r.cseq} REGISTER`,
    `Contact: ${r.contact}`,
  ];
  if (r.expires !== undefined) lines.push(`Expires: ${r.expires}`);
  if (r.authorization) lines.push(`Authorization: ${r.authorization}`);
  if (r.proxyAuthorization) lines.push(`Proxy-Authorization: ${r.proxyAuthorization}`);
  lines.push(...(r.headers ?? []));
  lines.push('Content-Length: 0', '', '');
  return lines.join('\r\n');
}

/**
 * Parse `Digest k=v, k="v", ...` into a record (keys lower-cased).
 * @param {string} header
 * @returns {Record<string, string>}
 */
export function parseChallenge(header) {
  if (!/^Digest\s/i.test(header)) throw new Error(`not a Digest challenge: ${header}`);
  /** @type {Record<string, string>} */
  const out = {};
  for (const m of header.slice(7).matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) {
    out[m[1].toLowerCase()] = m[2] ?? m[3];
  }
  return out;
}

/**
 * Authorization header value answering a WWW-Authenticate Digest challenge (MD5, qop=auth
 * when offered), RFC 2617 / RFC 3261 §22.4.
 * @param {{ challenge: string, user: string, password?: string, method?: string, uri: string, nc?: number }} a
 * @returns {string}
 */
export function digestAuthorization(a) {
  const c = parseChallenge(a.challenge);
  const realm = c.realm ?? '';
  const ha1 = md5(`${a.user}:${realm}:${a.password ?? 'secret'}`);
  const ha2 = md5(`${a.method ?? 'REGISTER'}:${a.uri}`);
  const fields = [`username="${a.user}"`, `realm="${realm}"`, `nonce="${c.nonce}"`, `uri="${a.uri}"`];
  if (
    c.qop &&
    c.qop
      .split(',')
      .map((s) => s.trim())
      .includes('auth')
  ) {
    const nc = (a.nc ?? 1).toString(16).padStart(8, '0');
    const cnonce = randomHex(8);
    const response = md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    fields.push(`response="${response}"`, 'algorithm=MD5', `cnonce="${cnonce}"`, 'qop=auth', `nc=${nc}`);
  } else {
    fields.push(`response="${md5(`${ha1}:${c.nonce}:${ha2}`)}"`, 'algorithm=MD5');
  }
  if (c.opaque !== undefined) fields.push(`opaque="${c.opaque}"`);
  return `Digest ${fields.join(', ')}`;
}

/**
 * A WebSocket (subprotocol "sip") with a queue of received text messages.
 * @typedef {object} SipWs
 * @property {WebSocket} ws
 * @property {(text: string) => void} send
 * @property {(timeoutMs?: number) => Promise<string>} next  next message (rejects on timeout/close)
 * @property {(ms: number) => Promise<string[]>} drain  messages arriving within ms (for "nothing more")
 * @property {() => Promise<void>} close
 */

/**
 * Open a WebSocket with subprotocol "sip".
 * @param {string} url
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<SipWs>}
 */
export async function openSipWs(url, opts = {}) {
  const ws = new WebSocket(url, 'sip', { handshakeTimeout: opts.timeoutMs ?? 5000 });
  /** @type {string[]} */
  const queue = [];
  /** @type {Array<{ resolve: (s: string) => void, reject: (e: Error) => void }>} */
  const waiters = [];
  let closed = false;
  ws.on('message', (data) => {
    const w = waiters.shift();
    if (w) w.resolve(data.toString());
    else queue.push(data.toString());
  });
  ws.on('close', () => {
    closed = true;
    for (const w of waiters.splice(0)) w.reject(new Error('WebSocket closed'));
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.on('error', () => {}); // later errors surface as 'close'
  return {
    ws,
    send: (text) => ws.send(text),
    next(timeoutMs = 5000) {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (closed) return Promise.reject(new Error('WebSocket closed'));
      return new Promise((resolve, reject) => {
        const w = {
          resolve: (/** @type {string} */ s) => {
            clearTimeout(t);
            resolve(s);
          },
          reject: (/** @type {Error} */ e) => {
            clearTimeout(t);
            reject(e);
          },
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no SIP message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    async drain(ms) {
      await new Promise((r) => setTimeout(r, ms));
      return queue.splice(0);
    },
    close() {
      return new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) resolve();
        else {
          const t = setTimeout(() => ws.terminate(), 1000); // no close frame back: drop it
          ws.once('close', () => {
            clearTimeout(t);
            resolve();
          });
          ws.close();
        }
      });
    },
  };
}
