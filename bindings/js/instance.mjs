// instance.mjs — one stable instance-id per device and address-of-record (RFC 5626 §4.1: a
// restarted device must replace its own binding, not add one), kept in a Web Storage-like object
// (localStorage in browsers). No SIP here: a key, a "urn:uuid:" string, and storage errors.

/** @param {string} aor @returns {string} the storage key of an AOR's instance-id */
export const instanceKey = (aor) => `sipreg.instance:${aor}`;

/** @returns {string} a new instance-id ("urn:uuid:" + a random UUID, RFC 4122 version 4) */
export const newInstance = () => `urn:uuid:${globalThis.crypto.randomUUID()}`;

/**
 * The device's instance-id for `aor`: the stored one, or a new one that is stored. When the
 * storage fails (private mode, quota, disabled) it returns undefined: the registration then uses
 * a random instance-id for this run.
 * @param {string} aor
 * @param {{ getItem(k: string): string|null, setItem(k: string, v: string): void }} storage
 * @returns {string|undefined}
 */
export function storedInstance(aor, storage) {
  try {
    const key = instanceKey(aor);
    const kept = storage.getItem(key);
    if (kept && /^urn:uuid:[0-9a-f-]{36}$/i.test(kept)) return kept;
    const made = newInstance();
    storage.setItem(key, made);
    return made;
  } catch {
    return undefined;
  }
}
