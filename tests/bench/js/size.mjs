// size.mjs — what a browser app downloads to register: each stack bundled by esbuild as an app
// would bundle it (minified, ESM, code splitting, for the browsers Vite's default build targets),
// from an entry that imports only what registration needs, then gzip -9 (zlib level 9) and, for
// information, brotli. sipreg is imported as an app imports it, `import { createRegistration }
// from 'sipreg'`: the package (node/, as the build made it) is resolved from node_modules with the
// "browser" condition (its browser entry, browser.mjs), the wasm imported as a file
// (`sipreg/sipreg.wasm`, esbuild's loader "file", handed over as wasmUrl: README "With a bundler").
// sipreg's size = the JS chunks the entry loads before it registers (static imports) + the
// emitted wasm; chunks it would load later (dynamic imports) are listed apart, not counted.
// The same entries are also built by Vite and webpack 5 with their defaults (production), for
// information (`bundlers`: every JS file each emits; the wasm is found by the package's new URL()).
//   node tests/bench/js/size.mjs [--package node] [--names build-bench/wasm-names/sipreg.wasm]
//                                [--bundlers vite,webpack|none]
// --package: another build of the package directory (an A/B of two worktrees' node/).
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT, BUILD_DIR, cliOptions } from './common.mjs';
import { analyze } from './wasm-sections.mjs';

const opts = cliOptions({ package: join(ROOT, 'node'), names: join(BUILD_DIR, 'wasm-names/sipreg.wasm'), bundlers: 'vite,webpack' });
const OUT = join(BUILD_DIR, 'size');
mkdirSync(OUT, { recursive: true });
// the app's node_modules: sipreg is the package directory (a link), the contenders the repository's
const MODULES = join(OUT, 'node_modules');
mkdirSync(MODULES, { recursive: true });
rmSync(join(MODULES, 'sipreg'), { force: true, recursive: true });
symlinkSync(resolve(opts.package), join(MODULES, 'sipreg'), 'dir');

/** Vite 8's default build target ('baseline-widely-available'): what an app gets without a config. */
const TARGET = ['chrome111', 'edge111', 'firefox114', 'safari16.4', 'ios16.4'];

