// readme-reference.test.mjs — the README's API reference says what the code does: every option of
// the options table (with its default), every event of the types, every error code the core
// names, every CLI exit code has its row; nothing listed there is unknown to the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, need } from './helpers.mjs';

const README = readFileSync(`${ROOT}README.md`, 'utf8');
const { loadCore } = await import(need(`${ROOT}node/lib/core.mjs`, 'node package'));
const { EXIT } = await import(`${ROOT}node/cli-options.mjs`);

/** The rows of the first Markdown table after `heading` (cells, backticks kept). */
function table(heading, from = 0) {
  const at = README.indexOf(heading, from);
  assert.ok(at >= 0, `README has ${heading}`);
  const lines = README.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .replace(/\\\|/g, '\u0000')
        .split('|')
        .slice(1, -1)
        .map((c) => c.replace(/\u0000/g, '|').trim()),
    );
  }
  return rows;
}
const name = (cell) => cell.replace(/ \((Node|browser)\)$/, '').replace(/^`|`$/g, '');

test('README "Error codes": exactly the codes the core names, with their numbers', async () => {
  const core = await loadCore(readFileSync(`${ROOT}node/sipreg.wasm`));
  const named = new Map();
  for (let code = -1; code >= -99; code--) {
    const n = core.cstring(core.x.sw_errname(code));
    if (n !== 'SIPREG_E_UNKNOWN') named.set(n, code);
  }
  assert.ok(named.size > 30, `${named.size} error names`);
  const rows = table('<!-- error-codes:begin');
  const listed = new Map(rows.map(([code, n]) => [name(n), -Number(code.replace('−', ''))]));
  assert.deepEqual(Object.fromEntries(listed), Object.fromEntries(named));
});

test('README "Options": every option of the options table, with its default; none the code lacks', async () => {
  const at = README.indexOf('### Options');
  const main = table('| option | type | default | what |', at);
  const policy = table('`policy`:', at);
  const rows = new Map(main.map((r) => [name(r[0]), r[2]]));
  const policyRows = new Map(policy.map((r) => [name(r[0]), r[1]]));
  // the options table the checks read (a build output: node/lib is copied by the wasm build)
  const { OPTIONS: options } = await import(need(`${ROOT}node/lib/options.mjs`, 'node package'));
  const missing = [];
  const wrongDefault = [];
  const expect = (rowsOf, key, o) => {
    if (!rowsOf.has(key)) {
      missing.push(key);
      return;
    }
    if (['number', 'boolean'].includes(typeof o.default) && !rowsOf.get(key).includes(String(o.default))) {
      wrongDefault.push(`${key}: README says ${rowsOf.get(key)}, the code ${o.default}`);
    }
  };
  for (const [k, o] of Object.entries(options)) {
    if (k === 'policy') {
      for (const [p, po] of Object.entries(o.fields)) expect(policyRows, p, po);
      continue;
    }
    if (o.fields && ['auth', 'contacts'].includes(k)) {
      for (const [f, fo] of Object.entries(o.fields)) expect(rows, k === 'contacts' ? `contacts[].${f}` : `${k}.${f}`, fo);
      if (k === 'contacts') expect(rows, k, o);
      continue;
    }
    expect(rows, k, o);
  }
  assert.deepEqual(missing, [], 'options without a README row');
  assert.deepEqual(wrongDefault, [], 'README defaults that differ from the code');
  // and no row names an option the code does not have
  const known = new Set(Object.keys(options));
  const stale = [...rows.keys()].filter((k) => !known.has(k.replace(/(\[\])?\..*$/, '')));
  const policyKnown = new Set(Object.keys(options.policy.fields));
  stale.push(...[...policyRows.keys()].filter((k) => !policyKnown.has(k)).map((k) => `policy.${k}`));
  assert.deepEqual(stale, [], 'README rows for options the code does not have');
});

test('README "Events": a row per event of RegistrationEventMap (node/index.d.ts), and no other', () => {
  const dts = readFileSync(`${ROOT}node/index.d.ts`, 'utf8');
  const map = /export interface RegistrationEventMap \{([^}]*)\}/.exec(dts)[1];
  const events = [...map.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]);
  assert.ok(events.length >= 14, events.join());
  const rows = table('| event | when | its own fields |').map((r) => name(r[0]));
  assert.deepEqual(rows.sort(), events.sort());
});

test('README "CLI exit codes": the codes of node/cli-options.mjs', () => {
  const rows = table('<!-- exit-codes:begin').map((r) => Number(r[0]));
  assert.deepEqual(
    rows,
    Object.values(EXIT).sort((a, b) => a - b),
  );
});
