// requests-panel.mjs — the requests that reached this page's registration (a call from the call
// page, a registrar's reachability ping, …): newest first, each with its method, who sent it, the
// address it was sent to (one of our contacts) and the answer that went back — the status the
// core's request table gave it when nothing on the page took it, or what the page answered. The
// answer's words come from the response as it was sent (the core's parse of it): this file knows
// no methods, statuses or reasons, it only shows what the `request` and `message` events carry.
// A list rather than a table: the lines wrap on a phone screen.
import { el, clock } from './dom.mjs';

/** Rows kept; older ones are dropped. */
const MAX_ROWS = 50;

/**
 * What a `request` event brought, as the panel keeps it.
 * @typedef {object} RequestSeen
 * @property {string} method
 * @property {any} message the core's parse view of the request (camelCase)
 * @property {number} answer the status the core's table gives it (0: none is due)
 */

/**
 * The key that pairs a request with the responses sent to it: its dialog identifiers and sequence.
 * @param {any} m a parse view (request or response)
 * @returns {string}
 */
const pairKey = (m) => JSON.stringify([m.callId, m.cseq?.seq, m.cseq?.method, m.from?.tag]);

/** @param {any} from a parse view's From @returns {string} "Bob <sip:bob@…>" or the URI */
const party = (from) => (from ? (from.display ? `${from.display} <${from.uri}>` : from.uri) : '—');

/** The requests panel: a list, a note for when it is empty, the rows by pairing key. */
export class RequestsPanel {
  /** @type {Map<string, HTMLElement>} rows waiting for (or showing) their answer */
  #rows = new Map();

  /** @param {HTMLElement} list the <ol> the rows go in */
  constructor(list) {
    this.list = list;
  }

  /**
   * Add a request (newest first), as sipreg answers it when nothing on the page takes it.
   * @param {RequestSeen} r
   * @returns {HTMLElement} its row
   */
  add(r) {
    const m = r.message ?? {};
    const row = el(
      'li',
      { className: 'request', dataset: { method: r.method, answer: String(r.answer), by: 'sipreg', status: '' } },
      el(
        'div',
        { className: 'request-head' },
        el('time', {}, clock(Date.now(), true)),
        el('span', { className: 'method' }, r.method),
        el(
          'span',
          { className: 'answered' },
          el('span', { className: 'answer' }, r.answer === 0 ? 'no answer due' : 'answering…'),
          el('span', { className: 'by' }, r.answer === 0 ? '' : ' · by sipreg'),
        ),
      ),
      el(
        'div',
        { className: 'request-line' },
        el('span', { className: 'field-label' }, 'from'),
        el('span', { className: 'mono from' }, party(m.from)),
      ),
      el(
        'div',
        { className: 'request-line' },
        el('span', { className: 'field-label' }, 'to'),
        el('span', { className: 'mono ruri' }, m.ruri ?? '—'),
      ),
    );
    this.#rows.set(pairKey(m), row);
    this.list.prepend(row);
    while (this.list.childElementCount > MAX_ROWS) {
      const old = /** @type {HTMLElement} */ (this.list.lastElementChild);
      for (const [k, v] of this.#rows) if (v === old) this.#rows.delete(k);
      old.remove();
    }
    return row;
  }

  /**
   * A listener on the page took the request (preventDefault): the page answers it, not sipreg.
   * @param {HTMLElement} row
   */
  taken(row) {
    row.dataset.by = 'this page';
    /** @type {HTMLElement} */ (row.querySelector('.by')).textContent =
      row.dataset.answer === '0' ? ' · taken by this page' : ' · by this page';
  }

  /**
   * A response this page's registration sent: the row of the request it answers shows its status
   * and reason (the last one sent: a provisional answer is followed by the final one).
   * @param {any} p the core's parse of the response (JSON-decoded, ok)
   * @returns {boolean} whether it answered a request in the panel
   */
  answered(p) {
    const row = this.#rows.get(pairKey(p));
    if (!row) return false;
    row.dataset.status = String(p.status);
    row.dataset.final = String(p.status >= 200);
    /** @type {HTMLElement} */ (row.querySelector('.answer')).textContent = `${p.status} ${p.reason ?? ''}`.trimEnd();
    return true;
  }
}
