// sipreg for Node (ESM). Loads the wasm next to this file; uses the global WebSocket when the
// runtime has one (Node >= 22), else its own client (websocket.mjs, Node 20).
import { readFileSync } from 'node:fs';
import * as self from './index.mjs';
import { WorkerPool } from './worker-pool.mjs';

// Start reading and compiling the wasm first: V8 compiles it on background threads while the
// glue's modules load (a static import would load them all before any of this runs).
const compiling = WebAssembly.compile(readFileSync(new URL('./sipreg.wasm', import.meta.url)));
compiling.catch(() => {}); // awaited below; do not report it as unhandled meanwhile
const lib = await import('./lib/index.mjs');

/** The WebSocket client used on Node 20 (subclass it to pass TLS options such as `ca`). */
export const loadWebSocket = async () => (await import('./websocket.mjs')).NodeWebSocket;

// Node >= 22 has a global WebSocket; on Node 20 our own client (websocket.mjs: node:net/tls),
// loaded when a flow first connects, so that importing sipreg (and parsing) does not pay for it
const WebSocketImpl = globalThis.WebSocket ?? { load: loadWebSocket, ping: true };
// SIP over UDP/TCP/TLS (flows.mjs), loaded by createRegistration when a server is not ws:/wss:
/** @type {typeof import('./flows.mjs') | null} */
let flows = null;
const makeFlow = (options) => flows?.makeFlow(options);
const api = lib.bind(await lib.loadCore(await compiling), { WebSocket: WebSocketImpl, makeFlow });

export const { parse, uriEqual, version, core } = api;

/** Settled once everything above is usable (it is, once this module is imported): the entry's
 * exports. The CommonJS entry (index.cjs) has the same, to wait for before its synchronous ones. */
export const ready = Promise.resolve().then(() => self);

/** Many registrations over shared WebSocket flows (pool.mjs); SIP over UDP/TCP/TLS is per registration. */
export class RegistrationPool extends api.RegistrationPool {
  /** @param {object} options server (ws:// or wss://), flows, rate, ... */
  constructor(options) {
    const server = options?.server;
    if (typeof server === 'string' && /^sips?:/i.test(server)) {
      throw lib.configError(
        'server',
        server,
        `RegistrationPool takes a ws:// or wss:// server, got "${server}" (use createRegistration for sip: and sips: servers)`,
      );
    }
    // workers: n: the registrations in n worker threads, one wasm instance each (worker-pool.mjs)
    if (options?.workers !== undefined) return new WorkerPool(options, lib);
    super(options);
  }
}
export const { Registration, RegistrationError, SipregError, WebSocketFlow, OPTIONS, POOL_OPTIONS } = lib;
export { watchNetwork } from './network.mjs';

/**
 * RFC 3263 server location: the ordered targets ({transport, host, port, address, source}) for a
 * sip:/sips: URI (node/locate.mjs; loaded on first use).
 * @param {string} uri @param {object} [options] dns, transport, ...
 */
export const locate = async (uri, options) => (await import('./locate.mjs')).locate(uri, options);
/**
 * Observe REGISTERs on the multicast group (RFC 3261 §10.2.6; never answers): node/listen.mjs.
 * @param {object} [options]
 */
export const listenMulticast = async (options) => (await import('./listen.mjs')).listenMulticast(options);

/**
 * Create a registration with its own flow (nothing is sent until register()). A wrong option
 * rejects with a SipregError (code SIPREG_E_CONFIG) naming it: `option` (its path, e.g.
 * 'policy.retryBase'), `value`, and the sentence (OPTIONS is the table).
 * The instance-id (RFC 5626 §4.1) is `instance` when given; else, with `store` (a file path), the
 * one kept there for this AOR (made and saved on first use: a restarted process replaces its own
 * binding); else the one in `state`; else a random one for this process.
 * @param {object} options README "Options"
 * @returns {Promise<lib.Registration>}
 */
export async function createRegistration(options) {
  // every option known and of its type before anything is loaded or read (options.mjs)
  lib.checkOptions(options, lib.OPTIONS, { hosts: ['node'], what: 'createRegistration options' });
  // a copy: makeFlow sets `route` for an outbound proxy
  options = { ...options };
  if (!/^wss?:/i.test(options.server ?? '')) flows ??= await import('./flows.mjs');
  if (options?.store !== undefined && options.instance === undefined && options.aor) {
    const { instanceFromStore } = await import('./instance-store.mjs');
    options = { ...options, instance: instanceFromStore(options.store, options.aor) };
  }
  return api.createRegistration(options);
}
