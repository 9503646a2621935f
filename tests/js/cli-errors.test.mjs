// cli-errors.test.mjs — the Node CLI's user errors as a table: argv → exit code, the one line on
// stderr, and stdout (empty, or JSON lines with --json); --help lists every command and flag with
// its default. No registrar: each row fails before any flow, or against a port that is closed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { ROOT, need } from './helpers.mjs';

const CLI = need(`${ROOT}node/cli.mjs`, 'node CLI');
const { FLAGS, COMMANDS } = await import(`${ROOT}node/cli-options.mjs`);
const AOR = ['--aor', 'sip:cli-err@example.test'];
let closed = '';

before(async () => {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  closed = `ws://127.0.0.1:${s.address().port}`;
  await new Promise((r) => s.close(r)); // the port is now closed
});

/** Run the CLI to completion: { status, stdout, stderr }. */
function run(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 15_000, env: { ...process.env, SIPREG_PASSWORD: '' } }, (e, stdout, stderr) =>
      resolve({ status: e ? e.code : 0, stdout, stderr }),
    );
  });
}

// [argv, exit code, the stderr line]; stdout must be empty
const ROWS = [
  [[], 2, /^sipreg: a command is needed: register, unregister, bindings, listen, parse, uri-equal \(sipreg --help\)$/],
  [['bogus'], 2, /^sipreg: unknown command 'bogus' \(sipreg --help lists them\)$/],
  [['register'], 2, /^sipreg: --aor is required \(and --server unless DNS finds the registrar\)$/],
  [['register', '--server', 'ws://x', '--aor'], 2, /^sipreg: --aor needs a value \(one starting with '-' goes as --aor=VALUE\)$/],
  [['register', ...AOR, '--bogus'], 2, /^sipreg: Unknown option '--bogus'/],
  [['bindings', ...AOR, '--all'], 2, /^sipreg: Unknown option '--all'/],
  [['register', ...AOR, '--expires', 'abc'], 2, /^sipreg: --expires must be an integer, not 'abc'$/],
  [['register', ...AOR, '--expires', '1.5'], 2, /^sipreg: --expires must be an integer, not '1\.5'$/],
  [['register', ...AOR, '--expires', '-1'], 2, /^sipreg: --expires needs a value \(one starting with '-' goes as --expires=VALUE\)$/],
  [['register', ...AOR, '--expires=-1'], 2, /^sipreg: --expires must be an integer, not '-1'$/],
  [['register', ...AOR, '--json=yes'], 2, /^sipreg: Option '--json' does not take an argument/],
  [['bindings', ...AOR, '--server', 'ws://registrar.invalid', '--expires', '0'], 2, /^sipreg: SIPREG_E_CONFIG: .*expires/],
  [['register', ...AOR, '--connect-timeout', '0'], 2, /^sipreg: --connect-timeout must be an integer ≥ 1, not '0'$/],
  [['register', ...AOR, '--contact', ';q=5'], 2, /^sipreg: --contact ';q=5': q must be 0 to 1 \(three decimals at most\), not '5'$/],
  [
    ['register', ...AOR, '--contact', 'sip:a@b.invalid;expires=x'],
    2,
    /^sipreg: --contact 'sip:a@b\.invalid;expires=x': expires must be an integer, not 'x'$/,
  ],
  [
    ['register', ...AOR, '--contact', ';transport=tcp'],
    2,
    /^sipreg: --contact ';transport=tcp': URI parameters \(transport=tcp\) without a URI$/,
  ],
  [['register', ...AOR, '--port', '5060'], 2, /^sipreg: --port needs --discovery multicast$/],
  [['register', ...AOR, '--discovery', 'smoke'], 2, /^sipreg: --discovery must be configured, aor, multicast, not 'smoke'$/],
  [['bindings', ...AOR, '--server', 'http://example.test'], 2, /^sipreg: .*server must be/],
  [['bindings', ...AOR, '--server', 'sip:127.0.0.1', '--ca', '/nonexistent/ca.pem'], 2, /^sipreg: --ca \/nonexistent\/ca\.pem: ENOENT$/],
  [['parse', '/nonexistent/message.sip'], 2, /^sipreg: parse: \/nonexistent\/message\.sip: ENOENT$/],
  [['parse', `${ROOT}tests`], 2, /^sipreg: parse: .*tests: EISDIR$/],
  [['parse', '--bogus'], 2, /^sipreg: Unknown option '--bogus'/],
  [['uri-equal', 'sip:a@b'], 2, /^sipreg: uri-equal takes two URIs, not 1$/],
  [['uri-equal', 'sip:a@', 'sip:b@c'], 2, /^sipreg: URI A does not parse: SIPREG_E_URI_HOST: .* at offset \d+$/],
  [['listen', '--port', 'x'], 2, /^sipreg: --port must be a number, not x$/],
  [['listen', '--ttl', '2'], 2, /^sipreg: --ttl: a listener sends nothing$/],
  [['bindings', ...AOR, '--server', '<closed>'], 3, /^sipreg: no flow to ws:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/],
];

