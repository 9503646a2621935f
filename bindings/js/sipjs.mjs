// sipjs.mjs — a SIP.js Transport over a sipreg registration's flow, so that a SIP.js UserAgent
// without a Registerer makes and receives calls on the flow sipreg registered (RFC 5626) while
// sipreg keeps the registration. SIP.js's Transport interface (sip.js/lib/api/transport.d.ts):
// protocol, state, stateChange; connect, disconnect, dispose, isConnected, send; onConnect,
// onDisconnect, onMessage. Its state machine is followed as written there: connect() resolves in
// "Connected" (once the flow is up), a flow that goes down is reported ("Disconnected" with an
// error) and not hidden: the app reconnects (userAgent.reconnect()) as with any SIP.js transport.
// No import of SIP.js: it calls us.
import { FlowLink, checkRegistration, contactOf, stackKind, instanceUuid } from './flow-link.mjs';

const WHO = 'SipregTransport';

/** SIP.js's TransportState values. */
const S = Object.freeze({ connecting: 'Connecting', connected: 'Connected', disconnecting: 'Disconnecting', disconnected: 'Disconnected' });

/** A small emitter with SIP.js's Emitter interface (addListener, removeListener, on, off, once). */
class StateEmitter {
  /** @type {Array<{ f: Function, once: boolean }>} */
  #listeners = [];
  /** @param {(s: string) => void} f @param {{ once?: boolean }} [options] */
  addListener(f, options) {
    this.#listeners.push({ f, once: options?.once === true });
  }
  /** @param {(s: string) => void} f */
  removeListener(f) {
    this.#listeners = this.#listeners.filter((l) => l.f !== f);
  }
  /** @param {(s: string) => void} f */
  on(f) {
    this.addListener(f);
  }
  /** @param {(s: string) => void} f */
  off(f) {
    this.removeListener(f);
  }
  /** @param {(s: string) => void} f */
  once(f) {
    this.addListener(f, { once: true });
  }
  /** @param {string} state */
  emit(state) {
    const now = this.#listeners;
    this.#listeners = now.filter((l) => !l.once);
    for (const l of now) l.f(state);
  }
  removeAll() {
    this.#listeners = [];
  }
}

/** A SIP.js Transport whose connection is a sipreg Registration's flow. */
export class SipregTransport {
  #link;
  #state = S.disconnected;
  #protocol;
  #timeoutMs;
  #disposed = false;
  /** @type {{ resolve: Function, reject: Function, timer: any } | null} the connect() waiting */
  #connecting = null;
  /** SIP.js's state change emitter. */
  stateChange = new StateEmitter();
  /** @type {(() => void) | undefined} set by the UserAgent */
  onConnect = undefined;
  /** @type {((error?: Error) => void) | undefined} set by the UserAgent */
  onDisconnect = undefined;
  /** @type {((message: string) => void) | undefined} set by the UserAgent */
  onMessage = undefined;

