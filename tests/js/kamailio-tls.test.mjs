// kamailio-tls.test.mjs — wss:// end to end: Kamailio's TLS WebSocket (kamailio-tls-modules) with a
// throwaway CA and a server certificate for 127.0.0.1 made at test time (startRegistrar({ tls: true })
// runs openssl in its run directory, removed by stop()). The test CA goes in through a subclass of
// sipreg's own Node WebSocket client (node/websocket.mjs) passed to createRegistration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { ROOT, need } from './helpers.mjs';
import { startRegistrar } from '../registrar/registrar.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));
let registrar;
/** @type {the client class trusting the test CA, recording each TLS session} */
let TestWS;
const sessions = [];
const open = [];

before(async () => {
  registrar = await startRegistrar({ tls: true });
  const { ca } = registrar.pki;
  const NodeWebSocket = await sipreg.loadWebSocket();
  TestWS = class extends NodeWebSocket {
    constructor(url, protocols) {
      super(url, protocols, { ca });
      const s = this.socket;
      s.once('secureConnect', () =>
        sessions.push({ url, protocol: s.getProtocol(), authorized: s.authorized, cert: s.getPeerX509Certificate() }),
      );
    }
  };
});
after(async () => {
  for (const r of open) r.close();
  await registrar?.stop();
});

async function make(user, extra = {}) {
  const reg = await sipreg.createRegistration({
    server: registrar.wssUrl,
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    WebSocket: TestWS,
    ...extra,
  });
  open.push(reg);
  reg.log = [];
  reg.addEventListener('message', (e) => reg.log.push(e.detail));
  return reg;
}
const held = async (user) => (await registrar.dump()).filter((b) => b.aor === `${user}@example.test`);

test('register over wss:// with the test CA: Via SIP/2.0/WSS, the registrar holds the binding on its TLS listener', async () => {
  assert.match(registrar.wssUrl, /^wss:\/\/127\.0\.0\.1:\d+$/);
  const reg = await make('s1');
  const d = await reg.register();
  // the connection really is TLS, verified against the test CA (no verification switched off)
  const s = sessions.find((x) => x.url === registrar.wssUrl);
  assert.ok(s, 'a TLS WebSocket was opened');
  assert.equal(s.authorized, true);
  assert.match(s.protocol, /^TLSv1\.[23]$/);
  assert.ok(s.cert.checkIP('127.0.0.1'), 'the server certificate names 127.0.0.1');
  // every REGISTER says WSS in its Via (RFC 7118 §5), and the responses echo it
  const out = reg.log.filter((m) => m.direction === 'out').map((m) => m.text);
  const inn = reg.log.filter((m) => m.direction === 'in').map((m) => m.text);
  assert.equal(out.length, 2, 'REGISTER, 401, REGISTER with credentials, 200');
  for (const m of [...out, ...inn]) assert.match(m, /^Via: SIP\/2\.0\/WSS [^\s;]+\.invalid;/m);
  assert.match(inn.at(-1), /^SIP\/2\.0 200 /);
  const ours = d.info.bindings.filter((b) => b.ours);
  assert.equal(ours.length, 1);
  assert.equal(ours[0].matchedBy, 'instance');
  // the registrar's view: one binding, received on the TLS socket
  const h = await held('s1');
  assert.equal(h.length, 1);
  assert.equal(h[0].socket, `tls:127.0.0.1:${registrar.wssPort}`);
  assert.equal(h[0].contact, ours[0].uri);
  await reg.unregister();
  assert.equal((await held('s1')).length, 0);
});

test('ws:// and wss:// listeners of one registrar: two devices of one AOR, each on its own transport', async () => {
  const secure = await make('s2');
  const plain = await sipreg.createRegistration({ server: registrar.wsUrl, aor: 'sip:s2@example.test', auth: { password: 'secret' } });
  open.push(plain);
  await secure.register();
  const d = await plain.register();
  assert.equal(d.info.bindings.length, 2);
  assert.equal(d.info.bindings.filter((b) => b.ours).length, 1, 'the other device is not ours');
  const sockets = (await held('s2')).map((b) => b.socket.replace(/:\d+$/, '')).sort();
  assert.deepEqual(sockets, ['tcp:127.0.0.1', 'tls:127.0.0.1']);
  await secure.unregister({ all: true });
  assert.equal((await held('s2')).length, 0);
});

test('a certificate from an unknown CA is refused: no REGISTER is sent, the attempt fails as a flow failure', async () => {
  // the default WebSocket (no test CA): the TLS handshake fails before any SIP
  const reg = await sipreg.createRegistration({
    server: registrar.wssUrl,
    aor: 'sip:s3@example.test',
    auth: { password: 'secret' },
    policy: { retryBase: 600, retryMax: 1800 },
  });
  open.push(reg);
  const out = [];
  const downs = [];
  reg.addEventListener('message', (e) => out.push(e.detail));
  reg.addEventListener('flowdown', (e) => downs.push(e.detail));
  const err = await reg.register().catch((e) => e);
  assert.equal(err.reason, 'flow');
  assert.ok(err.at > Date.now() + 200_000, 'retried only after the back-off, not at once');
  assert.deepEqual(out, [], 'nothing sent');
  assert.equal(downs.length, 1);
  assert.equal(downs[0].wasUp, false);
  assert.equal((await held('s3')).length, 0);
  reg.close();
});

test('the SPKI pin exported for Chromium matches the certificate the wss:// listener presents', async () => {
  const { spki, ca } = registrar.pki;
  const cert = await new Promise((resolve, reject) => {
    const sock = tls.connect({ host: '127.0.0.1', port: registrar.wssPort, ca }, () => {
      const c = sock.getPeerX509Certificate();
      sock.end();
      resolve(c);
    });
    sock.once('error', reject);
  });
  assert.ok(cert.checkIssued(new X509Certificate(ca)));
  const pin = createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  assert.equal(pin, spki);
});
