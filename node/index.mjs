// sipreg for Node (ESM). Loads the wasm next to this file; uses the global WebSocket when the
// runtime has one (Node >= 22), else the `ws` package (Node 20).
import { loadCore, bind } from './lib/index.mjs';

// `ws` takes ~40 ms to import on Node 20: load it only when a flow first connects, so that
// importing sipreg (and parsing) does not pay for it
const WebSocketImpl = globalThis.WebSocket ?? { load: () => import('ws').then((m) => m.default) };
const api = bind(await loadCore(new URL('./sipreg.wasm', import.meta.url)), { WebSocket: WebSocketImpl });

export const { createRegistration, RegistrationPool, parse, uriEqual, version, core } = api;
export { Registration, RegistrationError, SipregError, WebSocketFlow } from './lib/index.mjs';
