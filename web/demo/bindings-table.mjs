// bindings-table.mjs — the bindings of the address of record as the registrar last listed them:
// this page's (with the rule that matched them) and other devices', expiry bars counting down.
import { el, countdown, plural } from './dom.mjs';
import { MATCH_WORDS } from './words.mjs';

/** @typedef {import('../sipreg.mjs').Binding} Binding */

/** @param {Binding} b @returns {(Node|string)[]} granted, then (small) what was requested */
function grantedText(b) {
  const granted = b.granted > 0 ? `${b.granted} s` : '—';
  return b.requested === null ? [granted] : [granted, ' ', el('span', { className: 'sub' }, `requested ${b.requested} s`)];
}

/** @param {Binding} b @returns {HTMLElement} the expiry cell: granted vs requested, then a bar */
function expiryCell(b) {
  const bar = el('div', { className: 'bar' }, el('span', { className: 'fill' }));
  const left = el('span', { className: 'left' });
  const cell = el('td', { className: 'expiry' }, el('div', {}, ...grantedText(b)), el('div', { className: 'remaining' }, bar, left));
  if (b.granted > 0 && b.expiresAt !== null) {
    cell.dataset.until = String(b.expiresAt);
    cell.dataset.total = String(b.granted * 1000);
  }
  return cell;
}

/** @param {Binding} b @returns {HTMLElement} */
function row(b) {
  const who = b.ours ? el('span', { className: 'tag ours' }, 'this page') : el('span', { className: 'tag other' }, 'other device');
  const ident = [b.instance && `instance ${b.instance}`, b.regId !== null && `reg-id ${b.regId}`].filter(Boolean).join(' · ');
  const gruus = [b.pubGruu && ['public', b.pubGruu], b.tempGruu && ['temporary', b.tempGruu]].filter(Boolean);
  return el('tr', { dataset: { ours: String(b.ours) } },
    el('td', {}, who),
    el('td', { className: 'uri' }, el('div', { className: 'mono', title: b.uri }, b.uri), ident && el('div', { className: 'sub mono' }, ident)),
    el('td', { className: 'match' }, b.ours ? MATCH_WORDS[b.matchedBy] ?? b.matchedBy ?? '—' : '—'),
    el('td', { className: 'num' }, b.q === null ? '—' : String(b.q)),
    expiryCell(b),
    el('td', { className: 'gruu' }, gruus.length === 0 ? '—'
      : gruus.map(([kind, uri]) => el('div', { className: 'mono', title: uri }, el('span', { className: 'sub' }, `${kind} `), uri))));
}

/**
 * Show a registration's bindings.
 * @param {HTMLElement} tbody
 * @param {HTMLElement} note the heading's small print
 * @param {Binding[]|null} bindings null: nothing known yet
 * @param {number} othersOmitted other devices' bindings the core did not keep
 */
export function renderBindings(tbody, note, bindings, othersOmitted = 0) {
  tbody.replaceChildren();
  tbody.dataset.known = bindings ? 'true' : 'false'; // a view exists, even an empty one
  if (!bindings || bindings.length === 0) {
    tbody.append(el('tr', { className: 'empty' }, el('td', { colspan: 6 },
      bindings ? 'The registrar lists no bindings for this address of record.' : 'Nothing yet: press Register or Fetch bindings.')));
  } else {
    tbody.append(...bindings.map(row));
  }
  if (othersOmitted > 0) {
    tbody.append(el('tr', { className: 'empty' }, el('td', { colspan: 6 }, `… and ${plural(othersOmitted, 'more binding')} of other devices (not kept).`)));
  }
  tickBindings(tbody, note, Date.now());
}

/**
 * Move the expiry bars and the live count on.
 * @param {HTMLElement} tbody
 * @param {HTMLElement} note
 * @param {number} now Unix ms
 */
export function tickBindings(tbody, note, now) {
  let live = 0;
  let ours = 0;
  for (const tr of tbody.querySelectorAll('tr[data-ours]')) {
    const cell = /** @type {HTMLElement} */ (tr.querySelector('td.expiry'));
    const until = Number(cell.dataset.until ?? 0);
    const total = Number(cell.dataset.total ?? 1);
    const alive = until > now;
    /** @type {HTMLElement} */ (tr).dataset.live = String(alive);
    /** @type {HTMLElement} */ (cell.querySelector('.fill')).style.width = `${alive ? Math.min(100, ((until - now) / total) * 100) : 0}%`;
    /** @type {HTMLElement} */ (cell.querySelector('.left')).textContent = alive ? `${countdown(until - now)} left`
      : cell.dataset.until ? 'expired' : 'not held';
    if (alive) {
      live++;
      if (/** @type {HTMLElement} */ (tr).dataset.ours === 'true') ours++;
    }
  }
  const rows = tbody.querySelectorAll('tr[data-ours]').length;
  // the core lists no binding of ours after an unregister: an empty view is "no live bindings"
  const known = rows > 0 || tbody.dataset.known === 'true';
  note.textContent = !known ? '' : live === 0 ? 'no live bindings'
    : `${plural(live, 'live binding')}: ${ours} of this page, ${live - ours} of other devices`;
}
