// instance-store.mjs — the `store` option of createRegistration: a JSON file keeping one
// instance-id per address-of-record, so that a restarted process replaces its own binding
// (RFC 5626 §4.1) instead of adding one. The file is created with mode 0600 and replaced
// atomically (written to a temporary file, then renamed).
import { readFileSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { newInstance } from './lib/instance.mjs';

/**
 * The instance-id of `aor` in the store file at `path`, made and saved when missing.
 * @param {string} path
 * @param {string} aor
 * @returns {string}
 * @throws {Error} naming the file when it cannot be read, parsed or written
 */
export function instanceFromStore(path, aor) {
  let kept = {};
  try {
    kept = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e.code !== 'ENOENT') throw new Error(`sipreg: the instance store ${path} cannot be used: ${e.message}`);
  }
  if (typeof kept !== 'object' || kept === null || Array.isArray(kept)) {
    throw new Error(`sipreg: the instance store ${path} is not a JSON object of AOR → instance`);
  }
  if (typeof kept[aor] === 'string' && kept[aor].startsWith('urn:')) return kept[aor];
  kept[aor] = newInstance();
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never written */
    }
    throw new Error(`sipreg: the instance store ${path} cannot be written: ${e.message}`);
  }
  return kept[aor];
}
