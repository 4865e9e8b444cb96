// Section 2 Huffman tables and the decoder for sections 5 and 6. A code row is (prefix bits,
// total bits, table-mode switch, base value, base code); the base code is stored with its first
// bit in bit 0. A row whose total exceeds its prefix is followed by (total - prefix) bits of the
// value itself, two's complement, most significant bit first. Switch 0 means "continue with
// table <base value>". Table number 19999 means the standard's default table.
import { FormatError } from '../types.js';
import type { ScpBytes } from './bytes.js';
import type { ScpSection } from './sections.js';

export interface HuffmanCode {
  readonly prefixBits: number;
  readonly totalBits: number;
  /** 1: the row gives a value; 0: switch to table `baseValue` (1-based). */
  readonly mode: number;
  readonly baseValue: number;
  readonly baseCode: number;
}

export type HuffmanTable = readonly HuffmanCode[];

const DEFAULT_TABLES_MARK = 19999;

/** EN 1064's default table: 0 -> '0', +-1..+-8 -> '1..10s' codes, then 8- and 16-bit escapes. */
export const DEFAULT_TABLE: HuffmanTable = (() => {
  const rows: HuffmanCode[] = [{ prefixBits: 1, totalBits: 1, mode: 1, baseValue: 0, baseCode: 0 }];
  for (let v = 1; v <= 8; v++) {
    const bits = v + 2; // v ones, then 0, then the sign bit
    for (const sign of [0, 1]) {
      let code = 0;
      for (let i = 0; i < v; i++) code |= 1 << i; // leading ones, first bit in bit 0
      code |= sign << (v + 1);
      rows.push({ prefixBits: bits, totalBits: bits, mode: 1, baseValue: sign ? -v : v, baseCode: code });
    }
  }
  // '1111111110' + 8 bits and '1111111111' + 16 bits of the value itself.
  rows.push({ prefixBits: 10, totalBits: 18, mode: 1, baseValue: 0, baseCode: 0x1ff });
  rows.push({ prefixBits: 10, totalBits: 26, mode: 1, baseValue: 0, baseCode: 0x3ff });
  return rows;
})();

export function readHuffmanSection(b: ScpBytes, s: ScpSection): HuffmanTable[] {
  const count = b.u16(s.data, 'section 2 table count');
  if (count === DEFAULT_TABLES_MARK) return [DEFAULT_TABLE];
  if (count === 0) throw new FormatError('format', `${b.name}: section 2 declares no Huffman table`);
  const tables: HuffmanTable[] = [];
  let p = s.data + 2;
  for (let t = 0; t < count; t++) {
    const n = b.u16(p, 'section 2 code count');
    p += 2;
    if (p + 9 * n > s.end) throw new FormatError('truncated', `${b.name}: section 2 table ${t + 1} (${n} codes) runs past the section`);
    const rows: HuffmanCode[] = [];
    for (let i = 0; i < n; i++, p += 9) {
      const row = { prefixBits: b.u8(p), totalBits: b.u8(p + 1), mode: b.u8(p + 2), baseValue: b.i16(p + 3), baseCode: b.u32(p + 5) };
      if (row.prefixBits < 1 || row.prefixBits > 32 || row.totalBits < row.prefixBits || row.totalBits - row.prefixBits > 32) {
        throw new FormatError('format', `${b.name}: section 2 table ${t + 1} code ${i + 1} has ${row.prefixBits} prefix and ${row.totalBits} total bits`);
      }
      rows.push(row);
    }
    tables.push(rows);
  }
  return tables;
}

/** A binary decoding tree as flat arrays: child[2n + bit] (0 = none), leaf row + 1 in `row`. */
interface Tree {
  readonly child: Int32Array;
  readonly row: Int32Array;
}

function buildTree(table: HuffmanTable, name: string, index: number): Tree {
  const maxNodes = table.reduce((n, r) => n + r.prefixBits, 1);
  const child = new Int32Array(2 * maxNodes);
  const row = new Int32Array(maxNodes);
  let nodes = 1;
  table.forEach((r, i) => {
    let node = 0;
    for (let k = 0; k < r.prefixBits; k++) {
      if (row[node]) throw new FormatError('format', `${name}: Huffman table ${index} is not prefix-free (code ${i + 1})`);
      const bit = (r.baseCode >>> k) & 1;
      let next = child[2 * node + bit];
      if (!next) child[2 * node + bit] = next = nodes++;
      node = next;
    }
    if (row[node] || child[2 * node] || child[2 * node + 1]) throw new FormatError('format', `${name}: Huffman table ${index} is not prefix-free (code ${i + 1})`);
    row[node] = i + 1;
  });
  return { child, row };
}

export class HuffmanDecoder {
  private readonly trees: Tree[];

  constructor(
    private readonly tables: readonly HuffmanTable[],
    private readonly name: string,
  ) {
    this.trees = tables.map((t, i) => buildTree(t, name, i + 1));
  }

  /**
   * Decodes up to `count` values from `bytes` (one lead's data). Each lead starts with table 1.
   * Returns the values read; fewer than `count` when the bytes end first.
   */
  decode(bytes: Uint8Array, count: number): Int32Array {
    const out = new Int32Array(count);
    const nbits = bytes.length * 8;
    let pos = 0;
    let t = 0;
    let tree = this.trees[0];
    let table = this.tables[0];
    let n = 0;
    while (n < count && pos < nbits) {
      let node = 0;
      while (!tree.row[node]) {
        if (pos >= nbits) return out.subarray(0, n);
        const bit = (bytes[pos >> 3] >> (7 - (pos & 7))) & 1;
        pos++;
        node = tree.child[2 * node + bit];
        if (!node) throw new FormatError('format', `${this.name}: bit pattern at bit ${pos} matches no code of Huffman table ${t + 1}`);
      }
      const r = table[tree.row[node] - 1];
      if (r.mode === 0) {
        t = r.baseValue - 1;
        if (t < 0 || t >= this.trees.length) throw new FormatError('format', `${this.name}: Huffman code switches to table ${r.baseValue}, section 2 has ${this.trees.length}`);
        tree = this.trees[t];
        table = this.tables[t];
        continue;
      }
      const extra = r.totalBits - r.prefixBits;
      if (extra === 0) {
        out[n++] = r.baseValue;
        continue;
      }
      if (pos + extra > nbits) return out.subarray(0, n);
      let v = 0;
      for (let k = 0; k < extra; k++, pos++) v = v * 2 + ((bytes[pos >> 3] >> (7 - (pos & 7))) & 1);
      if (v >= 2 ** (extra - 1)) v -= 2 ** extra;
      out[n++] = v;
    }
    return out.subarray(0, n);
  }
}
