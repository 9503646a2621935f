// cli.test.mjs — the Node CLI end to end against the real registrar, and its parse / uri-equal
// output against the native CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ROOT, native, need, startCliRegister } from './helpers.mjs';
import { startRegistrar } from '../registrar/registrar.mjs';

const CLI = need(`${ROOT}node/cli.mjs`, 'node CLI');
let registrar;
before(async () => {
  registrar = await startRegistrar();
});
after(async () => {
  await registrar?.stop();
});

/** Run the CLI to completion. */
function run(args, env = {}) {
  try {
    return { status: 0, stdout: execFileSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } }) };
  } catch (e) {
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

test(
  'register stays registered, prints state and bindings, unregisters on Ctrl-C; password never echoed',
  { timeout: 30_000 },
  async () => {
    const { child, out: output, exited } = await startCliRegister(['--server', registrar.wsUrl, '--aor', 'sip:cli1@example.test']);
    assert.equal((await registrar.dump()).filter((b) => b.aor.includes('cli1')).length, 1);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(output(), /unregistered/);
    assert.doesNotMatch(output(), /secret/);
    assert.equal((await registrar.dump()).filter((b) => b.aor.includes('cli1')).length, 0);
  },
);

test('bindings (fetch) and unregister --all', { timeout: 30_000 }, async () => {
  const env = { SIPREG_PASSWORD: 'secret' };
  const { child } = await startCliRegister(['--server', registrar.wsUrl, '--aor', 'sip:cli2@example.test']);
  const b = run(['bindings', '--server', registrar.wsUrl, '--aor', 'sip:cli2@example.test'], env);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /other/);
  // a fetch by a registration that never registered: the registrar's one binding, no "ours" row
  assert.doesNotMatch(b.stdout, /ours/);
  const j = run(['bindings', '--server', registrar.wsUrl, '--aor', 'sip:cli2@example.test', '--json'], env);
  assert.equal(j.status, 0, j.stderr);
  const lines = j.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const listed = lines.find((l) => l.event === 'bindings').bindings;
  const held = (await registrar.dump()).filter((x) => x.aor === 'cli2@example.test');
  assert.deepEqual(
    listed.map((x) => [x.ours, x.uri]),
    held.map((x) => [false, x.contact]),
  );
  const u = run(['unregister', '--all', '--server', registrar.wsUrl, '--aor', 'sip:cli2@example.test'], env);
  assert.equal(u.status, 0, u.stderr);
  assert.match(u.stdout, /all bindings removed/);
  assert.equal((await registrar.dump()).filter((x) => x.aor.includes('cli2')).length, 0);
  child.kill('SIGKILL');
});

test('parse and uri-equal: the Node CLI prints what the native CLI prints', () => {
  const files = ['bench/b-200-10contacts.sip', 'bench/c-401-digest.sip', 'rfc4475/wsinv.sip', 'rfc4475/badvers.sip'].map(
    (f) => `${ROOT}tests/vectors/${f}`,
  );
  const js = run(['parse', ...files]);
  const c = native(['parse', ...files]);
  assert.equal(js.stdout, c.stdout);
  assert.equal(js.status, c.status);
  assert.equal(run(['uri-equal', 'sip:a@b.com;transport=TCP', 'sip:a@B.COM;transport=tcp']).status, 0);
  assert.equal(run(['uri-equal', 'sip:a@b.com', 'sip:a@b.com:5060']).status, 1);
  assert.equal(run(['uri-equal', 'sip:a@', 'sip:a@b']).status, 2);
});

test("--contact ';q=0.5;expires=120': the generated contact with those parameters", { timeout: 30_000 }, async () => {
  const {
    child,
    out: output,
    exited,
  } = await startCliRegister(['--server', registrar.wsUrl, '--aor', 'sip:cli3@example.test', '--contact', ';q=0.5;expires=120']);
  const out = output();
  const registered = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((e) => e.event === 'registered');
  assert.ok(registered, out);
  assert.deepEqual(
    registered.bindings.map((b) => [b.ours, b.q, b.requested, b.granted]),
    [[true, 0.5, 120, 120]],
  );
  const held = (await registrar.dump()).filter((b) => b.aor === 'cli3@example.test');
  assert.equal(held.length, 1);
  assert.match(held[0].contact, /^sip:\w+@\w+\.invalid;transport=ws$/);
  assert.equal(held[0].q, 0.5);
  assert.ok(held[0].expires > 100 && held[0].expires <= 120, `expires ${held[0].expires}`);
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.equal((await registrar.dump()).filter((b) => b.aor === 'cli3@example.test').length, 0);
});
