// The real test registrar (Kamailio, tests/registrar/) driven with hand-written SIP over `ws`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import dgram from 'node:dgram';
import WebSocket from 'ws';
import { startRegistrar, REGISTRAR_CFG } from '../registrar/registrar.mjs';
import { openSipWs, registerRequest, parseResponse, digestAuthorization, randomHex } from '../registrar/rawsip.mjs';

/** @type {import('../registrar/registrar.mjs').Registrar} */
let reg;

before(async () => {
  reg = await startRegistrar();
});
after(async () => {
  await reg?.stop();
});

/**
 * PIDs of Kamailio processes started with our cfg for this registrar's run directory
 * (the run dir keeps registrars of test files running in parallel apart).
 * @param {string} runDir
 * @returns {Promise<number[]>}
 */
function pgrep(runDir) {
  const esc = (/** @type {string} */ x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = `${esc(REGISTRAR_CFG)} .*${esc(runDir)}`;
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-f', pattern], (err, stdout) => {
      if (err && err.code !== 1) reject(err);
      else resolve(stdout.split('\n').filter(Boolean).map(Number));
    });
  });
}

/**
 * Contact header values of a response split into single contacts (Kamailio sends one
 * comma-separated header; commas inside <> or quotes are kept).
 * @param {import('../registrar/rawsip.mjs').SipResponse} res
 */
function contacts(res) {
  return res
    .all('contact')
    .flatMap((v) => v.match(/(?:[^,"<]|"[^"]*"|<[^>]*>)+/g) ?? [])
    .map((s) => s.trim());
}

/**
 * REGISTER over an open WS, answering one 401 challenge; returns the final response.
 * @param {import('../registrar/rawsip.mjs').SipWs} sip
 * @param {Omit<import('../registrar/rawsip.mjs').RegisterSpec, 'cseq' | 'authorization'> & { cseq?: number }} spec
 */
async function registerWithAuth(sip, spec) {
  const cseq = spec.cseq ?? 1;
  sip.send(registerRequest({ ...spec, cseq }));
  const first = parseResponse(await sip.next());
  if (first.status !== 401) return first;
  const challenge = /** @type {string} */ (first.get('www-authenticate'));
  const authorization = digestAuthorization({ challenge, user: spec.user, uri: `sip:${spec.domain ?? 'example.test'}` });
  sip.send(registerRequest({ ...spec, cseq: cseq + 1, authorization }));
  return parseResponse(await sip.next());
}

const INSTANCE = '<urn:uuid:6f1c1b7e-6c43-4b9e-9a3e-0d6f0b1c2d3e>';
const alice = {
  user: 'alice',
  callId: `${randomHex()}@test`,
  contact: `<sip:alice-${randomHex(3)}@client.invalid;transport=ws>;+sip.instance="${INSTANCE}";reg-id=1`,
};

test('WebSocket handshake: subprotocol sip accepted, none/other rejected', async () => {
  const sip = await openSipWs(reg.wsUrl);
  assert.equal(sip.ws.protocol, 'sip');
  await sip.close();
  for (const protocols of [[], ['foo']]) {
    const status = await new Promise((resolve) => {
      const ws = new WebSocket(reg.wsUrl, protocols);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode);
        ws.terminate();
      });
      ws.on('open', () => {
        resolve('open');
        ws.close();
      });
      ws.on('error', () => {});
    });
    assert.equal(status, 400, `offering ${JSON.stringify(protocols)}`);
  }
});

test('REGISTER without credentials gets 401 with a Digest challenge', async () => {
  const sip = await openSipWs(reg.wsUrl);
  sip.send(registerRequest({ ...alice, cseq: 1, expires: 600 }));
  const res = parseResponse(await sip.next());
  assert.equal(res.status, 401);
  assert.equal(res.get('call-id'), alice.callId);
  assert.equal(res.get('cseq'), '1 REGISTER');
  const wa = res.get('www-authenticate') ?? '';
  assert.match(wa, /^Digest /);
  assert.match(wa, /realm="example\.test"/);
  assert.match(wa, /nonce="[^"]+"/);
  assert.match(wa, /qop="auth"/);
  assert.match(wa, /algorithm=MD5/);
  assert.match(res.get('via') ?? '', /;rport=\d+;received=127\.0\.0\.1/);
  await sip.close();
});

