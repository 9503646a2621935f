// stun-kit.mjs — what the Kamailio keep-alive tests (kamailio-stun, kamailio-nostun) share: an
// outbound registration over UDP through a relay of the test's own, and a bounded wait.
import assert from 'node:assert/strict';
import { ROOT, need } from './helpers.mjs';

const sipreg = await import(need(`${ROOT}node/index.mjs`, 'node package'));

/**
 * Wait until cond() holds (at most ms), naming what it waited for.
 * @param {() => unknown} cond may return a promise @param {number} ms @param {string} what
 */
export async function until(cond, ms, what) {
  for (const t0 = Date.now(); !(await cond());) {
    if (Date.now() - t0 > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A registration of sip:<user>@example.test through the relay on `port` (closed through `open`),
 * its "flowfailed", "error" and "liveness" details collected from the start, registered: the outbound 2xx promises STUN
 * keep-alives every Flow-Timer s (RFC 5626 §4.4.2).
 * @param {number} port @param {string} user @param {{ t1Ms: number, flowTimer: number, open: Function[] }} o
 */
export async function registerThrough(port, user, { t1Ms, flowTimer, open }) {
  const reg = await sipreg.createRegistration({
    server: `sip:127.0.0.1:${port}`,
    registrar: 'sip:127.0.0.1',
    aor: `sip:${user}@example.test`,
    auth: { password: 'secret' },
    policy: { t1Ms },
  });
  open.push(() => reg.close());
  const failed = [];
  const errors = [];
  const liveness = [];
  reg.addEventListener('flowfailed', (e) => failed.push(e.detail));
  reg.addEventListener('error', (e) => errors.push(e.detail));
  reg.addEventListener('liveness', (e) => liveness.push(e.detail));
  const d = await reg.register();
  assert.equal(d.info.liveness, 'stun');
  assert.equal(d.info.keepaliveS, flowTimer);
  return { reg, failed, errors, liveness };
}

/**
 * Kamailio's own bindings of sip:<user>@example.test that are held (expires > 0), by `ul.dump`.
 * @param {{ dump: () => Promise<any[]> }} registrar @param {string} user
 */
export async function held(registrar, user) {
  return (await registrar.dump()).filter((b) => b.aor === `${user}@example.test` && typeof b.expires === 'number' && b.expires > 0);
}