const argv = (args) => args.map((a) => (a === '<closed>' ? closed : a));

test('user errors: one line on stderr (never a stack trace), the exit code, nothing on stdout', async () => {
  const results = await Promise.all(ROWS.map(([args]) => run(argv(args))));
  ROWS.forEach(([args, status, line], i) => {
    const r = results[i];
    const name = args.join(' ') || '(no arguments)';
    assert.equal(r.status, status, `${name}: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${name}: one line: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), line, name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${name}: a stack trace`);
    if (args[0] !== 'bindings' || status !== 3) assert.equal(r.stdout, '', name);
  });
});

test('--json: the error is {"error", "exit"} on stderr; stdout has JSON lines only', async () => {
  const results = await Promise.all(ROWS.map(([args]) => run([...argv(args), '--json'])));
  ROWS.forEach(([args, status, line], i) => {
    const r = results[i];
    const name = `${args.join(' ')} --json`;
    assert.equal(r.status, status, `${name}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
    const err = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(err), ['error', 'exit'], name);
    assert.equal(err.exit, status, name);
    assert.match(`sipreg: ${err.error}`, line, name);
    for (const l of r.stdout.split('\n').filter(Boolean)) assert.doesNotThrow(() => JSON.parse(l), `${name}: stdout ${l}`);
  });
});

test('--json results: uri-equal and parse print JSON', async () => {
  const eq = await run(['uri-equal', 'sip:a@b.com;transport=TCP', 'sip:a@B.COM;transport=tcp', '--json']);
  assert.deepEqual([eq.status, JSON.parse(eq.stdout), eq.stderr], [0, { equal: true }, '']);
  const ne = await run(['uri-equal', '--json', 'sip:a@b.com', 'sip:a@b.com:5060']);
  assert.deepEqual([ne.status, JSON.parse(ne.stdout)], [1, { equal: false }]);
  const p = await run(['parse', '--json', `${ROOT}tests/vectors/bench/c-401-digest.sip`]);
  assert.equal(p.status, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).ok, true);
  // a failed flow with --json: the failure event on stdout is JSON, the verdict on stderr too
  const f = await run(['bindings', ...AOR, '--server', closed, '--json']);
  assert.equal(f.status, 3);
  const events = f.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(events.at(-1).event, 'failed');
  assert.equal(events.at(-1).cause.code, 'ECONNREFUSED');
});

test('--help, help, -h, and COMMAND --help: the help on stdout, exit 0, every command and flag with its default', async () => {
  const forms = [['--help'], ['help'], ['-h'], ['register', '--help'], ['listen', '-h'], ['bindings', '--aor', 'x', '--help']];
  const results = await Promise.all(forms.map(run));
  const text = results[0].stdout;
  results.forEach((r, i) => {
    assert.equal(r.status, 0, forms[i].join(' '));
    assert.equal(r.stderr, '', forms[i].join(' '));
    assert.equal(r.stdout, text, `${forms[i].join(' ')}: the same help`);
  });
  for (const name of Object.keys(COMMANDS)) assert.match(text, new RegExp(`^  sipreg ${name}\\b`, 'm'), name);
  for (const [name, f] of Object.entries(FLAGS)) {
    assert.match(text, new RegExp(`^  --${name}\\b`, 'm'), `--${name}`);
    if (f.default) assert.ok(text.includes(`[default: ${f.default}]`), `--${name} default`);
  }
  for (const d of ['600', '10000', '224.0.1.75', '5060']) assert.match(text, new RegExp(`default: ${d.replace(/\./g, '\\.')}\\]`));
  for (const code of [0, 1, 2, 3, 4, 5]) assert.match(text, new RegExp(`^  ${code}  `, 'm'), `exit code ${code}`);
});
