// pool-routing.test.mjs — a pool's request routing when its members' keys change: the routing
// keys a grant brings (a temp-gruu) are mapped after it (lazily, before the next request is
// routed), an AOR that several members share routes to the first one added and, once that one
// closes, to the next one whose keys are remapped (its next grant), and a closed member's keys
// reach nobody. Against a fake WebSocket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, FakeSocket, answer, sleep, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

/** A request from a peer to `ruri`, as a proxy relays it over the flow. */
function request(ruri, branch) {
  return (
    `OPTIONS ${ruri} SIP/2.0\r\nVia: SIP/2.0/WSS proxy.example.test;branch=${branch}\r\n` +
    'Max-Forwards: 69\r\nFrom: <sip:bob@example.test>;tag=bob1\r\n' +
    `To: <${ruri}>\r\nCall-ID: peer-${branch}\r\nCSeq: 4 OPTIONS\r\nContent-Length: 0\r\n\r\n`
  );
}

/** The Contact URI of a REGISTER. @param {string} text */
const contactOf = (text) => /^Contact: <([^>]+)>/m.exec(text)?.[1] ?? '';

test('a pool remaps keys a grant brings (a temp-gruu); a shared AOR goes to the first member, then to the next once it closes', async () => {
  const pool = new sipreg.RegistrationPool({ server: 'ws://registrar.invalid', WebSocket: FakeSocket, rate: 5000 });
  try {
    const aor = 'sip:shared@example.test';
    const [a, b] = [pool.add({ aor }), pool.add({ aor })];
    const c = pool.add({ aor: 'sip:carol@example.test' });
    const all = pool.registerAll();
    let sock = null;
    for (let i = 0; i < 200 && !(sock = FakeSocket.last)?.sent.length; i++) await sleep(5);
    for (let i = 0; i < 200 && sock.sent.length < 3; i++) await sleep(5);
    assert.equal(sock.sent.length, 3, 'three REGISTERs');
    // each grant brings a temporary GRUU (RFC 5627 §5.1): a routing key the member did not have
    sock.sent.slice(0, 3).forEach((text, k) => {
      const gruu = `temp-gruu="sip:tgruu${k}@example.test;gr"`;
      sock.deliver(answer(text, '200 OK', `Contact: <${contactOf(text)}>;expires=600;${gruu}\r\n`));
    });
    const results = await all;
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled'],
    );

    const seen = [];
    pool.addEventListener('request', (e) => seen.push(e.detail.registration));
    pool.addEventListener('unrouted', () => seen.push('unrouted'));
    const deliver = async (ruri, branch) => {
      const n = seen.length;
      sock.deliver(request(ruri, branch));
      for (let i = 0; i < 100 && seen.length === n; i++) await sleep(2);
      assert.equal(seen.length, n + 1, `one outcome for ${ruri}`);
      return seen[n];
    };
    const gruus = [a, b, c].map((reg) => {
      const sent = sock.sent.slice(0, 3).find((t) => contactOf(t) === reg.contact.uri);
      return `sip:tgruu${sock.sent.indexOf(sent)}@example.test;gr`;
    });
    for (const [k, reg] of [a, b, c].entries()) {
      assert.equal(await deliver(reg.contact.uri, `z9hG4bKc${k}`), reg, `its contact reaches member ${k}`);
      assert.equal(await deliver(gruus[k], `z9hG4bKg${k}`), reg, `its temp-gruu reaches member ${k}`);
    }
    assert.equal(await deliver(aor, 'z9hG4bKa1'), a, 'the shared AOR: the first member added');
    const gone = [a.contact.uri, gruus[0]];
    a.close();
    // the AOR is free now: the next member to remap its keys (its next grant) claims it
    assert.equal(await deliver(aor, 'z9hG4bKa2'), 'unrouted', 'nobody claimed the AOR yet');
    const n = sock.sent.length;
    const again = b.register();
    for (let i = 0; i < 200 && sock.sent.length === n; i++) await sleep(2);
    const refresh = sock.sent[n];
    sock.deliver(answer(refresh, '200 OK', `Contact: <${contactOf(refresh)}>;expires=600\r\n`));
    await again;
    assert.equal(await deliver(aor, 'z9hG4bKa3'), b, 'after its next grant: the next member');
    // a's keys are nobody's now (a was the flow's keeper: no member answers, 'unrouted')
    assert.equal(await deliver(gone[0], 'z9hG4bKx1'), 'unrouted');
    assert.equal(await deliver(gone[1], 'z9hG4bKx2'), 'unrouted');
    assert.equal(await deliver(gruus[2], 'z9hG4bKg9'), c, 'the others keep theirs');
  } finally {
    pool.close();
  }
});
