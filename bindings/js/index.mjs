// index.mjs — the public JS API over one loaded core. Entry points (node/, web/) pick the wasm
// location and the WebSocket implementation, then call bind().
import { loadCore, Core, SipregError } from './core.mjs';
import { Registration, RegistrationError } from './registration.mjs';
import { createSingle } from './flow-host.mjs';
import { RegistrationPool } from './pool.mjs';
import { WebSocketFlow } from './websocket-flow.mjs';
import { storedInstance, instanceKey } from './instance.mjs';
import { checkOptions, configError, show } from './options.mjs';
// the tables with every option's words on its rows (the Node entry exports these; web.mjs not)
import { OPTIONS, POOL_OPTIONS } from './option-docs.mjs';

export {
  loadCore,
  Core,
  SipregError,
  Registration,
  RegistrationError,
  RegistrationPool,
  WebSocketFlow,
  storedInstance,
  instanceKey,
  OPTIONS,
  POOL_OPTIONS,
  checkOptions,
  configError,
  show,
};

/**
 * The API of one loaded core.
 * @param {Core} core
 * @param {{ WebSocket: typeof WebSocket, makeFlow?: Function, poolFlow?: Function }} env makeFlow,
 *   poolFlow: the host's own flows for a registration, for a pool's members (Node: sip: servers)
 */
export function bind(core, env) {
  /** A pool bound to this core: `new Pool({ server, flows, rate })`. */
  class Pool extends RegistrationPool {
    /** @param {object} options server, flows, rate (see pool.mjs) */
    constructor(options) {
      super(core, { WebSocket: env.WebSocket, ...options }, env.poolFlow);
    }
  }
  return {
    core,
    /**
     * Create a registration with its own WebSocket flow (nothing is sent until register()).
     * @param {object} options server, aor, auth, expires, contacts, ... (README "Options")
     * @returns {Promise<Registration>}
     */
    async createRegistration(options) {
      return createSingle(core, options, { WebSocket: options?.WebSocket ?? env.WebSocket, makeFlow: env.makeFlow });
    },
    RegistrationPool: Pool,
    /** The `sipreg parse` view of a message as objects (JSON.stringify prints the native CLI's bytes). */
    parse: (message) => core.parse(message),
    /** RFC 3261 §19.1.4 URI equality. */
    uriEqual: (a, b) => core.uriEqual(a, b),
    version: core.version(),
  };
}
