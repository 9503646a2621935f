// field-kit.mjs — shared by the field-resilience tests (tests/js/field-*.test.mjs and
// tests/browser/field.test.mjs): a tracker of what a registration did and when, and the per-
// scenario record (time to detect, time to recover, REGISTERs sent, bindings held at the end)
// written as one JSON file per scenario under tests/js/artifacts/field/ (git-ignored; several
// test files run at once, so no shared file is rewritten). tests/field-table.mjs turns them into
// the Markdown table of the README.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT, need } from './helpers.mjs';

export const FIELD_DIR = fileURLToPath(new URL('./artifacts/field/', import.meta.url));

/** @returns {Promise<any>} the npm package entry (node/index.mjs) */
export const loadSipreg = () => import(need(`${ROOT}node/index.mjs`, 'node package'));

/**
 * One scenario's numbers. null = not measured (the scenario has no such phase, or it failed
 * before): the table shows a dash.
 * @typedef {object} FieldRecord
 * @property {string} scenario   one line: what was done
 * @property {string} [expect]   the target, in words ("<= 60 s", "rejects, no retry", ...)
 * @property {number | null} [detectMs]   fault start -> the client noticed (flowdown, flowfailed, a
 *           rejected promise, ...)
 * @property {number | null} [recoverMs]  fault end (or start, when the client has to work around
 *           it) -> registered again
 * @property {number | null} [registers] REGISTERs sent during the scenario
 * @property {number | null} [bindings]  bindings of the AOR the registrar holds at the end
 * @property {string} [outcome]  e.g. "registered", "failed (403)"
 * @property {string} [notes]
 */

/**
 * Write (or overwrite) the record of scenario `id` (file name safe: [a-z0-9-]).
 * @param {string} id
 * @param {FieldRecord} rec
 */
export function recordField(id, rec) {
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`recordField: bad id ${id}`);
  mkdirSync(FIELD_DIR, { recursive: true });
  const out = { id, at: new Date().toISOString(), detectMs: null, recoverMs: null, registers: null, bindings: null, ...rec };
  writeFileSync(`${FIELD_DIR}${id}.json`, `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const EVENTS = ['registered', 'registrationfailed', 'retry', 'flowdown', 'flowfailed', 'redirect', 'statechange', 'unregistered'];

/**
 * @typedef {object} Logged
 * @property {number} at     Date.now()
 * @property {string} type   event type, or "out" / "in" for messages
 * @property {any} detail
 */

/**
 * Everything a registration does, time-stamped: every REGISTER it sends (with its Request-URI and
 * Supported header) and the events above.
 * @param {EventTarget & { info?: any }} reg
 */
export function track(reg) {
  /** @type {Logged[]} */
  const log = [];
  reg.addEventListener('message', (/** @type {any} */ e) => {
    log.push({ at: Date.now(), type: e.detail.direction === 'out' ? 'out' : 'in', detail: e.detail });
  });
  for (const type of EVENTS) reg.addEventListener(type, (/** @type {any} */ e) => log.push({ at: Date.now(), type, detail: e.detail }));
  const t = {
    log,
    /** @param {number} [since] @returns {Logged[]} REGISTERs sent at or after `since` */
    registers: (since = 0) => log.filter((l) => l.at >= since && l.type === 'out' && /^REGISTER /.test(l.detail.text)),
    /** @param {string} type @param {number} [since] @returns {Logged[]} */
    events: (type, since = 0) => log.filter((l) => l.at >= since && l.type === type),
    /** @param {string} type @param {number} [since] @returns {Logged | undefined} */
    first: (type, since = 0) => log.find((l) => l.at >= since && l.type === type),
    /**
     * The next `type` event at or after `since` (already logged, or still to come).
     * @param {string} type
     * @param {number} ms
     * @param {number} [since]
     * @returns {Promise<Logged>}
     */
    next(type, ms, since = Date.now()) {
      const seen = t.first(type, since);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reg.removeEventListener(type, on);
          reject(new Error(`no "${type}" within ${ms} ms (log: ${t.summary(since)})`));
        }, ms);
        function on() {
          clearTimeout(timer);
          reg.removeEventListener(type, on);
          resolve(/** @type {Logged} */ (log.findLast((l) => l.type === type)));
        }
        reg.addEventListener(type, on);
      });
    },
    /** @param {number} [since] one line of what happened since, for failure messages */
    summary(since = 0) {
      const t0 = log.find((l) => l.at >= since)?.at ?? since;
      return log
        .filter((l) => l.at >= since)
        .map((l) => {
          const what =
            l.type === 'out' || l.type === 'in'
              ? `${l.type}:${String(l.detail.text).split('\r\n')[0].slice(0, 40)}`
              : `${l.type}${l.detail?.reason ? `(${l.detail.reason})` : ''}${l.detail?.state ? `[${l.detail.state}]` : ''}`;
          return `+${l.at - t0}ms ${what}`;
        })
        .join(', ')
        .slice(0, 3000);
    },
  };
  return t;
}

/** Request-URI of a REGISTER text. @param {string} text */
export const requestUri = (text) => /^REGISTER (\S+) SIP\/2\.0/.exec(text)?.[1];
/** A header of a SIP message text (first occurrence). @param {string} text @param {string} name */
export const header = (text, name) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(text)?.[1];

/**
 * The flow failure code a RegistrationError carries (issue 11: the cause is on the error).
 * @param {any} e
 * @returns {string | undefined}
 */
export const causeCode = (e) => e?.cause?.code;

/**
 * Settle `p` within `ms` or say it did not: { ok, value | error, ms } (never throws, never hangs).
 * @template T
 * @param {Promise<T>} p
 * @param {number} ms
 */
export async function within(p, ms) {
  const t0 = Date.now();
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
  });
  const r = await Promise.race([
    p.then(
      (value) => ({ settled: true, ok: true, value }),
      (error) => ({ settled: true, ok: false, error }),
    ),
    timeout,
  ]);
  clearTimeout(timer);
  return { .../** @type {any} */ (r), ms: Date.now() - t0 };
}
