// field-promises.test.mjs — issue 11 "every promise settles, with the cause", through the package
// entry (node/index.mjs): register(), fetch() and unregister() against places where no flow can
// be made (a closed port, an HTTP server answering the upgrade with 200, a TCP server that never
// answers) each reject within the bound with a RegistrationError whose `cause.code` names why.
// All nine, and the default-bound case beside them, run at once.
import { describe, it as test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, httpServer, silentServer } from './dead-servers.mjs';
import { loadSipreg, recordField, within, causeCode } from './field-kit.mjs';
import { startRegistrar } from '../registrar/registrar.mjs';

const CONNECT_MS = 2000; // connectTimeout: TCP connect + WebSocket handshake
const COMMAND_MS = 5000; // policy.commandMs: how long unregister keeps trying
const SLACK = 1500;
/** The bound of each command: register/fetch one connect attempt, unregister its command time. */
const BOUND = { register: CONNECT_MS + SLACK, fetch: CONNECT_MS + SLACK, unregister: COMMAND_MS + CONNECT_MS + SLACK };

let sipreg;
let port;
let http;
let silent;
let registrar;
const open = [];
before(async () => {
  sipreg = await loadSipreg();
  [port, http, silent, registrar] = await Promise.all([closedPort(), httpServer(), silentServer(), startRegistrar()]);
});
after(async () => {
  for (const r of open) r.close();
  await Promise.all([http?.close(), silent?.close(), registrar?.stop()]);
});

/** @param {string} server @param {string} user @param {object} [extra] */
async function make(server, user, extra = {}) {
  const reg = await sipreg.createRegistration({
    server,
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    connectTimeout: CONNECT_MS,
    policy: { commandMs: COMMAND_MS },
    ...extra,
  });
  open.push(reg);
  return reg;
}

describe('no flow can be made', { concurrency: true }, () => {
  test(
    'register, fetch and unregister reject within the bound, naming the cause (closed port, HTTP 200, silent TCP)',
    { timeout: 30_000 },
    async () => {
      const places = [
        { article: 'a', name: 'closed port', url: () => `ws://127.0.0.1:${port}`, code: 'ECONNREFUSED' },
        { article: 'an', name: 'HTTP server', url: () => http.url, code: 'http-status', status: 200 },
        { article: 'a', name: 'silent TCP server', url: () => silent.url, code: 'handshake-timeout' },
      ];
      const ops = ['register', 'fetch', 'unregister'];
      const runs = [];
      for (const p of places) {
        for (const op of ops) {
          runs.push(
            (async () => {
              const reg = await make(p.url(), `dead-${op}-${p.code.toLowerCase()}`);
              const r = await within(reg[op](), BOUND[op] + 5000);
              return { p, op, r };
            })(),
          );
        }
      }
      const results = await Promise.all(runs);
      const problems = [];
      for (const { p, op, r } of results) {
        const what = `${op}() on the ${p.name}`;
        if (!r.settled) {
          problems.push(`${what}: still pending after ${r.ms} ms`);
          continue;
        }
        if (r.ok) {
          problems.push(`${what}: resolved`);
          continue;
        }
        if (r.ms > BOUND[op]) problems.push(`${what}: rejected after ${r.ms} ms (bound ${BOUND[op]} ms)`);
        if (r.error?.name !== 'RegistrationError') problems.push(`${what}: ${r.error?.name} ${r.error?.message}`);
        if (causeCode(r.error) !== p.code) problems.push(`${what}: cause.code ${causeCode(r.error)}, want ${p.code} (${r.error?.message})`);
        if (p.status && r.error?.cause?.status !== p.status) problems.push(`${what}: cause.status ${r.error?.cause?.status}`);
      }
      for (const p of places) {
        const mine = results.filter((x) => x.p === p);
        recordField(`promise-${p.code.toLowerCase()}`, {
          scenario: `register/fetch/unregister on ${p.article} ${p.name} (connectTimeout ${CONNECT_MS} ms, commandMs ${COMMAND_MS} ms)`,
          expect: `each rejects, cause ${p.code}, within ${BOUND.register / 1000} s / ${BOUND.unregister / 1000} s`,
          detectMs: Math.max(...mine.map((x) => x.r.ms)),
          registers: 0,
          bindings: 0,
          outcome: mine
            .map(
              (x) =>
                `${x.op}: ${!x.r.settled ? 'pending' : x.r.ok ? 'resolved' : `rejected (${causeCode(x.r.error) ?? x.r.error?.reason})`}`,
            )
            .join('; '),
        });
      }
      assert.deepEqual(problems, []);
      assert.equal(silent.accepted >= 3, true, 'the silent server did accept the TCP connections');
      assert.ok(http.requests.length >= 3, 'the HTTP server saw the upgrade requests');
      // the registrar was never involved: nothing of these users anywhere
      assert.deepEqual(
        (await registrar.dump()).filter((b) => b.aor.startsWith('dead-')),
        [],
      );
    },
  );

  test('the default bound: register() on a silent server rejects within 10 s (no connectTimeout given)', { timeout: 20_000 }, async () => {
    const reg = await sipreg.createRegistration({ server: silent.url, aor: 'sip:dead-default@example.test', auth: { password: 'secret' } });
    open.push(reg);
    const r = await within(reg.register(), 15_000);
    recordField('promise-default-bound', {
      scenario: 'register() on a silent TCP server, default options',
      expect: 'rejects within 10 s, cause handshake-timeout',
      detectMs: r.ms,
      registers: 0,
      bindings: 0,
      outcome: !r.settled ? 'pending' : r.ok ? 'resolved' : `rejected (${causeCode(r.error)})`,
    });
    assert.equal(r.settled, true, `still pending after ${r.ms} ms`);
    assert.equal(r.ok, false);
    assert.ok(r.ms <= 10_500, `rejected after ${r.ms} ms`);
    assert.equal(causeCode(r.error), 'handshake-timeout');
    assert.deepEqual(
      (await registrar.dump()).filter((b) => b.aor.startsWith('dead-')),
      [],
    );
  });
});

test(
  'a working registrar after the dead ones: the same code path registers (the bound is not a false alarm)',
  { timeout: 20_000 },
  async () => {
    const reg = await make(registrar.wsUrl, 'alive');
    const r = await within(reg.register(), 10_000);
    assert.equal(r.ok, true, String(r.error));
    assert.equal((await registrar.dump()).filter((b) => b.aor === 'alive@example.test').length, 1);
    await reg.unregister();
    assert.deepEqual(
      (await registrar.dump()).filter((b) => b.aor === 'alive@example.test'),
      [],
    );
  },
);
