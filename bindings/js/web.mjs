// web.mjs — the glue the browser entry (web/browser.mjs) reads: what index.mjs exports but bind()
// (the browser entry binds its own names), the pool (lib/web-pool.mjs: its own module, which a
// bundler leaves out of an app without RegistrationPool) and the options' words (option-docs.mjs: the checks do not read them, so OPTIONS and
// POOL_OPTIONS here carry `doc` only on a required option). The build bundles it into
// lib/web.mjs, and pool.mjs into lib/web-pool.mjs with its imports taken from lib/web.mjs: so
// this module also exports everything pool.mjs imports (the build fails on a missing one).
export { loadCore, SipregError } from './core.mjs';
export { Registration, RegistrationError } from './registration.mjs';
export { createSingle, FlowHost, MAX_TIMER_MS, withProbe } from './flow-host.mjs';
export { WebSocketFlow } from './websocket-flow.mjs';
export { storedInstance } from './instance.mjs';
export { OPTIONS, POOL_OPTIONS, checkOptions, configError, show } from './options.mjs';
