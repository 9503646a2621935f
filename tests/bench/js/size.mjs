// size.mjs — what a browser app ships to register: each stack bundled by esbuild (minified, ESM,
// browser platform) from an entry that imports only what registration needs, then gzip -9
// (zlib level 9) and, for information, brotli. sipreg = its glue bundle + sipreg.wasm.
//   node tests/bench/js/size.mjs [--wasm node/sipreg.wasm] [--names build-bench/wasm-names/sipreg.wasm]
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT, BUILD_DIR, cliOptions } from './common.mjs';
import { analyze } from './wasm-sections.mjs';

const opts = cliOptions({ wasm: join(ROOT, 'node/sipreg.wasm'), names: join(BUILD_DIR, 'wasm-names/sipreg.wasm') });
const OUT = join(BUILD_DIR, 'size');
mkdirSync(OUT, { recursive: true });

// Entries: create one registration against a WebSocket server and register it.
const ENTRIES = {
  sipreg: `import { loadCore, bind } from ${JSON.stringify(join(ROOT, 'node/lib/index.mjs'))};
export async function register(wasmUrl, server, aor, password) {
  const api = bind(await loadCore(wasmUrl), { WebSocket });
  const reg = await api.createRegistration({ server, aor, auth: { password } });
  await reg.register();
  return reg;
}`,
  jssip: `import { UA, WebSocketInterface } from 'jssip';
export function register(server, uri, password) {
  const ua = new UA({ sockets: [new WebSocketInterface(server)], uri, password, register: true });
  ua.start();
  return ua;
}`,
  sipjs: `import { UserAgent, Registerer } from 'sip.js';
export async function register(server, aor, password) {
  const ua = new UserAgent({ uri: UserAgent.makeURI(aor), transportOptions: { server }, authorizationPassword: password });
  await ua.start();
  const registerer = new Registerer(ua);
  await registerer.register();
  return registerer;
}`,
};

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const results = {};
for (const [name, source] of Object.entries(ENTRIES)) {
  const entry = join(OUT, `${name}-entry.mjs`);
  writeFileSync(entry, source);
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    metafile: true,
    nodePaths: [join(ROOT, 'node_modules')],
    external: ['node:*'], // sipreg's loader reads file: URLs with node:fs only in Node
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const js = r.outputFiles[0].contents;
  writeFileSync(join(OUT, `${name}.min.js`), js);
  const inputs = Object.keys(r.metafile.inputs).length;
  const entryResult = { js: { minified: js.length, gzip: gz(js), brotli: br(js), modules: inputs } };
  if (name === 'sipreg') {
    const wasm = readFileSync(opts.wasm);
    const a = analyze(new Uint8Array(wasm));
    entryResult.wasm = {
      bytes: wasm.length,
      gzip: gz(wasm),
      brotli: br(wasm),
      sections: Object.fromEntries(a.sections.map((s) => [s.name, s.size])),
    };
    if (existsSync(opts.names)) {
      const named = analyze(new Uint8Array(readFileSync(opts.names)));
      const fns = named.functions;
      entryResult.wasm.largestFunctions = [...fns]
        .sort((x, y) => y.size - x.size)
        .slice(0, 15)
        .map((f) => ({ name: f.name, bytes: f.size }));
      entryResult.wasm.printfFamily = fns.filter((f) => /printf|fmt_fp|pop_arg|__vfprintf|out_/.test(f.name)).map((f) => f.name);
    }
    entryResult.total = {
      minified: js.length + wasm.length,
      gzip: entryResult.js.gzip + entryResult.wasm.gzip,
      brotli: entryResult.js.brotli + entryResult.wasm.brotli,
    };
  } else {
    entryResult.total = { minified: js.length, gzip: entryResult.js.gzip, brotli: entryResult.js.brotli };
  }
  results[name] = entryResult;
}
const versions = {
  esbuild: (await import('esbuild')).version,
  jssip: JSON.parse(readFileSync(join(ROOT, 'node_modules/jssip/package.json'), 'utf8')).version,
  sipjs: JSON.parse(readFileSync(join(ROOT, 'node_modules/sip.js/package.json'), 'utf8')).version,
};
process.stdout.write(
  JSON.stringify({ kind: 'size', unit: 'bytes', compression: 'gzip level 9 (zlib), brotli q11', versions, entries: ENTRIES, results }) +
    '\n',
);
