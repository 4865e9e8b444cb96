// Streaming decoders for WFDB annotation files (annot(5)), fed chunk by chunk so a 24-hour
// file never sits in memory. MIT format: 16-bit little-endian words, code in the top 6 bits,
// time difference (in the file's ticks) in the low 10; pseudo-codes SKIP (32-bit jump in PDP-11
// word order), NUM, SUB, CHN and AUX (length byte, text, a pad byte when odd) modify the
// annotation before them, as the WFDB library's getann applies them. AHA format: 16-byte entries.
// Field semantics follow wfdb-python's rdann (num and chan persist, subtype and aux reset).
import { FormatError } from '../types.js';
import { ACMAX, AUX, CHN, NOTANN, NOTE, NUM, SKIP, SUB, ahaToMit, mitToAha } from './annotation-codes.js';

/** One annotation as stored: `time` in the file's ticks (frames unless it declares another resolution). */
export interface RawAnnotation {
  time: number;
  code: number;
  subtype: number;
  chan: number;
  num: number;
  aux: string;
}

export type AnnotationSink = (a: RawAnnotation) => void;

/** What the leading NOTE annotations at time 0 declared (annot.c get_ann_table). */
export interface AnnotationDefinitions {
  /** '## time resolution: X' ticks per second, when given. */
  timeResolution?: number;
  /** Symbols the file defines for codes ('## annotation type definitions' entries). */
  readonly symbols: Map<number, string>;
}

export interface AnnotationDecoder {
  readonly format: 'mit' | 'aha';
  readonly definitions: AnnotationDefinitions;
  readonly warnings: string[];
  push(chunk: Uint8Array): void;
  /** Call after the last chunk: flushes the last annotation, throws if the file stopped mid-entry. */
  end(): void;
}

const int8 = (b: number): number => (b << 24) >> 24;

/** C semantics: the note ends at its first NUL; bytes are Latin-1 as the library passes them on. */
function latin1(bytes: Uint8Array, from: number, len: number): string {
  let s = '';
  for (let k = from; k < from + len; k++) {
    const c = bytes[k];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

const DEFINITION = /^(\d+)[ \t]+(\S+)/;

/** Shared by both formats: the leading definitions, NOTANN removal, then the sink. */
class Emitter {
  readonly definitions: AnnotationDefinitions = { symbols: new Map() };
  private leading = true;

  constructor(private readonly sink: AnnotationSink) {}

  emit(a: RawAnnotation): void {
    if (a.code === NOTANN) return; // wfdb-python drops these (SKIP fillers, the end of a definitions table)
    if (this.leading && a.time === 0 && a.code === NOTE && a.subtype === 0 && a.aux !== '' && this.define(a.aux)) return;
    this.leading = false;
    this.sink(a);
  }

  private define(aux: string): boolean {
    if (aux.startsWith('#')) {
      const m = /^## time resolution: *([0-9.eE+-]+)/.exec(aux);
      if (m && Number(m[1]) > 0) this.definitions.timeResolution = Number(m[1]);
      return true;
    }
    const m = DEFINITION.exec(aux);
    if (!m || Number(m[1]) > ACMAX) return false;
    this.definitions.symbols.set(Number(m[1]), m[2]);
    return true;
  }
}

/** MIT format, the format of every PhysioNet annotation file. */
export class MitDecoder implements AnnotationDecoder {
  readonly format = 'mit';
  readonly warnings: string[] = [];
  private readonly out: Emitter;
  private carry: Uint8Array = new Uint8Array(0);
  private offset = 0; // file offset of carry[0]
  private tt = 0;
  private chan = 0;
  private num = 0;
  private pending: RawAnnotation | null = null;
  private ended = false;
  private trailing = 0;

  constructor(
    private readonly where: string,
    sink: AnnotationSink,
  ) {
    this.out = new Emitter(sink);
  }

  get definitions(): AnnotationDefinitions {
    return this.out.definitions;
  }

  /** An annotation word was read whose modifiers may still follow (it is emitted by the next word or end()). */
  get pendingAnnotation(): boolean {
    return this.pending !== null;
  }

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carry.length) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
    }
    const n = buf.length;
    let i = 0;
    if (this.ended) {
      for (; i < n; i++) if (buf[i] !== 0) this.trailing++;
    }
    while (i + 2 <= n && !this.ended) {
      const w = buf[i] | (buf[i + 1] << 8);
      const code = w >> 10;
      if (w === 0) {
        this.flush();
        this.ended = true; // the logical end of file
        for (let k = i + 2; k < n; k++) if (buf[k] !== 0) this.trailing++;
        i = n;
        break;
      }
      if (code === SKIP) {
        if (i + 6 > n) break;
        // PDP-11 order: the high 16-bit word first, each word little-endian; a signed 32-bit jump.
        this.tt += ((buf[i + 3] << 24) | (buf[i + 2] << 16) | (buf[i + 5] << 8) | buf[i + 4]) | 0;
        i += 6;
      } else if (code === AUX) {
        const len = buf[i];
        const size = 2 + ((len + 1) & ~1);
        if (i + size > n) break;
        if (this.pending) this.pending.aux = latin1(buf, i + 2, len);
        i += size;
      } else if (code === NUM) {
        this.num = int8(buf[i]);
        i += 2;
      } else if (code === SUB) {
        if (this.pending) this.pending.subtype = int8(buf[i]);
        i += 2;
      } else if (code === CHN) {
        this.chan = buf[i];
        i += 2;
      } else if (code > ACMAX) {
        throw new FormatError('corrupt', `${this.where}: corrupt annotation file: code ${code} at byte ${this.offset + i} is not an annotation code (0-${ACMAX}, 59-63)`);
      } else {
        this.flush();
        this.tt += w & 0x3ff;
        if (this.tt < 0) throw new FormatError('corrupt', `${this.where}: corrupt annotation file: annotation at byte ${this.offset + i} lies before the record start (time ${this.tt})`);
        this.pending = { time: this.tt, code, subtype: 0, chan: 0, num: 0, aux: '' };
        i += 2;
      }
    }
    this.offset += i;
    this.carry = buf.slice(i);
  }

  /** The annotation before is complete once the next annotation word (or the end) arrives. */
  private flush(): void {
    const a = this.pending;
    if (!a) return;
    this.pending = null;
    a.chan = this.chan;
    a.num = this.num;
    this.out.emit(a);
  }

  end(): void {
    if (this.carry.length) {
      const w = this.carry.length >= 2 ? this.carry[0] | (this.carry[1] << 8) : -1;
      const what = w < 0 ? 'half a word' : (w >> 10) === SKIP ? 'a SKIP without its 32-bit interval' : 'an aux note shorter than its length byte says';
      throw new FormatError('truncated', `${this.where}: truncated annotation file: it ends in ${what} at byte ${this.offset}`);
    }
    if (!this.ended) {
      if (this.offset === 0) throw new FormatError('truncated', `${this.where}: empty annotation file (not even the end marker)`);
      this.flush();
      this.warnings.push(`${this.where}: no end marker (two zero bytes): the file may be truncated after byte ${this.offset}`);
    }
    if (this.trailing) this.warnings.push(`${this.where}: ${this.trailing} non-zero bytes after the end marker ignored`);
  }
}

