// types.test.mjs — the types say what the views emit: every key of `info`, of the bindings, of
// every event's detail and of parse() results, collected at run time (recursively), is declared in
// its interface in node/index.d.ts; every option of the options table is declared in
// RegistrationOptions; and a program using the API (tests/types/consumer.ts) compiles with
// `tsc --strict` (TypeScript, a devDependency), its @ts-expect-error lines still errors. The .d.ts is read as text (interfaces, `extends`, inline object types,
// arrays, unions), so a key the core starts emitting fails here until the types name it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { ROOT, FakeSocket, answer, sleep, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
const DTS = readFileSync(`${ROOT}node/index.d.ts`, 'utf8');

// ---- the .d.ts as shapes: name → { members: Map<key, type text>, open: boolean } ----

/** @param {string} text @param {number} at index of an opening bracket @returns {number} its closing one */
function closing(text, at) {
  const open = text[at],
    close = { '{': '}', '(': ')', '<': '>', '[': ']' }[open];
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${open} at ${at}`);
}

/** Split `text` at `sep` where no bracket is open. */
function splitTop(text, sep) {
  const out = [];
  let depth = 0,
    start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('{(<['.includes(c)) depth++;
    else if ('})]'.includes(c) || (c === '>' && text[i - 1] !== '=')) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Members of an object type body ("a: T; readonly b?: U; m(): V; [k: string]: W"). */
function members(body) {
  const shape = { members: new Map(), open: false, bases: [] };
  for (const part of splitTop(body.replace(/\n/g, ';'), ';')) {
    if (part.startsWith('[')) {
      shape.open = true;
      continue;
    }
    const m = /^(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*(<[^(]*>)?\s*([:(])/.exec(part);
    if (!m) continue;
    shape.members.set(m[1], m[3] === ':' ? part.slice(m[0].length).trim() : 'function');
  }
  return shape;
}

/** Every interface, class and object type alias of the .d.ts. */
function shapesOf(source) {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const shapes = new Map();
  const decl = /export (?:declare )?(interface|class|type) (\w+)(?:<[^>]*>)?\s*(?:extends ([\w\s,<>.]+?))?\s*(=|\{)/g;
  for (let m; (m = decl.exec(text));) {
    if (m[4] === '{') {
      const at = m.index + m[0].length - 1;
      const shape = members(text.slice(at + 1, closing(text, at)));
      shape.bases = m[3] ? m[3].split(',').map((b) => b.trim()) : [];
      shapes.set(m[2], shape);
    } else {
      const end = text.indexOf(';\n', m.index);
      shapes.set(m[2], { alias: text.slice(m.index + m[0].length, end).trim() });
    }
  }
  return shapes;
}

const SHAPES = shapesOf(DTS);

/**
 * The object shapes a type text allows (a union gives several; arrays give their element's).
 * @param {string} type @returns {{shapes: object[], array: boolean, open: boolean}}
 */
function resolve(type) {
  const out = { shapes: [], open: false };
  for (let alt of splitTop(type, '|')) {
    alt = alt.replace(/^\((.*)\)$/s, '$1').trim();
    if (alt.endsWith('[]')) alt = alt.slice(0, -2);
    const wrapped = /^(?:Required|Readonly|Partial)<(\w+)>$/.exec(alt);
    if (wrapped) alt = wrapped[1];
    if (alt.startsWith('{')) out.shapes.push(members(alt.slice(1, closing(alt, 0))));
    else if (/^Record</.test(alt) || alt === 'object' || alt === 'unknown' || alt === 'any') out.open = true;
    else if (SHAPES.has(alt)) {
      const s = SHAPES.get(alt);
      if (s.alias) {
        const r = resolve(s.alias);
        out.shapes.push(...r.shapes);
        out.open ||= r.open;
      } else out.shapes.push(s);
    }
  }
  return out;
}

/** The type text of `key` in a shape or its bases, or undefined. */
function memberType(shape, key) {
  if (shape.members.has(key)) return shape.members.get(key);
  for (const b of shape.bases) {
    const base = SHAPES.get(b);
    if (base && !base.alias) {
      const t = memberType(base, key);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

/**
 * Every key of `value` (recursively) that the type does not declare, as paths.
 * @param {unknown} value @param {string} type @param {string} path @param {string[]} missing
 */
function undeclared(value, type, path, missing = []) {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) undeclared(v, type, `${path}[${i}]`, missing);
    return missing;
  }
  if (value === null || typeof value !== 'object') return missing;
  const { shapes, open } = resolve(type);
  if (open || !shapes.length) return missing;
  for (const key of Object.keys(value)) {
    const types = shapes.map((s) => memberType(s, key)).filter((t) => t !== undefined);
    if (!types.length) missing.push(`${path}.${key}`);
    else undeclared(value[key], types.join(' | '), `${path}.${key}`, missing);
  }
  return missing;
}

test('the .d.ts reader finds the interfaces it checks against (and catches a key they lack)', () => {
  for (const name of [
    'RegistrationInfo',
    'Binding',
    'RegistrationEventDetail',
    'RegistrationEventMap',
    'ParsedMessage',
    'RegistrationOptions',
  ]) {
    assert.ok(SHAPES.has(name), name);
  }
  assert.deepEqual(undeclared({ state: 'idle', bindings: [{ ours: true, nope: 1 }], zzz: 2 }, 'RegistrationInfo', 'info'), [
    'info.bindings[0].nope',
    'info.zzz',
  ]);
  assert.deepEqual(undeclared({ ok: false, error: 'E', offset: 1, message: 'm' }, 'ParsedMessage', 'p'), []);
  assert.deepEqual(undeclared({ granted: 1, info: { state: 'idle' } }, 'RegisteredDetail', 'd'), [], "a base interface's keys count");
});

// ---- the views at run time ----

/** What a full-featured 200 OK lists: ours with GRUUs, another device, routes, Date, outbound. */
const RICH_200 = (ours) =>
  `Contact: <${ours}>;expires=600;+sip.instance="<urn:uuid:00000000-0000-4000-8000-000000000001>";reg-id=1;` +
  'pub-gruu="sip:alice@example.test;gr=urn:uuid:00000000-0000-4000-8000-000000000001";temp-gruu="sip:tgruu.7hs==@example.test;gr"\r\n' +
  'Contact: <sip:other@192.0.2.9;transport=tcp>;expires=300;q=0.4;+sip.instance="<urn:uuid:00000000-0000-4000-8000-000000000002>";reg-id=2\r\n' +
  'Service-Route: <sip:edge.example.test;lr>\r\nPath: <sip:p1.example.test;lr>\r\n' +
  `Date: ${new Date().toUTCString()}\r\nRequire: outbound\r\nFlow-Timer: 60\r\n`;

/** Wait until the fake socket has sent `n` messages; the n-th. */
async function sent(sock, n) {
  for (const t0 = Date.now(); Date.now() - t0 < 3000 && sock.sent.length < n;) await sleep(2);
  assert.ok(sock.sent.length >= n, `expected ${n} sends, got ${sock.sent.length}`);
  return sock.sent[n - 1];
}

/** The event names of RegistrationEventMap, and each one's detail interface. */
const EVENT_TYPES = [...SHAPES.get('RegistrationEventMap').members].map(([name, type]) => ({ name, type }));

test(
  'every key of info, bindings and every event detail is declared (a registration through 302, 503, a 200 without us, a rich 200, keep-alive, fetch, unregister)',
  { timeout: 20_000 },
  async () => {
    const ours = 'sip:types@xyz.invalid;transport=ws';
    const reg = await sipreg.createRegistration({
      server: 'ws://registrar.invalid',
      aor: 'sip:alice@example.test',
      WebSocket: FakeSocket,
      auth: { password: 'secret' },
      contacts: [{ uri: ours, q: 0.9 }],
      policy: { retryBase: 1, retryMax: 1, pongTimeoutMs: 200, t1Ms: 50 },
    });
    /** @type {Map<string, object[]>} event name → details */
    const seen = new Map();
    for (const { name } of EVENT_TYPES) {
      reg.addEventListener(name, (e) => {
        if (!seen.has(name)) seen.set(name, []);
        seen.get(name).push(e.detail);
      });
    }
    const infos = [reg.info];
    const first = reg.register().catch((e) => e);
    await sleep(5);
    let sock = FakeSocket.last;
    // a 302 (followed: redirect), a 503 (failed, retry), a 200 without us (nobinding), garbage (error)
    sock.deliver(answer(await sent(sock, 1), '302 Moved Temporarily', 'Contact: <sip:registrar2.example.test>\r\n'));
    sock.deliver(answer(await sent(sock, 2), '503 Service Unavailable', 'Retry-After: 1\r\n'));
    const failure = await first;
    assert.equal(failure.name, 'RegistrationError');
    sock.deliver('garbage that is not SIP\r\n\r\n');
    const again = reg.register().catch((e) => e);
    sock.deliver(answer(await sent(sock, 3), '200 OK', 'Contact: <sip:someone@else.invalid>;expires=60\r\n'));
    await again;
    infos.push(reg.info);
    // the rich 200: ours with GRUUs, another device, routes, skew, outbound keep-alive
    const done = reg.register();
    sock.deliver(answer(await sent(sock, 4), '200 OK', RICH_200(ours)));
    const registered = await done;
    infos.push(reg.info, registered.info);
    const fetched = reg.fetch();
    sock.deliver(answer(await sent(sock, 5), '200 OK', RICH_200(ours)));
    const bindings = await fetched;
    // the flow drops: flowdown, and a new flow
    sock.drop();
    for (let i = 0; i < 100 && FakeSocket.last === sock; i++) await sleep(5);
    sock = FakeSocket.last;
    await sleep(20);
    // answer whatever the new flow carries (the re-registration, then the removal) until unregistered
    const bye = reg.unregister();
    let over = false;
    bye.finally(() => {
      over = true;
    });
    for (let n = 0; !over && n < 10; n++) {
      const req = await sent(sock, n + 1);
      sock.deliver(answer(req, '200 OK', /expires=0|Expires: 0/.test(req) ? '' : RICH_200(ours)));
      await sleep(5);
    }
    await bye;
    infos.push(reg.info);
    reg.close();

    const missing = [];
    infos.forEach((info, i) => undeclared(info, 'RegistrationInfo', `info#${i}`, missing));
    undeclared(bindings, 'Binding[]', 'fetch()', missing);
    undeclared(failure, 'RegistrationError', 'RegistrationError', missing);
    for (const { name, type } of EVENT_TYPES) {
      for (const [i, d] of (seen.get(name) ?? []).entries()) undeclared(d, type, `${name}#${i}.detail`, missing);
    }
    assert.deepEqual(
      [...new Set(missing.map((k) => k.replace(/#\d+|\[\d+\]/g, '')))],
      [],
      'keys the views emit that index.d.ts does not declare',
    );
    // the run covered what it claims (else the check above proves little)
    for (const name of [
      'statechange',
      'registered',
      'unregistered',
      'registrationfailed',
      'retry',
      'bindings',
      'nobinding',
      'redirect',
      'message',
      'error',
      'flowdown',
    ]) {
      assert.ok(seen.has(name), `no ${name} event was seen`);
    }
    const info = infos.at(-2);
    for (const k of ['keepalive', 'keepaliveS', 'liveness', 'pingAt', 'pongDeadline', 'clockSkewMs']) assert.ok(k in info, k);
    assert.ok(bindings.some((b) => b.pubGruu) && bindings.some((b) => !b.ours), 'GRUUs and another device listed');
  },
);

test('every key of parse() results (every vector, To/From included) is declared in ParsedMessage', () => {
  const dirs = readdirSync(`${ROOT}tests/vectors`, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const missing = new Set();
  let n = 0;
  for (const dir of dirs) {
    for (const f of readdirSync(`${ROOT}tests/vectors/${dir}`)) {
      if (!/\.(sip|txt)$/.test(f)) continue;
      const view = sipreg.parse(readFileSync(`${ROOT}tests/vectors/${dir}/${f}`));
      for (const k of undeclared(view, 'ParsedMessage', 'parse()')) missing.add(k.replace(/\[\d+\]/g, '[]'));
      n++;
    }
  }
  assert.ok(n > 20, `${n} vectors`);
  assert.deepEqual([...missing], [], 'keys parse() emits that ParsedMessage does not declare');
});

test('every option of the options table is declared in RegistrationOptions (and its nested objects)', async () => {
  /** @type {{OPTIONS: Record<string, {fields?: object}>}} */
  const { OPTIONS: table } = await import(need(`${ROOT}node/lib/options.mjs`, 'node package'));
  const missing = [];
  const check = (fields, type, path) => {
    const { shapes } = resolve(type);
    assert.ok(shapes.length, `${path}: ${type} resolves to an object type`);
    for (const [name, o] of Object.entries(fields)) {
      const t = shapes.map((s) => memberType(s, name)).find((x) => x !== undefined);
      if (t === undefined) missing.push(`${path}.${name}`);
      else if (o.fields) check(o.fields, t, `${path}.${name}`);
    }
  };
  check(table, 'RegistrationOptions', 'options');
  assert.deepEqual(missing, [], 'options the table has and RegistrationOptions lacks');
});

test('tsc --strict compiles tests/types/consumer.ts against index.d.ts and parse.d.ts', { timeout: 60_000 }, async () => {
  const tsc = need(`${ROOT}node_modules/typescript/bin/tsc`, 'typescript (npm devDependency; scripts/setup.sh installs it)');
  const r = await new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', `${ROOT}tests/types`], (e, stdout, stderr) =>
      resolve({ status: e ? e.code : 0, out: stdout + stderr }),
    );
  });
  assert.equal(r.status, 0, r.out);
});
