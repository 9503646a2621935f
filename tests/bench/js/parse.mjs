// parse.mjs — ns per message for the JS contenders (JsSIP, SIP.js, sip, sipreg wasm through its
// public API) and the JS floor (TextEncoder.encodeInto: copying the string's bytes, which the
// wasm path has to do anyway), interleaved in one process. Input: the message as a JS string,
// as a WebSocket text frame delivers it. Prints JSON.
//   node tests/bench/js/parse.mjs [--rounds 15] [--warmup 3] [--batch-ms 10]
import { loadMessages, interleave, cliOptions } from './common.mjs';

const opts = cliOptions({ rounds: 15, warmup: 3, batchMs: 10 });
const NAMES = ['sipreg', 'jssip', 'sipjs', 'sip'];

const libs = [];
for (const n of NAMES) {
  const mod = await import(`./contenders/${n}.mjs`);
  libs.push({ name: mod.name, ...(await mod.load()) });
}

const encoder = new TextEncoder();
const scratch = new Uint8Array(64 * 1024);
const floor = { name: 'encodeInto', version: 'node ' + process.versions.node, walk: (text) => encoder.encodeInto(text, scratch).written };

const messages = loadMessages();
const status = {};
for (const m of messages) {
  status[m.name] = {};
  const expected = (m.text.match(/^(Contact|m):/gim) ?? []).length;
  for (const lib of libs) {
    const info = {};
    try {
      lib.walk(m.text, info);
      const partial = info.urisParsed < info.contacts && lib.name !== 'sipreg-wasm';
      status[m.name][lib.name] = {
        status: partial ? 'partial' : 'ok',
        contacts: info.contacts,
        urisParsed: info.urisParsed,
        contactHeaders: expected,
        ...(partial
          ? {
              why: `${info.contacts - info.urisParsed} of ${info.contacts} Contact URIs not understood (parseUri returns undefined${info.notParsed ? ` for ${info.notParsed.join(', ')}` : ''})`,
            }
          : {}),
      };
    } catch (e) {
      status[m.name][lib.name] = { status: 'rejected', why: e.message };
    }
  }
  status[m.name].encodeInto = { status: 'ok' };
}

const contenders = [...libs, floor].map((lib) => ({
  name: lib.name,
  fn: lib.walk,
  skip: (text) => status[messages.find((m) => m.text === text).name][lib.name].status === 'rejected',
}));
const timed = interleave(
  contenders,
  messages.map((m) => ({ name: m.name, value: m.text })),
  opts,
);

const results = {};
for (const m of messages) {
  results[m.name] = {};
  for (const c of contenders) {
    results[m.name][c.name] = { ...status[m.name][c.name], bytes: m.text.length, ...(timed[m.name][c.name] ?? {}) };
  }
}
const versions = Object.fromEntries([...libs, floor].map((l) => [l.name, l.version]));
process.stdout.write(
  JSON.stringify({
    kind: 'parse-js',
    unit: 'ns/message',
    node: process.version,
    rounds: opts.rounds,
    warmup: opts.warmup,
    batchMs: opts.batchMs,
    versions,
    results,
  }) + '\n',
);
