// pool.mjs — thousands of registrations over a few shared WebSocket flows, one timer, messages
// routed by the core's keys (responses by Call-ID, requests by the contact their Request-URI
// names), and paced bursts (first registration, re-registration after a reconnect).
import { Registration } from './registration.mjs';
import { WebSocketFlow } from './websocket-flow.mjs';
import { FlowHost, MAX_TIMER_MS, withProbe } from './flow-host.mjs';
import { OPTIONS, POOL_OPTIONS, checkOptions, configError } from './options.mjs';

/** What add() takes: the createRegistration options a registration on a shared flow reads. */
const ADD_OPTIONS = Object.fromEntries(Object.entries(OPTIONS).filter(([name, o]) => !o.host && !POOL_OPTIONS[name]));

/**
 * A binary min-heap of (deadline, registration) with lazy deletion, in two parallel arrays (the
 * deadlines unboxed): 16 bytes an entry instead of a 64-byte [at, reg] pair (memory per
 * registration: stale entries of a refresh stay until their deadline).
 */
class DeadlineHeap {
  constructor() {
    /** @type {number[]} */
    this.at = [];
    /** @type {object[]} */
    this.regs = [];
  }
  /** @param {number} i @param {number} j swap entries i and j */
  #swap(i, j) {
    const { at, regs } = this;
    [at[i], at[j]] = [at[j], at[i]];
    [regs[i], regs[j]] = [regs[j], regs[i]];
  }
  /** @param {number} at @param {object} reg */
  push(at, reg) {
    const a = this.at;
    a.push(at);
    this.regs.push(reg);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      this.#swap(p, i);
      i = p;
    }
  }
  /** @returns {number|undefined} the earliest deadline */
  peek() {
    return this.at[0];
  }
  /** @returns {[number, object]|undefined} */
  pop() {
    const a = this.at,
      regs = this.regs;
    if (!a.length) return undefined;
    const top = [a[0], regs[0]];
    const last = a.pop(),
      lastReg = regs.pop();
    if (a.length) {
      a[0] = last;
      regs[0] = lastReg;
      for (let i = 0; ;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        this.#swap(m, i);
        i = m;
      }
    }
    return top;
  }
}

/** Many registrations sharing flows and one timer. */
export class RegistrationPool extends EventTarget {
  #core;
  #hosts;
  #byKey = new Map();
  #keys = new Map();
  #deadlines = new Map();
  #heap = new DeadlineHeap();
  #timer = null;
  #timerAt = Infinity;
  #queue = [];
  #head = 0;
  #pacing = null;
  #now;
  #wall;

