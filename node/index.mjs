// sipreg for Node (ESM). Loads the wasm next to this file; uses the global WebSocket when the
// runtime has one (Node >= 22), else the `ws` package (Node 20).
import { loadCore, bind } from './lib/index.mjs';

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
const api = bind(await loadCore(new URL('./sipreg.wasm', import.meta.url)), { WebSocket: WebSocketImpl });

export const { createRegistration, RegistrationPool, parse, uriEqual, version, core } = api;
export { Registration, RegistrationError, SipregError, WebSocketFlow } from './lib/index.mjs';
