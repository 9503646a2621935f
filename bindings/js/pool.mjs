// pool.mjs — thousands of registrations over a few shared flows (WebSocket connections, or the
// host's own flows: Node's UDP sockets), one timer, messages
// routed by the core's keys (responses by Call-ID, requests by the contact their Request-URI
// names), and paced bursts (first registration, re-registration after a reconnect).
import { Registration } from './registration.mjs';
import { WebSocketFlow } from './websocket-flow.mjs';
import { FlowHost, MAX_TIMER_MS, withProbe } from './flow-host.mjs';
import { OPTIONS, POOL_OPTIONS, checkOptions, configError } from './options.mjs';

/** What add() takes: the createRegistration options a registration on a shared flow reads. */
const ADD_OPTIONS = Object.fromEntries(Object.entries(OPTIONS).filter(([name, o]) => !o.host && !POOL_OPTIONS[name]));

/** Most commands a pacer burst starts (two bursts' credit stays under ~90 responses at once). */
const BURST_MAX = 40;

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
    const a = at[i],
      r = regs[i];
    at[i] = at[j];
    regs[i] = regs[j];
    at[j] = a;
    regs[j] = r;
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
  /** @returns {object|undefined} the registration of the earliest deadline (peek() is that deadline) */
  pop() {
    const a = this.at,
      regs = this.regs;
    if (!a.length) return undefined;
    const top = regs[0];
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
  /** @type {Map<object, {call: string, keys: string[], owned: boolean}>} each member's routing
   * keys (its Call-ID's, its request keys); owned: it holds them all */
  #keys = new Map();
  /** @type {Set<Registration>} members granted since the last request was routed: their keys
   * are remapped (#route, in the order they were granted) before the next one is */
  #stale = new Set();
  #deadlines = new Map();
  #heap = new DeadlineHeap();
  #timer = null;
  #timerAt = Infinity;
  #queue = [];
  #head = 0;
  #pacing = null;
  /** the pacer's credit (commands it may start) and when it was last topped up (ms) */
  #credit = 0;
  #paced = 0;
  #now;
  #wall;

  /**
   * @param {import('./core.mjs').Core} core
   * @param {{ server: string, WebSocket: typeof WebSocket, flows?: number, rate?: number,
   *           maxRegistrations?: number, connectTimeout?: number, now?: () => number,
   *           wall?: () => number }} options (options.mjs POOL_OPTIONS)
   *   rate: commands started per second in bursts (default 200); maxRegistrations (default
   *   100,000); connectTimeout: ms a flow's connection attempt may take (default 10000)
   * @param {(server: string, options: {connectTimeout?: number}) => any} [makeFlow] the host's
   *   own flows (Node: sip: servers); undefined for what it leaves to the WebSocket flow
   */
  constructor(core, options, makeFlow) {
    super();
    checkOptions(options, POOL_OPTIONS, { what: 'RegistrationPool options', hosts: makeFlow ? ['node'] : [] });
    this.#core = core;
    this.#now = options.now ?? (() => performance.now());
    this.#wall = options.wall ?? (() => Date.now());
    this.rate = options.rate ?? 200;
    /** Most registrations this pool takes (memory is bounded: about 4 KiB of wasm each). */
    this.maxRegistrations = options.maxRegistrations ?? 100_000;
    const { server, connectTimeout } = options;
    this.#hosts = Array.from({ length: options.flows ?? 1 }, (_, i) =>
      this.#host(i, makeFlow?.(server, { connectTimeout }) ?? new WebSocketFlow(server, { WebSocket: options.WebSocket, connectTimeout })),
    );
    /** @type {Registration[]} */
    this.registrations = [];
  }

  /**
   * The host of the registrations on one flow: messages routed by the core's keys (what has none,
   * a keep-alive's pong, is the keeper's; a request for no member is answered by the keeper's
   * core), re-registrations after a reconnect paced (no storm).
   * @param {number} index @param {any} flow a WebSocketFlow or the host's own @returns {FlowHost}
   */
  #host(index, flow) {
    const host = new FlowHost(flow, {
      now: this.#now,
      wall: this.#wall,
      arm: (reg, deadline) => this.#arm(reg, deadline),
      text: (text) => {
        const key = this.#core.routeKey(text);
        if (this.#stale.size && key?.startsWith('r:')) this.#routeStale();
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
      // new keys (the contact's address, GRUUs) are mapped before the next request is routed:
      // responses route by Call-ID, requests are rare (a grant per member and refresh)
      registered: (reg) => this.#stale.add(reg),
      pace: (job) => this.#enqueue(job),
      down: (detail) => this.dispatchEvent(new CustomEvent('flowdown', { detail: { ...detail, flow: index } })),
      closed: (reg) => {
        this.#routeStale(reg);
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
    try {
      checkOptions(options, ADD_OPTIONS, { what: 'pool.add options' });
    } catch (e) {
      // a pool's or a flow's option is unknown to ADD_OPTIONS: say whose it is (looked for only
      // on a refusal: add() is called once per registration, thousands of times)
      for (const name of Object.keys(options ?? {})) {
        if (POOL_OPTIONS[name])
          throw configError(name, options[name], `${name} is the pool's option (new RegistrationPool({ ${name} })), not add()'s`);
        if (OPTIONS[name]?.host)
          throw configError(name, options[name], `${name} is not read by pool.add() (the pool's registrations share its flows)`);
      }
      throw e;
    }
    if (this.registrations.length >= this.maxRegistrations) {
      throw new RangeError(`sipreg: the pool is full (${this.maxRegistrations} registrations; raise maxRegistrations)`);
    }
    const host = this.#hosts[this.registrations.length % this.#hosts.length];
    // one keep-alive per flow (RFC 5626 §4.4.1 pings are per flow, not per registration): the
    // flow's first registration keeps it; its "flowfailed" drops the flow for every member
    const keeper = host.members.size === 0;
    // its seed: the option, else randomSeed()'s batch of the CSPRNG (in Registration)
    const own = { ...options };
    if (!keeper) own.keepalive = 'never';
    const reg = new Registration(this.#core, keeper ? withProbe(own, host.flow) : own, host);
    host.add(reg);
    this.#route(reg);
    this.registrations.push(reg);
    return reg;
  }

  /** @param {Registration} reg (re)map its routing keys: its Call-ID, contacts, GRUUs and AOR */
  #route(reg) {
    const keys = reg.requestKeys;
    const byKey = this.#byKey;
    let entry = this.#keys.get(reg);
    if (entry) {
      // a grant nearly always leaves the keys as they were (the first grant: the contact's
      // address learnt when the flow came up): only the keys that changed are remapped
      const prev = entry.keys;
      let same = prev.length === keys.length;
      for (let i = 0; same && i < keys.length; i++) same = keys[i] === prev[i];
      if (same && entry.owned) return;
      for (let i = 0; i < prev.length; i++) if (!keys.includes(prev[i]) && byKey.get(prev[i]) === reg) byKey.delete(prev[i]);
    } else {
      entry = { call: `c:${reg.callId}`, keys, owned: true };
      this.#keys.set(reg, entry);
    }
    // the Call-ID first, then the request keys: an AOR shared by several members routes to the
    // first; contacts are each member's own (a key another member held first is claimed again
    // on the next remap)
    let owned = true;
    for (let i = -1; i < keys.length; i++) {
      const k = i < 0 ? entry.call : keys[i];
      const holder = byKey.get(k);
      if (holder === undefined) byKey.set(k, reg);
      else if (holder !== reg) owned = false;
    }
    entry.keys = keys;
    entry.owned = owned;
  }

  /**
   * Remap the keys of the members granted since the last request (a member closing now keeps its
   * keys until #unroute drops them: what it held stays held for those before it).
   * @param {Registration} [closing]
   */
  #routeStale(closing) {
    for (const reg of this.#stale) if (reg !== closing) this.#route(reg);
    this.#stale.clear();
  }

  /** @param {Registration} reg drop its routing keys */
  #unroute(reg) {
    const entry = this.#keys.get(reg);
    if (!entry) return;
    const byKey = this.#byKey;
    if (byKey.get(entry.call) === reg) byKey.delete(entry.call);
    for (const k of entry.keys) if (byKey.get(k) === reg) byKey.delete(k);
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

  /**
   * Pace commands: `rate` per second, in bursts every 50 ms, or more often when a burst would
   * start more than BURST_MAX commands (their responses must fit a UDP socket's receive buffer:
   * ~90 datagrams with Linux's default 208 KiB), but not more often than every 10 ms (each wake-up
   * costs; bursts are cheaper per command). The burst is what the time that passed allows: a late
   * timer or a burst's own work does not lower the rate; the credit is at most two bursts, so a
   * stalled loop does not make a herd.
   */
  #enqueue(job) {
    this.#queue.push(job);
    if (this.#pacing) return;
    this.#credit = this.#burst();
    this.#paced = performance.now();
    this.#pacing = setTimeout(() => this.#tick(), 0);
  }

  /** @returns {number} ms between bursts: 50, shorter (to 10) when a burst would exceed BURST_MAX */
  #interval() {
    return Math.min(50, Math.max(10, (BURST_MAX * 1000) / this.rate));
  }

  /** @returns {number} commands per burst, at least one */
  #burst() {
    return Math.max(1, (this.rate * this.#interval()) / 1000);
  }

  /** One burst of the pacer; the next when the credit allows one more command. */
  #tick() {
    const now = performance.now();
    this.#credit = Math.min(this.#credit + ((now - this.#paced) * this.rate) / 1000, 2 * this.#burst());
    this.#paced = now;
    const n = Math.floor(this.#credit);
    this.#credit -= n;
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
      this.#pacing = null;
      return;
    }
    const wait = this.#credit >= 1 ? 0 : ((1 - this.#credit) * 1000) / this.rate;
    this.#pacing = setTimeout(() => this.#tick(), Math.max(this.#interval(), Math.ceil(wait)));
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
      const reg = this.#heap.pop();
      if (this.#deadlines.get(reg) !== top) continue; // stale entry
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
