// sipreg for browsers (ES module). Loads sipreg.wasm from next to this file and speaks SIP over
// the page's WebSocket. Serve this file, lib/ and sipreg.wasm (as application/wasm) together:
//
//   import { createRegistration, wakeOnResume } from './sipreg.mjs';
//   const reg = await createRegistration({ server: 'wss://edge.example.com', aor, auth, contacts });
//   wakeOnResume(reg);            // catch up after the tab slept, was hidden or went offline
//   await reg.register();
import { loadCore, bind } from './lib/index.mjs';

const api = bind(await loadCore(new URL('./sipreg.wasm', import.meta.url)), { WebSocket: globalThis.WebSocket });

export const { createRegistration, RegistrationPool, parse, uriEqual, version, core } = api;
export { Registration, RegistrationError, SipregError, WebSocketFlow } from './lib/index.mjs';

/**
 * Let a registration (or a RegistrationPool) act on its deadlines as soon as the page may have
 * missed them: browsers throttle or stop timers in hidden tabs and while the machine sleeps.
 * wake() is cheap and idempotent; the core refreshes at once when the refresh point has passed,
 * or reports the lapse and registers again.
 * @param {{ wake(): void }} target a Registration or RegistrationPool
 * @param {Window} [win] the window to listen on (default: this page's)
 * @returns {() => void} removes the listeners
 */
export function wakeOnResume(target, win = globalThis) {
  const wake = () => target.wake();
  const whenVisible = () => {
    if (win.document.visibilityState === 'visible') wake();
  };
  win.document.addEventListener('visibilitychange', whenVisible);
  win.addEventListener('online', wake);
  win.addEventListener('pageshow', wake);
  return () => {
    win.document.removeEventListener('visibilitychange', whenVisible);
    win.removeEventListener('online', wake);
    win.removeEventListener('pageshow', wake);
  };
}
