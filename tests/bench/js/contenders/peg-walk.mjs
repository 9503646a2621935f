// peg-walk.mjs — the walk over a message parsed by JsSIP or SIP.js: both descend from the same
// parser design (PEG grammar, IncomingMessage with getHeaders / parseHeader / getParam), so one
// walk serves both; only the status and Call-ID property names differ.

/**
 * Read every binding (URI parts, expires, q), the challenge, CSeq, Expires and Min-Expires.
 * @param {any} m a parsed IncomingRequest / IncomingResponse
 * @param {number} status status code, or 0 for a request
 * @param {string} callId
 * @param {object} [info] filled with contacts / urisParsed
 * @returns {number} a checksum of what was read
 */
export function walkParsed(m, status, callId, info) {
  let sum = (status || m.method.length) + callId.length + m.cseq;
  const n = m.getHeaders('contact').length;
  let parsed = 0;
  for (let i = 0; i < n; i++) {
    const c = m.parseHeader('contact', i);
    if (!c) throw new Error(`Contact ${i} did not parse`);
    const u = c.uri;
    sum += u.scheme.length + (u.user ? u.user.length : 0) + u.host.length + (u.port ?? 0);
    sum += Number(c.getParam('expires') ?? 0) + Number(c.getParam('q') ?? 0);
    parsed++;
  }
  const ch = m.hasHeader('www-authenticate') ? m.parseHeader('www-authenticate') : null;
  if (ch) sum += ch.realm.length + ch.nonce.length + (ch.algorithm ?? '').length + (ch.qop ?? []).length;
  if (m.hasHeader('expires')) sum += Number(m.getHeader('expires'));
  if (m.hasHeader('min-expires')) sum += Number(m.getHeader('min-expires'));
  if (info) Object.assign(info, { contacts: n, urisParsed: parsed });
  return sum;
}

/**
 * Which Contact header value a grammar refuses (for the rejection note).
 * @param {string} text @param {{ parse: (input: string, rule: string) => any }} grammar
 */
export function diagnoseContact(text, grammar) {
  for (const line of text.split('\r\n')) {
    const mm = /^(Contact|m)\s*:\s*(.*)$/i.exec(line);
    if (mm && grammar.parse(mm[2], 'Contact') === -1) return `its grammar refuses "Contact: ${mm[2]}"`;
  }
  return 'a header did not parse';
}
