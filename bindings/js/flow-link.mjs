// flow-link.mjs — what the two call-stack adapters (jssip.mjs, sipjs.mjs) share: a link between a
// Registration and a SIP stack that speaks over the registration's flow. While linked, every
// request that reaches the flow is taken from the core (the event's default, the core's own
// answer, is prevented) and handed to the stack with the responses to the stack's own requests;
// the stack's messages go out on the flow as they are; the flow's ups and downs are reported.
// Nothing here reads or writes a message: the stack does, and the core composes what it answers.

/** The transports a browser SIP stack speaks (RFC 7118: SIP over WebSocket). */
const STACK_KINDS = new Set(['ws', 'wss']);

/**
 * Check that `registration` is a sipreg Registration the adapters can ride.
 * @param {any} registration
 * @param {string} who the adapter's name, for the error
 */
export function checkRegistration(registration, who) {
  const ok = registration && typeof registration.addEventListener === 'function' && typeof registration.send === 'function';
  if (!ok) {
    const got = registration === null ? 'null' : typeof registration;
    throw new TypeError(`${who}: registration must be a sipreg Registration (from createRegistration), got ${got}`);
  }
  return registration;
}

/**
 * The registration's first contact as the core sent it ({ uri, user, host, port, params,
 * transport, instance }: the core's parts, see Registration#contact).
 * @param {any} registration
 * @param {string} who
 */
export function contactOf(registration, who) {
  const c = registration.contact;
  if (!c || typeof c.uri !== 'string' || !c.uri) {
    throw new TypeError(`${who}: the registration has no contact yet (registration.contact is ${c === null ? 'null' : typeof c})`);
  }
  return c;
}

/**
 * The flow's kind ('ws' or 'wss'): the one a WebSocket SIP stack can speak as its own.
 * @param {any} registration
 * @param {string} who
 */
export function stackKind(registration, who) {
  const kind = String(registration.flow?.kind ?? registration.contact?.transport ?? '').toLowerCase();
  if (!STACK_KINDS.has(kind)) {
    throw new TypeError(`${who}: the registration's flow must be ws or wss (a WebSocket SIP stack), got "${kind || 'none'}"`);
  }
  return kind;
}

/**
 * The bare UUID of an instance-id "urn:uuid:…" (RFC 5626 §4.1), as JsSIP and SIP.js take it.
 * @param {string | undefined | null} instance the contact's instance, with or without <>
 * @returns {string | undefined} the UUID, or undefined when there is none
 */
export function instanceUuid(instance) {
  const m = /^<?urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>?$/i.exec(String(instance ?? ''));
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * The where-to of the flow for a stack that names its server: the WebSocket URL and the SIP URI
 * of that server (RFC 7118 §5.2: transport=ws for both ws and wss).
 * @param {any} registration
 * @param {string} kind 'ws' | 'wss'
 * @returns {{ url: string, serverUri: string }}
 */
export function serverOf(registration, kind) {
  const url = typeof registration.flow?.url === 'string' ? registration.flow.url : `${kind}://${registration.contact.host}`;
  let hostport = registration.contact.host;
  try {
    const u = new URL(url);
    hostport = u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    /* not a URL: the contact's host stands in */
  }
  return { url, serverUri: `sip:${hostport};transport=ws` };
}

/** The link: requests and responses on the flow to the stack while linked. */
export class FlowLink {
  #reg;
  /** @type {{ text: (t: string) => void, up: () => void, down: (why: any) => void } | null} */
  #to = null;
  /** @type {Array<[string, (e: any) => void]>} the registration's listeners while linked */
  #on = [
    [
      'request',
      (e) => {
        e.preventDefault(); // the stack answers it, not the core's table
        this.#hand(e.detail.text);
      },
    ],
    ['response', (e) => this.#hand(e.detail.text)],
    ['flowup', () => this.#to?.up()],
    ['flowdown', (e) => this.#to?.down(e.detail)],
  ];

  /** @param {any} registration a checked Registration */
  constructor(registration) {
    this.#reg = registration;
  }

  /** @returns {boolean} whether the registration's flow is up now */
  get up() {
    return this.#reg.flowUp === true;
  }

  /**
   * Hand the flow's traffic to a stack from now on.
   * @param {{ text: (t: string) => void, up: () => void, down: (why: any) => void }} to
   */
  link(to) {
    if (!this.#to) for (const [type, f] of this.#on) this.#reg.addEventListener(type, f);
    this.#to = to;
  }

  /** Stop handing: requests are the core's again (answered by its table). */
  unlink() {
    if (this.#to) for (const [type, f] of this.#on) this.#reg.removeEventListener(type, f);
    this.#to = null;
  }

  /**
   * Send the stack's message on the flow, as it is.
   * @param {string} text
   * @returns {boolean} false when the flow is down
   */
  send(text) {
    return this.#to !== null && this.#reg.send(String(text)) === true;
  }

  // After the dispatch (a stack that answers from inside its receive would otherwise send in the
  // middle of the core's event), in arrival order (microtasks run first in, first out).
  #hand(text) {
    const to = this.#to;
    queueMicrotask(() => {
      if (this.#to === to) to.text(text);
    });
  }
}
