// cli-options.mjs — the Node CLI's commands and flags as one table: the argument parser's options
// and the help text (every command, every flag with its default) are both built from it.

/**
 * One flag: its parseArgs type, the value's name, its default in words, what it does, and the
 * commands that take it.
 * @typedef {{type: 'string'|'boolean', multiple?: boolean, arg?: string, default?: string,
 *   help: string, commands: string[]}} Flag
 */

const REG = ['register', 'unregister', 'bindings'];

/** @type {Record<string, Flag>} every flag of every command */
export const FLAGS = {
  server: {
    type: 'string',
    arg: 'URL',
    commands: REG,
    default: "RFC 3263 (NAPTR, SRV, A/AAAA) on the registrar's host",
    help: "ws:// or wss:// URL, or sip:HOST[:PORT][;transport=udp|tcp|tls] or sips:HOST[:PORT]; a SIP server on another host than the registrar's is an outbound proxy (Route)",
  },
  aor: { type: 'string', arg: 'AOR', commands: REG, default: 'required', help: 'the address-of-record, e.g. sip:alice@example.com' },
  user: { type: 'string', arg: 'U', commands: REG, default: "$SIPREG_USER, else the AOR's (or --from's) user", help: 'digest user name' },
  password: { type: 'string', arg: 'P', commands: REG, default: '$SIPREG_PASSWORD (never printed)', help: 'digest password' },
  expires: {
    type: 'string',
    arg: 'N',
    commands: REG,
    default: '600',
    help: 'requested expiry, seconds (an integer; 0 is refused: use unregister)',
  },
  contact: {
    type: 'string',
    multiple: true,
    arg: '[URI][;q=X][;expires=N]',
    commands: REG,
    default: "one generated (sip:<random>@<random>.invalid;transport=ws, or the flow's address)",
    help: "a contact to register (repeatable); q and expires are the binding's, other parameters the URI's; without a URI the generated one with those parameters",
  },
  all: {
    type: 'boolean',
    commands: ['unregister'],
    default: 'off: our bindings only',
    help: 'remove every binding of the AOR (Contact: *)',
  },
  'connect-timeout': {
    type: 'string',
    arg: 'MS',
    commands: REG,
    default: '10000',
    help: 'bound of one connection attempt (TCP + TLS + WebSocket handshake)',
  },
  registrar: { type: 'string', arg: 'URI', commands: REG, default: 'sip:<AOR host>', help: 'the Request-URI' },
  transport: {
    type: 'string',
    arg: 'udp|tcp|tls',
    commands: REG,
    default: 'what the URI or DNS says',
    help: 'the transport when neither the URI nor DNS fixes one',
  },
  dns: {
    type: 'string',
    multiple: true,
    arg: 'IP[:PORT]',
    commands: REG,
    default: "the system's resolver",
    help: 'DNS server for RFC 3263 (repeatable)',
  },
  ca: { type: 'string', arg: 'FILE', commands: REG, default: "the system's CAs", help: 'PEM CA to trust for TLS' },
  from: {
    type: 'string',
    arg: 'URI',
    commands: REG,
    default: 'the AOR',
    help: 'third-party registration: From (the one responsible); To stays --aor',
  },
  discovery: {
    type: 'string',
    arg: 'configured|aor|multicast',
    commands: REG,
    default: 'configured (--server, else DNS)',
    help: 'multicast (RFC 3261 §10.2.6): the REGISTER goes to the group, the registrar that answers gets the rest',
  },
  group: {
    type: 'string',
    arg: 'ADDR',
    commands: [...REG, 'listen'],
    default: '224.0.1.75',
    help: 'multicast group (with --discovery multicast, or listen)',
  },
  port: { type: 'string', arg: 'N', commands: [...REG, 'listen'], default: '5060', help: 'multicast port' },
  ttl: {
    type: 'string',
    arg: 'N',
    commands: [...REG, 'listen'],
    default: '1',
    help: 'multicast TTL (--discovery multicast; listen refuses it: a listener sends nothing)',
  },
  interface: {
    type: 'string',
    arg: 'ADDR',
    commands: [...REG, 'listen'],
    default: "the system's choice",
    help: 'local IPv4 address for multicast',
  },
  json: {
    type: 'boolean',
    commands: [...REG, 'listen', 'parse', 'uri-equal'],
    default: 'off',
    help: 'every line of output is JSON (errors too: {"error":…,"exit":N} on stderr)',
  },
  help: { type: 'boolean', commands: [...REG, 'listen', 'parse', 'uri-equal'], help: 'this text (also: sipreg help, sipreg -h)' },
};

