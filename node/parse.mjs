// sipreg/parse — the message view and URI comparison only (no registrations, no WebSocket): the
// smallest import for tools that parse. Same functions as the main entry's parse and uriEqual,
// over the parse-only wasm (sipreg-parse.wasm: the same core, only the parse exports).
// The package's "sipreg/parse" is the build's one-module copy of this file, lib/parse.mjs (esbuild:
// the loader inside; Node's loader costs about half a millisecond per module at start-up).
import { loadCoreSync } from './lib/core.mjs';

/** The package directory, where the wasm is: this one, or '../' from the build's copy (it defines
 * SIPREG_ENTRY_PKG, CMakeLists.txt). */
const PKG = new URL(typeof SIPREG_ENTRY_PKG === 'string' ? SIPREG_ENTRY_PKG : './', import.meta.url);
// node:fs without an ESM import of it (the first one in a process costs 1-2 ms: its module wrapper)
const { readFileSync } = process.getBuiltinModule?.('node:fs') ?? (await import('node:fs'));
// compiled and instantiated at once: V8 compiles each function on its first call, so compiling
// is mostly validating, and a synchronous load takes no promise turns
const core = loadCoreSync(readFileSync(new URL('sipreg-parse.wasm', PKG)));

/** The `sipreg parse` view of a message as objects (see index.d.ts ParsedMessage). */
export const parse = (message) => core.parse(message);
/** RFC 3261 §19.1.4 URI equality. */
export const uriEqual = (a, b) => core.uriEqual(a, b);
/** The core's version. */
export const version = core.version();
