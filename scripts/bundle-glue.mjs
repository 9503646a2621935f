#!/usr/bin/env node
// bundle-glue.mjs — one module of the glue for the packages (run by the wasm build, CMakeLists.txt):
// esbuild's bundle of an entry with everything it imports, without comments and whitespace
// (names kept: no identifier mangling), so that Node's loader and V8 have one small text to read.
// Minifying drops every comment, also the bundler hints on the loader's import of node:fs
// (core.mjs: webpack and Vite leave that import alone), so they are put back, and the build fails
// when the import is not there exactly once.
// With --shared SPEC=FILE the entry's own imports are taken from SPEC instead (the bundle of FILE
// next to the output, e.g. ./web.mjs=node/lib/web.mjs: the pool's module for the browser shares
// the browser glue's code); the build fails when FILE does not export a name the entry imports.
//   node scripts/bundle-glue.mjs ENTRY.mjs OUT.mjs [--shared ./web.mjs=lib/web.mjs]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const [entry, outfile, flag, shared] = process.argv.slice(2);
if (!entry || !outfile || (flag !== undefined && (flag !== '--shared' || !/^\.\/[\w.-]+\.mjs=.+/.test(shared ?? '')))) {
  console.error('usage: node scripts/bundle-glue.mjs ENTRY.mjs OUT.mjs [--shared ./NAME.mjs=FILE.mjs]');
  process.exit(2);
}
const [spec, sharedFile] = shared ? shared.split('=') : [];
const fail = (why) => {
  console.error(`bundle-glue: ${why} (bundle of ${entry})`);
  process.exit(1);
};

const OPTIONS = { bundle: true, format: 'esm', platform: 'neutral', minifyWhitespace: true, minifySyntax: true, write: false };
/** --shared: the entry's relative imports (not the modules they import) become imports of SPEC. */
const sharing = {
  name: 'shared',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'import-statement' && resolve(args.importer) === resolve(entry) ? { path: spec, external: true } : undefined,
    );
  },
};
const result = await build({
  ...OPTIONS,
  entryPoints: [entry],
  plugins: spec ? [sharing] : [],
  metafile: true,
  logLevel: 'warning',
});
const text = result.outputFiles[0].text;
/** The loader's Node-only import (core.mjs: `await import(NODE_FS)`), as esbuild prints it. */
const IMPORT = 'import(NODE_FS)';
const count = text.split(IMPORT).length - 1;
if (count !== (spec ? 0 : 1)) fail(`expected ${IMPORT} ${spec ? 'not at all' : 'once'}, found it ${count} times`);
if (spec) {
  // every name imported from SPEC is one FILE exports
  const exported = new Set(
    Object.values((await build({ ...OPTIONS, entryPoints: [sharedFile], metafile: true, logLevel: 'error' })).metafile.outputs)[0].exports,
  );
  const imports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)];
  if (imports.some((m) => m[2] !== spec)) fail(`imports other than ${spec}: ${imports.map((m) => m[2]).join(', ')}`);
  const names = imports.flatMap((m) => m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]));
  const missing = names.filter((n) => !exported.has(n));
  if (missing.length) fail(`${sharedFile} does not export ${missing.join(', ')}`);
}
writeFileSync(outfile, text.replace(IMPORT, 'import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS)'));
