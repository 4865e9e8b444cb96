// Writing WFDB annotation files as the WFDB library's putann does (MIT format: SKIP for long or
// backward jumps, SUB/CHN/NUM/AUX only where they change; AHA format: 16-byte entries padded to
// a 1,024-byte block): for test fixtures, the demo corpus and benchmarks.
import { writeFileSync } from 'node:fs';
import { ACMAX, AUX, CHN, NOTANN, NOTE, NUM, SKIP, SUB, annotationCode, mitToAha } from './annotation-codes.js';

export interface AnnotationToWrite {
  /** Frame number (ticks of `timeResolution` when that is given). */
  readonly sample: number;
  /** A standard symbol or one of `symbols`; ignored when `code` is given. */
  readonly symbol?: string;
  readonly code?: number;
  readonly subtype?: number;
  readonly chan?: number;
  readonly num?: number;
  readonly aux?: string;
}

export interface AnnotationWriteOptions {
  readonly format?: 'mit' | 'aha';
  /** Written as the '## time resolution: X' note (MIT only). */
  readonly timeResolution?: number;
  /** Custom code -> symbol definitions written as the annotation type table (MIT only). */
  readonly symbols?: ReadonlyMap<number, string>;
}

const MAXSKIP = 0x7fffffff;

class Words {
  private bytes: number[] = [];

  word(w: number): void {
    this.bytes.push(w & 0xff, (w >> 8) & 0xff);
  }

  /** PDP-11 order: the high 16-bit word first, each little-endian. */
  long(v: number): void {
    const u = v >>> 0;
    this.word(u >>> 16);
    this.word(u & 0xffff);
  }

  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }

  result(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function codeOf(a: AnnotationToWrite, symbols?: ReadonlyMap<number, string>): number {
  if (a.code !== undefined) {
    if (!Number.isInteger(a.code) || a.code < 0 || a.code > ACMAX) throw new Error(`annotation code ${a.code} is outside 0-${ACMAX}`);
    return a.code;
  }
  for (const [code, sym] of symbols ?? []) if (sym === a.symbol) return code;
  const code = annotationCode(a.symbol ?? '');
  if (code === undefined) throw new Error(`'${a.symbol}' is not a WFDB annotation symbol`);
  return code;
}

function latin1Bytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff);
  return out;
}

/** MIT-format bytes for annotations in time order (backward jumps are written as SKIPs too). */
export function encodeMitAnnotations(anns: readonly AnnotationToWrite[], opts: AnnotationWriteOptions = {}): Uint8Array {
  const w = new Words();
  let time = 0;
  let chan = 0;
  let num = 0;
  const put = (t: number, code: number, subtype: number, c: number, n: number, aux: string): void => {
    let delta = t - time;
    while (delta > MAXSKIP) {
      w.word(SKIP << 10);
      w.long(MAXSKIP);
      delta -= MAXSKIP;
    }
    while (delta < -MAXSKIP) {
      w.word(SKIP << 10);
      w.long(-MAXSKIP);
      delta += MAXSKIP;
    }
    if (code === NOTANN) {
      // A zero word would read as the end of the file: jump to just before and write a 1.
      w.word(SKIP << 10);
      w.long(delta - 1);
      delta = 1;
    } else if (delta > 0x3ff || delta < 0) {
      w.word(SKIP << 10);
      w.long(delta);
      delta = 0;
    }
    w.word(delta | (code << 10));
    if (subtype !== 0) w.word((SUB << 10) | (subtype & 0xff));
    if (c !== chan) w.word((CHN << 10) | (c & 0xff));
    if (n !== num) w.word((NUM << 10) | (n & 0xff));
    if (aux !== '') {
      const bytes = latin1Bytes(aux);
      if (bytes.length > 255) throw new Error(`aux note of ${bytes.length} bytes: at most 255`);
      w.word((AUX << 10) | bytes.length);
      for (const b of bytes) w.byte(b);
      if (bytes.length & 1) w.byte(0);
    }
    time = t;
    chan = c;
    num = n;
  };
  const table: string[] = [];
  if (opts.timeResolution !== undefined) table.push(`## time resolution: ${opts.timeResolution}`);
  if (opts.symbols?.size) {
    table.push('## annotation type definitions');
    for (const [code, sym] of opts.symbols) table.push(`${code} ${sym}`);
    table.push('## end of definitions');
  }
  for (const note of table) put(0, NOTE, 0, 0, 0, note);
  if (table.length) put(0, NOTANN, 0, 0, 0, '');
  for (const a of anns) put(a.sample, codeOf(a, opts.symbols), a.subtype ?? 0, a.chan ?? 0, a.num ?? 0, a.aux ?? '');
  w.word(0);
  return w.result();
}

/** AHA-format bytes: per entry 0, AHA letter, time, serial, subtype, MIT code, 6 aux bytes. */
export function encodeAhaAnnotations(anns: readonly AnnotationToWrite[]): Uint8Array {
  const w = new Words();
  anns.forEach((a, i) => {
    const code = codeOf(a);
    const subtype = a.subtype ?? 0;
    w.byte(0);
    w.byte(mitToAha(code, subtype).charCodeAt(0));
    w.long(a.sample);
    w.word(i + 1);
    w.byte(subtype);
    w.byte(code);
    const aux = latin1Bytes((a.aux ?? '').slice(0, 6));
    for (let k = 0; k < 6; k++) w.byte(aux[k] ?? 0);
  });
  const body = w.result();
  const padded = new Uint8Array(body.length + (1024 - (body.length % 1024))).fill(0xff);
  padded.set(body);
  return padded;
}

/** Writes an annotation file (`<record>.<annotator>`). */
export function writeAnnotations(path: string, anns: readonly AnnotationToWrite[], opts: AnnotationWriteOptions = {}): void {
  writeFileSync(path, opts.format === 'aha' ? encodeAhaAnnotations(anns) : encodeMitAnnotations(anns, opts));
}
