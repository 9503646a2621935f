// startup-child.mjs — run in a fresh Node process by startup.mjs: load one stack, parse the first
// 200 OK (and read its bindings), print the times as one JSON line.
//   node tests/bench/js/startup-child.mjs sipreg|sipreg-parse|sipreg-phases|jssip|sipjs|sip [PKG]
// PKG: the package directory sipreg is loaded from (default node/; startup-ab.mjs passes two)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('../../../', import.meta.url);
const text = readFileSync(new URL('tests/vectors/bench/a-200-1contact.sip', ROOT), 'latin1');
const require = createRequire(import.meta.url);
const which = process.argv[2];
const PKG = process.argv[3] ? pathToFileURL(`${resolve(process.argv[3])}/`) : new URL('node/', ROOT);

const t0 = performance.now(); // ms since this process started
let parseFirst;
if (which === 'sipreg') {
  // the package entry: loads ws (Node 20 has no global WebSocket) and instantiates the wasm
  const { parse } = await import(new URL('index.mjs', PKG).href);
  parseFirst = () => parse(text).contacts.map((c) => [c.uri, c.expires, c.q]);
} else if (which === 'sipreg-parse') {
  // the parse-only entry (sipreg/parse as package.json's exports name it: the loader and the
  // parse-only wasm, no registrations)
  const { exports } = JSON.parse(readFileSync(new URL('package.json', PKG), 'utf8'));
  const { parse } = await import(new URL(exports['./parse'].import, PKG).href);
  parseFirst = () => parse(text).contacts.map((c) => [c.uri, c.expires, c.q]);
} else if (which === 'sipreg-phases') {
  // where the package entry's milliseconds go, piece by piece in one process (each piece is
  // paid once per process, so they are taken in the order the entry takes them): the glue
  // bundle's import (Node's loader + V8 parsing lib/index.mjs + its top level), the wasm read,
  // compiled and instantiated, then the first parse split into the wasm call (V8 compiles each
  // function on its first call) and the JS that builds the objects from the core's tape
  const lib = await import(new URL('node/lib/index.mjs', ROOT).href);
  const t1 = performance.now();
  const core = await lib.loadCore(readFileSync(new URL('node/sipreg.wasm', ROOT)));
  const t2 = performance.now();
  const len = core.put(text);
  const n = core.x.sw_parse(core.inPtr, len, core.outPtr, core.outCap);
  const t3 = performance.now();
  const view = core.tape(n, text, core.inPtr);
  const t4 = performance.now();
  if (view.contacts.length !== 1) throw new Error(`expected one binding, got ${view.contacts.length}`);
  const phases = { glueMs: t1 - t0, wasmMs: t2 - t1, firstParseWasmMs: t3 - t2, firstParseJsMs: t4 - t3 };
  process.stdout.write(JSON.stringify({ contender: which, bootMs: t0, ...phases, totalMs: t4 - t0 }) + '\n');
  process.exit(0);
} else if (which === 'jssip') {
  require('jssip');
  const Parser = require('jssip/lib/Parser.js');
  parseFirst = () => {
    const m = Parser.parseMessage(text, {});
    return m.getHeaders('contact').map((_, i) => {
      const c = m.parseHeader('contact', i);
      return [c.uri.host, c.getParam('expires'), c.getParam('q')];
    });
  };
} else if (which === 'sipjs') {
  const { Core } = await import('sip.js');
  const lf = new Core.LoggerFactory();
  lf.builtinEnabled = false;
  const logger = lf.getLogger('startup');
  parseFirst = () => {
    const m = Core.Parser.parseMessage(text, logger);
    return m.getHeaders('contact').map((_, i) => {
      const c = m.parseHeader('contact', i);
      return [c.uri.host, c.getParam('expires'), c.getParam('q')];
    });
  };
} else if (which === 'sip') {
  const sip = require('sip');
  parseFirst = () => sip.parse(text).headers.contact.map((c) => [sip.parseUri(c.uri).host, c.params.expires, c.params.q]);
} else {
  console.error(`unknown contender ${which}`);
  process.exit(2);
}
const t1 = performance.now();
const bindings = parseFirst();
const t2 = performance.now();
if (bindings.length !== 1) throw new Error(`expected one binding, got ${bindings.length}`);
process.stdout.write(JSON.stringify({ contender: which, bootMs: t0, loadMs: t1 - t0, firstParseMs: t2 - t1, totalMs: t2 - t0 }) + '\n');
