// phone-sipjs.mjs — a SIP.js phone in a page of calls.test.mjs, the same shape as phone-jssip.mjs.
// engine 'plain': SIP.js's own WebSocket transport and a Registerer (the app as it is today);
// engine 'sipreg': sipreg registers, the UserAgent rides sipreg's flow through the sipreg/sipjs
// transport and has no Registerer (the app after the change). Incoming calls are answered at once.
// 'confirmed' = the caller's Established (2xx received, ACK sent), the callee's ACK received.
import { UserAgent, Registerer, RegistererState, Inviter, SessionState } from '/tests/browser/artifacts/calls/sipjs.mjs';

const CONSTRAINTS = { audio: true, video: false };
const now = () => performance.timeOrigin + performance.now();
const SDH_FACTORY = {
  // loopback host candidates only (--allow-loopback-in-peer-connection): no STUN, nothing leaves
  peerConnectionConfiguration: { iceServers: [] },
  iceGatheringTimeout: 500,
};

/**
 * @param {{ ws: string, aor: string, password: string, engine: 'plain' | 'sipreg' }} options
 */
export async function startPhone({ ws, aor, password, engine }) {
  /** @type {{ at: number, what: string, [k: string]: unknown }[]} */
  const events = [];
  const note = (what, extra = {}) => {
    events.push({ at: now(), what, ...extra });
  };
  const uri = UserAgent.makeURI(aor);
  if (!uri) throw new Error(`aor is not a SIP URI: ${aor}`);
  const common = {
    uri,
    authorizationUsername: uri.user,
    authorizationPassword: password,
    logLevel: 'warn',
    sessionDescriptionHandlerFactoryOptions: SDH_FACTORY,
    delegate: { onInvite: (inv) => incoming(inv) },
  };
  let reg = null;
  let ua;
  if (engine === 'plain') {
    ua = new UserAgent({ ...common, transportOptions: { server: ws } });
  } else if (engine === 'sipreg') {
    const sipreg = await import('/web/sipreg.mjs');
    const { sipjsOptions } = await import('/web/lib/sipjs.mjs');
    reg = await sipreg.createRegistration({ server: ws, aor, auth: { password }, instanceStore: false });
    // what reached the registration's flow (the adapter takes it for the stack)
    reg.addEventListener('request', (e) => note('request', { method: e.detail.method, answer: e.detail.answer, text: e.detail.text }));
    reg.addEventListener('response', (e) => note('response', { text: e.detail.text }));
    ua = new UserAgent({ ...sipjsOptions(reg), ...common });
  } else {
    throw new Error(`engine must be 'plain' or 'sipreg', got ${engine}`);
  }

  /** @type {any} the current call */
  let session = null;
  /** whether an incoming call is answered at once (else it rings: 180) */
  let answering = true;
  let ended = Promise.resolve();
  /** @param {any} s @param {'local' | 'remote'} originator */
  function track(s, originator) {
    session = s;
    note(`session-${originator}`);
    ended = new Promise((resolve) => {
      s.stateChange.addListener((state) => {
        note(`state-${state}`);
        if (state === SessionState.Established && originator === 'local') note('confirmed');
        if (state === SessionState.Terminated) {
          note('ended');
          resolve();
        }
      });
    });
    s.delegate = {
      onAck: () => note('confirmed'),
      onSessionDescriptionHandler: (sdh) => {
        const pc = sdh.peerConnection;
        pc.addEventListener('iceconnectionstatechange', () => note(`ice-${pc.iceConnectionState}`));
        pc.addEventListener('track', (e) => note('remote-track', { kind: e.track.kind }));
      },
    };
  }
  /** @param {any} invitation */
  function incoming(invitation) {
    track(invitation, 'remote');
    if (!answering) {
      invitation.progress().catch((e) => note('progress-failed', { error: String(e) }));
      return;
    }
    invitation
      .accept({ sessionDescriptionHandlerOptions: { constraints: CONSTRAINTS } })
      .catch((e) => note('accept-failed', { error: String(e) }));
  }

  // as README "JsSIP and SIP.js" shows: sipreg registers, the transport connects once the flow is up
  const registering = reg?.register();
  await ua.start();
  /** @type {any} */
  let registerer = null;
  if (reg) {
    await registering;
    reg.addEventListener('flowup', () => ua.reconnect().catch(() => {}));
  } else {
    registerer = new Registerer(ua);
    const registered = new Promise((resolve, reject) => {
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve();
        if (state === RegistererState.Terminated) reject(new Error('SIP.js registerer terminated'));
      });
    });
    await registerer.register({ requestDelegate: { onReject: (r) => note('register-rejected', { status: r.message.statusCode }) } });
    await registered;
  }
  note('registered');

  return {
    events,
    /** the contact sipreg registered (sipreg engine) */
    contact: reg ? String(reg.contact?.uri ?? '') : '',
    /** @param {string} target call it; resolves once Established (2xx received, ACK sent) */
    async call(target) {
      const to = UserAgent.makeURI(target);
      if (!to) throw new Error(`target is not a SIP URI: ${target}`);
      note('dial');
      const inviter = new Inviter(ua, to, { sessionDescriptionHandlerOptions: { constraints: CONSTRAINTS } });
      track(inviter, 'local');
      const established = new Promise((resolve, reject) => {
        inviter.stateChange.addListener((state) => {
          if (state === SessionState.Established) resolve();
          if (state === SessionState.Terminated) reject(new Error('call terminated before it was established'));
        });
      });
      await inviter.invite();
      await established;
    },
    /** @param {boolean} on answer incoming calls at once (true, the default) or let them ring */
    answer(on) {
      answering = on;
    },
    /** hang up the current call (BYE, CANCEL or a rejection); resolves once it ended */
    async hangup() {
      if (session?.state === SessionState.Established) await session.bye();
      else if (session instanceof Inviter && session.state === SessionState.Establishing) await session.cancel();
      else if (session && session.state !== SessionState.Terminated) await session.reject();
      return ended;
    },
    /** resolves once the current call ended */
    ended: () => ended,
    /** sipreg engine: stop the stack only (the registration stays; its core answers again) */
    async stopStack() {
      if (!reg) throw new Error('stopStack: only with the sipreg engine');
      await ua.stop();
    },
    /** unregister and stop */
    async stop() {
      if (registerer) {
        const gone = new Promise((resolve) => {
          registerer.stateChange.addListener((state) => {
            if (state === RegistererState.Unregistered) resolve();
          });
          setTimeout(resolve, 2000);
        });
        await registerer.unregister();
        await gone;
      }
      if (reg) {
        await ua.stop();
        await reg.unregister();
        reg.close();
        return;
      }
      await ua.stop();
    },
  };
}
