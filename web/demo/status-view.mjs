// status-view.mjs — the state badge, a one-sentence summary and the registration's facts
// (next refresh, expiry, clock skew, connection, Call ID, requests sent).
import { byId, el, clock, countdownTo } from './dom.mjs';
import { failureWords } from './words.mjs';

/**
 * @typedef {object} StatusContext
 * @property {string} aor
 * @property {any} lastFailure the last "registrationfailed" detail, or null
 * @property {boolean} held the core's state says this page's binding is in place: when not, the
 *   expiry is the last one known and counts down no more
 */

/** @param {number|null} at @returns {(Node|string)[]} "14:03:07 in 4:12", or "—" */
const timeWithCountdown = (at) => (at === null ? ['—'] : [clock(at), ' ', countdownTo(at)]);

/** @param {number} ms @returns {string} "+1.2 s" */
const seconds = (ms) => `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(1)} s`;

/**
 * The summary sentence for a state.
 * @param {any} info registration info, or null before the first registration
 * @param {StatusContext} ctx
 * @returns {(Node|string)[]}
 */
function summary(info, ctx) {
  const why = ctx.lastFailure ? `${failureWords(ctx.lastFailure)} ` : '';
  switch (info?.state) {
    case undefined:
      return ['Fill in the account and press Register.'];
    case 'idle':
      return ['Not registered.'];
    case 'registering':
      return [ctx.lastFailure ? 'Trying again…' : 'Registering…'];
    case 'registered':
      return [`Registered as ${ctx.aor}: calls to it can reach this page.`];
    case 'refreshing':
      return ['Refreshing the registration…'];
    case 'unregistering':
      return ['Unregistering…'];
    case 'backoff':
      return [
        `Not registered. ${why}Next try `,
        info.retryAt === null ? 'soon' : countdownTo(info.retryAt),
        ' — or press Refresh now to try at once.',
      ];
    case 'failed':
      return [`Stopped. ${why}Correct the account and press Register.`];
    default:
      return [info.state];
  }
}

/**
 * Show the registration's state.
 * @param {any} info registration info, or null before the first registration
 * @param {StatusContext} ctx
 */
export function renderStatus(info, ctx) {
  const badge = byId('state');
  badge.dataset.state = info?.state ?? 'none';
  badge.textContent = info?.state ?? 'not started';
  byId('summary').replaceChildren(...summary(info, ctx));
  const retrying = info?.state === 'backoff';
  byId('refresh-label').textContent = retrying ? 'Next try' : 'Next refresh';
  byId('refresh-at').replaceChildren(...timeWithCountdown((retrying ? info.retryAt : info?.refreshAt) ?? null));
  const expiresAt = info?.expiresAt ?? null;
  byId('expires-at').replaceChildren(
    ...(expiresAt === null || ctx.held
      ? timeWithCountdown(expiresAt)
      : [clock(expiresAt), ' ', el('span', { className: 'sub' }, '(last known)')]),
  );
  byId('skew').replaceChildren(
    info?.clockSkewMs === null || info?.clockSkewMs === undefined
      ? el('span', { title: 'The registrar sent no date with its answer, so the clocks cannot be compared.' }, 'unknown')
      : `${seconds(info.clockSkewMs)} ± ${(info.skewErrorMs / 1000).toFixed(1)} s (registrar minus this computer)`,
  );
  byId('flow').replaceChildren(info?.flowUp ? el('span', { className: 'up' }, 'open') : 'closed');
  byId('call-id').textContent = info?.callId ?? '—';
  byId('cseq').textContent = String(info?.cseq ?? 0);
}
