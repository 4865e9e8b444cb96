// Test-only WFDB writer: encodes digital samples in every signal format (FLAC through Debian's
// `flac` encoder) and writes a header, so round trips check the reader against known values.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WSignal {
  readonly name: string;
  /** Digital samples in time order: spf x frames values (file order within the signal). */
  readonly samples: readonly number[];
  readonly spf?: number;
  readonly skew?: number;
  readonly gain?: number;
  readonly baseline?: number;
  readonly units?: string;
  /** Initial value field (format 8 integrates from it); defaults to the first sample. */
  readonly initValue?: number;
  /** Checksum written in the header: the true one unless given (or 'none' to omit it). */
  readonly checksum?: number | 'none';
}

export interface WFile {
  readonly fileName: string;
  readonly format: number;
  /** Bytes of junk before the samples (samples of padding for FLAC). */
  readonly byteOffset?: number;
  readonly signals: readonly WSignal[];
}

export interface WRecord {
  readonly name: string;
  readonly fs: number;
  readonly frames: number;
  readonly files: readonly WFile[];
  readonly comments?: readonly string[];
  /** Omit the length on the record line (the reader must infer it from the file). */
  readonly omitLength?: boolean;
}

const FLAC_BITS: Partial<Record<number, number>> = { 508: 8, 516: 16, 524: 24 };

/** 16-bit signed sum of samples, as WFDB checksums are. */
export function checksum16(samples: readonly number[]): number {
  let s = 0;
  for (const v of samples) s = (s + v) | 0;
  return (s << 16) >> 16;
}

/** Samples of every signal of a file, interleaved frame by frame (spf of each in turn). */
export function interleave(file: WFile, frames: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < frames; f++) {
    for (const s of file.signals) {
      const spf = s.spf ?? 1;
      for (let j = 0; j < spf; j++) out.push(s.samples[f * spf + j]);
    }
  }
  return out;
}

/** Encodes samples in file order for a byte format. Format 8 takes samples and writes differences. */
export function encode(format: number, flat: readonly number[], file?: WFile): Buffer {
  const n = flat.length;
  switch (format) {
    case 8: {
      const sigs = file?.signals ?? [];
      const prev = sigs.map((s) => s.initValue ?? s.samples[0]);
      const out = Buffer.alloc(n);
      let i = 0;
      while (i < n) {
        sigs.forEach((s, k) => {
          for (let j = 0; j < (s.spf ?? 1); j++, i++) {
            const d = flat[i] - prev[k];
            if (d < -128 || d > 127) throw new Error(`format 8 difference ${d} does not fit`);
            out.writeInt8(d, i);
            prev[k] = flat[i];
          }
        });
      }
      return out;
    }
    case 16: return Buffer.from(Int16Array.from(flat).buffer);
    case 24: { const b = Buffer.alloc(n * 3); flat.forEach((v, i) => b.writeIntLE(v, i * 3, 3)); return b; }
    case 32: { const b = Buffer.alloc(n * 4); flat.forEach((v, i) => b.writeInt32LE(v, i * 4)); return b; }
    case 61: { const b = Buffer.alloc(n * 2); flat.forEach((v, i) => b.writeInt16BE(v, i * 2)); return b; }
    case 80: return Buffer.from(flat.map((v) => v + 128));
    case 160: { const b = Buffer.alloc(n * 2); flat.forEach((v, i) => b.writeUInt16LE(v + 32768, i * 2)); return b; }
    case 212: {
      const b = Buffer.alloc(Math.ceil(n * 1.5));
      for (let i = 0, o = 0; i < n; i += 2, o += 3) {
        const a = flat[i] & 0xfff;
        const c = i + 1 < n ? flat[i + 1] & 0xfff : 0;
        b[o] = a & 0xff;
        b[o + 1] = ((a >> 8) & 0x0f) | ((c >> 4) & 0xf0);
        if (i + 1 < n) b[o + 2] = c & 0xff;
      }
      return i212Trim(b, n);
    }
    case 310: {
      const b = Buffer.alloc(Math.ceil(n / 3) * 4);
      for (let i = 0, o = 0; i < n; i += 3, o += 4) {
        const [a, c, d] = [flat[i] & 0x3ff, (flat[i + 1] ?? 0) & 0x3ff, (flat[i + 2] ?? 0) & 0x3ff];
        b.writeUInt16LE(((a << 1) | ((d & 0x1f) << 11)) & 0xffff, o);
        b.writeUInt16LE(((c << 1) | ((d >> 5) << 11)) & 0xffff, o + 2);
      }
      return b;
    }
    case 311: {
      const b = Buffer.alloc(Math.ceil(n / 3) * 4);
      for (let i = 0, o = 0; i < n; i += 3, o += 4) {
        const w = ((flat[i] & 0x3ff) | (((flat[i + 1] ?? 0) & 0x3ff) << 10) | (((flat[i + 2] ?? 0) & 0x3ff) << 20)) >>> 0;
        b.writeUInt32LE(w, o);
      }
      return b;
    }
    default:
      throw new Error(`test writer: no byte encoding for format ${format}`);
  }
}

