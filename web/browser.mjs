// sipreg for browsers and bundlers (ES module, no top-level await): the npm package's "browser"
// entry (the build copies this file to node/browser.mjs) and what web/sipreg.mjs re-exports.
// The wasm is loaded on first need: by createRegistration(), or by load() for the synchronous
// names (RegistrationPool, parse, uriEqual, version, core). What an app does not use a bundler
// leaves out: createRegistration() does not go through load() (nor this module's namespace, which
// load() resolves with), and RegistrationPool is a pure expression over the pool's own module
// (lib/web-pool.mjs; the package says which of its files have side effects). It is found with
// `new URL('./sipreg-web.wasm', import.meta.url)`, the pattern Vite and webpack 5 rewrite to the
// emitted asset; elsewhere (esbuild, a CDN) give its address as `wasmUrl`. sipreg-web.wasm is
// the browser build of sipreg.wasm (without STUN keep-alives and multicast discovery, which only
// UDP uses):
//
//   import { createRegistration, wakeOnResume } from 'sipreg';
//   import wasmUrl from 'sipreg/sipreg.wasm';   // esbuild: --loader:.wasm=file (the web build)
//   const reg = await createRegistration({ server: 'wss://edge.example.com', aor, auth, wasmUrl });
import * as self from './browser.mjs';
import { loadCore, createSingle, storedInstance, configError, show, SipregError } from './lib/web.mjs';
import { RegistrationPool as Pool } from './lib/web-pool.mjs';

// lib/web.mjs: the glue without the options' words (OPTIONS, POOL_OPTIONS: `doc` only on a
// required option; the Node entry's tables carry every option's, lib/option-docs.mjs)
export { Registration, RegistrationError, SipregError, WebSocketFlow, storedInstance, OPTIONS, POOL_OPTIONS } from './lib/web.mjs';

/** The loaded core, once load() settled. */
let api = null;
/** The WebSocket a registration without its own uses: the page's, as it was at load(). */
let PageWebSocket;
/** @type {Promise<object>|null} the one load of the wasm in progress or done */
let loading = null;
/** Where the core was loaded from (an error names it when another wasmUrl comes later). */
let loadedFrom = '';

/** The sipreg version (the core's), once loaded; undefined before. */
export let version;
/** The loaded core (advanced use), once loaded; undefined before. */
export let core;

/** @param {string} name */
const notReady = (name) =>
  new SipregError('ERR_SIPREG_NOT_READY', `${name} needs the wasm module loaded: await load() (or createRegistration()) first`);

/**
 * The address a `wasmUrl` option gives, as a URL string; throws a SipregError naming the option.
 * @param {unknown} wasmUrl a URL or a string (relative: to the page)
 */
function wasmAddress(wasmUrl) {
  if (wasmUrl === undefined) return new URL('./sipreg-web.wasm', import.meta.url).href;
  const given = wasmUrl instanceof URL ? wasmUrl.href : wasmUrl;
  if (typeof given !== 'string' || given.trim() === '') {
    throw configError('wasmUrl', wasmUrl, `wasmUrl must be a URL or a non-empty string (the address of sipreg.wasm), got ${show(wasmUrl)}`);
  }
  try {
    return new URL(given, globalThis.location?.href).href;
  } catch {
    throw configError(
      'wasmUrl',
      wasmUrl,
      `wasmUrl must be a URL or a non-empty string (the address of sipreg.wasm), got ${show(wasmUrl)} (not a URL)`,
    );
  }
}

/**
 * Load the wasm module (once per page): afterwards every name of this module is usable.
 * A failed load (wrong address, not a wasm module) rejects, names the address, and may be retried.
 * @param {{ wasmUrl?: string|URL }} [options] wasmUrl: where sipreg.wasm is (default: next to
 *   this module, as the bundler emitted it)
 * @returns {Promise<typeof self>} this module (its names, all usable)
 */
