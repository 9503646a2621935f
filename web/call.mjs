// call.mjs — the demo's call page: a second device that calls the address of record the demo page
// registered, with plain JsSIP (its own WebSocket; sipreg is not involved on this side). It does
// not register: it only makes the call, shows how it went (the badge, one sentence) and every SIP
// message it sent and received (the demo page's ladder). No microphone is asked for: the call's
// audio is the silence of a WebAudio destination. JsSIP comes from vendor/jssip.mjs, bundled
// from node_modules by scripts/vendor.mjs (scripts/demo.sh runs it).
// window.callDemo = { JsSIP, ua, session } is there for the browser tests and the console.
import { byId } from './demo/dom.mjs';
import { addMessage, addSeparator } from './demo/ladder.mjs';

/** How long the WebSocket may take to open before the call is given up. */
const CONNECT_MS = 5000;

/** What each state says on the badge. */
const BADGE = {
  none: 'no call',
  connecting: 'connecting',
  calling: 'calling',
  ringing: 'ringing',
  answered: 'in call',
  ended: 'ended',
  failed: 'not connected',
};

/** @type {any} JsSIP's module */
let JsSIP;
/** @type {{ ua: any, key: string } | null} the user agent and the settings it was made with */
let agent = null;
/** @type {any} the call in progress (a JsSIP RTCSession), or null */
let session = null;

const form = /** @type {HTMLFormElement} */ (byId('call-form'));

/**
 * Show the call's state.
 * @param {keyof BADGE} state
 * @param {string} text the summary sentence
 */
function show(state, text) {
  const badge = byId('call-state');
  badge.dataset.state = state;
  badge.textContent = BADGE[state];
  byId('call-summary').textContent = text;
  /** @type {HTMLButtonElement} */ (byId('call')).disabled = ['connecting', 'calling', 'ringing', 'answered'].includes(state);
  /** @type {HTMLButtonElement} */ (byId('hangup')).disabled = !['calling', 'ringing', 'answered'].includes(state);
}

/** @param {string} text shown under the form; '' hides it */
function formError(text) {
  const p = byId('call-error');
  p.textContent = text;
  p.hidden = !text;
}

/** @param {string|ArrayBuffer} data @param {'in'|'out'} direction put one message in the ladder */
function ladder(data, direction) {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  addMessage(byId('ladder'), { direction, text }, null);
}

/**
 * JsSIP's WebSocket, with every message it sends and receives shown in the ladder.
 * @returns {any} a class extending JsSIP.WebSocketInterface
 */
function shownSocket() {
  return class ShownSocket extends JsSIP.WebSocketInterface {
    /** @type {(data: any) => void} */
    #ondata = () => {};
    get ondata() {
      return this.#ondata;
    }
    set ondata(fn) {
      this.#ondata = (data) => {
        ladder(data, 'in');
        fn(data);
      };
    }
    /** @param {string} message @returns {boolean} */
    send(message) {
      const sent = super.send(message);
      if (sent) ladder(message, 'out');
      return sent;
    }
  };
}

/**
 * Read and check the form.
 * @returns {{ ws: string, to: string, from: string, password: string }}
 * @throws {Error} with a message for the user
 */
function readForm() {
  const field = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
  const ws = field('ws');
  if (!/^wss?:\/\/./.test(ws)) throw new Error('The WebSocket URL must start with ws:// or wss://, e.g. ws://127.0.0.1:8088.');
  const target = JsSIP.URI.parse(field('to'));
  if (!target) throw new Error(`"${field('to')}" is not a SIP URI, e.g. sip:alice@example.test.`);
  const from = field('from') || `sip:caller-${Math.random().toString(36).slice(2, 8)}@${target.host}`;
  if (!JsSIP.URI.parse(from)) throw new Error(`"${from}" (From) is not a SIP URI, e.g. sip:caller@example.test.`);
  return { ws, to: target.toString(), from, password: /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).value };
}

/**
 * The user agent for these settings, connected: the current one when nothing changed, else a
 * new one (the old one stopped). It never registers.
 * @param {{ ws: string, from: string, password: string }} s
 * @returns {Promise<any>}
 */
