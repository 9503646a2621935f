// sipreg for browsers (ES module), served as it is: web/browser.mjs with the wasm loaded before
// this module settles (top-level await), so that every name is usable once imported. Serve this
// file, browser.mjs, lib/ and sipreg-web.wasm (as application/wasm) together:
//
//   import { createRegistration, wakeOnResume } from './sipreg.mjs';
//   const reg = await createRegistration({ server: 'wss://edge.example.com', aor, auth, contacts });
//   const unwake = wakeOnResume(reg); // catch up after sleep, a hidden tab, a new network
//   await reg.register();
//   …
//   await reg.unregister(); unwake(); reg.close();
// Bundled apps import the npm package instead ('sipreg': its "browser" entry is browser.mjs,
// which loads the wasm on first need and takes a `wasmUrl`).
import { load } from './browser.mjs';

export * from './browser.mjs';

await load();
