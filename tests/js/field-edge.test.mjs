// field-edge.test.mjs — issue 11 "challenges kept per realm and per kind" (RFC 3261 §22.3) in the
// two-Kamailio topology: an edge proxy (startEdgeProxy: 407, realm edge.test) relaying to the
// registrar (401, realm example.test). sipreg answers both, registers, refreshes without a new
// pair of challenges, and the registrar (not the proxy) holds exactly one binding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistrar, startEdgeProxy } from '../registrar/registrar.mjs';
import { loadSipreg, recordField, track, header } from './field-kit.mjs';

let sipreg;
/** @type {import('../registrar/registrar.mjs').Registrar} */
let registrar;
/** @type {import('../registrar/registrar.mjs').EdgeProxy} */
let edge;
const open = [];
before(async () => {
  sipreg = await loadSipreg();
  registrar = await startRegistrar({ tcpChildren: 2 });
  edge = await startEdgeProxy(registrar);
});
after(async () => {
  for (const r of open) r.close();
  await edge?.stop();
  await registrar?.stop();
});

test('edge proxy 407 then registrar 401: both answered, registered, the registrar holds the binding', { timeout: 30_000 }, async () => {
  const reg = await sipreg.createRegistration({ server: edge.wsUrl, aor: 'sip:edgy@example.test', auth: { password: 'secret' } });
  open.push(reg);
  const t = track(reg);
  const t0 = Date.now();
  const result = await reg.register().then(
    (d) => ({ d }),
    (e) => ({ e }),
  );
  const took = Date.now() - t0;
  const sent = t.registers(t0);
  const h = (await registrar.dump()).filter((b) => b.aor === 'edgy@example.test');
  recordField('edge-407-401', {
    scenario: 'edge proxy (407, realm edge.test) + registrar (401, realm example.test), two Kamailios',
    expect: 'registered, 3 REGISTERs',
    recoverMs: result.d ? took : null,
    registers: sent.length,
    bindings: h.length,
    outcome: result.d ? result.d.info.state : `rejected (${result.e.reason}${result.e.code ? ` ${result.e.code}` : ''})`,
  });
  assert.ok(result.d, `register() rejected: ${result.e?.message} | ${t.summary(t0)}`);
  assert.equal(result.d.info.state, 'registered');
  assert.equal(sent.length, 3, t.summary(t0));
  const [first, second, third] = sent.map((m) => m.detail.text);
  assert.equal(header(first, 'Proxy-Authorization'), undefined);
  assert.match(header(second, 'Proxy-Authorization') ?? '', /realm="edge\.test"/);
  assert.equal(header(second, 'Authorization'), undefined);
  assert.match(header(third, 'Proxy-Authorization') ?? '', /realm="edge\.test"/, 'the proxy credentials are kept');
  assert.match(header(third, 'Authorization') ?? '', /realm="example\.test"/);
  const responses = t.log.filter((l) => l.at >= t0 && l.type === 'in').map((l) => String(l.detail.text).split('\r\n')[0]);
  assert.deepEqual(responses, ['SIP/2.0 407 Proxy Authentication Required', 'SIP/2.0 401 Unauthorized', 'SIP/2.0 200 OK']);
  assert.equal(h.length, 1, 'the registrar holds our binding');
  assert.equal(h[0].socket, `udp:127.0.0.1:${registrar.udpPort}`, 'relayed by the proxy over UDP');
  assert.equal(h[0].callId, reg.callId);

  // a refresh answers both challenges up front (both nonces kept): one REGISTER, no 407/401 round trips
  const t1 = Date.now();
  await reg.register();
  assert.equal(t.registers(t1).length, 1, `both challenges kept (per realm and kind) and answered up front: ${t.summary(t1)}`);
  const again = (await registrar.dump()).filter((b) => b.aor === 'edgy@example.test');
  assert.equal(again.length, 1, 'refreshed, not a second binding');
  assert.ok(again[0].cseq > h[0].cseq);
});

test('edge proxy with a wrong password: rejected credentials for the proxy realm end it (terminal)', { timeout: 30_000 }, async () => {
  const reg = await sipreg.createRegistration({ server: edge.wsUrl, aor: 'sip:edgebad@example.test', auth: { password: 'wrong' } });
  open.push(reg);
  const t = track(reg);
  const t0 = Date.now();
  const err = await reg.register().then(
    () => null,
    (e) => e,
  );
  await new Promise((r) => setTimeout(r, 3000));
  assert.ok(err, 'register() rejects');
  assert.equal(err.reason, 'credentials');
  assert.equal(err.status, 407);
  assert.equal(t.registers(t0).length, 2, t.summary(t0));
  assert.deepEqual(
    (await registrar.dump()).filter((b) => b.aor === 'edgebad@example.test'),
    [],
  );
});
