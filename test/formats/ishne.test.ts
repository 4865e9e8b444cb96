// ISHNE Holter files written at test time as the standard lays them out (helpers/ishne-writer.ts):
// lead codes to names, resolution in nV to mV, interleaved int16 samples, windows read by
// offset, the header CRC, identity kept in `patient`, and broken files rejected with a reason.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readingJson } from '../../src/main/cli/reading-json.js';
import { readIshne } from '../../src/main/formats/ishne/read.js';
import { FormatError, readRecord } from '../../src/main/formats/index.js';
import { crcCcitt } from '../../src/main/formats/scp/crc.js';
import { tempDir } from '../temp.js';
import { crcCcittBitwise, ishneBytes, type IshneSpec, type LeadSource } from './helpers/ishne-writer.js';

const dir = tempDir('ishne');
const put = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const wave: LeadSource = (k, n) => Math.round(600 * Math.sin((n + 31 * k) / 19) + ((n * (k + 2)) % 53) - 20 * k);

async function failure(path: string): Promise<FormatError> {
  try {
    await readIshne(path);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error(`${path} read without error`);
}

const holter: IshneSpec = {
  leadSpec: [11, 15, 19],
  resolutionNv: [2500, 2500, 3750],
  leadQuality: [1, 3, 1],
  fs: 200,
  samplesPerLead: 2000,
  varBlock: 'site notes: recorder 7',
  firstName: 'Jan',
  lastName: 'Kowalski',
  id: 'PAT-998877',
  sex: 1,
  birthDate: [17, 4, 1948],
  recordDate: [3, 9, 2019],
  startTime: [8, 15, 42],
  recorderType: 'digital',
  pacemaker: 0,
};

describe('ISHNE Holter', () => {
  const path = put('holter.ecg', ishneBytes(holter, wave));

  it('checks the header CRC with CRC-CCITT (0x1021, start 0xFFFF): the standard check value', () => {
    const check = Buffer.from('123456789', 'ascii');
    expect(crcCcitt(check)).toBe(0x29b1);
    expect(crcCcittBitwise(check)).toBe(0x29b1);
  });

  it('reads leads by their codes, counts times nV resolution in mV, at the header rate', async () => {
    const r = await readRecord(path);
    expect(r.fs).toBe(200);
    expect(r.sigLen).toBe(2000);
    expect(r.channels.map((c) => c.name)).toEqual(['V1', 'V5', 'AI']);
    expect(r.channels[2]).toMatchObject({ units: 'mV', fmt: 'ishne', gain: 1e6 / 3750, baseline: 0 });
    for (const n of [0, 1, 999, 1999]) {
      expect(r.signals[0][n]).toBeCloseTo((wave(0, n) * 2500) / 1e6, 12);
      expect(r.signals[2][n]).toBeCloseTo((wave(2, n) * 3750) / 1e6, 12);
    }
    expect(r.baseDate).toBe('2019-09-03');
    expect(r.baseTime).toBe('08:15:42');
    expect(r.comments).toEqual(['Format: ISHNE 1.0 Holter, file version 1, 3 leads', 'Recorder: digital', 'Pacemaker: none', 'Lead quality: V5 frequent noise']);
    expect(r.warnings).toEqual([]);
  });

  it('reads a window by offset equal to the same samples of a whole read', async () => {
    const all = await readIshne(path);
    const w = await readIshne(path, { from: 777, to: 1500 });
    expect(w.totalLen).toBe(2000);
    w.signals.forEach((sig, k) => expect(Array.from(sig)).toEqual(Array.from(all.signals[k].subarray(777, 1500))));
  });

  it('keeps the identity in `patient` only', async () => {
    const r = await readIshne(path);
    expect(r.patient).toEqual({ id: 'PAT-998877', name: 'Kowalski, Jan', birthDate: '1948-04-17', sex: 'M' });
    const printed = [...r.comments, ...r.warnings, readingJson(r)].join('\n');
    for (const secret of ['PAT-998877', 'Kowalski', 'Jan', '1948', 'site notes']) expect(printed).not.toContain(secret);
  });

  it('derives the limb leads of a 12-lead Holter stored as I, II, V1-V6', async () => {
    const spec: IshneSpec = { leadSpec: [5, 6, 11, 12, 13, 14, 15, 16], resolutionNv: Array(8).fill(5000), fs: 500, samplesPerLead: 100 };
    const r = await readIshne(put('eight.ecg', ishneBytes(spec, wave)));
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(r.channels[5].derived).toBe('II - I/2');
    expect(r.signals[2][40]).toBeCloseTo(((wave(1, 40) - wave(0, 40)) * 5000) / 1e6, 12);
    expect(r.warnings).toContain('leads III, aVR, aVL, aVF derived from I and II (not stored in the file)');
  });

  it('reads a file whose ECG size counts all leads, with a warning', async () => {
    const r = await readIshne(put('total.ecg', ishneBytes({ ...holter, sizeField: 6000 }, wave)));
    expect(r.totalLen).toBe(2000);
    expect(r.warnings[0]).toMatch(/counts samples over all leads/);
  });

  it('names generic and unknown lead codes by position', async () => {
    const r = await readIshne(put('generic.ecg', ishneBytes({ ...holter, leadSpec: [1, 0, 2] }, wave)));
    expect(r.channels.map((c) => c.name)).toEqual(['lead 1 (generic bipolar)', 'lead 2 (unknown)', 'X']);
  });
});

describe('broken ISHNE files', () => {
  const good = ishneBytes(holter, wave);

  it('bad header CRC', async () => {
    const bytes = Buffer.from(good);
    bytes.write('Kowalskj', 68, 'latin1');
    const err = await failure(put('crc.ecg', bytes));
    expect(err.code).toBe('crc');
    expect(err.message).toMatch(/checksum mismatch \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\)/);
    expect(err.message).not.toContain('Kowalsk');
  });

  it('truncated data', async () => {
    const err = await failure(put('cut.ecg', good.subarray(0, good.length - 7)));
    expect(err.code).toBe('truncated');
    expect(err.message).toContain('3 leads x 2000 samples need 12000 bytes after the header, the file has 11993');
    expect((await failure(put('head.ecg', good.subarray(0, 300)))).code).toBe('truncated');
  });

  it('wrong header lengths and offsets', async () => {
    expect(await failure(put('varoff.ecg', ishneBytes({ ...holter, varBlockOffset: 512 }, wave)))).toMatchObject({ code: 'header-length', message: expect.stringContaining('offset is 512') });
    expect((await failure(put('ecgoff.ecg', ishneBytes({ ...holter, ecgOffset: 530 }, wave)))).code).toBe('header-length');
    expect((await failure(put('size.ecg', ishneBytes({ ...holter, sizeField: 0 }, wave)))).code).toBe('records');
  });

  it('an annotation file or a file that is not ISHNE', async () => {
    const ann = Buffer.from(good);
    ann.write('ANN  1.0', 0, 'latin1');
    expect(await failure(put('beats.ann', ann))).toMatchObject({ code: 'format', message: expect.stringContaining('annotation file') });
    expect((await failure(put('other.ecg', Buffer.from('MZ\x90\x00 not a holter'.repeat(40), 'latin1')))).code).toBe('format');
    // readRecord dispatches by content: the annotation file reaches the ISHNE reader.
    await expect(readRecord(put('beats2.ann', ann))).rejects.toMatchObject({ code: 'format' });
  });
});
