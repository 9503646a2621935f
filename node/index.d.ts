// Types of the sipreg package (ESM and CommonJS entries).

export interface ContactOptions {
  /** Full contact URI; omit to let the core generate sip:<random>@<random>.invalid;transport=ws. */
  uri?: string;
  /** Per-binding expires (seconds). */
  expires?: number;
  /** q-value 0..1. */
  q?: number;
}

/** Where a SIP flow goes (RFC 3263 §4: node/locate.mjs's targets; info.target). */
export interface Target {
  transport: 'udp' | 'tcp' | 'tls';
  /** The name the address came from (SRV target, URI host) or the IP literal. */
  host: string;
  port: number;
  address?: string;
  /** How it was chosen: 'naptr', 'srv', 'a', 'literal', 'configured' (options.targets), 'multicast', 'responder'. */
  source?: string;
}

export interface RegistrationOptions {
  /** Where to send: a ws:// or wss:// URL of a SIP WebSocket edge (RFC 7118), or (Node) a SIP URI
   *  `sip:host[:port][;transport=udp|tcp|tls]` / `sips:host[:port]` (TLS). A SIP URI on another
   *  host than the Request-URI's is an outbound proxy: it becomes `route` (RFC 3261 §8.1.2).
   *  Omitted (Node): RFC 3263 (NAPTR, SRV, A/AAAA) on the Request-URI's host, with failover. */
  server?: string;
  /** Address-of-record, e.g. "sip:alice@example.com". */
  aor: string;
  /** Third-party registration (RFC 3261 §10.2): the From URI (the one responsible); To stays the
   *  AOR. The digest username defaults to its user part. */
  from?: string;
  /** Outbound proxy: every REGISTER carries `Route: <route;lr>` (RFC 3261 §8.1.2). Node sets it
   *  from a sip: `server` on another host than the Request-URI's unless given here. */
  route?: string;
  /** Node: DNS servers for RFC 3263 ('ip[:port]'; default: the system's). */
  dns?: string[];
  /** Node: the transport to use when the server URI or DNS does not fix one. */
  transport?: 'udp' | 'tcp' | 'tls';
  /** Node: TLS options for tls flows (node:tls): a CA to trust, the name the certificate must carry
   *  (default: the SIP domain, RFC 5922 §4), or rejectUnauthorized: false (never in production). */
  tls?: { ca?: string | string[]; servername?: string; rejectUnauthorized?: boolean; cert?: string; key?: string };
  /** Node, discovery 'multicast' (RFC 3261 §10.2.6): the group (224.0.1.75), port (5060), TTL (1)
   *  and the local IPv4 interface address. */
  multicast?: { group?: string; port?: number; ttl?: number; interface?: string };
  auth?: { username?: string; password?: string; ha1?: string };
  /** Requested expiry in seconds (default 600). */
  expires?: number;
  contacts?: ContactOptions[];
  /** Request-URI override (default: the AOR's host). */
  registrar?: string;
  discovery?: 'configured' | 'aor' | 'multicast';
  /** "urn:uuid:..." instance id (RFC 5626 §4.1). When omitted: the one kept in `store`, else the
   *  one in `state`, else a random one for this registration (a new binding per process). */
  instance?: string;
  /** Node: a JSON file keeping one instance-id per AOR (created mode 0600, replaced atomically),
   *  so a restarted process replaces its own binding. */
  store?: string;
  /** Browser entry (web/sipreg.mjs): where the instance-id per AOR is kept when neither
   *  `instance` nor `state` is given (default localStorage, key "sipreg.instance:<aor>"); false:
   *  a random one. Storage errors (private mode) fall back to a random one. */
  instanceStore?: false | { getItem(key: string): string | null; setItem(key: string, value: string): void };
  /** Browser entry (bundlers): where sipreg.wasm is when the bundler does not rewrite
   *  `new URL('./sipreg.wasm', import.meta.url)` (esbuild: `import wasmUrl from 'sipreg/sipreg.wasm'`
   *  with loader "file"; a CDN). The first load decides; another address later is refused. */
  wasmUrl?: string | URL;
  /** ms a connection attempt may take (TCP connect + TLS + WebSocket handshake), then it is
   *  abandoned and the flow reported down with cause "handshake-timeout" (WebSocket) or
   *  "connect-timeout" (TCP/TLS) (default 10000). */
  connectTimeout?: number;
  regId?: number;
  outbound?: boolean;
  userAgent?: string;
  supported?: string;
  extraHeaders?: string | Record<string, string>;
  /** The methods the app handles on the flow, sent as Allow in the core's answers (a 200 to
   *  OPTIONS, 405, 501); default ['OPTIONS']: a call stack on the flow gives its own list. */
  allow?: string[];
  /** The body types the app accepts, sent as Accept in the core's 200 to OPTIONS (default
   *  ['application/sdp']). */
  accept?: string[];
  manualRefresh?: boolean;
  viaHost?: string;
  policy?: {
    t1Ms?: number;
    t2Ms?: number;
    refreshMargin?: number;
    shortMargin?: number;
    retryBase?: number;
    retryBaseUp?: number;
    retryMax?: number;
    maxRetryAfter?: number;
    maxAuthRetries?: number;
    otherFlowUp?: boolean;
    keepaliveS?: number;
    pongTimeoutMs?: number;
    minGrant?: number;
    /** Liveness probes while the flow is silent and the registrar promised no pongs: 'options'
     *  (default; a request the registrar answers), 'host' (a WebSocket ping; chosen by default
     *  when the WebSocket implementation can ping, i.e. Node's own client), 'none'. Over UDP
     *  'options' also stands in for STUN when an outbound registrar answers none ('none': the
     *  flow fails instead). */
    probe?: 'options' | 'host' | 'none';
    /** Silence (s) before a probe (default 30). */
    probeS?: number;
    /** Keep retrying with back-off after rejected credentials (default false: stop, state "failed"). */
    retryCredentials?: boolean;
    /** 3xx redirects followed per attempt (default 5). */
    maxRedirects?: number;
    /** How long unregister() keeps trying (new flows) before it rejects; fetch() gives up at its
     *  first failed flow (default 32000 ms). */
    commandMs?: number;
    /** Other servers to fail over to per attempt on a Timer F timeout or a 503 (RFC 3263 §4.3;
     *  default 0). */
    alternates?: number;
    /** A REGISTER larger than this (bytes) is sent over TCP instead of UDP (RFC 3261 §18.1.1;
     *  default 1300). */
    udpMax?: number;
  };
  /** 32 bytes of entropy (default: crypto.getRandomValues). */
  seed?: Uint8Array;
  /** A blob from Registration.export(): continue the same binding (refused blobs: a fresh start
   *  and an "error" event with code SIPREG_E_STATE_BLOB). */
  state?: string;
  /** CRLF keep-alive (RFC 5626): 'auto' (default) after an outbound registration, or always/never. */
  keepalive?: 'never' | 'auto' | 'always';
  /** WebSocket implementation to use instead of the default. */
  WebSocket?: unknown;
  /** Node: fixed targets instead of locating the server (tests; callers that located it themselves). */
  targets?: Array<{ transport: 'udp' | 'tcp' | 'tls'; host: string; port: number; address?: string }>;
}