/** AHA format (annot(5)): 16-byte entries, 0xFF padding to the 1,024-byte block after the last. */
export class AhaDecoder implements AnnotationDecoder {
  readonly format = 'aha';
  readonly warnings: string[] = [];
  private readonly out: Emitter;
  private carry: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private ended = false;
  private entries = 0;

  constructor(
    private readonly where: string,
    sink: AnnotationSink,
  ) {
    this.out = new Emitter(sink);
  }

  get definitions(): AnnotationDefinitions {
    return this.out.definitions;
  }

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carry.length) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
    }
    let i = 0;
    while (!this.ended && i + 2 <= buf.length) {
      if (buf[i] === 0xff) {
        this.ended = true; // EOAF padding
        break;
      }
      if (i + 16 > buf.length) break;
      if (buf[i] !== 0) throw new FormatError('corrupt', `${this.where}: corrupt AHA annotation file: entry at byte ${this.offset + i} does not begin with a zero byte`);
      const letter = buf[i + 1];
      const time = (((buf[i + 3] << 24) | (buf[i + 2] << 16) | (buf[i + 5] << 8) | buf[i + 4]) | 0);
      const serial = buf[i + 6] | (buf[i + 7] << 8);
      if (time < 0) throw new FormatError('corrupt', `${this.where}: corrupt AHA annotation file: negative time at byte ${this.offset + i}`);
      if (serial <= 0 && this.warnings.length < 5) this.warnings.push(`${this.where}: AHA entry at byte ${this.offset + i} has serial number ${serial}`);
      let subtype = int8(buf[i + 8]);
      if (letter === 0x55 && subtype === 0) subtype = -1; // 'U' without a subtype: unreadable (annot.c)
      // Byte 9 holds the MIT code where the WFDB library wrote the file: keep it when it agrees with the letter (keeps L, R, A ...).
      const mit = buf[i + 9];
      const code = mit > 0 && mit <= ACMAX && mitToAha(mit, subtype) === String.fromCharCode(letter) ? mit : ahaToMit(letter);
      const aux = buf[i + 10] ? latin1(buf, i + 10, 6) : '';
      this.out.emit({ time, code, subtype, chan: 0, num: 0, aux });
      this.entries++;
      i += 16;
    }
    if (this.ended) i = buf.length;
    this.offset += i;
    this.carry = buf.slice(i);
  }

  end(): void {
    if (this.carry.length) throw new FormatError('truncated', `${this.where}: truncated AHA annotation file: ${this.carry.length} bytes of a 16-byte entry at byte ${this.offset}`);
    if (!this.ended && this.entries === 0) throw new FormatError('truncated', `${this.where}: empty annotation file`);
  }
}

/** annopen's test on the first word: a zero byte, then an AHA letter other than '[' or ']'. */
export function isAhaStart(b0: number, b1: number): boolean {
  return b0 === 0 && ahaToMit(b1) !== 0 && b1 !== 0x5b && b1 !== 0x5d;
}
