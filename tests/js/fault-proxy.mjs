// fault-proxy.mjs — a WebSocket proxy of our own between a client and the registrar, on
// 127.0.0.1, that can drop, delay, duplicate and corrupt frames in either direction, and freeze
// flows (TCP kept open, nothing forwarded, not even WebSocket ping/pong/close control frames:
// a NAT binding that died, a stalled proxy).
//   const proxy = await startFaultProxy(registrar.wsUrl);   // proxy.url: ws://127.0.0.1:<port>
//   proxy.toClient = { delayMs: 4000 };                      // rules are read per frame
//   proxy.toClient = { duplicate: true };  proxy.toServer = { drop: true };  ...
//   proxy.freeze();                                          // every open flow stalls; new ones work
//   proxy.freeze({ newFlows: true });                        // ... and new ones stall too
//   proxy.thaw();                                            // forwarding resumes
//   await proxy.close();
// Ping/pong: neither side of the proxy answers pings itself (ws `autoPong: false`): a client's
// ping is forwarded to the registrar and its pong back (Kamailio's websocket module answers
// pings), and the registrar's pings reach the client. While a flow is frozen both TCP sockets
// are paused (nothing read, so nothing answered, closes included) and whatever was already read
// is dropped; after thaw() the bytes the kernel held meanwhile are delivered.
import { WebSocketServer, WebSocket } from 'ws';

/**
 * @typedef {object} Rules
 * @property {boolean} [drop] drop every frame
 * @property {number} [delayMs] deliver each frame this much later
 * @property {boolean} [duplicate] deliver each frame twice
 * @property {(text: string) => string} [corrupt] rewrite each frame
 */

/**
 * One client connection and its upstream connection.
 * @typedef {object} Flow
 * @property {WebSocket} client  the proxy's end towards the client
 * @property {WebSocket} server  the proxy's end towards the registrar
 * @property {boolean} frozen
 * @property {number} openedAt   Date.now() at accept
 */

/**
 * @typedef {object} Counters
 * @property {{ seen: number, dropped: number }} toClient  data frames
 * @property {{ seen: number, dropped: number }} toServer
 * @property {{ pings: number, pongs: number, frames: number }} frozen  dropped because frozen
 * @property {{ toServer: number, toClient: number }} pings  pings forwarded
 * @property {{ toServer: number, toClient: number }} pongs  pongs forwarded
 */

/**
 * @typedef {object} FaultProxy
 * @property {string} url
 * @property {Rules} toClient
 * @property {Rules} toServer
 * @property {Counters} counters
 * @property {Set<WebSocket>} sockets
 * @property {Set<Flow>} flows          flows open now
 * @property {number} accepted          connections accepted so far
 * @property {(opts?: { newFlows?: boolean }) => number} freeze  stall every open flow (and with
 *           newFlows, every flow accepted later); returns how many flows were frozen
 * @property {() => void} thaw          resume every flow; new flows are normal again
 * @property {() => Promise<void>} close
 */

/**
 * Deliver `text` on `ws` according to `rules`.
 * @param {WebSocket} ws
 * @param {string} text
 * @param {boolean} binary
 * @param {Rules} rules
 * @param {{ seen: number, dropped: number }} counters
 */
function forward(ws, text, binary, rules, counters) {
  counters.seen++;
  if (rules.drop) {
    counters.dropped++;
    return;
  }
  const out = rules.corrupt ? rules.corrupt(text) : text;
  const send = () => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(out, { binary });
    if (rules.duplicate) ws.send(out, { binary });
  };
  if (rules.delayMs) setTimeout(send, rules.delayMs);
  else send();
}

/**
 * @param {string} upstream ws:// URL of the registrar
 * @returns {Promise<FaultProxy>}
 */
export async function startFaultProxy(upstream) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  await new Promise((r) => wss.once('listening', r));
  let freezeNew = false;
  /** @param {Flow} f */
  const stall = (f) => {
    f.frozen = true;
    f.client.pause();
    if (f.server.readyState === WebSocket.OPEN) f.server.pause();
  };
  /** @type {FaultProxy} */
  const proxy = {
    url: `ws://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (wss.address()).port}`,
    toClient: {},
    toServer: {},
    counters: {
      toClient: { seen: 0, dropped: 0 },
      toServer: { seen: 0, dropped: 0 },
      frozen: { pings: 0, pongs: 0, frames: 0 },
      pings: { toServer: 0, toClient: 0 },
      pongs: { toServer: 0, toClient: 0 },
    },
    sockets: new Set(),
    flows: new Set(),
    accepted: 0,
    freeze({ newFlows = false } = {}) {
      freezeNew = newFlows;
      for (const f of proxy.flows) stall(f);
      return proxy.flows.size;
    },
    thaw() {
      freezeNew = false;
      for (const f of proxy.flows) {
        f.frozen = false;
        f.client.resume();
        f.server.resume();
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of proxy.sockets) s.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (client) => {
    proxy.accepted++;
    const server = new WebSocket(upstream, 'sip', { autoPong: false });
    /** @type {Flow} */
    const flow = { client, server, frozen: false, openedAt: Date.now() };
    /** @type {Array<() => void>} what the client sent before the upstream flow was open */
    const pending = [];
    proxy.sockets.add(client);
    proxy.sockets.add(server);
    proxy.flows.add(flow);
    if (freezeNew) stall(flow);
    const { counters } = proxy;
    server.on('open', () => {
      if (flow.frozen) server.pause();
      for (const act of pending.splice(0)) act();
    });
    client.on('message', (data, binary) => {
      if (flow.frozen) {
        counters.frozen.frames++;
        return;
      }
      const t = data.toString();
      if (server.readyState === WebSocket.OPEN) forward(server, t, binary, proxy.toServer, counters.toServer);
      else pending.push(() => forward(server, t, binary, proxy.toServer, counters.toServer));
    });
    server.on('message', (data, binary) => {
      if (flow.frozen) {
        counters.frozen.frames++;
        return;
      }
      forward(client, data.toString(), binary, proxy.toClient, counters.toClient);
    });
    // control frames: passed through (neither end of the proxy answers a ping itself); towards
    // the server they wait for its connection like data frames do
    for (const kind of /** @type {const} */ (['ping', 'pong'])) {
      const counted = kind === 'ping' ? counters.pings : counters.pongs;
      client.on(kind, (data) => {
        if (flow.frozen) {
          counters.frozen[`${kind}s`]++;
          return;
        }
        counted.toServer++;
        if (server.readyState === WebSocket.OPEN) server[kind](data);
        else pending.push(() => server[kind](data));
      });
      server.on(kind, (data) => {
        if (flow.frozen) {
          counters.frozen[`${kind}s`]++;
          return;
        }
        counted.toClient++;
        client[kind](data);
      });
    }
    const end = () => {
      proxy.flows.delete(flow);
      proxy.sockets.delete(client);
      proxy.sockets.delete(server);
      client.terminate();
      server.terminate();
    };
    client.on('close', end);
    server.on('close', end);
    client.on('error', end);
    server.on('error', end);
  });
  return proxy;
}
