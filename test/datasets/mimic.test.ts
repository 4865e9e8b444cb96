// MIMIC-IV-ECG layout generated at test time: record_list.csv + files/p*/p*/s*/ format-16 records.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectAdapter } from '../../src/main/datasets/index.js';
import { mimicAdapter } from '../../src/main/datasets/mimic.js';
import { LEADS_12, collect, collectingReport, expectFramedLikeLoad, ramp12, tempFolder, writeFormat16 } from './fixtures.js';

describe('mimic adapter', () => {
  it('scans record_list.csv, reports missing records, loads subject and time', async () => {
    const folder = tempFolder('mimic');
    writeFileSync(
      join(folder, 'record_list.csv'),
      [
        'subject_id,study_id,file_name,ecg_time,path',
        '10000032,40689238,40689238,2180-07-23 08:44:00,files/p1000/p10000032/s40689238/40689238',
        '10000032,44458630,44458630,2180-07-23 09:54:00,files/p1000/p10000032/s44458630/44458630',
        '10000117,45090959,45090959,2181-03-04 17:14:00,files/p1000/p10000117/s45090959/45090959',
      ].join('\r\n') + '\r\n',
    );
    writeFormat16({ path: join(folder, 'files/p1000/p10000032/s40689238/40689238'), fs: 500, leads: LEADS_12, samples: ramp12(5000), gain: 200 });
    writeFormat16({ path: join(folder, 'files/p1000/p10000117/s45090959/45090959'), fs: 500, leads: LEADS_12, samples: ramp12(5000), gain: 200 });

    expect(await mimicAdapter.detect(folder)).toBe(90);
    expect((await detectAdapter(folder)).name).toBe('mimic');

    const report = collectingReport();
    const candidates = await collect(mimicAdapter.scan(folder, report));
    expect(candidates.map((c) => c.key)).toEqual(['files/p1000/p10000032/s40689238/40689238', 'files/p1000/p10000117/s45090959/45090959']);
    expect(report.errors.map((e) => [e.key, e.code])).toEqual([['files/p1000/p10000032/s44458630/44458630', 'missing-record']]);

    const { meta, reading } = await mimicAdapter.load(candidates[1]);
    expect(meta).toMatchObject({
      record: '45090959',
      center: 'MIMIC-IV-ECG',
      patient: '10000117',
      age: null,
      sex: null,
      codes: [],
      recordedAt: '2181-03-04 17:14:00',
      format: 'wfdb-16',
      sourcePath: join(folder, 'files/p1000/p10000117/s45090959/45090959.dat'),
    });
    expect(reading.channels.map((c) => c.name)).toEqual(LEADS_12);
    expect(reading.signals[11][3]).toBeCloseTo((120 + 3) / 200, 12);
    for (const c of candidates) await expectFramedLikeLoad(mimicAdapter, c, true);
  });

  it('stops with a clear error for a record list without a path column', async () => {
    const folder = tempFolder('mimic-bad');
    writeFileSync(join(folder, 'record_list.csv'), 'subject_id,study_id,file_name\n1,2,2\n');
    await expect(collect(mimicAdapter.scan(folder, collectingReport()))).rejects.toThrow(/lacks required column path/);
  });
});
