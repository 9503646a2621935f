// locate.mjs — RFC 3263 §4 server location for a SIP or SIPS URI: which transport, address and
// port to try, in order. NAPTR (RFC 3403) → SRV (RFC 2782) → A/AAAA, every step bounded.
//
//   import { locate, describeTarget } from 'sipreg/locate';
//   const targets = await locate('sip:alice@example.test', { dns: ['127.0.0.1:5353'] });
//   // [{ transport: 'udp', host: 'sip1.example.test', port: 5060, address: '127.0.0.1', source: 'srv' }, …]
//
// The caller tries the targets in order and moves to the next one on a transport error, a timeout
// or a 503 (RFC 3263 §4.3). The URI itself is never rewritten (§4).
import dns from 'node:dns';
import net from 'node:net';
import { HOSTNAME, parseTargetUri } from './sip-uri.mjs';

/** @typedef {'udp' | 'tcp' | 'tls'} Transport */

/**
 * Where to send: one transport, address and port (RFC 3263 §4.1, §4.2).
 * @typedef {object} Target
 * @property {Transport} transport
 * @property {string} host     the name the address came from (SRV target, the URI host, or the IP)
 * @property {number} port
 * @property {string} address  IPv4 or IPv6 address (no brackets)
 * @property {'naptr' | 'srv' | 'a' | 'literal'} source  the step that chose the transport
 */

/**
 * DNS queries locate() makes (node:dns/promises Resolver; an injected one for tests). Each
 * rejects with an Error whose `code` is a node:dns code (ENODATA, ENOTFOUND, ETIMEOUT, …).
 * @typedef {object} LocateResolver
 * @property {(name: string) => Promise<Array<{ flags: string, service: string, regexp: string,
 *   replacement: string, order: number, preference: number }>>} resolveNaptr
 * @property {(name: string) => Promise<Array<{ priority: number, weight: number, port: number,
 *   name: string }>>} resolveSrv
 * @property {(name: string) => Promise<string[]>} resolve4
 * @property {(name: string) => Promise<string[]>} resolve6
 */

/**
 * @typedef {object} LocateOptions
 * @property {string[]} [dns]   DNS servers, 'ip[:port]' ('[v6]:port' for IPv6 with a port);
 *           default: the system's (and /etc/hosts for addresses, through getaddrinfo)
 * @property {LocateResolver} [resolver]  instead of `dns` (tests)
 * @property {Transport} [transport]  as a `;transport=` parameter when the URI has none
 * @property {boolean} [secure]  true: TLS only (as for sips:); false: this client has no TLS;
 *           default: every transport (RFC 3263 §4.1: a SIP URI keeps SIPS NAPTR records)
 * @property {() => number} [random]  uniform in [0, 1): the RFC 2782 weight draws (Math.random)
 * @property {number} [timeoutMs]  per DNS query try with `dns` (default 2000; 2 tries)
 */

/** At most this many targets come back (bounded work for the caller). */
export const MAX_TARGETS = 24;
/** Records considered per NAPTR or SRV answer, addresses per name. */
const MAX_RECORDS = 16;
const MAX_ADDRESSES = 8;
/** Non-terminal NAPTR records followed at most this deep, and this many NAPTR names asked in
 * all (RFC 3403 §4; loops and fan-outs end here). */
const MAX_NAPTR_DEPTH = 4;
const MAX_NAPTR_NAMES = 8;

/** RFC 3261 §19.1.2: default ports per transport. */
const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 };
/** RFC 3263 §4.1: the NAPTR services this client speaks (D2S, SCTP, is not one of them). */
const NAPTR_SERVICES = { 'SIP+D2U': 'udp', 'SIP+D2T': 'tcp', 'SIPS+D2T': 'tls' };
/** RFC 3263 §4.2: the SRV name prefix per transport ("_sips" for TLS). */
const SRV_PREFIX = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };
/** Answers that mean "no such records" (the next step applies), not "DNS is broken". */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME']);
/** Answers that mean the DNS server cannot be reached: no point in asking it anything else. */
const UNREACHABLE = new Set(['ETIMEOUT', 'ECONNREFUSED']);

