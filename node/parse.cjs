// sipreg/parse for CommonJS: the message view and URI comparison only (the ESM entry lib/parse.mjs,
// the build's one-module copy of parse.mjs), loaded on require; `await require('sipreg/parse').ready`
// before the first call (require() cannot load ESM). Once ready, each name is the ESM entry's own value.
'use strict';

/** @type {Record<string, any> | null} */
let esm = null;
const NAMES = ['parse', 'uriEqual', 'version'];

/** @param {string} name @returns {Record<string, any>} */
function loaded(name) {
  if (esm) return esm;
  throw Object.assign(new Error(`sipreg/parse: ${name} needs the wasm module loaded: await require('sipreg/parse').ready first`), {
    code: 'ERR_SIPREG_NOT_READY',
  });
}

const ready = import('./lib/parse.mjs').then((m) => {
  esm = m;
  for (const name of NAMES) Object.defineProperty(module.exports, name, { value: m[name], enumerable: true });
  return module.exports;
});
ready.catch(() => {});

module.exports = {
  ready,
  parse: (message) => loaded('parse').parse(message),
  uriEqual: (a, b) => loaded('uriEqual').uriEqual(a, b),
};
Object.defineProperty(module.exports, 'version', { get: () => loaded('version').version, enumerable: true, configurable: true });
