// wasm-sections.mjs — where a .wasm's bytes go: section sizes, and (when the module has a
// "name" section, e.g. built with --profiling-funcs) the largest function bodies.
//   node tests/bench/js/wasm-sections.mjs FILE.wasm [TOP]
import { readFileSync } from 'node:fs';

const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
];

/** @param {Uint8Array} b @param {{at: number}} pos */
function uleb(b, pos) {
  let result = 0,
    shift = 0,
    byte;
  do {
    byte = b[pos.at++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
}

/**
 * @param {Uint8Array} bytes
 * @returns {{sections: {name: string, size: number}[], functions: {index: number, name: string, size: number}[], imports: number}}
 */
export function analyze(bytes) {
  const sections = [];
  const bodies = [];
  const names = new Map();
  let imports = 0;
  const pos = { at: 8 };
  while (pos.at < bytes.length) {
    const id = bytes[pos.at++];
    const size = uleb(bytes, pos);
    const start = pos.at;
    let name = SECTION_NAMES[id] ?? `#${id}`;
    if (id === 0) {
      const p = { at: start };
      const n = uleb(bytes, p);
      name = `custom:${new TextDecoder().decode(bytes.subarray(p.at, p.at + n))}`;
      if (name === 'custom:name') {
        p.at += n;
        while (p.at < start + size) {
          const sub = bytes[p.at++];
          const subSize = uleb(bytes, p);
          const subEnd = p.at + subSize;
          if (sub === 1) {
            const count = uleb(bytes, p);
            for (let i = 0; i < count; i++) {
              const idx = uleb(bytes, p);
              const len = uleb(bytes, p);
              names.set(idx, new TextDecoder().decode(bytes.subarray(p.at, p.at + len)));
              p.at += len;
            }
          }
          p.at = subEnd;
        }
      }
    } else if (id === 2) {
      const p = { at: start };
      const count = uleb(bytes, p);
      for (let i = 0; i < count; i++) {
        const ml = uleb(bytes, p);
        p.at += ml;
        const fl = uleb(bytes, p);
        p.at += fl;
        const kind = bytes[p.at++];
        if (kind === 0) {
          imports++;
          uleb(bytes, p);
        } else if (kind === 1) {
          p.at++;
          const f = bytes[p.at++];
          uleb(bytes, p);
          if (f & 1) uleb(bytes, p);
        } else if (kind === 2) {
          const f = bytes[p.at++];
          uleb(bytes, p);
          if (f & 1) uleb(bytes, p);
        } else {
          p.at += 2;
        }
      }
    } else if (id === 10) {
      const p = { at: start };
      const count = uleb(bytes, p);
      for (let i = 0; i < count; i++) {
        const len = uleb(bytes, p);
        bodies.push(len);
        p.at += len;
      }
    }
    sections.push({ name, size });
    pos.at = start + size;
  }
  const functions = bodies.map((size, i) => ({ index: imports + i, name: names.get(imports + i) ?? `func${imports + i}`, size }));
  return { sections, functions, imports };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  const { sections, functions } = analyze(new Uint8Array(readFileSync(file)));
  for (const s of sections) console.log(`${s.name.padEnd(24)} ${String(s.size).padStart(7)}`);
  console.log('');
  for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, top)) {
    console.log(`${String(f.size).padStart(7)}  ${f.name}`);
  }
}