// Entries: create one registration against a WebSocket server and register it.
const ENTRIES = {
  sipreg: `import { createRegistration } from 'sipreg';
import wasmUrl from 'sipreg/sipreg.wasm';
export async function register(server, aor, password) {
  const reg = await createRegistration({ server, aor, auth: { password }, wasmUrl });
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

/** The app Vite and webpack build: the entry's register() called (they rewrite the wasm's URL). */
const APP = (entry) =>
  `import { register } from ${JSON.stringify(entry)};\nregister('wss://edge.invalid', 'sip:alice@example.test', 'secret');\n`;

/** Vite and webpack 5 builds of one entry (production defaults): the JS they emit, summed. */
const OTHER = {
  async vite(dir, entry) {
    const { build: viteBuild } = await import('vite');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
    writeFileSync(join(dir, 'main.js'), APP(entry));
    await viteBuild({ root: dir, configFile: false, logLevel: 'error', base: './', build: { outDir: 'dist', emptyOutDir: true } });
  },
  async webpack(dir, entry) {
    const webpack = (await import('webpack')).default;
    writeFileSync(join(dir, 'main.js'), APP(entry));
    await new Promise((ok, fail) =>
      webpack(
        { mode: 'production', target: 'web', context: dir, entry: './main.js', output: { path: join(dir, 'dist'), filename: 'main.js' } },
        (e, stats) => (e ? fail(e) : stats.hasErrors() ? fail(new Error(stats.toString('errors-only'))) : ok()),
      ),
    );
  },
};

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = (b) => ({ minified: b.length, gzip: gz(b), brotli: br(b) });

const results = {};
for (const [name, source] of Object.entries(ENTRIES)) {
  const entry = join(OUT, `${name}-entry.mjs`);
  writeFileSync(entry, source);
  const outdir = join(OUT, name);
  rmSync(outdir, { recursive: true, force: true });
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    platform: 'browser', // conditions "browser", "import", "default"
    target: TARGET,
    outdir,
    loader: { '.wasm': 'file' },
    write: false,
    metafile: true,
    nodePaths: [join(ROOT, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  mkdirSync(outdir, { recursive: true });
  const files = new Map(r.outputFiles.map((f) => [f.path, f.contents]));
  for (const [path, bytes] of files) writeFileSync(path, bytes);
  const meta = r.metafile.outputs;
  const out = (k) => files.get([...files.keys()].find((p) => p.endsWith(k)));
  // the entry chunk and what it imports statically: loaded before register() can run
  const entryKey = Object.keys(meta).find((k) => meta[k].entryPoint);
  const loaded = new Set();
  const visit = (k) => {
    if (loaded.has(k)) return;
    loaded.add(k);
    for (const i of meta[k].imports) if (i.kind === 'import-statement' && meta[i.path]) visit(i.path);
  };
  visit(entryKey);
  const jsKeys = Object.keys(meta).filter((k) => k.endsWith('.js'));
  const wasmKey = Object.keys(meta).find((k) => k.endsWith('.wasm'));
  const js = Buffer.concat(jsKeys.filter((k) => loaded.has(k)).map((k) => out(k)));
  const later = jsKeys.filter((k) => !loaded.has(k));
  const inputs = new Set(jsKeys.flatMap((k) => Object.keys(meta[k].inputs)));
  const entryResult = { js: { ...sizes(js), modules: inputs.size, chunks: jsKeys.filter((k) => loaded.has(k)).map((k) => basename(k)) } };
  if (later.length) {
    entryResult.later = Object.fromEntries(later.map((k) => [basename(k), sizes(out(k))]));
  }
  if (wasmKey) {
    const wasm = out(wasmKey);
    const a = analyze(new Uint8Array(wasm));
    entryResult.wasm = { ...sizes(wasm), bytes: wasm.length, sections: Object.fromEntries(a.sections.map((s) => [s.name, s.size])) };
    delete entryResult.wasm.minified;
    if (existsSync(opts.names)) {
      const fns = analyze(new Uint8Array(readFileSync(opts.names))).functions;
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
  const others = opts.bundlers === 'none' ? [] : opts.bundlers.split(',');
  for (const bundler of others) {
    const dir = join(OUT, `${bundler}-${name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Vite and webpack find the wasm themselves (new URL(..., import.meta.url)): no wasm import
    const own = join(dir, 'entry.mjs');
    writeFileSync(own, source.replace(/^import wasmUrl from .*\n/m, '').replace(', wasmUrl }', ' }'));
    await OTHER[bundler](dir, own);
    const emitted = readdirSync(join(dir, 'dist'), { recursive: true })
      .map(String)
      .filter((f) => /\.m?js$/.test(f));
    const bytes = Buffer.concat(emitted.map((f) => readFileSync(join(dir, 'dist', f))));
    entryResult.bundlers ??= {};
    entryResult.bundlers[bundler] = { ...sizes(bytes), files: emitted.length };
  }
  results[name] = entryResult;
}
const versions = {
  esbuild: (await import('esbuild')).version,
  jssip: JSON.parse(readFileSync(join(ROOT, 'node_modules/jssip/package.json'), 'utf8')).version,
  sipjs: JSON.parse(readFileSync(join(ROOT, 'node_modules/sip.js/package.json'), 'utf8')).version,
  vite: JSON.parse(readFileSync(join(ROOT, 'node_modules/vite/package.json'), 'utf8')).version,
  webpack: JSON.parse(readFileSync(join(ROOT, 'node_modules/webpack/package.json'), 'utf8')).version,
};
process.stdout.write(
  JSON.stringify({
    kind: 'size',
    unit: 'bytes',
    compression: 'gzip level 9 (zlib), brotli q11',
    target: TARGET,
    package: resolve(opts.package),
    versions,
    entries: ENTRIES,
    results,
  }) + '\n',
);
