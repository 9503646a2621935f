// flow-host.mjs — the host of the registrations on one flow (the Host a Registration runs in), made
// the same way for a registration with a flow of its own (createSingle) and for a pool's shared
// flows: the flow's messages, pongs, ups and downs reach the members; the members' sends,
// connects, pings and drops reach the flow; what differs (the timer, routing, pacing) is a hook.
import { Registration } from './registration.mjs';
import { WebSocketFlow } from './websocket-flow.mjs';
import { OPTIONS, checkOptions } from './options.mjs';

/**
 * What differs between hosts.
 * @typedef {object} Hooks
 * @property {() => number} now monotonic ms
 * @property {() => number} wall Unix ms
 * @property {(reg: Registration, deadline: number) => void} arm wake reg at deadline (-1: never)
 * @property {(text: string) => void} [text] a received message (default: the keeper's)
 * @property {(job: () => void) => void} [pace] run a member's re-registration after a reconnect
 *   later (default: now)
 * @property {(detail: object) => void} [down] the flow went down (after the members were told)
 * @property {(detail: object) => void} [error] the flow reported bad input
 * @property {(reg: Registration) => void} [closed] a member closed
 * @property {(detail: object) => boolean} [request] a request no member's listener took (true:
 *   the host's listener took it)
 * @property {(detail: object) => void} [response] a member got a response that is not its core's
 * @property {(reg: Registration) => void} [registered] a member's bindings were granted
 * @property {string} [url] where the flow goes, when the flow does not say (errors name it)
 */

/** The registrations on one flow, and the Host interface they use (registration.mjs). */
export class FlowHost {
  /** @type {Set<Registration>} */
  members = new Set();
  /** @type {Registration|null} the member that keeps the flow alive (its pings; pongs go to it) */
  keeper = null;
  #flow;
  #hooks;
  #wasUp = false;

  /** @param {any} flow a WebSocketFlow or a host's own flow (same interface) @param {Hooks} hooks */
  constructor(flow, hooks) {
    this.#flow = flow;
    this.#hooks = hooks;
    this.now = hooks.now;
    this.wall = hooks.wall;
    flow.ontext = (text) => (hooks.text ? hooks.text(text) : this.keeper?.receive(text));
    flow.onpong = () => this.keeper?.pong();
    // a datagram that is bytes answers the keeper's keep-alive (the core tells); only flows that
    // carry bytes have the hook (nothing is set on a flow that does not declare it)
    if ('onbytes' in flow) flow.onbytes = (bytes) => this.keeper?.receiveBytes(bytes);
    flow.addEventListener('up', () => {
      // the first connect: members learn it at once; a reconnect re-registers every member, so
      // that may be paced (a pool: no burst of re-registrations)
      const again = this.#wasUp;
      this.#wasUp = true;
      for (const reg of this.members) {
        if (again && hooks.pace)
          hooks.pace(() => {
            if (flow.up) this.#up(reg);
          });
        else this.#up(reg);
      }
    });
    flow.addEventListener('down', (e) => {
      for (const reg of this.members) {
        reg.transport(false);
        if (reg.hears('flowdown')) reg.dispatchEvent(new CustomEvent('flowdown', { detail: e.detail }));
      }
      hooks.down?.(e.detail);
    });
    flow.addEventListener('error', (e) => hooks.error?.(e.detail));
    // a flow that may send to a group says where it sends now ('moved': a registrar answered)
    flow.addEventListener('moved', () => {
      for (const reg of this.members) this.#multicast(reg);
    });
  }

  /** @param {Registration} reg tell it the group the flow sends to now (null: one server) */
  #multicast(reg) {
    if ('multicast' in this.#flow) reg.setMulticast(this.#flow.multicast);
  }

