// The 52 real PhysioNet/CinC records: detection, scan, and metadata equal to reference-cinc/labels.csv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cincAdapter, cincMeta } from '../../src/main/datasets/cinc.js';
import { centerOfRecord } from '../../src/main/datasets/cinc-centers.js';
import { parseCsv } from '../../src/main/datasets/csv.js';
import { detectAdapter } from '../../src/main/datasets/index.js';
import type { Candidate, RecordMeta } from '../../src/main/datasets/types.js';
import type { Reading } from '../../src/main/formats/types.js';
import { SHARED, collect, collectingReport, expectFramedLikeLoad } from './fixtures.js';

const CINC = join(SHARED, 'ecg-samples/cinc');
const REFERENCE = join(SHARED, 'ecg-samples/reference-cinc');

/** labels.csv folder name -> the center name the catalog uses. */
const CENTER_OF_FOLDER: Record<string, string> = {
  cpsc: 'CPSC',
  'cpsc-extra': 'CPSC-Extra',
  georgia: 'Georgia',
  ptbxl: 'PTB-XL',
  ptb: 'PTB',
  chapman: 'Chapman-Shaoxing',
  ningbo: 'Ningbo',
};

interface Label {
  folder: string;
  record: string;
  fs: number;
  sigLen: number;
  age: number | null;
  sex: 'M' | 'F' | null;
  dx: string[];
}

const labels: Label[] = parseCsv(readFileSync(join(REFERENCE, 'labels.csv'), 'utf8'))
  .slice(1)
  .map(([folder, record, fs, , sigLen, age, sex, dx]) => ({
    folder,
    record,
    fs: Number(fs),
    sigLen: Number(sigLen),
    age: age === 'NaN' ? null : Number(age),
    sex: sex.toLowerCase() === 'male' ? 'M' : sex.toLowerCase() === 'female' ? 'F' : null,
    dx: dx.split(';'),
  }));

