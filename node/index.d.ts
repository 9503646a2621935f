// Types of the sipreg package (ESM and CommonJS entries).

export interface ContactOptions {
  /** Full contact URI; omit to let the core generate sip:<random>@<random>.invalid;transport=ws. */
  uri?: string;
  /** Per-binding expires (seconds). */
  expires?: number;
  /** q-value 0..1. */
  q?: number;
}

export interface RegistrationOptions {
  /** ws:// or wss:// URL of the SIP WebSocket edge. */
  server: string;
  /** Address-of-record, e.g. "sip:alice@example.com". */
  aor: string;
  auth?: { username?: string; password?: string; ha1?: string };
  /** Requested expiry in seconds (default 600). */
  expires?: number;
  contacts?: ContactOptions[];
  /** Request-URI override (default: the AOR's host). */
  registrar?: string;
  discovery?: 'configured' | 'aor' | 'multicast';
  /** "urn:uuid:..." instance id (RFC 5626); generated when omitted. */
  instance?: string;
  regId?: number;
  outbound?: boolean;
  userAgent?: string;
  supported?: string;
  extraHeaders?: string | Record<string, string>;
  manualRefresh?: boolean;
  viaHost?: string;
  policy?: {
    t1Ms?: number; t2Ms?: number; refreshMargin?: number; shortMargin?: number;
    retryBase?: number; retryBaseUp?: number; retryMax?: number; maxRetryAfter?: number;
    maxAuthRetries?: number; otherFlowUp?: boolean; keepaliveS?: number; pongTimeoutMs?: number;
    minGrant?: number;
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
  bindings: Binding[];
}

export interface RegistrationEventDetail {
  type: string;
  state: RegistrationInfo['state'];
  reason: string;
  op: 'none' | 'register' | 'unregister' | 'unregister-all' | 'fetch';
  status: number | null;
  text: string | null;
  error: string | null;
  message: string | null;
  /** Unix ms, or null. */
  at: number | null;
  value: number;
  info: RegistrationInfo;
}

export declare class Registration extends EventTarget {
  readonly aor: string;
  readonly state: RegistrationInfo['state'];
  readonly info: RegistrationInfo;
  readonly bindings: Binding[];
  readonly callId: string;
  readonly memory: number;
  /** Resolves when registered; rejects with the attempt's RegistrationError. */
  register(): Promise<RegistrationEventDetail>;
  unregister(options?: { all?: boolean }): Promise<RegistrationEventDetail>;
  fetch(): Promise<Binding[]>;
  setContacts(contacts: ContactOptions[]): Promise<RegistrationEventDetail>;
  wake(): void;
  close(): void;
  /** Opaque state blob for createRegistration({ state }). */
  export(): string;
  /** Set when options.state was refused. */
  readonly stateError?: SipregError;
}

export declare class RegistrationError extends Error {
  op: string; status: number | null; reason: string; at: number | null;
}
export declare class SipregError extends Error { code: string; }

export declare class RegistrationPool extends EventTarget {
  constructor(options: { server: string; flows?: number; rate?: number; maxRegistrations?: number; WebSocket?: unknown });
  rate: number;
  /** add() throws a RangeError beyond this many (default 100,000). */
  maxRegistrations: number;
  readonly registrations: Registration[];
  add(options: Omit<RegistrationOptions, 'server'>): Registration;
  registerAll(): Promise<PromiseSettledResult<unknown>[]>;
  unregisterAll(options?: { all?: boolean }): Promise<PromiseSettledResult<unknown>[]>;
  wake(): void;
  close(): void;
}

export declare function createRegistration(options: RegistrationOptions): Promise<Registration>;
/** The RFC 6455 client used on Node 20 (node:net / node:tls); subclass it to pass TLS options. */
export declare class NodeWebSocket {
  constructor(url: string, protocols?: string | string[], options?: {
    maxPayload?: number; handshakeTimeout?: number; closeTimeout?: number; [tlsOption: string]: unknown });
  readonly url: string; readonly protocol: string; readonly readyState: number;
  /** the TCP or TLS socket */
  readonly socket: unknown;
  onopen: ((e: object) => void) | null; onclose: ((e: { code: number; reason: string }) => void) | null;
  onerror: ((e: { message: string }) => void) | null; onmessage: ((e: { data: string | ArrayBuffer }) => void) | null;
  send(data: string | Uint8Array): void; close(code?: number, reason?: string): void; terminate(): void;
}
export declare function loadWebSocket(): Promise<typeof NodeWebSocket>;
/** One Contact of a parsed message (a "*" element is reported by `star`, not listed). */
export interface ParsedContact {
  uri: string; display: string | null; expires: number | null; q: number | null;
  instance: string | null; reg_id: number | null; pub_gruu: string | null; temp_gruu: string | null;
  /** the other Contact parameters (not the six above): value, or true when it has none */
  params: Record<string, string | true>;
}
/** One WWW-/Proxy-Authenticate challenge. */
export interface ParsedChallenge {
  scheme: string; proxy: boolean; realm: string | null; nonce: string | null;
  algorithm: string | null; qop: string[]; stale: boolean; opaque: string | null;
}
/** The `sipreg parse` view (JSON.stringify of it prints what the native CLI prints). */
export type ParsedMessage = {
  ok: true; type: 'request' | 'response'; status: number | null; reason: string | null;
  method: string | null; ruri: string | null; call_id: string; cseq: { seq: number; method: string };
  expires: number | null; min_expires: number | null; flow_timer: number | null;
  retry_after: number | null; date_epoch: number | null; star: boolean;
  contacts: ParsedContact[]; challenges: ParsedChallenge[]; service_route: string[]; path: string[];
  headers: number;
} | { ok: false; error: string; offset: number; message: string };

export declare function parse(message: string | Uint8Array): ParsedMessage;
export declare function uriEqual(a: string, b: string): boolean;
export declare const version: string;
