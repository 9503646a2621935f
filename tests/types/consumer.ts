// consumer.ts — a program written against the published types, compiled with `tsc --strict` by
// tests/js/types.test.mjs: the types are valid, complete for what an application reads, and
// strict where they should be (each @ts-expect-error line must stay an error).
import {
  createRegistration,
  RegistrationPool,
  RegistrationError,
  SipregError,
  parse,
  uriEqual,
  locate,
  listenMulticast,
  watchNetwork,
  version,
  type Registration,
  type RegistrationOptions,
  type RegistrationInfo,
  type Binding,
  type ParsedMessage,
  type ContactParts,
  type RequestDetail,
} from 'sipreg';
import { parse as parseOnly, uriEqual as uriEqualOnly } from 'sipreg/parse';

const options: RegistrationOptions = {
  server: 'wss://edge.example.com',
  aor: 'sip:alice@example.com',
  auth: { username: 'alice', password: 'secret' },
  expires: 600,
  contacts: [{ q: 0.5, expires: 120 }, { uri: 'sip:a@b.invalid;transport=ws' }],
  policy: { t1Ms: 500, retryBase: 30, probe: 'host', alternates: 1, udpMax: 1300 },
  keepalive: 'auto',
  discovery: 'configured',
  connectTimeout: 10_000,
  extraHeaders: { 'X-A': 'b' },
  allow: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'],
  accept: ['application/sdp'],
};
// @ts-expect-error: expires is a number
const bad1: RegistrationOptions = { aor: 'sip:a@b', expires: '600' };
// @ts-expect-error: an unknown option
const bad2: RegistrationOptions = { aor: 'sip:a@b', expire: 600 };
// @ts-expect-error: the aor is required
const bad3: RegistrationOptions = { server: 'ws://x' };
void bad1;
void bad2;
void bad3;

async function main(): Promise<void> {
  const reg: Registration = await createRegistration(options);
  reg.addEventListener('registered', (e) => {
    const granted: number = e.detail.granted;
    const refresh: number | null = e.detail.at;
    const ours: Binding[] = e.detail.info.bindings.filter((b) => b.ours);
    console.log(
      granted,
      refresh,
      ours.map((b) => [b.uri, b.matchedBy, b.pubGruu]),
    );
  });
  reg.addEventListener('registrationfailed', (e) => console.log(e.detail.status, e.detail.failures, e.detail.cause?.code));
  reg.addEventListener('retry', (e) => console.log(e.detail.delayMs, e.detail.reason));
  reg.addEventListener('expiring', (e) => console.log(e.detail.secondsLeft));
  reg.addEventListener('lapsed', (e) => console.log(e.detail.lateMs));
  reg.addEventListener('bindings', (e) => console.log(e.detail.count));
  reg.addEventListener('nobinding', (e) => console.log(e.detail.missing));
  reg.addEventListener('redirect', (e) => console.log(e.detail.permanent, e.detail.text));
  reg.addEventListener('unregistered', (e) => console.log(e.detail.all));
  reg.addEventListener('message', (e) => console.log(e.detail.direction, e.detail.text.length));
  reg.addEventListener('error', (e) => console.log(e.detail.code, e.detail.message));
  reg.addEventListener('flowdown', (e) => console.log(e.detail.cause.code, e.detail.wasUp));
  reg.addEventListener('flowup', (e) => console.log(e.detail.kind, e.detail.local?.port));
  reg.addEventListener('request', (e) => {
    const d = e.detail;
    const parsed: ParsedMessage = d.message;
    if (d.method === 'INVITE' && d.answer === 480) {
      e.preventDefault();
      const sent: number = d.respond(486, 'Busy Here', { 'Retry-After': 30 });
      console.log(sent, parsed.ok, d.registration?.aor);
    }
  });
  reg.addEventListener('response', (e) => console.log(e.detail.text.length, e.detail.message.ok));
  // @ts-expect-error: respond takes a status number
  reg.addEventListener('request', (e) => e.detail.respond('486'));
  const contact: ContactParts | null = reg.contact;
  const sent: boolean = reg.send('MESSAGE sip:b@c SIP/2.0\r\n\r\n');
  console.log(
    contact?.uri,
    contact?.user,
    contact?.host,
    contact?.port,
    contact?.params,
    contact?.transport,
    contact?.instance,
    sent,
    reg.flowUp,
    reg.requestKeys.length,
  );
  // @ts-expect-error: "registered" has no delayMs
  reg.addEventListener('registered', (e) => console.log(e.detail.delayMs));

  const info: RegistrationInfo = reg.info;
  const keepalive: [boolean, number, string, number | null, number | null] = [
    info.keepalive,
    info.keepaliveS,
    info.liveness,
    info.pingAt,
    info.pongDeadline,
  ];
  // @ts-expect-error: no such field
  console.log(keepalive, info.keepAlive);

  const controller = new AbortController();
  try {
    await reg.register({ signal: controller.signal });
    const bindings: Binding[] = await reg.fetch({ signal: AbortSignal.timeout(5000) });
    await reg.setContacts([{ q: 0.7 }], { signal: controller.signal });
    await reg.whenRegistered({ signal: controller.signal });
    await reg.unregister({ all: true, signal: controller.signal });
    console.log(bindings.length, reg.export().length, reg.memory, reg.callId, reg.state);
  } catch (e) {
    if (e instanceof RegistrationError) console.log(e.status, e.reason, e.op, e.cause?.code, e.info.state);
    if (e instanceof SipregError) console.log(e.code, e.option, e.value, e.problem);
  } finally {
    reg.wake({ network: true });
    reg.close();
  }

  const pool = new RegistrationPool({ server: 'ws://127.0.0.1:8080', flows: 2, rate: 500 });
  pool.add({ aor: 'sip:bob@example.com', auth: { password: 'x' } });
  pool.addEventListener('request', (e) => {
    const d: RequestDetail = e.detail;
    console.log(d.registration === null ? 'for none' : d.registration.aor, d.respond(0));
  });
  pool.addEventListener('response', (e) => console.log(e.detail.registration?.callId));
  await pool.registerAll();
  await pool.unregisterAll({ all: false });
  pool.close();

  const m: ParsedMessage = parse('SIP/2.0 200 OK\r\n\r\n');
  if (m.ok) {
    console.log(
      m.callId,
      m.cseq.seq,
      m.minExpires,
      m.flowTimer,
      m.retryAfter,
      m.dateEpoch,
      m.serviceRoute,
      m.from.tag,
      m.to.display,
      m.contacts.map((c) => [c.regId, c.pubGruu, c.tempGruu, c.params]),
    );
    // @ts-expect-error: the parse view is camelCase
    console.log(m.call_id);
  } else {
    console.log(m.error, m.offset, m.message);
  }
  const same: boolean = uriEqual('sip:a@b', 'sip:a@B') && uriEqualOnly('sip:a@b', 'sip:a@b');
  console.log(same, parseOnly('x').ok, version);

  const targets = await locate('sip:example.com', { dns: ['127.0.0.1:53'] });
  console.log(targets.map((t) => `${t.transport}:${t.address}:${t.port} (${t.source})`));
  const listener = await listenMulticast({ port: 5060 });
  console.log(
    listener.bindings().map((b) => b.aor),
    listener.stats.registers,
  );
  listener.close();
  const stop = watchNetwork(reg, { intervalMs: 1000 });
  stop();
}
void main;
