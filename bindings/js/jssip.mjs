// jssip.mjs — a JsSIP socket over a sipreg registration's flow, so that a JsSIP UA makes and
// receives calls on the flow sipreg registered (RFC 5626: requests to the registered contact
// arrive on that flow) while sipreg, not JsSIP, keeps the registration. JsSIP's socket interface
// (jssip.net, "JsSIP.Socket"): via_transport, url, sip_uri; connect, disconnect, send,
// isConnected, isConnecting; onconnect, ondisconnect, ondata. No import of JsSIP: it calls us.
import { FlowLink, checkRegistration, contactOf, stackKind, instanceUuid, serverOf } from './flow-link.mjs';

const WHO = 'JsSIPSocket';

/** A JsSIP socket whose connection is a sipreg Registration's flow. */
export class JsSIPSocket {
  #link;
  #url;
  #sipUri;
  #transport;
  /** 'idle' (not connected by JsSIP), 'waiting' (connected, the flow is down), 'open' */
  #state = 'idle';

  /** Set by JsSIP: the socket is connected. */
  onconnect = () => {};
  /** Set by JsSIP: (error: boolean, code?: number, reason?: string) the socket went down. */
  ondisconnect = () => {};
  /** Set by JsSIP: (data: string) a message arrived. */
  ondata = () => {};

  /**
   * @param {any} registration a Registration over ws:// or wss://
   * @param {{ url?: string, sipUri?: string }} [options] url and sip_uri as JsSIP shows them
   *   (defaults: the flow's WebSocket URL and its server as a SIP URI)
   */
  constructor(registration, options = {}) {
    checkRegistration(registration, WHO);
    const kind = stackKind(registration, WHO);
    contactOf(registration, WHO);
    const server = serverOf(registration, kind);
    for (const k of ['url', 'sipUri']) {
      if (options[k] !== undefined && (typeof options[k] !== 'string' || !options[k])) {
        throw new TypeError(`${WHO}: option ${k} must be a non-empty string, got ${JSON.stringify(options[k])}`);
      }
    }
    this.#url = options.url ?? server.url;
    this.#sipUri = options.sipUri ?? server.serverUri;
    this.#transport = kind.toUpperCase();
    this.#link = new FlowLink(registration);
  }

  /** @returns {string} the transport JsSIP names in its Via ("WS" or "WSS", RFC 7118 §5) */
  get via_transport() {
    return this.#transport;
  }
  set via_transport(value) {
    this.#transport = String(value).toUpperCase();
  }

  /** @returns {string} the flow's WebSocket URL */
  get url() {
    return this.#url;
  }

  /** @returns {string} the flow's server as a SIP URI (JsSIP's preloaded route, when asked for) */
  get sip_uri() {
    return this.#sipUri;
  }

  /** JsSIP connects: from now on the flow's traffic is JsSIP's; connected when the flow is up. */
  connect() {
    if (this.#state !== 'idle') return;
    this.#state = 'waiting';
    this.#link.link({
      text: (t) => this.ondata(t),
      up: () => this.#open(),
      down: (why) => this.#down(why),
    });
    // JsSIP sets its handlers before it calls connect(), and expects them called later
    if (this.#link.up)
      queueMicrotask(() => {
        if (this.#state === 'waiting' && this.#link.up) this.#open();
      });
  }

  /** JsSIP disconnects (ua.stop()): requests go back to sipreg's core; the flow stays up. */
  disconnect() {
    this.#link.unlink();
    this.#state = 'idle';
  }

  /**
   * @param {string} data a message of JsSIP's
   * @returns {boolean} whether it went out on the flow
   */
  send(data) {
    return this.#state === 'open' && this.#link.send(data);
  }

  /** @returns {boolean} */
  isConnected() {
    return this.#state === 'open';
  }

  /** @returns {boolean} connected by JsSIP, waiting for the flow */
  isConnecting() {
    return this.#state === 'waiting';
  }

  #open() {
    this.#state = 'open';
    this.onconnect();
  }

  // The flow went down: JsSIP learns it (its transactions fail, its UA is "disconnected") and
  // we wait for sipreg's next flow, which JsSIP gets without a reconnect of its own.
  #down(why) {
    if (this.#state !== 'open') return;
    this.#state = 'waiting';
    this.ondisconnect(true, why?.code, why?.reason ?? why?.message);
  }
}

/**
 * The JsSIP UA configuration that rides `registration`: its socket, no registration of JsSIP's
 * own, the contact and instance sipreg registered (so that JsSIP takes the requests sent to it
 * and names the same contact in its dialogs), and the AOR as the UA's uri.
 *   new JsSIP.UA({ ...jssipConfig(reg), password })
 * @param {any} registration
 * @param {{ url?: string, sipUri?: string }} [options] for the socket
 */
export function jssipConfig(registration, options) {
  const socket = new JsSIPSocket(registration, options);
  const contact = contactOf(registration, 'jssipConfig');
  const config = { sockets: [socket], register: false, uri: registration.aor, contact_uri: contact.uri };
  const instance = instanceUuid(contact.instance);
  if (instance) config.instance_id = instance;
  return config;
}
