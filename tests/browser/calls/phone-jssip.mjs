// phone-jssip.mjs — a JsSIP phone in a page of calls.test.mjs. engine 'plain': JsSIP registers on
// its own WebSocket (the app as it is today); engine 'sipreg': sipreg registers and JsSIP rides
// sipreg's flow through the sipreg/jssip adapter (the app after the change). Incoming calls are
// answered at once. What happens is noted in phone.events ([{ at, what, ... }], ms since epoch).
import JsSIP from '/tests/browser/artifacts/calls/jssip.mjs';

const MEDIA = { audio: true, video: false };
// loopback host candidates only (--allow-loopback-in-peer-connection): no STUN, nothing leaves
const PC = { iceServers: [] };
const now = () => performance.timeOrigin + performance.now();

/**
 * @param {{ ws: string, aor: string, password: string, engine: 'plain' | 'sipreg' }} options
 */
export async function startPhone({ ws, aor, password, engine }) {
  /** @type {{ at: number, what: string, [k: string]: unknown }[]} */
  const events = [];
  const note = (what, extra = {}) => {
    events.push({ at: now(), what, ...extra });
  };
  let reg = null;
  let ua;
  if (engine === 'plain') {
    ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(ws)], uri: aor, password, register: true, session_timers: false });
  } else if (engine === 'sipreg') {
    const sipreg = await import('/web/sipreg.mjs');
    const { jssipConfig } = await import('/web/lib/jssip.mjs');
    reg = await sipreg.createRegistration({ server: ws, aor, auth: { password }, instanceStore: false });
    // what reached the registration's flow (the adapter takes it for the stack)
    reg.addEventListener('request', (e) => note('request', { method: e.detail.method, answer: e.detail.answer, text: e.detail.text }));
    reg.addEventListener('response', (e) => note('response', { text: e.detail.text }));
    ua = new JsSIP.UA({ ...jssipConfig(reg), uri: aor, password, session_timers: false });
  } else {
    throw new Error(`engine must be 'plain' or 'sipreg', got ${engine}`);
  }

  /** @type {any} the current call */
  let session = null;
  /** whether an incoming call is answered at once (else it rings: JsSIP sends 180 itself) */
  let answering = true;
  let ended = Promise.resolve();
  ua.on('newRTCSession', ({ session: s, originator }) => {
    session = s;
    note(`session-${originator}`);
    ended = new Promise((resolve) => {
      s.on('ended', (e) => {
        note('ended', { cause: e.cause, by: e.originator });
        resolve();
      });
      s.on('failed', (e) => {
        note('failed', { cause: e.cause, by: e.originator });
        resolve();
      });
    });
    s.on('accepted', () => note('accepted'));
    s.on('confirmed', () => note('confirmed'));
    const watch = (pc) => {
      pc.addEventListener('iceconnectionstatechange', () => note(`ice-${pc.iceConnectionState}`));
      pc.addEventListener('track', (e) => note('remote-track', { kind: e.track.kind }));
    };
    // an outgoing call has its peer connection already, an incoming one gets it when answered
    if (s.connection) watch(s.connection);
    else s.on('peerconnection', ({ peerconnection }) => watch(peerconnection));
    if (originator === 'remote' && answering) s.answer({ mediaConstraints: MEDIA, pcConfig: PC });
  });

  const registered = new Promise((resolve, reject) => {
    ua.on('registered', () => resolve());
    ua.on('registrationFailed', (e) => reject(new Error(`JsSIP registration failed: ${e.cause}`)));
  });
  // as README "JsSIP and SIP.js" shows: sipreg registers, JsSIP's socket connects once the flow is up
  const registering = reg?.register();
  ua.start();
  await (registering ?? registered);
  note('registered');

  return {
    events,
    /** the registration's contact (sipreg engine) or JsSIP's own */
    contact: reg ? String(reg.contact?.uri ?? '') : ua.contact.toString(),
    /** @param {string} target call it; resolves once confirmed (ACK sent) */
    call(target) {
      note('dial');
      return new Promise((resolve, reject) => {
        const s = ua.call(target, { mediaConstraints: MEDIA, pcConfig: PC });
        s.on('confirmed', () => resolve());
        s.on('failed', (e) => reject(new Error(`call failed: ${e.cause} (${e.originator})`)));
      });
    },
    /** @param {boolean} on answer incoming calls at once (true, the default) or let them ring */
    answer(on) {
      answering = on;
    },
    /** hang up the current call (BYE, CANCEL or a rejection); resolves once it ended */
    hangup() {
      session?.terminate();
      return ended;
    },
    /** resolves once the current call ended */
    ended: () => ended,
    /** sipreg engine: stop the stack only (the registration stays; its core answers again) */
    async stopStack() {
      if (!reg) throw new Error('stopStack: only with the sipreg engine');
      // JsSIP lets the socket go at once, or 2 s later when transactions are still around (the
      // last call's INVITE server transaction lives on after its 2xx). Until then the adapter
      // hands the flow's requests to the closed JsSIP, which answers none of them: wait.
      const gone = new Promise((resolve) => {
        ua.once('disconnected', () => resolve());
      });
      ua.stop();
      if (ua.isConnected()) await gone;
      note('stack-stopped');
    },
    /** unregister and stop */
    async stop() {
      if (reg) {
        ua.stop();
        await reg.unregister();
        reg.close();
        return;
      }
      await new Promise((resolve) => {
        ua.on('unregistered', () => resolve());
        ua.stop();
        setTimeout(resolve, 2000);
      });
    },
  };
}
