// netns.mjs — for the scripts that run INSIDE the multicast tests' own network namespace
// (started as `unshare -n -- node <script>` by tests/js/multicast.test.mjs): refuse to run where
// any link but `lo` exists (so no multicast can leave the machine), then bring `lo` up with
// multicast and a route for 224.0.0.0/4 on it.
import { execFileSync } from 'node:child_process';
import { onlyLoopback } from '../../registrar/registrar.mjs';

/** sip.mcast.net (RFC 3261 §10.2.6) */
export const GROUP = '224.0.1.75';
/** lo's address: every socket of the scenario uses it */
export const HOST = '127.0.0.1';

/** Check that this is a namespace with only `lo`, and make multicast work on it (exits 2 if not). */
export function enterTestNamespace() {
  if (!onlyLoopback()) {
    console.error('refusing: this network namespace has links other than lo (run under unshare -n)');
    process.exit(2);
  }
  const ip = (...a) => execFileSync('ip', a);
  ip('link', 'set', 'lo', 'up');
  ip('link', 'set', 'lo', 'multicast', 'on');
  ip('route', 'add', '224.0.0.0/4', 'dev', 'lo');
}

/**
 * Poll until `cond` holds.
 * @param {() => boolean} cond @param {number} ms @param {string} what
 */
export async function until(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
