// words.mjs — what the registration's events mean, in plain words. Every decision was the
// core's; this file only names the error codes, reasons and operations its events carry.
import { clock, plural } from './dom.mjs';

/**
 * @typedef {object} Notice one line of "What happened"
 * @property {'ok'|'info'|'warn'|'error'} level
 * @property {string} text
 * @property {number} [at] Unix ms a live countdown runs to
 */

/** Failures the core names with an error code. */
const ERROR_WORDS = {
  SIPREG_E_AUTH_LOOP: 'Wrong user name or password: the registrar turned the credentials down.',
  SIPREG_E_AUTH_NO_CREDENTIALS: 'The registrar wants a password and none was given.',
  SIPREG_E_AUTH_ALGORITHM: 'The registrar asks for a password scheme (digest algorithm) sipreg does not support.',
  SIPREG_E_AUTH_QOP: 'The registrar asks for a password protection mode sipreg does not support.',
};

/** Failures by the core's reason name, when no error code says more. */
const REASON_WORDS = {
  auth: 'The registrar did not accept the credentials.',
  status: 'The registrar refused the request.',
  timeout: 'The registrar did not answer in time (the request timed out).',
  flow: 'The registrar could not be reached over the WebSocket.',
  interval: 'The registrar wants a different expiry than sipreg can offer.',
  'no-binding': "The registrar's answer did not list this page's binding.",
  lapsed: 'The binding expired before it could be refreshed.',
  credentials: 'The registrar did not accept the user name or password.',
  refused: 'The registrar refused, and asking again would not change its answer.',
  redirect: 'The registrar sent sipreg elsewhere, and that did not work out.',
  network: 'The network changed: sipreg tries again on a new connection.',
  'gave-up': 'No answer within the time allowed for this request.',
  extension: 'The registrar did not support an extension sipreg asked for.',
};

/** What each operation is called in a sentence. */
const OP_WORDS = {
  register: 'Registering',
  unregister: 'Unregistering',
  'unregister-all': 'Removing all bindings',
  fetch: 'Fetching the bindings',
  none: 'The request',
};

/** How the registrar's answer found our binding (Binding.matchedBy). */
export const MATCH_WORDS = {
  instance: 'instance + reg-id',
  gruu: 'GRUU',
  uri: 'URI equality',
  none: 'not listed',
};

/**
 * Why an attempt failed, in one or two sentences.
 * @param {import('../sipreg.mjs').RegistrationEventDetail} d a "registrationfailed" detail
 * @returns {string}
 */
export function failureWords(d) {
  const why = ERROR_WORDS[d.error] ?? REASON_WORDS[d.reason] ?? 'The attempt failed.';
  const answer = d.status ? ` It answered ${d.status} ${d.text ?? ''}`.trimEnd() + '.' : '';
  return why + answer;
}

/**
 * The notice for one registration event, or null when the state badge says it all.
 * @param {string} type the DOM event name
 * @param {any} d the event's detail
 * @param {{ flowActive: boolean }} ctx whether a registration was using the flow that went down
 * @returns {Notice|null}
 */