/** 212 with an odd count ends after the low byte and the shared nibble byte (2 bytes). */
function i212Trim(b: Buffer, n: number): Buffer {
  return n % 2 === 1 ? b.subarray(0, Math.floor(n / 2) * 3 + 2) : b;
}

/** One FLAC stream with a channel per signal, via the `flac` command-line encoder. */
function encodeFlac(dir: string, file: WFile, frames: number): void {
  const bits = FLAC_BITS[file.format]!;
  const spf = file.signals[0].spf ?? 1;
  const pad = file.byteOffset ?? 0;
  const total = pad + frames * spf;
  const ch = file.signals.length;
  const bytes = bits / 8;
  const raw = Buffer.alloc(total * ch * bytes);
  for (let t = 0; t < total; t++) {
    file.signals.forEach((s, c) => {
      const v = t < pad ? 0 : s.samples[t - pad];
      raw.writeIntLE(v, (t * ch + c) * bytes, bytes);
    });
  }
  const rawPath = join(dir, `${file.fileName}.raw`);
  writeFileSync(rawPath, raw);
  const out = join(dir, file.fileName);
  execFileSync('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', `--channels=${ch}`, `--bps=${bits}`, '--sample-rate=1000', '-o', out, rawPath]);
}

/** Writes `<name>.hea` and its signal files into `dir`; returns the header text. */
export function writeRecord(dir: string, rec: WRecord): string {
  const nSig = rec.files.reduce((n, f) => n + f.signals.length, 0);
  const lines = [`${rec.name} ${nSig} ${rec.fs}${rec.omitLength ? '' : ` ${rec.frames}`}`];
  for (const file of rec.files) {
    if (FLAC_BITS[file.format]) encodeFlac(dir, file, rec.frames);
    else {
      const data = encode(file.format, interleave(file, rec.frames), file);
      const junk = Buffer.alloc(file.byteOffset ?? 0, 0xa5);
      writeFileSync(join(dir, file.fileName), Buffer.concat([junk, data]));
    }
    for (const s of file.signals) {
      const spf = s.spf ?? 1;
      const fmt = `${file.format}${spf > 1 ? `x${spf}` : ''}${s.skew ? `:${s.skew}` : ''}${file.byteOffset ? `+${file.byteOffset}` : ''}`;
      const sum = s.checksum === 'none' ? '' : ` ${s.checksum ?? checksum16(s.samples.slice(0, rec.frames * spf))}`;
      const init = s.initValue ?? s.samples[0];
      const fields = `${s.gain ?? 200}(${s.baseline ?? 0})/${s.units ?? 'mV'} 0 0 ${init}${sum}`;
      lines.push(`${file.fileName} ${fmt} ${fields}${sum ? ` 0 ${s.name}` : ''}`);
    }
  }
  for (const c of rec.comments ?? []) lines.push(`# ${c}`);
  const text = lines.join('\n') + '\n';
  writeFileSync(join(dir, `${rec.name}.hea`), text);
  return text;
}
