// pool.mjs — thousands of registrations over a few shared WebSocket flows, one timer, responses
// routed by Call-ID, and paced bursts (first registration, re-registration after a reconnect).
import { Registration, withProbe } from './registration.mjs';
import { WebSocketFlow } from './websocket-flow.mjs';

/** A binary min-heap of [deadline, registration] with lazy deletion. */
class DeadlineHeap {
  constructor() { this.items = []; }
  /** @param {number} at @param {object} reg */
  push(at, reg) {
    const a = this.items;
    a.push([at, reg]);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p][0] <= a[i][0]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  /** @returns {[number, object]|undefined} */
  peek() { return this.items[0]; }
  /** @returns {[number, object]|undefined} */
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && a[l][0] < a[m][0]) m = l;
        if (r < a.length && a[r][0] < a[m][0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** Many registrations sharing flows and one timer. */
export class RegistrationPool extends EventTarget {
  #core; #flows; #byCallId = new Map(); #deadlines = new Map(); #heap = new DeadlineHeap();
  #timer = null; #timerAt = Infinity; #queue = []; #head = 0; #pacing = null; #now; #wall;

  /**
   * @param {import('./core.mjs').Core} core
   * @param {{ server: string, WebSocket: typeof WebSocket, flows?: number, rate?: number,
   *           maxRegistrations?: number, connectTimeout?: number, now?: () => number,
   *           wall?: () => number }} options
   *   rate: commands started per second in bursts (default 200); maxRegistrations (default
   *   100,000); connectTimeout: ms a flow's connection attempt may take (default 10000)
   */
  constructor(core, options) {
    super();
    this.#core = core;
    this.#now = options.now ?? (() => performance.now());
    this.#wall = options.wall ?? (() => Date.now());
    this.rate = options.rate ?? 200;
    /** Most registrations this pool takes (memory is bounded: about 4 KiB of wasm each). */
    this.maxRegistrations = options.maxRegistrations ?? 100_000;
    this.#flows = Array.from({ length: options.flows ?? 1 }, () =>
      new WebSocketFlow(options.server, { WebSocket: options.WebSocket, connectTimeout: options.connectTimeout }));
    this.#flows.forEach((flow, i) => this.#wire(flow, i));
    /** @type {Registration[]} */
    this.registrations = [];
  }

  /** Route a flow's traffic and state to its registrations. */
  #wire(flow, index) {
    flow.members = new Set();
    /** @type {Registration|null} the member that keeps the flow alive (its pings, probes) */
    flow.keeper = null;
    flow.onpong = () => flow.keeper?.pong();
    flow.ontext = (text) => {
      const id = this.#core.callId(text);
      // what carries no Call-ID (a keep-alive pong, a WebSocket pong) is the keeper's
      const reg = id === null ? flow.keeper : this.#byCallId.get(id);
      if (reg && (reg.receive(text) || id !== null)) return;
      this.dispatchEvent(new CustomEvent('unrouted', { detail: { text, flow: index } }));
    };
    // the first connect: members learn it at once (their commands are already paced); a
    // reconnect re-registers everyone on the flow, so that is paced (no REGISTER storm)
    flow.addEventListener('up', () => {
      const again = flow.wasUp;
      flow.wasUp = true;
      for (const reg of flow.members) {
        if (again) this.#enqueue(() => reg.transport(true)); else reg.transport(true);
      }
    });
    flow.addEventListener('down', (e) => {
      this.dispatchEvent(new CustomEvent('flowdown', { detail: { ...e.detail, flow: index } }));
      for (const reg of flow.members) reg.transport(false);
    });
  }

  /** The host interface of registrations on one flow (one object per flow, shared). */
  #host(flow) {
    const pool = this;
    flow.host ??= {
      kind: flow.kind,
      get flowUp() { return flow.up; },
      url: flow.url,
      get cause() { return flow.lastCause; },
      send: (text) => flow.send(text),
      connect: () => flow.connect(),
      fail: (why) => flow.fail(why),
      ping: () => flow.ping(),
      now: this.#now,
      wall: this.#wall,
      arm: (reg, deadline) => pool.#arm(reg, deadline),
      closed: (reg) => {
        flow.members.delete(reg);
        if (flow.keeper === reg) flow.keeper = null;
        pool.#byCallId.delete(reg.callId);
        pool.#deadlines.delete(reg);
      },
    };
    return flow.host;
  }

  /**
   * Add one registration (not yet registered).
   * @param {object} options createRegistration options without `server`
   * @returns {Registration}
   */
  add(options) {
    if (this.registrations.length >= this.maxRegistrations) {
      throw new RangeError(`sipreg: the pool is full (${this.maxRegistrations} registrations; raise maxRegistrations)`);
    }
    const flow = this.#flows[this.registrations.length % this.#flows.length];
    // one keep-alive per flow (RFC 5626 §4.4.1 pings are per flow, not per registration): the
    // flow's first registration keeps it; its "flowfailed" drops the flow for every member
    const keeper = flow.members.size === 0;
    const reg = new Registration(this.#core, keeper ? withProbe(options, flow) : { ...options, keepalive: 'never' }, this.#host(flow));
    flow.members.add(reg);
    if (keeper) flow.keeper = reg;
    this.#byCallId.set(reg.callId, reg);
    this.registrations.push(reg);
    return reg;
  }

  /** Register every registration, paced at `rate` per second. Resolves with the settled results. */
  registerAll() { return this.#all((reg) => reg.register()); }

  /** Unregister every registration, paced. */
  unregisterAll(opts) { return this.#all((reg) => reg.unregister(opts)); }

  /** Run `fn` on every registration through the pacer; collect Promise.allSettled results. */
  #all(fn) {
    return Promise.allSettled(this.registrations.map((reg) => new Promise((resolve, reject) => {
      this.#enqueue(() => fn(reg).then(resolve, reject));
    })));
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
    const delay = Math.min(Math.max(0, Math.ceil(at - this.#now())), 3600_000);
    this.#timer = setTimeout(() => this.#fire(), delay);
  }

  /** Wake every registration whose deadline has come, then re-arm. */
  #fire() {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = this.#now();
    for (let top = this.#heap.peek(); top && top[0] <= now; top = this.#heap.peek()) {
      const [at, reg] = this.#heap.pop();
      if (this.#deadlines.get(reg) !== at) continue; // stale entry
      this.#deadlines.delete(reg);
      reg.wake();
    }
    const next = this.#heap.peek();
    if (next) this.#schedule(next[0]);
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
    for (const flow of this.#flows) flow.close();
  }
}
