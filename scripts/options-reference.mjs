#!/usr/bin/env node
// options-reference.mjs — print the README's "Options" reference (Markdown tables) from the option
// table the checks read (bindings/js/options.mjs) and the words of option-docs.mjs, so they cannot drift: paste its output.
//   node scripts/options-reference.mjs
import { OPTIONS, POOL_OPTIONS } from '../node/lib/option-docs.mjs'; // (node/lib: the build's copy, with constants.mjs)

/** @param {import('../bindings/js/options.mjs').Option} o @returns {string} type and range */
function kind(o) {
  const range = o.min === undefined ? '' : o.max >= 4294967295 ? ` ≥ ${o.min}` : ` ${o.min}–${o.max}`;
  const unit = o.unit ? ` ${o.unit}` : '';
  switch (o.type) {
    case 'enum':
      return o.values.map((v) => `\`${v}\``).join(' \\| ');
    case 'integer':
    case 'number':
      return `${o.type}${range}${unit}`;
    case 'url':
      return `${o.schemes.map((s) => (s.startsWith('ws') ? `${s}://` : `${s}:`)).join(' ')} URL`;
    case 'list':
      return o.fields ? `array of { ${Object.keys(o.fields).join(', ')} }` : 'array';
    case 'bytes':
      return 'Uint8Array(32)';
    case 'headers':
      return 'string \\| { name: value }';
    default:
      return o.type;
  }
}

/** @param {unknown} d @returns {string} a default: values in code, words as words */
const shown = (d) => (d === undefined ? '—' : typeof d === 'string' && / /.test(d) ? d : `\`${d}\``);

/** @param {Record<string, any>} table @param {string} [prefix] */
function rows(table, prefix = '') {
  for (const [name, o] of Object.entries(table)) {
    const only = o.host === 'node' ? ' (Node)' : o.host === 'web' ? ' (browser)' : '';
    console.log(
      `| \`${prefix}${name}\`${only} | ${kind(o)}${o.required ? ', required' : ''} | ${shown(o.default)} | ${o.doc.replace(/\|/g, '\\|')} |`,
    );
    if (o.fields) rows(o.fields, `${prefix}${name}${o.type === 'list' ? '[]' : ''}.`);
  }
}

for (const [title, table] of [
  ['createRegistration option', OPTIONS],
  ['RegistrationPool option', POOL_OPTIONS],
]) {
  console.log(`| ${title} | type, range | default | meaning |\n|---|---|---|---|`);
  rows(table);
  console.log();
}
