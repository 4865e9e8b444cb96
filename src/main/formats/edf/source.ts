// Positioned reads from a file, counted: the binary Holter readers (EDF, ISHNE) read a header
// first and then only the byte ranges a sample window needs, so a 24-hour file opens without
// being read. The count lets tests and benchmarks see how many bytes an open really read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError } from '../types.js';

export interface ByteSource {
  readonly size: number;
  /** Bytes [position, position + length), fewer only where the file ends. */
  read(position: number, length: number): Uint8Array;
  close(): void;
}

export class FileSource implements ByteSource {
  readonly size: number;
  /** Bytes handed out by `read` so far. */
  bytesRead = 0;
  reads = 0;
  private fd: number | undefined;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
      const info = fstatSync(this.fd);
      if (!info.isFile()) throw new Error('not a regular file');
      this.size = info.size;
    } catch (e) {
      this.close();
      throw new FormatError('missing', `${path}: ${(e as Error).message}`);
    }
  }

  read(position: number, length: number): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path}: read after close`);
    const n = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    // readSync may return short counts for large reads; loop until the range is in.
    while (got < n) {
      const k = readSync(this.fd, buf, got, n - got, position + got);
      if (k <= 0) break;
      got += k;
    }
    this.bytesRead += got;
    this.reads++;
    return buf.subarray(0, got);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Bytes a single positioned read may span: big enough to be fast, small enough to bound memory. */
export const CHUNK_BYTES = 4 << 20;

/**
 * Most values one reading may hold (2^27 doubles, 1 GiB): a whole 24-hour 12-lead Holter would
 * need several GiB, so such a read is refused with the window to ask for instead of exhausting memory.
 */
export const MAX_READ_VALUES = 2 ** 27;

export function checkReadSize(samples: number, channels: number, fs: number, where: string): void {
  if (samples * channels <= MAX_READ_VALUES) return;
  const seconds = Math.floor(MAX_READ_VALUES / channels / fs);
  throw new FormatError('too-large', `${where}: ${samples} samples x ${channels} channels is more than one reading holds (${MAX_READ_VALUES} values); read a window of at most ${seconds} s (${Math.floor(seconds * fs)} samples) with from/to`);
}
