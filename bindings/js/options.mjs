// options.mjs — the one table of createRegistration / RegistrationPool options (name, type, range
// or shape, default, the core setting it becomes; what each means: option-docs.mjs, which the
// checks do not need) and the checks that read it: a wrong
// option throws a SipregError (code SIPREG_E_CONFIG) naming the option's dotted path and the value.
// What a value means to the protocol (URI syntax, one-line header values) stays the core's
// decision: its sentence (core.configProblem) is mapped back to the option here.
import { SipregError } from './core.mjs';

/**
 * One option.
 * @typedef {object} Option
 * @property {'string'|'integer'|'number'|'boolean'|'enum'|'object'|'list'|'url'|'bytes'|'headers'|'signal'|'any'} type
 * @property {number} [min] integers and numbers: the smallest value
 * @property {number} [max] the largest value
 * @property {string} [unit] 's', 'ms', 'bytes' (named in messages)
 * @property {string[]} [values] enum: the accepted values
 * @property {Record<string, Option>} [fields] object: its options; list: the options of each entry
 * @property {'string'} [items] list: each entry is a non-empty string
 * @property {string[]} [schemes] url: the accepted schemes
 * @property {string|number|boolean} [default] what applies when the option is left out
 * @property {string} [key] the core setting it becomes (sipreg_config_set)
 * @property {'node'|'web'} [host] read by one entry only: 'node' (the Node host's own flows and
 *   files: its shape is checked there, e.g. node/flows.mjs), 'web' (the browser entry)
 * @property {boolean} [required]
 * @property {boolean} [secret] never repeated in a message
 * @property {boolean} [nullable] null counts as left out
 * @property {string} [zero] what to do instead, named when the value is 0
 * @property {string} [doc] what it means (one line): here on a required option (its error says
 *   it), else in option-docs.mjs (the README's reference and the Node entry's tables)
 */

/** The keys of one contact. @type {Record<string, Option>} */
export const CONTACT = {
  uri: {
    type: 'string',
    default: 'generated',
  },
  expires: { type: 'integer', min: 0, max: 4294967295, unit: 's' },
  q: { type: 'number', min: 0, max: 1 },
};

/** Timers and the retry policy. @type {Record<string, Option>} */
const POLICY = {
  t1Ms: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 'ms',
    default: 500,
    key: 't1-ms',
  },
  t2Ms: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 'ms',
    default: 4000,
    key: 't2-ms',
  },
  refreshMargin: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 32,
    key: 'refresh-margin',
  },
  shortMargin: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 5,
    key: 'short-margin',
  },
  retryBase: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 30,
    key: 'retry-base',
  },
  retryBaseUp: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 90,
    key: 'retry-base-up',
  },
  retryMax: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 300,
    key: 'retry-max',
  },
  maxRetryAfter: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 86400,
    key: 'max-retry-after',
  },
  maxAuthRetries: { type: 'integer', min: 0, max: 10, default: 2, key: 'max-auth-retries' },
  otherFlowUp: { type: 'boolean', default: false, key: 'other-flow-up' },
  keepaliveS: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 120,
    key: 'keepalive-s',
  },
  pongTimeoutMs: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 'ms',
    default: 10000,
    key: 'pong-timeout-ms',
  },
  minGrant: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 30,
    key: 'min-grant',
  },
  probe: {
    type: 'enum',
    values: ['options', 'host', 'none'],
    default: 'options',
    key: 'probe',
  },
  probeS: { type: 'integer', min: 1, max: 4294967295, unit: 's', default: 30, key: 'probe-s' },
  retryCredentials: {
    type: 'boolean',
    default: false,
    key: 'retry-credentials',
  },
  maxRedirects: { type: 'integer', min: 0, max: 20, default: 5, key: 'max-redirects' },
  commandMs: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 'ms',
    default: 32000,
    key: 'command-ms',
  },
  alternates: {
    type: 'integer',
    min: 0,
    max: 20,
    default: 0,
    key: 'alternates',
  },
  udpMax: {
    type: 'integer',
    min: 0,
    max: 65535,
    unit: 'bytes',
    default: 1300,
    key: 'udp-max',
  },
};

