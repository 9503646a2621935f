// registration.mjs — one registration: an EventTarget whose promises settle on outcomes. Every
// decision is the core's; this file moves strings and events. Its host (flow-host.mjs) holds the
// flow and the timer.
import {
  CALL_OPTIONS,
  CONTACT,
  UNREGISTER_OPTIONS,
  checkOptions,
  coreProblem,
  coreSettings,
  configError,
  pathOfKey,
  show,
} from './options.mjs';
import { TRANSPORTS, RECV_REQUEST as REQUEST, RECV_STALE as STALE } from './constants.mjs';

/** Flow kinds → the core's transport numbers (enum sipreg_transport, generated constants). */
const KINDS = TRANSPORTS;
/** Core event type → DOM event name. */
const EVENTS = {
  statechange: 'statechange',
  registered: 'registered',
  unregistered: 'unregistered',
  failed: 'registrationfailed',
  retry: 'retry',
  expiring: 'expiring',
  lapsed: 'lapsed',
  bindings: 'bindings',
  nobinding: 'nobinding',
  flowfailed: 'flowfailed',
  redirect: 'redirect',
  liveness: 'liveness',
};
/** Core events the glue reads even when nobody listens: they act, or settle a promise. */
const ACTING = ['connect', 'flowfailed', 'ping', 'registered', 'unregistered', 'failed'];
/** ... and 'bindings' while a fetch() waits (it settles on them; every grant reports bindings,
 * which nobody reads otherwise: a pool's thousands are dropped unread by the core) */
const FETCHED = 'bindings';
/** @type {WeakMap<object, number>} each core's mask of the ACTING events */
const ACTING_BITS = new WeakMap();

/** @param {any} core @returns {number} the eventBits of ACTING, found once per core */
function actingBits(core) {
  let bits = ACTING_BITS.get(core);
  if (bits === undefined) {
    bits = 0;
    for (const t of ACTING) bits |= core.eventBits.get(t) ?? 0;
    ACTING_BITS.set(core, bits);
  }
  return bits;
}
/** Shared empty collections: a registration makes its own on first use (memory per registration). */
const NO_PENDING = new Map();
const NO_LISTENERS = new Set();
const NO_WAITERS = new Set();
/** The core calls of register() and fetch() (one function each, not a closure per call). */
const DO_REGISTER = (core, h, now) => core.register(h, now);
const DO_FETCH = (core, h, now) => core.fetch(h, now);
/** Core error code meaning "a response that is not the core's" (the app's own transactions). */
const NOT_OURS = 'SIPREG_E_ASYMMETRIC';

/**
 * Extra header lines from a string ("Name: value" lines ending in CRLF) or an object.
 * @param {string|Record<string, string|number>|undefined} h @returns {string}
 */
function headerLines(h) {
  if (h === undefined || h === null) return '';
  if (typeof h === 'string') return h;
  return Object.entries(h)
    .map(([n, v]) => `${n}: ${v}\r\n`)
    .join('');
}

/**
 * Core settings and contacts from user options.
 * @param {object} o options of createRegistration
 * @param {'ws'|'wss'|string} kind transport kind
 * @returns {{settings: Record<string, string|number|boolean>, contacts: object[]}}
 */
export function toSettings(o, kind) {
  const settings = coreSettings(o, { transport: o.transport ?? kind });
  if (o.extraHeaders !== undefined) {
    settings['extra-headers'] =
      typeof o.extraHeaders === 'string'
        ? o.extraHeaders
        : Object.entries(o.extraHeaders)
            .map(([n, v]) => `${n}: ${v}\r\n`)
            .join('');
  }
  return { settings, contacts: o.contacts ?? [] };
}

/** Seeds drawn from the CSPRNG 64 at a time (one call costs ~30 µs on Node: a pool's add()). */
let seeds = new Uint8Array(0);
let seedAt = 0;

/**
 * 32 bytes from the platform's CSPRNG, never handed out twice: a view into the batch, which
 * the caller zeroes (fill(0)) once the core has copied it (no 32-byte buffer per registration).
 * @returns {Uint8Array}
 */
