// vendor.mjs — what the demo's call page (web/call.html) loads besides its own files: JsSIP, as
// one ES module web/vendor/jssip.mjs bundled by esbuild from node_modules (JsSIP's npm package
// ships CommonJS only). Untracked (.gitignore), rebuilt by scripts/demo.mjs and the demo-calls
// test at start; a few hundred milliseconds.
//   node scripts/vendor.mjs        builds it and prints where it is
import { mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);

/** The bundles: where each goes (under web/) and the module it is made from. */
const BUNDLES = [{ out: 'vendor/jssip.mjs', entry: 'jssip', what: 'JsSIP' }];

/**
 * Bundle the call page's libraries into `web/vendor/`.
 * @param {{ web?: string }} [options] web: the web/ folder (default this checkout's)
 * @returns {Promise<{ file: string, bytes: number, what: string }[]>} what was written
 * @throws {Error} naming the package when it is not installed (scripts/setup.sh installs it)
 */
export async function buildVendor({ web = `${ROOT}web/` } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed (a devDependency: scripts/setup.sh installs it)');
  }
  await mkdir(`${web}vendor`, { recursive: true });
  const written = [];
  for (const b of BUNDLES) {
    let entry;
    try {
      entry = require.resolve(b.entry, { paths: [ROOT] });
    } catch {
      throw new Error(`${b.what} (npm package "${b.entry}") is not installed: scripts/setup.sh installs it`);
    }
    const file = `${web}${b.out}`;
    await esbuild.build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'eof',
      logLevel: 'silent',
    });
    written.push({ file, bytes: (await stat(file)).size, what: b.what });
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const w of await buildVendor()) console.log(`vendor: ${w.what} → ${w.file} (${w.bytes} bytes)`);
  } catch (e) {
    console.error(`vendor: ${/** @type {Error} */ (e).message}`);
    process.exit(1);
  }
}
