// Process-tree helpers (Linux /proc) for the Kamailio main process and the workers it forks.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Parent PID of a process, or null if it is gone.
 * @param {number} pid
 * @returns {number | null}
 */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..." - comm may contain spaces/parens: parse after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

/**
 * All live descendants of `root` (children, grandchildren, ...), not including root.
 * @param {number} root
 * @returns {number[]}
 */
export function descendants(root) {
  /** @type {Map<number, number[]>} */
  const kids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === null) continue;
    const list = kids.get(ppid) ?? [];
    list.push(Number(name));
    kids.set(ppid, list);
  }
  const out = [];
  const todo = [root];
  while (todo.length > 0) {
    for (const k of kids.get(/** @type {number} */ (todo.pop())) ?? []) {
      out.push(k);
      todo.push(k);
    }
  }
  return out;
}

/**
 * True if `pid` is alive (not a zombie) and its command line contains `marker`
 * (guards against signalling a recycled PID).
 * @param {number} pid
 * @param {string} marker
 */
export function isOurs(pid, marker) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/**
 * Send `signal` to every PID in `pids` that is still ours; errors (already gone) ignored.
 * @param {number[]} pids
 * @param {NodeJS.Signals} signal
 * @param {string} marker
 * @returns {number} how many were signalled
 */
export function signalAll(pids, signal, marker) {
  let n = 0;
  for (const pid of pids) {
    if (!isOurs(pid, marker)) continue;
    try {
      process.kill(pid, signal);
      n++;
    } catch {
      // exited in between
    }
  }
  return n;
}

/**
 * Wait until none of `pids` is ours any more, or the deadline passes.
 * @param {number[]} pids
 * @param {string} marker
 * @param {number} timeoutMs
 * @returns {Promise<number[]>} the PIDs still alive at the end
 */
export async function waitGone(pids, marker, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((p) => isOurs(p, marker));
    if (alive.length === 0 || Date.now() >= end) return alive;
    await new Promise((r) => setTimeout(r, 20));
  }
}
