// GE MUSE and Philips XML deviations real exports show (docs/format-deviations.md): the XML is
// built here (the project writes neither format) with one deviation each; read with the warning
// and the samples as stored, or refused with one clear line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecord, type Reading } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { deviationFiles } from './helpers/deviation-file.js';
import { generatedEcg, leadIndex, SAMPLES } from './write-check.js';

const dir = tempDir('dev-vendor');
const { read, refusal } = deviationFiles(dir, 'latin1');
const ecg = generatedEcg(53, 2, 5);
const N = ecg.signals[0].length;
/** Stored counts of each lead (5 uV per count in the generated record). */
const COUNTS = new Map(ecg.leads.map((name, k) => [name, Int16Array.from(ecg.signals[k], (v) => Math.round(v * 200))]));
const EIGHT = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];



/** Lead `name` of `r` equals `counts` x `perCount` (mV), computed as the readers compute it. */
function expectCounts(r: Reading, name: string, counts: Int16Array, uvPerCount: number): void {
  const got = r.signals[leadIndex(r, name)];
  expect(got.length).toBe(counts.length);
  let bad = -1;
  for (let k = 0; k < counts.length && bad < 0; k++) if (Math.abs(got[k] - (counts[k] * uvPerCount) / 1000) > 1e-12) bad = k;
  expect(bad < 0 ? 'same' : `${name}[${bad}]: ${got[bad]} vs ${(counts[bad] * uvPerCount) / 1000}`).toBe('same');
}

interface MuseLeadSpec { readonly id: string; readonly counts: Int16Array; readonly perBit?: string; readonly units?: string | null; readonly wrap?: boolean }

function museLead(l: MuseLeadSpec): string {
  const bytes = Buffer.from(l.counts.buffer, l.counts.byteOffset, l.counts.byteLength);
  let b64 = bytes.toString('base64');
  // MIME-style line breaks, as some MUSE exports write them (CR LF as character references too).
  if (l.wrap) b64 = b64.replace(/.{76}/g, (line, at: number) => `${line}${at % 152 ? '&#xD;&#xA;' : '\r\n'}`);
  return `<LeadData><LeadByteCountTotal>${bytes.length}</LeadByteCountTotal><LeadSampleCountTotal>${l.counts.length}</LeadSampleCountTotal><LeadAmplitudeUnitsPerBit>${l.perBit ?? '4.88'}</LeadAmplitudeUnitsPerBit>${l.units === null ? '' : `<LeadAmplitudeUnits>${l.units ?? 'MICROVOLTS'}</LeadAmplitudeUnits>`}<LeadID>${l.id}</LeadID><LeadDataCRC32>${crc32(bytes)}</LeadDataCRC32><WaveFormData>${b64}</WaveFormData></LeadData>`;
}

function muse(waves: { type: string; leads: MuseLeadSpec[] }[]): string {
  const body = waves.map((w) => `<Waveform><WaveformType>${w.type}</WaveformType><SampleBase>500</SampleBase><SampleExponent>0</SampleExponent>${w.leads.map(museLead).join('')}</Waveform>`);
  return `<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE RestingECG SYSTEM "restecg.dtd">\n<RestingECG><MuseInfo><MuseVersion>9.0.9</MuseVersion></MuseInfo><TestDemographics><AcquisitionDate>03-04-2021</AcquisitionDate><AcquisitionTime>05:06:07</AcquisitionTime></TestDemographics>${body.join('')}</RestingECG>\n`;
}

const rhythm = (over: Partial<MuseLeadSpec> = {}) => EIGHT.map((id) => ({ id, counts: COUNTS.get(id)!, ...over }));

