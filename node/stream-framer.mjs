// stream-framer.mjs — SIP messages out of a byte stream (RFC 3261 §18.3): the header section ends
// at the first CRLFCRLF, the body is Content-Length bytes (`Content-Length` or its compact form
// `l`, §7.3.3; required on streams). At a message boundary a CRLF is a keep-alive pong (RFC 5626
// §3.5.1) and is reported as "\r\n" (CRLFs before a start-line, §7.5, are reported the same way);
// a lone LF there is skipped. Bounded: a header section longer than maxHeader or a
// Content-Length above maxBody is a framing error (the stream cannot be resynchronised).
// Transport code only: it counts bytes and reads one header; the core parses the messages.

/** A stream that is not SIP framing; the flow is closed with cause 'framing'. */
export class FramingError extends Error {
  code = 'framing';
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** `Content-Length` or `l`, HCOLON (§25.1: *( SP / HTAB ) ":"), the value, to the line's end */
const LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*$/i;

/** Splits a byte stream into SIP messages (as bytes) and pongs. */
export class StreamFramer {
  /** @type {Buffer} bytes not yet part of a delivered message */
  #buf = Buffer.alloc(0);
  /** where the CRLFCRLF search resumes (bytes before it were searched) */
  #scan = 0;

  /**
   * @param {{ maxHeader?: number, maxBody?: number }} [limits] bytes; default 65,536 each
   */
  constructor({ maxHeader = 65_536, maxBody = 65_536 } = {}) {
    this.maxHeader = maxHeader;
    this.maxBody = maxBody;
  }

  /** @returns {number} bytes held (bounded by maxHeader + maxBody + one chunk) */
  get buffered() {
    return this.#buf.length;
  }

  /**
   * Take a chunk; return what it completes.
   * @param {Buffer} chunk
   * @returns {Array<Buffer | '\r\n'>} whole messages (header section + body) and pongs, in order
   * @throws {FramingError}
   */
  push(chunk) {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    const out = [];
    for (;;) {
      const b = this.#buf;
      let i = 0;
      // a message boundary: CRLF = pong; a lone LF skipped; a lone CR waits for its LF
      while (i < b.length && (b[i] === 0x0a || (b[i] === 0x0d && b[i + 1] === 0x0a))) {
        if (b[i] === 0x0d) {
          out.push('\r\n');
          i += 2;
        } else i += 1;
      }
      if (i > 0) {
        this.#buf = b.subarray(i);
        this.#scan = 0;
        continue;
      }
      if (b.length === 0 || (b.length === 1 && b[0] === 0x0d)) return out;
      const end = b.indexOf(CRLFCRLF, this.#scan);
      if (end < 0) {
        if (b.length > this.maxHeader) throw new FramingError(`no end of the header section within ${this.maxHeader} bytes`);
        this.#scan = Math.max(0, b.length - 3);
        return out;
      }
      const head = end + 4;
      if (head > this.maxHeader) throw new FramingError(`header section of ${head} bytes (over ${this.maxHeader})`);
      const length = this.#contentLength(b.subarray(0, end));
      if (b.length < head + length) {
        this.#scan = end; // found again at once when more arrives
        return out;
      }
      out.push(b.subarray(0, head + length));
      this.#buf = b.subarray(head + length);
      this.#scan = 0;
    }
  }

  /** @param {Buffer} head the header section without its final CRLFCRLF @returns {number} */
  #contentLength(head) {
    const lines = head.toString('latin1').split('\r\n');
    let found = null;
    for (let k = 1; k < lines.length; k++) {
      const m = LENGTH.exec(lines[k]);
      if (!m) continue;
      if (!/^\d{1,10}$/.test(m[1])) throw new FramingError(`Content-Length "${m[1].slice(0, 20)}" is not a number`);
      const n = Number(m[1]);
      if (found !== null && found !== n) throw new FramingError('two different Content-Length values');
      found = n;
    }
    if (found === null) throw new FramingError('no Content-Length on a stream (RFC 3261 §18.3)');
    if (found > this.maxBody) throw new FramingError(`Content-Length ${found} over ${this.maxBody}`);
    return found;
  }
}
