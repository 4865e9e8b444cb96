// Encoding side of sections 5/6 data: first and second differences and Huffman coding with one
// table (the standard's default when section 2 says 19999), the bit order huffman.ts decodes:
// prefix bits from the base code's bit 0 up, then the value's own bits most significant first,
// each lead's bit stream padded to a whole byte.
import type { HuffmanCode, HuffmanTable } from './huffman.js';

/** Differences of order 0, 1 or 2 (the first 1 or 2 values kept as they are), as EN 1064 defines them. */
export function differences(x: ArrayLike<number>, order: 0 | 1 | 2): Int32Array {
  const out = Int32Array.from(x);
  if (order === 1) for (let i = 1; i < x.length; i++) out[i] = x[i] - x[i - 1];
  else if (order === 2) for (let i = 2; i < x.length; i++) out[i] = x[i] - 2 * x[i - 1] + x[i - 2];
  return out;
}

/** Whether every value fits a signed 16-bit field (plain storage and the default table's widest escape). */
export function fitsInt16(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] < -32768 || x[i] > 32767) return false;
  return true;
}

class BitWriter {
  private bytes: Uint8Array;
  private pos = 0;

  constructor(capacityBits: number) {
    this.bytes = new Uint8Array(Math.ceil(capacityBits / 8) + 8);
  }

  /** The low `n` bits (n <= 32) of `value`, most significant first, a byte's worth at a time. */
  put(value: number, n: number): void {
    if ((this.pos + n + 7) >> 3 >= this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2 + 8);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    while (n > 0) {
      const free = 8 - (this.pos & 7);
      const take = free < n ? free : n;
      const chunk = (value >>> (n - take)) & ((1 << take) - 1);
      this.bytes[this.pos >> 3] |= chunk << (free - take);
      this.pos += take;
      n -= take;
    }
  }

  done(): Uint8Array {
    return this.bytes.slice(0, Math.ceil(this.pos / 8));
  }
}

/** The cheapest row of a single table for `v`: an exact code, else the narrowest escape it fits. */
function rowFinder(table: HuffmanTable): (v: number) => HuffmanCode | undefined {
  const exact = new Map<number, HuffmanCode>();
  for (const r of table) if (r.mode === 1 && r.totalBits === r.prefixBits && !exact.has(r.baseValue)) exact.set(r.baseValue, r);
  const escapes = table.filter((r) => r.mode === 1 && r.totalBits > r.prefixBits).sort((a, b) => a.totalBits - b.totalBits);
  return (v) => {
    const e = exact.get(v);
    if (e) return e;
    return escapes.find((r) => {
      const half = 2 ** (r.totalBits - r.prefixBits - 1);
      return v >= -half && v < half;
    });
  };
}

/** Huffman-codes one lead's values with `table` (no table switches); throws when a value has no code. */
export function huffmanEncode(values: ArrayLike<number>, table: HuffmanTable): Uint8Array {
  const find = rowFinder(table);
  // Each row's prefix in emission order (the base code's bit 0 first) as one integer.
  const prefix = new Map<HuffmanCode, number>();
  for (const r of table) {
    let p = 0;
    for (let k = 0; k < r.prefixBits; k++) p = p * 2 + ((r.baseCode >>> k) & 1);
    prefix.set(r, p);
  }
  const w = new BitWriter(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const r = find(v);
    if (!r) throw new RangeError(`value ${v} has no code in the Huffman table`);
    w.put(prefix.get(r)!, r.prefixBits);
    const extra = r.totalBits - r.prefixBits;
    if (extra) w.put(v < 0 ? v + 2 ** extra : v, extra);
  }
  return w.done();
}
