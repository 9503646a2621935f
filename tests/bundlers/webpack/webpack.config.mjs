// webpack 5 (production): one bundle, assets next to it (publicPath "auto": found from the script's URL).
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  target: 'web',
  entry: './main.js',
  output: { path: fileURLToPath(new URL('./dist/', import.meta.url)), filename: 'main.js', clean: true },
};