/** The options of register(), fetch(), setContacts() and whenRegistered(). */
export interface CallOptions {
  /** Its abort rejects this call's promise with `signal.reason` (aborted already: at once, nothing
   *  sent). Only the promise: the registration goes on as without it (a request on the wire is
   *  answered, its outcome fires events and moves the state); unregister() or close() stop it. */
  signal?: AbortSignal;
}
/** Options of unregister(). */
export interface UnregisterOptions extends CallOptions {
  /** Remove every binding of the AOR ("Contact: *"), not only ours (default false). */
  all?: boolean;
}

/** One row of the option table (OPTIONS, POOL_OPTIONS; bindings/js/options.mjs). */
export interface OptionSpec {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'object' | 'list' | 'url' | 'bytes' | 'headers' | 'signal' | 'any';
  /** integer, number: the range. */
  min?: number;
  max?: number;
  unit?: 's' | 'ms' | 'bytes';
  /** enum: the accepted values. */
  values?: string[];
  /** object: its options; list: the options of each entry. */
  fields?: Record<string, OptionSpec>;
  /** url: the accepted schemes. */
  schemes?: string[];
  /** What applies when left out (a value, or words such as "the AOR's domain"). */
  default?: string | number | boolean;
  /** The core setting it becomes (sipreg_config_set). */
  key?: string;
  /** Read by one entry only (its shape is checked there). */
  host?: 'node' | 'web';
  required?: boolean;
  secret?: boolean;
  nullable?: boolean;
  /** What to do instead, named when the value is 0. */
  zero?: string;
  /** What it means, one line. The browser entry's tables carry it on a required option only
   *  (the words stay out of browser bundles); the Node entry's on every option. */
  doc?: string;
}
/** createRegistration options (pool.add: the same but the pool's and the entries' own). */
export declare const OPTIONS: Readonly<Record<string, OptionSpec>>;
/** RegistrationPool constructor options. */
export declare const POOL_OPTIONS: Readonly<Record<string, OptionSpec>>;
/** The entry's exports once usable: ESM at once; CommonJS (require) once the wasm is loaded —
 *  await it before the synchronous names (parse, uriEqual, version, core, the classes). */