/**
 * An Error with a `code`, the name concerned (`hostname`) and the queries made (`queries`).
 * @param {string} code
 * @param {string} message
 * @param {string} hostname
 * @param {string[]} [queries]
 */
export { parseTargetUri };

function locateError(code, message, hostname, queries = []) {
  return Object.assign(new Error(message), { code, hostname, queries });
}

/**
 * Order SRV records per RFC 2782 "Usage rules": lowest priority first; within one priority a
 * weighted random order: the weight-0 records first in the list, a uniform integer in
 * [0, sum of weights] (inclusive), the first record whose running sum reaches it is next; repeat
 * with the rest. Weight 0 is thus picked first only on a draw of 0.
 * @template {{ priority: number, weight: number }} T
 * @param {T[]} records
 * @param {() => number} random  uniform in [0, 1)
 * @returns {T[]}
 */
export function orderSrv(records, random = Math.random) {
  /** @type {Map<number, T[]>} */
  const groups = new Map();
  for (const r of records) groups.set(r.priority, [...(groups.get(r.priority) ?? []), r]);
  /** @type {T[]} */
  const out = [];
  for (const prio of [...groups.keys()].sort((a, b) => a - b)) {
    const g = /** @type {T[]} */ (groups.get(prio));
    const list = [...g.filter((r) => r.weight === 0), ...g.filter((r) => r.weight !== 0)];
    while (list.length > 0) {
      const sum = list.reduce((s, r) => s + r.weight, 0);
      const draw = Math.min(sum, Math.floor(random() * (sum + 1)));
      let running = 0;
      let i = 0;
      for (; i < list.length - 1; i++) {
        running += list[i].weight;
        if (running >= draw) break;
      }
      out.push(...list.splice(i, 1));
    }
  }
  return out;
}

/**
 * The DNS side: the queries locate() makes, with the errors it met (for the final message).
 * @param {LocateOptions} options
 */
function makeAsker(options) {
  /** @type {LocateResolver} */
  let r;
  /** @type {((name: string) => Promise<string[]>) | null} getaddrinfo for addresses (system DNS) */
  let lookup = null;
  if (options.resolver) {
    r = options.resolver;
  } else {
    const timeout = options.timeoutMs ?? 2000;
    const res = new dns.promises.Resolver({ timeout, tries: 2 });
    if (options.dns !== undefined) {
      if (!Array.isArray(options.dns) || options.dns.length === 0) {
        throw locateError('EINVAL', 'locate: dns must be a non-empty array of "ip[:port]" servers', '');
      }
      try {
        res.setServers(options.dns);
      } catch (e) {
        throw locateError('EINVAL', `locate: bad dns servers ${JSON.stringify(options.dns)}: ${/** @type {Error} */ (e).message}`, '');
      }
    } else {
      lookup = async (name) => (await dns.promises.lookup(name, { all: true, verbatim: true })).map((a) => a.address);
    }
    r = res;
  }
  /** @type {string[]} */
  const queries = [];
  /** @type {Error & { code?: string } | null} the first failure that was not "no such records" */
  let failure = null;

  /**
   * One query; "no records" gives []; an unreachable DNS server throws.
   * @template T
   * @param {string} label  e.g. "SRV _sip._udp.example.test"
   * @param {() => Promise<T[]>} run
   * @returns {Promise<T[]>}
   */
  const ask = async (label, run) => {
    queries.push(label);
    try {
      const out = await run();
      return Array.isArray(out) ? out : [];
    } catch (e) {
      const err = /** @type {Error & { code?: string }} */ (e);
      if (NO_DATA.has(err?.code ?? '')) return [];
      failure ??= err;
      if (UNREACHABLE.has(err?.code ?? '')) {
        throw locateError(
          err.code ?? 'ETIMEOUT',
          `DNS ${label}: ${err.code} (no answer from ${options.dns?.join(', ') ?? 'the DNS server'})`,
          label.split(' ')[1],
          queries,
        );
      }
      return [];
    }
  };

  return {
    queries,
    get failure() {
      return failure;
    },
    /** @param {string} name */
    naptr: (name) => ask(`NAPTR ${name}`, () => r.resolveNaptr(name)),
    /** @param {string} name */
    srv: (name) => ask(`SRV ${name}`, () => r.resolveSrv(name)),
    /**
     * A then AAAA addresses of `name` (IPv4 first), at most MAX_ADDRESSES.
     * @param {string} name
     * @returns {Promise<string[]>}
     */
    addresses: async (name) => {
      const lists = lookup
        ? [await ask(`A/AAAA ${name}`, () => /** @type {(n: string) => Promise<string[]>} */ (lookup)(name))]
        : await Promise.all([ask(`A ${name}`, () => r.resolve4(name)), ask(`AAAA ${name}`, () => r.resolve6(name))]);
      const all = lists.flat().filter((a) => typeof a === 'string' && net.isIP(a) !== 0);
      if (lookup) all.sort((a, b) => net.isIP(a) - net.isIP(b));
      return [...new Set(all)].slice(0, MAX_ADDRESSES);
    },
  };
}

