// esbuild: it does not rewrite `new URL('./sipreg-web.wasm', import.meta.url)`, so the app imports the
// wasm as a file (loader "file": copied to the output, its URL given) and hands it over as wasmUrl.
import * as sipreg from 'sipreg';
import wasmUrl from 'sipreg/sipreg.wasm'; // the "browser" condition: the web build, sipreg-web.wasm
import { run } from '../app.js';

run(sipreg, { wasmUrl });
