// Types of the sipreg/sipjs entry: a SIP.js Transport (SIP.js's Transport interface) over a
// Registration. Structural: no import of sip.js (the app's UserAgent takes these as they are).
import type { Registration } from './index';

/** SIP.js's TransportState values. */
export type SipregTransportState = 'Connecting' | 'Connected' | 'Disconnecting' | 'Disconnected';

/** Options of the transport. */
export interface SipregTransportOptions {
  /** Seconds connect() waits for the registration's flow to be up (default 10). */
  connectionTimeout?: number;
}

/** SIP.js's Emitter interface, for the state changes. */
export interface SipregStateEmitter {
  /** Listen (once: removed after the first call). */
  addListener(listener: (state: SipregTransportState) => void, options?: { once?: boolean }): void;
  /** Stop listening. */
  removeListener(listener: (state: SipregTransportState) => void): void;
  /** Same as addListener. */
  on(listener: (state: SipregTransportState) => void): void;
  /** Same as removeListener. */
  off(listener: (state: SipregTransportState) => void): void;
  /** addListener with once. */
  once(listener: (state: SipregTransportState) => void): void;
}

/** A SIP.js Transport whose connection is the registration's flow (ws:// or wss://). */
export declare class SipregTransport {
  /** @param registration a Registration over ws:// or wss:// (TypeError otherwise) */
  constructor(registration: Registration, options?: SipregTransportOptions);
  /** "WS" or "WSS": the transport SIP.js names in its Via. */
  readonly protocol: string;
  /** The state, as SIP.js's TransportState. */
  readonly state: SipregTransportState;
  /** State changes. */
  readonly stateChange: SipregStateEmitter;
  /** Set by the UserAgent. */
  onConnect: (() => void) | undefined;
  /** Set by the UserAgent: error set when the flow went down (not on disconnect()). */
  onDisconnect: ((error?: Error) => void) | undefined;
  /** Set by the UserAgent: a request, or a response to SIP.js's own requests. */
  onMessage: ((message: string) => void) | undefined;
  /** Resolves once the flow is up; rejects after connectionTimeout or on disconnect(). */
  connect(): Promise<void>;
  /** Give the requests back to sipreg's core; the flow stays up. */
  disconnect(): Promise<void>;
  /** Disconnect for good. */
  dispose(): Promise<void>;
  /** state === "Connected". */
  isConnected(): boolean;
  /** Send a message of SIP.js's on the flow; rejects when not connected or the flow is down. */
  send(message: string): Promise<void>;
}

/** The part of SIP.js UserAgentOptions that rides a registration. */
export interface SipjsOptions {
  /** A SipregTransport bound to the registration (typed loosely: assignable to SIP.js's own
   * transportConstructor type, whose state is its TransportState enum, without importing it). */
  transportConstructor: new (logger?: any, options?: any) => any;
  /** The registered contact's user part. */
  contactName: string;
  /** The registered contact's URI parameters (a flag parameter's value is null at run time,
   * which SIP.js writes as the bare name; typed as SIP.js declares contactParams). */
  contactParams: { [name: string]: string };
  /** The registered contact's host (SIP.js also puts it in its Via). */
  viaHost: string;
  /** The registration's instance-id UUID (without urn:uuid:), when it has one. */
  instanceId?: string;
}

/** The SIP.js UserAgent options that ride `registration`: new UserAgent({ ...sipjsOptions(reg), uri }). */
export declare function sipjsOptions(registration: Registration, options?: SipregTransportOptions): SipjsOptions;
