// SCP-ECG deviations real devices write (docs/format-deviations.md): each file is written here
// with the project's SCP-ECG writer and then altered byte by byte to show one deviation; the
// reader reads it (same samples as written, and the warning) or refuses it with one clear line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, readRecord } from '../../src/main/formats/index.js';
import { crcCcitt } from '../../src/main/formats/scp/crc.js';
import { isScpFile, readScpBytes } from '../../src/main/formats/scp/read.js';
import { writeScp } from '../../src/main/formats/scp/write.js';
import { tempDir } from '../temp.js';
import { biosigRead, expectSameAtStep, generatedEcg, hasTool, SAVE2GDF } from './write-check.js';

const dir = tempDir('dev-scp');
const ecg = generatedEcg(41, 2, 2.5);
const N = ecg.signals[0].length;
const u16 = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8);
const u32 = (b: Uint8Array, p: number) => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
const put32 = (b: Uint8Array, p: number, v: number) => [0, 8, 16, 24].forEach((s, k) => (b[p + k] = (v >>> s) & 0xff));
const put16 = (b: Uint8Array, p: number, v: number) => ((b[p] = v & 0xff), (b[p + 1] = (v >> 8) & 0xff));

/** Byte offset of section `id`'s pointer entry in section 0. */
function pointer(b: Uint8Array, id: number): number {
  for (let p = 6 + 16; p < 6 + u32(b, 10); p += 10) if (u16(b, p) === id && u32(b, p + 2) > 0) return p;
  throw new Error(`no section ${id}`);
}
const sectionAt = (b: Uint8Array, id: number) => u32(b, pointer(b, id) + 6) - 1;

/** Recomputes a section's CRC (over its header's length) as a correct writer would. */
function signSection(b: Uint8Array, offset: number): void {
  put16(b, offset, crcCcitt(b.subarray(offset + 2, offset + u32(b, offset + 4))));
}
function signRecord(b: Uint8Array): void {
  put16(b, 0, crcCcitt(b.subarray(2, u32(b, 2))));
}

function written(encoding: 'huffman' | 'plain' = 'huffman'): Uint8Array {
  const out = writeScp(ecg, { encoding });
  expect(out.warnings).toEqual([]);
  return out.bytes.slice();
}

function refusal(b: Uint8Array): FormatError {
  try {
    readScpBytes(b, 'x.scp');
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).not.toContain('\n');
    return err as FormatError;
  }
  throw new Error('read without error');
}

/** Sets every lead's section 3 sample range to start..end and re-signs section 3 and the record. */
function leadRanges(b: Uint8Array, start: number, end: number): void {
  const s3 = sectionAt(b, 3);
  for (let i = 0; i < b[s3 + 16]; i++) {
    put32(b, s3 + 18 + 9 * i, start);
    put32(b, s3 + 18 + 9 * i + 4, end);
  }
  signSection(b, s3);
  signRecord(b);
}

