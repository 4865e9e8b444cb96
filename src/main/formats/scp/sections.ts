// The record frame of SCP-ECG (EN 1064 / ISO 11073-91064): record CRC and length, then
// section 0's pointer table naming where every other section starts. Each section opens with
// a 16-byte ID header (CRC, id, length, section version, protocol version, reserved).
import { FormatError } from '../types.js';
import type { ScpBytes } from './bytes.js';
import { crcCcitt } from './crc.js';

export interface ScpSection {
  readonly id: number;
  /** Offset of the section's ID header in the record (0-based). */
  readonly offset: number;
  /** Whole section length including its 16-byte ID header. */
  readonly length: number;
  readonly version: number;
  readonly protocolVersion: number;
  /** Offset of the first byte after the ID header. */
  readonly data: number;
  readonly end: number;
}

export interface ScpFrame {
  /** Sections present (length > 0), by id. */
  readonly sections: ReadonlyMap<number, ScpSection>;
  /** Protocol version from section 0 (10, 11, 12, 13, 20, 30 = 1.0 .. 3.0). */
  readonly protocolVersion: number;
}

const ID_HEADER = 16;
/** The magic SCP-ECG puts in section 0's reserved bytes (versions 1.x to 3.0). */
const MAGIC = 'SCPECG';
const NO_CRC = 0xffff;

/** Cheap content test on the first bytes: record length matches the file size and section 0 says 'SCPECG'. */
export function looksLikeScp(head: Uint8Array, fileSize: number): boolean {
  if (head.length < 22) return false;
  const len = (head[2] | (head[3] << 8) | (head[4] << 16)) + head[5] * 0x1000000;
  const sectionId = head[8] | (head[9] << 8);
  const magic = Buffer.from(head.subarray(16, 22)).toString('latin1');
  // Some writers pad the file past the record length; none make it shorter.
  return sectionId === 0 && len <= fileSize && len >= 22 && magic === MAGIC;
}

function sectionHeader(b: ScpBytes, offset: number, expectId: number, expectLength: number | undefined): ScpSection {
  b.need(offset, ID_HEADER, `section ${expectId} ID header`);
  const id = b.u16(offset + 2);
  const length = b.u32(offset + 4);
  if (id !== expectId) throw new FormatError('format', `${b.name}: section at byte ${offset} has id ${id}, the pointer table says ${expectId}`);
  if (length < ID_HEADER) throw new FormatError('format', `${b.name}: section ${id} length ${length} is shorter than its ID header`);
  if (expectLength !== undefined && expectLength !== length) {
    throw new FormatError('format', `${b.name}: section ${id} is ${length} bytes by its header but ${expectLength} by section 0`);
  }
  b.need(offset, length, `section ${id} (${length} bytes)`);
  const stored = b.u16(offset);
  const computed = crcCcitt(b.buf.subarray(offset + 2, offset + length));
  if (stored !== computed && stored !== NO_CRC) {
    throw new FormatError('crc', `${b.name}: section ${id} CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)})`);
  }
  return {
    id,
    offset,
    length,
    version: b.u8(offset + 8),
    protocolVersion: b.u8(offset + 9),
    data: offset + ID_HEADER,
    end: offset + length,
  };
}

/** Checks the record CRC and length and reads section 0's pointer table. */
export function readFrame(b: ScpBytes): ScpFrame {
  if (b.length < 6 + ID_HEADER) throw new FormatError('truncated', `${b.name}: ${b.length} bytes is too short for an SCP-ECG record`);
  // Section 0 must open the record: anything else is another kind of file, not a damaged SCP-ECG one.
  if (b.u16(8) !== 0 || b.u32(10) < ID_HEADER || b.u32(10) > 16 + 10 * 256) {
    throw new FormatError('format', `${b.name}: not an SCP-ECG record (no section 0 pointer table at byte 6)`);
  }
  const recordLength = b.u32(2);
  if (recordLength > b.length) {
    throw new FormatError('truncated', `${b.name}: record length says ${recordLength} bytes, the file has ${b.length}`);
  }
  const stored = b.u16(0);
  const computed = crcCcitt(b.buf.subarray(2, recordLength));
  // 0xFFFF is what some carts write when they computed no CRC (biosig and SCP-AV accept it too).
  if (stored !== computed && stored !== NO_CRC) {
    throw new FormatError('crc', `${b.name}: record CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)})`);
  }
  const s0 = sectionHeader(b, 6, 0, undefined);
  const sections = new Map<number, ScpSection>([[0, s0]]);
  for (let p = s0.data; p + 10 <= s0.end; p += 10) {
    const id = b.u16(p);
    const length = b.u32(p + 2);
    const index = b.u32(p + 6);
    if (id === 0 || length === 0) continue;
    // Section 0 indexes bytes from 1 at the record's first CRC byte.
    if (index < 1 || index - 1 + length > recordLength) {
      throw new FormatError('truncated', `${b.name}: section ${id} (${length} bytes at byte ${index}) lies beyond the record's ${recordLength} bytes`);
    }
    sections.set(id, sectionHeader(b, index - 1, id, length));
  }
  return { sections, protocolVersion: s0.protocolVersion || s0.version };
}