/** The commands: synopsis and what they do. */
export const COMMANDS = {
  register: {
    args: '--aor AOR [--server URL] [options]',
    help: 'register and stay registered: prints state changes and the bindings; Ctrl-C (SIGINT/SIGTERM) unregisters; a new local address re-registers at once (checked every 5 s)',
  },
  unregister: { args: '--aor AOR [--server URL] [--all] [options]', help: "remove our bindings (or all of the AOR's)" },
  bindings: { args: '--aor AOR [--server URL] [options]', help: "fetch and print the registrar's bindings (ours and other devices')" },
  listen: {
    args: '[--group G] [--port P] [--interface ADDR] [--json]',
    help: 'observe REGISTERs on the multicast group (RFC 3261 §10.2.6) and print the bindings local users ask for as they come (+) and go (-); never answers',
  },
  parse: {
    args: '[FILE|-]...',
    help: 'one JSON line per message (the same bytes as the native sipreg parse); exit 1 when one does not parse',
  },
  'uri-equal': { args: 'A B', help: 'RFC 3261 §19.1.4 URI equality: prints equal (exit 0) or different (exit 1)' },
  help: { args: '', help: 'this text' },
};

/** Exit codes (the help text and the README list them). */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3, REFUSED: 4, CREDENTIALS: 5 };

const EXIT_WORDS = [
  [EXIT.OK, 'done (uri-equal: equal)'],
  [EXIT.FAILED, 'other failure (parse: a message does not parse; uri-equal: different)'],
  [EXIT.USAGE, 'usage or configuration error: unknown command or flag, missing or bad value, unreadable file'],
  [EXIT.UNREACHABLE, 'the server is unreachable (no flow: refused, no answer, not a WebSocket server, TLS error, timed out)'],
  [EXIT.REFUSED, 'refused by the registrar (a final status)'],
  [EXIT.CREDENTIALS, 'credentials rejected'],
];

/**
 * parseArgs options of one command.
 * @param {string} cmd @returns {Record<string, {type: 'string'|'boolean', multiple?: boolean}>}
 */
export function parseOptions(cmd) {
  const out = {};
  for (const [name, f] of Object.entries(FLAGS)) {
    if (f.commands.includes(cmd)) out[name] = f.multiple ? { type: f.type, multiple: true } : { type: f.type };
  }
  return out;
}

/** @returns {string} the help text: every command, every flag with its default, the exit codes */
export function helpText() {
  const lines = ['usage: sipreg COMMAND [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) {
    lines.push(`  sipreg ${name} ${c.args}`.trimEnd(), `      ${c.help}`);
  }
  lines.push('', 'options (the commands that take them; default in brackets):');
  for (const [name, f] of Object.entries(FLAGS)) {
    lines.push(`  --${name}${f.arg ? ` ${f.arg}` : ''}    (${f.commands.join(', ')})`);
    lines.push(`      ${f.help}${f.default ? ` [default: ${f.default}]` : ''}`);
  }
  lines.push('', 'exit codes:');
  for (const [code, words] of EXIT_WORDS) lines.push(`  ${code}  ${words}`);
  lines.push('', 'A failure prints one line on stderr (with --json: {"error":"…","exit":N}).');
  return lines.join('\n');
}
