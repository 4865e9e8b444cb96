// CODE-15% layout generated at test time: exams.csv + HDF5 parts written with h5wasm.
import h5wasm from 'h5wasm/node';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code15Adapter, zeroEdges } from '../../src/main/datasets/code15.js';
import { detectAdapter } from '../../src/main/datasets/index.js';
import type { Candidate } from '../../src/main/datasets/types.js';
import { closeHdf5Files, isHdf5Path, readHdf5Exam, readHdf5Path } from '../../src/main/formats/hdf5.js';
import { FormatError } from '../../src/main/formats/types.js';
import { collect, collectingReport, tempFolder } from './fixtures.js';

const T = 4096;
const L = 12;
/** Stored value of lead c at active sample s: never zero. */
const value = (c: number, s: number) => Math.fround((c + 1) * 0.01 + 0.001 * ((s % 100) + 1));

/** Rows of `active` samples centred in 4096 with zeros around (0 active = a filler row). */
function tracings(actives: readonly number[]): Float32Array {
  const data = new Float32Array(actives.length * T * L);
  actives.forEach((active, row) => {
    const start = Math.floor((T - active) / 2);
    for (let s = 0; s < active; s++) for (let c = 0; c < L; c++) data[(row * T + start + s) * L + c] = value(c, s);
  });
  return data;
}

function writePart(path: string, examIds: readonly number[], actives: readonly number[] | null): void {
  const file = new h5wasm.File(path, 'w');
  if (actives) file.create_dataset({ name: 'tracings', data: tracings(actives), shape: [actives.length, T, L], dtype: '<f' });
  file.create_dataset({ name: 'exam_id', data: BigInt64Array.from(examIds.map(BigInt)), shape: [examIds.length], dtype: '<q' });
  file.close();
}

