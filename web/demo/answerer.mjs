// answerer.mjs — "Answer calls with JsSIP": a JsSIP user agent on this page's registration, through
// sipreg's JsSIP adapter (lib/jssip.mjs, `sipreg/jssip` in the package): it rides the flow sipreg
// registered, so the calls sent to the page's contact reach it; it answers each at once with
// silence (no microphone) and leaves the registration to sipreg (register: false). While it runs,
// the adapter takes every request that reaches the registration (the requests panel says "by this
// page"), and JsSIP sends the answers. JsSIP comes from vendor/jssip.mjs (scripts/vendor.mjs).
// What happens is told through `say` in plain words; the decisions are JsSIP's.

/**
 * @typedef {object} Answerer
 * @property {() => void} stop hang up any call, stop the user agent (requests go back to sipreg)
 */

/**
 * @typedef {object} AnswererEvents
 * @property {(level: 'ok'|'info'|'warn', text: string) => void} say a line for "What happened"
 */

/** Silent audio (no microphone): a WebAudio destination's stream, and its stop. */
function silence() {
  const ctx = new AudioContext();
  return { stream: ctx.createMediaStreamDestination().stream, stop: () => ctx.close().catch(() => {}) };
}

/** @param {any} s a JsSIP RTCSession @returns {string} who calls: "Bob <sip:bob@…>" or the URI */
const caller = (s) =>
  s.remote_identity.display_name ? `${s.remote_identity.display_name} <${s.remote_identity.uri}>` : String(s.remote_identity.uri);

/**
 * Start answering the registration's calls with JsSIP.
 * @param {any} reg a Registration with a contact (registered, or at least started)
 * @param {AnswererEvents} on
 * @returns {Promise<Answerer>}
 * @throws {Error} when JsSIP or the adapter cannot be loaded, or the registration has no contact
 */
export async function startAnswerer(reg, on) {
  const [{ default: JsSIP }, { jssipConfig }] = await Promise.all([import('../vendor/jssip.mjs'), import('../lib/jssip.mjs')]);
  const ua = new JsSIP.UA({
    ...jssipConfig(reg),
    session_timers: false,
    user_agent: `sipreg demo (JsSIP ${JsSIP.version} on sipreg/jssip)`,
  });
  /** @type {Set<any>} calls in progress */
  const calls = new Set();
  ua.on('newRTCSession', (/** @type {any} */ e) => {
    if (e.originator !== 'remote') return;
    const s = e.session;
    const audio = silence();
    const who = caller(s);
    calls.add(s);
    const done = () => {
      calls.delete(s);
      audio.stop();
    };
    s.on('confirmed', () => on.say('ok', `JsSIP answered a call from ${who}: in call (this page sends silence).`));
    s.on('ended', (/** @type {any} */ x) => {
      on.say('info', `The call from ${who} ended (${x.originator === 'local' ? 'this page hung up' : 'the caller hung up'}).`);
      done();
    });
    s.on('failed', (/** @type {any} */ x) => {
      on.say('warn', `The call from ${who} did not connect (${x.cause}).`);
      done();
    });
    s.answer({ mediaStream: audio.stream, pcConfig: { iceServers: [] } });
  });
  ua.start();
  return {
    stop() {
      for (const s of calls) s.terminate();
      ua.stop();
    },
  };
}