export function randomSeed() {
  if (seedAt >= seeds.length) {
    seeds = globalThis.crypto.getRandomValues(new Uint8Array(32 * 64));
    seedAt = 0;
  }
  seedAt += 32;
  return seeds.subarray(seedAt - 32, seedAt);
}

/**
 * What a failure event says in words: the status and its text, what a 2xx lacked, or the flow's
 * failure with its cause.
 * @param {object} d the "registrationfailed" detail
 * @param {{code: string, message: string}|null} cause the last flow failure
 * @param {string} [url] where the flow goes
 */
function failureWords(d, cause, url) {
  if (d.reason === 'no-binding') return `${d.status ?? ''} ${d.text ?? ''} did not list our binding`.replace(/^ +/, '');
  if (d.status) return `${d.status} ${d.text ?? ''}`.trim();
  if (cause) {
    const why = cause.code === 'http-status' ? `HTTP ${cause.status}` : cause.code === 'tls' ? `tls ${cause.tls}` : cause.code;
    return `no flow to ${url ?? 'the server'} (${why})`;
  }
  return d.reason;
}

/**
 * A failure as an Error carrying the event's fields; `cause` is the last flow failure
 * ({ code, message, ... }, see websocket-flow.mjs) when the attempt failed for want of a flow.
 */
export class RegistrationError extends Error {
  /**
   * @param {object} detail the "registrationfailed" event detail (its `cause`: the flow failure)
   * @param {string} [url] the flow's address
   */
  constructor(detail, url = undefined) {
    const flow = detail.cause ?? null;
    const words = failureWords(detail, flow, url);
    super(`sipreg: ${detail.op} failed: ${words}${detail.error ? ` (${detail.message})` : ''}`, flow ? { cause: flow } : undefined);
    this.name = 'RegistrationError';
    const { message, cause: _, ...fields } = detail; // keep Error#message: the sentence above
    Object.assign(this, fields);
    this.description = message;
  }
}

/**
 * A waiting promise's settle functions that also settle on the signal's abort.
 * @param {Function} resolve @param {Function} reject @param {AbortSignal|undefined} signal
 * @param {(w: object) => void} forget drops the entry from where it waits, on abort
 * @returns {{resolve: Function, reject: Function}}
 */
function abortable(resolve, reject, signal, forget) {
  if (!signal) return { resolve, reject };
  const onAbort = () => {
    forget(w);
    reject(signal.reason);
  };
  const done = (f) => (v) => {
    signal.removeEventListener('abort', onAbort);
    f(v);
  };
  const w = { resolve: done(resolve), reject: done(reject) };
  signal.addEventListener('abort', onAbort, { once: true });
  return w;
}

/**
 * The core's configuration of these settings and contacts; a setting or contact the core refuses
 * here (a limit) is named by its option.
 * @param {any} core @param {object} settings @param {object[]} contacts @param {object} options
 * @param {Uint8Array} [seed] @returns {number}
 */
function buildConfig(core, settings, contacts, options, seed) {
  try {
    return core.buildConfig(settings, contacts, seed);
  } catch (e) {
    if (e.code !== 'SIPREG_E_CONFIG' && e.code !== 'SIPREG_E_LIMIT') throw e;
    if (e.contact !== undefined || e.key === undefined) {
      throw configError('contacts', options.contacts, `contacts has ${contacts.length} entries, more than the core takes (${e.message})`);
    }
    throw refusalOfKey(e);
  }
}

/** @param {any} e a refusal of one core setting ({ key, value }) */
function refusalOfKey(e) {
  const option = pathOfKey(e.key)?.[0] ?? e.key;
  return configError(option, e.value, `${option} was refused by the core (${e.key}), got ${show(e.value)}`, { key: e.key });
}

/**
 * A configuration the core refused, as the option it is about.
 * @param {any} core @param {any} e the core's error @param {number} cfg @param {object} options
 */
function refusal(core, e, cfg, options) {
  const problem = core.configProblem?.(cfg);
  return problem ? coreProblem(problem, options) : e;
}

/** The error of promises a close() ends. */
function closedError() {
  return Object.assign(new Error('sipreg: registration closed'), { code: 'closed' });
}

