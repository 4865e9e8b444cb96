// A tiny MIT-format annotation writer for fixtures (WFDB Programmer's Guide, annot(5)): 16-bit
// little-endian words of 6-bit code and 10-bit time step; SKIP for longer steps, then SUB, CHN,
// NUM and AUX after the annotation they modify; a zero word ends the file.
import { writeFileSync } from 'node:fs';

export interface Ann {
  readonly sample: number;
  readonly symbol: string;
  readonly subtype?: number;
  readonly chan?: number;
  readonly num?: number;
  readonly aux?: string;
}

/** wfdb-python's symbols -> MIT codes (ecgcodes.h). */
const CODES: Record<string, number> = {
  N: 1, L: 2, R: 3, a: 4, V: 5, F: 6, J: 7, A: 8, S: 9, E: 10, j: 11, '/': 12, Q: 13, '~': 14, '|': 16, s: 18, T: 19, '*': 20, D: 21,
  '"': 22, '=': 23, p: 24, B: 25, '^': 26, t: 27, '+': 28, u: 29, '?': 30, '!': 31, '[': 32, ']': 33, e: 34, n: 35, '@': 36, x: 37, f: 38, '(': 39, ')': 40, r: 41,
};

export function mitAnnotationBytes(list: readonly Ann[]): Uint8Array {
  const bytes: number[] = [];
  const word = (w: number) => bytes.push(w & 0xff, (w >> 8) & 0xff);
  let last = 0;
  let chan = 0;
  let num = 0;
  for (const a of list) {
    const code = CODES[a.symbol];
    if (code === undefined) throw new Error(`no MIT code for '${a.symbol}'`);
    const step = a.sample - last;
    if (step < 0 || step > 1023) {
      word(59 << 10);
      word((step >>> 16) & 0xffff);
      word(step & 0xffff);
      word(code << 10);
    } else word((code << 10) | step);
    last = a.sample;
    if (a.subtype) word((61 << 10) | (a.subtype & 0x3ff));
    if ((a.chan ?? chan) !== chan) word((62 << 10) | ((chan = a.chan ?? chan) & 0x3ff));
    if ((a.num ?? num) !== num) word((60 << 10) | ((num = a.num ?? num) & 0x3ff));
    if (a.aux) {
      const text = Buffer.from(a.aux, 'latin1');
      word((63 << 10) | text.length);
      for (const b of text) bytes.push(b);
      if (text.length % 2) bytes.push(0);
    }
  }
  word(0);
  return Uint8Array.from(bytes);
}

export function writeMitAnnotations(path: string, list: readonly Ann[]): void {
  writeFileSync(path, mitAnnotationBytes(list));
}
