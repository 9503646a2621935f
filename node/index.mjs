// sipreg for Node (ESM). Loads the wasm next to this file; uses the global WebSocket when the
// runtime has one (Node >= 22), else the `ws` package (Node 20).
import { readFileSync } from 'node:fs';

// Start reading and compiling the wasm first: V8 compiles it on background threads while the
// glue's modules load (a static import would load them all before any of this runs).
const compiling = WebAssembly.compile(readFileSync(new URL('./sipreg.wasm', import.meta.url)));
compiling.catch(() => {}); // awaited below; do not report it as unhandled meanwhile
const lib = await import('./lib/index.mjs');

/**
 * The `ws` WebSocket with batch(): cork the TCP socket until the end of the current task, so
 * that a burst of frames (a pool's paced REGISTERs, the answers to one read's 401s) leaves in
 * one write instead of one syscall per frame. The socket comes from the public 'upgrade' event.
 * @param {typeof import('ws').WebSocket} WS
 */
function batching(WS) {
  return class BatchingWebSocket extends WS {
    constructor(url, protocols, options) {
      super(url, protocols, options);
      this.tcp = null;
      this.corked = false;
      this.on('upgrade', (res) => { this.tcp = res.socket; });
    }

    batch() {
      const tcp = this.tcp;
      if (this.corked || !tcp || typeof tcp.cork !== 'function') return;
      this.corked = true;
      tcp.cork();
      process.nextTick(() => { this.corked = false; tcp.uncork(); });
    }
  };
}

// `ws` costs ~15 ms to load on Node 20 (~45 ms through import(): the ESM loader lexes its
// CommonJS files): load it with require, and only when a flow first connects
const WebSocketImpl = globalThis.WebSocket ?? {
  load: async () => {
    const { createRequire } = await import('node:module');
    return batching(createRequire(import.meta.url)('ws'));
  },
};
const api = lib.bind(await lib.loadCore(await compiling), { WebSocket: WebSocketImpl });

export const { createRegistration, RegistrationPool, parse, uriEqual, version, core } = api;
export const { Registration, RegistrationError, SipregError, WebSocketFlow } = lib;
