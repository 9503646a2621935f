// listen-cli.mjs — `sipreg listen`: observe REGISTERs on the multicast group (RFC 3261 §10.2.6)
// and print the bindings local users ask for as they come and go. Never sends anything.
import { parseArgs } from 'node:util';
import { listenMulticast } from './listen.mjs';
import { parseOptions } from './cli-options.mjs';

/**
 * options.multicast from the command line (numbers checked by multicastOptions later).
 * @param {Record<string, any>} values @returns {{group?: string, port?: number, ttl?: number, interface?: string}}
 */
export function multicastFlags(values) {
  const num = (/** @type {string} */ name) => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw Object.assign(new TypeError(`--${name} must be a number, not ${v}`), { code: 'SIPREG_E_CONFIG' });
    return Number(v);
  };
  const m = { group: values.group, port: num('port'), ttl: num('ttl'), interface: values.interface };
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
}

/** @param {import('./observed-bindings.mjs').ObservedBinding} b */
const describe = (b) => `${b.aor} <${b.contact}>${b.q !== null ? ` q=${b.q}` : ''}`;

/**
 * Run `sipreg listen [--group G] [--port P] [--interface A] [--json]` until SIGINT/SIGTERM.
 * @param {string[]} args @returns {Promise<number>} exit code (0; a bad flag or socket throws)
 */
export async function listenCommand(args) {
  const { values } = parseArgs({ args, options: parseOptions('listen') });
  if (values.ttl !== undefined) throw Object.assign(new TypeError('--ttl: a listener sends nothing'), { code: 'SIPREG_E_CONFIG' });
  const l = await listenMulticast(multicastFlags(values));
  const say = (/** @type {object} */ what, /** @type {string} */ line) => console.log(values.json ? JSON.stringify(what) : line);
  say({ event: 'listening', group: l.group, port: l.port }, `listening on ${l.group}:${l.port} (observing REGISTERs; never answering)`);
  l.addEventListener('binding', (e) => {
    const b = /** @type {CustomEvent} */ (e).detail;
    say({ event: 'binding', ...b }, `+ ${describe(b)} expires ${b.expires} s (${b.change}, from ${b.source?.address}:${b.source?.port})`);
  });
  l.addEventListener('expired', (e) => {
    const b = /** @type {CustomEvent} */ (e).detail;
    say({ event: 'expired', ...b }, `- ${describe(b)} (${b.reason})`);
  });
  l.addEventListener('error', (e) => {
    const reason = /** @type {CustomEvent} */ (e).detail.reason;
    console.error(values.json ? JSON.stringify({ event: 'error', reason }) : `sipreg: listener: ${reason}`);
  });
  await new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(undefined);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  l.close();
  say({ event: 'closed', stats: l.stats }, `closed (${l.stats.registers} REGISTERs observed, ${l.stats.ignored} other datagrams ignored)`);
  return 0;
}