export function load(options = {}) {
  try {
    return loadWasm(options).then(() => self);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Load the wasm module (once per page); throws a SipregError on bad options.
 * @param {{ wasmUrl?: string|URL }} options @returns {Promise<void>}
 */
function loadWasm(options) {
  if (options === null || typeof options !== 'object') {
    throw configError('options', options, `load options must be an object ({ wasmUrl }), got ${show(options)}`);
  }
  const { wasmUrl, ...unknown } = options;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined) throw configError(extra, unknown[extra], `unknown option '${extra}' (load takes wasmUrl)`);
  const href = wasmAddress(wasmUrl);
  if (loading) {
    if (wasmUrl !== undefined && href !== loadedFrom) {
      throw configError('wasmUrl', wasmUrl, `wasmUrl: sipreg.wasm is already loaded from ${loadedFrom}, not ${href} (one module per page)`);
    }
    return loading;
  }
  loadedFrom = href;
  loading = loadCore(new URL(href)).then(
    (c) => {
      api = core = c;
      PageWebSocket = globalThis.WebSocket;
      version = c.version();
    },
    (e) => {
      loading = null;
      throw new SipregError('ERR_SIPREG_LOAD', `cannot load sipreg.wasm from ${href} (${e?.message ?? e}): give its address as wasmUrl`, {
        url: href,
        cause: e,
      });
    },
  );
  return loading;
}

/**
 * Many registrations over shared WebSocket flows (after load(): it needs the core). A class made
 * by a pure call, so that a bundler drops it, and the pool's module, from an app that does not
 * use it (a class declaration that extends another is kept: evaluating it could throw).
 */
export const RegistrationPool = /* @__PURE__ */ (() =>
  class RegistrationPool extends Pool {
    /** @param {object} options server, flows, rate, ... (README "RegistrationPool") */
    constructor(options) {
      if (!api) throw notReady('RegistrationPool');
      super(api, { WebSocket: globalThis.WebSocket, ...options });
    }
  })();

/** The `sipreg parse` view of a message (after load()). @param {string} message */
export const parse = (message) => {
  if (!api) throw notReady('parse');
  return api.parse(message);
};

/** RFC 3261 §19.1.4 URI equality (after load()). @param {string} a @param {string} b */
export const uriEqual = (a, b) => {
  if (!api) throw notReady('uriEqual');
  return api.uriEqual(a, b);
};

/**
 * Create a registration with its own WebSocket flow (nothing is sent until register()); loads
 * the wasm first when it is not loaded yet (from `wasmUrl` when given).
 * One binding per device (RFC 5626 §4.1): without `instance` and `state`, the instance-id is the
 * one kept in localStorage under "sipreg.instance:<aor>" (made on first use), so a reopened tab
 * or a restarted browser replaces its own binding. `instanceStore: false` opts out (a random
 * instance-id per registration); where storage fails (private mode) a random one is used.
 * @param {object} options README "Options", plus `instanceStore` (a Storage; default
 *   localStorage; false: none) and `wasmUrl` (where sipreg.wasm is)
 * @returns {Promise<import('./lib/web.mjs').Registration>}
 */
export async function createRegistration(options) {
  const { instanceStore, wasmUrl, ...rest } = options ?? {};
  if (
    instanceStore !== undefined &&
    instanceStore !== false &&
    (typeof instanceStore?.getItem !== 'function' || typeof instanceStore.setItem !== 'function')
  ) {
    throw configError(
      'instanceStore',
      instanceStore,
      `instanceStore must be a Storage (getItem, setItem) or false, got ${show(instanceStore)}`,
    );
  }
  await loadWasm(wasmUrl === undefined ? {} : { wasmUrl });
  if (rest.instance === undefined && rest.state === undefined && instanceStore !== false && rest.aor) {
    let storage = instanceStore;
    try {
      storage ??= globalThis.localStorage;
    } catch {
      /* access denied (sandboxed frame): no stable instance */
    }
    if (storage) rest.instance = storedInstance(rest.aor, storage);
  }
  return createSingle(api, rest, { WebSocket: rest.WebSocket ?? PageWebSocket });
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
