// SCP-ECG writer: plain and default-Huffman records with 0, 1 and 2 differences read back exactly,
// CRCs hold (and a flipped byte is caught), escapes of the default table are exercised, section 1
// carries the patient, and libbiosig reads the same samples.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crcCcitt } from '../../src/main/formats/scp/crc.js';
import { DEFAULT_TABLE, HuffmanDecoder } from '../../src/main/formats/scp/huffman.js';
import { readScpBytes } from '../../src/main/formats/scp/read.js';
import { differences, huffmanEncode } from '../../src/main/formats/scp/write-huffman.js';
import { scpLeadCode, writeScp } from '../../src/main/formats/scp/write.js';
import { FormatError, readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { biosigRead, expectSameAtStep, generatedEcg, hasTool, SAVE2GDF, STD } from './write-check.js';

const dir = tempDir('write-scp');
const u16 = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8);

describe('SCP-ECG writer', () => {
  const ecg = { ...generatedEcg(31, 10, 2.5), patient: { id: 'PAT-9', name: 'Moreau, Élise', birthDate: '1948-11-30', sex: 'F' }, date: '2022-06-01', time: '07:08:09', statements: ['Sinus bradycardia', 'Prolonged QT'] };

  for (const encoding of ['huffman', 'plain'] as const) {
    for (const difference of [0, 1, 2] as const) {
      it(`round-trips ${encoding} data with difference order ${difference}`, () => {
        const out = writeScp(ecg, { encoding, difference });
        expect(out.warnings).toEqual([]);
        const r = readScpBytes(out.bytes, 'x.scp');
        expect(r.fs).toBe(500);
        expect(r.sigLen).toBe(5000);
        expect(r.channels.map((c) => c.name)).toEqual(STD);
        expect(r.channels.every((c) => c.gain === 400 && !c.derived)).toBe(true);
        expectSameAtStep(r, ecg, 2.5, `${encoding}/${difference}`);
        expect(r.comments[0]).toBe(`#Format: SCP-ECG 2.0${encoding === 'huffman' ? ', Huffman' : ''}${['', ', first differences', ', second differences'][difference]}`);
      });
    }
  }

  it('carries patient, acquisition time and statements in sections 1 and 8', () => {
    const r = readScpBytes(writeScp(ecg).bytes, 'x.scp');
    expect(r.patient).toEqual({ id: 'PAT-9', name: 'Moreau, Élise', birthDate: '1948-11-30', sex: 'F', age: undefined });
    expect([r.baseDate, r.baseTime]).toEqual(['2022-06-01', '07:08:09']);
    expect(r.comments).toContain('#Statement: Sinus bradycardia');
    expect(r.comments).toContain('#Statement: Prolonged QT');
    const anon = readScpBytes(writeScp(generatedEcg(32, 2)).bytes, 'y.scp');
    expect(anon.patient).toBeUndefined();
    expect(anon.baseDate).toBe('1900-01-01');
  });

  it('writes correct record and section CRCs, and a flipped byte is caught', () => {
    const b = writeScp(ecg).bytes;
    expect(u16(b, 0)).toBe(crcCcitt(b.subarray(2)));
    expect(b[2] | (b[3] << 8) | (b[4] << 16)).toBe(b.length);
    // Every section's CRC, through section 0's pointer table (12 entries for sections 0-11).
    let checked = 0;
    for (let p = 6 + 16; p < 6 + 16 + 10 * 12; p += 10) {
      const len = b[p + 2] | (b[p + 3] << 8) | (b[p + 4] << 16);
      const at = (b[p + 6] | (b[p + 7] << 8) | (b[p + 8] << 16)) - 1;
      if (!len) continue;
      expect(len % 2).toBe(0);
      expect(u16(b, at)).toBe(crcCcitt(b.subarray(at + 2, at + len)));
      checked++;
    }
    expect(checked).toBe(6); // sections 0, 1, 2, 3, 6, 8
    const broken = b.slice();
    broken[broken.length - 20] ^= 0x10;
    expect(() => readScpBytes(broken, 'broken.scp')).toThrow(FormatError);
  });

  it('codes every value of the default table, escapes included, and falls back to lower differences when 16 bits overflow', () => {
    const values = Int32Array.from([0, 1, -1, 2, -2, 8, -8, 9, -9, 127, -128, 128, -129, 32767, -32768, 0, 5]);
    const decoded = new HuffmanDecoder([DEFAULT_TABLE], 't').decode(huffmanEncode(values, DEFAULT_TABLE), values.length);
    expect(Array.from(decoded)).toEqual(Array.from(values));
    // A full-scale square wave: second differences reach ±4 x 32767, so the writer drops to plain values.
    const square = Float64Array.from({ length: 1000 }, (_, i) => (i % 2 ? 32.767 : -32.767));
    const r = readScpBytes(writeScp({ fs: 500, leads: ['I'], signals: [square], stepUv: 1 }).bytes, 'sq.scp');
    expect(r.comments[0]).toBe('#Format: SCP-ECG 2.0, Huffman');
    expect(Array.from(r.signals[0].subarray(0, 4))).toEqual([-32.767, 32.767, -32.767, 32.767]);
    expect(Array.from(differences([1, 4, 9, 16], 2))).toEqual([1, 4, 2, 2]);
  });

  it('uses EN 1064 lead codes and refuses what SCP-ECG cannot hold', () => {
    expect(STD.map(scpLeadCode)).toEqual([1, 2, 61, 62, 63, 64, 3, 4, 5, 6, 7, 8]);
    expect(scpLeadCode('MLII')).toBe(0);
    expect(() => writeScp({ ...generatedEcg(33, 1), fs: 360 })).toThrow(/whole microseconds/);
    const long = generatedEcg(34, 80, 1);
    expect(() => writeScp(long, { encoding: 'plain', difference: 0 })).toThrow(/at most 65535/);
  });

  it('version 3.0 reads back the same', () => {
    const r = readScpBytes(writeScp(ecg, { version: 30 }).bytes, 'v3.scp');
    expect(r.comments[0]).toMatch(/^#Format: SCP-ECG 3\.0, Huffman/);
    expect(r.warnings).toEqual([]);
    expectSameAtStep(r, ecg, 2.5, 'v3');
  });

  it.skipIf(!hasTool(SAVE2GDF))('reads the same samples in libbiosig (save2gdf), Huffman and plain', async () => {
    for (const encoding of ['huffman', 'plain'] as const) {
      const path = join(dir, `${encoding}.scp`);
      writeFileSync(path, writeScp(ecg, { encoding }).bytes);
      expect((await readRecord(path)).sigLen).toBe(5000);
      const b = biosigRead(path);
      expect(b.labels).toEqual(STD);
      b.signals.forEach((s, c) => {
        expect(s.length).toBe(5000);
        const bad = s.findIndex((v, i) => Math.abs(v - ecg.signals[c][i] * 1000) > 1e-6);
        expect(bad, `${encoding} ${STD[c]} sample ${bad}: ${s[bad]} vs ${ecg.signals[c][bad] * 1000}`).toBe(-1);
      });
    }
  });
});
