// sipreg/jssip — a JsSIP socket over a sipreg registration's flow (lib/jssip.mjs: the same file
// in browsers, web/lib/jssip.mjs). No dependency on JsSIP: the app's JsSIP calls it.
export { JsSIPSocket, jssipConfig } from './lib/jssip.mjs';
