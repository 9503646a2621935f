// SIP.js 0.21: its message parser (Core.Parser.parseMessage; Contact and the other well-known
// headers are parsed eagerly by its pegjs grammar) and the REGISTER path of its Registerer +
// UserAgentClient (OutgoingRequestMessage, DigestAuthentication, setViaHeader, toString()).
import { createRequire } from 'node:module';
import { CASE, CONTACT_LINES } from '../common.mjs';
import { walkParsed, diagnoseContact } from './peg-walk.mjs';

const require = createRequire(import.meta.url);

export const name = 'sipjs';

export async function load() {
  const SIP = await import('sip.js');
  const { Core, Grammar } = SIP;
  const loggerFactory = new Core.LoggerFactory();
  loggerFactory.builtinEnabled = false;
  const logger = loggerFactory.getLogger('bench');

  /**
   * Parse and read every binding (URI parts, expires, q), challenge, Call-ID, CSeq, Expires.
   * @param {string} text @param {object} [info] filled with contacts / urisParsed
   */
  function walk(text, info) {
    const m = Core.Parser.parseMessage(text, logger);
    if (!m) throw new Error(`Parser.parseMessage returned undefined: ${diagnoseContact(text, Grammar)}`);
    return walkParsed(m, m.statusCode ?? 0, m.callId, info);
  }

  /** The REGISTER with two Contacts and Authorization, as SIP.js builds each one it sends. */
  function composer() {
    const ruri = Grammar.URIParse(CASE.ruri);
    const aor = Grammar.URIParse(CASE.aor);
    const challenge = Core.Parser.parseMessage(CASE.challengeText(), logger).parseHeader('www-authenticate');
    const extraHeaders = [...CONTACT_LINES, 'Expires: 600'];
    const options = {
      callId: CASE.callId,
      cseq: 1,
      viaHost: CASE.viaHost,
      userAgentString: 'SIP.js/0.21.2',
      optionTags: ['path', 'gruu', 'outbound'],
    };
    return {
      step(seq) {
        // Registerer.register() -> UserAgentCore.makeOutgoingRequestMessage()
        const message = new Core.OutgoingRequestMessage('REGISTER', ruri, aor, aor, { ...options, cseq: seq }, extraHeaders);
        // UserAgentClient.authenticationGuard(401): new credentials per client, Authorization header
        const credentials = new Core.DigestAuthentication(loggerFactory, undefined, CASE.username, CASE.password);
        if (!credentials.authenticate(message, challenge)) throw new Error('SIP.js refused the challenge');
        message.setHeader('authorization', credentials.toString());
        // NonInviteClientTransaction: a new branch in the Via
        message.setViaHeader(`z9hG4bK${Math.floor(Math.random() * 10000000)}`, 'WSS');
        return message.toString();
      },
    };
  }

  // lib/version.js of the 0.21.2 package still says 0.21.1: report the package's version
  return { version: require('sip.js/package.json').version, walk, composer };
}
