// Parser for `kamcmd ul.dump` output (Kamailio 5.6 usrloc, kamcmd 1.5). The same function reads
// `ul.lookup location <aor>` replies (a top-level "AoR:" + "Contacts: {...}"), also several of
// them concatenated from kamcmd's interactive mode.
//
// kamcmd prints the RPC reply as an indented tree, one "Key: value" or "Key: {" per line,
// "}" closing a struct. Only the parts used here:
//
//   {
//   	Domains: {
//   		Domain: {
//   			Domain: location
//   			Size: 1024
//   			AoRs: {
//   				Info: {
//   					AoR: alice@example.test
//   					HashID: -1374514036
//   					Contacts: {
//   						Contact: {
//   							Address: sip:alice@x.invalid;transport=ws
//   							Expires: 600              (remaining s, or permanent/deleted/expired)
//   							Q: 0.500000               (-1 = no q)
//   							Call-ID: bab7bcaa31a5
//   							CSeq: 2
//   							User-Agent: n/a
//   							Received: sip:127.0.0.1:49852;transport=ws   ([not set] if none)
//   							Path: [not set]
//   							...
//   							Ruid: uloc-6b099fe3-4341-1
//   							Instance: <urn:uuid:...>  ([not set] if none)
//   							Reg-Id: 1                 (0 = none)
//   							...
//   						}
//   					}
//   				}
//   			}
//   			Stats: { Records: 2  Max-Slots: 1 }
//   		}
//   	}
//   }

/**
 * One registered binding as held by Kamailio's usrloc.
 * @typedef {object} Binding
 * @property {string} aor          AOR without scheme, with domain (use_domain=1): "alice@example.test"
 * @property {string} contact      the Contact URI as stored (no <>, no header params)
 * @property {number | 'permanent' | 'deleted' | 'expired'} expires  seconds remaining
 * @property {number | null} q     null when the Contact had no q
 * @property {string} callId
 * @property {number} cseq
 * @property {string | null} instance  +sip.instance value as stored, e.g. "<urn:uuid:...>"
 * @property {number | null} regId     reg-id, null when absent
 * @property {string | null} received  e.g. "sip:127.0.0.1:49852;transport=ws" for WS clients
 * @property {string | null} path
 * @property {string | null} userAgent
 * @property {string} ruid
 * @property {string} socket       e.g. "tcp:127.0.0.1:35071"
 * @property {number} tcpConnId    Kamailio's TCP connection id (-1 for UDP)
 */

const NOT_SET = '[not set]';

/** @param {string | undefined} v */
const optional = (v) => (v === undefined || v === NOT_SET ? null : v);

/**
 * @param {Record<string, string>} f  the Contact struct's fields
 * @param {string} aor
 * @returns {Binding}
 */
function toBinding(f, aor) {
  const exp = f.Expires ?? '';
  const q = Number(f.Q);
  const regId = Number(f['Reg-Id']);
  const ua = optional(f['User-Agent']);
  return {
    aor,
    contact: f.Address ?? '',
    expires: /^-?\d+$/.test(exp) ? Number(exp) : /** @type {'permanent'|'deleted'|'expired'} */ (exp),
    q: Number.isFinite(q) && q >= 0 ? q : null,
    callId: f['Call-ID'] ?? '',
    cseq: Number(f.CSeq),
    instance: optional(f.Instance),
    regId: Number.isFinite(regId) && regId > 0 ? regId : null,
    received: optional(f.Received),
    path: optional(f.Path),
    userAgent: ua === 'n/a' ? null : ua,
    ruid: f.Ruid ?? '',
    socket: f.Socket ?? '',
    tcpConnId: Number(f['Tcpconn-Id'] ?? -1),
  };
}

/**
 * Parse the text printed by `kamcmd ul.dump` into a flat list of bindings.
 * @param {string} text
 * @returns {Binding[]}
 */
export function parseUlDump(text) {
  /** @type {Binding[]} */
  const out = [];
  /** @type {string[]} struct names from the root to the current line */
  const stack = [];
  let aor = '';
  /** @type {Record<string, string> | null} */
  let contact = null;
  for (const raw of text.split('\n')) {
    // interactive kamcmd prints "kamcmd> " prompts (followed by the echoed command or the reply)
    const line = raw.replace(/^(kamcmd> ?)+/, '').trim();
    if (line === '') continue;
    if (line === '}') {
      const closed = stack.pop();
      if (closed === 'Contact' && contact) {
        out.push(toBinding(contact, aor));
        contact = null;
      }
      continue;
    }
    if (line === '{') {
      stack.push('');
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (value === '{') {
      stack.push(key);
      if (key === 'Contact' && stack.at(-2) === 'Contacts') contact = {};
      continue;
    }
    if (contact) contact[key] = value;
    else if (key === 'AoR') aor = value;
  }
  if (stack.length !== 0) throw new Error(`ul.dump: unbalanced output (${stack.length} open structs)`);
  return out;
}

/**
 * AORs listed by `kamcmd ul.dump brief` ("AoR: alice@example.test" lines under "AoRs: {").
 * @param {string} text
 * @returns {string[]}
 */
export function parseUlDumpBrief(text) {
  return [...text.matchAll(/^\s*AoR: (.*)$/gm)].map((m) => m[1].trim());
}