  /**
   * @param {any} registration a Registration over ws:// or wss://
   * @param {{ connectionTimeout?: number }} [options] seconds connect() waits for the flow (10)
   */
  constructor(registration, options = {}) {
    checkRegistration(registration, WHO);
    const t = options.connectionTimeout ?? 10;
    if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) {
      throw new TypeError(`${WHO}: option connectionTimeout must be a positive number of seconds, got ${JSON.stringify(t)}`);
    }
    this.#timeoutMs = t * 1000;
    this.#protocol = stackKind(registration, WHO).toUpperCase();
    this.#link = new FlowLink(registration);
  }

  /** @returns {string} the transport SIP.js names in its Via ("WS" or "WSS", RFC 7118 §5) */
  get protocol() {
    return this.#protocol;
  }

  /** @returns {string} "Connecting" | "Connected" | "Disconnecting" | "Disconnected" */
  get state() {
    return this.#state;
  }

  /** @returns {boolean} */
  isConnected() {
    return this.#state === S.connected;
  }

  /**
   * Take the flow's traffic; resolves once the flow is up ("Connected"), rejects when it is not
   * up within connectionTimeout or disconnect() comes first.
   * @returns {Promise<void>}
   */
  connect() {
    if (this.#disposed) return Promise.reject(new Error(`${WHO}: disposed`));
    if (this.#state === S.connected) return Promise.resolve();
    if (this.#state === S.connecting) return this.#connecting.promise;
    this.#to(S.connecting);
    let resolve, reject;
    const promise = new Promise((y, n) => {
      resolve = y;
      reject = n;
    });
    const timer = setTimeout(
      () => this.#fail(new Error(`${WHO}: the registration's flow did not come up within ${this.#timeoutMs / 1000} s`)),
      this.#timeoutMs,
    );
    this.#connecting = { promise, resolve, reject, timer };
    this.#link.link({
      text: (t) => {
        if (this.#state === S.connected) this.onMessage?.(t);
      },
      up: () => this.#up(),
      down: (why) => this.#down(why),
    });
    if (this.#link.up) queueMicrotask(() => this.#up());
    return promise;
  }

  /**
   * Give the flow's traffic back to sipreg's core (the flow itself stays up: it is sipreg's).
   * @returns {Promise<void>}
   */
  disconnect() {
    if (this.#state === S.disconnected || this.#state === S.disconnecting) return Promise.resolve();
    const was = this.#state;
    this.#to(S.disconnecting);
    this.#link.unlink();
    if (was === S.connecting) this.#settle(new Error(`${WHO}: disconnected while connecting`));
    this.#to(S.disconnected);
    if (was === S.connected) this.onDisconnect?.();
    return Promise.resolve();
  }

  /** @returns {Promise<void>} disconnect, and never connect again */
  async dispose() {
    await this.disconnect();
    this.#disposed = true;
    this.stateChange.removeAll();
  }

  /**
   * @param {string} message a message of SIP.js's
   * @returns {Promise<void>} resolves once it went out on the flow
   */
  send(message) {
    if (this.#state !== S.connected) return Promise.reject(new Error(`${WHO}: not connected (state ${this.#state})`));
    if (!this.#link.send(message)) return Promise.reject(new Error(`${WHO}: the registration's flow refused the message (flow down)`));
    return Promise.resolve();
  }

  #to(state) {
    this.#state = state;
    this.stateChange.emit(state);
  }

  #up() {
    if (this.#state !== S.connecting || !this.#link.up) return;
    this.#to(S.connected);
    this.#settle(null);
    this.onConnect?.();
  }

  // The flow went down: "Disconnected" with an error; the link is dropped (requests are the
  // core's again) until SIP.js connects anew.
  #down(why) {
    if (this.#state !== S.connected) return;
    this.#link.unlink();
    this.#to(S.disconnected);
    const e = new Error(`${WHO}: the registration's flow went down${why?.reason ? ` (${why.reason})` : ''}`);
    this.onDisconnect?.(e);
  }

  #fail(error) {
    if (this.#state !== S.connecting) return;
    this.#link.unlink();
    this.#to(S.disconnected);
    this.#settle(error);
  }

  #settle(error) {
    const c = this.#connecting;
    if (!c) return;
    this.#connecting = null;
    clearTimeout(c.timer);
    if (error) c.reject(error);
    else c.resolve();
  }
}

/**
 * The SIP.js UserAgent options that ride `registration`: its transport, and the contact (user,
 * host, URI parameters) and instance sipreg registered, so that SIP.js takes the requests sent
 * to that contact and names it in its dialogs. Add uri (UserAgent.makeURI(aor)) and the rest:
 *   new UserAgent({ ...sipjsOptions(reg), uri: UserAgent.makeURI(reg.aor) })
 * SIP.js writes its Contact as sip:contactName@viaHost;params: a contact with a port cannot be
 * written so and is refused.
 * @param {any} registration
 * @param {{ connectionTimeout?: number }} [options] for the transport
 */
export function sipjsOptions(registration, options = {}) {
  const who = 'sipjsOptions';
  checkRegistration(registration, who);
  const contact = contactOf(registration, who);
  if (contact.port !== undefined && contact.port !== null) {
    throw new TypeError(
      `${who}: the contact ${contact.uri} has a port, which SIP.js cannot write (it writes its contact as contactName@viaHost)`,
    );
  }
  if (!contact.user) throw new TypeError(`${who}: the contact ${contact.uri} has no user part (SIP.js's contactName)`);
  new SipregTransport(registration, options); // the same checks, now rather than in the UserAgent
  const transportConstructor = class extends SipregTransport {
    constructor() {
      super(registration, options);
    }
  };
  const out = {
    transportConstructor,
    contactName: contact.user,
    contactParams: paramsObject(contact.params),
    viaHost: contact.host,
  };
  const instance = instanceUuid(contact.instance);
  if (instance) out.instanceId = instance;
  return out;
}

/**
 * The contact's URI parameters as SIP.js's contactParams (name → value, null for a flag). The
 * core gives them as the text of the URI's parameter part ("transport=ws;ob", RFC 3261 §19.1.1:
 * ";"-separated, "=" before a value; neither can be inside one unescaped).
 * @param {string | null | undefined} params
 */
function paramsObject(params) {
  const out = {};
  for (const p of String(params ?? '').split(';')) {
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) out[p] = null;
    else out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