/**
 * The host a registration runs in: where messages go, who connects, what time it is.
 * @typedef {object} Host
 * @property {(text: string) => boolean} send hand one message to the flow
 * @property {(kind?: 'tcp') => void} connect the core wants a flow ('tcp': a stream flow)
 * @property {(why: string) => void} fail the core found the flow dead or replaced it: drop it
 * @property {() => boolean} [ping] send a transport-level ping (its pong: Registration#pong)
 * @property {string} [url] where the flow goes (named in errors)
 * @property {{code: string, message: string}|null} [cause] the flow's last failure
 * @property {boolean} flowUp whether the flow is up now
 * @property {() => number} now monotonic ms
 * @property {() => number} wall Unix ms
 * @property {(reg: Registration, deadline: number) => void} arm run reg.wake() at deadline (-1: never)
 * @property {(reg: Registration) => void} [closed] the registration closed (close())
 * @property {any} [flow] the flow (Registration#flow)
 * @property {string} [kind] the flow's kind ('ws', 'udp', ...)
 * @property {object|null} [target] where the flow goes (hosts with flows of their own)
 * @property {(detail: object) => boolean} [request] a request no listener of the registration
 *   took: the host's own listeners (a pool's 'request'); true when one took it
 * @property {(detail: object) => void} [response] a response that is not the core's (a pool's)
 * @property {(reg: Registration) => void} [registered] the registration's bindings were granted
 */

/** One registration of one address-of-record. */
export class Registration extends EventTarget {
  #core;
  #h;
  #host;
  #pending = NO_PENDING;
  #closed = false;
  #heard = NO_LISTENERS;
  #callId;
  /** @type {Set<{resolve: Function, reject: Function}>} whenRegistered() waiters (own Set on first use) */
  #waiters = NO_WAITERS;
  /** the core events read: those that act (connect, flowfailed) or settle, and any listened to */
  #wanted = 0;

