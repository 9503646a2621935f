// webpack 5: `new URL('./sipreg-web.wasm', import.meta.url)` in the package becomes an asset module.
import * as sipreg from 'sipreg';
import { run } from '../app.js';

run(sipreg);
