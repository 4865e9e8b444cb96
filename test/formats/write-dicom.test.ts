// DICOM writer: written files read back through our reader to the same counts, dicom-parser (an
// independent parser) finds the tags we wrote, and dciodvfy (dicom3tools) finds no IOD error.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { writeDicom, SOP_12_LEAD, SOP_GENERAL_ECG, TS_EXPLICIT_LE } from '../../src/main/formats/dicom/write.js';
import { readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { DCIODVFY, expectSameAtStep, generatedEcg, hasTool } from './write-check.js';

const dir = tempDir('write-dicom');
const patient = { id: 'MRN-0042', name: 'Lindqvist, Maja', birthDate: '19530508', sex: 'F' };

function parse(path: string) {
  return dicomParser.parseDicom(new Uint8Array(readFileSync(path)));
}

describe('DICOM writer', () => {
  const ecg = { ...generatedEcg(11, 10, 2.5), patient, date: '2021-03-04', time: '09:10:11', statements: ['Sinus rhythm', 'Left axis deviation'] };
  const median = generatedEcg(12, 1.2, 2.5);
  const path = join(dir, 'rec.dcm');
  writeFileSync(path, writeDicom({ ...ecg, median: { fs: 500, leads: median.leads, signals: median.signals.map((s) => s.subarray(0, 600)) } }).bytes);

  it('reads back through our reader to the same counts, with patient, time, statements and median beats', async () => {
    const r = await readRecord(path);
    expect(r.fs).toBe(500);
    expect(r.sigLen).toBe(5000);
    expect(r.channels.map((c) => c.name)).toEqual(ecg.leads);
    expect(r.channels.every((c) => c.units === 'mV' && Math.abs(c.gain - 400) < 1e-9)).toBe(true);
    expectSameAtStep(r, ecg, 2.5, 'rhythm');
    expect(r.patient).toEqual({ id: 'MRN-0042', name: 'Lindqvist Maja', birthDate: '19530508', sex: 'F' });
    expect([r.baseDate, r.baseTime]).toEqual(['2021-03-04', '09:10:11']);
    expect(r.comments).toContain('Statement: Sinus rhythm');
    expect(r.comments).toContain('Statement: Left axis deviation');
    expect(r.warnings).toEqual([]);
    expect(r.median?.sigLen).toBe(600);
    expectSameAtStep(r.median!, { leads: median.leads, signals: median.signals.map((s) => s.subarray(0, 600)) }, 2.5, 'median');
  });

  it('holds what we wrote as dicom-parser reads the tags', () => {
    const ds = parse(path);
    expect(ds.string('x00020010')).toBe(TS_EXPLICIT_LE);
    expect(ds.string('x00080016')).toBe(SOP_12_LEAD);
    expect(ds.string('x00020002')).toBe(SOP_12_LEAD);
    expect(ds.string('x00020003')).toBe(ds.string('x00080018'));
    expect(ds.string('x00080060')).toBe('ECG');
    expect(ds.string('x00100010')).toBe('Lindqvist^Maja');
    expect(ds.string('x00100020')).toBe('MRN-0042');
    expect(ds.string('x00100030')).toBe('19530508');
    expect(ds.string('x00100040')).toBe('F');
    const groups = ds.elements.x54000100.items!.map((it) => it.dataSet!);
    expect(groups.map((g) => g.string('x003a0020'))).toEqual(['RHYTHM', 'MEDIAN']);
    const rhythm = groups[0];
    expect(rhythm.uint16('x003a0005')).toBe(12);
    expect(rhythm.uint32('x003a0010')).toBe(5000);
    expect(Number(rhythm.string('x003a001a'))).toBe(500);
    expect(rhythm.uint16('x54001004')).toBe(16);
    expect(rhythm.string('x54001006')).toBe('SS');
    const defs = rhythm.elements.x003a0200.items!.map((it) => it.dataSet!);
    const source = (k: number) => defs[k].elements.x003a0208.items![0].dataSet!;
    expect(defs.map((d, k) => source(k).string('x00080100'))).toEqual(['5.6.3-9-1', '5.6.3-9-2', '5.6.3-9-61', '5.6.3-9-62', '5.6.3-9-63', '5.6.3-9-64', '5.6.3-9-3', '5.6.3-9-4', '5.6.3-9-5', '5.6.3-9-6', '5.6.3-9-7', '5.6.3-9-8']);
    expect(source(0).string('x00080102')).toBe('SCPECG');
    expect(source(0).string('x00080104')).toBe('Lead I (Einthoven)');
    expect(defs.every((d) => Number(d.string('x003a0210')) === 2.5 && Number(d.string('x003a0212')) === 1 && Number(d.string('x003a0213')) === 0)).toBe(true);
    expect(defs[0].elements.x003a0211.items![0].dataSet!.string('x00080100')).toBe('uV');
    // Interleaved samples: frame t, channel c at 2 * (12 t + c).
    const data = rhythm.elements.x54001010;
    expect(data.length).toBe(5000 * 12 * 2);
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + data.dataOffset, data.length);
    for (const [t, c] of [[0, 0], [1234, 5], [4999, 11]]) expect(view.getInt16(2 * (12 * t + c), true)).toBe(Math.round((ecg.signals[c][t] * 1000) / 2.5));
    const notes = ds.elements.x0040b020.items!.map((it) => it.dataSet!.string('x00700006'));
    expect(notes).toEqual(['Sinus rhythm', 'Left axis deviation']);
  });

  it('uses General ECG storage when the record breaks the 12-lead IOD limits, and writes no identity without a patient', async () => {
    const long = generatedEcg(13, 40, 1);
    const p = join(dir, 'long.dcm');
    writeFileSync(p, writeDicom(long).bytes);
    const ds = parse(p);
    expect(ds.string('x00080016')).toBe(SOP_GENERAL_ECG);
    expect(ds.elements.x00100010.length).toBe(0);
    expect(ds.elements.x00100020.length).toBe(0);
    const r = await readRecord(p);
    expect(r.sigLen).toBe(20000);
    expectSameAtStep(r, long, 1, 'long');
    expect(r.patient).toEqual({});
  });

  it('writes invalid samples as 0 and says so', async () => {
    const e = generatedEcg(14, 2, 1);
    const signals = e.signals.map((s) => s.slice());
    signals[3][7] = NaN;
    const out = writeDicom({ ...e, signals });
    expect(out.warnings).toEqual(['rhythm aVR: 1 invalid samples written as 0']);
    writeFileSync(join(dir, 'nan.dcm'), out.bytes);
    expect((await readRecord(join(dir, 'nan.dcm'))).signals[3][7]).toBe(0);
  });

  it.skipIf(!hasTool(DCIODVFY))('passes dicom3tools dciodvfy without errors (12-lead and General ECG)', () => {
    for (const f of ['rec.dcm', 'long.dcm']) {
      let out: string;
      try {
        out = execFileSync(DCIODVFY, [join(dir, f)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
      }
      const errors = out.split('\n').filter((l) => /^Error/.test(l));
      expect(errors, `${f}:\n${out}`).toEqual([]);
    }
  });
});
