// sipreg/parse — the message view and URI comparison only (no registrations, no WebSocket): the
// smallest import for tools that parse. Same functions as the main entry's parse and uriEqual.
import { readFileSync } from 'node:fs';
import { loadCore } from './lib/core.mjs';

const core = await loadCore(readFileSync(new URL('./sipreg.wasm', import.meta.url)));

/** The `sipreg parse` view of a message as objects (see index.d.ts ParsedMessage). */
export const parse = (message) => core.parse(message);
/** RFC 3261 §19.1.4 URI equality. */
export const uriEqual = (a, b) => core.uriEqual(a, b);
/** The core's version. */
export const version = core.version();
