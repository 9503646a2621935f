// dom.mjs — tiny DOM and time-formatting helpers for the demo page.

/** @param {string} id @returns {HTMLElement} */
export const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, unknown>} [props] className, title, dataset ({...}), other attributes
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const two = (n) => String(n).padStart(2, '0');

/**
 * Local wall-clock time of a Unix-ms instant.
 * @param {number} ms
 * @param {boolean} [millis] append .mmm
 * @returns {string} "14:03:07" or "14:03:07.042"
 */
export function clock(ms, millis = false) {
  const d = new Date(ms);
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return millis ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms;
}

/**
 * A remaining time for a countdown, rounded up to the second.
 * @param {number} ms (negative counts as 0)
 * @returns {string} "0:42", "9:58", "1:02:03"
 */
export function countdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** @param {number} n @param {string} word @returns {string} "1 binding", "2 bindings" */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A live "in 0:42" chip counting down to `at`, kept current by tickCountdowns().
 * @param {number} at Unix ms
 * @returns {HTMLElement}
 */
export const countdownTo = (at) =>
  el('span', { className: 'countdown', dataset: { until: String(at) } }, `in ${countdown(at - Date.now())}`);

/**
 * Update every live countdown under `root`; those that reached their time disappear.
 * @param {ParentNode} root
 * @param {number} now Unix ms
 */
export function tickCountdowns(root, now) {
  for (const chip of root.querySelectorAll('.countdown[data-until]')) {
    const left = Number(/** @type {HTMLElement} */ (chip).dataset.until) - now;
    if (left <= 0) chip.remove();
    else chip.textContent = `in ${countdown(left)}`;
  }
}

/** Remove the live countdowns under `root` (what they counted to no longer holds). @param {ParentNode} root */
export function dropCountdowns(root) {
  for (const chip of root.querySelectorAll('.countdown[data-until]')) chip.remove();
}
