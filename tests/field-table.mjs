#!/usr/bin/env node
// field-table.mjs — the field-resilience results (issue 11) as a Markdown table: one row per
// scenario record that tests/js/field-*.test.mjs and tests/browser/field.test.mjs wrote to
// tests/js/artifacts/field/<id>.json (time to detect, time to recover, REGISTERs sent, bindings
// the registrar held at the end).
//   node tests/field-table.mjs                  print the table
//   node tests/field-table.mjs --readme FILE    replace the block between
//                                               <!-- field-table:start --> and <!-- field-table:end -->
//                                               in FILE with it (the markers must exist)
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./js/artifacts/field/', import.meta.url));
const START = '<!-- field-table:start -->';
const END = '<!-- field-table:end -->';
/** Rows in reading order; records with other ids follow, sorted. */
const ORDER = [
  'outage-60s-no-wake',
  'outage-60s-wake',
  'browser-offline-60s',
  'freeze-no-outbound-options',
  'freeze-no-outbound-ping',
  'freeze-outbound',
  'browser-crash-reopen-5',
  'edge-407-401',
  'status-302',
  'status-301',
  'status-403',
  'status-404',
  'status-503',
  'status-420',
  'credentials-rejected',
  'promise-econnrefused',
  'promise-http-status',
  'promise-handshake-timeout',
  'promise-default-bound',
];

/** @param {number | null | undefined} ms */
const secs = (ms) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
/** @param {unknown} v */
const cell = (v) => (v === null || v === undefined ? '—' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' '));

/** @returns {any[]} every record, in ORDER */
export function loadRecords(dir = DIR) {
  if (!existsSync(dir)) return [];
  const recs = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')));
  const rank = (/** @type {any} */ r) => {
    const i = ORDER.indexOf(r.id);
    return i < 0 ? ORDER.length : i;
  };
  return recs.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

/** @param {any[]} recs @returns {string} the Markdown table */
export function fieldTable(recs) {
  const head = ['Scenario', 'Target', 'Detected', 'Recovered', 'REGISTERs', 'Bindings at end', 'Outcome'];
  const rows = recs.map((r) => [
    cell(r.scenario),
    cell(r.expect),
    secs(r.detectMs),
    secs(r.recoverMs),
    cell(r.registers),
    cell(r.bindings),
    cell(r.outcome),
  ]);
  const line = (/** @type {string[]} */ c) => `| ${c.join(' | ')} |`;
  const when = recs
    .map((r) => r.at)
    .sort()
    .at(-1);
  return [
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
    `(${recs.length} scenarios${when ? `, last run ${when.slice(0, 16).replace('T', ' ')} UTC` : ''}; "Detected": fault start → the client noticed; ` +
      '"Recovered": fault end, or fault start when the client had to work around it → registered again.)',
  ].join('\n');
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const table = fieldTable(loadRecords());
  const i = process.argv.indexOf('--readme');
  if (i < 0) {
    process.stdout.write(`${table}\n`);
  } else {
    const file = process.argv[i + 1];
    if (!file) throw new Error('--readme needs a file');
    const text = readFileSync(file, 'utf8');
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${file}: no ${START} ... ${END} block`);
    writeFileSync(file, `${text.slice(0, a + START.length)}\n${table}\n${text.slice(b)}`);
    process.stdout.write(`${file}: ${loadRecords().length} rows\n`);
  }
}
