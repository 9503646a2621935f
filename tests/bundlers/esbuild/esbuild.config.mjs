// esbuild build options (the test passes absWorkingDir): an ES module bundle, the wasm as a file.
export default {
  entryPoints: ['main.js'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  outdir: 'dist',
  loader: { '.wasm': 'file' },
  logLevel: 'warning',
};
