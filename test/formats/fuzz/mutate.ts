// Seeded mutants of a file's bytes: bit flips, truncations, numbers in text replaced by hostile
// ones (huge lengths, negative gains, NaN), binary fields overwritten with extremes, chunks cut out
// or repeated. The same (file, index) always gives the same mutant, so a finding reproduces.
import { mulberry32 } from '../../../src/shared/random.js';

export type MutationKind = 'flip' | 'truncate' | 'number' | 'field' | 'chunk';

export interface Mutant {
  readonly kind: MutationKind;
  /** What was done, short enough for a finding's line. */
  readonly what: string;
  readonly bytes: Buffer;
}

/** Text replacing a number: lengths past any file, 2^31, negative and zero gains, NaN, overflow. */
const HOSTILE_NUMBERS = ['0', '-1', '-32768', '2147483648', '4294967296', '99999999999999999999', 'NaN', '1e308', '1e999', '-0.5', '', '65536', '1e-300', 'Infinity'];
/** Little-endian integers written over a binary field. */
const HOSTILE_INTS = [0, 0xffffffff, 0x7fffffff, 0x80000000, 0xffff, 0x8000, 1];

/** A small string hash, for per-file seeds. */
export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Kinds that suit a file: text files get number edits, binary ones field overwrites. */
export function kindsFor(text: boolean): MutationKind[] {
  return text ? ['number', 'flip', 'truncate', 'number', 'chunk'] : ['field', 'flip', 'truncate', 'field', 'chunk'];
}

/**
 * Mutant `index` of `bytes`. `text` marks a text file (WFDB header, XML); `headerBytes` is where a
 * binary file keeps its structure (edits land there half of the time, where they matter most).
 */
export function mutate(bytes: Buffer, seed: number, index: number, text: boolean, headerBytes = 4096): Mutant {
  const next = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const pick = (n: number) => Math.floor(next() * n);
  const kinds = kindsFor(text);
  const kind = kinds[index % kinds.length];
  const len = bytes.length;
  // Binary edits favour the header region; text edits go anywhere.
  const where = () => (!text && next() < 0.5 ? pick(Math.min(len, headerBytes)) : pick(len));
  switch (kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      const flips = 1 + pick(8);
      const at: number[] = [];
      for (let i = 0; i < flips && len > 0; i++) {
        const p = where();
        out[p] ^= 1 << pick(8);
        at.push(p);
      }
      return { kind, what: `bits flipped at ${at.join(',')}`, bytes: out };
    }
    case 'truncate': {
      // Cuts near both ends and in the middle: the first bytes, inside the header, inside the data.
      const points = [0, 1, pick(Math.min(len, 64)), pick(Math.min(len, headerBytes)), pick(len), len - 1 - pick(Math.min(len, 16))];
      const at = Math.max(0, points[pick(points.length)]);
      return { kind, what: `truncated at ${at} of ${len}`, bytes: bytes.subarray(0, at) };
    }
    case 'number': {
      const s = bytes.toString('latin1');
      const numbers = [...s.matchAll(/-?\d+(?:\.\d+)?/g)];
      if (numbers.length === 0) return mutate(bytes, seed, index + 1, text, headerBytes);
      // Numbers early in a file (headers, lengths, gains) are the interesting ones: bias toward them.
      const m = numbers[next() < 0.6 ? pick(Math.min(numbers.length, 64)) : pick(numbers.length)];
      const value = HOSTILE_NUMBERS[pick(HOSTILE_NUMBERS.length)];
      const start = m.index ?? 0;
      const out = s.slice(0, start) + value + s.slice(start + m[0].length);
      return { kind, what: `number '${m[0]}' at ${start} -> '${value}'`, bytes: Buffer.from(out, 'latin1') };
    }
    case 'field': {
      const out = Buffer.from(bytes);
      const width = next() < 0.5 ? 2 : 4;
      const at = Math.max(0, Math.min(where(), len - width));
      const v = HOSTILE_INTS[pick(HOSTILE_INTS.length)];
      if (len >= width) {
        if (width === 2) out.writeUInt16LE(v & 0xffff, at);
        else out.writeUInt32LE(v >>> 0, at);
      }
      return { kind, what: `${width} bytes at ${at} -> 0x${(v >>> 0).toString(16)}`, bytes: out };
    }
    case 'chunk': {
      const a = where();
      const n = 1 + pick(Math.max(1, Math.min(len - a, 256)));
      if (next() < 0.5) return { kind, what: `${n} bytes at ${a} cut out`, bytes: Buffer.concat([bytes.subarray(0, a), bytes.subarray(a + n)]) };
      return { kind, what: `${n} bytes at ${a} repeated`, bytes: Buffer.concat([bytes.subarray(0, a + n), bytes.subarray(a, a + n), bytes.subarray(a + n)]) };
    }
  }
}
