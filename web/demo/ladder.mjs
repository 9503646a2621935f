// ladder.mjs — the SIP message ladder: every message this page sent or received, oldest first,
// as "time, arrow, first line, facts"; a click opens the whole message. Requests that reached the
// registration and the answers sent to them are marked and told apart. Messages of a retired
// registration (the account changed) are marked with a note. On narrow screens the lines wrap.
import { el, clock } from './dom.mjs';
import { messageFacts, requestFacts } from './words.mjs';

/** Rows kept; older ones are dropped. */
const MAX_ROWS = 300;

/**
 * Add one message to the ladder.
 * @param {HTMLElement} ladder
 * @param {{ direction: 'in'|'out', text: string, result?: string }} msg a "message" event detail
 * @param {any} parsed the core's parse of it (JSON-decoded), or null for keep-alive blank lines
 * @param {string} [note] whose message it is when not the current registration's ('' : none)
 * @returns {HTMLElement} the row
 */
export function addMessage(ladder, msg, parsed, note = '') {
  const firstLine = msg.text.trim() === '' ? 'keep-alive (blank line)' : msg.text.slice(0, msg.text.search(/\r?\n|$/));
  // a request that reached the registration, or the answer this page sent to one
  const request = Boolean(parsed?.ok) && (msg.direction === 'in' ? msg.result === 'request' : parsed.type === 'response');
  let facts = parsed
    ? parsed.ok
      ? request
        ? requestFacts(parsed, msg.direction)
        : messageFacts(parsed)
      : `unreadable: ${parsed.error}`
    : '';
  const ignored = msg.direction === 'in' && msg.result && msg.result !== 'ok' && msg.result !== 'request';
  if (ignored) facts = `ignored (${msg.result})${facts ? ` · ${facts}` : ''}`;
  if (note) facts = `${note}${facts ? ` · ${facts}` : ''}`;
  const follow = ladder.scrollHeight - ladder.scrollTop - ladder.clientHeight < 24;
  const row = el(
    'details',
    {
      className: `msg ${msg.direction}${ignored ? ' ignored' : ''}${request ? ' request' : ''}${note ? ' retired' : ''}`,
      dataset: { direction: msg.direction },
    },
    el(
      'summary',
      {},
      el('time', {}, clock(Date.now(), true)),
      el(
        'div',
        {},
        el(
          'div',
          { className: 'label', title: facts || undefined },
          el('span', { className: 'line mono' }, firstLine),
          facts && el('span', { className: 'msg-facts' }, facts),
        ),
        el('div', { className: 'shaft' }),
      ),
    ),
    el('pre', { className: 'raw' }, msg.text.replace(/\r\n/g, '\n').trimEnd()),
  );
  append(ladder, row, follow);
  return row;
}

/**
 * Start a new section (a new registration) and show it.
 * @param {HTMLElement} ladder
 * @param {string} text
 */
export function addSeparator(ladder, text) {
  if (ladder.childElementCount > 0) append(ladder, el('div', { className: 'separator' }, text), true);
}

/** @param {HTMLElement} ladder @param {HTMLElement} row @param {boolean} follow scroll to it */
function append(ladder, row, follow) {
  ladder.append(row);
  while (ladder.childElementCount > MAX_ROWS) ladder.firstElementChild?.remove();
  if (follow) ladder.scrollTop = ladder.scrollHeight;
}
