// option-docs.test.mjs — each option's words live in one place: on its row in the options table
// (options.mjs) where an error says them (a required option), else in option-docs.mjs; the Node
// entry exports the tables with every row's words, the browser's glue (lib/web.mjs) leaves
// option-docs.mjs out and its rows without words but the required ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, need } from './helpers.mjs';

const LIB = `${ROOT}node/lib/`;
need(`${LIB}option-docs.mjs`, 'the node package (wasm build)');

/** Every row of a set of tables, each row once (the pool shares rows with OPTIONS). */
function rowsOf(tables) {
  const rows = new Map();
  for (const [tname, table] of Object.entries(tables)) {
    for (const [name, o] of Object.entries(table)) if (!rows.has(o)) rows.set(o, `${tname}.${name}`);
  }
  return rows;
}

test('every option has its words in exactly one place; option-docs.mjs names no unknown option', async () => {
  // the checks' module alone (a fresh copy: nothing has put the words on its rows)
  const bare = await import(`${LIB}options.mjs?bare`);
  const tables = {
    OPTIONS: bare.OPTIONS,
    AUTH: bare.OPTIONS.auth.fields,
    CONTACT: bare.CONTACT,
    POLICY: bare.OPTIONS.policy.fields,
    POOL_OPTIONS: bare.POOL_OPTIONS,
    CALL_OPTIONS: bare.CALL_OPTIONS,
    UNREGISTER_OPTIONS: bare.UNREGISTER_OPTIONS,
  };
  const onRow = [...rowsOf(tables)].filter(([o]) => o.doc !== undefined).map(([, label]) => label);
  assert.deepEqual(onRow.sort(), ['OPTIONS.aor', 'POOL_OPTIONS.server'], 'words on a row: the required options only');
  for (const [o, label] of rowsOf(tables)) if (o.required) assert.ok(o.doc?.length > 5, `${label}: the words its error says`);

  const { DOCS, TABLES } = await import(`${LIB}option-docs.mjs`);
  assert.deepEqual(Object.keys(DOCS).sort(), Object.keys(tables).sort());
  for (const [tname, words] of Object.entries(DOCS)) {
    for (const [name, doc] of Object.entries(words)) {
      assert.ok(Object.hasOwn(tables[tname], name), `option-docs.mjs ${tname}.${name}: no such option`);
      assert.equal(tables[tname][name].doc, undefined, `${tname}.${name}: words in both places`);
      assert.ok(typeof doc === 'string' && doc.length > 5, `${tname}.${name}: words`);
    }
  }
  // after option-docs.mjs: every row of its tables has words (each row's own, or the shared row's)
  for (const [o, label] of rowsOf(TABLES)) assert.ok(typeof o.doc === 'string' && o.doc.length > 5, `${label}: no words`);
  const named = new Set(Object.entries(DOCS).flatMap(([t, words]) => Object.keys(words).map((n) => TABLES[t][n])));
  for (const [o, label] of rowsOf(TABLES)) assert.ok(named.has(o) || o.required, `${label}: words from option-docs.mjs or its row`);
});

test('the Node entry exports the documented tables; the browser glue has no option words', async () => {
  const sipreg = await import(`${ROOT}node/index.mjs`);
  const { DOCS } = await import(`${LIB}option-docs.mjs`);
  assert.equal(sipreg.OPTIONS.policy.fields.t1Ms.doc, DOCS.POLICY.t1Ms);
  assert.equal(sipreg.POOL_OPTIONS.flows.doc, DOCS.POOL_OPTIONS.flows);
  assert.equal(sipreg.POOL_OPTIONS.connectTimeout.doc, DOCS.OPTIONS.connectTimeout, 'a shared row');
  const web = readFileSync(`${LIB}web.mjs`, 'utf8');
  for (const words of Object.values(DOCS)) {
    for (const doc of Object.values(words)) assert.ok(!web.includes(JSON.stringify(doc).slice(1, -1)), `lib/web.mjs has '${doc}'`);
  }
  const browser = await import(`${ROOT}node/lib/web.mjs`);
  assert.equal(browser.OPTIONS.expires.doc, undefined);
  assert.equal(browser.OPTIONS.aor.doc, 'the address-of-record, e.g. sip:alice@example.com', 'its error says it');
});