export declare const ready: Promise<typeof import('./index')>;
/** The loaded wasm core (its marshalling; for tools and tests, not a stable API). */
export declare const core: unknown;

/** A flow registrations go over: a WebSocketFlow, or (Node) a UDP/TCP/TLS flow. */
export interface Flow extends EventTarget {
  readonly kind: 'ws' | 'wss' | 'udp' | 'tcp' | 'tls';
  readonly up: boolean;
  readonly url: string;
  readonly lastCause: FlowCause | null;
  /** UDP/TCP/TLS: the local address while up. */
  readonly local?: { address: string; port: number } | null;
  /** UDP/TCP/TLS: where it goes. */
  readonly target?: Target | null;
}

export interface Binding {
  ours: boolean;
  uri: string;
  matchedBy: 'instance' | 'gruu' | 'uri' | 'none' | null;
  instance: string | null;
  regId: number | null;
  q: number | null;
  requested: number | null;
  granted: number | null;
  /** Unix ms. */
  expiresAt: number | null;
  pubGruu: string | null;
  tempGruu: string | null;
}

export interface RegistrationInfo {
  state: 'idle' | 'registering' | 'registered' | 'refreshing' | 'unregistering' | 'backoff' | 'failed';
  flowUp: boolean;
  inFlight: boolean;
  /** Unix ms, or null. */
  refreshAt: number | null;
  expiresAt: number | null;
  retryAt: number | null;
  requested: number | null;
  granted: number | null;
  failures: number;
  lastStatus: number | null;
  clockSkewMs: number | null;
  skewErrorMs: number | null;
  callId: string;
  cseq: number;
  serviceRoute: string[];
  path: string[];
  othersOmitted: number;
  /** Keep-alives are on for this flow: CRLF (RFC 5626 §4.4.1), or STUN over UDP (§4.4.2). */
  keepalive: boolean;
  /** The keep-alive interval bound (s): the registrar's Flow-Timer, else policy.keepaliveS. */
  keepaliveS: number;
  /** How the flow's liveness is watched: CRLF pings, OPTIONS probes, the host's ping, STUN
   *  Binding requests (UDP), or not. */
  liveness: 'none' | 'crlf' | 'options' | 'host' | 'stun';
  /** Unix ms of the next keep-alive ping or probe, or null. */
  pingAt: number | null;
  /** Unix ms by which the pong must arrive (a ping is out), or null. */
  pongDeadline: number | null;
  /** The flow's address as the registrar's STUN answers name it ("192.0.2.1:5060"; RFC 5626
   *  §4.4.2: a new one fails the flow, reason "mapping"), or null. */
  mapped: string | null;
  bindings: Binding[];
  /** Where the flow goes (Node SIP flows; null for WebSocket). */
  target?: Target | null;
}

/** Why a flow failed or ended ("flowdown" detail.cause, RegistrationError.cause). */
export interface FlowCause {
  /** A system error (ECONNREFUSED, ENOTFOUND, ECONNRESET, …), a DNS failure of RFC 3263
   *  (ENOTFOUND, ENOTARGET, ELOOP, ETIMEOUT, …), or 'http-status', 'handshake',
   *  'handshake-timeout', 'connect-timeout' (TCP/TLS), 'tls', 'framing' (a TCP/TLS peer that does
   *  not frame SIP by Content-Length), 'closed', 'failed' (dropped by sipreg), 'unreachable' (browsers). */
  code: string;
  message: string;
  /** 'http-status': the HTTP status the server answered the upgrade with. */
  status?: number;
  /** 'tls': the TLS error's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED. */
  tls?: string;
  /** 'closed': the WebSocket close code and reason. */
  closeCode?: number;
  reason?: string;
  /** 'failed': the registration's reason (timeout, network, …). */
  why?: string;
}

/** "flowdown": the flow went down (detail.cause says why). */
export interface FlowDownDetail {
  code: number;
  reason: string;
  wasUp: boolean;
  requested: boolean;
  cause: FlowCause;
}