describe('code15 adapter', () => {
  let folder: string;
  let candidates: Candidate[];
  const report = collectingReport();

  beforeAll(async () => {
    await h5wasm.ready;
    folder = tempFolder('code15');
    writeFileSync(
      join(folder, 'exams.csv'),
      [
        'exam_id,age,is_male,nn_predicted_age,1dAVb,RBBB,LBBB,SB,ST,AF,patient_id,death,timey,normal_ecg,trace_file',
        '101,57,True,55.1,False,True,False,False,False,True,5001,False,,False,exams_part0.hdf5',
        '102,33,False,30.2,False,False,False,False,False,False,5002,,,True,exams_part0.hdf5',
        '104,71,True,70.0,True,False,False,False,True,False,5001,,,False,exams_part1.hdf5',
      ].join('\n') + '\n',
    );
    writePart(join(folder, 'exams_part0.hdf5'), [101, 102, 0], [4000, 2934, 0]); // 10 s, 7.3 s, filler
    writePart(join(folder, 'exams_part1.hdf5'), [104, 999], [4096, 2800]); // full length; 999 is not in exams.csv
    writePart(join(folder, 'exams_part2.hdf5'), [105], null); // no tracings
    candidates = await collect(code15Adapter.scan(folder, report));
  });

  afterAll(() => closeHdf5Files());

  it('is detected from exams.csv and the parts', async () => {
    expect(await code15Adapter.detect(folder)).toBe(95);
    expect((await detectAdapter(folder)).name).toBe('code15');
  });

  it('lists every exam row, skips filler rows, reports a part without tracings', () => {
    expect(candidates.map((c) => [c.key, c.index])).toEqual([
      ['exams_part0.hdf5#0', 0],
      ['exams_part0.hdf5#1', 1],
      ['exams_part1.hdf5#0', 0],
      ['exams_part1.hdf5#1', 1],
    ]);
    expect(report.errors.map((e) => [e.key, e.code])).toEqual([['exams_part2.hdf5', 'hdf5-no-dataset']]);
    expect(report.errors[0].message).toContain("has no dataset 'tracings'");
  });

  it('loads demographics, patient, labels and the tracing without its zero padding', async () => {
    const { meta, reading } = await code15Adapter.load(candidates[0]);
    expect(meta).toMatchObject({ record: '101', center: 'CODE-15%', patient: '5001', age: 57, sex: 'M', format: 'hdf5', sourcePath: join(folder, 'exams_part0.hdf5') });
    expect(meta.codes).toEqual(['59118001', '164889003']);
    expect(meta.notes).toContain('zero padding trimmed: 48 leading, 48 trailing samples (10.00 s kept)');
    expect(reading.fs).toBe(400);
    expect(reading.sigLen).toBe(4000);
    expect(reading.channels.map((c) => c.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(reading.channels[0].units).toBe('mV');
    expect(reading.signals[3][0]).toBe(value(3, 0));
    expect(reading.signals[11][3999]).toBe(value(11, 3999));

    const short = await code15Adapter.load(candidates[1]);
    expect(short.reading.sigLen).toBe(2934);
    expect(short.meta.sex).toBe('F');
    expect(short.meta.codes).toEqual(['code15:normal_ecg']);

    const full = await code15Adapter.load(candidates[2]);
    expect(full.reading.sigLen).toBe(4096);
    expect(full.meta.codes).toEqual(['270492004', '427084000']);
    expect(full.meta.notes.some((n) => n.startsWith('zero padding'))).toBe(false);

    const unlisted = await code15Adapter.load(candidates[3]);
    expect(unlisted.meta).toMatchObject({ record: '999', patient: null, age: null, sex: null, codes: [] });
    expect(unlisted.meta.notes).toContain('exam not listed in exams.csv: no demographics, labels or patient');
  });

  it('refuses a row whose exam id changed since the scan', async () => {
    const moved = { ...candidates[0], hints: { ...candidates[0].hints, record: '102' } };
    await expect(code15Adapter.load(moved)).rejects.toThrow(/holds exam 101, expected 102/);
  });

  it('stops with a clear error for an exams.csv without patient_id', async () => {
    const bad = tempFolder('code15-bad');
    writeFileSync(join(bad, 'exams.csv'), 'exam_id,age,is_male\n1,50,True\n');
    await expect(collect(code15Adapter.scan(bad, collectingReport()))).rejects.toThrow(/lacks required column patient_id/);
  });

  it('counts zero edges only at the ends', () => {
    const a = Float64Array.from([0, 0, 1, 0, 2, 0]);
    const b = Float64Array.from([0, 0, 0, 0, 3, 0]);
    expect(zeroEdges([a, b])).toEqual({ lead: 2, trail: 1 });
    expect(zeroEdges([new Float64Array(4)])).toEqual({ lead: 4, trail: 0 });
  });
});

describe('HDF5 reader', () => {
  it('reads one exam row through the readRecord path form and honours from/to', async () => {
    const folder = tempFolder('hdf5');
    const path = join(folder, 'p.hdf5');
    writePart(path, [7, 8], [4096, 4096]);
    expect(isHdf5Path(`${path}#1`)).toBe(true);
    expect(isHdf5Path(join(folder, 'r.hea'))).toBe(false);
    const whole = await readHdf5Path(`${path}#1`);
    expect(whole.record).toBe('p.hdf5#1');
    expect(whole.sigLen).toBe(4096);
    expect(whole.signals[5][17]).toBe(value(5, 17));
    const part = await readHdf5Path(`${path}#1`, { from: 10, to: 20 });
    expect(part.sigLen).toBe(10);
    expect(part.signals[0][0]).toBe(value(0, 10));
    await expect(readHdf5Exam(path, 2)).rejects.toThrow(/exam row 2 is outside 0..1/);
    closeHdf5Files();
  });

  it('names what is wrong with a file without tracings or not HDF5 at all', async () => {
    const folder = tempFolder('hdf5-bad');
    const noTracings = join(folder, 'ids-only.hdf5');
    writePart(noTracings, [1], null);
    const err = await readHdf5Exam(noTracings, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe('hdf5-no-dataset');
    expect((err as FormatError).message).toBe(`${noTracings} has no dataset 'tracings' (found: exam_id)`);
    const text = join(folder, 'text.hdf5');
    writeFileSync(text, 'not an HDF5 file, just text');
    await expect(readHdf5Exam(text, 0)).rejects.toThrow(/is not an HDF5 file/);
    await expect(readHdf5Exam(join(folder, 'absent.hdf5'), 0)).rejects.toThrow(/cannot read HDF5 file/);
    closeHdf5Files();
  });
});