describe('GE MUSE deviations', () => {
  it('base64 broken into lines (CR LF, also as character references): read as one', async () => {
    const r = await read(muse([{ type: 'Rhythm', leads: rhythm({ wrap: true }) }]), 'wrapped.xml');
    for (const id of EIGHT) expectCounts(r, id, COUNTS.get(id)!, 4.88);
    expect(r.warnings).toEqual(['Rhythm: derived III, aVR, aVL, aVF from I and II (not stored in the file)']);
  });

  it('LeadAmplitudeUnitsPerBit with a decimal comma', async () => {
    const leads = rhythm();
    leads[2] = { ...leads[2], perBit: '4,88' };
    const r = await read(muse([{ type: 'Rhythm', leads }]), 'comma.xml');
    for (const id of EIGHT) expectCounts(r, id, COUNTS.get(id)!, 4.88);
    expect(r.warnings[0]).toBe("Rhythm lead V1: LeadAmplitudeUnitsPerBit '4,88' written with a decimal comma, read as 4.88");
  });

  it('no LeadAmplitudeUnits: microvolts, what MUSE writes', async () => {
    const leads = rhythm();
    leads[0] = { ...leads[0], units: null };
    const r = await read(muse([{ type: 'Rhythm', leads }]), 'nounits.xml');
    expectCounts(r, 'I', COUNTS.get('I')!, 4.88);
    expect(r.warnings[0]).toBe('Rhythm lead I: no LeadAmplitudeUnits, MICROVOLTS assumed (what MUSE writes)');
  });

  it('III, aVR, aVL, aVF not stored, and the Median waveform before the Rhythm one', async () => {
    const median = EIGHT.map((id) => ({ id, counts: COUNTS.get(id)!.slice(0, 300) }));
    const r = await read(muse([{ type: 'Median', leads: median }, { type: 'Rhythm', leads: rhythm() }]), 'order.xml');
    expect(r.sigLen).toBe(N);
    expect(r.channels.map((c) => c.name)).toEqual(ecg.leads);
    const [i, ii] = [COUNTS.get('I')!, COUNTS.get('II')!];
    expectCounts(r, 'III', Int16Array.from(i, (a, k) => ii[k] - a), 4.88);
    expect(r.signals[leadIndex(r, 'aVR')][10]).toBeCloseTo((-(i[10] + ii[10]) / 2) * 4.88 / 1000, 12);
    expect(r.median?.sigLen).toBe(300);
    expect(r.warnings).toEqual(['Rhythm: derived III, aVR, aVL, aVF from I and II (not stored in the file)']);
  });

  it('refused: LeadAmplitudeUnitsPerBit that is no number', async () => {
    const leads = rhythm();
    leads[1] = { ...leads[1], perBit: '4.88 uV' };
    expect((await refusal(muse([{ type: 'Rhythm', leads }]), 'badbit.xml')).message).toMatch(/badbit\.xml: Rhythm lead II: no valid LeadAmplitudeUnitsPerBit \('4\.88 uV'\)$/);
  });

  it('refused: a Median waveform and no Rhythm one', async () => {
    expect((await refusal(muse([{ type: 'Median', leads: rhythm() }]), 'median.xml')).message).toMatch(/median\.xml: MUSE file without a Rhythm waveform \(found: Median\)$/);
  });
});

interface PhilipsSpec { readonly version?: string; readonly labels?: readonly string[]; readonly attrs?: Record<string, string | null>; readonly samplingrate?: number }

function philips(spec: PhilipsSpec = {}): string {
  const labels = spec.labels ?? ecg.leads;
  const data = Buffer.concat(labels.map((l) => Buffer.from(COUNTS.get(l)!.buffer)));
  const attrs: Record<string, string | null> = { numberofleads: String(labels.length), leadlabels: labels.join(' '), samplespersecond: '500', resolution: '5', durationperchannel: String((N / 500) * 1000), dataencoding: 'Base64', compression: 'Uncompressed', ...spec.attrs };
  const attrText = Object.entries(attrs).filter(([, v]) => v !== null).map(([k, v]) => `${k}="${v}"`).join(' ');
  return `<?xml version="1.0" encoding="utf-8"?>\n<restingecgdata><documentinfo><documenttype>PhilipsECG</documenttype><documentversion>${spec.version ?? '1.04'}</documentversion></documentinfo><dataacquisition date="2021-03-04" time="05:06:07"><signalcharacteristics><samplingrate>${spec.samplingrate ?? 500}</samplingrate><resolution>5</resolution><acquisitiontype>STD-12</acquisitiontype><numberchannelsvalid>${labels.length}</numberchannelsvalid></signalcharacteristics></dataacquisition><waveforms><parsedwaveforms ${attrText}>${data.toString('base64').replace(/.{64}/g, '$&\n')}</parsedwaveforms></waveforms></restingecgdata>\n`;
}

