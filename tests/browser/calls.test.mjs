// calls.test.mjs — calls ride the registered flow (issue 13 item 3), in Debian's Chromium with
// fake media devices, through the real Kamailio (tests/registrar/kamailio.cfg relays requests to
// registered users: lookup + record_route + t_relay, WS contacts aliased). Four scenarios, one
// page pair each: page A is plain JsSIP / plain SIP.js (each stack registering itself: proves the
// relay), then JsSIP on the sipreg/jssip adapter / SIP.js on the sipreg/sipjs transport, registered
// by sipreg; page B is always the plain stack. In each: B calls A's AOR, A answers, the call is
// confirmed and ICE connects over loopback, B hangs up; again with A hanging up; A calls B. With A
// on sipreg also: B cancels a ringing call (the CANCEL reaches A's stack), and once A's stack
// stopped, B's call gets the core's 480. Asserted on the wire of both pages (every WebSocket frame,
// tests/browser/calls/wire.js): INVITE → 200 → ACK → BYE → 200, the INVITE at the contact the
// registrar holds, the dialog's requests following the Record-Route to the aliased Contacts; on
// sipreg, a request/response event for each message that reached the flow; then the registrar's
// own table (kamcmd ul.dump). The call set-up time (INVITE sent by the caller → confirmed on
// both sides: ACK sent by the caller and received by the callee) is printed for every call, and
// B → A's in a summary at the end. JsSIP and SIP.js are bundled from node_modules with esbuild at
// test time into tests/browser/artifacts/calls/ (untracked); the server serves the repository.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { startRegistrar } from '../registrar/registrar.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { ROOT, need } from '../js/helpers.mjs';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS } from './rig.mjs';

const LIBS = `${ARTIFACTS}calls/`;
const PHONE = '/tests/browser/calls/phone.html';
const WIRE = fileURLToPath(new URL('./calls/wire.js', import.meta.url));
const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'];
const DOMAIN = 'example.test';

/** @type {{ registrar?: any, server?: any, browser?: import('playwright-core').Browser }} */
const rig = {};

/** JsSIP and SIP.js from node_modules, bundled for the pages (untracked, under artifacts/). */
async function bundleLibs() {
  mkdirSync(LIBS, { recursive: true });
  const entries = {
    'jssip.mjs': "import JsSIP from 'jssip'; export default JsSIP;",
    'sipjs.mjs': "export * from 'sip.js';",
  };
  await Promise.all(
    Object.entries(entries).map(([file, contents]) =>
      build({
        stdin: { contents, resolveDir: ROOT, sourcefile: `entry-${file}` },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        outfile: `${LIBS}${file}`,
        logLevel: 'silent',
      }),
    ),
  );
}

before(async () => {
  need(CHROMIUM, 'Chromium (Debian package "chromium", installed by scripts/setup.sh)');
  need(`${ROOT}web/sipreg-web.wasm`, 'the web package (wasm build)');
  await bundleLibs();
  const started = await Promise.allSettled([
    startRegistrar().then((r) => {
      rig.registrar = r;
    }),
    startStaticServer(ROOT).then((s) => {
      rig.server = s;
    }),
    chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] }).then((b) => {
      rig.browser = b;
    }),
  ]);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
});
after(async () => {
  await rig.browser?.close();
  await rig.server?.close();
  await rig.registrar?.stop();
});

/** @param {string} user the registrar's bindings of sip:user@example.test */
async function held(user) {
  return (await rig.registrar.dump()).filter((b) => b.aor === `${user}@${DOMAIN}`);
}

/**
 * A phone page: `lib` 'jssip' | 'sipjs', `engine` 'plain' | 'sipreg', registered as `user`.
 * Problems (page errors, console errors) are collected.
 */
async function openPhone(lib, engine, user) {
  const context = await rig.browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.addInitScript({ path: WIRE });
  await page.goto(`${rig.server.url}${PHONE}`);
  const options = { ws: rig.registrar.wsUrl, aor: `sip:${user}@${DOMAIN}`, password: 'secret', engine };
  await page.evaluate(
    async ({ lib, options }) => {
      const { startPhone } = await import(`./phone-${lib}.mjs`);
      window.phone = await startPhone(options);
    },
    { lib, options },
  );
  return { page, context, problems, user, engine };
}

