// app.mjs — the sipreg demo page: an account form drives one registration; its events feed the
// state badge, the bindings table, "What happened", the requests that reached the registration
// (with the answers sent) and the SIP message ladder. The page decides nothing about SIP: it calls
// register()/unregister()/fetch() and shows what the events say; requests are answered by the
// core's table, or, with "Answer calls with JsSIP" on, by JsSIP on sipreg's adapter
// (demo/answerer.mjs). "Call this page" opens call.html, which calls the AOR with plain JsSIP.
// window.sipregDemo = { sipreg, registration } is there for the browser tests and the console.
import { byId, el, clock, countdownTo, tickCountdowns, dropCountdowns } from './demo/dom.mjs';
import { ContactRows, prefill, readSettings } from './demo/settings-form.mjs';
import { renderStatus } from './demo/status-view.mjs';
import { renderBindings, tickBindings } from './demo/bindings-table.mjs';
import { addMessage, addSeparator } from './demo/ladder.mjs';
import { RequestsPanel } from './demo/requests-panel.mjs';
import { startAnswerer } from './demo/answerer.mjs';
import { eventNotice, messageNotices } from './demo/words.mjs';

/** Registration events the page listens to. */
const EVENTS = [
  'statechange',
  'registered',
  'unregistered',
  'registrationfailed',
  'retry',
  'expiring',
  'lapsed',
  'bindings',
  'nobinding',
  'flowdown',
  'flowfailed',
  'error',
  'message',
];
/** States in which this page holds (or is getting) a binding. */
const HOLDING = ['registering', 'registered', 'refreshing'];
/** States in which the core's last answer put this page's binding in place (while its flow lasts). */
const IN_PLACE = ['registered', 'refreshing', 'unregistering'];
/** Notices kept in "What happened". */
const MAX_NOTICES = 100;

/**
 * The registration the page drives, with what it was made from.
 * @typedef {object} Current
 * @property {import('./sipreg.mjs').Registration} reg
 * @property {string} key the account settings it was created with
 * @property {string} identity what makes it the same registration (server, AOR): the same identity
 *   continues one Call-ID with an increasing CSeq (RFC 3261 §10.2.4); another one starts afresh
 * @property {string} contacts the contacts it registers
 * @property {string} aor
 * @property {AbortController} listeners
 * @property {() => void} unwake
 * @property {any} lastFailure the last "registrationfailed" detail since the last success
 * @property {boolean} flowLost the flow went down (unasked) since the last success: the binding
 *   it carried is no longer known to be in place
 */

/** @type {typeof import('./sipreg.mjs')} */
let sipreg;
/** @type {Current|null} */
let current = null;
let unregisteredOnHide = false;
/** @type {{ reg: any, running: Promise<import('./demo/answerer.mjs').Answerer|null> } | null} JsSIP answering calls */
let answerer = null;
/** @type {Promise<unknown>} the registration being made, if any */
let settingUp = Promise.resolve();

const form = /** @type {HTMLFormElement} */ (byId('settings'));
const rows = new ContactRows(byId('contact-rows'), /** @type {HTMLButtonElement} */ (byId('add-contact')));
const requests = new RequestsPanel(byId('requests'));

/**
 * Add a line to "What happened" (newest first).
 * @param {import('./demo/words.mjs').Notice} n
 */
function notice(n) {
  const list = byId('activity');
  const last = /** @type {HTMLElement|null} */ (list.firstElementChild);
  if (last?.dataset.text === n.text && !n.at) {
    // the same again: count it
    const count = Number(last.dataset.count ?? 1) + 1;
    last.dataset.count = String(count);
    /** @type {HTMLElement} */ (last.querySelector('time')).textContent = clock(Date.now());
    const chip = last.querySelector('.count') ?? last.querySelector('.text')?.appendChild(el('span', { className: 'count' }));
    if (chip) chip.textContent = `×${count}`;
    return;
  }
  list.prepend(
    el(
      'li',
      { className: `notice ${n.level}`, dataset: { text: n.text } },
      el('time', {}, clock(Date.now())),
      el('span', { className: 'text' }, n.text, n.at ? ' ' : '', n.at ? countdownTo(n.at) : ''),
    ),
  );
  while (list.childElementCount > MAX_NOTICES) list.lastElementChild?.remove();
}

/** @returns {import('./demo/bindings-table.mjs').BindingsView} where the bindings are drawn */
const bindingsView = () => ({ tbody: byId('bindings'), cards: byId('binding-cards'), note: byId('bindings-note') });