/** createRegistration options (pool.add takes the same but `server`). @type {Record<string, Option>} */
export const OPTIONS = {
  server: {
    type: 'url',
    schemes: ['ws', 'wss', 'sip', 'sips'],
  },
  aor: { type: 'string', required: true, key: 'aor', doc: 'the address-of-record, e.g. sip:alice@example.com' },
  auth: {
    type: 'object',
    fields: {
      username: { type: 'string', default: "the AOR's user part", key: 'username' },
      password: { type: 'string', secret: true, key: 'password' },
      ha1: { type: 'string', secret: true, key: 'ha1' },
    },
  },
  expires: {
    type: 'integer',
    min: 1,
    max: 4294967295,
    unit: 's',
    default: 600,
    key: 'expires',
    zero: 'unregister() removes bindings',
  },
  contacts: { type: 'list', fields: CONTACT, default: 'one generated' },
  registrar: { type: 'string', default: "the AOR's domain", key: 'registrar' },
  discovery: {
    type: 'enum',
    values: ['configured', 'aor', 'multicast'],
    default: 'configured',
    key: 'discovery',
  },
  instance: {
    type: 'string',
    default: 'kept per device',
    key: 'instance',
  },
  regId: { type: 'integer', min: 1, max: 2147483647, default: 1, key: 'reg-id' },
  outbound: {
    type: 'boolean',
    default: true,
    key: 'outbound',
  },
  keepalive: {
    type: 'enum',
    values: ['never', 'auto', 'always'],
    default: 'auto',
    key: 'keepalive',
  },
  manualRefresh: {
    type: 'boolean',
    default: false,
    key: 'manual-refresh',
  },
  from: { type: 'string', default: 'the AOR', key: 'from' },
  route: { type: 'string', key: 'route' },
  viaHost: {
    type: 'string',
    default: 'a random .invalid name',
    key: 'via-host',
  },
  userAgent: { type: 'string', default: 'sipreg/<version>', key: 'user-agent' },
  supported: { type: 'string', default: 'path, gruu, outbound', key: 'supported' },
  allow: {
    type: 'list',
    items: 'string',
    default: "['OPTIONS']",
    key: 'allow',
  },
  accept: {
    type: 'list',
    items: 'string',
    default: "['application/sdp']",
    key: 'accept',
  },
  extraHeaders: { type: 'headers' },
  policy: { type: 'object', fields: POLICY },
  connectTimeout: {
    type: 'integer',
    min: 1,
    max: 2147483647,
    unit: 'ms',
    default: 10000,
  },
  state: { type: 'string', nullable: true },
  seed: { type: 'bytes', default: 'crypto.getRandomValues' },
  WebSocket: { type: 'any', default: "the global WebSocket (Node 20: sipreg's own client)" },
  transport: { type: 'enum', values: ['udp', 'tcp', 'tls'], host: 'node' },
  dns: { type: 'list', host: 'node', default: "the system's" },
  tls: { type: 'object', host: 'node' },
  multicast: { type: 'object', host: 'node' },
  store: {
    type: 'string',
    host: 'node',
  },
  targets: { type: 'list', host: 'node' },
  instanceStore: { type: 'any', host: 'web', default: 'localStorage' },
  wasmUrl: {
    type: 'any',
    host: 'web',
    default: 'next to the module',
  },
};

/** RegistrationPool constructor options. @type {Record<string, Option>} */
export const POOL_OPTIONS = {
  server: {
    type: 'url',
    schemes: ['ws', 'wss', 'sip'],
    required: true,
    doc: "ws:// or wss:// URL the pool's flows go to; Node: also a sip: URI (UDP)",
  },
  flows: { type: 'integer', min: 1, max: 1024, default: 1 },
  rate: { type: 'number', min: 0.001, max: 1e9, default: 200 },
  maxRegistrations: { type: 'integer', min: 1, max: 10_000_000, default: 100_000 },
  connectTimeout: OPTIONS.connectTimeout,
  WebSocket: OPTIONS.WebSocket,
  now: { type: 'any', default: 'performance.now' },
  wall: { type: 'any', default: 'Date.now' },
};