/** @param {string} text a SIP message @returns {string} 'INVITE' for a request, '200 INVITE' for a response */
function labelOf(text) {
  const status = /^SIP\/2\.0 (\d{3})/.exec(text)?.[1];
  return status ? `${status} ${headerOf(text, 'CSeq').split(/\s+/)[1]}` : text.split(' ')[0];
}

/**
 * The SIP messages of one call on a page's wire, in order, labelled 'out INVITE', 'in 200 INVITE',
 * …, with the times and texts; provisional responses left out unless asked for.
 * @param {import('playwright-core').Page} page @param {string} callId
 * @param {{ provisional?: boolean }} [options]
 */
async function callOnWire(page, callId, { provisional = false } = {}) {
  const wire = await page.evaluate(() => window.__wire);
  return wire
    .filter((w) => headerOf(w.text, 'Call-ID') === callId)
    .map((w) => ({ ...w, label: `${w.dir} ${labelOf(w.text)}` }))
    .filter((w) => provisional || !/^\S+ 1\d\d /.test(w.label));
}

/**
 * The call's messages on B's and A's wires (callOnWire), once each has at least `n` of them (or
 * after 5 s: the assertions that follow say what is missing).
 */
async function bothWires(A, B, callId, n) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const wires = [await callOnWire(B.page, callId), await callOnWire(A.page, callId)];
    if (wires.every((w) => w.length >= n) || Date.now() > deadline) return wires;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** @param {import('playwright-core').Page} page @param {number} from @returns {Promise<string>} the Call-ID of the first INVITE the page sent after wire entry `from` */
async function inviteSince(page, from) {
  const invite = (await page.evaluate(() => window.__wire)).slice(from).find((w) => w.dir === 'out' && w.text.startsWith('INVITE '));
  assert.ok(invite, 'an INVITE was sent');
  return headerOf(invite.text, 'Call-ID');
}