/** The detail every registration event carries (the core's event, with a snapshot). */
export interface RegistrationEventDetail {
  /** The core's event name ("failed" is dispatched as "registrationfailed"). */
  type:
    | 'statechange'
    | 'registered'
    | 'unregistered'
    | 'failed'
    | 'retry'
    | 'expiring'
    | 'lapsed'
    | 'bindings'
    | 'nobinding'
    | 'flowfailed'
    | 'redirect'
    | 'liveness';
  /** The state after the event. */
  state: RegistrationInfo['state'];
  /** Why: 'none', 'command', 'ok', 'refresh', 'lapsed', 'status', 'timeout', 'flow', 'auth',
   *  'interval', 'no-binding', 'retry-after', 'backoff', 'credentials', 'redirect', 'refused',
   *  'network', 'gave-up', 'extension', 'mapping', 'no-stun'. */
  reason: string;
  /** The REGISTER operation the event concerns. */
  op: 'none' | 'register' | 'unregister' | 'unregister-all' | 'fetch';
  /** The SIP status involved, or null. */
  status: number | null;
  /** The reason phrase (or, for "redirect", the new Request-URI), or null. */
  text: string | null;
  /** A SIPREG_E_* name involved, or null. */
  error: string | null;
  /** That error in words, or null. */
  message: string | null;
  /** Unix ms the event refers to (registered: the refresh time; failed, retry: the next try), or null. */
  at: number | null;
  /** The snapshot as of this event. */
  info: RegistrationInfo;
  /** "registrationfailed" for want of a flow: the flow's last failure. */
  cause?: FlowCause | null;
}
/** "registered": our bindings confirmed. */
export interface RegisteredDetail extends RegistrationEventDetail {
  /** Seconds granted (the minimum over our bindings). */
  granted: number;
}
/** "unregistered": our bindings (or all of them) removed. */
export interface UnregisteredDetail extends RegistrationEventDetail {
  /** true for unregister({ all: true }) ("Contact: *"). */
  all: boolean;
}
/** "registrationfailed": an attempt failed. */
export interface FailedDetail extends RegistrationEventDetail {
  /** Failed attempts in a row. */
  failures: number;
}
/** "retry": the next attempt is scheduled at `at`. */
export interface RetryDetail extends RegistrationEventDetail {
  /** ms from now until the attempt. */
  delayMs: number;
}
/** "expiring": the refresh point (with manualRefresh the application calls register()). */
export interface ExpiringDetail extends RegistrationEventDetail {
  /** Seconds left of the binding. */
  secondsLeft: number;
}
/** "lapsed": our binding expired before it was refreshed (a late wake-up). */
export interface LapsedDetail extends RegistrationEventDetail {
  /** ms since it expired. */
  lateMs: number;
}
/** "bindings": a 2xx updated the binding view (a fetch, or any 2xx). */
export interface BindingsDetail extends RegistrationEventDetail {
  /** Bindings the 2xx listed. */
  count: number;
}
/** "nobinding": a 2xx to our REGISTER did not list (all) our bindings. */
export interface NoBindingDetail extends RegistrationEventDetail {
  /** Our bindings missing from it. */
  missing: number;
}
/** "redirect": a 3xx was followed; `text` is the new Request-URI. */
export interface RedirectDetail extends RegistrationEventDetail {
  /** A 301: later refreshes go there too. */
  permanent: boolean;
}
/** "liveness": how the flow's liveness is watched changed (reason "no-stun": the registrar answers
 *  no STUN, OPTIONS probes keep the UDP flow; `text` says so). */
export interface LivenessDetail extends RegistrationEventDetail {
  /** The new liveness as the core's number (enum sipreg_liveness; info.liveness names it). */
  liveness: number;
}
/** "message": a message sent or received (only built while something listens). */
export interface MessageDetail {
  direction: 'in' | 'out';
  /** The message; "" for a datagram that is no text (then `bytes`). */
  text: string;
  /** A datagram that is no text (a STUN keep-alive over UDP), as it went or came. */
  bytes?: Uint8Array;
  /** Received messages: 'ok', 'request' (the host's to answer), 'stale' (a late or duplicate copy of a
   * response to the core's own, dropped), or the SIPREG_E_* name it was dropped with. */
  result?: string;
}
/** "error": input dropped, a saved state refused, a flow address refused. */
export interface ErrorDetail {
  code: string;
  message: string;
  /** The received text that was dropped. */
  text?: string;
  /** The received bytes that were dropped (a datagram that is no text). */
  bytes?: Uint8Array;
}