/** Options of register(), fetch(), setContacts() and whenRegistered(). @type {Record<string, Option>} */
export const CALL_OPTIONS = {
  signal: { type: 'signal' },
};

/** Options of unregister(). @type {Record<string, Option>} */
export const UNREGISTER_OPTIONS = {
  all: { type: 'boolean', default: false },
  signal: CALL_OPTIONS.signal,
};

// ---- checking ----

const SHOWN = 60;

/** @param {unknown} v @returns {string} a value as a message shows it */
export function show(v) {
  if (typeof v === 'string') {
    const s = v.length > SHOWN ? `${v.slice(0, SHOWN)}…` : v;
    return `'${s.replace(/[\r\n\t\\']/g, (c) => ({ '\r': '\\r', '\n': '\\n', '\t': '\\t', '\\': '\\\\', "'": "\\'" })[c])}'`;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return ArrayBuffer.isView(v) ? `${v.constructor.name}(${v.length})` : 'an object';
  if (typeof v === 'bigint') return `${v}n`;
  return String(v);
}

/**
 * A configuration error naming the option and the value.
 * @param {string} option the dotted path ('policy.retryBase', 'contacts[1].q')
 * @param {unknown} value what was given ('(hidden)' for secrets)
 * @param {string} problem the sentence
 * @param {object} [more] extra fields (key: the core setting)
 * @returns {SipregError}
 */
export function configError(option, value, problem, more = {}) {
  return new SipregError('SIPREG_E_CONFIG', problem, { option, value, problem, ...more });
}

/** @param {string} a @param {string} b @returns {number} edit distance (small strings) */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** @param {string} name @param {string[]} known @returns {string} " (did you mean 'x'?)" or "" */
function suggestion(name, known) {
  const best = known.map((k) => [distance(name, k), k]).sort((a, b) => a[0] - b[0])[0];
  return best && best[0] <= Math.max(1, Math.floor(name.length / 3)) ? ` (did you mean '${best[1]}'?)` : '';
}

/** @param {Option} o @returns {string} what the option must be, in words */
function expected(o) {
  const unit = o.unit === 's' ? ' (seconds)' : o.unit === 'ms' ? ' (ms)' : o.unit === 'bytes' ? ' (bytes)' : '';
  const range = o.max >= 4294967295 || o.max === undefined ? ` ≥ ${o.min}` : ` from ${o.min} to ${o.max}`;
  switch (o.type) {
    case 'integer':
      return `an integer${range}${unit}`;
    case 'number':
      return `a number${range}${unit}`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${o.values.map((v) => `'${v}'`).join(', ')}`;
    case 'string':
      return 'a string';
    case 'object':
      return o.fields ? `an object { ${Object.keys(o.fields).join(', ')} }` : 'an object';
    case 'list':
      return o.fields ? `an array of { ${Object.keys(o.fields).join(', ')} }` : 'an array';
    case 'bytes':
      return 'a Uint8Array of 32 bytes';
    case 'headers':
      return 'a string of header lines or an object of name: value strings';
    case 'signal':
      return 'an AbortSignal';
    case 'url':
      return `a ${o.schemes
        .map((s) => (s.startsWith('ws') ? `${s}://` : `${s}:`))
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1')} URL`;
    default:
      return 'set';
  }
}

/** @param {Option} o @param {unknown} v @returns {boolean} whether v has the option's type and range */
function fits(o, v) {
  switch (o.type) {
    case 'integer':
      return Number.isInteger(v) && v >= o.min && v <= o.max;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= o.min && v <= o.max;
    case 'boolean':
      return typeof v === 'boolean';
    case 'enum':
      return o.values.includes(v);
    case 'string':
      return typeof v === 'string';
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'list':
      return Array.isArray(v);
    case 'bytes':
      return v instanceof Uint8Array && v.length >= 32;
    case 'headers':
      return (
        typeof v === 'string' ||
        (v !== null &&
          typeof v === 'object' &&
          !Array.isArray(v) &&
          Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number'))
      );
    case 'url':
      return typeof v === 'string';
    case 'signal':
      return typeof v?.aborted === 'boolean' && typeof v.addEventListener === 'function';
    default:
      return true;
  }
}

/** @type {WeakMap<object, [string, Option][]>} each table's required options, found once */
const REQUIRED = new WeakMap();

/** @param {Record<string, Option>} table @returns {[string, Option][]} its required options */
function requiredOf(table) {
  let r = REQUIRED.get(table);
  if (!r) REQUIRED.set(table, (r = Object.entries(table).filter(([, o]) => o.required)));
  return r;
}

/**
 * Check options against a table; throws the first problem.
 * @param {object} given the caller's options
 * @param {Record<string, Option>} table
 * @param {{ path?: string, hosts?: string[], what?: string }} [how] path: the dotted prefix;
 *   hosts: the entries read here besides the common ones ('node' where the host has flows of
 *   its own); what: the options' owner in messages ('createRegistration')
 */
export function checkOptions(given, table, how = {}) {
  const { path = '', hosts = [], what = 'options' } = how;
  if (given === undefined && !path) given = {};
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    const shape = { type: 'object', fields: table };
    throw configError(path || 'options', given, `${path || what} must be ${expected(shape)}, got ${show(given)}`);
  }
  for (const [name, value] of Object.entries(given)) {
    const here = path ? `${path}.${name}` : name;
    const o = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!o) throw configError(here, value, `unknown option '${here}'${suggestion(name, Object.keys(table))}`);
    if (o.host && !hosts.includes(o.host)) {
      const where = o.host === 'web' ? 'the browser entry (web/sipreg.mjs)' : 'the Node entry (UDP/TCP/TLS, DNS, files)';
      throw configError(here, value, `${here} is an option of ${where} only`);
    }
    if (value === undefined || (value === null && o.nullable)) continue;
    checkValue(o, value, here, hosts);
  }
  for (const [name, o] of requiredOf(table)) {
    if (given[name] === undefined) {
      throw configError(path ? `${path}.${name}` : name, undefined, `${path ? `${path}.` : ''}${name} is required: ${o.doc}`);
    }
  }
}

/** @param {Option} o @param {unknown} value @param {string} here @param {string[]} hosts */
function checkValue(o, value, here, hosts) {
  if (o.host) return; // its shape is the entry's to check (node/flows.mjs, node/multicast-flow.mjs)
  if (!fits(o, value)) {
    const shown = o.secret ? '(hidden)' : value;
    const above = o.type === 'integer' && Number.isInteger(value) && value > o.max && o.max >= 4294967295;
    const words = above ? `at most ${o.max}` : expected(o);
    const instead = value === 0 && o.zero ? ` (${o.zero})` : '';
    const key = o.key ? { key: o.key } : {};
    throw configError(here, shown, `${here} must be ${words}, got ${o.secret ? 'a hidden value' : show(value)}${instead}`, key);
  }
  if (o.type === 'url') checkUrl(o, value, here, hosts);
  if (o.type === 'object' && o.fields) checkOptions(value, o.fields, { path: here, hosts });
  if (o.type === 'list' && o.fields) {
    value.forEach((entry, i) => checkOptions(entry, o.fields, { path: `${here}[${i}]`, hosts }));
  }
  if (o.type === 'list' && o.items === 'string') {
    value.forEach((entry, i) => {
      if (typeof entry !== 'string' || entry === '')
        throw configError(`${here}[${i}]`, entry, `${here}[${i}] must be a non-empty string, got ${show(entry)}`);
    });
  }
}

/** @param {Option} o @param {string} value @param {string} here @param {string[]} hosts */
function checkUrl(o, value, here, hosts) {
  const schemes = hosts.includes('node') ? o.schemes : o.schemes.filter((s) => s.startsWith('ws'));
  const scheme = /^\s*<?([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  const bad = (why = '') => configError(here, value, `${here} must be ${expected({ ...o, schemes })}, got ${show(value)}${why}`);
  if (!scheme || !schemes.includes(scheme)) {
    throw bad(scheme && o.schemes.includes(scheme) ? ' (sip: and sips: servers: the Node entry, createRegistration)' : '');
  }
  if (!scheme.startsWith('ws')) return; // a sip:/sips: URI: the Node host's flows read it
  let url = null;
  try {
    url = new URL(value);
  } catch {
    /* reported below */
  }
  if (!url || !url.hostname) throw bad(' (no host)');
  if (url.hash) throw bad(' (a WebSocket URL has no fragment)');
}

/**
 * Map the core's sentence about a refused configuration to the option it is about. The sentence
 * starts with the core setting's name ("aor must be …", "t2-ms must be …", "contact 1: URI …").
 * @param {string} problem the core's sentence (sipreg_config_problem)
 * @param {object} options the caller's options
 * @returns {SipregError}
 */
export function coreProblem(problem, options) {
  const contact = /^contact (\d+): (URI|q|expires)\b/.exec(problem);
  if (contact) {
    const field = contact[2] === 'URI' ? 'uri' : contact[2];
    const option = `contacts[${contact[1]}].${field}`;
    return configError(
      option,
      options?.contacts?.[contact[1]]?.[field],
      `${option}: ${problem.slice(contact[0].length - contact[2].length)}`,
    );
  }
  if (/^every contact\b/.test(problem)) return configError('contacts', options?.contacts, `contacts: ${problem}`);
  const key = /^[a-z][a-z0-9-]*/.exec(problem)?.[0];
  const found = pathOfKey(key) ?? (key && Object.hasOwn(OPTIONS, key) ? [key, OPTIONS[key]] : null);
  if (!found) return configError(undefined, undefined, problem);
  const [option, o] = found;
  const value = option.split('.').reduce((v, k) => v?.[k], options);
  const rest = problem.slice(key.length).replace(/\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b(?!-)/g, (k) => pathOfKey(k)?.[0] ?? k);
  return configError(option, o.secret ? '(hidden)' : value, `${option}${rest}`, { key });
}

/** @param {string|undefined} key a core setting @returns {[string, Option]|null} its option path */
export function pathOfKey(key) {
  if (!key) return null;
  for (const [name, o] of Object.entries(OPTIONS)) {
    if (o.key === key) return [name, o];
    for (const [sub, so] of Object.entries(o.type === 'object' ? (o.fields ?? {}) : {})) {
      if (so.key === key) return [`${name}.${sub}`, so];
    }
  }
  return null;
}

/** [option name, core key] of a table's options that have a key, in the table's order. */
const keyed = (table) => Object.entries(table).flatMap(([name, o]) => (o.key ? [[name, o.key]] : []));
/** What coreSettings reads, made once (a pool calls it per add()): each table's pairs, and the
 * place of each name among them. */
const KEYED = [keyed(OPTIONS), keyed(POLICY), keyed(OPTIONS.auth.fields)].map((pairs) => ({
  pairs,
  at: new Map(pairs.map(([name], i) => [name, i])),
}));

/**
 * Core settings of the options: { core key: value } for every option that has a `key`.
 * @param {object} options @param {Record<string, string|number|boolean>} [settings] added to
 * @returns {Record<string, string|number|boolean>} settings
 */
export function coreSettings(options, settings = {}) {
  // the names given (a few), not every name of the table: in the table's order all the same
  const take = ({ pairs, at }, given) => {
    if (given === undefined || given === null) return;
    const found = [];
    for (const name in given) {
      const i = at.get(name);
      if (i === undefined) continue;
      // kept in order as found (a few names; Array#sort would copy them into a work array)
      let j = found.length;
      for (; j > 0 && found[j - 1] > i; j--) found[j] = found[j - 1];
      found[j] = i;
    }
    for (const i of found) {
      const [name, key] = pairs[i];
      const v = given[name];
      if (v !== undefined) settings[key] = Array.isArray(v) ? v.join(', ') : v;
    }
  };
  take(KEYED[0], options);
  take(KEYED[1], options.policy);
  take(KEYED[2], options.auth);
  return settings;
}
