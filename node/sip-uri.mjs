// sip-uri.mjs — the one reader of SIP/SIPS URIs on the Node side: the parts that say where to send
// (RFC 3261 §19.1.1; RFC 3263 §4 takes maddr before the host). Server location (locate.mjs) and the
// flow factory (flows.mjs) both read URIs with it.
import net from 'node:net';

/** A DNS name (RFC 1035 labels, "_" allowed for SRV-style names), optionally fully qualified. */
export const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * The parts of a SIP/SIPS URI that server location needs (RFC 3261 §19.1.1); throws EINVAL.
 * @param {string} uri
 * @returns {{ secure: boolean, host: string, numeric: boolean, port: number | null,
 *   transport: string | null }}
 */
export function parseTargetUri(uri) {
  const bad = (/** @type {string} */ why) =>
    Object.assign(new Error(`locate: ${why}: ${String(uri).slice(0, 200)}`), { code: 'EINVAL', hostname: '', queries: [] });
  if (typeof uri !== 'string' || uri.length > 2048) throw bad('not a SIP URI');
  const m = /^\s*<?\s*(sips?):([^>]*?)>?\s*$/i.exec(uri);
  if (!m) throw bad('not a sip: or sips: URI');
  let rest = m[2];
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  const [hostport, ...params] = rest.split(';');
  /** @type {Record<string, string>} */
  const p = {};
  for (const kv of params) {
    const eq = kv.indexOf('=');
    const k = (eq < 0 ? kv : kv.slice(0, eq)).trim().toLowerCase();
    if (k && !(k in p)) p[k] = eq < 0 ? '' : kv.slice(eq + 1).trim();
  }
  const hp = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(hostport.trim());
  if (!hp) throw bad('no host');
  const port = hp[2] === undefined ? null : Number(hp[2]);
  if (port !== null && (port < 1 || port > 65535)) throw bad(`bad port ${hp[2]}`);
  // §4: TARGET is the maddr parameter when present, else the host
  let host = p.maddr || hp[1];
  if (host.startsWith('[')) {
    host = host.slice(1, -1);
    if (!net.isIPv6(host)) throw bad(`bad IPv6 reference [${host}]`);
  } else if (net.isIPv6(host)) {
    // only a bare maddr can be an unbracketed IPv6 address
  } else if (!net.isIPv4(host) && !HOSTNAME.test(host)) {
    throw bad(`bad host ${host}`);
  }
  const transport = p.transport ? p.transport.toLowerCase() : null;
  return { secure: m[1].toLowerCase() === 'sips', host: host.replace(/\.$/, ''), numeric: net.isIP(host) !== 0, port, transport };
}
