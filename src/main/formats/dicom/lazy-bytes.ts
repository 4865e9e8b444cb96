// A file seen as a Uint8Array whose bytes are read on first touch, page by page: dicom-parser
// walks the elements of the whole file (it only ever indexes bytes and asks for `length`), but
// it skips over values it is not asked for, so a 24-hour Ambulatory ECG file's WaveformData is
// never read while its header is parsed. Only the pages the parser touches come off the disk.
import type { ByteSource } from '../edf/source.js';

/** Small pages: a waveform header is a few KB, and the parser's peek at a value costs one page. */
const PAGE_BYTES = 4096;

export interface LazyBytes {
  /** Passes dicom-parser's `instanceof Uint8Array` check; `length` is the file size. */
  readonly bytes: Uint8Array;
  /** The bytes read so far that run contiguously from the start of the file. */
  prefix(): Uint8Array;
}

export function lazyBytes(source: ByteSource): LazyBytes {
  const pages = new Map<number, Uint8Array>();
  const page = (p: number): Uint8Array => {
    let bytes = pages.get(p);
    if (!bytes) {
      bytes = source.read(p * PAGE_BYTES, PAGE_BYTES);
      pages.set(p, bytes);
    }
    return bytes;
  };
  const target = new Uint8Array(0);
  const bytes = new Proxy(target, {
    get(t, prop) {
      if (typeof prop === 'string') {
        const c = prop.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = Number(prop);
          if (i >= source.size) return undefined;
          return page(Math.floor(i / PAGE_BYTES))[i % PAGE_BYTES];
        }
        if (prop === 'length' || prop === 'byteLength') return source.size;
      }
      // Typed-array getters and methods need the real array as receiver.
      const v: unknown = Reflect.get(t, prop, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return {
    bytes,
    prefix() {
      const parts: Uint8Array[] = [];
      for (let p = 0; pages.has(p); p++) parts.push(pages.get(p)!);
      return Buffer.concat(parts);
    },
  };
}
