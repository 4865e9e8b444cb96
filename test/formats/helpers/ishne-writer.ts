// ISHNE Holter files as the standard lays them out (Badilini et al. 1998): 'ISHNE1.0', the
// header CRC, the 512-byte fixed block, a variable-length block, then int16 samples interleaved
// lead by lead. The CRC is computed bit by bit here (CRC-CCITT, polynomial 0x1021, start 0xFFFF),
// independently of the reader's table-driven one.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export interface IshneSpec {
  readonly leadSpec: readonly number[];
  readonly resolutionNv: readonly number[];
  readonly leadQuality?: readonly number[];
  readonly fs: number;
  readonly samplesPerLead: number;
  readonly varBlock?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly id?: string;
  readonly sex?: number;
  readonly birthDate?: readonly [number, number, number];
  readonly recordDate?: readonly [number, number, number];
  readonly startTime?: readonly [number, number, number];
  readonly recorderType?: string;
  readonly pacemaker?: number;
  /** Broken-file overrides. */
  readonly varBlockOffset?: number;
  readonly ecgOffset?: number;
  readonly sizeField?: number;
}

export function crcCcittBitwise(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function ishneHeader(spec: IshneSpec): Buffer {
  const varBlock = Buffer.from(spec.varBlock ?? '', 'latin1');
  const h = Buffer.alloc(522 + varBlock.length);
  h.write('ISHNE1.0', 0, 'latin1');
  h.writeInt32LE(varBlock.length, 10);
  h.writeInt32LE(spec.sizeField ?? spec.samplesPerLead, 14);
  h.writeInt32LE(spec.varBlockOffset ?? 522, 18);
  h.writeInt32LE(spec.ecgOffset ?? 522 + varBlock.length, 22);
  h.writeInt16LE(1, 26);
  h.write((spec.firstName ?? '').slice(0, 40), 28, 'latin1');
  h.write((spec.lastName ?? '').slice(0, 40), 68, 'latin1');
  h.write((spec.id ?? '').slice(0, 20), 108, 'latin1');
  h.writeInt16LE(spec.sex ?? 0, 128);
  h.writeInt16LE(0, 130);
  const triple = (at: number, v: readonly [number, number, number] | undefined) => (v ?? [-9, -9, -9]).forEach((x, i) => h.writeInt16LE(x, at + 2 * i));
  triple(132, spec.birthDate);
  triple(138, spec.recordDate);
  triple(144, spec.recordDate);
  triple(150, spec.startTime);
  const n = spec.leadSpec.length;
  h.writeInt16LE(n, 156);
  for (let k = 0; k < 12; k++) {
    h.writeInt16LE(k < n ? spec.leadSpec[k] : -9, 158 + 2 * k);
    h.writeInt16LE(k < n ? (spec.leadQuality?.[k] ?? 1) : -9, 182 + 2 * k);
    h.writeInt16LE(k < n ? spec.resolutionNv[k] : -9, 206 + 2 * k);
  }
  h.writeInt16LE(spec.pacemaker ?? 0, 230);
  h.write((spec.recorderType ?? 'digital').slice(0, 40), 232, 'latin1');
  h.writeInt16LE(spec.fs, 272);
  varBlock.copy(h, 522);
  h.writeUInt16LE(crcCcittBitwise(h.subarray(10)), 8);
  return h;
}

/** Digital value of lead `k` at sample `n`. */
export type LeadSource = (k: number, n: number) => number;

export function ishneFrames(spec: IshneSpec, from: number, to: number, digital: LeadSource): Buffer {
  const n = spec.leadSpec.length;
  const out = Buffer.alloc((to - from) * n * 2);
  for (let i = from, at = 0; i < to; i++) for (let k = 0; k < n; k++, at += 2) out.writeInt16LE(digital(k, i), at);
  return out;
}

export function ishneBytes(spec: IshneSpec, digital: LeadSource): Buffer {
  return Buffer.concat([ishneHeader(spec), ishneFrames(spec, 0, spec.samplesPerLead, digital)]);
}

/** A long file: the header, the sample ranges in `written`, and a hole for the rest. */
export function writeSparseIshne(path: string, spec: IshneSpec, digital: LeadSource, written: readonly (readonly [number, number])[]): number {
  const fd = openSync(path, 'w');
  try {
    const header = ishneHeader(spec);
    writeSync(fd, header, 0, header.length, 0);
    const frame = 2 * spec.leadSpec.length;
    for (const [from, to] of written) {
      const data = ishneFrames(spec, from, to, digital);
      writeSync(fd, data, 0, data.length, header.length + from * frame);
    }
    const size = header.length + spec.samplesPerLead * frame;
    ftruncateSync(fd, size);
    return size;
  } finally {
    closeSync(fd);
  }
}