/**
 * Whether this page's binding is known to be in place: the core's state says so and the flow that
 * carries it did not go down since. Otherwise (connection lost, back-off, a fresh attempt) the
 * table shows our binding as "last known" rather than counting it down as if held.
 * @param {any} info
 * @returns {boolean}
 */
const held = (info) => Boolean(current && info && IN_PLACE.includes(info.state) && info.flowUp && !current.flowLost);

/** Redraw the state, facts and bindings from the current registration. */
function render() {
  const info = current ? current.reg.info : null;
  renderStatus(info, { aor: current?.aor ?? '', lastFailure: current?.lastFailure ?? null, held: held(info) });
  renderBindings(bindingsView(), info ? info.bindings : null, { othersOmitted: info?.othersOmitted ?? 0, held: held(info) });
  renderCallLink(info);
  tick();
}

/**
 * Point "Call this page" at the call page for the current account (the same WebSocket server,
 * the AOR as the callee); while not registered it says so.
 * @param {any} info
 */
function renderCallLink(info) {
  const link = /** @type {HTMLAnchorElement} */ (byId('call-link'));
  const query = current ? new URLSearchParams({ ws: current.server, to: current.aor }) : null;
  link.href = query ? `call.html?${query}` : 'call.html';
  link.dataset.ready = String(held(info));
  link.title = held(info)
    ? `Call ${current?.aor} from a second page`
    : 'Register first: a call reaches this page only while it is registered';
}

/** Move the countdowns and expiry bars on. */
function tick() {
  const now = Date.now();
  tickCountdowns(document.body, now);
  tickBindings(bindingsView(), now);
}

/**
 * Show one message in the ladder, with the notices it brings.
 * @param {any} d a "message" event detail
 * @param {string} [retired] the address of record of a retired registration this message is of
 */
function showMessage(d, retired) {
  const parsed = d.text.trim() === '' ? null : sipreg.parse(d.text);
  addMessage(byId('ladder'), d, parsed, retired ? `previous account ${retired}` : '');
  if (d.direction === 'in' && parsed?.ok && !retired) messageNotices(parsed).forEach(notice);
  if (d.direction === 'out' && parsed?.ok && parsed.type === 'response') requests.answered(parsed);
}

/**
 * A request reached this page's registration: list it. The core answers it after the dispatch
 * unless a listener took it (preventDefault); the answer sent shows up as an outgoing message.
 * @param {Event} e the "request" event
 */
function onRequest(e) {
  const d = /** @type {CustomEvent} */ (e).detail;
  const row = requests.add({ method: d.method, message: d.message, answer: d.answer });
  queueMicrotask(() => {
    if (e.defaultPrevented) requests.taken(row);
  }); // after every listener ran
}

/**
 * Keep "Answer calls with JsSIP" in step: a JsSIP user agent on the current registration while the
 * box is ticked and the registration has a contact (after its first registration), none otherwise.
 * A new registration (the account changed) gets a new one.
 */
function syncAnswerer() {
  const box = /** @type {HTMLInputElement} */ (byId('answer-calls'));
  const reg = current?.reg;
  const want = box.checked && reg && reg.contact ? reg : null;
  if (answerer && answerer.reg !== want) {
    answerer.running.then((a) => a?.stop());
    answerer = null;
    if (!box.checked) notice({ level: 'info', text: 'Calls are answered by sipreg again (JsSIP stopped).' });
  }
  if (!want || answerer) return;
  const mine = {
    reg: want,
    running: startAnswerer(want, { say: (level, text) => notice({ level, text }) }).then(
      (a) => {
        notice({ level: 'ok', text: "JsSIP answers calls to this page now (on sipreg's connection, through sipreg/jssip)." });
        return a;
      },
      (e) => {
        notice({ level: 'warn', text: `JsSIP could not be started: ${/** @type {Error} */ (e).message}.` });
        if (answerer !== mine) return null; // replaced meanwhile
        box.checked = false;
        answerer = null;
        return null;
      },
    ),
  };
  answerer = mine;
}

/** @param {string} text shown under the form; '' hides it */
function formError(text) {
  const p = byId('form-error');
  p.textContent = text;
  p.hidden = !text;
}

/**
 * One event of the current registration.
 * @param {string} type
 * @param {any} d the event's detail
 */
