// helpers.mjs — shared by the node:test suites: paths, the native CLI, vectors, a fake WebSocket.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NATIVE_CLI = process.env.SIPREG_NATIVE_CLI ?? `${ROOT}build-native/sipreg`;

/** Fail loudly when a build output is missing (tests never skip). */
export function need(path, what) {
  if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run scripts/test.sh (it builds everything)`);
  return path;
}

/** Every message of a Kamailio transcript (bytes), with a label. */
export function transcriptMessages(file) {
  const text = readFileSync(file, 'latin1');
  const out = [];
  const re = /^##### (C->S|S->C)[^\n]*\n/gm;
  let m;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('\r\n\r\n', start);
    const stop = end < 0 ? text.length : end + 4;
    out.push({ label: `${file.split('/').pop()}#${out.length + 1}`, bytes: Buffer.from(text.slice(start, stop), 'latin1') });
  }
  return out;
}

/** All message vectors shared by C and JS: RFC 4475, bench, Kamailio transcripts. */
export function messageVectors() {
  const vectors = [];
  for (const dir of ['rfc4475', 'bench']) {
    for (const f of readdirSync(`${ROOT}tests/vectors/${dir}`)
      .filter((n) => n.endsWith('.sip'))
      .sort()) {
      vectors.push({
        label: `${dir}/${f}`,
        path: `${ROOT}tests/vectors/${dir}/${f}`,
        bytes: readFileSync(`${ROOT}tests/vectors/${dir}/${f}`),
      });
    }
  }
  for (const f of readdirSync(`${ROOT}tests/vectors/kamailio`)
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    vectors.push(...transcriptMessages(`${ROOT}tests/vectors/kamailio/${f}`));
  }
  return vectors;
}

/** Run the native CLI; returns { status, stdout }. */
export function native(args, input) {
  try {
    return { status: 0, stdout: execFileSync(need(NATIVE_CLI, 'native CLI'), args, { input, encoding: 'utf8', maxBuffer: 1 << 26 }) };
  } catch (e) {
    return { status: e.status, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * A fake WebSocket class: records what is sent and lets tests answer. `FakeSocket.last` is the
 * most recent instance. Opens asynchronously unless `FakeSocket.refuse` is set.
 */
export class FakeSocket extends EventTarget {
  static last = null;
  static refuse = false;
  static all = [];
  constructor(url, protocols) {
    super();
    this.url = url;
    this.protocols = protocols;
    this.protocol = '';
    this.sent = [];
    this.readyState = 0;
    FakeSocket.last = this;
    FakeSocket.all.push(this);
    setTimeout(() => {
      if (FakeSocket.refuse) {
        this.readyState = 3;
        this.onclose?.({ code: 1006, reason: '' });
        return;
      }
      this.readyState = 1;
      this.protocol = 'sip';
      this.onopen?.({});
    }, 1);
  }
  send(text) {
    this.sent.push(text);
  }
  close(code = 1000, reason = '') {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code, reason }), 0);
  }
  /** Deliver a frame to the client. */
  deliver(data) {
    this.onmessage?.({ data });
  }
  /** Drop the connection as the network would. */
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

/** A response to `request` (a REGISTER text) with the given status line and extra header lines. */
export function answer(request, statusLine, extra = '') {
  const h = (name) => new RegExp(`^${name}: (.*)$`, 'mi').exec(request)?.[1] ?? '';
  return (
    `SIP/2.0 ${statusLine}\r\nVia: ${h('Via')};received=127.0.0.1\r\nFrom: ${h('From')}\r\n` +
    `To: ${h('To')};tag=srv\r\nCall-ID: ${h('Call-ID')}\r\nCSeq: ${h('CSeq')}\r\n${extra}Content-Length: 0\r\n\r\n`
  );
}

/** Resolve after `ms`. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start `node node/cli.mjs register <args> --json` (password "secret") and wait until it has printed
 * the `"event":"<until>"` line (at most `ms`; fails naming what it printed). Returns the child, its
 * output so far (a getter) and its exit code (a promise made before anything could exit).
 * @param {string[]} args @param {{ until?: string, ms?: number }} [options]
 */
export async function startCliRegister(args, { until = 'registered', ms = 10_000 } = {}) {
  const child = spawn('node', [`${ROOT}node/cli.mjs`, 'register', ...args, '--json'], {
    env: { ...process.env, SIPREG_PASSWORD: 'secret' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const line = `"event":"${until}"`;
  for (const end = Date.now() + ms; !out.includes(line) && child.exitCode === null && Date.now() < end;) await sleep(10);
  if (!out.includes(line)) {
    child.kill('SIGKILL');
    assert.fail(`the CLI printed no ${until} line:\n${out}`);
  }
  return { child, out: () => out, exited };
}

/**
 * The detail of the next `type` event of target; rejects when none comes within `ms` (a test
 * that waits must end, with the event it missed named).
 * @param {EventTarget} target @param {string} type @param {number} [ms]
 */
export const once = (target, type, ms = 60_000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" within ${ms} ms`)), ms);
    target.addEventListener(
      type,
      (e) => {
        clearTimeout(timer);
        resolve(e.detail);
      },
      { once: true },
    );
  });

/**
 * A Kamailio for one test file: started in before(), stopped (with every registration made
 * through `make`) in after(). Returns a context whose fields fill in once before() ran.
 * @param {object} [options] startRegistrar options
 */
export function useRegistrar(options = {}) {
  const ctx = {
    /** @type {any} */ registrar: null,
    /** @type {any[]} */ open: [],
    /** A registration of sip:<user>@example.test (password "secret"), closed after the file. */
    async make(user, extra = {}) {
      const { createRegistration } = await import(need(`${ROOT}node/index.mjs`, 'node package'));
      const reg = await createRegistration({
        server: ctx.registrar.wsUrl,
        aor: `sip:${user}@example.test`,
        auth: { password: 'secret' },
        ...extra,
      });
      ctx.open.push(reg);
      return reg;
    },
    /** The registrar's bindings of sip:<user>@example.test. */
    async held(user) {
      return (await ctx.registrar.dump()).filter((b) => b.aor.startsWith(`${user}@`));
    },
  };
  before(async () => {
    const { startRegistrar } = await import('../registrar/registrar.mjs');
    ctx.registrar = await startRegistrar(options);
  });
  after(async () => {
    for (const r of ctx.open) r.close();
    await ctx.registrar?.stop();
  });
  return ctx;
}

/** SIP in code: header names, methods, the version, the branch cookie, status codes the core handles. */
const SIP_WORDS =
  /\b(REGISTER|INVITE|Via|Contact|Expires|CSeq|Call-ID|WWW-Authenticate|Authorization|Min-Expires|Retry-After|SIP\/2\.0|z9hG4bK)\b|\b(401|403|407|423|439|503)\b/;

/**
 * Fail when a line of `file`'s code (comments left out) names SIP (or what `words` matches): the
 * layers above the core (the JS glue, the demo pages) move strings and events; the core holds the
 * protocol.
 * @param {string} file path @param {string} label how messages name it @param {RegExp} [words]
 */
export function assertNoSip(file, label, words = SIP_WORDS) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const code = line
        .replace(/\/\/.*$/, '')
        .replace(/^\s*\*.*$/, '')
        .replace(/\/\*.*?\*\//g, '');
      assert.doesNotMatch(code, words, `${label}:${i + 1}: ${line.trim()}`);
    });
}