describe('cinc adapter on the 52 shared records', () => {
  let candidates: Candidate[];
  const loaded = new Map<string, { meta: RecordMeta; reading: Reading }>();
  const report = collectingReport();

  beforeAll(async () => {
    candidates = await collect(cincAdapter.scan(CINC, report));
    for (const c of candidates) loaded.set(c.key, await cincAdapter.load(c));
  });

  it('loads every record as frames (the fused import path) that unframe to load’s reading, gains corrected', async () => {
    for (const c of candidates) await expectFramedLikeLoad(cincAdapter, c, true);
  });

  it('is detected as the cinc layout', async () => {
    expect(await cincAdapter.detect(CINC)).toBeGreaterThan(0);
    expect((await detectAdapter(CINC)).name).toBe('cinc');
    expect((await detectAdapter(join(CINC, 'georgia'))).name).toBe('cinc');
  });

  it('scans exactly the 52 records of labels.csv, sorted, without errors', () => {
    expect(labels).toHaveLength(52);
    expect(report.errors).toEqual([]);
    // Tree order: folder by folder ('cpsc' before 'cpsc-extra'), records sorted inside each.
    const byTree = [...labels].sort((a, b) => (a.folder === b.folder ? (a.record < b.record ? -1 : 1) : a.folder < b.folder ? -1 : 1));
    expect(candidates.map((c) => c.key)).toEqual(byTree.map((l) => `${l.folder}/${l.record}`));
    for (const c of candidates) {
      expect(c.adapter).toBe('cinc');
      expect(c.path).toBe(join(CINC, c.key));
    }
  });

  it('gives every record the center, age, sex and codes of labels.csv', () => {
    for (const label of labels) {
      const got = loaded.get(`${label.folder}/${label.record}`);
      expect(got, label.record).toBeDefined();
      const { meta, reading } = got!;
      expect(meta.record).toBe(label.record);
      expect(meta.center, label.record).toBe(CENTER_OF_FOLDER[label.folder]);
      expect(meta.age, label.record).toBe(label.age);
      expect(meta.sex, label.record).toBe(label.sex);
      expect(meta.codes, label.record).toEqual(label.dx);
      expect(meta.patient).toBeNull();
      expect(meta.format).toBe('mat4');
      expect(meta.sourcePath).toBe(join(CINC, label.folder, `${label.record}.mat`));
      expect(reading.fs).toBe(label.fs);
      expect(reading.sigLen).toBe(label.sigLen);
      expect(reading.channels).toHaveLength(12);
    }
  });

  it('reads the base date and time where the header has them', () => {
    expect(loaded.get('georgia/E00001')!.meta.recordedAt).toBe('05-May-2020 14:50:55');
    expect(loaded.get('chapman/JS00001')!.meta.recordedAt).toBeNull();
  });

  it('corrects the three 2020-release gain errors to 1000/mV and says so', () => {
    const corrected = { 'georgia/E00793': 4880, 'ptbxl/HR00599': 200, 'ptb/S0001': 2000000 } as Record<string, number>;
    for (const [key, wrong] of Object.entries(corrected)) {
      const { meta, reading } = loaded.get(key)!;
      const ref = JSON.parse(readFileSync(join(REFERENCE, `${key}.json`), 'utf8')) as { adc_gain: number[]; head: (number | null)[][] };
      expect(ref.adc_gain[0]).toBe(wrong); // the reference follows the header as written
      expect(meta.notes.some((n) => n.startsWith(`gain corrected from 2020 release: ${wrong}/mV -> 1000/mV on 12 channels`))).toBe(true);
      expect(reading.channels.every((c) => c.gain === 1000)).toBe(true);
      const factor = wrong / 1000;
      for (const c of [0, 6, 11]) {
        for (const i of [0, 1, 500, 999]) {
          const step = 1 / 1000; // one ADC step at the corrected gain
          expect(Math.abs(reading.signals[c][i] - (ref.head[c][i] as number) * factor)).toBeLessThan(step * 1e-3 + Math.abs(factor) * 1e-6);
        }
      }
    }
  });

  it('leaves records whose gain is already 1000/mV untouched', () => {
    for (const [key, { meta, reading }] of loaded) {
      if (['georgia/E00793', 'ptbxl/HR00599', 'ptb/S0001'].includes(key)) continue;
      expect(meta.notes.filter((n) => n.startsWith('gain corrected')), key).toEqual([]);
      expect(reading.channels.every((c) => c.gain === 1000), key).toBe(true);
    }
    const ref = JSON.parse(readFileSync(join(REFERENCE, 'cpsc/A0001.json'), 'utf8')) as { head: number[][] };
    expect(loaded.get('cpsc/A0001')!.reading.signals[1][10]).toBeCloseTo(ref.head[1][10], 6);
  });
});

describe('cinc metadata rules', () => {
  it('maps record prefixes to centers, including the Chapman/Ningbo boundary', () => {
    expect(centerOfRecord('A0001')).toBe('CPSC');
    expect(centerOfRecord('Q0001')).toBe('CPSC-Extra');
    expect(centerOfRecord('I0001')).toBe('INCART');
    expect(centerOfRecord('S0001')).toBe('PTB');
    expect(centerOfRecord('HR00001')).toBe('PTB-XL');
    expect(centerOfRecord('E00001')).toBe('Georgia');
    expect(centerOfRecord('JS10646')).toBe('Chapman-Shaoxing');
    expect(centerOfRecord('JS10647')).toBe('Ningbo');
    expect(centerOfRecord('X123')).toBeNull();
  });

  it('falls back to the folder name for records without a known prefix', () => {
    expect(cincMeta('X1', '/data/WFDB_StPetersburg', []).center).toBe('INCART');
    expect(cincMeta('X1', '/data/site-7', []).center).toBe('site-7');
  });

  it('reads comment variants: space after #, lowercase sex, single-letter sex, NaN age, missing Dx', () => {
    const m = cincMeta('E1', '/x', [' Age: 78', ' Sex: f', ' Dx: 1,2']);
    expect(m).toEqual({ center: 'Georgia', age: 78, sex: 'F', codes: ['1', '2'] });
    const n = cincMeta('E1', '/x', ['Age: NaN', 'Sex: Unknown']);
    expect(n).toEqual({ center: 'Georgia', age: null, sex: null, codes: [] });
  });
});
