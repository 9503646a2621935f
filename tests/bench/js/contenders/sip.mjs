// The npm `sip` package 0.0.6 (Node only): sip.parse (regex-based; Contact values come out as
// {name, uri: string, params}, so the walk calls sip.parseUri on each one, which only knows
// sip:/sips:) and sip.stringify with the digest module's signRequest.
import { createRequire } from 'node:module';
import { CASE } from '../common.mjs';

const require = createRequire(import.meta.url);

export const name = 'sip';

export async function load() {
  const sip = require('sip');
  const digest = require('sip/digest');
  const version = require('sip/package.json').version;

  /**
   * Parse and read every binding (URI parts, expires, q), challenge, Call-ID, CSeq, Expires.
   * @param {string} text @param {object} [info]
   */
  function walk(text, info) {
    const m = sip.parse(text);
    if (!m) throw new Error('sip.parse returned undefined');
    const h = m.headers;
    let sum = (m.status ?? m.method.length) + (h['call-id'] ?? '').length + (h.cseq ? h.cseq.seq : 0);
    const contacts = Array.isArray(h.contact) ? h.contact : [];
    let parsed = 0;
    const notParsed = [];
    for (const c of contacts) {
      const u = sip.parseUri(c.uri);
      if (!u) notParsed.push(c.uri);
      if (u) {
        sum += u.schema.length + (u.user ? u.user.length : 0) + u.host.length + (u.port || 0);
        parsed++;
      }
      sum += Number(c.params.expires ?? 0) + Number(c.params.q ?? 0);
    }
    const ch = h['www-authenticate']?.[0];
    if (ch) sum += ch.realm.length + ch.nonce.length + (ch.algorithm ?? '').length + (ch.qop ?? '').length;
    if (h.expires !== undefined) sum += Number(h.expires);
    if (h['min-expires'] !== undefined) sum += Number(h['min-expires']);
    if (info) Object.assign(info, { contacts: contacts.length, urisParsed: parsed, notParsed });
    return sum;
  }

  /** The REGISTER with two Contacts and Authorization: a message object, signRequest, stringify. */
  function composer() {
    const challenge = sip.parse(CASE.challengeText());
    const creds = { user: CASE.username, password: CASE.password };
    return {
      step(seq) {
        const rq = {
          method: 'REGISTER',
          uri: CASE.ruri,
          version: '2.0',
          headers: {
            via: [{ version: '2.0', protocol: 'WSS', host: CASE.viaHost, params: { branch: `z9hG4bK${Math.floor(Math.random() * 1e7)}` } }],
            'max-forwards': 70,
            to: { uri: CASE.aor },
            from: { uri: CASE.aor, params: { tag: CASE.fromTag } },
            'call-id': CASE.callId,
            cseq: { seq, method: 'REGISTER' },
            contact: [
              { uri: CASE.contact1, params: { expires: 600, q: 0.9, '+sip.instance': `"<${CASE.instance}>"`, 'reg-id': 1 } },
              { uri: CASE.contact2, params: { expires: 300, q: 0.5 } },
            ],
            expires: 600,
            supported: 'path, gruu, outbound',
            'user-agent': `sip/${version}`,
            'content-length': 0,
          },
          content: '',
        };
        digest.signRequest({}, rq, challenge, creds); // a new client context per REGISTER
        return sip.stringify(rq);
      },
    };
  }

  return { version, walk, composer };
}
