// single.mjs — a registration with a WebSocket flow and a timer of its own.
import { Registration } from './registration.mjs';
import { WebSocketFlow } from './websocket-flow.mjs';

/** Longest single setTimeout we arm; later deadlines are reached by re-arming (wake is idempotent). */
const MAX_TIMER_MS = 3600_000;

/**
 * Create a registration that owns its flow (options.server) and its timer.
 * @param {import('./core.mjs').Core} core
 * @param {object} options createRegistration options (server, aor, auth, contacts, ...)
 * @param {{ WebSocket: typeof WebSocket, now?: () => number, wall?: () => number }} env
 * @returns {Registration}
 */
export function createSingle(core, options, env) {
  if (!options?.server) throw new TypeError('sipreg: options.server (ws:// or wss:// URL) is required');
  const flow = new WebSocketFlow(options.server, { WebSocket: env.WebSocket });
  const now = env.now ?? (() => performance.now());
  const wall = env.wall ?? (() => Date.now());
  let timer = null;
  const host = {
    kind: flow.kind,
    get flowUp() { return flow.up; },
    send: (text) => flow.send(text),
    connect: () => flow.connect(),
    fail: () => flow.fail(),
    now,
    wall,
    arm(reg, deadline) {
      if (timer) clearTimeout(timer);
      timer = null;
      if (deadline < 0) return;
      const delay = Math.min(Math.max(0, Math.ceil(deadline - now())), MAX_TIMER_MS);
      timer = setTimeout(() => { timer = null; reg.wake(); }, delay);
    },
  };
  const reg = new Registration(core, options, host);
  flow.addEventListener('up', () => reg.transport(true));
  flow.addEventListener('down', (e) => {
    reg.dispatchEvent(new CustomEvent('flowdown', { detail: e.detail }));
    reg.transport(false);
  });
  flow.ontext = (text) => reg.receive(text);
  flow.addEventListener('error', (e) => reg.dispatchEvent(new CustomEvent('error', { detail: e.detail })));
  const close = reg.close.bind(reg);
  reg.close = () => { close(); flow.close(); };
  reg.flow = flow;
  return reg;
}