  /** A member's flow is up: a flow with a local address (UDP, TCP, TLS) tells its kind and address. */
  #up(reg) {
    this.#address(reg, false); // transport(true) below pumps
    reg.transport(true);
    // a pool's thousands of members: no event for those that do not listen
    if (reg.hears('flowup'))
      reg.dispatchEvent(new CustomEvent('flowup', { detail: { kind: this.#flow.kind ?? null, local: this.#flow.local ?? null } }));
  }

  /**
   * Tell a member where the flow is: its kind and local address (Via sent-by, Contact), the group
   * it sends to. @param {Registration} reg @param {boolean} pump see Registration.setFlow
   */
  #address(reg, pump) {
    const flow = this.#flow;
    try {
      if (flow.local) reg.setFlow(flow.kind, flow.local, pump);
      this.#multicast(reg);
    } catch (e) {
      // an address the core refuses: said once; the flow is used as it is
      reg.dispatchEvent(new CustomEvent('error', { detail: { code: e.code, message: e.message } }));
    }
  }

  /** @param {Registration} reg a new member (the first one keeps the flow alive) */
  add(reg) {
    if (this.members.size === 0) this.keeper = reg;
    this.members.add(reg);
    // a pool's member added while the shared flow is up (it was told the flow is up when it was
    // made): its kind and address now, or it would write a .invalid Via and Contact
    if (this.#flow.up) this.#address(reg, true);
  }

  /** @returns {any} the flow */
  get flow() {
    return this.#flow;
  }
  get kind() {
    return this.#flow.kind;
  }
  get flowUp() {
    return this.#flow.up;
  }
  get url() {
    return this.#flow.url ?? this.#hooks.url;
  }
  get target() {
    return this.#flow.target ?? null;
  }
  get cause() {
    return this.#flow.lastCause;
  }
  /** @param {string|Uint8Array} text a message (bytes: a keep-alive the core marks so) @returns {boolean} */
  send(text) {
    return this.#flow.send(text);
  }
  /** @param {'tcp'} [kind] */
  connect(kind) {
    this.#flow.connect(kind);
  }
  /** @param {string} why */
  fail(why) {
    this.#flow.fail(why);
  }
  /** @returns {boolean} */
  ping() {
    return this.#flow.ping?.() ?? false;
  }
  /** @param {Registration} reg @param {number} deadline */
  arm(reg, deadline) {
    this.#hooks.arm(reg, deadline);
  }
  /** @param {object} detail @returns {boolean} whether the host's listener took the request */
  request(detail) {
    return this.#hooks.request?.(detail) ?? false;
  }
  /** @param {object} detail a response that is not a member core's */
  response(detail) {
    this.#hooks.response?.(detail);
  }
  /** @param {Registration} reg its bindings were granted (new GRUUs: new routing keys) */
  registered(reg) {
    this.#hooks.registered?.(reg);
  }

  /** @param {Registration} reg a member closed */
  closed(reg) {
    this.members.delete(reg);
    if (this.keeper === reg) this.keeper = null;
    this.#hooks.closed?.(reg);
  }
}

/**
 * Liveness probes where the registrar promised no pongs: a WebSocket ping when the implementation
 * can send one (Node's own client), else the core's default (a light request the registrar
 * answers; browsers cannot ping). An explicit policy.probe wins.
 * @param {object} options @param {{canPing?: boolean}} flow @returns {object}
 */
export function withProbe(options, flow) {
  if (options.policy?.probe !== undefined || !flow.canPing) return options;
  return { ...options, policy: { ...options.policy, probe: 'host' } };
}

/** Longest single setTimeout we arm; later deadlines are reached by re-arming (wake is idempotent). */
export const MAX_TIMER_MS = 3600_000;

/**
 * Create a registration that owns its flow (options.server) and its timer.
 * @param {import('./core.mjs').Core} core
 * @param {object} options createRegistration options (server, aor, auth, contacts, ...)
 * @param {{ WebSocket: typeof WebSocket, makeFlow?: (options: object) => any, now?: () => number,
 *           wall?: () => number }} env makeFlow: a host's own flows (Node: sip: URIs over
 *   UDP/TCP/TLS, RFC 3263, multicast); undefined for what it leaves to the WebSocket flow
 * @returns {Registration}
 */
export function createSingle(core, options, env) {
  checkOptions(options, OPTIONS, { hosts: env.makeFlow ? ['node'] : [], what: 'createRegistration options' });
  const flow = env.makeFlow?.(options) ?? webSocketFlow(options, env);
  options = withProbe(options, flow);
  const now = env.now ?? (() => performance.now());
  let timer = null;
  /** @type {Registration} */
  let reg;
  const host = new FlowHost(flow, {
    now,
    wall: env.wall ?? (() => Date.now()),
    arm(r, deadline) {
      if (timer) clearTimeout(timer);
      timer = null;
      if (deadline < 0) return;
      const delay = Math.min(Math.max(0, Math.ceil(deadline - now())), MAX_TIMER_MS);
      timer = setTimeout(() => {
        timer = null;
        r.wake();
      }, delay);
    },
    error: (detail) => reg.dispatchEvent(new CustomEvent('error', { detail })),
    closed: () => flow.close(),
    url: options.server,
  });
  reg = new Registration(core, options, host);
  host.add(reg);
  return reg;
}

/**
 * The WebSocket flow of options.server.
 * @param {object} options @param {{ WebSocket: typeof WebSocket }} env @returns {WebSocketFlow}
 */
function webSocketFlow(options, env) {
  if (options.server === undefined) checkOptions(options, { ...OPTIONS, server: { ...OPTIONS.server, required: true } });
  return new WebSocketFlow(options.server, { WebSocket: env.WebSocket, connectTimeout: options.connectTimeout });
}