/** "flowup": the flow came up (the core was told; its members may send now). */
export interface FlowUpDetail {
  /** 'ws', 'wss', 'udp', 'tcp', 'tls'. */
  kind: string | null;
  /** The flow's local address (UDP/TCP/TLS), null for WebSocket. */
  local: { address: string; port: number } | null;
}
/** "request": a request arrived on the registered flow (cancelable). Nobody takes it: after the
 *  dispatch the core answers with `answer`. A listener takes it with event.preventDefault() (then
 *  nothing is sent until it responds) or by calling respond(). */
export interface RequestDetail {
  /** The request's method (as written: methods are case-sensitive). */
  method: string;
  /** The whole request as it arrived. */
  text: string;
  /** The parse view (built on first read). */
  readonly message: ParsedMessage;
  /** The status the core sends when nobody takes the request (its request table), 0: none (ACK). */
  answer: number;
  /** The registration whose contact (or GRUU, or AOR) the Request-URI names; null on a pool's
   *  event when it names none of its members. */
  registration: Registration | null;
  /** Send a response composed by the core (Via, From, To with its tag, Call-ID, CSeq copied);
   *  status 0: the core's answer; reason: the standard phrase when left out; headers: extra
   *  lines. Returns the status sent (0: none, for an ACK or while the flow is down). Throws a SipregError naming
   *  `status`, `reason` or `headers` when refused. */
  respond(status?: number, reason?: string, headers?: string | Record<string, string | number>): number;
}
/** "response": a response on the flow that is not the core's (the app's own transactions). */
export interface ResponseDetail {
  text: string;
  /** The parse view (built on first read). */
  readonly message: ParsedMessage;
  /** The registration it arrived for; null on a pool's event for none of its members. */
  registration: Registration | null;
}
/** Our first contact as the core sends it, in parts (the core's URI parser). */
export interface ContactParts {
  uri: string;
  user: string;
  host: string;
  port: number | null;
  /** ";a=b;c" URI parameters, leading ';' kept. */
  params: string;
  /** The ;transport= value, or null. */
  transport: string | null;
  /** The +sip.instance it carries ("urn:uuid:…"), or null without outbound. */
  instance: string | null;
}

/** Every event of a Registration and its detail. */
export interface RegistrationEventMap {
  statechange: RegistrationEventDetail;
  registered: RegisteredDetail;
  unregistered: UnregisteredDetail;
  registrationfailed: FailedDetail;
  retry: RetryDetail;
  expiring: ExpiringDetail;
  lapsed: LapsedDetail;
  bindings: BindingsDetail;
  nobinding: NoBindingDetail;
  flowfailed: RegistrationEventDetail;
  redirect: RedirectDetail;
  liveness: LivenessDetail;
  message: MessageDetail;
  error: ErrorDetail;
  flowdown: FlowDownDetail;
  flowup: FlowUpDetail;
  request: RequestDetail;
  response: ResponseDetail;
}

/** Events of a RegistrationPool and their detail. */
export interface RegistrationPoolEventMap {
  request: RequestDetail;
  response: ResponseDetail;
  /** A message for none of the members (or bad input): its text and the flow's index. */
  unrouted: { text: string; flow: number };
  flowdown: FlowDownDetail & { flow: number };
}

