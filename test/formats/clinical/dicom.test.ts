import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readingJson } from '../../../src/main/cli/reading-json.js';
import { readRecord } from '../../../src/main/formats/index.js';
import { dicomBytes, type WChannel } from './dicom-writer.js';
import { clinicalFile, disagreement, reference } from './parity.js';

const DCM = clinicalFile('dicom/ecgtoolkit_Example.dcm');
const dir = mkdtempSync(join(tmpdir(), 'openecg-dicom-'));

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const LIMB: WChannel[] = [
  { code: '5.6.3-9-1', meaning: 'Lead I (Einthoven)', sensitivity: 2.5, units: 'uV' },
  { code: '5.6.3-9-62', meaning: 'Lead aVR', sensitivity: 0.005, units: 'mV', correction: 2, baseline: 0.1 },
];

describe('DICOM waveform', () => {
  it('reads the shared 12-lead file (implicit VR) as pydicom does', async () => {
    const r = await readRecord(DCM);
    expect(disagreement(reference('ecgtoolkit_Example.dcm.json'), r)).toBeUndefined();
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(r.comments.join('\n')).toMatch(/PR Interval 148 ms/);
    expect(r.patient).toMatchObject({ id: 'SBJ-123', name: 'Clark', birthDate: '19530508', sex: 'M' });
    expect(r.comments.join('\n')).not.toMatch(/Clark|SBJ-123|19530508/);
    // `openecg read --json` prints the reading without the patient's identity.
    expect(readingJson(r)).not.toMatch(/Clark|SBJ-123|19530508/);
  });

  it('keeps the median-beat group, agreeing with its reference', async () => {
    const r = await readRecord(DCM);
    expect(disagreement(reference('ecgtoolkit_Example.dcm.group1.json'), r.median!)).toBeUndefined();
  });

  it('decodes generated groups: units, correction, baseline, unsigned and 8-bit samples, skew', async () => {
    const path = write('gen.dcm', dicomBytes({
      patientName: 'Doe^Jane', patientId: 'P-77', birthDate: '19800101',
      groups: [
        { label: 'RHYTHM', fs: 250, interpretation: 'SS', channels: LIMB, samples: [[-32768, 0, 400, 32767], [10, -10, 0, 3]] },
        { label: 'MEDIAN BEAT', fs: 250, interpretation: 'UB', channels: [{ code: '5.6.3-9-2', meaning: 'Lead II', sensitivity: 10, units: 'uV', sampleSkew: 1 }], samples: [[0, 128, 255]] },
      ],
    }));
    const r = await readRecord(path);
    expect(r.fs).toBe(250);
    expect(r.channels.map((c) => [c.name, c.units])).toEqual([['I', 'mV'], ['aVR', 'mV']]);
    expect(Array.from(r.signals[0])).toEqual([-81.92, 0, 1, 81.9175]);
    // (raw x 0.005 mV + 0.1) x 2
    expect(Array.from(r.signals[1]).map((v) => +v.toFixed(9))).toEqual([0.3, 0.1, 0.2, 0.23]);
    expect(r.median!.channels[0].name).toBe('II');
    expect(Array.from(r.median!.signals[0])).toEqual([NaN, 0, 1.28]);
    expect(r.patient).toEqual({ id: 'P-77', name: 'Doe Jane', birthDate: '19800101' });
    expect(r.baseDate).toBe('2024-01-02');
  });

  it('rejects truncated data, wrong lengths and DICOM without a waveform', async () => {
    const whole = readFileSync(DCM);
    await expect(readRecord(write('cut.dcm', whole.subarray(0, 60_000)))).rejects.toMatchObject({ code: 'truncated' });
    const short = dicomBytes({ groups: [{ label: 'RHYTHM', fs: 500, interpretation: 'SS', channels: LIMB, samples: [[1, 2, 3], [4, 5, 6]], dropBytes: 4 }] });
    await expect(readRecord(write('short.dcm', short))).rejects.toMatchObject({ code: 'truncated' });
    const image = dicomBytes({ groups: [], sopClass: '1.2.840.10008.5.1.4.1.1.7' });
    await expect(readRecord(write('image.dcm', image))).rejects.toMatchObject({ code: 'no-waveform', message: expect.stringMatching(/without a waveform/) });
  });

  it('detects DICOM by content: a DICOM file renamed .xml still reads', async () => {
    const renamed = join(dir, 'ecg.xml');
    copyFileSync(DCM, renamed);
    expect((await readRecord(renamed)).sigLen).toBe(5000);
  });
});
