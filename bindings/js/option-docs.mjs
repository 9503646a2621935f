// option-docs.mjs — what each option means, one line each: the words of the README's option
// reference (scripts/options-reference.mjs prints it) and of the documented tables the Node entry
// exports (OPTIONS, POOL_OPTIONS with `doc` on every row). The checks (options.mjs) do not read
// them, so the browser entry's glue (web.mjs) leaves this module out. Each option's words live in
// one place: here, or on its row in options.mjs where an error says them (a required option:
// "aor is required: …"); tests/js/option-docs.test.mjs walks both.
import { OPTIONS, POOL_OPTIONS, CONTACT, CALL_OPTIONS, UNREGISTER_OPTIONS } from './options.mjs';

/** The words of each option, by table and name. @type {Record<string, Record<string, string>>} */
export const DOCS = {
  /** createRegistration options (OPTIONS; the pool shares connectTimeout and WebSocket) */
  OPTIONS: {
    server:
      'ws:// or wss:// URL of a SIP WebSocket edge; Node: also a sip: or sips: URI (UDP/TCP/TLS; an outbound proxy on another host); Node, left out: the registrar is located by DNS',
    auth: 'credentials for digest challenges',
    expires: 'the expiry asked for',
    contacts: 'our contacts: { uri, expires, q } each',
    registrar: 'the Request-URI',
    discovery: "where the registrar is: registrar (else the AOR's domain), the AOR's domain, or the multicast group",
    instance: 'the instance-id "urn:uuid:…"; left out: the stored one (store, instanceStore), the state\'s, else a random one',
    regId: 'the reg-id of this flow',
    outbound: 'send the instance-id and reg-id (outbound); false: plain registration',
    keepalive: 'keep-alive pings: after an outbound registration (auto), always or never',
    manualRefresh: 'at the refresh point only fire "expiring": the application refreshes',
    from: 'third-party registration: who registers the AOR',
    route: 'an outbound proxy every request is routed through',
    viaHost: "the sent-by host (the flow's address on UDP/TCP/TLS replaces it)",
    userAgent: 'the User-Agent value ("" leaves it out)',
    supported: 'the Supported value ("" leaves it out)',
    allow: "the methods the app handles on the flow, advertised in the core's answers (Allow); a call stack on the flow adds its own",
    accept: "the body types the app accepts, advertised in the core's answer to a capabilities query (Accept)",
    extraHeaders: 'extra header lines: "Name: value\\r\\n…" or { Name: value }',
    policy: 'timers and the retry policy',
    connectTimeout: 'how long a connection attempt may take (TCP, TLS and the WebSocket handshake)',
    state: 'a blob from reg.export(): continue the same binding',
    seed: '32 bytes of entropy',
    WebSocket: 'the WebSocket implementation',
    transport: 'the transport when the server URI and DNS fix none',
    dns: 'DNS servers for locating the registrar ("ip[:port]")',
    tls: 'TLS options: ca, servername, cert, key, rejectUnauthorized',
    multicast: 'discovery "multicast": group, port, ttl, interface',
    store: 'a JSON file keeping one instance-id per AOR (a restarted process replaces its own binding)',
    targets: 'fixed { transport, host, port } targets instead of locating the server (tests)',
    instanceStore: 'where the instance-id per AOR is kept (false: a random one)',
    wasmUrl: "where sipreg.wasm is, when the bundler did not rewrite the entry's new URL() of it next to the module (esbuild, a CDN)",
  },
  /** OPTIONS.auth.fields */
  AUTH: {
    username: 'the digest user name',
    password: 'the password (never exported)',
    ha1: 'the precomputed hex H(user:realm:password), instead of password',
  },
  /** each contact (CONTACT, OPTIONS.contacts.fields) */
  CONTACT: {
    uri: "the contact URI; left out: a random one the core makes (and the flow's address on UDP/TCP/TLS)",
    expires: "this binding's expiry (0: remove it in the same request)",
    q: "preference among the AOR's bindings (0..1, three decimals)",
  },
  /** OPTIONS.policy.fields */
  POLICY: {
    t1Ms: 'T1, the round-trip estimate; Timer F = 64 × T1',
    t2Ms: 'T2, the cap of the retransmit interval (at least t1Ms)',
    refreshMargin: 'grants over 64 s: refresh in [E/2, E − margin]',
    shortMargin: 'grants of 64 s or less: refresh at E − this, not before E/2',
    retryBase: 'back-off base time when every flow failed',
    retryBaseUp: 'back-off base time while another flow is up',
    retryMax: 'back-off cap (at least retryBase)',
    maxRetryAfter: 'longest wait a server may ask for that is honoured',
    maxAuthRetries: 'challenges answered per attempt',
    otherFlowUp: 'the host has another working flow (retryBaseUp applies)',
    keepaliveS: 'keep-alive interval bound when the registrar sets no Flow-Timer',
    pongTimeoutMs: 'how long a keep-alive waits for its pong',
    minGrant: 'shorter grants are scheduled as this (no refresh storms)',
    probe:
      'liveness probe of a silent flow without pongs: a request the registrar answers, a WebSocket ping (the default where the client can ping), or none',
    probeS: 'silence before a probe',
    retryCredentials: 'keep retrying after rejected credentials (default: stop, state "failed")',
    maxRedirects: 'redirects followed per attempt',
    commandMs: 'how long unregister() keeps trying before it rejects',
    alternates: 'other servers an attempt fails over to on a timeout or when the server is unavailable',
    udpMax: 'a larger request goes over TCP instead of UDP',
  },
  /** RegistrationPool options (POOL_OPTIONS) */
  POOL_OPTIONS: {
    flows: 'WebSocket connections (or UDP sockets) the registrations share',
    rate: 'commands started per second in bursts',
    maxRegistrations: 'most registrations add() takes',
    now: 'the monotonic clock in ms (tests)',
    wall: 'the Unix clock in ms (tests)',
  },
  /** register(), fetch(), setContacts(), whenRegistered() (CALL_OPTIONS) */
  CALL_OPTIONS: {
    signal: "an AbortSignal: its abort rejects this call's promise with signal.reason",
  },
  /** unregister() (UNREGISTER_OPTIONS; signal: CALL_OPTIONS) */
  UNREGISTER_OPTIONS: {
    all: 'remove every binding of the AOR, not only ours',
  },
};

/** The tables DOCS names (the pool's rows shared with OPTIONS are documented there). */
export const TABLES = {
  OPTIONS,
  AUTH: OPTIONS.auth.fields,
  CONTACT,
  POLICY: OPTIONS.policy.fields,
  POOL_OPTIONS,
  CALL_OPTIONS,
  UNREGISTER_OPTIONS,
};

// the words onto the rows, once (this module is evaluated once per loaded glue)
for (const [table, words] of Object.entries(DOCS)) {
  for (const [name, doc] of Object.entries(words)) TABLES[table][name].doc = doc;
}

export { OPTIONS, POOL_OPTIONS, CONTACT, CALL_OPTIONS, UNREGISTER_OPTIONS };
