// loader.mjs — instantiate sipreg.wasm the same way in Node and in browsers.
// The module is a standalone wasm; its one import is the memory-growth notification.
import { Core } from './core.mjs';

/**
 * Bytes or a compiled module from what the caller gave.
 * @param {URL|string|ArrayBuffer|ArrayBufferView|WebAssembly.Module|Response} source
 * @returns {Promise<ArrayBuffer|ArrayBufferView|WebAssembly.Module|Response>}
 */
async function resolveSource(source) {
  if (typeof source === 'string') source = new URL(source, globalThis.location?.href);
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return readFile(source);
    }
    return fetch(source);
  }
  return source;
}

/**
 * Load and instantiate the sipreg WebAssembly module.
 * @param {URL|string|ArrayBuffer|ArrayBufferView|WebAssembly.Module|Response} source where the .wasm is
 * @returns {Promise<Core>}
 */
export async function loadCore(source) {
  const imports = { env: { emscripten_notify_memory_growth() {} } };
  const src = await resolveSource(source);
  let instance;
  if (src instanceof WebAssembly.Module) {
    instance = await WebAssembly.instantiate(src, imports);
  } else if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) {
    // bytes first: on Node 20 merely touching the global Response loads all of fetch (~12 ms)
    ({ instance } = await WebAssembly.instantiate(src, imports));
  } else if (typeof Response !== 'undefined' && src instanceof Response) {
    if (!src.ok) throw new Error(`sipreg: cannot load the wasm module (HTTP ${src.status})`);
    const bytes = await src.arrayBuffer();
    ({ instance } = await WebAssembly.instantiate(bytes, imports));
  } else {
    ({ instance } = await WebAssembly.instantiate(src, imports));
  }
  instance.exports._initialize?.();
  return new Core(instance.exports);
}