async function connectedAgent(s) {
  const key = JSON.stringify([s.ws, s.from, s.password]);
  if (agent?.key !== key) {
    agent?.ua.stop();
    const Socket = shownSocket();
    const ua = new JsSIP.UA({
      sockets: [new Socket(s.ws)],
      uri: s.from,
      password: s.password || undefined,
      register: false,
      display_name: 'Demo caller',
      session_timers: false,
      user_agent: `sipreg demo call page (JsSIP ${JsSIP.version})`,
    });
    agent = { ua, key };
    window.callDemo.ua = ua;
    addSeparator(byId('ladder'), `calling as ${s.from}`);
    ua.start();
  }
  const { ua } = agent;
  if (ua.isConnected()) return ua;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not connect to ${s.ws} within ${CONNECT_MS / 1000} s`)), CONNECT_MS);
    ua.once('connected', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  return ua;
}

/** Silent audio for the call (no microphone): a WebAudio destination's stream, and its stop. */
function silence() {
  const ctx = new AudioContext();
  return { stream: ctx.createMediaStreamDestination().stream, stop: () => ctx.close().catch(() => {}) };
}

/**
 * JsSIP's answer, as "480 Temporarily Unavailable", or its cause when no answer came.
 * @param {any} e a JsSIP 'failed' or 'ended' event
 * @returns {string}
 */
const outcome = (e) => (e.message?.status_code ? `${e.message.status_code} ${e.message.reason_phrase}` : String(e.cause));

/** Call the address in the form. */
async function call() {
  formError('');
  let s;
  try {
    s = readForm();
  } catch (e) {
    formError(/** @type {Error} */ (e).message);
    return;
  }
  show('connecting', `Connecting to ${s.ws}…`);
  let ua;
  try {
    ua = await connectedAgent(s);
  } catch (e) {
    show('failed', `Not called: ${/** @type {Error} */ (e).message}.`);
    return;
  }
  const audio = silence();
  const to = s.to;
  const startedAt = performance.now();
  const ms = () => `${Math.round(performance.now() - startedAt)} ms`;
  session = ua.call(to, {
    mediaStream: audio.stream,
    pcConfig: { iceServers: [] },
    eventHandlers: {
      sending: () => show('calling', `Calling ${to}…`),
      progress: (e) => show('ringing', `${to} answered ${outcome({ message: e.response })} (${ms()}): not the final answer yet…`),
      accepted: (e) => show('answered', `${to} answered ${outcome({ message: e.response })} after ${ms()}: in call. Hang up to end it.`),
      ended: (e) => {
        show('ended', `The call ended (${e.originator === 'local' ? 'this page hung up' : `the other side hung up: ${outcome(e)}`}).`);
        audio.stop();
        session = null;
      },
      failed: (e) => {
        show(
          'failed',
          e.originator === 'remote'
            ? `The call was turned down: ${outcome(e)} (after ${ms()}). If the demo page is registered as ${to}, its "Requests to this page" lists the call and the answer it sent.`
            : `The call did not go through (${outcome(e)}, ${e.originator === 'local' ? 'ended on this page' : 'JsSIP'}).`,
        );
        audio.stop();
        session = null;
      },
    },
  });
  window.callDemo.session = session;
}

/** Load JsSIP, prefill the form from the query (?ws=&to=&from=), wire the buttons. */
async function main() {
  try {
    JsSIP = (await import('./vendor/jssip.mjs')).default;
  } catch (e) {
    byId('boot').textContent =
      `JsSIP could not load (${/** @type {Error} */ (e).message}). Start the demo with scripts/demo.sh: it bundles JsSIP into web/vendor/ and serves this folder.`;
    byId('boot').classList.add('failed');
    document.body.dataset.ready = 'error';
    return;
  }
  window.callDemo = { JsSIP, ua: null, session: null };
  byId('boot').remove();
  byId('version').textContent = `JsSIP ${JsSIP.version}`;
  const query = new URLSearchParams(location.search);
  for (const name of ['ws', 'to', 'from']) {
    const v = query.get(name);
    if (v !== null) /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value = v;
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    call();
  });
  byId('hangup').addEventListener('click', () => session?.terminate());
  addEventListener('pagehide', () => agent?.ua.stop());
  document.body.dataset.ready = 'yes';
}

main();
