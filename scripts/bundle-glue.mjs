#!/usr/bin/env node
// bundle-glue.mjs — one module of the glue for the packages (run by the wasm build, CMakeLists.txt):
// esbuild's bundle of an entry with everything it imports, without comments and whitespace
// (names kept: no identifier mangling), so that Node's loader and V8 have one small text to read.
// Minifying drops every comment, also the bundler hints on the loader's import of node:fs
// (core.mjs: webpack and Vite leave that import alone), so they are put back, and the build fails
// when the import is not there exactly once.
//   node scripts/bundle-glue.mjs ENTRY.mjs OUT.mjs
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: node scripts/bundle-glue.mjs ENTRY.mjs OUT.mjs');
  process.exit(2);
}

const result = await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
  logLevel: 'warning',
});
const text = result.outputFiles[0].text;
/** The loader's Node-only import (core.mjs: `await import(NODE_FS)`), as esbuild prints it. */
const IMPORT = 'import(NODE_FS)';
const count = text.split(IMPORT).length - 1;
if (count !== 1) {
  console.error(`bundle-glue: expected ${IMPORT} once in the bundle of ${entry}, found it ${count} times`);
  process.exit(1);
}
writeFileSync(outfile, text.replace(IMPORT, 'import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS)'));