  /**
   * @param {import('./core.mjs').Core} core
   * @param {{ server: string, WebSocket: typeof WebSocket, flows?: number, rate?: number,
   *           maxRegistrations?: number, connectTimeout?: number, now?: () => number,
   *           wall?: () => number }} options (options.mjs POOL_OPTIONS)
   *   rate: commands started per second in bursts (default 200); maxRegistrations (default
   *   100,000); connectTimeout: ms a flow's connection attempt may take (default 10000)
   */
  constructor(core, options) {
    super();
    checkOptions(options, POOL_OPTIONS, { what: 'RegistrationPool options' });
    this.#core = core;
    this.#now = options.now ?? (() => performance.now());
    this.#wall = options.wall ?? (() => Date.now());
    this.rate = options.rate ?? 200;
    /** Most registrations this pool takes (memory is bounded: about 4 KiB of wasm each). */
    this.maxRegistrations = options.maxRegistrations ?? 100_000;
    this.#hosts = Array.from({ length: options.flows ?? 1 }, (_, i) =>
      this.#host(i, new WebSocketFlow(options.server, { WebSocket: options.WebSocket, connectTimeout: options.connectTimeout })),
    );
    /** @type {Registration[]} */
    this.registrations = [];
  }

  /**
   * The host of the registrations on one flow: messages routed by the core's keys (what has none,
   * a keep-alive's pong, is the keeper's; a request for no member is answered by the keeper's
   * core), re-registrations after a reconnect paced (no storm).
   * @param {number} index @param {WebSocketFlow} flow @returns {FlowHost}
   */
  #host(index, flow) {
    const host = new FlowHost(flow, {
      now: this.#now,
      wall: this.#wall,
      arm: (reg, deadline) => this.#arm(reg, deadline),
      text: (text) => {
        const key = this.#core.routeKey(text);
        const reg = key === null ? host.keeper : this.#byKey.get(key);
        if (reg && (reg.receive(text) || key !== null)) return;
        if (key?.startsWith('r:') && host.keeper) {
          host.keeper.receive(text, true); // detail.registration null; the table answers
          return;
        }
        if (key?.startsWith('c:')) this.#response({ text, registration: null });
        this.dispatchEvent(new CustomEvent('unrouted', { detail: { text, flow: index } }));
      },
      request: (detail) => {
        const ev = new CustomEvent('request', { detail, cancelable: true });
        this.dispatchEvent(ev);
        return ev.defaultPrevented;
      },
      response: (detail) => this.dispatchEvent(new CustomEvent('response', { detail })),
      registered: (reg) => this.#route(reg),
      pace: (job) => this.#enqueue(job),
      down: (detail) => this.dispatchEvent(new CustomEvent('flowdown', { detail: { ...detail, flow: index } })),
      closed: (reg) => {
        this.#unroute(reg);
        this.#deadlines.delete(reg);
      },
    });
    return host;
  }

  /**
   * Add one registration (not yet registered).
   * @param {object} options createRegistration options without `server`
   * @returns {Registration}
   */
  add(options) {
    for (const name of Object.keys(options ?? {})) {
      if (POOL_OPTIONS[name])
        throw configError(name, options[name], `${name} is the pool's option (new RegistrationPool({ ${name} })), not add()'s`);
      if (OPTIONS[name]?.host)
        throw configError(name, options[name], `${name} is not read by pool.add() (the pool's registrations share its WebSocket flows)`);
    }
    checkOptions(options, ADD_OPTIONS, { what: 'pool.add options' });
    if (this.registrations.length >= this.maxRegistrations) {
      throw new RangeError(`sipreg: the pool is full (${this.maxRegistrations} registrations; raise maxRegistrations)`);
    }
    const host = this.#hosts[this.registrations.length % this.#hosts.length];
    // one keep-alive per flow (RFC 5626 §4.4.1 pings are per flow, not per registration): the
    // flow's first registration keeps it; its "flowfailed" drops the flow for every member
    const keeper = host.members.size === 0;
    const reg = new Registration(this.#core, keeper ? withProbe(options, host.flow) : { ...options, keepalive: 'never' }, host);
    host.add(reg);
    this.#route(reg);
    this.registrations.push(reg);
    return reg;
  }

  /** @param {Registration} reg (re)map its routing keys: its Call-ID, contacts, GRUUs and AOR */
  #route(reg) {
    this.#unroute(reg);
    const keys = [`c:${reg.callId}`, ...reg.requestKeys];
    // an AOR shared by several members routes to the first; contacts are each member's own
    for (const k of keys) if (!this.#byKey.has(k)) this.#byKey.set(k, reg);
    this.#keys.set(reg, keys);
  }

  /** @param {Registration} reg drop its routing keys */
  #unroute(reg) {
    for (const k of this.#keys.get(reg) ?? []) if (this.#byKey.get(k) === reg) this.#byKey.delete(k);
    this.#keys.delete(reg);
  }

  /** @param {{text: string, registration: null}} detail a response for none of the members */
  #response(detail) {
    let message;
    const core = this.#core;
    this.dispatchEvent(
      new CustomEvent('response', {
        detail: {
          ...detail,
          get message() {
            return (message ??= core.parse(detail.text));
          },
        },
      }),
    );
  }

  /** Register every registration, paced at `rate` per second. Resolves with the settled results. */
  registerAll() {
    return this.#all((reg) => reg.register());
  }

  /** Unregister every registration, paced. */
  unregisterAll(opts) {
    return this.#all((reg) => reg.unregister(opts));
  }

  /** Run `fn` on every registration through the pacer; collect Promise.allSettled results. */
  #all(fn) {
    return Promise.allSettled(
      this.registrations.map(
        (reg) =>
          new Promise((resolve, reject) => {
            this.#enqueue(() => fn(reg).then(resolve, reject));
          }),
      ),
    );
  }

  /** Pace commands: at most `rate` per second, in small bursts every 50 ms. */
  #enqueue(job) {
    this.#queue.push(job);
    if (this.#pacing) return;
    const tick = () => {
      const n = Math.max(1, Math.round(this.rate / 20));
      // a head index, not shift(): shifting a 10,000-job queue moves it every time
      const q = this.#queue;
      for (let i = 0; i < n && this.#head < q.length; i++) {
        const job = q[this.#head];
        q[this.#head++] = undefined;
        job();
      }
      if (this.#head >= this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      this.#pacing = this.#head < this.#queue.length ? setTimeout(tick, 50) : null;
    };
    this.#pacing = setTimeout(tick, 0);
  }

  /** One timer for all: keep the earliest deadline armed. */
  #arm(reg, deadline) {
    if (deadline < 0) {
      this.#deadlines.delete(reg);
      return;
    }
    if (this.#deadlines.get(reg) === deadline) return;
    this.#deadlines.set(reg, deadline);
    this.#heap.push(deadline, reg);
    if (deadline < this.#timerAt) this.#schedule(deadline);
  }

  /** @param {number} at arm the single timer for `at` */
  #schedule(at) {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    const delay = Math.min(Math.max(0, Math.ceil(at - this.#now())), MAX_TIMER_MS);
    this.#timer = setTimeout(() => this.#fire(), delay);
  }

  /** Wake every registration whose deadline has come, then re-arm. */
  #fire() {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = this.#now();
    for (let top = this.#heap.peek(); top !== undefined && top <= now; top = this.#heap.peek()) {
      const [at, reg] = this.#heap.pop();
      if (this.#deadlines.get(reg) !== at) continue; // stale entry
      this.#deadlines.delete(reg);
      reg.wake();
    }
    const next = this.#heap.peek();
    if (next !== undefined) this.#schedule(next);
  }

  /**
   * Wake everyone now (after sleep, when the page becomes visible, when back online).
   * @param {{network?: boolean}} [options] network: true when the network changed (each
   *   registration resets its failures and makes one attempt on a fresh flow; see Registration.wake)
   */
  wake({ network = false } = {}) {
    // with network: the flow is dropped once (its first member's wake); the re-registrations
    // after its reconnect are paced like any reconnect's
    for (const reg of this.registrations) reg.wake({ network });
  }

  /** Close every registration and flow (no unregister). */
  close() {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#pacing) clearTimeout(this.#pacing);
    this.#queue = [];
    this.#head = 0;
    for (const reg of [...this.registrations]) reg.close();
    for (const host of this.#hosts) host.flow.close();
  }
}