function onEvent(type, d) {
  if (!current) return;
  if (type === 'message') {
    // the saved state follows every request sent: a crashed tab's reload continues after the
    // last one sent, never repeating a sequence number within the same Call-ID
    if (d.direction === 'out') saveState();
    showMessage(d);
    return;
  }
  if (type === 'flowdown' && !d.requested) {
    current.flowLost = true;
    addSeparator(byId('ladder'), d.wasUp ? `connection closed (WebSocket code ${d.code})` : `could not connect (WebSocket code ${d.code})`);
  }
  if (type === 'registrationfailed') current.lastFailure = d;
  if (type === 'registered' || type === 'unregistered') {
    current.lastFailure = null;
    current.flowLost = false;
  }
  if (type === 'registered') syncAnswerer();
  if (type === 'statechange' && d.state !== 'backoff') dropCountdowns(byId('activity'));
  const n = eventNotice(type, d, { flowActive: HOLDING.includes(current.reg.state) });
  if (n) notice(n);
  render();
}

/** @param {{server: string, aor: string}} s @returns {string} where this account's state is saved */
const stateKey = (s) => `sipreg-state:${s.server}:${s.aor}`;

/** Save the current registration's state (so a reload refreshes the same binding). */
function saveState() {
  if (!current) return;
  try {
    sessionStorage.setItem(stateKey(current), current.reg.export());
  } catch {
    /* storage full or disabled: a reload then starts fresh */
  }
}

/**
 * Stop driving a registration of another identity: unregister it if it holds a binding, then
 * release it. Its saved state is dropped: it continued past the last save (the unregister took a
 * CSeq), so a later registration of that identity starts with a new Call-ID. The removal's
 * messages go to the ladder, marked as the previous account's, and its outcome to "What happened".
 * @param {Current} old
 */
function retire(old) {
  old.listeners.abort();
  old.unwake();
  try {
    sessionStorage.removeItem(stateKey(old));
  } catch {
    /* storage disabled */
  }
  const shown = new AbortController();
  const release = () => {
    shown.abort();
    old.reg.close(); // idempotent
  };
  if (!HOLDING.includes(old.reg.state)) {
    release();
    return;
  }
  addSeparator(byId('ladder'), `account changed: removing the binding of ${old.aor}`);
  old.reg.addEventListener('message', (e) => showMessage(/** @type {CustomEvent} */ (e).detail, old.aor), { signal: shown.signal });
  old.reg
    .unregister()
    .then(
      () => notice({ level: 'ok', text: `The previous account's binding (${old.aor}) was removed.` }),
      () =>
        notice({
          level: 'warn',
          text: `The previous account's binding (${old.aor}) could not be removed; the registrar drops it when it expires.`,
        }),
    )
    .finally(release);
  setTimeout(release, 3000);
}

/**
 * Stop driving a registration of the same identity without a word on the wire: its successor
 * continues its binding from a state exported just now (same Call-ID, the next CSeq).
 * @param {Current} old
 */
function handOver(old) {
  old.listeners.abort();
  old.unwake();
  old.reg.close();
}

/**
 * The registration for these settings: the current one when nothing changed; a successor that
 * continues it (its state exported now: the same Call-ID, never a lower CSeq) when only the
 * password, expiry or contacts changed; a fresh one (new Call-ID; the old one is unregistered and
 * released) when the server or AOR changed. On a reload, the state saved in this tab continues.
 * The instance-id comes from localStorage (sipreg.mjs): one binding per device, even after a crash.
 * @param {import('./demo/settings-form.mjs').Settings} s
 * @param {{renew?: boolean}} [opts] renew: make a successor even when the settings are the same
 * @returns {Promise<Current>}
 */
async function registrationFor(s, { renew = false } = {}) {
  const key = JSON.stringify([s.server, s.aor, s.auth, s.expires]);
  if (current?.key === key && !renew) return current;
  const identity = JSON.stringify([s.server, s.aor]);
  const same = current?.identity === identity;
  let state;
  if (same) state = current.reg.export();
  else if (!current) state = sessionStorage.getItem(stateKey(s)) ?? undefined; // a reload
  const reg = await sipreg.createRegistration({ ...s, state });
  if (reg.stateError) notice({ level: 'info', text: 'The saved registration state could not be used; a fresh registration was started.' });
  if (current && same) {
    handOver(current);
  } else if (current) {
    retire(current);
    notice({ level: 'info', text: `The account changed: a new registration of ${s.aor} started.` });
  }
  const listeners = new AbortController();
  for (const type of EVENTS) {
    reg.addEventListener(type, (e) => onEvent(type, /** @type {CustomEvent} */ (e).detail), { signal: listeners.signal });
  }
  addSeparator(byId('ladder'), same ? `settings changed: the registration of ${s.aor} continues` : `new registration of ${s.aor}`);
  current = {
    reg,
    key,
    identity,
    server: s.server,
    contacts: JSON.stringify(s.contacts),
    aor: s.aor,
    listeners,
    unwake: sipreg.wakeOnResume(reg),
    lastFailure: null,
    flowLost: false,
  };
  reg.addEventListener('registered', saveState, { signal: listeners.signal });
  reg.addEventListener('request', onRequest, { signal: listeners.signal });
  window.sipregDemo.registration = reg;
  syncAnswerer(); // a JsSIP on the previous registration stops
  render();
  return current;
}