test('answered challenge gets 200 listing the Contact with ;expires and ;received', async () => {
  const sip = await openSipWs(reg.wsUrl);
  const res = await registerWithAuth(sip, { ...alice, cseq: 10, expires: 600 });
  assert.equal(res.status, 200, res.raw);
  const list = contacts(res);
  assert.equal(list.length, 1, res.raw);
  const uri = /<([^>]+)>/.exec(alice.contact)?.[1];
  assert.ok(list[0].startsWith(`<${uri}>`), list[0]);
  assert.match(list[0], /;expires=(600|599)\b/);
  assert.match(list[0], /;received="sip:127\.0\.0\.1:\d+;transport=ws"/);
  assert.ok(list[0].includes(`+sip.instance="${INSTANCE}"`), list[0]);
  await sip.close();
});

test('Expires: 10 gets 423 with Min-Expires: 60, and nothing else', async () => {
  const sip = await openSipWs(reg.wsUrl);
  const res = await registerWithAuth(sip, { ...alice, cseq: 20, expires: 10 });
  assert.equal(res.status, 423, res.raw);
  assert.equal(res.get('min-expires'), '60');
  assert.deepEqual(await sip.drain(200), [], 'no second final response (stock-config double reply)');
  await sip.close();
});

test('dump() shows the binding', async () => {
  const bindings = await reg.dump();
  assert.equal(bindings.length, 1, JSON.stringify(bindings));
  const [b] = bindings;
  assert.equal(b.aor, 'alice@example.test');
  assert.equal(b.contact, /<([^>]+)>/.exec(alice.contact)?.[1]);
  assert.ok(typeof b.expires === 'number' && b.expires > 590 && b.expires <= 600, String(b.expires));
  assert.equal(b.q, null);
  assert.equal(b.callId, alice.callId);
  assert.equal(b.cseq, 11);
  assert.equal(b.instance, INSTANCE);
  assert.equal(b.regId, 1);
  assert.match(b.received ?? '', /^sip:127\.0\.0\.1:\d+;transport=ws$/);
});

test('Contact: * with Expires: 0 removes it; dump() is empty', async () => {
  const sip = await openSipWs(reg.wsUrl);
  const res = await registerWithAuth(sip, { ...alice, cseq: 30, contact: '*', expires: 0 });
  assert.equal(res.status, 200, res.raw);
  assert.deepEqual(contacts(res), []);
  assert.deepEqual(await reg.dump(), []);
  await sip.close();
});

test('auth user must equal the To user (403)', async () => {
  const sip = await openSipWs(reg.wsUrl);
  sip.send(registerRequest({ ...alice, user: 'bob', cseq: 1, expires: 600 }));
  const challenge = parseResponse(await sip.next()).get('www-authenticate') ?? '';
  const authorization = digestAuthorization({ challenge, user: 'alice', uri: 'sip:example.test' });
  sip.send(registerRequest({ ...alice, user: 'bob', cseq: 2, expires: 600, authorization }));
  assert.equal(parseResponse(await sip.next()).status, 403);
  await sip.close();
});

test('SIP over UDP on udpPort answers too', async () => {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', () => r(undefined)));
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  try {
    const { port } = sock.address();
    const got = new Promise((resolve, reject) => {
      sock.once('message', (m) => resolve(m.toString()));
      timer = setTimeout(() => reject(new Error('no UDP response within 3 s')), 3000);
    });
    sock.send(
      registerRequest({
        user: 'carol',
        callId: randomHex(),
        cseq: 1,
        expires: 600,
        transport: 'UDP',
        viaHost: `127.0.0.1:${port}`,
        contact: `<sip:carol@127.0.0.1:${port}>`,
      }),
      reg.udpPort,
      '127.0.0.1',
    );
    const res = parseResponse(/** @type {string} */ (await got));
    assert.equal(res.status, 401);
  } finally {
    clearTimeout(timer);
    sock.close();
  }
});

