// worker-pool.cjs — RegistrationPool({ workers: n }) on Node: the registrations spread over n
// worker threads (pool-worker.mjs), each with its own wasm instance, flows and timer, so that
// two cores share the work. The app sees a pool of the same shape: add(), registrations,
// registerAll(), unregisterAll(), wake(), close(), its events, and per registration register(),
// unregister(), fetch(), setContacts(), whenRegistered(), close() and its events (forwarded with
// their detail once the app listens). What lives in a worker is read with `await reg.get(name)`
// (info, state, bindings, callId, ...): there are no synchronous getters across threads.

'use strict';
/**
 * @typedef {object} Lib the glue (node/lib/index.mjs): options tables and errors
 * @property {Record<string, any>} OPTIONS @property {Record<string, any>} POOL_OPTIONS
 * @property {Function} checkOptions @property {Function} configError
 * @property {Function} RegistrationError @property {Function} SipregError
 */

/** Pool options a worker cannot take (functions and classes do not cross threads). */
const LOCAL_ONLY = ['WebSocket', 'now', 'wall'];
/** Most workers a pool takes. */
const MAX_WORKERS = 64;

/**
 * An error from a worker as an Error again (its class when the glue has it).
 * @param {any} e @param {Lib} lib @returns {Error}
 */
function revive(e, lib) {
  if (!e || typeof e !== 'object') return new Error(String(e));
  const { name, message, error: _, cause, ...fields } = e;
  const err = new Error(message, cause === undefined ? undefined : { cause });
  const proto = { RegistrationError: lib.RegistrationError, SipregError: lib.SipregError }[name]?.prototype;
  if (proto) Object.setPrototypeOf(err, proto);
  err.name = name ?? 'Error';
  return Object.assign(err, fields);
}

/**
 * The settle functions of a call whose promise also rejects on `signal`'s abort (the work in the
 * worker goes on, as a signal does for a registration in this thread).
 * @param {AbortSignal|undefined} signal @returns {{promise: Promise<any>, settle: Function}}
 */
function call(signal) {
  let settle;
  const promise = new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    settle = (ok, v) => {
      signal?.removeEventListener('abort', onAbort);
      (ok ? resolve : reject)(v);
    };
  });
  return { promise, settle };
}

/** One registration of a worker pool, in this thread. */
class WorkerRegistration extends EventTarget {
  #pool;
  #heard = null;
  /** @param {WorkerPool} pool @param {number} index @param {string} aor */
  constructor(pool, index, aor) {
    super();
    this.#pool = pool;
    /** its place in pool.registrations */
    this.index = index;
    this.aor = aor;
  }
  /** @param {string} name @param {any[]} args @returns {Promise<any>} */
  #cmd(name, args, options) {
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    const { signal, ...rest } = options ?? {};
    return this.#pool._call(this.index, { op: 'cmd', name, args: [...args, rest] }, signal);
  }
  /** Register, or refresh now (see Registration#register). @param {{signal?: AbortSignal}} [options] */
  register(options) {
    return this.#cmd('register', [], options);
  }
  /** @param {{all?: boolean, signal?: AbortSignal}} [options] */
  unregister(options) {
    return this.#cmd('unregister', [], options);
  }
  /** @param {{signal?: AbortSignal}} [options] */
  fetch(options) {
    return this.#cmd('fetch', [], options);
  }
  /** @param {object[]} contacts @param {{signal?: AbortSignal}} [options] */
  setContacts(contacts, options) {
    return this.#cmd('setContacts', [contacts], options);
  }
  /** @param {{signal?: AbortSignal}} [options] */
  whenRegistered(options) {
    return this.#cmd('whenRegistered', [], options);
  }
  /**
   * A value of the registration in its worker: 'info', 'state', 'bindings', 'callId', 'memory',
   * 'contact', 'requestKeys' or 'flowUp'.
   * @param {string} name @returns {Promise<any>}
   */
  get(name) {
    return this.#pool._call(this.index, { op: 'get', name });
  }
  /** Release it in its worker (does not unregister). */
  close() {
    this.#pool._post(this.index, { op: 'closeReg' });
  }
  /** Events are forwarded from the worker once listened to. */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (!listener || this.#heard?.has(type)) return;
    (this.#heard ??= new Set()).add(type);
    this.#pool._post(this.index, { op: 'listen', type });
  }
}

