// udp-drops.mjs — datagrams the kernel dropped on a UDP socket (its receive buffer was full): the
// `drops` column of /proc/net/udp (udp6 too) for the socket bound to 127.0.0.1:port (or any
// address on that port). The race benchmark reads it for the registrar's and the pool's sockets.
import { readFileSync } from 'node:fs';

/**
 * @param {number} port local port
 * @returns {number | null} drops so far on that socket, null when no socket has that port
 */
export function udpDrops(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let total = null;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length > 12 && f[1].endsWith(hex)) total = (total ?? 0) + Number(f[f.length - 1]);
    }
  }
  return total;
}
