// observed-bindings.mjs — the bindings a multicast listener has seen requested (RFC 3261
// §10.2.6: UAs "MAY listen to that address and use it to become aware of the location of other
// local users"). The REGISTERs are applied as a registrar would apply them (§10.3 steps 6-7) but
// nothing is answered, and the registrar's verdict is never seen (its responses go unicast): an
// entry is what a user ASKED for, kept until its requested interval runs out. Bounded: at most
// `max` bindings; REGISTERs that would add more are counted in `dropped` and left out.

/**
 * @typedef {object} ObservedBinding
 * @property {string} aor          the To URI of the REGISTER (§10.2: the address-of-record)
 * @property {string} contact      the Contact URI
 * @property {number | null} q     the Contact's q, null when absent
 * @property {number} expires      seconds left (requested: Contact expires, else Expires, else the default)
 * @property {number} expiresAt    when it runs out (ms, the clock passed in)
 * @property {string | null} instance  +sip.instance (RFC 5626), null when absent
 * @property {string} callId
 * @property {number} cseq
 * @property {{address: string, port: number} | null} source  where the REGISTER came from
 */

/**
 * @typedef {object} RegisterView what the table needs of one parsed REGISTER (sipreg `parse` view
 *   plus the To URI)
 * @property {string} aor
 * @property {string} callId
 * @property {{seq: number}} cseq
 * @property {boolean} star
 * @property {number | null} expires
 * @property {Array<{uri: string, q: number | null, expires: number | null, instance: string | null}>} contacts
 */

/** The table of observed bindings (no I/O, no timers: the clock comes in). */
export class ObservedBindings {
  /** @type {Array<{aor: string, bindings: ObservedBinding[]}>} */
  #aors = [];
  #count = 0;

  /**
   * @param {{ uriEqual: (a: string, b: string) => boolean, max?: number, defaultExpires?: number }} options
   *   uriEqual: RFC 3261 §19.1.4 comparison (throws on a bad URI); max: most bindings kept
   *   (default 1000); defaultExpires: seconds for a contact with neither an expires parameter
   *   nor an Expires header ("a locally-configured default", §10.3 step 7; default 3600)
   */
  constructor({ uriEqual, max = 1000, defaultExpires = 3600 }) {
    if (!(Number.isInteger(max) && max > 0)) throw new TypeError(`sipreg: max must be a positive integer, not ${max}`);
    if (!(Number.isInteger(defaultExpires) && defaultExpires > 0))
      throw new TypeError(`sipreg: defaultExpires must be a positive integer, not ${defaultExpires}`);
    this.uriEqual = uriEqual;
    this.max = max;
    this.defaultExpires = defaultExpires;
    /** REGISTERs whose new bindings did not fit */
    this.dropped = 0;
  }

  /** @returns {number} bindings held */
  get size() {
    return this.#count;
  }

  /** @param {string} a @param {string} b */
  #same(a, b) {
    if (a === b) return true;
    try {
      return this.uriEqual(a, b);
    } catch {
      return false;
    }
  }

  /** @param {string} aor */
  #record(aor) {
    return this.#aors.find((r) => this.#same(r.aor, aor));
  }

  /**
   * Apply one REGISTER (§10.3 steps 6-7) at time `now`.
   * @param {RegisterView} req @param {number} now ms @param {{address: string, port: number} | null} [source]
   * @returns {{ok: boolean, why?: string, added: ObservedBinding[], refreshed: ObservedBinding[], removed: ObservedBinding[]}}
   *   ok false: the request changes nothing (out of order, invalid, or the table is full)
   */
  apply(req, now, source = null) {
    const none = { added: [], refreshed: [], removed: [] };
    const record = this.#record(req.aor);
    const old = record?.bindings ?? [];
    // §10.3 step 7 (and step 6 for "*"): a binding with the same Call-ID and a CSeq not higher
    // than the stored one means an out-of-order request: the whole update is aborted
    const stale = (b) => b.callId === req.callId && req.cseq.seq <= b.cseq;
    if (req.star) {
      // §10.3 step 6: "*" only alone and with Expires: 0, else 400
      if (req.contacts.length > 0 || req.expires !== 0) return { ok: false, why: 'invalid', ...none };
      if (old.some(stale)) return { ok: false, why: 'out-of-order', ...none };
      if (record) this.#drop(record, old);
      return { ok: true, ...none, removed: old };
    }
    const changes = [];
    for (const c of req.contacts) {
      const expires = c.expires ?? req.expires ?? this.defaultExpires;
      const existing = old.find((b) => this.#same(b.contact, c.uri));
      if (existing && stale(existing)) return { ok: false, why: 'out-of-order', ...none };
      if (changes.some((x) => this.#same(x.c.uri, c.uri))) continue; // listed twice: the first counts
      changes.push({ c, expires, existing });
    }
    const adds = changes.filter((x) => !x.existing && x.expires > 0).length;
    const removes = changes.filter((x) => x.existing && x.expires === 0).length;
    if (this.#count + adds - removes > this.max) {
      this.dropped++;
      return { ok: false, why: 'full', ...none };
    }
    const out = { ok: true, added: [], refreshed: [], removed: [] };
    let rec = record;
    for (const { c, expires, existing } of changes) {
      if (expires === 0) {
        if (existing) {
          this.#drop(/** @type {any} */ (rec), [existing]);
          out.removed.push(existing);
        }
        continue;
      }
      const b = {
        aor: rec?.aor ?? req.aor,
        contact: existing?.contact ?? c.uri,
        q: c.q ?? null,
        expires,
        expiresAt: now + expires * 1000,
        instance: c.instance ?? null,
        callId: req.callId,
        cseq: req.cseq.seq,
        source,
      };
      if (existing) {
        Object.assign(existing, b);
        out.refreshed.push({ ...existing });
        continue;
      }
      if (!rec) {
        rec = { aor: req.aor, bindings: [] };
        this.#aors.push(rec);
      }
      rec.bindings.push(b);
      this.#count++;
      out.added.push({ ...b });
    }
    return out;
  }

  /** @param {{aor: string, bindings: ObservedBinding[]}} rec @param {ObservedBinding[]} gone */
  #drop(rec, gone) {
    const before = rec.bindings.length;
    rec.bindings = rec.bindings.filter((b) => !gone.includes(b));
    this.#count -= before - rec.bindings.length;
    if (rec.bindings.length === 0) this.#aors = this.#aors.filter((r) => r !== rec);
  }

  /**
   * Remove what has run out by `now`.
   * @param {number} now @returns {ObservedBinding[]} the bindings removed
   */
  expire(now) {
    const gone = [];
    for (const rec of [...this.#aors]) {
      const out = rec.bindings.filter((b) => b.expiresAt <= now);
      if (out.length) {
        this.#drop(rec, out);
        gone.push(...out);
      }
    }
    return gone.map((b) => ({ ...b, expires: 0 }));
  }

  /** @returns {number} the earliest expiresAt (ms), Infinity when empty */
  next() {
    let t = Infinity;
    for (const rec of this.#aors) for (const b of rec.bindings) t = Math.min(t, b.expiresAt);
    return t;
  }

  /**
   * Every binding with the seconds left at `now` (rounded up).
   * @param {number} now @returns {ObservedBinding[]}
   */
  snapshot(now) {
    return this.#aors.flatMap((rec) =>
      rec.bindings.filter((b) => b.expiresAt > now).map((b) => ({ ...b, expires: Math.ceil((b.expiresAt - now) / 1000) })),
    );
  }
}