describe('Philips XML deviations', () => {
  it('as written, 12 leads uncompressed: read without a warning', async () => {
    const r = await read(philips(), 'plain.xml');
    for (const id of ecg.leads) expectCounts(r, id, COUNTS.get(id)!, 5);
    expect(r.warnings).toEqual([]);
  });

  it('8 stored leads (I, II, V1-V6): III, aVR, aVL, aVF derived', async () => {
    const r = await read(philips({ labels: EIGHT }), 'eight.xml');
    expect(r.channels.filter((c) => c.derived).map((c) => c.name)).toEqual(['III', 'aVR', 'aVL', 'aVF']);
    const [i, ii] = [COUNTS.get('I')!, COUNTS.get('II')!];
    expectCounts(r, 'III', Int16Array.from(i, (a, k) => ii[k] - a), 5);
    for (const id of EIGHT) expectCounts(r, id, COUNTS.get(id)!, 5);
    expect(r.warnings).toEqual(['derived III, aVR, aVL, aVF from I and II (not stored in the file)']);
  });

  it('acquired at one rate, stored at another: the stored rate is the record', async () => {
    const r = await read(philips({ samplingrate: 1000 }), 'rates.xml');
    expect(r.fs).toBe(500);
    expect(r.warnings).toEqual(['signal characteristics give 1000 Hz, the parsed waveforms 500 Hz: read at 500 Hz']);
  });

  it('no durationperchannel: the data length decides', async () => {
    const r = await read(philips({ attrs: { durationperchannel: null } }), 'noduration.xml');
    expect(r.sigLen).toBe(N);
    for (const id of ecg.leads) expectCounts(r, id, COUNTS.get(id)!, 5);
    expect(r.warnings).toEqual([`no durationperchannel: ${N} samples per lead, from the data's length`]);
  });

  it('no durationperchannel over XLI data (the shared SierraECG file): the decoded leads decide', async () => {
    const file = join(SAMPLES, 'clinical/philips/129DYPRG.XML');
    const whole = await readRecord(file);
    const r = await read(readFileSync(file, 'latin1').replace(/ durationperchannel="\d+"/, ''), 'xli-noduration.xml');
    expect(r.sigLen).toBe(whole.sigLen);
    r.signals.forEach((x, c) => expect(Array.from(x), r.channels[c].name).toEqual(Array.from(whole.signals[c])));
    expect(r.warnings).toEqual([`no durationperchannel: ${whole.sigLen} samples per lead, from the decoded data`]);
  });

  it('a later 1.04+ document version: read with the 1.04 layout', async () => {
    const r = await read(philips({ version: '1.05' }), 'v105.xml');
    expectCounts(r, 'V3', COUNTS.get('V3')!, 5);
    expect(r.warnings).toEqual(["Philips XML version '1.05' is not one this reader knows: read as 1.04"]);
  });

  it('refused: no durationperchannel and data that does not split into the leads', async () => {
    const text = philips({ attrs: { durationperchannel: null, numberofleads: '7' }, labels: ecg.leads.slice(0, 7) }).replace(/(<parsedwaveforms[^>]*>)/, '$1AAAA');
    expect((await refusal(text, 'odd.xml')).message).toBe(`odd.xml: no durationperchannel, and ${7 * 2 * N + 3} bytes of uncompressed data do not split into 7 leads of 16-bit samples`);
  });

  it('refused: a version 2 document', async () => {
    expect((await refusal(philips({ version: '2.00' }), 'v2.xml')).message).toBe("v2.xml: Philips XML document type 'PhilipsECG' version '2.00' is not one this reader knows (SierraECG/PhilipsECG 1.03, 1.04, 1.04.01)");
  });
});
