// core.mjs — the wasm core: loading it (the same way in Node and in browsers; a standalone wasm
// whose one import is the memory-growth notification) and strings in and out of it. Knows the
// shim's exports, nothing of SIP.

const encoder = new TextEncoder();
/** The shim's "output buffer too small" code (SIPREG_E_BUFFER): retry with a bigger buffer. */
const E_BUFFER = -4;
const decoder = new TextDecoder();

// The core's view tape (enum sipreg_tape_op in core/sipreg.h): words of `op | x << 4`.
const END = 0, OBJECT = 1, ARRAY = 2, KEY = 3, SKEY = 4, STR = 5, SSTR = 6, INT = 7, INT64 = 8,
  DEC3 = 9, NULL = 10, TRUE = 11, FALSE = 12;

/** An error reported by the core, with its symbolic name (e.g. "SIPREG_E_CONFIG"). */
export class SipregError extends Error {
  /**
   * @param {string} code symbolic error name
   * @param {string} message plain-words description
   * @param {object} [detail] extra fields (offset, key, ...)
   */
  constructor(code, message, detail = {}) {
    super(`${code}: ${message}`);
    this.name = 'SipregError';
    this.code = code;
    Object.assign(this, detail);
  }
}

/** The instantiated core: marshalling helpers around the wasm exports. */
export class Core {
  /** @param {WebAssembly.Exports} exports */
  constructor(exports) {
    this.x = exports;
    this.inCap = 0;
    this.inPtr = 0;
    this.outCap = 0;
    this.outPtr = 0;
    this.mem = null; // the memory buffer the cached views below are over
    this.u8 = null;
    this.u32 = null;
    this.statics = new Map(); // static strings of the core (names, keys) by address
    /** @type {string|undefined} the message whose bytes are in the input buffer (callId) */
    this.staged = undefined;
    this.stagedLen = 0;
    /** @type {Map<string, number>} core event name → its bit in drainEvents' `wanted` */
    this.eventBits = new Map();
    for (let t = 1, p; (p = this.x.sw_event_name(t)); t++) this.eventBits.set(this.cstring(p), 2 ** t);
    this.ints = this.x.sw_malloc(8); // two 32-bit out-parameters
    this.reserveIn(16 * 1024);
    this.reserveOut(64 * 1024);
  }

  /** @returns {Uint8Array} a view of linear memory (renewed when memory grows) */
  bytes() {
    const buf = this.x.memory.buffer;
    if (buf !== this.mem) {
      this.mem = buf;
      this.u8 = new Uint8Array(buf);
      this.u32 = new Uint32Array(buf);
    }
    return this.u8;
  }

  /** @param {number} n grow the input buffer to at least n bytes */
  reserveIn(n) {
    if (n <= this.inCap) return;
    if (this.inPtr) this.x.sw_free(this.inPtr);
    this.inCap = Math.max(n, this.inCap * 2);
    this.inPtr = this.x.sw_malloc(this.inCap);
    if (!this.inPtr) throw new SipregError('SIPREG_E_NOMEM', 'out of memory');
  }

  /** @param {number} n grow the output buffer to at least n bytes */
  reserveOut(n) {
    if (n <= this.outCap) return;
    if (this.outPtr) this.x.sw_free(this.outPtr);
    this.outCap = Math.max(n, this.outCap * 2);
    this.outPtr = this.x.sw_malloc(this.outCap);
    if (!this.outPtr) throw new SipregError('SIPREG_E_NOMEM', 'out of memory');
  }

  /**
   * Write a string as UTF-8 into the input buffer at `at`.
   * @param {string} s
   * @param {number} [at] byte offset inside the input buffer
   * @returns {number} bytes written
   */
  put(s, at = 0) {
    this.staged = undefined;
    this.reserveIn(at + s.length * 3 + 1);
    return encoder.encodeInto(s, this.bytes().subarray(this.inPtr + at, this.inPtr + this.inCap)).written;
  }

