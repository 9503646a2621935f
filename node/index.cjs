// sipreg for Node (CommonJS). The package is ESM with top-level await (it compiles the wasm), which
// require() cannot wait for, so this entry has the ESM entry's names and loads it on first use:
//
//   const sipreg = require('sipreg');
//   const reg = await sipreg.createRegistration({ ... });   // async ones: as in ESM
//   await sipreg.ready;                                      // then the synchronous ones:
//   sipreg.parse(text); new sipreg.RegistrationPool({ ... }); sipreg.version;
//
// Once `ready` settles, every name here is the ESM entry's own value (the same functions and
// classes: instanceof works across both). Before it, the async functions load it themselves, the
// synchronous ones throw an Error (code ERR_SIPREG_NOT_READY) saying to await `ready`, and
// classes used as `instanceof` targets answer false.
'use strict';

/** @type {Record<string, any> | null} the ESM entry, once loaded */
let esm = null;
/** The names whose value is asynchronous in ESM too: they may be called before `ready`. */
const ASYNC = ['createRegistration', 'locate', 'listenMulticast', 'loadWebSocket'];
/** Functions and classes: callable placeholders until loaded. */
const CALLABLE = [
  'parse',
  'uriEqual',
  'watchNetwork',
  'RegistrationPool',
  'Registration',
  'RegistrationError',
  'SipregError',
  'WebSocketFlow',
];
/** Plain values: read through a getter until loaded. */
const VALUES = ['version', 'core', 'OPTIONS', 'POOL_OPTIONS'];

/** @param {string} name @returns {Error} */
function notReady(name) {
  return Object.assign(new Error(`sipreg: ${name} needs the wasm module loaded: await require('sipreg').ready first`), {
    code: 'ERR_SIPREG_NOT_READY',
  });
}

/** @returns {Record<string, any>} the loaded ESM entry, or throws for `name` */
function loaded(name) {
  if (!esm) throw notReady(name);
  return esm;
}

/** Load the ESM entry and make every name here its value. */
const ready = import('./index.mjs').then((m) => {
  esm = m;
  for (const name of [...ASYNC, ...CALLABLE, ...VALUES]) {
    Object.defineProperty(module.exports, name, { value: m[name], enumerable: true, writable: false, configurable: false });
  }
  return module.exports;
});
// awaited by its users; an unhandled rejection is reported by the first call that needs it
ready.catch(() => {});

module.exports = { ready };
for (const name of ASYNC) module.exports[name] = async (...args) => (await ready)[name](...args);
for (const name of CALLABLE) {
  // a function that forwards (before `ready` it throws); `new` of it builds the ESM class
  const forward = {
    [name]: function (...args) {
      const real = loaded(name)[name];
      return new.target ? Reflect.construct(real, args) : real(...args);
    },
  }[name];
  Object.defineProperty(forward, Symbol.hasInstance, { value: (x) => Boolean(esm) && x instanceof esm[name] });
  module.exports[name] = forward;
}
for (const name of VALUES) {
  Object.defineProperty(module.exports, name, { get: () => loaded(name)[name], enumerable: true, configurable: true });
}
