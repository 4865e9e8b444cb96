// Philips SierraECG 1.03 (UTF-8) and PageWriter 1.04 (UTF-16LE with BOM) XML: the shared files
// agree with the sierra-ecg-tools reference; documents written here cover uncompressed Base64,
// UTF-16 in both byte orders, and broken documents that must fail with a clear FormatError.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, readRecord } from '../../../src/main/formats/index.js';
import { isPhilipsFile, readPhilips } from '../../../src/main/formats/philips/read.js';
import { decodeXmlText } from '../../../src/main/formats/philips/text.js';

const SHARED = fileURLToPath(new URL('../../../../shared/ecg-samples/', import.meta.url));
const FILES = ['129DYPRG.XML', '3191723_ZZDEMOPTONLY_1-04_orig.xml'];
const dir = mkdtempSync(join(tmpdir(), 'openecg-philips-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ref { fs: number; sig_len: number; sig_name: string[]; head: number[][]; stats: { sum: number[]; min: number[]; max: number[] } }
const ref = (f: string) => JSON.parse(readFileSync(join(SHARED, 'reference-clinical', `${f}.json`), 'utf8')) as Ref;

function put(name: string, data: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

async function failure(path: string): Promise<FormatError> {
  try {
    await readPhilips(path);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error(`${path} read without error`);
}

describe('Philips XML shared files', () => {
  for (const f of FILES) {
    it(`${f} agrees with the reference reading lead by lead`, async () => {
      const r = await readRecord(join(SHARED, 'clinical/philips', f));
      const R = ref(f);
      expect([r.fs, r.sigLen]).toEqual([R.fs, R.sig_len]);
      expect(r.channels.map((c) => c.name)).toEqual(R.sig_name);
      R.sig_name.forEach((lead, c) => {
        const sig = r.signals[c];
        R.head[c].forEach((v, k) => expect(Math.abs(sig[k] - v), `${lead}[${k}]`).toBeLessThanOrEqual(2e-6));
        let sum = 0;
        for (const v of sig) sum += v;
        expect(sum, lead).toBeCloseTo(R.stats.sum[c], 6);
        expect(Math.min(...sig)).toBeCloseTo(R.stats.min[c], 9);
        expect(Math.max(...sig)).toBeCloseTo(R.stats.max[c], 9);
      });
      expect(r.channels.filter((c) => c.derived).map((c) => c.name)).toEqual(['III', 'aVR', 'aVL', 'aVF']);
    });
  }

  it('puts the patient in Reading.patient only and keeps the device statements', async () => {
    const r = await readPhilips(join(SHARED, 'clinical/philips', FILES[1]));
    expect(r.patient).toMatchObject({ id: '9999', name: 'ZZDEMOPTONLY, ADULT', birthDate: '1950-01-01', sex: 'M' });
    const text = r.comments.join('\n');
    for (const secret of ['ZZDEMOPTONLY', 'ADULT', '9999', '1950-01-01']) expect(text).not.toContain(secret);
    expect(text).toContain('#Statement: PROBABLE LEFT VENTRICULAR HYPERTROPHY');
    expect([r.baseDate, r.baseTime]).toEqual(['2010-01-19', '15:19:22']);
    expect(r.median).toMatchObject({ fs: 500, sigLen: 1200 });
    expect(r.median?.channels.map((c) => c.name)).toEqual(r.channels.map((c) => c.name));
  });

  it('reads the same document re-encoded as UTF-8 identically', async () => {
    const original = await readPhilips(join(SHARED, 'clinical/philips', FILES[1]));
    const utf8 = decodeXmlText(readFileSync(join(SHARED, 'clinical/philips', FILES[1]))).replace('encoding="utf-16"', 'encoding="UTF-8"');
    const again = await readPhilips(put('as-utf8.xml', utf8));
    expect(again.signals.map((s) => Array.from(s))).toEqual(original.signals.map((s) => Array.from(s)));
  });
});

/** A 1.04 document with uncompressed Base64 int16 leads (lead after lead). */
function uncompressed(leads: number[][], opts: { compression?: string; version?: string; root?: string } = {}): string {
  const n = leads[0].length;
  const buf = Buffer.alloc(leads.length * n * 2);
  leads.forEach((x, l) => x.forEach((v, k) => buf.writeInt16LE(v, 2 * (l * n + k))));
  const labels = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].slice(0, leads.length).join(' ');
  const root = opts.root ?? 'restingecgdata';
  return `<?xml version="1.0" encoding="utf-8"?>
<${root} xmlns="http://www3.medical.philips.com">
  <documentinfo><documenttype>PhilipsECG</documenttype><documentversion>${opts.version ?? '1.04'}</documentversion></documentinfo>
  <dataacquisition date="2024-01-02" time="03:04:05"><signalcharacteristics><samplingrate>250</samplingrate><resolution>2.5</resolution></signalcharacteristics></dataacquisition>
  <patient><generalpatientdata><patientid>MRN-4242</patientid><name><lastname>Roe</lastname><firstname>Rick</firstname></name><sex>Female</sex></generalpatientdata></patient>
  <waveforms><parsedwaveforms dataencoding="Base64" compression="${opts.compression ?? 'Uncompressed'}" numberofleads="${leads.length}" leadlabels="${labels}" durationperchannel="${(n * 1000) / 250}" samplespersecond="250" resolution="2.5">${buf.toString('base64').replace(/(.{76})/g, '$1\n')}</parsedwaveforms></waveforms>
</${root}>`;
}

describe('Philips XML written at test time', () => {
  const leads = Array.from({ length: 12 }, (_, l) => Array.from({ length: 500 }, (_, k) => Math.round(300 * Math.sin(k / (5 + l))) + l + 0));

  it('reads uncompressed Base64 leads as stored (no residual reconstruction)', async () => {
    const r = await readRecord(put('plain.xml', uncompressed(leads)));
    expect([r.fs, r.sigLen]).toEqual([250, 500]);
    expect(r.channels[2]).toMatchObject({ name: 'III', gain: 400, units: 'mV' });
    expect(r.channels.some((c) => c.derived)).toBe(false);
    leads.forEach((x, l) => expect(Array.from(r.signals[l])).toEqual(x.map((v) => v / 400)));
    expect(r.patient).toMatchObject({ id: 'MRN-4242', name: 'Roe, Rick', sex: 'F' });
    expect(r.comments.join('\n')).not.toMatch(/MRN-4242|Roe|Rick/);
  });

  it('reads UTF-16 with a byte-order mark in both byte orders', async () => {
    const xml = uncompressed(leads).replace('encoding="utf-8"', 'encoding="utf-16"');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    for (const [name, bytes] of [['le.xml', le], ['be.xml', Buffer.concat([Buffer.from([0xfe, 0xff]), be])]] as const) {
      const path = put(name, bytes);
      expect(isPhilipsFile(path)).toBe(true);
      const r = await readRecord(path);
      expect(Array.from(r.signals[7])).toEqual(leads[7].map((v) => v / 400));
    }
  });
});

describe('Philips XML broken documents', () => {
  const leads = [Array.from({ length: 100 }, (_, k) => k), Array.from({ length: 100 }, (_, k) => -k)];

  it('unknown compression', async () => {
    const err = await failure(put('zip.xml', uncompressed(leads, { compression: 'ZIP' })));
    expect(err.code).toBe('compression');
    expect(err.message).toContain("'ZIP'");
  });

  it('truncated waveform data', async () => {
    const xml = uncompressed(leads).replace(/(<parsedwaveforms[^>]*>)([^<]*)</, (_, open: string, data: string) => `${open}${data.slice(0, 100)}<`);
    const err = await failure(put('short.xml', xml));
    expect(err.code).toBe('truncated');
  });

  it('truncated XLI stream', async () => {
    const text = decodeXmlText(readFileSync(join(SHARED, 'clinical/philips', FILES[0])));
    const cut = text.replace(/(<parsedwaveforms[^>]*>)([^<]*)</, (_, open: string, data: string) => `${open}${data.replace(/\s+/g, '').slice(0, 4000)}<`);
    const err = await failure(put('xli-cut.xml', cut));
    expect(err.code).toBe('truncated');
    expect(err.message).toMatch(/XLI/);
  });

  it('unknown document version', async () => {
    const err = await failure(put('v9.xml', uncompressed(leads, { version: '9.99' })));
    expect(err.code).toBe('version');
  });

  it('XML that is not the format', async () => {
    const path = put('other.xml', uncompressed(leads, { root: 'somethingelse' }));
    expect(isPhilipsFile(path)).toBe(false);
    const err = await failure(path);
    expect(err.code).toBe('format');
    expect(err.message).toContain('not Philips SierraECG/PageWriter');
  });
});
