// Vite: `new URL('./sipreg-web.wasm', import.meta.url)` in the package is rewritten to the emitted asset.
import * as sipreg from 'sipreg';
import { run } from '../app.js';

run(sipreg);