/** @param {string} text @param {string} name @returns {string} the first header of that name ('' when none) */
function headerOf(text, name) {
  const head = text.split('\r\n\r\n')[0].split('\r\n').slice(1);
  const line = head.find((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name.toLowerCase());
  return line ? line.slice(line.indexOf(':') + 1).trim() : '';
}

/** @param {string} text the Request-URI of a request */
const requestUri = (text) => text.split('\r\n')[0].split(' ')[1];

/** ms, one decimal */
const ms = (x) => Math.round(x * 10) / 10;

/** @param {string} header a Contact header's value @returns {string | undefined} its URI */
const uriOf = (header) => /<([^>]+)>/.exec(header)?.[1];

/** @type {{ scenario: string, setups: number[] }[]} every scenario's set-up times, printed at the end */
const measured = [];
after(() => {
  for (const { scenario, setups } of measured) {
    console.log(`call set-up, ${scenario}: ${setups.map((x) => `${x} ms`).join(', ')} (INVITE sent → confirmed on both sides)`);
  }
});

/**
 * On a phone whose stack rides sipreg: every request and response of the call that arrived on
 * its wire reached the registration as a `request` / `response` event, in order (1xx included);
 * nothing of it was left to the core's table when the stack took it.
 * @param {any} phone @param {string} callId
 */
async function flowSawTheCall(phone, callId) {
  if (phone.engine !== 'sipreg') return;
  const wire = (await callOnWire(phone.page, callId, { provisional: true })).filter((w) => w.dir === 'in');
  assert.ok(wire.length > 0, `${phone.name}: the call on its wire`);
  const events = (await phone.page.evaluate(() => window.phone.events)).filter(
    (e) => (e.what === 'request' || e.what === 'response') && headerOf(e.text, 'Call-ID') === callId,
  );
  assert.deepEqual(
    events.map((e) => `in ${labelOf(e.text)}`),
    wire.map((w) => w.label),
    `${phone.name}'s registration: a request/response event for each message of the call on its flow`,
  );
}

/**
 * One call: `caller` calls `callee`, the callee answers, the call is confirmed on both sides and
 * its media path (ICE over loopback) is up, then `hangup` hangs up. Asserts both wires; returns
 * the times (ms after the caller sent the INVITE; `dial`, negative: when the caller's app called
 * call()).
 * @param {{ caller: any, callee: any, calleeBinding: any, hangup: 'caller' | 'callee' }} call
 */
async function oneCall({ caller, callee, calleeBinding, hangup }) {
  const [eeFrom, erFrom, erWireFrom] = await Promise.all([
    callee.page.evaluate(() => window.phone.events.length),
    caller.page.evaluate(() => window.phone.events.length),
    caller.page.evaluate(() => window.__wire.length),
  ]);
  await caller.page.evaluate((target) => window.phone.call(target), `sip:${callee.user}@${DOMAIN}`);
  const since = (re, from) => (page) =>
    page.waitForFunction(
      ({ re, from }) => window.phone.events.slice(from).some((e) => new RegExp(re).test(e.what)),
      { re, from },
      { timeout: 5000 },
    );
  await since('^confirmed$', eeFrom)(callee.page);
  // the media path: ICE between the two pages over loopback, seen by both
  await Promise.all([since('^ice-(connected|completed)$', eeFrom)(callee.page), since('^ice-(connected|completed)$', erFrom)(caller.page)]);
  const [ender, other] = hangup === 'caller' ? [caller, callee] : [callee, caller];
  await ender.page.evaluate(() => window.phone.hangup());
  await other.page.evaluate(() => window.phone.ended());

  const callId = await inviteSince(caller.page, erWireFrom);
  // a stack may call the session ended once its BYE is out: wait for the BYE's 200 on both wires
  const [onEr, onEe] = await bothWires(callee, caller, callId, 5);
  const byeOn = (side) => (side === hangup ? ['out BYE', 'in 200 BYE'] : ['in BYE', 'out 200 BYE']);
  assert.deepEqual(
    onEr.map((w) => w.label),
    ['out INVITE', 'in 200 INVITE', 'out ACK', ...byeOn('caller')],
  );
  assert.deepEqual(
    onEe.map((w) => w.label),
    ['in INVITE', 'out 200 INVITE', 'in ACK', ...byeOn('callee')],
  );
  const [inviteEe, okEe, ackEe, byeEe] = onEe;
  const [inviteEr, okEr, ackEr, byeEr] = onEr;

  // the INVITE reached the callee at the contact the registrar holds, record-routed
  assert.equal(requestUri(inviteEe.text), calleeBinding.contact, 'lookup("location") put the registered contact in the R-URI');
  const rr = headerOf(inviteEe.text, 'Record-Route');
  assert.match(rr, /;lr/, 'record-routed');
  // the caller saw the callee's Contact aliased to the callee's connection (add_contact_alias in
  // onreply_route) and the Record-Route; its ACK (and BYE) follow it (Route) and reach the
  // callee at the Contact of its 200, without the alias (handle_ruri_alias)
  assert.match(headerOf(okEr.text, 'Contact'), /;alias=127\.0\.0\.1~\d+~\d/, "the callee's Contact as the caller sees it: aliased");
  assert.equal(headerOf(okEr.text, 'Record-Route'), rr, 'the 200 carries the Record-Route');
  for (const [sent, got] of hangup === 'caller'
    ? [
        [ackEr, ackEe],
        [byeEr, byeEe],
      ]
    : [[ackEr, ackEe]]) {
    assert.equal(headerOf(sent.text, 'Route'), rr, `${sent.label}: Route = the Record-Route`);
    assert.equal(requestUri(got.text), uriOf(headerOf(okEe.text, 'Contact')), `${got.label}: R-URI = the callee's Contact`);
  }
  if (hangup === 'callee') {
    // the callee's BYE goes back through the registrar to the caller's Contact as the callee saw
    // it (aliased to the caller's connection in the INVITE), and reaches the caller at its own
    assert.equal(headerOf(byeEe.text, 'Route'), rr, "the callee's BYE: Route = the Record-Route");
    const callerContact = uriOf(headerOf(inviteEe.text, 'Contact'));
    assert.match(callerContact ?? '', /;alias=127\.0\.0\.1~\d+~\d/, "the caller's Contact as the callee sees it: aliased");
    assert.equal(requestUri(byeEe.text), callerContact);
    assert.equal(requestUri(byeEr.text), uriOf(headerOf(inviteEr.text, 'Contact')), 'BYE at the caller: R-URI = its Contact');
  }
  await flowSawTheCall(caller, callId);
  await flowSawTheCall(callee, callId);
  const t0 = inviteEr.at;
  const at = (w) => ms(w.at - t0);
  const dial = (await caller.page.evaluate(() => window.phone.events)).slice(erFrom).find((e) => e.what === 'dial');
  return {
    setup: ms(Math.max(ackEr.at, ackEe.at) - t0),
    // before the INVITE: the caller's getUserMedia, offer and ICE gathering
    dial: at(dial),
    inviteAtCallee: at(inviteEe),
    okSentByCallee: at(okEe),
    okAtCaller: at(okEr),
    ackSentByCaller: at(ackEr),
    ackAtCallee: at(ackEe),
  };
}

/**
 * A on sipreg lets the call ring (180), B hangs up before the answer: the CANCEL goes through the
 * registrar (t_relay of the CANCEL matches the INVITE's transaction) to A's flow and reaches A's
 * stack (not the core, whose table would answer 481): 200 to the CANCEL, 487 to the INVITE
 * (RFC 3261 §9.2), each ACKed hop by hop.
 */
async function cancelledCall({ A, B }) {
  const bWireFrom = await B.page.evaluate(() => window.__wire.length);
  await A.page.evaluate(() => window.phone.answer(false));
  await B.page.evaluate((target) => {
    window.__pending = window.phone.call(target).then(
      () => 'answered',
      (e) => e.message,
    );
  }, `sip:${A.user}@${DOMAIN}`);
  await B.page.waitForFunction(
    (from) => window.__wire.slice(from).some((w) => w.dir === 'in' && w.text.startsWith('SIP/2.0 180 ')),
    bWireFrom,
    { timeout: 5000 },
  );
  await B.page.evaluate(() => window.phone.hangup());
  assert.notEqual(await B.page.evaluate(() => window.__pending), 'answered');
  await A.page.evaluate(() => window.phone.ended());
  await A.page.evaluate(() => window.phone.answer(true));
  const callId = await inviteSince(B.page, bWireFrom);
  const [onB, onA] = await bothWires(A, B, callId, 5);
  // the 200 to the CANCEL and the 487 may come in either order: compared as sets
  const labels = (wire) => wire.map((w) => w.label).sort();
  assert.deepEqual(labels(onB), ['in 200 CANCEL', 'in 487 INVITE', 'out ACK', 'out CANCEL', 'out INVITE']);
  assert.deepEqual(labels(onA), ['in ACK', 'in CANCEL', 'in INVITE', 'out 200 CANCEL', 'out 487 INVITE']);
  const inviteA = onA.find((w) => w.label === 'in INVITE');
  const cancelA = onA.find((w) => w.label === 'in CANCEL');
  assert.equal(requestUri(cancelA.text), requestUri(inviteA.text), "CANCEL: the INVITE's Request-URI (§9.1)");
  assert.equal(headerOf(cancelA.text, 'Via'), headerOf(inviteA.text, 'Via'), "CANCEL: the INVITE's top Via (§9.1)");
  await flowSawTheCall(A, callId);
}

/**
 * A on sipreg whose stack stopped (ua.stop(): the adapter gives the flow's requests back to the
 * core): B's call reaches A's registration, nobody takes it, the core answers by its table, 480
 * (RFC 3261 §21.4.18), and the ACK (Kamailio's, hop by hop for a non-2xx) gets nothing.
 */
async function callTheCore({ A, B }) {
  const [aFrom, bWireFrom] = await Promise.all([
    A.page.evaluate(() => window.phone.events.length),
    B.page.evaluate(() => window.__wire.length),
  ]);
  await A.page.evaluate(() => window.phone.stopStack());
  const outcome = await B.page.evaluate(
    (target) =>
      window.phone.call(target).then(
        () => 'answered',
        (e) => e.message,
      ),
    `sip:${A.user}@${DOMAIN}`,
  );
  assert.notEqual(outcome, 'answered');
  await A.page.waitForFunction((from) => window.phone.events.slice(from).filter((e) => e.what === 'request').length >= 2, aFrom, {
    timeout: 5000,
  });
  const [onB, onA] = await bothWires(A, B, await inviteSince(B.page, bWireFrom), 3);
  assert.deepEqual(
    onB.map((w) => w.label),
    ['out INVITE', 'in 480 INVITE', 'out ACK'],
  );
  assert.deepEqual(
    onA.map((w) => w.label),
    ['in INVITE', 'out 480 INVITE', 'in ACK'],
  );
  const requests = (await A.page.evaluate(() => window.phone.events)).slice(aFrom).filter((e) => e.what === 'request');
  assert.deepEqual(
    requests.map((e) => [e.method, e.answer]),
    [
      ['INVITE', 480],
      ['ACK', 0],
    ],
    "the core's table",
  );
}

/**
 * A (`aEngine`) and B (plain), both `lib`, registered; the calls of `plan` one after the other
 * (who calls, who hangs up); with A on sipreg also a call B cancels and one that reaches the core
 * once A's stack stopped. Ends with the registrar's table: during the calls A's binding is the one
 * that took them, at the end both are unregistered.
 * @param {{ lib: 'jssip' | 'sipjs', aEngine: 'plain' | 'sipreg', a: string, b: string,
 *   plan: { from: 'A' | 'B', hangup: 'caller' | 'callee' }[] }} s
 */
async function calls({ lib, aEngine, a, b, plan }) {
  const A = { ...(await openPhone(lib, aEngine, a)), name: 'A' };
  const B = { ...(await openPhone(lib, 'plain', b)), name: 'B' };
  const setups = [];
  try {
    const [bindingsA, bindingsB] = [await held(a), await held(b)];
    assert.equal(bindingsA.length, 1, `${a}: one binding`);
    assert.equal(bindingsB.length, 1, `${b}: one binding`);
    const [heldA] = bindingsA;
    if (aEngine === 'sipreg') {
      assert.equal(heldA.contact, await A.page.evaluate(() => window.phone.contact), "A's binding is sipreg's contact");
    }
    for (const { from, hangup } of plan) {
      const [caller, callee, calleeBinding] = from === 'B' ? [B, A, heldA] : [A, B, bindingsB[0]];
      const times = await oneCall({ caller, callee, calleeBinding, hangup });
      console.log(`call ${lib} (A on ${aEngine}), ${caller.name} calls ${callee.name}, the ${hangup} hangs up: ${JSON.stringify(times)}`);
      if (from === 'B') setups.push(times.setup);
    }
    if (aEngine === 'sipreg') {
      await cancelledCall({ A, B });
      await callTheCore({ A, B });
    }
    const after = await held(a);
    assert.deepEqual(
      after.map((x) => x.contact),
      [heldA.contact],
      "A's binding is still the one that took the calls",
    );
    assert.deepEqual([...A.problems, ...B.problems], []);
  } finally {
    for (const p of [A, B]) {
      await p.page.evaluate(() => window.phone.stop()).catch(() => {});
      await p.page.screenshot({ path: `${ARTIFACTS}calls-${p.user}.png` }).catch(() => {});
      await p.context.close();
    }
  }
  measured.push({ scenario: `${lib}, A on ${aEngine}`, setups });
  assert.deepEqual([...(await held(a)), ...(await held(b))], [], 'both unregistered at the end');
}

/** B calls A twice (B hangs up, then A); A calls B once (A hangs up) */
const PLAN = [
  { from: 'B', hangup: 'caller' },
  { from: 'B', hangup: 'callee' },
  { from: 'A', hangup: 'caller' },
];

describe('calls through Kamailio in Chromium', () => {
  it(
    'plain JsSIP ↔ plain JsSIP: INVITE → 200 → ACK → BYE relayed to the registered contact, either side hangs up, either side calls',
    { timeout: 30_000 },
    async () => {
      await calls({ lib: 'jssip', aEngine: 'plain', a: 'jsa', b: 'jsb', plan: PLAN });
    },
  );
  it('plain SIP.js ↔ plain SIP.js: the same', { timeout: 30_000 }, async () => {
    await calls({ lib: 'sipjs', aEngine: 'plain', a: 'sja', b: 'sjb', plan: PLAN });
  });
  it(
    'plain JsSIP ↔ JsSIP on sipreg (sipreg/jssip, registered by sipreg): calls ride the registered flow, a CANCEL reaches the stack, the core answers 480 once it stopped',
    { timeout: 30_000 },
    async () => {
      await calls({ lib: 'jssip', aEngine: 'sipreg', a: 'rja', b: 'rjb', plan: PLAN });
    },
  );
  it('plain SIP.js ↔ SIP.js on sipreg (sipreg/sipjs, no Registerer): the same', { timeout: 30_000 }, async () => {
    await calls({ lib: 'sipjs', aEngine: 'sipreg', a: 'rsa', b: 'rsb', plan: PLAN });
  });
});
