// soak.mjs — N registrations with short expiries, refreshed continuously against the real
// Kamailio for a while: memory must stay flat and no binding may be lost. Not part of CI:
//   node tests/soak/soak.mjs [--minutes 10] [--n 1000] [--expires 60]
import { parseArgs } from 'node:util';
import { startRegistrar } from '../registrar/registrar.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    n: { type: 'string', default: '1000' },
    expires: { type: 'string', default: '60' },
  },
});
const minutes = Number(values.minutes),
  N = Number(values.n),
  expires = Number(values.expires);
const { RegistrationPool } = await import('../../node/index.mjs');

const registrar = await startRegistrar();
const contacts = async () => Number(/location_contacts = (\d+)/.exec(await registrar.rpc('stats.get_statistics', 'usrloc:'))[1]);
const pool = new RegistrationPool({ server: registrar.wsUrl, flows: 4, rate: 1000 });
let refreshes = 0,
  failures = 0,
  lapses = 0;
for (let i = 0; i < N; i++) {
  const reg = pool.add({ aor: `sip:soak${i}@example.test`, auth: { password: 'secret' }, expires });
  reg.addEventListener('registered', () => {
    refreshes++;
  });
  reg.addEventListener('registrationfailed', () => {
    failures++;
  });
  reg.addEventListener('lapsed', () => {
    lapses++;
  });
}
const t0 = Date.now();
const settled = await pool.registerAll();
const first = settled.filter((r) => r.status === 'fulfilled').length;
console.log(`registered ${first}/${N} in ${Date.now() - t0} ms`);
const samples = [];
const sample = async () => {
  global.gc?.();
  const m = process.memoryUsage();
  const s = {
    minute: ((Date.now() - t0) / 60000).toFixed(1),
    heapMB: (m.heapUsed / 2 ** 20).toFixed(1),
    rssMB: (m.rss / 2 ** 20).toFixed(1),
    refreshes,
    failures,
    lapses,
    held: await contacts(),
    registered: pool.registrations.filter((r) => r.state === 'registered' || r.state === 'refreshing').length,
  };
  samples.push(s);
  console.log(JSON.stringify(s));
};
await sample();
while (Date.now() - t0 < minutes * 60000) {
  await new Promise((r) => setTimeout(r, 30_000));
  await sample();
}
const held = await contacts();
const un = await pool.unregisterAll();
const after = await contacts();
pool.close();
await registrar.stop();
const firstHeap = Number(samples[1]?.heapMB ?? samples[0].heapMB),
  lastHeap = Number(samples.at(-1).heapMB);
const result = {
  minutes,
  n: N,
  expires,
  refreshes,
  failures,
  lapses,
  heldAtEnd: held,
  unregistered: un.filter((r) => r.status === 'fulfilled').length,
  leftAfterUnregister: after,
  heapMBStart: firstHeap,
  heapMBEnd: lastHeap,
  rssMBEnd: Number(samples.at(-1).rssMB),
};
console.log(JSON.stringify(result));
process.exitCode = held === N && after === 0 && lapses === 0 ? 0 : 1;
