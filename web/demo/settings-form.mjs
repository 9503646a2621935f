// settings-form.mjs — the account form: WebSocket URL, AOR, credentials, expiry, and the page's
// contact rows (add/remove); reads them into createRegistration options.
import { el } from './dom.mjs';

/** sipreg keeps at most this many contacts of ours (README "Limits"). */
const MAX_CONTACTS = 4;

/**
 * @typedef {object} Settings
 * @property {string} server
 * @property {string} aor
 * @property {{ username?: string, password: string }} auth
 * @property {number} expires
 * @property {{ uri?: string, q?: number, expires?: number }[]} contacts
 */

/** The contact rows of the form. */
export class ContactRows {
  /**
   * @param {HTMLElement} container where the rows go
   * @param {HTMLButtonElement} addButton "+ Add contact"
   */
  constructor(container, addButton) {
    this.container = container;
    this.addButton = addButton;
    addButton.addEventListener('click', () => this.add().querySelector('input')?.focus());
  }

  /**
   * Add a row.
   * @param {{ uri?: string, q?: number, expires?: number }} [c] prefill
   * @returns {HTMLElement}
   */
  add(c = {}) {
    const remove = el(
      'button',
      { type: 'button', className: 'remove', title: 'Remove this contact', 'aria-label': 'Remove this contact' },
      '×',
    );
    const row = el(
      'div',
      { className: 'contact-row' },
      el('input', {
        name: 'contact-uri',
        type: 'text',
        placeholder: 'generated',
        spellcheck: 'false',
        'aria-label': 'URI of this contact',
        value: c.uri,
      }),
      el('input', {
        name: 'contact-q',
        type: 'number',
        min: 0,
        max: 1,
        step: 0.1,
        placeholder: '—',
        'aria-label': 'q-value (0 to 1)',
        value: c.q,
      }),
      el('input', {
        name: 'contact-expires',
        type: 'number',
        min: 1,
        step: 1,
        placeholder: 'same',
        'aria-label': 'Expiry of this contact in seconds',
        value: c.expires,
      }),
      remove,
    );
    remove.addEventListener('click', () => {
      row.remove();
      this.#update();
    });
    this.container.append(row);
    this.#update();
    return row;
  }

  /** Keep at least one row and at most MAX_CONTACTS. */
  #update() {
    const rows = this.container.querySelectorAll('.contact-row');
    this.addButton.disabled = rows.length >= MAX_CONTACTS;
    for (const b of this.container.querySelectorAll('button.remove')) /** @type {HTMLButtonElement} */ (b).disabled = rows.length <= 1;
  }

  /**
   * The contacts as createRegistration wants them.
   * @returns {{ uri?: string, q?: number, expires?: number }[]}
   * @throws {Error} with a message for the user
   */
  read() {
    return [...this.container.querySelectorAll('.contact-row')].map((row, i) => {
      const value = (name) => /** @type {HTMLInputElement} */ (row.querySelector(`[name="contact-${name}"]`)).value.trim();
      /** @type {{ uri?: string, q?: number, expires?: number }} */
      const c = {};
      if (value('uri')) c.uri = value('uri');
      if (value('q')) {
        c.q = Number(value('q'));
        if (!(c.q >= 0 && c.q <= 1)) throw new Error(`Contacts, row ${i + 1}: q must be a number from 0 to 1.`);
      }
      if (value('expires')) {
        c.expires = Number(value('expires'));
        if (!Number.isInteger(c.expires) || c.expires < 1)
          throw new Error(`Contacts, row ${i + 1}: expires must be a whole number of seconds.`);
      }
      return c;
    });
  }
}

/**
 * Prefill the form from the page's query (?ws=&aor=&user=&password=&expires=).
 * @param {HTMLFormElement} form
 * @param {URLSearchParams} query
 */
export function prefill(form, query) {
  for (const [param, field] of [
    ['ws', 'ws'],
    ['aor', 'aor'],
    ['user', 'user'],
    ['password', 'password'],
    ['expires', 'expires'],
  ]) {
    const v = query.get(param);
    if (v !== null) /** @type {HTMLInputElement} */ (form.elements.namedItem(field)).value = v;
  }
}

/**
 * Read and check the form.
 * @param {HTMLFormElement} form
 * @param {ContactRows} rows
 * @returns {Settings}
 * @throws {Error} with a message for the user
 */
export function readSettings(form, rows) {
  const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
  const server = field('ws');
  let url = null;
  try {
    url = new URL(server);
  } catch {
    /* reported below */
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
    throw new Error('The WebSocket URL must start with ws:// or wss://, e.g. ws://127.0.0.1:8088.');
  }
  const aor = field('aor');
  if (!aor) throw new Error('Enter the address of record, e.g. sip:alice@example.test.');
  const expires = Number(field('expires') || 600);
  if (!Number.isInteger(expires) || expires < 1) throw new Error('The registration expiry must be a whole number of seconds.');
  const auth = { password: /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).value };
  if (field('user')) auth.username = field('user');
  return { server, aor, auth, expires, contacts: rows.read() };
}