export function eventNotice(type, d, ctx) {
  switch (type) {
    case 'registered': {
      const several = d.info.bindings.filter((b) => b.ours && b.granted > 0).length > 1;
      const what = several ? "this page's bindings, the shortest" : "this page's binding";
      return { level: 'ok', text: `Registered: the registrar keeps ${what} for ${d.granted} s. Next refresh at ${clock(d.at)}.` };
    }
    case 'unregistered':
      return {
        level: 'ok',
        text:
          d.op === 'unregister-all'
            ? "Removed every binding of the address of record, other devices' too."
            : "Unregistered: this page's bindings are removed.",
      };
    case 'registrationfailed': {
      const stop = d.state === 'failed' ? ' sipreg stops here: correct the account and press Register.' : '';
      return { level: 'error', text: `${OP_WORDS[d.op] ?? 'The request'} failed. ${failureWords(d)}${stop}` };
    }
    case 'retry':
      return {
        level: 'warn',
        at: d.at,
        text:
          d.reason === 'retry-after'
            ? `The registrar asked sipreg to wait. Next try at ${clock(d.at)}.`
            : `Next try at ${clock(d.at)}: after a failure sipreg waits a random, growing time (back-off).`,
      };
    case 'expiring':
      return { level: 'info', text: 'Refresh point reached: refreshing the registration.' };
    case 'lapsed':
      return {
        level: 'warn',
        text: `The binding expired ${Math.round(d.lateMs / 1000)} s before sipreg could refresh it (was the tab or the computer asleep?). Registering again.`,
      };
    case 'bindings': {
      if (d.op !== 'fetch') return null;
      const live = d.info.bindings.filter((b) => b.granted > 0);
      const ours = live.filter((b) => b.ours).length;
      return {
        level: 'info',
        text: `Fetched the bindings: ${plural(ours, 'binding')} of this page, ${live.length - ours} of other devices.`,
      };
    }
    case 'nobinding':
      return { level: 'warn', text: "The registrar answered OK but did not list this page's binding." };
    case 'flowdown':
      if (d.requested || !d.wasUp) return null; // asked for, or a failed connect (a failure follows)
      return {
        level: ctx.flowActive ? 'warn' : 'info',
        text:
          `The connection to the registrar closed (WebSocket code ${d.code}${d.reason ? `, ${d.reason}` : ''}).` +
          (ctx.flowActive ? ' sipreg connects again and re-registers.' : ''),
      };
    case 'flowfailed':
      return { level: 'warn', text: 'The registrar stopped answering keep-alive pings: sipreg drops the connection and opens a new one.' };
    case 'error':
      return {
        level: 'warn',
        text:
          d.text !== undefined || d.reason !== undefined
            ? `Ignored a message sipreg could not use: ${d.message ?? d.reason}${d.code ? ` (${d.code})` : ''}.`
            : `sipreg reported: ${d.message ?? d.code}.`,
      };
    default:
      return null;
  }
}

/** @param {{ scheme: string, algorithm: string|null }} c a parsed challenge @returns {string} */
const scheme = (c) => [c.scheme, c.algorithm].filter(Boolean).join(' ');

/**
 * Notices about a message the registrar sent, from the core's parse of it.
 * @param {any} p parse() output (JSON-decoded)
 * @returns {Notice[]}
 */
export function messageNotices(p) {
  const out = [];
  for (const c of p.challenges) {
    out.push({
      level: 'info',
      text: `The registrar asked for credentials (${scheme(c)}, realm ${c.realm}); sipreg answers with the password.`,
    });
  }
  if (p.minExpires !== null) {
    out.push({
      level: 'warn',
      text: `The registrar answered ${p.status} ${p.reason}: it wants registrations of at least ${p.minExpires} s. sipreg asks again with ${p.minExpires} s.`,
    });
  }
  return out;
}

/**
 * Short facts for the ladder about a request that reached the registration ('in': "for this page ·
 * seq 1 · from sip:bob@…") or the answer this page sent to one ('out': "this page's answer · seq 1").
 * @param {any} p parse() output (JSON-decoded)
 * @param {'in'|'out'} direction
 * @returns {string}
 */
export function requestFacts(p, direction) {
  const facts = [direction === 'in' ? 'for this page' : "this page's answer"];
  if (p.cseq) facts.push(`seq ${p.cseq.seq}`);
  if (direction === 'in' && p.from) facts.push(`from ${p.from.uri}`);
  return facts.join(' · ');
}

/**
 * Short facts about a message for the ladder ("seq 2 · expires 600 s · 1 binding").
 * @param {any} p parse() output (JSON-decoded)
 * @returns {string}
 */
export function messageFacts(p) {
  const facts = [];
  if (p.cseq) facts.push(`seq ${p.cseq.seq}`);
  if (p.star) facts.push('all bindings (*)');
  if (p.expires !== null) facts.push(`expires ${p.expires} s`);
  if (p.contacts.length) facts.push(plural(p.contacts.length, 'binding'));
  for (const c of p.challenges) facts.push(`challenge: ${scheme(c)}, realm ${c.realm}`);
  if (p.minExpires !== null) facts.push(`at least ${p.minExpires} s`);
  if (p.retryAfter !== null) facts.push(`retry after ${p.retryAfter} s`);
  return facts.join(' · ');
}
