// sipreg's wasm build through its public JS API (node/index.mjs): parse = the exported `parse`
// (the core's view tape built into JS objects); compose = a registration's
// refresh (the core composes REGISTER with the cached nonce, nc + 1) drained as a JS string.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CASE, ROOT, respond } from '../common.mjs';

export const name = 'sipreg-wasm';

export async function load() {
  const api = await import(pathToFileURL(join(ROOT, 'node/index.mjs')).href);
  const { parse, core } = api;

  /**
   * Parse and read every binding (URI text, expires, q), challenge, Call-ID, CSeq, Expires.
   * The view gives each binding's URI as text (the core checks the name-addr, the public
   * JS API has no URI decomposition), its expires and q as numbers.
   * @param {string} text @param {object} [info]
   */
  function walk(text, info) {
    const m = parse(text);
    if (!m.ok) throw new Error(`${m.error} at offset ${m.offset}: ${m.message}`);
    let sum = (m.status ?? m.method.length) + m.callId.length + m.cseq.seq;
    for (const c of m.contacts) sum += c.uri.length + (c.expires ?? 0) + (c.q ?? 0);
    for (const ch of m.challenges) sum += ch.realm.length + ch.nonce.length + ch.algorithm.length + ch.qop.length;
    sum += (m.expires ?? 0) + (m.minExpires ?? 0);
    if (info) Object.assign(info, { contacts: m.contacts.length, urisParsed: 0 });
    return sum;
  }

  /**
   * A registered registration with two Contacts (the first carrying +sip.instance and reg-id)
   * that answered the 401 once. step() = register() (refresh now) + drain: the REGISTER with
   * Authorization (same nonce, nc + 1), as a JS string. after() feeds the 200 OK (untimed).
   */
  function composer() {
    const x = core.x;
    const now = () => performance.now();
    const cfg = core.buildConfig(
      { aor: CASE.aor, username: CASE.username, password: CASE.password, transport: 'wss', instance: CASE.instance },
      [
        { uri: CASE.contact1, expires: 600, q: 0.9 },
        { uri: CASE.contact2, expires: 300, q: 0.5 },
      ],
      new Uint8Array(32).fill(7),
    );
    let h;
    try {
      h = core.newRegistration(cfg);
    } finally {
      core.freeConfig(cfg);
    }
    x.sw_wallclock(h, Date.now(), now());
    x.sw_transport(h, 1, now());
    const one = () => {
      const sends = core.drainSends(h);
      if (sends.length !== 1) throw new Error(`expected one REGISTER, got ${sends.length}`);
      return sends[0];
    };
    const feed = (text) => {
      const r = core.recv(h, text, now());
      if (r < 0) throw core.error(r);
      core.drainEvents(h);
    };
    x.sw_register(h, now());
    feed(respond(one(), 401));
    const second = one();
    if (!/^Authorization: Digest /m.test(second)) throw new Error('no Authorization after the 401');
    feed(respond(second, 200));
    return {
      step() {
        x.sw_register(h, now());
        return one();
      },
      after(text) {
        feed(respond(text, 200));
      },
      close() {
        x.sw_reg_free(h);
      },
    };
  }

  return { version: api.version, walk, composer };
}
