// sipreg for browsers (ES module). Loads sipreg.wasm from next to this file and speaks SIP over
// the page's WebSocket. Serve this file, lib/ and sipreg.wasm (as application/wasm) together:
//
//   import { createRegistration, wakeOnResume } from './sipreg.mjs';
//   const reg = await createRegistration({ server: 'wss://edge.example.com', aor, auth, contacts });
//   const unwake = wakeOnResume(reg); // catch up after sleep, a hidden tab, a new network
//   await reg.register();
//   …
//   await reg.unregister(); unwake(); reg.close();
import { loadCore, bind, storedInstance, configError, show } from './lib/index.mjs';

const api = bind(await loadCore(new URL('./sipreg.wasm', import.meta.url)), { WebSocket: globalThis.WebSocket });

export const { RegistrationPool, parse, uriEqual, version, core } = api;
export { Registration, RegistrationError, SipregError, WebSocketFlow, storedInstance, OPTIONS, POOL_OPTIONS } from './lib/index.mjs';

/**
 * Create a registration with its own WebSocket flow (nothing is sent until register()).
 * One binding per device (RFC 5626 §4.1): without `instance` and `state`, the instance-id is the
 * one kept in localStorage under "sipreg.instance:<aor>" (made on first use), so a reopened tab
 * or a restarted browser replaces its own binding. `instanceStore: false` opts out (a random
 * instance-id per registration); where storage fails (private mode) a random one is used.
 * @param {object} options README "Options", plus `instanceStore` (a Storage; default
 *   localStorage; false: none)
 * @returns {Promise<import('./lib/index.mjs').Registration>}
 */
export async function createRegistration(options) {
  const { instanceStore, ...rest } = options ?? {};
  if (instanceStore !== undefined && instanceStore !== false &&
    (typeof instanceStore?.getItem !== 'function' || typeof instanceStore.setItem !== 'function')) {
    throw configError('instanceStore', instanceStore, `instanceStore must be a Storage (getItem, setItem) or false, got ${show(instanceStore)}`);
  }
  if (rest.instance === undefined && rest.state === undefined && instanceStore !== false && rest.aor) {
    let storage = instanceStore;
    try {
      storage ??= globalThis.localStorage;
    } catch { /* access denied (sandboxed frame): no stable instance */ }
    if (storage) rest.instance = storedInstance(rest.aor, storage);
  }
  return api.createRegistration(rest);
}

/**
 * Let a registration (or a RegistrationPool) act as soon as the page may have missed something:
 * browsers throttle or stop timers in hidden tabs and while the machine sleeps, and a new network
 * needs a new flow. Listens to:
 *   online                          the network is back: wake({ network: true }) (a fresh flow, the
 *                                   failure count reset, one attempt at once)
 *   navigator.connection "change"   (where present) a new network type/path: wake({ network: true })
 *   pageshow, visibilitychange      (visible) the page is back: wake() (deadlines that passed run)
 *   offline                         nothing is done: the flow's failure is noticed by itself, and
 *                                   the "online" that follows re-registers
 * wake() is cheap and idempotent.
 * @param {{ wake(options?: {network?: boolean}): void }} target a Registration or RegistrationPool
 * @param {Window} [win] the window to listen on (default: this page's)
 * @returns {() => void} removes the listeners
 */
export function wakeOnResume(target, win = globalThis) {
  const wake = () => target.wake();
  const network = () => target.wake({ network: true });
  const whenVisible = () => {
    if (win.document.visibilityState === 'visible') wake();
  };
  const connection = win.navigator?.connection;
  win.document.addEventListener('visibilitychange', whenVisible);
  win.addEventListener('online', network);
  win.addEventListener('pageshow', wake);
  connection?.addEventListener?.('change', network);
  return () => {
    win.document.removeEventListener('visibilitychange', whenVisible);
    win.removeEventListener('online', network);
    win.removeEventListener('pageshow', wake);
    connection?.removeEventListener?.('change', network);
  };
}