  /**
   * Copy bytes into the input buffer at `at`.
   * @param {Uint8Array} bytes @param {number} [at]
   */
  putBytes(bytes, at = 0) {
    this.staged = undefined;
    this.reserveIn(at + bytes.length);
    this.bytes().set(bytes, this.inPtr + at);
  }

  /** @param {number} ptr @param {number} len @returns {string} UTF-8 text in wasm memory */
  text(ptr, len) {
    const b = this.bytes();
    if (len <= 24) { // short ASCII: cheaper than a TextDecoder call
      let s = '';
      for (let i = ptr; i < ptr + len; i++) {
        const c = b[i];
        if (c >= 0x80) return decoder.decode(b.subarray(ptr, ptr + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(b.subarray(ptr, ptr + len));
  }

  /**
   * The value a view tape of n words at the output buffer describes (objects, arrays, strings,
   * numbers, literals). Strings inside the input are sliced from `src` when it is the ASCII
   * string that was written at `base`.
   * @param {number} n @param {string} [src] @param {number} [base]
   * @returns {any}
   */
  tape(n, src, base = 0) {
    this.bytes();
    const w = this.u32, statics = this.statics, limit = src === undefined ? 0 : base + src.length;
    const stack = [];
    let i = this.outPtr >>> 2, cur, key = '', arr = false, root, v;
    const end = i + n;
    while (i < end) {
      const word = w[i++], x = word >>> 4;
      switch (word & 15) {
        case END: cur = stack.pop(); arr = Array.isArray(cur); continue;
        case SKEY: key = statics.get(x) ?? this.static(x); continue;
        case KEY: {
          const p = w[i++];
          key = p >= base && p + x <= limit ? src.slice(p - base, p - base + x) : this.text(p, x);
          continue;
        }
        case STR: {
          const p = w[i++];
          v = p >= base && p + x <= limit ? src.slice(p - base, p - base + x) : this.text(p, x);
          break;
        }
        case SSTR: v = statics.get(x) ?? this.static(x); break;
        case INT: v = x; break;
        case INT64: v = (w[i + 1] | 0) * 4294967296 + w[i]; i += 2; break;
        case DEC3: v = x / 1000; break;
        case NULL: v = null; break;
        case TRUE: v = true; break;
        case FALSE: v = false; break;
        case OBJECT: case ARRAY: {
          v = (word & 15) === ARRAY ? [] : {};
          if (cur === undefined) root = v;
          else if (arr) cur.push(v);
          else cur[key] = v;
          stack.push(cur);
          cur = v;
          arr = (word & 15) === ARRAY;
          continue;
        }
        default: throw new SipregError('SIPREG_E_INVAL', `corrupt view tape (word ${word})`);
      }
      if (arr) cur.push(v);
      else if (cur === undefined) root = v;
      else cur[key] = v;
    }
    return root;
  }

  /** @param {number} ptr @returns {string} a static string of the core, cached by address */
  static(ptr) { const s = this.cstring(ptr); this.statics.set(ptr, s); return s; }

  /** @param {number} ptr @returns {string} a NUL-terminated string in wasm memory */
  cstring(ptr) {
    const b = this.bytes();
    let end = ptr;
    while (b[end]) end++;
    return decoder.decode(b.subarray(ptr, end));
  }

  /** @param {number} err negative error code @param {object} [detail] @returns {SipregError} */
  error(err, detail) {
    return new SipregError(this.cstring(this.x.sw_errname(err)), this.cstring(this.x.sw_strerror(err)), detail);
  }

  /** @param {number} r @param {object} [detail] @returns {number} r, or throws when negative */
  check(r, detail) {
    if (r < 0) throw this.error(r, detail);
    return r;
  }

  /** @returns {string} the core's version */
  version() { return this.cstring(this.x.sw_version()); }

  /**
   * The `sipreg parse` view of a message as objects (JSON.stringify of it prints the native
   * CLI's bytes).
   * @param {string|Uint8Array} message
   * @returns {object}
   */
  parse(message) {
    let len, src;
    if (typeof message === 'string') {
      len = this.put(message);
      if (len === message.length) src = message; // ASCII: byte offsets are string offsets
    } else {
      this.putBytes(message);
      len = message.length;
    }
    for (;;) {
      const n = this.x.sw_parse(this.inPtr, len, this.outPtr, this.outCap);
      if (n === E_BUFFER) { this.reserveOut(this.outCap * 2); continue; }
      return this.tape(this.check(n), src, this.inPtr);
    }
  }

  /**
   * RFC 3261 §19.1.4 equality.
   * @param {string} a @param {string} b
   * @returns {boolean}
   */
  uriEqual(a, b) {
    const al = this.put(a);
    const bl = this.put(b, al);
    const r = this.x.sw_uri_equal(this.inPtr, al, this.inPtr + al, bl, this.ints, this.ints + 4);
    if (r < 0) {
      const view = new Int32Array(this.x.memory.buffer, this.ints, 2);
      throw this.error(r, { offset: view[0], uri: view[1] === 0 ? 'A' : 'B' });
    }
    return r === 1;
  }

  /**
   * The Call-ID of a message (to route it to its registration), or null.
   * @param {string} message
   * @returns {string|null}
   */
  callId(message) {
    const len = this.put(message);
    // keep it staged: recv() of the same message (the pool routes, then feeds) copies nothing
    this.staged = message;
    this.stagedLen = len;
    const n = this.x.sw_call_id(this.inPtr, len, this.ints);
    if (n <= 0) return null;
    this.bytes();
    const off = this.u32[this.ints >>> 2];
    // an ASCII message: slice the string (a flat string hashes at once in the routing Map)
    return len === message.length ? message.slice(off, off + n) : this.text(this.inPtr + off, n);
  }

  /**
   * Build a configuration in wasm memory; the caller frees it with freeConfig.
   * @param {Record<string, string|number|boolean>} settings keys of sipreg_config_set
   * @param {{uri?: string, expires?: number, q?: number}[]} contacts
   * @param {Uint8Array} [seed] 32 bytes of entropy
   * @returns {number} the builder handle
   */
  buildConfig(settings, contacts, seed) {
    const cfg = this.x.sw_cfg_new();
    if (!cfg) throw new SipregError('SIPREG_E_NOMEM', 'out of memory');
    try {
      for (const [key, value] of Object.entries(settings)) {
        if (value === undefined || value === null) continue;
        const kl = this.put(key);
        const vl = this.put(typeof value === 'boolean' ? (value ? '1' : '0') : String(value), kl);
        const r = this.x.sw_cfg_set(cfg, this.inPtr, kl, this.inPtr + kl, vl);
        if (r < 0) throw this.error(r, { key, value: key === 'password' ? '(hidden)' : value });
      }
      for (const c of contacts) {
        const ul = c.uri ? this.put(c.uri) : 0;
        const q = c.q === undefined || c.q === null ? -1 : Math.round(c.q * 1000);
        this.check(this.x.sw_cfg_contact(cfg, this.inPtr, ul, c.expires ?? -1, q), { contact: c.uri });
      }
      if (seed) {
        this.putBytes(seed.subarray(0, 32));
        this.x.sw_cfg_seed(cfg, this.inPtr);
      }
    } catch (e) {
      this.x.sw_cfg_free(cfg);
      throw e;
    }
    return cfg;
  }

  /** @param {number} cfg */
  freeConfig(cfg) { this.x.sw_cfg_free(cfg); }

  /**
   * The core's sentence naming what makes a configuration invalid, or null when it is valid.
   * @param {number} cfg @returns {string|null}
   */
  configProblem(cfg) {
    const p = this.x.sw_config_problem(cfg);
    return p ? this.cstring(p) : null;
  }

  /**
   * An error of the core, worded by the configuration's problem when it refused the configuration.
   * @param {SipregError} e @param {number} cfg @returns {SipregError}
   */
  configError(e, cfg) {
    if (e.code !== 'SIPREG_E_CONFIG') return e;
    const problem = this.configProblem(cfg);
    if (problem) {
      e.message = `${e.code}: ${problem}`;
      e.problem = problem;
    }
    return e;
  }

  /**
   * @param {number} cfg
   * @param {string} [state] a blob from exportState(); refused blobs throw SIPREG_E_STATE_BLOB
   * @returns {number} a registration handle
   */
  newRegistration(cfg, state) {
    if (state === undefined || state === null) return this.check(this.x.sw_reg_new(cfg));
    const len = this.put(String(state));
    return this.check(this.x.sw_reg_new_state(cfg, this.inPtr, len));
  }

  /** @param {number} h @returns {string} the opaque state blob of a registration */
  exportState(h) {
    for (;;) {
      const n = this.x.sw_export(h, this.outPtr, this.outCap);
      if (n === E_BUFFER) { this.reserveOut(this.outCap * 2); continue; }
      return this.text(this.outPtr, this.check(n));
    }
  }

  /**
   * Feed a received message.
   * @param {number} h @param {string} message @param {number} now
   * @returns {number} 0, or a negative code (the message was not ours / did not parse)
   */
  recv(h, message, now) {
    const len = message === this.staged ? this.stagedLen : this.put(message);
    return this.x.sw_recv(h, this.inPtr, len, now);
  }

  /**
   * Take every message the registration wants sent.
   * @param {number} h
   * @returns {string[]}
   */
  drainSends(h) {
    const out = [];
    for (;;) {
      const n = this.x.sw_poll_send(h, this.outPtr, this.outCap);
      if (n === E_BUFFER) { this.reserveOut(this.outCap * 2); continue; }
      if (n < 0) return out;
      out.push(this.text(this.outPtr, n));
    }
  }

  /**
   * Take every pending event; those whose bit (eventBits) is not in `wanted` are dropped unread.
   * @param {number} h
   * @param {number} [wanted] a mask of eventBits values (default: all)
   * @returns {object[]} parsed event objects
   */
  drainEvents(h, wanted = -1) {
    const out = [];
    for (;;) {
      const n = this.x.sw_poll_event(h, this.outPtr, this.outCap, wanted);
      if (n < 0) return out;
      out.push(this.tape(n));
    }
  }

  /** @param {number} h @returns {object} the snapshot (state, times, bindings) */
  info(h) {
    for (;;) {
      const n = this.x.sw_info(h, this.outPtr, this.outCap);
      if (n === E_BUFFER) { this.reserveOut(this.outCap * 2); continue; }
      return this.tape(this.check(n));
    }
  }
}

// ---- loading ----

/**
 * Bytes or a compiled module from what the caller gave.
 * @param {URL|string|ArrayBuffer|ArrayBufferView|WebAssembly.Module|Response} source
 * @returns {Promise<ArrayBuffer|ArrayBufferView|WebAssembly.Module|Response>}
 */
async function resolveSource(source) {
  if (typeof source === 'string') source = new URL(source, globalThis.location?.href);
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return readFile(source);
    }
    return fetch(source);
  }
  return source;
}

/**
 * Load and instantiate the sipreg WebAssembly module.
 * @param {URL|string|ArrayBuffer|ArrayBufferView|WebAssembly.Module|Response} source where the .wasm is
 * @returns {Promise<Core>}
 */
export async function loadCore(source) {
  const imports = { env: { emscripten_notify_memory_growth() {} } };
  const src = await resolveSource(source);
  let instance;
  if (src instanceof WebAssembly.Module) {
    instance = await WebAssembly.instantiate(src, imports);
  } else if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) {
    // bytes first: on Node 20 merely touching the global Response loads all of fetch (~12 ms)
    ({ instance } = await WebAssembly.instantiate(src, imports));
  } else if (typeof Response !== 'undefined' && src instanceof Response) {
    if (!src.ok) throw new Error(`sipreg: cannot load the wasm module (HTTP ${src.status})`);
    const bytes = await src.arrayBuffer();
    ({ instance } = await WebAssembly.instantiate(bytes, imports));
  } else {
    ({ instance } = await WebAssembly.instantiate(src, imports));
  }
  instance.exports._initialize?.();
  return new Core(instance.exports);
}
