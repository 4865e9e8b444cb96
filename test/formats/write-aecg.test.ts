// HL7 aECG writer: written documents read back through our reader to the same counts (rhythm and
// representative beats), with subject and statements, and libbiosig reads the same values.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdcLeadCode, writeAecg } from '../../src/main/formats/aecg/write.js';
import { clinicalKind } from '../../src/main/formats/clinical/sniff.js';
import { readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { biosigRead, expectSameAtStep, generatedEcg, hasTool, SAVE2GDF, STD } from './write-check.js';

const dir = tempDir('write-aecg');

describe('HL7 aECG writer', () => {
  const ecg = { ...generatedEcg(21, 10, 5), patient: { id: 'SUBJ-77', name: "O'Brien & Sons <Ltd>", birthDate: '19611224', sex: 'M' }, date: '2019-12-31', time: '23:59:58', statements: ['Atrial fibrillation', 'T wave inversion < 1 mm'] };
  const median = generatedEcg(22, 1, 5);
  const beats = { fs: 500, leads: median.leads, signals: median.signals.map((s) => s.subarray(0, 450)) };
  const path = join(dir, 'rec.xml');
  writeFileSync(path, writeAecg({ ...ecg, median: beats }).bytes);

  it('is an AnnotatedECG by content and reads back to the same counts, subject, time and statements', async () => {
    expect(clinicalKind(path)).toBe('aecg');
    const r = await readRecord(path);
    expect(r.fs).toBe(500);
    expect(r.sigLen).toBe(5000);
    expect(r.channels.map((c) => c.name)).toEqual(STD);
    expectSameAtStep(r, ecg, 5, 'rhythm');
    expect(r.patient).toEqual({ id: 'SUBJ-77', name: "O'Brien & Sons <Ltd>", birthDate: '19611224', sex: 'M' });
    expect([r.baseDate, r.baseTime]).toEqual(['2019-12-31', '23:59:58']);
    expect(r.comments.filter((c) => c.startsWith('Statement:'))).toEqual(['Statement: Atrial fibrillation', 'Statement: T wave inversion < 1 mm']);
    expect(r.warnings).toEqual([]);
    expect(r.median?.sigLen).toBe(450);
    expectSameAtStep(r.median!, beats, 5, 'median');
  });

  it('codes leads by MDC and scales digits in uV', () => {
    const xml = readFileSync(path, 'utf8');
    for (const lead of STD) expect(xml).toContain(`<code code="${mdcLeadCode(lead)}" codeSystem="2.16.840.1.113883.6.24"`);
    expect(mdcLeadCode('aVR')).toBe('MDC_ECG_LEAD_AVR');
    expect(xml).toContain('<scale value="5" unit="uV"/>');
    expect(xml).toContain('<increment value="0.002" unit="s"/>');
    expect(xml).toContain('<code code="REPRESENTATIVE_BEAT"');
  });

  it('leaves the subject out without a patient, and writes a placeholder time', async () => {
    const e = generatedEcg(23, 2, 1);
    const p = join(dir, 'anon.xml');
    writeFileSync(p, writeAecg(e).bytes);
    const r = await readRecord(p);
    expect(r.patient).toEqual({});
    expect(r.baseDate).toBe('1900-01-01');
    expectSameAtStep(r, e, 1, 'anonymous');
  });

  it.skipIf(!hasTool(SAVE2GDF))('reads the same samples in libbiosig (save2gdf)', () => {
    const b = biosigRead(path);
    expect(b.labels.length).toBe(12);
    expect(b.fs.every((f) => f === 500)).toBe(true);
    // libbiosig labels aECG leads by their MDC names, in file order; values in uV.
    expect(b.units.every((u) => u === 'uV')).toBe(true);
    b.signals.forEach((s, c) => {
      expect(s.length).toBe(5000);
      const want = ecg.signals[c];
      const bad = s.findIndex((v, i) => Math.abs(v - want[i] * 1000) > 1e-6);
      expect(bad, `lead ${b.labels[c]} sample ${bad}`).toBe(-1);
    });
  });
});