export declare class Registration extends EventTarget {
  readonly aor: string;
  readonly state: RegistrationInfo['state'];
  readonly info: RegistrationInfo;
  readonly bindings: Binding[];
  readonly callId: string;
  readonly memory: number;
  /** The flow it goes over (a pool's registrations share their flow's). */
  readonly flow: Flow | null;
  /** Whether that flow is up now ("flowup" / "flowdown" say when it changes). */
  readonly flowUp: boolean;
  /** Our first contact as sent, in parts: what a call stack on this flow puts in its own
   *  messages so that requests reach it here; null when closed. */
  readonly contact: ContactParts | null;
  /** The keys a pool routes requests for this registration by (its contacts, GRUUs, AOR). */
  readonly requestKeys: string[];
  /** Hand the app's own request or response to the flow as it is; false when the flow is down. */
  send(text: string): boolean;
  /** Resolves when registered; rejects with the attempt's RegistrationError (the core keeps
   *  retrying after a transient failure: see whenRegistered). Each call has its own promise. */
  register(options?: CallOptions): Promise<RegisteredDetail>;
  unregister(options?: UnregisterOptions): Promise<UnregisteredDetail>;
  fetch(options?: CallOptions): Promise<Binding[]>;
  setContacts(contacts: ContactOptions[], options?: CallOptions): Promise<RegisteredDetail>;
  /** Resolves at the next "registered" (at once when registered now), waiting through retries;
   *  rejects when the registration stops for good (state "failed"; at once with code "stopped"
   *  when already failed), on close() (code "closed"), or with signal.reason. Starts nothing:
   *  call register() too. */
  whenRegistered(options?: CallOptions): Promise<RegisteredDetail>;
  addEventListener<K extends keyof RegistrationEventMap>(
    type: K,
    listener: (event: CustomEvent<RegistrationEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  /** Act on due deadlines now; network: true when the network changed (failures forgotten, a
   *  fresh flow, one attempt at once). */
  wake(options?: { network?: boolean }): void;
  /** The flow's transport-level ping was answered (hosts of their own flows call this). */
  pong(): void;
  /** Free the registration (no unregister); pending promises reject with code "closed". */
  close(): void;
  /** Opaque state blob for createRegistration({ state }). */
  export(): string;
  /** Set when options.state was refused. */
  readonly stateError?: SipregError;
}

/** A failed attempt: the "registrationfailed" detail's fields (its `message` is `description`). */
export declare class RegistrationError extends Error {
  name: 'RegistrationError';
  type: 'failed';
  op: RegistrationEventDetail['op'];
  status: number | null;
  reason: string;
  at: number | null;
  state: RegistrationInfo['state'];
  text: string | null;
  error: string | null;
  description: string | null;
  failures?: number;
  info: RegistrationInfo;
  /** The flow's failure when the attempt failed for want of a flow. */
  cause?: FlowCause;
}
/** An error of sipreg's core or configuration. A wrong option (createRegistration, pool.add, the
 *  pool, setContacts, a call's options) is code 'SIPREG_E_CONFIG' with option, value and problem. */
export declare class SipregError extends Error {
  /** 'SIPREG_E_CONFIG', or another SIPREG_E_* of the core. */
  code: string;
  /** SIPREG_E_CONFIG: the option's dotted path: 'expires', 'policy.retryBase', 'contacts[1].q',
   *  'auth.username', 'server'. */
  option?: string;
  /** SIPREG_E_CONFIG: the value given ('(hidden)' for auth.password and auth.ha1). */
  value?: unknown;
  /** SIPREG_E_CONFIG: the core setting, where the option is one ('reg-id', 'udp-max'). */
  key?: string;
  /** SIPREG_E_CONFIG: the sentence naming the option and the value (the message without its
   *  "SIPREG_E_CONFIG: " prefix), e.g. "expires must be an integer ≥ 1 (seconds), got 'abc'". */
  problem?: string;
  /** uriEqual: which URI ('A' or 'B') does not parse, and where. */
  uri?: 'A' | 'B';
  offset?: number;
}

export declare class RegistrationPool extends EventTarget {
  /** server: ws:// or wss://, or (Node) sip:host[:port][;transport=udp]: the members share UDP
   *  sockets (no Route is added: the server is the next hop); flows (1): WebSocket connections or
   *  UDP sockets the registrations share; rate (200) commands per second;
   *  now/wall: the monotonic and Unix clocks in ms (tests). */
  constructor(options: {
    /** ws://, wss://, or (Node) a sip: URI over UDP. */
    server: string;
    flows?: number;
    rate?: number;
    maxRegistrations?: number;
    connectTimeout?: number;
    WebSocket?: unknown;
    now?: () => number;
    wall?: () => number;
    /** Node: the registrations in this many worker threads (1..64), one wasm instance each;
     *  the constructor then returns a WorkerPool (flows, rate, maxRegistrations: totals split
     *  over the workers; WebSocket, now and wall are not taken). */
    workers?: number;
  });
  rate: number;
  /** add() throws a RangeError beyond this many (default 100,000). */
  maxRegistrations: number;
  readonly registrations: Registration[];
  /** store, instanceStore and connectTimeout are not read here (the pool's constructor takes
   *  connectTimeout; pass `instance` for a stable instance-id). */
  add(options: Omit<RegistrationOptions, 'server' | 'store' | 'instanceStore' | 'wasmUrl' | 'connectTimeout' | 'WebSocket'>): Registration;
  registerAll(): Promise<PromiseSettledResult<unknown>[]>;
  unregisterAll(options?: UnregisterOptions): Promise<PromiseSettledResult<unknown>[]>;
  wake(options?: { network?: boolean }): void;
  close(): void;
  addEventListener<K extends keyof RegistrationPoolEventMap>(
    type: K,
    listener: (event: CustomEvent<RegistrationPoolEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}

/** A registration of a WorkerPool: the commands of Registration, its events forwarded from its
 *  worker once listened to; what lives in the worker is read with `await get(name)`. */
export interface WorkerRegistration extends EventTarget {
  readonly aor: string;
  /** Its place in pool.registrations. */
  readonly index: number;
  register(options?: CallOptions): Promise<RegisteredDetail>;
  unregister(options?: UnregisterOptions): Promise<UnregisteredDetail>;
  fetch(options?: CallOptions): Promise<Binding[]>;
  setContacts(contacts: ContactOptions[], options?: CallOptions): Promise<RegisteredDetail>;
  whenRegistered(options?: CallOptions): Promise<RegisteredDetail>;
  get(name: 'info'): Promise<RegistrationInfo>;
  get(name: 'state'): Promise<RegistrationInfo['state']>;
  get(name: 'bindings'): Promise<Binding[]>;
  get(name: 'callId'): Promise<string>;
  get(name: 'memory'): Promise<number>;
  get(name: 'contact'): Promise<ContactParts | null>;
  get(name: 'requestKeys'): Promise<string[]>;
  get(name: 'flowUp'): Promise<boolean>;
  close(): void;
}

/** What `new RegistrationPool({ workers: n, ... })` returns on Node (node/worker-pool.cjs). */
export interface WorkerPool extends EventTarget {
  readonly workers: number;
  rate: number;
  maxRegistrations: number;
  /** Settles once every worker has loaded (commands wait for it anyway). */
  readonly ready: Promise<WorkerPool>;
  readonly registrations: WorkerRegistration[];
  add(
    options: Omit<RegistrationOptions, 'server' | 'store' | 'instanceStore' | 'wasmUrl' | 'connectTimeout' | 'WebSocket'>,
  ): WorkerRegistration;
  /** Results without `info` (each worker's many results cross threads). */
  registerAll(): Promise<PromiseSettledResult<unknown>[]>;
  unregisterAll(options?: UnregisterOptions): Promise<PromiseSettledResult<unknown>[]>;
  /** Registrations by state over every worker. */
  states(): Promise<Record<string, number>>;
  wake(options?: { network?: boolean }): void;
  /** Close every registration and flow (no unregister), then end the workers. */
  close(): Promise<void>;
}

/** One WebSocket flow (RFC 7118); "down" events carry FlowDownDetail. */
export declare class WebSocketFlow extends EventTarget {
  constructor(url: string, options: { WebSocket: unknown; protocols?: string[]; connectTimeout?: number });
  readonly url: string;
  readonly up: boolean;
  readonly canPing: boolean;
  readonly lastCause: FlowCause | null;
  ontext: ((text: string) => void) | null;
  /** Called when the server answers ping(). */
  onpong: (() => void) | null;
  connect(): void;
  send(text: string): boolean;
  /** A WebSocket ping (RFC 6455 §5.5.2); its pong calls onpong. false: cannot ping. */
  ping(): boolean;
  fail(why?: string): void;
  close(): void;
}

export declare function createRegistration(options: RegistrationOptions): Promise<Registration>;
/** Browser entry (bundlers: the package's "browser" condition): load the wasm (once per page),
 *  after which the synchronous names (RegistrationPool, parse, uriEqual, version, core) work;
 *  createRegistration() loads it by itself. Rejects naming the address when it cannot load. */
export declare function load(options?: { wasmUrl?: string | URL }): Promise<typeof import('./index')>;
/** Browser entry: wake() the target on online, a network change, pageshow and a visible page;
 *  returns what removes the listeners. */
export declare function wakeOnResume(target: { wake(options?: { network?: boolean }): void }, win?: Window): () => void;
/** RFC 3263 §4 server location: the ordered targets for a sip:/sips: URI. */
export declare function locate(
  uri: string,
  options?: {
    dns?: string[];
    transport?: 'udp' | 'tcp' | 'tls';
    secure?: boolean;
    random?: () => number;
    timeoutMs?: number;
    /** an injected resolver (tests): node:dns/promises' Resolver shape */
    resolver?: {
      resolveNaptr(name: string): Promise<unknown[]>;
      resolveSrv(name: string): Promise<unknown[]>;
      resolve4(name: string): Promise<string[]>;
      resolve6(name: string): Promise<string[]>;
    };
  },
): Promise<Required<Target>[]>;
/** One binding a local user asked for, as a multicast listener heard it (RFC 3261 §10.2.6). */
export interface ObservedBinding {
  aor: string;
  contact: string;
  q: number | null;
  expires: number;
  expiresAt: number;
  instance: string | null;
  callId: string;
  cseq: number;
  source: { address: string; port: number } | null;
}
/** What listenMulticast() returns: 'binding' and 'expired' events (detail: ObservedBinding). */
export interface MulticastListener extends EventTarget {
  readonly group: string;
  readonly port: number;
  stats: { datagrams: number; registers: number; ignored: number; dropped: number };
  /** the table now, with seconds left */
  bindings(): ObservedBinding[];
  close(): void;
}
/** Observe REGISTERs on the multicast group (RFC 3261 §10.2.6); never answers. */
export declare function listenMulticast(options?: {
  group?: string;
  port?: number;
  interface?: string;
  maxBindings?: number;
  defaultExpires?: number;
  onBinding?: (b: ObservedBinding) => void;
}): Promise<MulticastListener>;
/** Poll the local addresses every intervalMs (default 5000) and call target.wake({ network: true })
 *  when the set of non-internal addresses changes; the timer is unref()'d. Returns a stop function. */
export declare function watchNetwork(
  target: { wake(options: { network: boolean }): void },
  options?: { intervalMs?: number; interfaces?: () => Record<string, { address: string; internal: boolean }[] | undefined> },
): () => void;
/** The RFC 6455 client used on Node 20 (node:net / node:tls); subclass it to pass TLS options. */
export declare class NodeWebSocket {
  constructor(
    url: string,
    protocols?: string | string[],
    options?: {
      maxPayload?: number;
      handshakeTimeout?: number;
      closeTimeout?: number;
      [tlsOption: string]: unknown;
    },
  );
  readonly url: string;
  readonly protocol: string;
  readonly readyState: number;
  /** the TCP or TLS socket */
  readonly socket: unknown;
  onopen: ((e: object) => void) | null;
  /** cause: why a failed connection failed (null after a normal close). */
  onclose: ((e: { code: number; reason: string; wasClean: boolean; cause: FlowCause | null }) => void) | null;
  /** The server's pong to ping(). */
  onpong: ((payload: Uint8Array) => void) | null;
  /** Send a ping frame (only while open). */
  ping(data?: string | Uint8Array): boolean;
  onerror: ((e: { message: string }) => void) | null;
  onmessage: ((e: { data: string | ArrayBuffer }) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
export declare function loadWebSocket(): Promise<typeof NodeWebSocket>;
/** One Contact of a parsed message (a "*" element is reported by `star`, not listed). */
export interface ParsedContact {
  uri: string;
  display: string | null;
  expires: number | null;
  q: number | null;
  instance: string | null;
  regId: number | null;
  pubGruu: string | null;
  tempGruu: string | null;
  /** the other Contact parameters (not the six above): value, or true when it has none */
  params: Record<string, string | true>;
}
/** The From or To of a parsed message (RFC 3261 §20.20, §20.39). */
export interface ParsedParty {
  /** the URI as written, with its own parameters (those inside <...>) */
  uri: string;
  /** display name, quotes stripped, quoted-pairs kept as written (`"a\"b"` gives `a\"b`); null if none */
  display: string | null;
  /** the tag header parameter; null when absent */
  tag: string | null;
  /** the other header parameters: value, or true when it has none */
  params: Record<string, string | true>;
}
/** One WWW-/Proxy-Authenticate challenge. */
export interface ParsedChallenge {
  scheme: string;
  proxy: boolean;
  realm: string | null;
  nonce: string | null;
  algorithm: string | null;
  qop: string[];
  stale: boolean;
  opaque: string | null;
}
/** A message that parsed. */
export interface ParsedOk {
  ok: true;
  type: 'request' | 'response';
  status: number | null;
  reason: string | null;
  method: string | null;
  ruri: string | null;
  callId: string;
  cseq: { seq: number; method: string };
  from: ParsedParty;
  to: ParsedParty;
  expires: number | null;
  minExpires: number | null;
  flowTimer: number | null;
  retryAfter: number | null;
  dateEpoch: number | null;
  star: boolean;
  contacts: ParsedContact[];
  challenges: ParsedChallenge[];
  serviceRoute: string[];
  path: string[];
  headers: number;
}
/** A message that did not: the SIPREG_E_* name, the byte offset, the words. */
export interface ParsedError {
  ok: false;
  error: string;
  offset: number;
  message: string;
}
/** The `parse()` view (JSON.stringify of it prints what `sipreg parse` prints). */
export type ParsedMessage = ParsedOk | ParsedError;

export declare function parse(message: string | Uint8Array): ParsedMessage;
export declare function uriEqual(a: string, b: string): boolean;
export declare const version: string;