test('fault mode: setFault503() and the fault503 start option answer 503 + Retry-After', async () => {
  const sip = await openSipWs(reg.wsUrl);
  await reg.setFault503(true);
  sip.send(registerRequest({ ...alice, cseq: 40, expires: 600 }));
  let res = parseResponse(await sip.next());
  assert.equal(res.status, 503);
  assert.equal(res.get('retry-after'), '2');
  await reg.setFault503(false);
  sip.send(registerRequest({ ...alice, cseq: 41, expires: 600 }));
  assert.equal(parseResponse(await sip.next()).status, 401);
  await sip.close();

  const faulty = await startRegistrar({ fault503: true });
  try {
    const s2 = await openSipWs(faulty.wsUrl);
    s2.send(registerRequest({ ...alice, cseq: 1, expires: 600 }));
    res = parseResponse(await s2.next());
    assert.equal(res.status, 503);
    assert.equal(res.get('retry-after'), '2');
    await s2.close();
  } finally {
    await faulty.stop();
  }
  assert.deepEqual(await pgrep(faulty.runDir), []);
});

test('freeze() stops answering, thaw() resumes', async () => {
  const sip = await openSipWs(reg.wsUrl);
  reg.freeze();
  try {
    sip.send(registerRequest({ ...alice, cseq: 50, expires: 600 }));
    await assert.rejects(sip.next(300), /no SIP message/);
  } finally {
    reg.thaw();
  }
  assert.equal(parseResponse(await sip.next()).status, 401);
  await sip.close();
});

test('300 WebSocket connections at once: every REGISTER answered, then registered', async (t) => {
  const N = 300;
  const t0 = performance.now();
  let challenged = 0;
  /** @type {number} */
  let t401 = 0;
  const results = await Promise.allSettled(
    Array.from({ length: N }, async (_, i) => {
      const sip = await openSipWs(reg.wsUrl, { timeoutMs: 10000 });
      try {
        const spec = {
          user: `load${i}`,
          callId: `load-${i}-${randomHex(3)}`,
          contact: `<sip:load${i}@client.invalid;transport=ws>`,
          expires: 600,
        };
        sip.send(registerRequest({ ...spec, cseq: 1 }));
        const first = parseResponse(await sip.next(10000));
        assert.equal(first.status, 401);
        if (++challenged === N) t401 = performance.now() - t0;
        const authorization = digestAuthorization({
          challenge: first.get('www-authenticate') ?? '',
          user: spec.user,
          uri: 'sip:example.test',
        });
        sip.send(registerRequest({ ...spec, cseq: 2, authorization }));
        assert.equal(parseResponse(await sip.next(10000)).status, 200);
      } finally {
        await sip.close();
      }
    }),
  );
  const total = performance.now() - t0;
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String(/** @type {PromiseRejectedResult} */ (r).reason));
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${N} failed`);
  const bindings = await reg.dump(); // > 128 KiB of ul.dump: exercises the ul.lookup path
  assert.equal(bindings.length, N);
  assert.ok(bindings.every((b) => /^load\d+@example\.test$/.test(b.aor) && b.received?.endsWith(';transport=ws')));
  t.diagnostic(`${N} connections: all 401s after ${t401.toFixed(0)} ms, all registered and closed after ${total.toFixed(0)} ms`);
});

test('restart() comes back on the same port with no bindings', async () => {
  const { wsPort, udpPort, pid } = reg;
  assert.ok((await reg.dump()).length > 0, 'precondition: bindings from the previous test');
  await reg.restart();
  assert.equal(reg.wsPort, wsPort);
  assert.equal(reg.udpPort, udpPort);
  assert.notEqual(reg.pid, pid);
  assert.equal((await pgrep(reg.runDir)).includes(pid), false, 'old main process gone');
  assert.deepEqual(await reg.dump(), []);
  const sip = await openSipWs(reg.wsUrl);
  sip.send(registerRequest({ ...alice, cseq: 60, expires: 600 }));
  assert.equal(parseResponse(await sip.next()).status, 401);
  await sip.close();
});

test('stop() leaves no kamailio process and removes the run directory', async () => {
  const { runDir } = reg;
  assert.ok((await pgrep(runDir)).length > 2, 'main + workers running before stop()');
  reg.freeze(); // stop() must cope with a frozen registrar too
  await reg.stop();
  assert.deepEqual(await pgrep(runDir), []);
  assert.equal(existsSync(runDir), false);
  await reg.stop(); // idempotent
});
