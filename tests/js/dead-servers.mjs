// dead-servers.mjs — places where no SIP flow can be made, on 127.0.0.1, for tests that check
// that every promise settles with its cause (issue 11, "every promise settles"):
//   const port = await closedPort();          // ws://127.0.0.1:<port>: ECONNREFUSED
//   const http = await httpServer();          // answers every request, the upgrade included,
//                                             //   with HTTP/1.1 200 OK (http.url, http.requests)
//   const silent = await silentServer();      // accepts TCP, never sends a byte (silent.url,
//                                             //   silent.accepted, silent.open)
//   await http.close(); await silent.close();
import net from 'node:net';
import http from 'node:http';
import { freeTcpPort } from '../registrar/registrar.mjs';

const HOST = '127.0.0.1';

/**
 * A TCP port on 127.0.0.1 that nobody listens on (bound and released: refused until someone
 * else takes it, which the kernel makes unlikely soon after).
 * @returns {Promise<number>}
 */
export const closedPort = freeTcpPort;

/**
 * @typedef {object} DeadServer
 * @property {string} url       ws://127.0.0.1:<port>
 * @property {number} port
 * @property {number} accepted  TCP connections accepted so far
 * @property {number} open      TCP connections open now
 * @property {() => Promise<void>} close  closes the server and every connection it holds
 */

/**
 * An HTTP server that answers every request with `200 OK` and a short text body, the WebSocket
 * upgrade included (Node's http server hands an Upgrade request to 'request' when nobody
 * listens for 'upgrade'): the handshake fails on the status, not on the network.
 * @param {{ status?: number }} [opts] another status than 200
 * @returns {Promise<DeadServer & { requests: string[] }>} requests: "METHOD path" seen
 */
export async function httpServer(opts = {}) {
  const status = opts.status ?? 200;
  /** @type {Set<net.Socket>} */
  const conns = new Set();
  /** @type {string[]} */
  const requests = [];
  const srv = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end('not a SIP registrar\n');
  });
  const out = await listen(srv, conns);
  return Object.assign(out, { requests });
}

/**
 * A TCP server that accepts connections and never sends anything (nor closes them): a
 * WebSocket handshake to it hangs until the client's own timeout.
 * @returns {Promise<DeadServer>}
 */
export async function silentServer() {
  /** @type {Set<net.Socket>} */
  const conns = new Set();
  const srv = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.on('data', () => {}); // read and ignore the handshake
  });
  return listen(srv, conns);
}

/**
 * Listen on a free loopback port; track connections so close() ends them.
 * @param {net.Server} srv
 * @param {Set<net.Socket>} conns
 * @returns {Promise<DeadServer>}
 */
async function listen(srv, conns) {
  let accepted = 0;
  srv.on('connection', (sock) => {
    accepted++;
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
  });
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, HOST, () => resolve(undefined));
  });
  const { port } = /** @type {net.AddressInfo} */ (srv.address());
  return {
    url: `ws://${HOST}:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    get open() {
      return conns.size;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of conns) s.destroy();
        srv.close(() => resolve());
      }),
  };
}
