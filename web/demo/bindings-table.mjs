// bindings-table.mjs — the bindings of the address of record as the registrar last listed them:
// this page's (with the rule that matched them) and other devices', expiry bars counting down.
// Drawn twice from the same data: a table for wide screens and cards for narrow ones (style.css
// shows one of them). While the core's state says this page's binding is not in place (connection
// lost, back-off, a fresh attempt), its row reads "last known" and greys out: the badge and the
// table never contradict each other.
import { el, countdown, plural } from './dom.mjs';
import { MATCH_WORDS } from './words.mjs';

/** @typedef {import('../sipreg.mjs').Binding} Binding */

/**
 * Where the bindings are drawn.
 * @typedef {object} BindingsView
 * @property {HTMLElement} tbody the table's body (wide screens)
 * @property {HTMLElement} cards the card list (narrow screens)
 * @property {HTMLElement} note the heading's small print
 */

/** Columns of the table, and the labels of a card's fields. */
const FIELDS = ['Device', 'Binding', 'Matched by', 'q', 'Expiry', 'GRUU'];

/** @param {Binding} b @returns {(Node|string)[]} granted, then (small) what was requested */
function grantedText(b) {
  const granted = b.granted > 0 ? `${b.granted} s` : '—';
  return b.requested === null ? [granted] : [granted, ' ', el('span', { className: 'sub' }, `requested ${b.requested} s`)];
}

/**
 * The fields of one binding, in FIELDS order.
 * @param {Binding} b
 * @returns {{ className: string, content: (Node|string)[], data?: Record<string, string> }[]}
 */
function fields(b) {
  const who = b.ours ? el('span', { className: 'tag ours' }, 'this page') : el('span', { className: 'tag other' }, 'other device');
  const ident = [b.instance && `instance ${b.instance}`, b.regId !== null && `reg-id ${b.regId}`].filter(Boolean).join(' · ');
  const gruus = [b.pubGruu && ['public', b.pubGruu], b.tempGruu && ['temporary', b.tempGruu]].filter(Boolean);
  const bar = el('div', { className: 'bar' }, el('span', { className: 'fill' }));
  /** @type {Record<string, string>} */
  const until = b.granted > 0 && b.expiresAt !== null ? { until: String(b.expiresAt), total: String(b.granted * 1000) } : {};
  return [
    { className: 'who', content: [who] },
    {
      className: 'uri',
      content: [el('div', { className: 'mono', title: b.uri }, b.uri), ident && el('div', { className: 'sub mono' }, ident)],
    },
    { className: 'match', content: [b.ours ? (MATCH_WORDS[b.matchedBy] ?? b.matchedBy ?? '—') : '—'] },
    { className: 'num', content: [b.q === null ? '—' : String(b.q)] },
    {
      className: 'expiry',
      data: until,
      content: [el('div', {}, ...grantedText(b)), el('div', { className: 'remaining' }, bar, el('span', { className: 'left' }))],
    },
    {
      className: 'gruu',
      content:
        gruus.length === 0
          ? ['—']
          : gruus.map(([kind, uri]) => el('div', { className: 'mono', title: uri }, el('span', { className: 'sub' }, `${kind} `), uri)),
    },
  ];
}

/** @param {Binding} b @param {boolean} held @returns {Record<string, string>} a row's or card's data */
const rowData = (b, held) => ({ ours: String(b.ours), held: String(!b.ours || held) });

/** @param {Binding} b @param {boolean} held @returns {HTMLElement} a table row */
const row = (b, held) =>
  el('tr', { dataset: rowData(b, held) }, ...fields(b).map((f) => el('td', { className: f.className, dataset: f.data }, ...f.content)));

/** @param {Binding} b @param {boolean} held @returns {HTMLElement} a card: label, value */
const card = (b, held) =>
  el(
    'li',
    { className: 'binding-card', dataset: rowData(b, held) },
    ...fields(b).map((f, i) =>
      el(
        'div',
        { className: `field ${f.className}`, dataset: f.data },
        el('span', { className: 'field-label' }, FIELDS[i]),
        el('div', { className: 'field-value' }, ...f.content),
      ),
    ),
  );

/**
 * Show a registration's bindings.
 * @param {BindingsView} view
 * @param {Binding[]|null} bindings null: nothing known yet
 * @param {{ othersOmitted?: number, held?: boolean }} [opts] othersOmitted: other devices' bindings
 *   the core did not keep; held: the core's state says this page's binding is in place
 */
export function renderBindings(view, bindings, { othersOmitted = 0, held = false } = {}) {
  const { tbody, cards } = view;
  tbody.replaceChildren();
  cards.replaceChildren();
  tbody.dataset.known = bindings ? 'true' : 'false'; // a view exists, even an empty one
  /** @type {string[]} */
  const notes = [];
  if (!bindings || bindings.length === 0) {
    notes.push(bindings ? 'The registrar lists no bindings for this address of record.' : 'Nothing yet: press Register or Fetch bindings.');
  } else {
    tbody.append(...bindings.map((b) => row(b, held)));
    cards.append(...bindings.map((b) => card(b, held)));
  }
  if (othersOmitted > 0) notes.push(`… and ${plural(othersOmitted, 'more binding')} of other devices (not kept).`);
  for (const text of notes) {
    tbody.append(el('tr', { className: 'empty' }, el('td', { colspan: FIELDS.length }, text)));
    cards.append(el('li', { className: 'empty' }, text));
  }
  tickBindings(view, Date.now());
}

/**
 * What an expiry reads now.
 * @param {HTMLElement} item a row or a card
 * @param {number} now Unix ms
 * @returns {{ live: boolean, width: number, text: string }}
 */
function expiryNow(item, now) {
  const cell = /** @type {HTMLElement} */ (item.querySelector('.expiry'));
  const until = Number(cell.dataset.until ?? 0);
  const total = Number(cell.dataset.total ?? 1);
  if (item.dataset.held === 'false' && cell.dataset.until) return { live: false, width: 0, text: 'last known' };
  const live = until > now;
  return {
    live,
    width: live ? Math.min(100, ((until - now) / total) * 100) : 0,
    text: live ? `${countdown(until - now)} left` : cell.dataset.until ? 'expired' : 'not held',
  };
}

/**
 * Move the expiry bars and the live count on.
 * @param {BindingsView} view
 * @param {number} now Unix ms
 */
export function tickBindings({ tbody, cards, note }, now) {
  let live = 0;
  let ours = 0;
  for (const container of [tbody, cards]) {
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (container.querySelectorAll('[data-ours]'))) {
      const e = expiryNow(item, now);
      item.dataset.live = String(e.live);
      /** @type {HTMLElement} */ (item.querySelector('.fill')).style.width = `${e.width}%`;
      /** @type {HTMLElement} */ (item.querySelector('.left')).textContent = e.text;
      if (e.live && container === tbody) {
        live++;
        if (item.dataset.ours === 'true') ours++;
      }
    }
  }
  const rows = tbody.querySelectorAll('tr[data-ours]').length;
  // the core lists no binding of ours after an unregister: an empty view is "no live bindings"
  const known = rows > 0 || tbody.dataset.known === 'true';
  note.textContent = !known
    ? ''
    : live === 0
      ? 'no live bindings'
      : `${plural(live, 'live binding')}: ${ours} of this page, ${live - ours} of other devices`;
}
