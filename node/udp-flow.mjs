// udp-flow.mjs — one SIP flow over UDP (RFC 3261 §18): a connected datagram socket to one target.
// One datagram is one message (§18.3: no framing on datagrams); the core retransmits (Timer E,
// §17.1.2.2), this file only moves datagrams. 'up' once the socket is bound and connected
// (`local` is then its address: Via sent-by with rport (RFC 3581), Contact); a datagram whose
// first byte is 0..3 is no text (RFC 7983 §7: STUN, RFC 5626 §8) and goes to `onbytes` as it is;
// one that is not UTF-8 or longer than UDP_MAX is dropped with an 'error' event. Causes of 'down': the
// system's error (ECONNREFUSED: an ICMP port unreachable came back on the connected socket,
// ENETUNREACH, ...), 'closed' (we closed it), 'failed' (the registration dropped it: `why`).
import dgram from 'node:dgram';
import net from 'node:net';
import { isAscii } from 'node:buffer';
import { SocketFlow } from './socket-flow.mjs';

/** The largest datagram taken as one SIP message (the bound of UDP's length field). */
export const UDP_MAX = 65_535;

/** A UDP "flow" to one target: up while its socket is open. */
export class UdpFlow extends SocketFlow {
  kind = 'udp';
  /** @type {((e: Error | null) => void) | null} the current socket's send callback */
  sent = null;

  /**
   * @param {{host: string, port: number, address?: string}} target where datagrams go
   *   (`address`: the resolved IP; else `host` must be an IP literal)
   * @param {{ bind?: string, recvBufferSize?: number }} [options] bind: the local address to send
   *   from (default: any); recvBufferSize: the socket's receive buffer in bytes (SO_RCVBUF; the
   *   system caps it at net.core.rmem_max): a pool's socket takes thousands of responses a second
   */
  constructor(target, options = {}) {
    super(target);
    this.bind = options.bind;
    this.recvBufferSize = options.recvBufferSize;
  }

  /** Open the socket unless it is open or opening. */
  connect() {
    if (this.sock) return;
    this.closing = false;
    this.heard = false;
    const address = this.target.address ?? this.target.host;
    const family = net.isIP(address);
    if (!family) {
      const message = `UDP target ${address} is not an IP address`;
      queueMicrotask(() => this.down({ code: 'EINVAL', message }));
      return;
    }
    const sock = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', recvBufferSize: this.recvBufferSize });
    this.sock = sock;
    // a failed send, or the socket's error (on a connected socket an ICMP error comes back as
    // one: ECONNREFUSED): the flow is down
    /** @param {(Error & {code?: string}) | null} e */
    const fail = (e) => {
      if (!e || sock !== this.sock) return;
      this.down({ code: e.code ?? 'EIO', message: e.message });
      this.release(sock);
    };
    this.sent = fail;
    sock.on('error', fail);
    sock.on('message', (data) => {
      if (sock !== this.sock) return;
      this.heard = true;
      if (data.length > UDP_MAX) {
        this.dispatchEvent(new CustomEvent('error', { detail: { reason: `datagram of ${data.length} bytes dropped (over ${UDP_MAX})` } }));
      } else if (data[0] < 4 && this.onbytes) {
        this.onbytes(data); // not text (RFC 7983 §7): the core's to read
      } else if (isAscii(data)) {
        this.ontext?.(data.toString('latin1')); // ASCII (nearly every SIP message): no UTF-8 decoder needed
      } else this.deliver(data);
    });
    const go = () => {
      if (sock !== this.sock) return;
      sock.connect(this.target.port, address, (e) => {
        if (sock !== this.sock || e) return; // an error: the 'error' listener reports it
        const a = sock.address();
        this.opened({ address: a.address, port: a.port });
      });
    };
    if (this.bind) sock.bind(0, this.bind, go);
    else go();
  }

  /**
   * One send callback per socket, not a closure per datagram (a pool sends thousands a second); a
   * failed send takes the flow down (Node reports a send error only to a callback).
   * @param {dgram.Socket} sock @param {string|Uint8Array} text
   */
  write(sock, text) {
    sock.send(text, this.sent);
  }

  /** @param {dgram.Socket} sock */
  release(sock) {
    try {
      sock.close();
    } catch {
      /* closed already */
    }
  }
}
