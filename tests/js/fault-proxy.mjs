// fault-proxy.mjs — a WebSocket proxy of our own between a client and the registrar, on
// 127.0.0.1, that can drop, delay, duplicate and corrupt frames in either direction.
//   const proxy = await startFaultProxy(registrar.wsUrl);   // proxy.url: ws://127.0.0.1:<port>
//   proxy.toClient = { delayMs: 4000 };                      // rules are read per frame
//   proxy.toClient = { duplicate: true };  proxy.toServer = { drop: true };  ...
//   await proxy.close();
import { WebSocketServer, WebSocket } from 'ws';

/**
 * @typedef {object} Rules
 * @property {boolean} [drop] drop every frame
 * @property {number} [delayMs] deliver each frame this much later
 * @property {boolean} [duplicate] deliver each frame twice
 * @property {(text: string) => string} [corrupt] rewrite each frame
 */

/** Deliver `text` on `ws` according to `rules`. */
function forward(ws, text, rules, counters) {
  counters.seen++;
  if (rules.drop) { counters.dropped++; return; }
  const out = rules.corrupt ? rules.corrupt(text) : text;
  const send = () => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(out);
    if (rules.duplicate) ws.send(out);
  };
  if (rules.delayMs) setTimeout(send, rules.delayMs); else send();
}

/**
 * @param {string} upstream ws:// URL of the registrar
 * @returns {Promise<{url: string, toClient: Rules, toServer: Rules, counters: object, close: () => Promise<void>}>}
 */
export async function startFaultProxy(upstream) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  await new Promise((r) => wss.once('listening', r));
  const proxy = {
    url: `ws://127.0.0.1:${wss.address().port}`,
    toClient: {},
    toServer: {},
    counters: { toClient: { seen: 0, dropped: 0 }, toServer: { seen: 0, dropped: 0 } },
    sockets: new Set(),
    close: () => new Promise((resolve) => {
      for (const s of proxy.sockets) s.terminate();
      wss.close(() => resolve());
    }),
  };
  wss.on('connection', (client) => {
    const server = new WebSocket(upstream, 'sip');
    const pending = [];
    proxy.sockets.add(client);
    proxy.sockets.add(server);
    server.on('open', () => { for (const t of pending.splice(0)) forward(server, t, proxy.toServer, proxy.counters.toServer); });
    client.on('message', (data) => {
      const t = data.toString();
      if (server.readyState === WebSocket.OPEN) forward(server, t, proxy.toServer, proxy.counters.toServer);
      else pending.push(t);
    });
    server.on('message', (data) => forward(client, data.toString(), proxy.toClient, proxy.counters.toClient));
    const end = () => { client.terminate(); server.terminate(); };
    client.on('close', end);
    server.on('close', end);
    client.on('error', end);
    server.on('error', end);
  });
  return proxy;
}
