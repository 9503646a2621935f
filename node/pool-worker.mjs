// pool-worker.mjs — one worker thread of a RegistrationPool with `workers` (worker-pool.mjs): its
// own wasm instance and RegistrationPool (flows, timer, pacing of its own). Commands arrive in
// batches of messages; replies, and the events the main thread listens to, go back in batches.
import { parentPort, workerData } from 'node:worker_threads';
import { RegistrationPool } from './index.mjs';

const pool = new RegistrationPool(workerData.options);
/** @type {import('./index.mjs').Registration[]} by local index */
const regs = [];
/** @type {Map<object, number>} local index by registration */
const index = new Map();
/** @type {object[]} messages waiting for the next flush */
let out = [];

/** @param {object} m queue a message to the main thread (sent after this turn's work) */
function post(m) {
  if (out.length === 0) setImmediate(flush);
  out.push(m);
}
function flush() {
  const batch = out;
  out = [];
  parentPort.postMessage(batch);
}

/**
 * A structured-clone-safe copy: functions left out, a registration as its local index, an Error
 * as its name, message and fields; `info` left out when `lean` (registerAll's many results).
 * @param {any} v @param {boolean} [lean] @param {number} [depth] @returns {any}
 */
function plain(v, lean = false, depth = 0) {
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v;
  if (depth > 8) return undefined;
  if (Array.isArray(v)) return v.map((x) => plain(x, lean, depth + 1));
  const i = index.get(v);
  if (i !== undefined) return { registration: i };
  const o = {};
  if (v instanceof Error) Object.assign(o, { name: v.name, message: v.message, error: true });
  for (const k of Object.keys(v)) {
    if (lean && k === 'info') continue;
    const x = plain(v[k], lean, depth + 1);
    if (x !== undefined) o[k] = x;
  }
  if (v instanceof Error && v.cause !== undefined) o.cause = plain(v.cause, lean, depth + 1);
  return o;
}

/** @param {number} id @param {Promise<any>|any} p reply to call `id` with its outcome */
async function reply(id, p, lean = false) {
  try {
    post({ id, ok: true, value: plain(await p, lean) });
  } catch (e) {
    post({ id, ok: false, value: plain(e) });
  }
}

/** @param {EventTarget} target @param {number} i @param {string} type forward its events */
function forward(target, i, type) {
  target.addEventListener(type, (ev) => post({ ev: type, i, detail: plain(ev.detail) }));
}

/** Registrations by state (the benchmark's check; nothing leaves the worker but the counts). */
function states() {
  const n = {};
  for (const r of regs) n[r.state] = (n[r.state] ?? 0) + 1;
  return n;
}

const GETTERS = new Set(['info', 'state', 'bindings', 'callId', 'memory', 'contact', 'requestKeys', 'flowUp']);
const COMMANDS = new Set(['register', 'unregister', 'fetch', 'setContacts', 'whenRegistered']);

parentPort.on('message', (batch) => {
  for (const m of batch) {
    switch (m.op) {
      case 'add':
        try {
          regs[m.i] = pool.add(m.options);
          index.set(regs[m.i], m.i);
        } catch (e) {
          regs[m.i] = null;
          post({ ev: 'error', i: m.i, detail: plain(e) });
        }
        break;
      case 'cmd': {
        const reg = regs[m.i];
        if (!reg || !COMMANDS.has(m.name)) reply(m.id, Promise.reject(new Error(`sipreg: no ${m.name} for registration ${m.i}`)));
        else reply(m.id, reg[m.name](...m.args));
        break;
      }
      case 'get': {
        const reg = regs[m.i];
        reply(m.id, reg && GETTERS.has(m.name) ? reg[m.name] : undefined);
        break;
      }
      case 'all':
        reply(m.id, m.name === 'registerAll' ? pool.registerAll() : pool.unregisterAll(m.options), true);
        break;
      case 'listen':
        if (m.i < 0) forward(pool, -1, m.type);
        else if (regs[m.i]) forward(regs[m.i], m.i, m.type);
        break;
      case 'closeReg':
        regs[m.i]?.close();
        break;
      case 'wake':
        pool.wake(m.options);
        break;
      case 'states':
        reply(m.id, states());
        break;
      case 'close':
        pool.close();
        reply(m.id, null);
        break;
      default:
        // a call is always answered: one this worker does not know rejects
        if (m.id !== undefined) reply(m.id, Promise.reject(new Error(`sipreg: no op ${m.op} in the pool worker`)));
    }
  }
});
parentPort.postMessage([{ ready: true }]);
