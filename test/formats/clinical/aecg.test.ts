import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecord } from '../../../src/main/formats/index.js';
import { clinicalFile, disagreement, reference } from './parity.js';

const HL7 = clinicalFile('hl7aecg/hl7_example_aECG.xml');
const PHILIPS = clinicalFile('hl7aecg/philips_ad4d3d80-d165_1-04_converted.xml');
const dir = mkdtempSync(join(tmpdir(), 'openecg-aecg-'));

/** A small aECG: one rhythm series at `increment`, leads given as digits with origin/scale. */
function aecg(increment: string, leads: readonly { code: string; origin: string; scale: string; digits: string }[]): string {
  const seq = leads
    .map((l) => `<component><sequence><code code="${l.code}"/><value xsi:type="SLIST_PQ">${l.origin}${l.scale}<digits>${l.digits}</digits></value></sequence></component>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<componentOf><timepointEvent><componentOf><subjectAssignment><subject><trialSubject><id root="1" extension="PAT-9"/>
<subjectDemographicPerson><name>Roe</name><administrativeGenderCode code="F"/><birthTime value="19700101"/></subjectDemographicPerson>
</trialSubject></subject></subjectAssignment></componentOf></timepointEvent></componentOf>
<component><series><code code="RHYTHM"/><component><sequenceSet>
<component><sequence><code code="TIME_RELATIVE"/><value xsi:type="GLIST_PQ"><head value="0" unit="s"/>${increment}</value></sequence></component>
${seq}</sequenceSet></component></series></component></AnnotatedECG>`;
}

function write(name: string, text: string, encoding: BufferEncoding = 'utf8'): string {
  const path = join(dir, name);
  writeFileSync(path, encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, encoding));
  return path;
}

describe('HL7 aECG', () => {
  it('reads the HL7 example as libbiosig does, with its median beats and annotations', async () => {
    const r = await readRecord(HL7);
    expect(disagreement(reference('hl7_example_aECG.xml.json'), r)).toBeUndefined();
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'aVR', 'aVL', 'aVF']);
    expect(r.baseDate).toBe('2002-11-22');
    expect(r.baseTime).toBe('09:10:00.000');
    expect(r.median?.fs).toBe(500);
    expect(r.median?.channels.length).toBe(12);
    expect(r.comments.join('\n')).toMatch(/Sinus Rhythm/);
    expect(r.comments.join('\n')).toMatch(/Beats annotated: 12/);
    expect(r.patient).toEqual({ id: 'SBJ-123', name: 'Clark', sex: 'M', birthDate: '19530508' });
    expect(r.comments.join('\n')).not.toMatch(/Clark|SBJ-123|19530508/);
  });

  it('reads the Philips export', async () => {
    const r = await readRecord(PHILIPS);
    expect(disagreement(reference('philips_ad4d3d80-d165_1-04_converted.xml.json'), r)).toBeUndefined();
    expect(r.comments.join('\n')).toMatch(/SINUS BRADYCARDIA/);
  });

  it('reads the same ECG as the DICOM file, value for value', async () => {
    const a = await readRecord(HL7);
    const d = await readRecord(clinicalFile('dicom/ecgtoolkit_Example.dcm'));
    for (const [c, ch] of a.channels.entries()) {
      const k = d.channels.findIndex((x) => x.name === ch.name);
      expect(Array.from(d.signals[k]), ch.name).toEqual(Array.from(a.signals[c]));
    }
  });

  it('applies origin and scale in any unit, ms increments, UTF-16 and a window', async () => {
    const text = aecg('<increment value="4" unit="ms"/>', [
      { code: 'MDC_ECG_LEAD_I', origin: '<origin value="0.5" unit="mV"/>', scale: '<scale value="10" unit="uV"/>', digits: '-2 0 3 100' },
      { code: 'MDC_ECG_LEAD_AVR', origin: '<origin value="0" unit="V"/>', scale: '<scale value="0.001" unit="V"/>', digits: '1\n-1 2.5 +4' },
    ]);
    const r = await readRecord(write('small.xml', text, 'utf16le'));
    expect(r.fs).toBe(250);
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'aVR']);
    expect(Array.from(r.signals[0])).toEqual([0.48, 0.5, 0.53, 1.5]);
    expect(Array.from(r.signals[1])).toEqual([1, -1, 2.5, 4]);
    expect(r.patient).toEqual({ id: 'PAT-9', name: 'Roe', sex: 'F', birthDate: '19700101' });
    const part = await readRecord(write('small8.xml', text), { from: 1, to: 3 });
    expect(Array.from(part.signals[0])).toEqual([0.5, 0.53]);
    expect(part.totalLen).toBe(4);
  });

  it('rejects wrong lengths, truncated files, bad digits and XML that is not aECG', async () => {
    const uneven = aecg('<increment value="0.002" unit="s"/>', [
      { code: 'MDC_ECG_LEAD_I', origin: '', scale: '<scale value="5" unit="uV"/>', digits: '1 2 3' },
      { code: 'MDC_ECG_LEAD_II', origin: '', scale: '<scale value="5" unit="uV"/>', digits: '1 2' },
    ]);
    await expect(readRecord(write('uneven.xml', uneven))).rejects.toMatchObject({ code: 'length' });
    await expect(readRecord(write('cut.xml', readFileSync(HL7, 'utf8').slice(0, 200_000)))).rejects.toMatchObject({ code: 'truncated' });
    const junk = aecg('<increment value="0.002" unit="s"/>', [{ code: 'MDC_ECG_LEAD_I', origin: '', scale: '<scale value="5" unit="uV"/>', digits: '1 x2 3' }]);
    await expect(readRecord(write('junk.xml', junk))).rejects.toMatchObject({ code: 'aecg' });
    const noTime = aecg('', [{ code: 'MDC_ECG_LEAD_I', origin: '', scale: '<scale value="5" unit="uV"/>', digits: '1 2 3' }]);
    await expect(readRecord(write('notime.xml', noTime))).rejects.toMatchObject({ code: 'aecg', message: expect.stringMatching(/increment/) });
    // Right root name, wrong namespace: not aECG, so no reader claims it.
    await expect(readRecord(write('ns.xml', '<AnnotatedECG xmlns="urn:other"/>'))).rejects.toMatchObject({ code: 'missing' });
  });

  it('reads a window of a long recording, keeping only the window', async () => {
    // 20 minutes at 500 Hz: digits are scanned, only [from, to) is stored.
    const n = 600_000;
    const digits = Array.from({ length: n }, (_, i) => String((i % 2000) - 1000)).join(' ');
    const text = aecg('<increment value="0.002" unit="s"/>', [{ code: 'MDC_ECG_LEAD_II', origin: '', scale: '<scale value="1" unit="mV"/>', digits }]);
    const r = await readRecord(write('long.xml', text), { from: 500_000, to: 500_004 });
    expect(r.totalLen).toBe(n);
    expect(Array.from(r.signals[0])).toEqual([-1000, -999, -998, -997]);
    await expect(readRecord(join(dir, 'long.xml'), { from: 0, to: n + 1 })).rejects.toMatchObject({ code: 'range' });
  });

  it('detects aECG by content whatever the file is called', async () => {
    const renamed = join(dir, 'export.dcm');
    copyFileSync(HL7, renamed);
    expect((await readRecord(renamed)).sigLen).toBe(5000);
  });
});
