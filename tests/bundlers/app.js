// app.js — the web app each bundler builds (tests/bundlers/<bundler>/main.js imports sipreg and
// hands it here): register the AOR the page's query names (server, aor, password, instance) and
// show the outcome on <body>: data-state ("registered", else "error" with data-error), and what
// the synchronous names give once the wasm is loaded (data-version; data-parsed: parse and
// uriEqual answer; data-pool: after load(), a RegistrationPool is made).
/**
 * @param {typeof import('sipreg')} sipreg the package's browser entry, as the bundler resolved it
 * @param {object} [extra] more createRegistration options (esbuild: wasmUrl)
 */
export async function run(sipreg, extra = {}) {
  const q = new URLSearchParams(location.search);
  const body = document.body.dataset;
  try {
    const reg = await sipreg.createRegistration({
      server: q.get('server'),
      aor: q.get('aor'),
      auth: { password: q.get('password') },
      instance: q.get('instance'),
      ...extra,
    });
    await reg.register();
    body.version = sipreg.version;
    const response =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS a.invalid;branch=z9hG4bKx\r\nFrom: <sip:a@b.test>;tag=1\r\n' +
      'To: <sip:a@b.test>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';
    body.parsed = sipreg.parse(response).ok && sipreg.uriEqual('sip:A@b.test', 'sip:A@B.TEST') ? 'ok' : 'not ok';
    // load() brings the pool's code (its own chunk): RegistrationPool is usable afterwards
    await sipreg.load(extra.wasmUrl === undefined ? {} : { wasmUrl: extra.wasmUrl });
    const pool = new sipreg.RegistrationPool({ server: q.get('server') });
    body.pool = pool instanceof sipreg.RegistrationPool && typeof pool.add === 'function' ? 'ok' : 'not ok';
    pool.close();
    body.state = reg.state;
  } catch (e) {
    body.error = String(e?.message ?? e);
    body.state = 'error';
  }
}