/** A RegistrationPool whose registrations live in worker threads. */
class WorkerPool extends EventTarget {
  #lib;
  #workers;
  #calls = new Map();
  #nextId = 1;
  #heard = new Set();
  #addOptions;
  #max;

  /**
   * @param {object} options RegistrationPool options + workers (1..64): flows, rate and
   *   maxRegistrations are the pool's totals, split evenly over the workers (each at least 1 flow)
   * @param {Lib} lib
   */
  constructor(options, lib) {
    super();
    const { workers, ...rest } = options;
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
      throw lib.configError('workers', workers, `workers must be an integer from 1 to ${MAX_WORKERS} (worker threads), got ${workers}`);
    }
    for (const name of LOCAL_ONLY) {
      if (rest[name] !== undefined) throw lib.configError(name, rest[name], `${name} is not taken with workers (it cannot cross threads)`);
    }
    lib.checkOptions(rest, lib.POOL_OPTIONS, { what: 'RegistrationPool options' });
    this.#lib = lib;
    this.#addOptions = Object.fromEntries(Object.entries(lib.OPTIONS).filter(([name, o]) => !o.host && !lib.POOL_OPTIONS[name]));
    this.#max = rest.maxRegistrations ?? 100_000;
    this.maxRegistrations = this.#max;
    this.rate = rest.rate ?? 200;
    const each = {
      ...rest,
      flows: Math.max(1, Math.round((rest.flows ?? 1) / workers)),
      rate: this.rate / workers,
      maxRegistrations: Math.ceil(this.#max / workers),
    };
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const url = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'pool-worker.mjs'));
    this.#workers = Array.from({ length: workers }, (_, index) => {
      /** dead: why the worker ended (its error, or its exit), once it has */
      const w = { worker: new Worker(url, { workerData: { options: each } }), out: [], ready: null, dead: null };
      w.ready = new Promise((resolve, reject) => {
        // a worker that fails (to load, or later): said on the pool as an 'error' event
        w.worker.on('error', (e) => {
          this.#end(index, e);
          this.dispatchEvent(new CustomEvent('error', { detail: { code: 'worker', worker: index, message: e?.message } }));
        });
        // ended (its error, an exit of its own, or close()): what still waits on it rejects
        w.worker.on('exit', (code) => this.#end(index, new Error(`sipreg: pool worker ${index} exited (code ${code})`)));
        w.reject = reject;
        w.worker.on('message', (batch) => {
          for (const m of batch) if (m.ready) resolve();
          this.#receive(batch, index);
        });
      });
      w.ready.catch(() => {});
      return w;
    });
    /** @type {WorkerRegistration[]} */
    this.registrations = [];
    /** Settles once every worker has loaded its wasm and pool (commands wait for it anyway). */
    this.ready = Promise.all(this.#workers.map((w) => w.ready)).then(() => this);
  }

  /** @returns {number} worker threads */
  get workers() {
    return this.#workers.length;
  }

  /** Worker w has ended with `why`: its readiness and every call waiting on it reject with it. */
  #end(w, why) {
    const x = this.#workers?.[w] ?? null;
    if (x) x.dead ??= why;
    // (the constructor's workers array may not be assigned yet when a worker fails at once)
    const dead = x?.dead ?? why;
    x?.reject?.(dead);
    for (const [id, c] of this.#calls) {
      if (c.w !== w) continue;
      this.#calls.delete(id);
      c.settle(false, dead);
    }
  }

  /** @param {object[]} batch messages of worker w @param {number} w */
  #receive(batch, w) {
    for (const m of batch) {
      if (m.id !== undefined) {
        const c = this.#calls.get(m.id);
        this.#calls.delete(m.id);
        c?.settle(m.ok, m.ok ? m.value : revive(m.value, this.#lib));
      } else if (m.ev !== undefined) {
        const detail = this.#detail(m.detail, w);
        const target = m.i < 0 ? this : this.registrations[m.i * this.#workers.length + w];
        target?.dispatchEvent(new CustomEvent(m.ev, { detail }));
      }
    }
  }

  /** @param {any} d a detail from worker w: its registration index as the registration here */
  #detail(d, w) {
    if (d && typeof d === 'object' && typeof d.registration === 'object' && d.registration !== null) {
      d.registration = this.registrations[d.registration.registration * this.#workers.length + w] ?? null;
    }
    return d;
  }

  /** @param {number} w worker @param {object} m queue a message for it (sent at the end of this turn) */
  #send(w, m) {
    const x = this.#workers[w];
    if (x.out.length === 0) queueMicrotask(() => this.#flush(x));
    x.out.push(m);
  }
  #flush(x) {
    const batch = x.out;
    x.out = [];
    x.worker.postMessage(batch);
  }

  /** @internal a message about registration `index` to its worker */
  _post(index, m) {
    const n = this.#workers.length;
    this.#send(index % n, { ...m, i: Math.floor(index / n) });
  }

  /** @internal a call about registration `index` (-1: none) in worker w; resolves with its reply */
  _call(index, m, signal = undefined, w = index % this.#workers.length) {
    const dead = this.#workers[w].dead;
    if (dead) return Promise.reject(dead);
    const id = this.#nextId++;
    const c = call(signal);
    this.#calls.set(id, { settle: c.settle, w });
    const n = this.#workers.length;
    this.#send(w, { ...m, id, i: index < 0 ? -1 : Math.floor(index / n) });
    return c.promise;
  }

  /**
   * Add one registration (not yet registered); its options are checked here, the core's own
   * refusals (a configuration it rejects) reject its first command and fire 'error' on it.
   * @param {object} options createRegistration options without `server`
   * @returns {WorkerRegistration}
   */
  add(options) {
    const lib = this.#lib;
    for (const name of Object.keys(options ?? {})) {
      if (lib.POOL_OPTIONS[name]) throw lib.configError(name, options[name], `${name} is the pool's option, not add()'s`);
      if (typeof options[name] === 'function') throw lib.configError(name, options[name], `${name} cannot cross to a worker thread`);
    }
    lib.checkOptions(options, this.#addOptions, { what: 'pool.add options' });
    if (this.registrations.length >= this.#max) {
      throw new RangeError(`sipreg: the pool is full (${this.#max} registrations; raise maxRegistrations)`);
    }
    const reg = new WorkerRegistration(this, this.registrations.length, options.aor);
    this.registrations.push(reg);
    this._post(reg.index, { op: 'add', options });
    return reg;
  }

  /** @param {'registerAll'|'unregisterAll'} name @param {object} [options] settled results in order */
  async #all(name, options) {
    const n = this.#workers.length;
    const parts = await Promise.all(this.#workers.map((_, w) => this._call(-1, { op: 'all', name, options }, undefined, w)));
    const out = new Array(this.registrations.length);
    parts.forEach((list, w) => {
      list.forEach((r, j) => {
        out[j * n + w] = r.status === 'fulfilled' ? r : { status: 'rejected', reason: revive(r.reason, this.#lib) };
      });
    });
    return out;
  }

  /** Register every registration, paced (each worker at rate / workers). Results without `info`. */
  registerAll() {
    return this.#all('registerAll');
  }

  /** Unregister every registration, paced. @param {{all?: boolean}} [options] */
  unregisterAll(options) {
    return this.#all('unregisterAll', options);
  }

  /** Registrations by state, over every worker. @returns {Promise<Record<string, number>>} */
  async states() {
    const parts = await Promise.all(this.#workers.map((_, w) => this._call(-1, { op: 'states' }, undefined, w)));
    const n = {};
    for (const p of parts) for (const [k, v] of Object.entries(p)) n[k] = (n[k] ?? 0) + v;
    return n;
  }

  /** Wake every registration in every worker (see RegistrationPool#wake). */
  wake(options = {}) {
    for (let w = 0; w < this.#workers.length; w++) this.#send(w, { op: 'wake', options });
  }

  /** Pool events ('request', 'response', 'unrouted', 'flowdown') forwarded once listened to. */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (!listener || this.#heard.has(type)) return;
    this.#heard.add(type);
    for (let w = 0; w < this.#workers.length; w++) this.#send(w, { op: 'listen', type, i: -1 });
  }

  /** Close every registration and flow (no unregister), then end the workers. */
  async close() {
    await Promise.all(
      this.#workers.map(async (x, w) => {
        try {
          await x.ready.catch(() => {}); // a worker that never came up is ended all the same
          if (!x.dead) await this._call(-1, { op: 'close' }, undefined, w);
        } finally {
          await x.worker.terminate();
        }
      }),
    );
  }
}

// CommonJS, required by the RegistrationPool constructor on first use (a synchronous load): the
// package entry does not pay for it at import (a static import cost ~0.8 ms of cold start, issue 15)
module.exports = { WorkerPool, WorkerRegistration };