  /**
   * @param {import('./core.mjs').Core} core
   * @param {object} options see README ("Options")
   * @param {Host} host
   */
  constructor(core, options, host) {
    super();
    if (options?.aor === undefined)
      throw configError('aor', undefined, 'aor is required: the address-of-record, e.g. sip:alice@example.com');
    const { settings, contacts } = toSettings(options, host.kind ?? 'ws');
    const seed = options.seed ?? randomSeed();
    let cfg;
    try {
      cfg = buildConfig(core, settings, contacts, options, seed);
    } finally {
      if (seed !== options.seed) seed.fill(0); // ours: copied into the core, gone from here
    }
    try {
      try {
        this.#h = core.newRegistration(cfg, options.state ?? undefined);
      } catch (e) {
        // a refused configuration: the core's sentence, mapped to the option it is about
        if (e.code === 'SIPREG_E_CONFIG') throw refusal(core, e, cfg, options);
        if (options.state === undefined || options.state === null || e.code === undefined) throw e;
        // a corrupt, foreign or old blob: say so, and start a fresh registration
        this.stateError = e;
        this.#h = core.newRegistration(cfg);
        // after the caller had a chance to listen (createRegistration resolves first)
        setTimeout(() => this.dispatchEvent(new CustomEvent('error', { detail: { code: e.code, message: e.message } })), 0);
      }
    } finally {
      core.freeConfig(cfg);
    }
    this.#core = core;
    this.#wanted = actingBits(core);
    this.#host = host;
    this.aor = options.aor;
    core.wallclock(this.#h, host.wall(), host.now());
    if (host.flowUp) core.transport(this.#h, true, host.now());
  }

  /** @returns {boolean} whether the flow this registration goes over is up now */
  get flowUp() {
    return !!this.#host.flowUp;
  }

  /**
   * Our first contact as the core sends it, in parts (the core's URI parser): what a call stack
   * on this flow puts in its own requests so that requests reach it here.
   * @returns {{uri: string, user: string, host: string, port: number|null, params: string,
   *   transport: string|null, instance: string|null}|null}
   */
  get contact() {
    return this.#closed ? null : this.#core.contact(this.#h);
  }

  /** @returns {string[]} the routing keys of requests for this registration (a pool's map) */
  get requestKeys() {
    return this.#closed ? [] : this.#core.requestKeys(this.#h);
  }

  /**
   * Hand the app's own request or response to this registration's flow as it is.
   * @param {string} text a whole message
   * @returns {boolean} false when the flow is down (nothing was sent)
   */
  send(text) {
    if (this.#closed || !this.#host.flowUp || typeof text !== 'string') return false;
    if (this.#host.send(text) === false) return false;
    if (this.#heard.has('message')) this.dispatchEvent(new CustomEvent('message', { detail: { direction: 'out', text } }));
    return true;
  }

  /** @returns {any} the flow this registration goes over (shared by a pool's members), or null */
  get flow() {
    return this.#host.flow ?? null;
  }

  /** @returns {string} the core's state name */
  get state() {
    return this.info.state;
  }

  /** @returns {object} the snapshot: state, times (Unix ms), bindings, skew, routes */
  get info() {
    const info = this.#core.info(this.#h);
    const off = this.#host.wall() - this.#host.now();
    const wall = (o) => {
      for (const k of Object.keys(o)) if (k.endsWith('At') && typeof o[k] === 'number') o[k] += off;
    };
    wall(info);
    info.bindings.forEach(wall);
    // where the flow goes (hosts with flows of their own: transport, host, port, address)
    if (this.#host.target !== undefined) info.target = this.#host.target;
    return info;
  }

  /** @returns {object[]} the binding view (ours and other devices') */
  get bindings() {
    return this.info.bindings;
  }

  /** @returns {string} the Call-ID (routing key; constant for a registration, RFC 3261 §10.2) */
  get callId() {
    // flat: a short string read char by char is a chain of cons strings (~350 bytes kept per
    // registration); charCodeAt flattens it in place, the chain becomes garbage
    if (this.#callId === undefined) (this.#callId = this.#core.callId(this.#h)).charCodeAt(0);
    return this.#callId;
  }

  /** @returns {number} bytes of wasm memory this registration holds */
  get memory() {
    return this.#core.memory(this.#h);
  }

  /**
   * Register, or refresh now. Resolves when registered; rejects with the attempt's failure (a
   * RegistrationError; `cause` names the flow failure). The core keeps retrying after a
   * transient failure: whenRegistered() waits for that.
   * @param {{signal?: AbortSignal}} [options] an abort rejects this promise with signal.reason
   *   (see #command: the registration goes on as it is)
   */
  register(options) {
    return this.#command('register', options, CALL_OPTIONS, DO_REGISTER);
  }

  /**
   * Remove our bindings, or every binding of the AOR with { all: true }.
   * @param {{all?: boolean, signal?: AbortSignal}} [options]
   */
  unregister(options) {
    const all = options?.all === true;
    return this.#command(all ? 'unregister-all' : 'unregister', options, UNREGISTER_OPTIONS, (core, h, now) =>
      core.unregister(h, all, now),
    );
  }

  /**
   * List the registrar's bindings (a request without contacts). Resolves with them.
   * @param {{signal?: AbortSignal}} [options]
   */
  fetch(options) {
    return this.#command('fetch', options, CALL_OPTIONS, DO_FETCH);
  }

  /**
   * Replace our contacts; when registered, old and new go in one request (atomic swap).
   * A contact list that is wrong rejects with a SipregError naming `contacts[i].<field>`.
   * @param {{uri?: string, expires?: number, q?: number}[]} contacts
   * @param {{signal?: AbortSignal}} [options]
   */
  setContacts(contacts, options) {
    let cfg = 0;
    try {
      checkOptions({ contacts }, { contacts: { type: 'list', fields: CONTACT, doc: 'our contacts' } });
      // the AOR too: the core's check of a configuration reaches the contacts after it
      cfg = buildConfig(this.#core, { aor: this.aor }, contacts, { contacts });
      const problem = this.#core.configProblem?.(cfg);
      if (problem) throw coreProblem(problem, { contacts });
    } catch (e) {
      if (cfg) this.#core.freeConfig(cfg);
      return Promise.reject(e);
    }
    try {
      return this.#command('register', options, CALL_OPTIONS, (core, h, now) => core.setContacts(h, cfg, now), cfg);
    } finally {
      this.#core.freeConfig(cfg);
    }
  }

  /**
   * Save what a reload needs (Call-ID, CSeq, contacts, instance, GRUUs, cached nonce; never the
   * password) as an opaque string; pass it back as `createRegistration({ state })`.
   * @returns {string}
   */
  export() {
    return this.#core.exportState(this.#h);
  }

  /**
   * Resolve once registered: at once when registered now, else at the next "registered", waiting
   * through retries and back-off. Does not start anything: call register() too.
   * Rejects (RegistrationError) when the registration stops for good (state "failed": a refusal
   * the failure table calls terminal, rejected credentials) - at once, with code "stopped", when
   * it is in that state already - with an Error of code "closed" on close(), and with
   * `signal.reason` when the signal aborts.
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<object>} the "registered" detail
   */
  whenRegistered(options) {
    if (this.#closed) return Promise.reject(closedError());
    try {
      checkOptions(options, CALL_OPTIONS, { what: 'whenRegistered options' });
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const info = this.info;
    if (info.state === 'registered' || info.state === 'refreshing') {
      return Promise.resolve({
        type: 'registered',
        state: info.state,
        reason: 'ok',
        op: 'register',
        at: info.refreshAt,
        granted: info.granted,
        info,
      });
    }
    if (info.state === 'failed') {
      // stopped for good already (register() starts it again)
      return Promise.reject(
        Object.assign(new Error('sipreg: the registration has stopped (state failed); call register() to try again'), {
          code: 'stopped',
          lastStatus: info.lastStatus,
        }),
      );
    }
    if (this.#waiters === NO_WAITERS) this.#waiters = new Set();
    return new Promise((resolve, reject) => this.#waiters.add(abortable(resolve, reject, signal, (w) => this.#waiters.delete(w))));
  }

  /**
   * Let the core act on its deadlines now (timer fired, tab visible again, back online).
   * With `network: true` the host's network changed (new address, back online): the core forgets
   * its failure count, replaces the flow and makes one attempt at once.
   * @param {{network?: boolean}} [options]
   */
  wake({ network = false } = {}) {
    if (this.#closed) return;
    const core = this.#core;
    core.wallclock(this.#h, this.#host.wall(), this.#host.now());
    if (network) core.network(this.#h, this.#host.now());
    core.timeout(this.#h, this.#host.now());
    this.#pump();
  }

  /** Release the core's memory (does not unregister; call unregister() first for that). Every
   * pending promise rejects with an Error of code "closed". */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.arm(this, -1);
    this.#host.closed?.(this);
    this.#core.freeRegistration(this.#h);
    const pending = [...this.#pending.values()].flat();
    this.#pending = NO_PENDING;
    for (const p of pending) p.reject(closedError());
    const waiters = [...this.#waiters];
    this.#waiters = NO_WAITERS;
    for (const w of waiters) w.reject(closedError());
  }

  /** The flow's transport-level ping was answered (the core asked for it with a 'ping' event). */
  pong() {
    if (this.#closed) return;
    this.#core.pong(this.#h, this.#host.now());
    this.#pump();
  }

  /**
   * The flow coming up: its kind and local address (call before transport(true)). The core takes
   * them for the messages it writes; a WebSocket flow has no address of its own (local null).
   * @param {'udp'|'tcp'|'tls'|'ws'|'wss'} kind
   * @param {{address: string, port: number}|null} [local]
   * @param {boolean} [pump] false: the caller calls transport(true) next, whose pump moves the
   *   core's output (setFlow queues no message or event; a pool's flow-up: one pump per member)
   */
  setFlow(kind, local = null, pump = true) {
    if (this.#closed) return;
    const t = KINDS[kind];
    if (!t) throw new TypeError(`sipreg: unknown flow kind ${kind}`);
    this.#core.setFlow(this.#h, t, local?.address ?? null, local?.port ?? 0, this.#host.now(), { kind, local });
    if (pump) this.#pump();
  }

  /**
   * Where the flow sends: a group ({ group, ttl }: the core names it in what it writes), or one
   * server (null).
   * @param {{group: string, ttl: number} | null} multicast
   */
  setMulticast(multicast) {
    if (this.#closed) return;
    this.#core.setMulticast(this.#h, multicast?.group ?? null, multicast?.ttl ?? 1, { multicast });
  }

  /** @param {boolean} up the flow went up or down */
  transport(up) {
    if (this.#closed) return;
    this.#core.transport(this.#h, up, this.#host.now());
    this.#pump();
  }

  /**
   * Feed a received message: the core's own, a request (the 'request' event, then the core's
   * answer unless a listener took it), or a response of the app's ('response' event).
   * @param {string} text
   * @param {boolean} [stray] a pool's request for none of its members (answered by this one)
   * @returns {boolean} whether it was the core's or a request (not a foreign response or bad input)
   */
  receive(text, stray = false) {
    if (this.#closed) return false;
    const core = this.#core;
    const r = core.recv(this.#h, text, this.#host.now());
    const err = r < 0 ? core.error(r) : null;
    if (this.#heard.has('message')) {
      const result = err ? err.code : r === REQUEST ? 'request' : r === STALE ? 'stale' : 'ok';
      this.dispatchEvent(new CustomEvent('message', { detail: { direction: 'in', text, result } }));
    }
    if (r === REQUEST) this.#request(text, stray);
    else if (err?.code === NOT_OURS) this.#response(text);
    else if (err) this.dispatchEvent(new CustomEvent('error', { detail: { code: err.code, message: err.message, text } }));
    this.#pump();
    return r >= 0;
  }

  /**
   * Feed a received datagram that is bytes, not text (a keep-alive's answer: the core's own).
   * Anything else the core refuses is an 'error' event (with the bytes).
   * @param {Uint8Array} bytes
   * @returns {boolean} whether the core took it
   */
  receiveBytes(bytes) {
    if (this.#closed) return false;
    const core = this.#core;
    const r = core.recvBytes(this.#h, bytes, this.#host.now());
    const err = r < 0 ? core.error(r) : null;
    if (this.#heard.has('message')) {
      const result = err ? err.code : r === STALE ? 'stale' : 'ok';
      this.dispatchEvent(new CustomEvent('message', { detail: { direction: 'in', text: '', bytes, result } }));
    }
    if (err) this.dispatchEvent(new CustomEvent('error', { detail: { code: err.code, message: err.message, bytes } }));
    this.#pump();
    return r >= 0;
  }

  /**
   * A request arrived on the flow: the 'request' event (on this registration, then on the host: a
   * pool's), and the core's answer by its table when no listener took it. `stray`: a pool's
   * request for none of its members, answered by this one (detail.registration null).
   * @param {string} text @param {boolean} stray
   */
  #request(text, stray) {
    const core = this.#core;
    const { answer, method } = core.requestAnswer(this.#h, text);
    let responded = false,
      message;
    const self = this;
    const detail = {
      method,
      text,
      answer,
      registration: stray ? null : this,
      get message() {
        return (message ??= core.parse(text));
      },
      respond(status = 0, reason = undefined, headers = undefined) {
        responded = true;
        return self.#respond(text, status, reason, headers);
      },
    };
    let taken = false;
    if (!stray) {
      const ev = new CustomEvent('request', { detail, cancelable: true });
      this.dispatchEvent(ev);
      taken = ev.defaultPrevented;
    }
    if (!taken && !responded && this.#host.request) taken = this.#host.request(detail);
    if (!taken && !responded && answer > 0) this.#respond(text, 0);
  }

  /**
   * Queue a response to a request of the flow and send it (the core composes it).
   * @param {string} text the request @param {number} status 0: the core's table
   * @param {string} [reason] @param {string|Record<string, string|number>} [headers]
   * @returns {number} the status sent, 0 when none is due (an ACK) or the flow is down (a
   *   response goes back on the flow its request came on, RFC 3261 §18.2.2)
   */
  #respond(text, status, reason, headers) {
    if (!Number.isInteger(status) || (status !== 0 && (status < 100 || status > 699))) {
      throw configError('status', status, `status must be 100..699 (or 0: the core's answer), got ${show(status)}`);
    }
    if (reason !== undefined && reason !== null && (typeof reason !== 'string' || /[\r\n]/.test(reason))) {
      throw configError('reason', reason, `reason must be one line of text, got ${show(reason)}`);
    }
    const lines = headerLines(headers);
    if (this.#closed || !this.#host.flowUp) return 0;
    let r;
    try {
      r = this.#core.respond(this.#h, text, status, reason ?? '', lines);
    } catch (e) {
      if (e.code !== 'SIPREG_E_INVAL') throw e;
      throw configError(
        'headers',
        headers,
        `headers must be "Name: value" lines ending in CRLF that leave out what the core copies from the request (its routing, dialog and sequence headers) and the body length, got ${show(headers)}`,
      );
    }
    this.#pump();
    return r;
  }

  /** A response that is not the core's (SIPREG_E_ASYMMETRIC): the app's own transaction. */
  #response(text) {
    let message;
    const core = this.#core;
    const detail = {
      text,
      registration: this,
      get message() {
        return (message ??= core.parse(text));
      },
    };
    this.dispatchEvent(new CustomEvent('response', { detail }));
    this.#host.response?.(detail);
  }

  /** @returns {number} the core's next deadline (monotonic ms) or -1 */
  deadline() {
    return this.#closed ? -1 : this.#core.deadline(this.#h);
  }

  /**
   * Run a command and return the promise of its outcome. Each call has its own promise; the
   * calls of one op waiting together settle together on that op's next outcome (the core queues
   * commands: a fetch during back-off runs after it). A command the core refuses at once rejects
   * only its own promise.
   *
   * A signal already aborted rejects at once and nothing is asked of the core. An abort later
   * rejects this call's promise with signal.reason and nothing else: the core has no "cancel"
   * (a request on the wire is answered, a back-off runs its course), so the registration goes on
   * as if the call had been made without a signal — its outcome still fires events and moves
   * the state. To stop a registration, unregister() or close() it.
   */
  #command(op, options, table, call, cfg = 0) {
    if (this.#closed) return Promise.reject(closedError());
    try {
      // none given (a pool's register()): nothing to check (no command option is required)
      if (options !== undefined) checkOptions(options, table, { what: `${op} options` });
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let entry;
    const promise = new Promise((resolve, reject) => {
      // without a signal nothing aborts: no closure to drop the entry (a pool's thousands)
      entry = !signal
        ? { resolve, reject }
        : abortable(resolve, reject, signal, (w) => {
            const list = this.#pending.get(op);
            const i = list ? list.indexOf(w) : -1;
            if (i >= 0) list.splice(i, 1);
            if (list && !list.length) this.#forget(op);
          });
    });
    const r = call(this.#core, this.#h, this.#host.now());
    if (r < 0) {
      const e = this.#core.error(r);
      entry.reject(cfg ? this.#core.configError(e, cfg) : e);
      return promise;
    }
    if (this.#pending === NO_PENDING) this.#pending = new Map();
    const list = this.#pending.get(op);
    if (list) list.push(entry);
    else this.#pending.set(op, [entry]);
    this.#pump();
    return promise;
  }

  /** Settle the promises of `op`. */
  #settle(op, ok, value) {
    const list = this.#pending.get(op);
    if (!list) return;
    this.#forget(op);
    for (const p of list)
      if (ok) p.resolve(value);
      else p.reject(value);
  }

  /** @param {string} op no promise of `op` waits now (no Map kept when none waits at all) */
  #forget(op) {
    this.#pending.delete(op);
    if (this.#pending.size === 0) this.#pending = NO_PENDING;
  }

  /** Settle whenRegistered() waiters: resolve on registered, reject when stopped for good. */
  #wake(ok, value) {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters = NO_WAITERS;
    for (const w of waiters)
      if (ok) w.resolve(value);
      else w.reject(value);
  }

  /** Move the core's output out: messages to the flow, events to listeners, the deadline to the timer. */
  #pump() {
    if (this.#closed) return;
    const core = this.#core;
    const sends = core.drainSends(this.#h);
    if (sends.length) {
      const tell = this.#heard.has('message');
      for (let i = 0; i < sends.length; i++) {
        const m = sends[i];
        this.#host.send(m);
        // bytes (a keep-alive the core marks so) are no text: the event carries them as they are
        if (tell)
          this.dispatchEvent(
            new CustomEvent('message', {
              detail: typeof m === 'string' ? { direction: 'out', text: m } : { direction: 'out', text: '', bytes: m },
            }),
          );
      }
    }
    const wanted = this.#pending.has('fetch') ? this.#wanted | (core.eventBits.get(FETCHED) ?? 0) : this.#wanted;
    const events = core.drainEvents(this.#h, wanted);
    if (events.length) {
      // the snapshot as of these events, taken once, and only when someone will see it: now for
      // listeners (they read it at once), on first read for a promise's value (`info` getter)
      let heard = false;
      for (let i = 0; i < events.length && !heard; i++) heard = this.#heard.has(EVENTS[events[i].type]);
      const info = heard ? this.info : null;
      for (let i = 0; i < events.length; i++) this.#dispatch(events[i], info);
    }
    this.#host.arm(this, this.deadline());
  }

  /** @param {object} ev @returns {boolean} whether the event settles a pending promise */
  #settles(ev) {
    switch (ev.type) {
      case 'registered':
        return this.#pending.has('register') || this.#waiters.size > 0;
      case 'unregistered':
        return this.#pending.has(ev.op);
      case 'failed':
        return this.#pending.has(ev.op) || (ev.state === 'failed' && this.#waiters.size > 0);
      case 'bindings':
        return ev.op === 'fetch' && this.#pending.has('fetch');
      default:
        return false;
    }
  }

  /** @param {string} type @returns {boolean} whether it ever had a listener (a host builds no event nobody hears) */
  hears(type) {
    return this.#heard.has(type);
  }

  /** Remember which events have listeners (events nobody listens to are not built). */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (!listener) return;
    if (this.#heard === NO_LISTENERS) this.#heard = new Set();
    this.#heard.add(type);
    for (const [core, dom] of Object.entries(EVENTS)) if (dom === type) this.#wanted |= this.#core.eventBits.get(core) ?? 0;
  }

  /** Dispatch one core event and settle promises it decides. */
  #dispatch(ev, info) {
    if (ev.type === 'connect') {
      // transport: the kind of flow the core needs ('tcp' for a large message), null = any
      this.#host.connect(ev.transport ?? undefined);
      return;
    }
    if (ev.type === 'ping') {
      this.#host.ping?.();
      return;
    }
    if (ev.type === 'flowfailed') queueMicrotask(() => this.#host.fail(ev.reason));
    if (ev.type === 'registered') this.#host.registered?.(this); // GRUUs: new routing keys
    const name = EVENTS[ev.type];
    if (!this.#heard.has(name) && !this.#settles(ev)) return;
    const off = this.#host.wall() - this.#host.now();
    let snap = info;
    const self = this;
    // info: taken now for listeners, else on first read (a getter in the literal keeps the
    // object's fast shape, unlike defineProperty)
    const detail =
      info === null
        ? {
            ...ev,
            at: ev.at === null ? null : ev.at + off,
            get info() {
              return (snap ??= self.info);
            },
          }
        : { ...ev, at: ev.at === null ? null : ev.at + off, info };
    // a failure for want of a flow names the flow's last failure (ECONNREFUSED, http-status, ...)
    if (ev.type === 'failed' && (ev.reason === 'flow' || (ev.reason === 'gave-up' && !this.#host.flowUp))) {
      detail.cause = this.#host.cause ?? null;
    }
    // no listener: no event (it settles promises only; dispatching it costs a pool per message)
    if (name && this.#heard.has(name)) this.dispatchEvent(new CustomEvent(name, { detail }));
    if (ev.type === 'registered') {
      this.#settle('register', true, detail);
      this.#wake(true, detail);
    } else if (ev.type === 'unregistered') this.#settle(ev.op, true, detail);
    else if (ev.type === 'bindings' && ev.op === 'fetch') this.#settle('fetch', true, detail.info.bindings);
    else if (ev.type === 'failed') {
      const error = () => new RegistrationError(detail, this.#host.url);
      this.#settle(ev.op, false, error());
      if (ev.state === 'failed') this.#wake(false, error());
    }
  }
}