/**
 * The transports this client may use for the URI (RFC 3263 §4.1), in the order it prefers them
 * when DNS does not say: TLS, TCP, UDP (the order of the SRV queries without NAPTR).
 * @param {boolean} sips
 * @param {boolean | undefined} secure
 * @returns {Transport[]}
 */
function allowedTransports(sips, secure) {
  if (sips || secure === true) return ['tls'];
  return secure === false ? ['tcp', 'udp'] : ['tls', 'tcp', 'udp'];
}

/**
 * RFC 3263 §4: the ordered targets for a SIP or SIPS URI. Rejects with an Error whose `code` is
 * EINVAL (bad URI or options), ENOTFOUND (no NAPTR, SRV or A/AAAA records), ENOTARGET (SRV
 * records, but no target with an address), ELOOP (NAPTR records that lead in a circle, too deep or too wide), or
 * the DNS failure (ETIMEOUT, ECONNREFUSED, ESERVFAIL, …); `hostname` names the name queried.
 * @param {string} uri  the Request-URI (or a Route URI): sip:…, sips:…
 * @param {LocateOptions} [options]
 * @returns {Promise<Target[]>}
 */
export async function locate(uri, options = {}) {
  const u = parseTargetUri(uri);
  if (u.secure && options.secure === false) {
    throw locateError('EINVAL', 'locate: a sips: URI needs TLS only (RFC 3263 §4.1), and secure is false', u.host);
  }
  const random = options.random ?? Math.random;
  const allowed = allowedTransports(u.secure, options.secure);
  const asked = u.transport ?? options.transport ?? null;
  /** @type {Transport | null} the transport fixed by the URI or the options (§4.1 first rule) */
  let fixed = null;
  if (asked !== null) {
    // RFC 3261 §19.1: sips: with transport=tcp means TLS over TCP; sip: with transport=tls asks for TLS
    const t = asked === 'tcp' && (u.secure || options.secure === true) ? 'tls' : asked;
    if (t !== 'udp' && t !== 'tcp' && t !== 'tls') {
      throw locateError('EINVAL', `locate: unsupported transport "${asked}" (udp, tcp or tls)`, u.host);
    }
    if (!allowed.includes(t)) {
      throw locateError(
        'EINVAL',
        `locate: transport ${t} not allowed for ${u.secure ? 'a sips: URI (TLS only, RFC 3263 §4.1)' : 'this client'}`,
        u.host,
      );
    }
    fixed = t;
  }
  // §4.1: a numeric IP or an explicit port without a transport: UDP for SIP, TLS (TCP) for SIPS
  const plain = fixed ?? (u.secure || options.secure === true ? 'tls' : 'udp');

  // §4.2: a numeric IP is used as it is, at the URI's port or the transport's default
  if (u.numeric) {
    return [{ transport: plain, host: u.host, port: u.port ?? DEFAULT_PORT[plain], address: u.host, source: 'literal' }];
  }
  const q = makeAsker(options);
  /** @param {string} code @param {string} what */
  const fail = (code, what) => {
    const f = q.failure;
    if (f && code === 'ENOTFOUND') {
      return locateError(f.code ?? 'ESERVFAIL', `DNS ${what}: ${f.code ?? f.message} (queried ${q.queries.join(', ')})`, u.host, q.queries);
    }
    return locateError(code, `${what} (queried ${q.queries.join(', ')})`, u.host, q.queries);
  };

  /**
   * A/AAAA of one name at one port (§4.2), as targets.
   * @param {string} name @param {number} port @param {Transport} transport @param {Target['source']} source
   * @returns {Promise<Target[]>}
   */
  const byAddress = async (name, port, transport, source) =>
    (await q.addresses(name)).map((address) => ({ transport, host: name, port, address, source }));

  // §4.2: an explicit port: A/AAAA only
  if (u.port !== null) {
    const out = await byAddress(u.host, u.port, plain, 'a');
    if (out.length === 0) throw fail('ENOTFOUND', `no A/AAAA records for ${u.host}`);
    return out;
  }

  let srvRecords = 0;
  /**
   * RFC 2782 order of one SRV name, then the addresses of every target in that order.
   * @param {string} name @param {Transport} transport @param {Target['source']} source
   * @returns {Promise<Target[]>}
   */
  const bySrv = async (name, transport, source) => {
    const records = (await q.srv(name))
      .slice(0, MAX_RECORDS)
      .filter(
        (r) =>
          r &&
          Number.isInteger(r.port) &&
          r.port >= 0 &&
          r.port <= 65535 &&
          typeof r.name === 'string' &&
          Number.isInteger(r.priority) &&
          Number.isInteger(r.weight) &&
          r.weight >= 0,
      );
    srvRecords += records.length;
    // RFC 2782: a single record with target "." means: decidedly not available here
    const usable = records.filter((r) => r.name !== '' && r.name !== '.' && r.port > 0 && HOSTNAME.test(r.name));
    const lists = await Promise.all(orderSrv(usable, random).map((r) => byAddress(r.name.replace(/\.$/, ''), r.port, transport, source)));
    return lists.flat();
  };

  /** @param {Target[]} targets */
  const finish = (targets) => {
    const seen = new Set();
    return targets
      .filter((t) => {
        const k = `${t.transport} ${t.address} ${t.port}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .slice(0, MAX_TARGETS);
  };

  if (fixed === null) {
    // §4.1: NAPTR first; only services this client supports, SIPS only for a sips: URI
    const viaNaptr = await naptrTargets(u.host, q, allowed, bySrv);
    if (viaNaptr.loop && viaNaptr.targets.length === 0) {
      throw locateError(
        'ELOOP',
        `NAPTR records of ${u.host} never end in a usable record (${viaNaptr.loop}) (queried ${q.queries.join(', ')})`,
        u.host,
        q.queries,
      );
    }
    if (viaNaptr.targets.length > 0) return finish(viaNaptr.targets);
  }
  // §4.1 without (usable) NAPTR records, §4.2 with an explicit transport: SRV per transport;
  // every one found is kept, in the order TLS, TCP, UDP (the client "MAY use any transport
  // protocol it desires which is supported by the server"): the later ones are failover targets
  const transports = fixed ? [fixed] : allowed;
  const perTransport = await Promise.all(transports.map((t) => bySrv(`${SRV_PREFIX[t]}${u.host}`, t, 'srv')));
  const viaSrv = perTransport.flat();
  if (viaSrv.length > 0) return finish(viaSrv);
  if (srvRecords > 0) throw fail('ENOTARGET', `SRV records for ${u.host}, but no target with an address`);
  // §4.1/§4.2: no SRV records: A/AAAA at the default port; UDP for sip:, TLS for sips:
  const viaA = await byAddress(u.host, DEFAULT_PORT[plain], plain, 'a');
  if (viaA.length === 0) throw fail('ENOTFOUND', `no NAPTR, SRV or A/AAAA records for ${u.host}`);
  return finish(viaA);
}

/**
 * RFC 3263 §4.1 with RFC 3403 §4: the NAPTR records of `domain`, ordered by order then
 * preference; terminal ("s") records of supported services lead to their SRV name; non-terminal
 * ("") ones to another NAPTR query (bounded depth, no name twice). Records of a higher order are
 * not considered once an order gave targets (RFC 3403 §4.1).
 * @param {string} domain
 * @param {ReturnType<typeof makeAsker>} q
 * @param {Transport[]} allowed
 * @param {(name: string, t: Transport, s: Target['source']) => Promise<Target[]>} bySrv
 * @returns {Promise<{ targets: Target[], loop: string | null }>}
 */
async function naptrTargets(domain, q, allowed, bySrv) {
  /** @type {string | null} */
  let loop = null;
  const visited = new Set();
  /**
   * @param {string} name @param {number} depth
   * @returns {Promise<Target[]>}
   */
  const walk = async (name, depth) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (visited.has(key) || depth > MAX_NAPTR_DEPTH || visited.size >= MAX_NAPTR_NAMES) {
      loop ??= visited.has(key)
        ? `${[...visited, key].join(' → ')}`
        : depth > MAX_NAPTR_DEPTH
          ? `deeper than ${MAX_NAPTR_DEPTH} at ${key}`
          : `more than ${MAX_NAPTR_NAMES} NAPTR names`;
      return [];
    }
    visited.add(key);
    const records = (await q.naptr(name))
      .slice(0, MAX_RECORDS)
      .filter(
        (r) =>
          r &&
          typeof r.service === 'string' &&
          typeof r.flags === 'string' &&
          typeof r.replacement === 'string' &&
          Number.isInteger(r.order) &&
          Number.isInteger(r.preference) &&
          !r.regexp &&
          HOSTNAME.test(r.replacement),
      );
    records.sort((a, b) => a.order - b.order || a.preference - b.preference);
    /** @type {Map<number, typeof records>} */
    const byOrder = new Map();
    for (const r of records) byOrder.set(r.order, [...(byOrder.get(r.order) ?? []), r]);
    for (const group of byOrder.values()) {
      /** @type {Target[]} */
      const out = [];
      for (const r of group) {
        const flags = r.flags.toLowerCase();
        const service = r.service.toUpperCase();
        const t = /** @type {Transport | undefined} */ (NAPTR_SERVICES[/** @type {keyof NAPTR_SERVICES} */ (service)]);
        if (flags === 's' && t && allowed.includes(t)) {
          out.push(...(await bySrv(r.replacement.replace(/\.$/, ''), t, 'naptr')));
        } else if (flags === '' && (service === '' || /^SIPS?(\+D2[A-Z])?$/.test(service))) {
          out.push(...(await walk(r.replacement, depth + 1)));
        }
        if (out.length >= MAX_TARGETS) break;
      }
      if (out.length > 0) return out;
    }
    return [];
  };
  const targets = await walk(domain, 0);
  return { targets, loop };
}

/**
 * One line for a target, for `info` and the CLI: "udp 127.0.0.1:5060 (sip1.example.test via SRV)".
 * @param {Target | null | undefined} t
 * @returns {string}
 */
export function describeTarget(t) {
  if (!t) return 'none';
  const addr = net.isIPv6(t.address) ? `[${t.address}]` : t.address;
  const how = { naptr: 'NAPTR+SRV', srv: 'SRV', a: 'A/AAAA', literal: 'literal' }[t.source] ?? t.source;
  return t.source === 'literal' ? `${t.transport} ${addr}:${t.port} (literal)` : `${t.transport} ${addr}:${t.port} (${t.host} via ${how})`;
}
