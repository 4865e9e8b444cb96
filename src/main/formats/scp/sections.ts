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
  /** Deviations from EN 1064 read anyway (docs/format-deviations.md). */
  readonly warnings: readonly string[];
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
  const s0Length = (head[10] | (head[11] << 8) | (head[12] << 16)) + head[13] * 0x1000000;
  const magic = Buffer.from(head.subarray(16, 22)).toString('latin1');
  // Some writers pad the file past the record length; none make it shorter.
  if (sectionId !== 0 || len > fileSize || len < 22) return false;
  if (magic === MAGIC) return true;
  // Writers that leave the mark out (libbiosig only warns): section 0's first pointer must then
  // name section 0 itself at byte 7, with section 0's own length -- no other file starts so.
  if (head.length < 32 || s0Length < ID_HEADER + 10 || (s0Length - ID_HEADER) % 10 !== 0) return false;
  const id = head[22] | (head[23] << 8);
  const length = (head[24] | (head[25] << 8) | (head[26] << 16)) + head[27] * 0x1000000;
  const index = (head[28] | (head[29] << 8) | (head[30] << 16)) + head[31] * 0x1000000;
  return id === 0 && length === s0Length && index === 7;
}

/** A section's ID header as found at `offset`, before any check against section 0. */
interface RawSection {
  readonly offset: number;
  readonly id: number;
  readonly length: number;
  /** CRC state over `length` bytes: 'ok', 'none' (0xFFFF: the writer computed none) or the computed value. */
  readonly crc: 'ok' | 'none' | number;
}

function crcState(b: ScpBytes, offset: number, length: number): 'ok' | 'none' | number {
  if (length < ID_HEADER || offset + length > b.length) return -1;
  const stored = b.u16(offset);
  const computed = crcCcitt(b.buf.subarray(offset + 2, offset + length));
  return stored === computed ? 'ok' : stored === NO_CRC ? 'none' : computed;
}

/**
 * The section a pointer entry names. Where section 0 and the section's own header disagree on
 * the length, the length the section's CRC verifies is taken (libbiosig warns and reads);
 * where neither or both verify, the file is refused.
 */
function rawSection(b: ScpBytes, offset: number, pointerId: number, pointerLength: number | undefined, warnings: string[]): RawSection {
  b.need(offset, ID_HEADER, `section ${pointerId} ID header`);
  const id = b.u16(offset + 2);
  const own = b.u32(offset + 4);
  const label = id === pointerId ? `section ${id}` : `section ${pointerId} (id ${id} in its header)`;
  if (own < ID_HEADER && (pointerLength === undefined || pointerLength === own)) throw new FormatError('format', `${b.name}: ${label} length ${own} is shorter than its ID header`);
  let length = own;
  if (pointerLength !== undefined && pointerLength !== own) {
    const byHeader = crcState(b, offset, own) === 'ok';
    const byPointer = crcState(b, offset, pointerLength) === 'ok';
    if (byHeader === byPointer) throw new FormatError('format', `${b.name}: ${label} is ${own} bytes by its header but ${pointerLength} by section 0`);
    length = byHeader ? own : pointerLength;
    warnings.push(`${label} is ${own} bytes by its header but ${pointerLength} by section 0: its CRC matches ${length}, read as ${length}`);
  }
  b.need(offset, length, `${label} (${length} bytes)`);
  return { offset, id, length, crc: crcState(b, offset, length) };
}

function section(b: ScpBytes, r: RawSection): ScpSection {
  return { id: r.id, offset: r.offset, length: r.length, version: b.u8(r.offset + 8), protocolVersion: b.u8(r.offset + 9), data: r.offset + ID_HEADER, end: r.offset + r.length };
}

const hex = (v: number): string => `0x${v.toString(16)}`;

/**
 * Checks the record CRC and length and reads section 0's pointer table. The record CRC and the
 * section CRCs cover the same bytes, so each vouches for the other: a wrong section CRC under a
 * matching record CRC, or a wrong record CRC over sections whose CRCs all match, is a writer's
 * slip (read, with a warning); both wrong means damaged bytes (refused).
 */
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
  const warnings: string[] = [];
  const stored = b.u16(0);
  const computed = crcCcitt(b.buf.subarray(2, recordLength));
  // 0xFFFF is what some carts write when they computed no CRC (biosig and SCP-AV accept it too).
  const recordCrc = stored === computed ? 'ok' : stored === NO_CRC ? 'none' : 'bad';
  if (Buffer.from(b.slice(16, 6)).toString('latin1') !== MAGIC) warnings.push(`section 0 lacks the '${MAGIC}' mark in its reserved bytes (older writers leave it out)`);
  const s0 = rawSection(b, 6, 0, undefined, warnings);
  const entries: RawSection[] = [];
  const s0End = s0.offset + s0.length;
  for (let p = s0.offset + ID_HEADER; p + 10 <= s0End; p += 10) {
    const id = b.u16(p);
    const length = b.u32(p + 2);
    const index = b.u32(p + 6);
    if (id === 0 || length === 0) continue;
    // Section 0 indexes bytes from 1 at the record's first CRC byte.
    if (index < 1 || index - 1 + length > recordLength) {
      throw new FormatError('truncated', `${b.name}: section ${id} (${length} bytes at byte ${index}) lies beyond the record's ${recordLength} bytes`);
    }
    const raw = rawSection(b, index - 1, id, length, warnings);
    entries.push(raw);
    if (raw.id !== id) {
      // Pointer ids off from the sections' own (seen in hand-made and converted files): the
      // section's header is inside its CRC, so a verified header names it -- unless two claim one id.
      const claimed = raw.crc === 'ok' && raw.id !== 0 && !entries.some((e) => e !== raw && e.id === raw.id);
      if (!claimed) throw new FormatError('format', `${b.name}: section at byte ${index - 1} has id ${raw.id}, the pointer table says ${id}`);
      warnings.push(`section 0 points to section ${id} at byte ${index}, whose own verified header says section ${raw.id}: read as section ${raw.id}`);
    }
  }
  if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new FormatError('format', `${b.name}: section 0 names one section twice`);
  const all = [s0, ...entries];
  const bad = all.filter((r) => typeof r.crc === 'number');
  if (recordCrc === 'bad') {
    if (bad.length || all.some((r) => r.crc === 'none')) throw new FormatError('crc', `${b.name}: record CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)})`);
    warnings.push(`record CRC ${hex(stored)} does not match its bytes (${hex(computed)}), but every section's CRC does: read`);
  }
  for (const r of bad) {
    const message = `section ${r.id} CRC mismatch (stored ${hex(b.u16(r.offset))}, computed ${hex(r.crc as number)})`;
    if (recordCrc !== 'ok') throw new FormatError('crc', `${b.name}: ${message}`);
    warnings.push(`${message}, but the record CRC over the same bytes matches: read`);
  }
  const sections = new Map(all.map((r) => [r.id, section(b, r)] as const));
  const first = sections.get(0)!;
  return { sections, protocolVersion: first.protocolVersion || first.version, warnings };
}