describe('SCP-ECG deviations read with a warning', () => {
  it('sample range 0..N (a portable device; the standard counts from 1): N samples per lead', () => {
    const b = written();
    leadRanges(b, 0, N);
    const r = readScpBytes(b, 'portable.scp');
    expect(r.sigLen).toBe(N);
    expectSameAtStep(r, ecg, 2.5, 'zero-based');
    expect(r.warnings).toEqual([`section 3 numbers every lead from 0 (0..${N}; SCP-ECG counts from 1): read as 1..${N} (${N} samples)`]);
    if (!hasTool(SAVE2GDF)) return;
    // libbiosig, an independent reader, takes end - start + 1 = N + 1 samples, the last decoded
    // from the Huffman stream's padding bits (a zero difference: a straight-line continuation);
    // its first N are ours.
    const path = join(dir, 'portable.scp');
    writeFileSync(path, b);
    const bio = biosigRead(path);
    expect(bio.signals[0].length).toBe(N + 1);
    const [a, c] = [bio.signals[0][N - 2], bio.signals[0][N - 1]];
    expect(bio.signals[0][N]).toBeCloseTo(2 * c - a, 6);
    bio.signals[0].slice(0, N).forEach((uv, k) => expect(Math.abs(uv / 1000 - r.signals[0][k]), `I[${k}]`).toBeLessThan(1e-6));
  });

  it('sample range 0..N-1 over plain data holding N samples: all N read', () => {
    const b = written('plain');
    leadRanges(b, 0, N - 1);
    const r = readScpBytes(b, 'portable-plain.scp');
    expect(r.sigLen).toBe(N);
    expectSameAtStep(r, ecg, 2.5, 'zero-based plain');
    expect(r.warnings).toEqual([`section 3 numbers every lead from 0 (0..${N - 1}; SCP-ECG counts from 1): the data holds ${N} samples: read as 1..${N}`]);
  });

  it('a wrong section CRC under a matching record CRC (the writer mis-signed the section)', () => {
    const b = written();
    const s6 = sectionAt(b, 6);
    const wrong = u16(b, s6) ^ 0x1234;
    put16(b, s6, wrong);
    signRecord(b);
    const r = readScpBytes(b, 'seccrc.scp');
    expectSameAtStep(r, ecg, 2.5, 'section crc');
    const right = crcCcitt(b.subarray(s6 + 2, s6 + u32(b, s6 + 4)));
    expect(r.warnings).toEqual([`section 6 CRC mismatch (stored 0x${wrong.toString(16)}, computed 0x${right.toString(16)}), but the record CRC over the same bytes matches: read`]);
  });

  it('a wrong record CRC over sections whose CRCs all match', () => {
    const b = written();
    const right = u16(b, 0);
    put16(b, 0, right ^ 0x0f0f);
    const r = readScpBytes(b, 'reccrc.scp');
    expectSameAtStep(r, ecg, 2.5, 'record crc');
    expect(r.warnings).toEqual([`record CRC 0x${(right ^ 0x0f0f).toString(16)} does not match its bytes (0x${right.toString(16)}), but every section's CRC does: read`]);
  });

  it("section 0's length for a section differs from the section's own, and the section's CRC settles it", () => {
    const b = written();
    const p = pointer(b, 3);
    const own = u32(b, p + 2);
    put32(b, p + 2, own + 2);
    signSection(b, 6);
    signRecord(b);
    const r = readScpBytes(b, 'seclen.scp');
    expectSameAtStep(r, ecg, 2.5, 'section length');
    expect(r.warnings).toEqual([`section 3 is ${own} bytes by its header but ${own + 2} by section 0: its CRC matches ${own}, read as ${own}`]);
  });

  it("section 0's pointer id off from the section's own verified header", () => {
    const b = written();
    put16(b, pointer(b, 3), 4);
    signSection(b, 6);
    signRecord(b);
    const r = readScpBytes(b, 'ptrid.scp');
    expectSameAtStep(r, ecg, 2.5, 'pointer id');
    expect(r.warnings).toEqual([`section 0 points to section 4 at byte ${sectionAt(b, 4) + 1}, whose own verified header says section 3: read as section 3`]);
  });

  it('a lead code EN 1064 does not define: kept under its number', () => {
    const b = written();
    const s3 = sectionAt(b, 3);
    b[s3 + 18 + 9 * 6 + 8] = 200; // V1's code
    signSection(b, s3);
    signRecord(b);
    const r = readScpBytes(b, 'leadcode.scp');
    expect(r.channels[6].name).toBe('lead 200');
    expectSameAtStep(r, { leads: ecg.leads.map((l) => (l === 'V1' ? 'lead 200' : l)), signals: ecg.signals }, 2.5, 'lead code');
    expect(r.warnings).toEqual(["lead 7 has lead code 200, which this reader does not know (EN 1064 names 0-87): kept as 'lead 200'"]);
  });

  it("section 0 without the 'SCPECG' mark: still found by content and read", async () => {
    const b = written();
    b.fill(0, 16, 22);
    signSection(b, 6);
    signRecord(b);
    const path = join(dir, 'nomark.ecg');
    writeFileSync(path, b);
    expect(isScpFile(path)).toBe(true);
    const r = await readRecord(path);
    expectSameAtStep(r, ecg, 2.5, 'no mark');
    expect(r.warnings).toEqual(["section 0 lacks the 'SCPECG' mark in its reserved bytes (older writers leave it out)"]);
  });

  it('an amplitude unit too small for an ECG: read as EN 1064 says, with a warning', () => {
    const small = { fs: 500, leads: ['I'], signals: [Float64Array.from({ length: 500 }, (_, k) => ((k % 50) - 25) * 0.00005)], stepUv: 0.05 };
    const r = readScpBytes(writeScp(small).bytes, 'avm.scp');
    expectSameAtStep(r, small, 0.05, 'avm');
    expect(r.warnings).toEqual(['section 6 amplitude unit 50 nV gives a 16-bit full scale of only ±1.6 mV (a device writing microvolts?): read as nanovolts, as EN 1064 says']);
  });
});

describe('SCP-ECG deviations refused', () => {
  it('both CRCs wrong: damaged bytes', () => {
    const b = written();
    b[sectionAt(b, 6) + 40] ^= 0x21;
    const err = refusal(b);
    expect(err.code).toBe('crc');
    expect(err.message).toMatch(/^x\.scp: record CRC mismatch \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\)$/);
  });

  it('section lengths disagree and the CRC verifies neither', () => {
    const b = written();
    const p = pointer(b, 3);
    const own = u32(b, p + 2);
    put32(b, p + 2, own + 2);
    b[sectionAt(b, 3)] ^= 1; // and the section's CRC is wrong too
    signSection(b, 6);
    signRecord(b);
    expect(refusal(b).message).toBe(`x.scp: section 3 is ${own} bytes by its header but ${own + 2} by section 0`);
  });

  it('two pointer entries lead to one section', () => {
    const b = written();
    const p3 = pointer(b, 3);
    const p6 = pointer(b, 6);
    const at = u32(b, p3 + 6);
    put32(b, p6 + 2, u32(b, p3 + 2));
    put32(b, p6 + 6, at);
    signSection(b, 6);
    signRecord(b);
    expect(refusal(b).message).toBe(`x.scp: section at byte ${at - 1} has id 3, the pointer table says 6`);
  });

  it('reference beats (section 5) without rhythm data (section 6)', () => {
    const b = written();
    const s6 = sectionAt(b, 6);
    put16(b, pointer(b, 6), 5);
    put16(b, s6 + 2, 5);
    signSection(b, s6);
    signSection(b, 6);
    signRecord(b);
    expect(refusal(b).message).toBe('x.scp: SCP-ECG record holds only reference beats (section 5), no rhythm data (section 6): nothing to read as a record');
  });

  it('sample range 0..0: no sample to read', () => {
    const b = written();
    leadRanges(b, 0, 0);
    expect(refusal(b).message).toBe('x.scp: lead 1 has sample range 0..0');
  });
});
