// A 24-hour, 12-lead, 200 Hz EDF+C Holter (420 MB, written sparsely: header, a few real data
// records, a hole for the rest): opening it reads the header only, and a window at hour 12
// reads exactly the data records it covers, counted by the file source's byte counter. An
// EDF+D day reads the annotation bytes of every record (to place them) and nothing more.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEdfFrom } from '../../src/main/formats/edf/read.js';
import { FileSource } from '../../src/main/formats/edf/source.js';
import { readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { edfRecord, edfRecordBytes, writeSparseEdf, type DigitalSource, type EdfSpec } from './helpers/edf-writer.js';

const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const FS = 200;
const DAY = 86400;
const spec: EdfSpec = {
  variant: 'EDF+C',
  patient: 'X M X X',
  recording: 'Startdate 11-NOV-2024 X X HolterRec',
  startDate: '11.11.24',
  startTime: '21.00.00',
  recordDuration: 1,
  records: DAY,
  annotationSamples: 30,
  signals: LEADS.map((l) => ({ label: `ECG ${l}`, units: 'uV', physicalMin: -32768, physicalMax: 32767, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: FS })),
  tals: (k) => (k === 43205 ? [{ onset: 43205.5, texts: ['VT run'] }] : []),
};
const wave: DigitalSource = (s, n) => ((n * 37 + s * 1009) % 4001) - 2000;
const NOON = DAY / 2;
const written = [0, ...Array.from({ length: 10 }, (_, i) => NOON + i), DAY - 1];

describe('24-hour EDF+C Holter', () => {
  const path = join(tempDir('edf-holter'), 'day.edf');
  const size = writeSparseEdf(path, spec, wave, written);
  const header = 256 * (LEADS.length + 2);
  const recordBytes = edfRecordBytes(spec);

  it('opens reading the header only', () => {
    expect(statSync(path).size).toBe(size);
    expect(size).toBeGreaterThan(400e6);
    const src = new FileSource(path);
    try {
      const r = readEdfFrom(src, 'day.edf', { from: 0, to: 0 });
      expect(r.totalLen).toBe(DAY * FS);
      expect(r.channels.map((c) => c.name)).toEqual(LEADS);
      expect(src.bytesRead).toBe(header);
    } finally {
      src.close();
    }
  });

  it('reads a window at hour 12 from exactly the data records it covers', () => {
    const from = NOON * FS + 150;
    const to = from + 1800;
    const src = new FileSource(path);
    const t0 = performance.now();
    try {
      const r = readEdfFrom(src, 'day.edf', { from, to });
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(src.bytesRead).toBe(header + 10 * recordBytes);
      expect(r.sigLen).toBe(1800);
      for (const c of [0, 5, 11]) for (const i of [0, 49, 1000, 1799]) expect(r.signals[c][i]).toBe(wave(c, from + i));
      expect(r.annotations).toEqual([{ onset: 43205.5, text: 'VT run' }]);
      expect(r.baseDate).toBe('2024-11-11');
    } finally {
      src.close();
    }
  });

  it('refuses a whole-day read with the window to ask for, instead of running out of memory', async () => {
    await expect(readRecord(path)).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('read a window of at most 55924 s') });
  });

  it('reads the last second through readRecord', async () => {
    const r = await readRecord(path, { from: (DAY - 1) * FS, to: DAY * FS });
    expect(r.signals[3][FS - 1]).toBe(wave(3, DAY * FS - 1));
    expect(r.comments).toContain('Device: HolterRec');
  });
});

describe('24-hour EDF+D Holter', () => {
  // 3 leads, 1-s records, the last 10 minutes of every hour missing: 72000 records over 24 h.
  const onsets = Array.from({ length: DAY }, (_, t) => t).filter((t) => t % 3600 < 3000);
  const gapped: EdfSpec = { ...spec, variant: 'EDF+D', records: onsets.length, recordOnsets: onsets, signals: spec.signals.slice(0, 3), tals: () => [] };
  const path = join(tempDir('edf-holter-d'), 'day-d.edf');
  const rb = edfRecordBytes(gapped);
  const head = 256 * 5;
  // Every record's time-keeping TAL is written (the reader needs them all); samples only where read.
  const size = writeSparseEdf(path, gapped, wave, []);
  const fd = openSync(path, 'r+');
  const annotationAt = 2 * 3 * FS;
  for (let k = 0; k < onsets.length; k++) {
    // The time-keeping TAL as edfRecord writes it, without building the (zero) samples.
    const tal = Buffer.from(`+${onsets[k]}\x14\x14\x00`, 'latin1');
    writeSync(fd, tal, 0, tal.length, head + k * rb + annotationAt);
  }
  const noon = onsets.indexOf(NOON + 60);
  writeSync(fd, edfRecord(gapped, noon, wave), 0, rb, head + noon * rb);
  closeSync(fd);

  it('places 72000 records on a 24-hour axis reading only their annotation bytes', () => {
    expect(size).toBe(head + onsets.length * rb);
    const src = new FileSource(path);
    const t0 = performance.now();
    try {
      const r = readEdfFrom(src, 'day-d.edf', { from: 0, to: 0 });
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(r.totalLen).toBe((DAY - 600) * FS);
      expect(r.warnings).toEqual([]);
      expect(src.bytesRead).toBe(head + onsets.length * 60);
    } finally {
      src.close();
    }
  });

  it('reads the samples of a record after a gap at its onset, and the gap as NaN', () => {
    const src = new FileSource(path);
    try {
      const r = readEdfFrom(src, 'day-d.edf', { from: (NOON + 60) * FS - 5, to: (NOON + 61) * FS });
      // The record before (noon + 59 s) holds zeros; noon + 60 s is the record index 36060.
      expect(noon).toBe(36060);
      expect(r.signals[0][4]).toBe(0);
      for (const i of [5, 100, FS + 4]) expect(r.signals[1][i]).toBe(wave(1, noon * FS + i - 5));
      const gap = readEdfFrom(src, 'day-d.edf', { from: (NOON - 300) * FS, to: (NOON - 290) * FS });
      expect(gap.signals[2].every((v) => Number.isNaN(v))).toBe(true);
    } finally {
      src.close();
    }
  });
});
