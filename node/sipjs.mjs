// sipreg/sipjs — a SIP.js Transport over a sipreg registration's flow (lib/sipjs.mjs: the same
// file in browsers, web/lib/sipjs.mjs). No dependency on SIP.js: the app's UserAgent calls it.
export { SipregTransport, sipjsOptions } from './lib/sipjs.mjs';
