// sipreg for Node (CommonJS). The module is ESM with top-level await (it loads the wasm), so
// CommonJS callers get async functions: `await createRegistration(...)`, `await load()`.
'use strict';

let loading;
/** @returns {Promise<typeof import('./index.mjs')>} the ESM module, loaded once */
function load() {
  loading ??= import('./index.mjs');
  return loading;
}

module.exports = {
  load,
  /** Same as the ESM createRegistration. */
  createRegistration: async (options) => (await load()).createRegistration(options),
  /** A RegistrationPool (async here, since the wasm loads first). */
  createPool: async (options) => new (await load()).RegistrationPool(options),
  /** The `sipreg parse` view of a message (objects). */
  parse: async (message) => (await load()).parse(message),
  /** RFC 3261 §19.1.4 URI equality. */
  uriEqual: async (a, b) => (await load()).uriEqual(a, b),
  /** Re-register at once when a local address changes (polls every intervalMs, 5000); returns a
   *  promise of the stop function. */
  watchNetwork: async (target, options) => (await load()).watchNetwork(target, options),
  /** RFC 3263 server location for a sip:/sips: URI (the ordered targets). */
  locate: async (uri, options) => (await load()).locate(uri, options),
  /** Observe REGISTERs on the multicast group (never answers). */
  listenMulticast: async (options) => (await load()).listenMulticast(options),
};
