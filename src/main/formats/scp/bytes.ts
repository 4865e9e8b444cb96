// Little-endian field access over one SCP-ECG record, with every read bounds-checked so a
// truncated or lying file ends in a FormatError rather than a RangeError or silent zeros.
import { FormatError } from '../types.js';

export class ScpBytes {
  constructor(
    readonly buf: Uint8Array,
    readonly name: string,
  ) {}

  get length(): number {
    return this.buf.length;
  }

  need(offset: number, n: number, what: string): void {
    if (offset < 0 || n < 0 || offset + n > this.buf.length) {
      throw new FormatError('truncated', `${this.name}: ${what} needs bytes ${offset}..${offset + n} but the record has ${this.buf.length}`);
    }
  }

  u8(offset: number, what = 'field'): number {
    this.need(offset, 1, what);
    return this.buf[offset];
  }

  u16(offset: number, what = 'field'): number {
    this.need(offset, 2, what);
    return this.buf[offset] | (this.buf[offset + 1] << 8);
  }

  i16(offset: number, what = 'field'): number {
    return (this.u16(offset, what) << 16) >> 16;
  }

  u32(offset: number, what = 'field'): number {
    this.need(offset, 4, what);
    const b = this.buf;
    return (b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16)) + b[offset + 3] * 0x1000000;
  }

  slice(offset: number, n: number, what = 'field'): Uint8Array {
    this.need(offset, n, what);
    return this.buf.subarray(offset, offset + n);
  }

  /** Text up to the first NUL (SCP strings are NUL-terminated); Latin-1, as SCP-ECG v2 declares by default. */
  text(offset: number, n: number): string {
    const bytes = this.slice(offset, n, 'text field');
    let end = bytes.indexOf(0);
    if (end < 0) end = bytes.length;
    return Buffer.from(bytes.subarray(0, end)).toString('latin1').trim();
  }
}