/**
 * Let the core judge the URIs before a registration is made of them (its URI parser, through
 * uriEqual), so a typo is named in the form rather than as a bare configuration error.
 * @param {import('./demo/settings-form.mjs').Settings} s
 * @throws {Error} naming the URI that does not parse
 */
function checkUris(s) {
  const named = [['address of record', s.aor], ...s.contacts.filter((c) => c.uri).map((c) => ['contact URI', c.uri])];
  for (const [what, uri] of named) {
    try {
      sipreg.uriEqual(uri, uri);
    } catch (e) {
      throw new Error(
        `The ${what} "${uri}" is not a URI sipreg can use (${/** @type {any} */ (e).message.replace(/^\S+: /, '')}), e.g. sip:alice@example.test.`,
      );
    }
  }
}

/**
 * Run one button's action: read the form, get the registration, call it. Failures arrive as
 * events; only what sipreg refuses outright (bad settings, wrong state) is shown here.
 * @param {(cur: Current, s: import('./demo/settings-form.mjs').Settings) => Promise<unknown>|void} action
 */
async function act(action) {
  formError('');
  let s;
  try {
    s = readSettings(form, rows);
    checkUris(s);
  } catch (e) {
    formError(/** @type {Error} */ (e).message);
    return;
  }
  try {
    // one registration at a time: a second click waits until the first one's is made
    const made = settingUp.then(() => registrationFor(s));
    settingUp = made.catch(() => {});
    await action(await made, s);
  } catch (e) {
    if (e instanceof sipreg.RegistrationError) return; // already shown from its event
    if (/** @type {any} */ (e).code === 'closed') return; // its registration was handed over
    formError(`sipreg did not accept this: ${/** @type {Error} */ (e).message}`);
  }
}

/**
 * Register (or refresh). When only the contacts changed: swap them in one request while
 * registered, else start a fresh registration with them.
 */
function register() {
  return act(async (cur, s) => {
    const contacts = JSON.stringify(s.contacts);
    if (contacts === cur.contacts) return cur.reg.register();
    if (HOLDING.includes(cur.reg.state)) {
      cur.contacts = contacts;
      return cur.reg.setContacts(s.contacts);
    }
    // not holding a binding: a successor with the new contacts continues the Call-ID and CSeq
    return (await registrationFor(s, { renew: true })).reg.register();
  });
}

/** Wire the buttons, the page lifecycle and the ticker. */
function wire() {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    register();
  });
  byId('refresh').addEventListener('click', () => act((cur) => cur.reg.register()));
  byId('fetch').addEventListener('click', () => act((cur) => cur.reg.fetch()));
  byId('unregister').addEventListener('click', () => act((cur) => cur.reg.unregister()));
  byId('unregister-all').addEventListener('click', () => act((cur) => cur.reg.unregister({ all: true })));
  byId('answer-calls').addEventListener('change', syncAnswerer);

  // Best effort: leave no binding behind when the page goes away. The request is sent at once,
  // before the page is torn down; if the page comes back from the back/forward cache, register again.
  addEventListener('pagehide', (e) => {
    saveState();
    // window.sipregDemo.keepBindingOnHide = true models a crashed tab (tests use it)
    if (!current || !HOLDING.includes(current.reg.state) || window.sipregDemo.keepBindingOnHide) return;
    current.reg.unregister().catch(() => {});
    unregisteredOnHide = e.persisted;
  });
  addEventListener('pageshow', (e) => {
    if (e.persisted && unregisteredOnHide && current) current.reg.register().catch(() => {});
    unregisteredOnHide = false;
  });
  setInterval(tick, 250);
}

/** Load sipreg, prefill the form, wire everything; a failure to load is shown on the page. */
async function main() {
  try {
    sipreg = await import('./sipreg.mjs');
  } catch (e) {
    byId('boot').textContent =
      `sipreg could not load (${/** @type {Error} */ (e).message}). Build it and serve this folder: scripts/demo.sh does both.`;
    byId('boot').classList.add('failed');
    document.body.dataset.ready = 'error';
    return;
  }
  window.sipregDemo = { sipreg, registration: null };
  byId('boot').remove();
  byId('version').textContent = `sipreg ${sipreg.version}`;
  prefill(form, new URLSearchParams(location.search));
  rows.add();
  wire();
  render();
  document.body.dataset.ready = 'yes';
}

main();
