// web.mjs — the glue the browser entry (web/browser.mjs) reads: what index.mjs exports but bind()
// (the browser entry binds its own names) and the options' words (option-docs.mjs: the checks do
// not read them, so OPTIONS and POOL_OPTIONS here carry `doc` only on a required option). The
// build bundles it into lib/web.mjs.
export { loadCore, SipregError } from './core.mjs';
export { Registration, RegistrationError } from './registration.mjs';
export { createSingle } from './flow-host.mjs';
export { RegistrationPool } from './pool.mjs';
export { WebSocketFlow } from './websocket-flow.mjs';
export { storedInstance } from './instance.mjs';
export { OPTIONS, POOL_OPTIONS, configError, show } from './options.mjs';
