// JsSIP 3.13: its message parser (Parser.parseMessage, which parses Contact and the other
// well-known headers eagerly with its PEG grammar) and the REGISTER path of its Registrator +
// RequestSender (OutgoingRequest, DigestAuthentication, the transaction's Via, toString()).
import { createRequire } from 'node:module';
import { CASE, CONTACT_LINES } from '../common.mjs';
import { walkParsed, diagnoseContact } from './peg-walk.mjs';
import { WsJsSipSocket } from '../jssip-socket.mjs';

const require = createRequire(import.meta.url);

export const name = 'jssip';

export async function load() {
  const JsSIP = require('jssip');
  const Parser = require('jssip/lib/Parser.js');
  const { OutgoingRequest } = require('jssip/lib/SIPMessage.js');
  const DigestAuthentication = require('jssip/lib/DigestAuthentication.js');
  const uaStub = {}; // IncomingRequest only stores it

  /**
   * Parse and read every binding (URI parts, expires, q), challenge, Call-ID, CSeq, Expires.
   * @param {string} text @param {object} [info] filled with contacts / urisParsed
   */
  function walk(text, info) {
    const m = Parser.parseMessage(text, uaStub);
    if (!m) throw new Error(`Parser.parseMessage returned undefined: ${diagnoseContact(text, require('jssip/lib/Grammar.js'))}`);
    return walkParsed(m, m.status_code ?? 0, m.call_id, info);
  }

  /** The REGISTER with two Contacts and Authorization, as JsSIP builds each one it sends. */
  function composer() {
    const ua = new JsSIP.UA({
      sockets: [new WsJsSipSocket('wss://edge.example.com')],
      uri: CASE.aor,
      password: CASE.password,
      authorization_user: CASE.username,
      register: false,
      registrar_server: CASE.ruri,
    });
    const registrar = ua.configuration.registrar_server;
    const toUri = ua.configuration.uri;
    const challenge = Parser.parseMessage(CASE.challengeText(), uaStub).parseHeader('www-authenticate');
    const extraHeaders = [...CONTACT_LINES, 'Expires: 600'];
    return {
      step(seq) {
        // Registrator.register(): a new OutgoingRequest per REGISTER
        const request = new OutgoingRequest('REGISTER', registrar, ua, { to_uri: toUri, call_id: CASE.callId, cseq: seq }, extraHeaders);
        // RequestSender._receiveResponse(401): DigestAuthentication + Authorization header
        const auth = new DigestAuthentication({ username: CASE.username, password: CASE.password, realm: null, ha1: null });
        if (!auth.authenticate(request, challenge)) throw new Error('JsSIP refused the challenge');
        request.setHeader('authorization', auth.toString());
        // NonInviteClientTransaction: a new branch in the Via
        request.setHeader('via', `SIP/2.0/WSS ${ua.configuration.via_host};branch=z9hG4bK${Math.floor(Math.random() * 10000000)}`);
        return request.toString();
      },
    };
  }

  return { version: JsSIP.version, walk, composer };
}
