// Types of the sipreg/jssip entry: a JsSIP socket (JsSIP's socket interface) over a Registration.
import type { Registration } from './index';

/** Options of the socket: what JsSIP shows as its url and sip_uri (defaults: the flow's). */
export interface JsSIPSocketOptions {
  /** The WebSocket URL JsSIP shows (default: the registration's flow URL). */
  url?: string;
  /** The server as a SIP URI (JsSIP's preloaded route; default: sip:host:port;transport=ws). */
  sipUri?: string;
}

/** A JsSIP socket whose connection is the registration's flow (ws:// or wss://). */
export declare class JsSIPSocket {
  /** @param registration a Registration over ws:// or wss:// (TypeError otherwise) */
  constructor(registration: Registration, options?: JsSIPSocketOptions);
  /** "WS" or "WSS": the transport JsSIP names in its Via. */
  via_transport: string;
  /** The flow's WebSocket URL. */
  readonly url: string;
  /** The flow's server as a SIP URI. */
  readonly sip_uri: string;
  /** Start handing the flow's requests and responses to JsSIP (connected once the flow is up). */
  connect(): void;
  /** Give the requests back to sipreg's core; the flow stays up. */
  disconnect(): void;
  /** Send a message of JsSIP's on the flow; false when not connected or the flow is down. */
  send(data: string): boolean;
  /** Connected and the flow is up. */
  isConnected(): boolean;
  /** Connected by JsSIP, waiting for the flow. */
  isConnecting(): boolean;
  /** Set by JsSIP: the flow is up. */
  onconnect(): void;
  /** Set by JsSIP: the flow went down (error true). */
  ondisconnect(error: boolean, code?: number, reason?: string): void;
  /** Set by JsSIP: a request or a response to its own requests arrived on the flow (a string; typed as JsSIP declares it). */
  ondata(data: unknown): void;
}

/** The part of a JsSIP UA configuration that rides a registration. */
export interface JsSIPConfig {
  /** The one socket: the registration's flow. */
  sockets: JsSIPSocket[];
  /** false: sipreg registers, not JsSIP. */
  register: false;
  /** The AOR (override with the UA's own uri if it differs). */
  uri: string;
  /** The contact sipreg registered (JsSIP takes requests to it and names it in dialogs). */
  contact_uri: string;
  /** The registration's instance-id UUID (without urn:uuid:), when it has one. */
  instance_id?: string;
}

/** The JsSIP UA configuration that rides `registration`: new JsSIP.UA({ ...jssipConfig(reg), password }). */
export declare function jssipConfig(registration: Registration, options?: JsSIPSocketOptions): JsSIPConfig;
