// cli-transports.test.mjs — the Node CLI over SIP transports against the real registrar:
// --server sip:…;transport=tcp, sips: with --ca, --from (third party) over UDP, the chosen target
// printed, and the exit code of an unreachable proxy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ROOT, need, sleep, startCliRegister } from './helpers.mjs';
import { startRegistrar, freeTcpPort } from '../registrar/registrar.mjs';

const CLI = need(`${ROOT}node/cli.mjs`, 'node CLI');
const ENV = { ...process.env, SIPREG_PASSWORD: 'secret' };
let registrar;
before(async () => {
  registrar = await startRegistrar({ tls: true });
});
after(async () => {
  await registrar?.stop();
});

/** Run the CLI to completion: { status, stdout, stderr }. */
function run(args) {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { env: ENV }, (e, stdout, stderr) => resolve({ status: e ? e.code : 0, stdout, stderr }));
  });
}
const held = async (aor) => (await registrar.dump()).filter((b) => b.aor === aor);

/** `sipreg register …` until registered (helpers.mjs). */
const registered = (args) => startCliRegister(args);

const ROWS = [
  {
    name: 'TCP through --server sip:…;transport=tcp',
    user: 'cli-tcp',
    transport: 'tcp',
    args: () => ['--server', `sip:127.0.0.1:${registrar.tcpPort};transport=tcp`],
  },
  {
    name: 'TLS through --server sips: with --ca',
    user: 'cli-tls',
    transport: 'tls',
    args: () => ['--server', `sips:127.0.0.1:${registrar.tlsPort}`, '--ca', registrar.pki.caFile],
  },
  {
    name: 'UDP, third party with --from',
    user: 'cli-boss',
    transport: 'udp',
    from: 'cli-assistant',
    args: () => ['--server', `sip:127.0.0.1:${registrar.udpPort}`, '--from', 'sip:cli-assistant@example.test'],
  },
];

for (const row of ROWS) {
  test(
    `register over ${row.name}: the target is printed, the registrar holds the binding, Ctrl-C unregisters`,
    { timeout: 30_000 },
    async () => {
      const aor = `${row.user}@example.test`;
      const r = await registered(['--aor', `sip:${aor}`, ...row.args()]);
      const flow = r
        .out()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .find((e) => e.event === 'flow');
      assert.ok(flow, r.out());
      assert.equal(flow.target.transport, row.transport);
      assert.equal(flow.target.port, registrar[`${row.transport}Port`]);
      const h = await held(aor);
      assert.equal(h.length, 1);
      assert.equal(h[0].socket, `${row.transport}:127.0.0.1:${registrar[`${row.transport}Port`]}`);
      assert.match(h[0].contact, new RegExp(`@127\\.0\\.0\\.1:${flow.local.port}`));
      if (row.from) assert.equal((await held(`${row.from}@example.test`)).length, 0, 'the third party is not registered');
      r.child.kill('SIGINT');
      assert.equal(await r.exited, 0);
      assert.match(r.out(), /unregistered/);
      assert.doesNotMatch(r.out(), /secret/);
      assert.equal((await held(aor)).length, 0);
    },
  );
}

test('an unreachable proxy: one line naming the server and ECONNREFUSED, exit 3', { timeout: 30_000 }, async () => {
  const dead = await freeTcpPort();
  const server = `sip:127.0.0.1:${dead};transport=tcp`;
  const r = await run(['bindings', '--server', server, '--aor', 'sip:cli-dead@example.test', '--connect-timeout', '2000']);
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr.trim(), `sipreg: no flow to ${server}: ECONNREFUSED`);
  assert.equal((await held('cli-dead@example.test')).length, 0);
});

test('bad transport options are usage errors (exit 2) naming the option', async () => {
  const rows = [
    [['--server', 'sip:127.0.0.1;transport=sctp'], /transport=sctp/],
    [['--server', 'http://example.test'], /server must be/],
    [['--server', 'sip:127.0.0.1', '--transport', 'ws'], /transport must be udp, tcp or tls/],
    [['--server', 'sip:127.0.0.1', '--ca', '/nonexistent/ca.pem'], /--ca \/nonexistent\/ca\.pem: ENOENT/],
  ];
  for (const [args, message] of rows) {
    const r = await run(['bindings', '--aor', 'sip:cli-bad@example.test', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal((await held('cli-bad@example.test')).length, 0);
});
