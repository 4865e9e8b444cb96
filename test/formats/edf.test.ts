// EDF and EDF+ read from files written at test time byte for byte as the specification lays them
// out (helpers/edf-writer.ts): calibration per signal, lead labels, EDF+C annotations, EDF+D
// gaps, signals at several rates, derived limb leads, identity kept out of what is printed,
// `openecg read --json`, and broken files that must fail with a FormatError naming the cause.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../src/main/cli/read.js';
import { readingJson } from '../../src/main/cli/reading-json.js';
import { annotationsOf, parseTals } from '../../src/main/formats/edf/annotations.js';
import { isEcgLabel, leadOfLabel } from '../../src/main/formats/edf/leads.js';
import { readEdf, readEdfFrom } from '../../src/main/formats/edf/read.js';
import { FileSource } from '../../src/main/formats/edf/source.js';
import { FormatError, readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { edfBytes, type DigitalSource, type EdfSignalSpec, type EdfSpec } from './helpers/edf-writer.js';

const dir = tempDir('edf');
const LEADS12 = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function put(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Deterministic ECG-like digital values, distinct per signal. */
const wave: DigitalSource = (s, n) => Math.round(800 * Math.sin((n + 13 * s) / 23) + ((n + s) % 97) * 3 - 150 + s * 11);

const uv = (label: string, spr: number): EdfSignalSpec => ({ label, units: 'uV', physicalMin: -3276.8, physicalMax: 3276.7, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: spr, prefilter: 'HP:0.05Hz LP:150Hz' });

/** The specification's formula, written out here independently of the reader. */
function physical(s: EdfSignalSpec, d: number): number {
  return (d - s.digitalMin) * ((s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin)) + s.physicalMin;
}

async function failure(path: string): Promise<FormatError> {
  try {
    await readEdf(path);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error(`${path} read without error`);
}

const PATIENT = 'MCH-0234567 F 02-MAY-1951 Haagse_Harry';
const RECORDING = 'Startdate 02-MAR-2002 PSG-1234/2002 NN Telemetry03';

const plusC: EdfSpec = {
  variant: 'EDF+C',
  patient: PATIENT,
  recording: RECORDING,
  startDate: '02.03.02',
  startTime: '14.30.05',
  recordDuration: 1,
  records: 10,
  signals: [
    ...LEADS12.map((l) => uv(`ECG ${l}`, 500)),
    // An asymmetric calibration: the offset must come out right, not just the slope.
    { label: 'Resp', units: 'mV', physicalMin: -5, physicalMax: 15, digitalMin: -2048, digitalMax: 2047, samplesPerRecord: 500 },
  ],
  annotationSamples: 60,
  tals: (k) => (k === 2 ? [{ onset: 2.5, duration: 0.3, texts: ['Beat N', 'Noise'] }] : k === 7 ? [{ onset: 7.25, texts: ['Recording paused'] }] : []),
};

describe('EDF+C', () => {
  const path = put('study.edf', edfBytes(plusC, wave));

  it('reads every signal in physical units by the specification formula, leads by standard name', async () => {
    const r = await readRecord(path);
    expect(r.fs).toBe(500);
    expect(r.sigLen).toBe(5000);
    expect(r.totalLen).toBe(5000);
    expect(r.channels.map((c) => c.name)).toEqual([...LEADS12, 'Resp']);
    expect(r.channels[0]).toMatchObject({ units: 'uV', fmt: 'edf' });
    plusC.signals.forEach((s, c) => {
      for (const n of [0, 1, 499, 500, 2345, 4999]) expect(r.signals[c][n], `${s.label}[${n}]`).toBeCloseTo(physical(s, wave(c, n)), 9);
    });
    // ChannelInfo's (adc - baseline) / gain is the same line.
    const resp = r.channels[12];
    expect((wave(12, 77) - resp.baseline) / resp.gain).toBeCloseTo(r.signals[12][77], 9);
    expect(r.baseDate).toBe('2002-03-02');
    expect(r.baseTime).toBe('14:30:05');
    expect(r.warnings).toEqual([]);
  });

  it('lists the annotations with onset, duration and texts, without the time-keeping TALs', async () => {
    const r = await readEdf(path);
    expect(r.annotations).toEqual([
      { onset: 2.5, duration: 0.3, text: 'Beat N' },
      { onset: 2.5, duration: 0.3, text: 'Noise' },
      { onset: 7.25, text: 'Recording paused' },
    ]);
    // A window lists the annotations of the data records it covers.
    expect((await readEdf(path, { from: 3000, to: 3500 })).annotations).toEqual([]);
    expect((await readEdf(path, { from: 1400, to: 1600 })).annotations?.map((a) => a.text)).toEqual(['Beat N', 'Noise']);
  });

  it('reads a window across data records equal to the same samples of a whole read', async () => {
    const all = await readEdf(path);
    const w = await readEdf(path, { from: 1234, to: 3210 });
    expect(w.sigLen).toBe(1976);
    expect(w.totalLen).toBe(5000);
    w.signals.forEach((sig, c) => expect(Array.from(sig)).toEqual(Array.from(all.signals[c].subarray(1234, 3210))));
    await expect(readEdf(path, { from: 10, to: 5001 })).rejects.toMatchObject({ code: 'range' });
  });

  it('puts the patient field in `patient` only, never in comments, warnings or the JSON', async () => {
    const r = await readEdf(path);
    expect(r.patient).toEqual({ id: 'MCH-0234567', name: 'Haagse Harry', birthDate: '1951-05-02', sex: 'F' });
    expect(r.comments).toContain('Device: Telemetry03');
    const printed = [...r.comments, ...r.warnings, readingJson(r)].join('\n');
    for (const secret of ['MCH-0234567', 'Haagse', '1951', 'PSG-1234']) expect(printed).not.toContain(secret);
  });

  it('is read by content whatever its name, and `openecg read --json` prints the WFDB document', async () => {
    const renamed = put('HOLTER.001', readFileSync(path));
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await readCommand.run([renamed, '--from', '500', '--to', '510', '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const doc = JSON.parse(out);
    expect(doc).toMatchObject({ record: 'HOLTER.001', fs: 500, n_sig: 13, sig_len: 10, total_len: 5000, base_date: '2002-03-02', base_time: '14:30:05' });
    expect(doc.sig_name).toEqual([...LEADS12, 'Resp']);
    expect(doc.units[0]).toBe('uV');
    expect(doc.signals[1][3]).toBeCloseTo(physical(plusC.signals[1], wave(1, 503)), 9);
    expect(Object.keys(doc)).toEqual(['record', 'fs', 'n_sig', 'sig_len', 'total_len', 'sig_name', 'units', 'fmt', 'adc_gain', 'baseline', 'base_time', 'base_date', 'comments', 'warnings', 'signals']);
  });
});

describe('EDF+D', () => {
  // Records at 0 s, 1 s and 4 s: a 2-second gap after the second.
  const spec: EdfSpec = {
    variant: 'EDF+D',
    recordDuration: 1,
    records: 3,
    signals: [uv('ECG II', 250), uv('ECG V2', 250)],
    annotationSamples: 40,
    recordOnsets: [0, 1, 4],
    tals: (k) => (k === 2 ? [{ onset: 4.5, duration: 1, texts: ['Artifact'] }] : []),
  };
  const path = put('gaps.edf', edfBytes(spec, wave));

  it('places data records at their onsets and fills the gaps with NaN', async () => {
    const r = await readEdf(path);
    expect(r.fs).toBe(250);
    expect(r.totalLen).toBe(5 * 250);
    const ii = r.signals[0];
    expect(ii[249]).toBeCloseTo(physical(spec.signals[0], wave(0, 249)), 9);
    expect(ii[250]).toBeCloseTo(physical(spec.signals[0], wave(0, 250)), 9);
    for (const n of [500, 600, 999]) expect(Number.isNaN(ii[n])).toBe(true);
    // The third record's first sample (sample 500 of the signal) sits at 4 s.
    expect(ii[1000]).toBeCloseTo(physical(spec.signals[0], wave(0, 500)), 9);
    expect(r.signals[1][1249]).toBeCloseTo(physical(spec.signals[1], wave(1, 749)), 9);
    expect(r.annotations).toEqual([{ onset: 4.5, duration: 1, text: 'Artifact' }]);
    expect(r.comments[0]).toMatch(/^Format: EDF\+D, 3 data records of 1 s/);
  });

  it('reads a window in a gap as NaN and one across a gap edge by offset', async () => {
    const gap = await readEdf(path, { from: 600, to: 700 });
    expect(gap.signals[0].every((v) => Number.isNaN(v))).toBe(true);
    const edge = await readEdf(path, { from: 990, to: 1010 });
    expect(Number.isNaN(edge.signals[1][9])).toBe(true);
    expect(edge.signals[1][10]).toBeCloseTo(physical(spec.signals[1], wave(1, 500)), 9);
  });

  it('rejects an EDF+D record without its time-keeping annotation', async () => {
    const bytes = edfBytes(spec, wave);
    // Blank the annotation bytes of the second record.
    const rb = 2 * (250 + 250 + 40);
    const at = 256 * 4 + rb + 2 * 500;
    bytes.fill(0, at, at + 80);
    expect(await failure(put('no-tk.edf', bytes))).toMatchObject({ code: 'annotations', message: expect.stringMatching(/record 2 has no time-keeping annotation/) });
  });
});

describe('signals at several rates and derived leads', () => {
  it('exposes the ECG signals at their rate and names the others in a warning', async () => {
    const spec: EdfSpec = {
      variant: 'EDF',
      patient: 'anonymous study subject 17',
      recordDuration: 2,
      records: 3,
      signals: [uv('EKG II', 400), { ...uv('Resp', 50), units: 'Ohm' }, uv('ECG-V1', 400), { ...uv('SpO2', 2), units: '%' }],
    };
    const r = await readEdf(put('mixed.edf', edfBytes(spec, wave)));
    expect(r.fs).toBe(200);
    expect(r.channels.map((c) => c.name)).toEqual(['II', 'V1']);
    expect(r.signals[1][450]).toBeCloseTo(physical(spec.signals[2], wave(2, 450)), 9);
    expect(r.warnings).toEqual(['signals at other rates not read: Resp (25 Hz), SpO2 (1 Hz)']);
    // Plain EDF free text is the id as a whole: nothing of it is printed.
    expect(r.patient).toEqual({ id: 'anonymous study subject 17' });
    expect(r.annotations).toBeUndefined();
    expect(r.baseDate).toBe('2000-01-01');
  });

  it('rejects a record whose ECG leads have different rates, naming each', async () => {
    const spec: EdfSpec = { variant: 'EDF', recordDuration: 1, records: 2, signals: [uv('ECG I', 500), uv('ECG V1', 250)] };
    const err = await failure(put('ecg-rates.edf', edfBytes(spec, wave)));
    expect(err.code).toBe('mixed-rates');
    expect(err.message).toContain('ECG I 500 Hz, ECG V1 250 Hz');
  });

  it('derives III, aVR, aVL, aVF from I and II when 8 leads are stored, and says so', async () => {
    const spec: EdfSpec = { variant: 'EDF+C', recordDuration: 1, records: 2, annotationSamples: 20, signals: ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((l) => uv(`ECG ${l}`, 100)) };
    const r = await readEdf(put('eight.edf', edfBytes(spec, wave)));
    expect(r.channels.map((c) => c.name)).toEqual(LEADS12);
    expect(r.channels.filter((c) => c.derived).map((c) => [c.name, c.derived])).toEqual([['III', 'II - I'], ['aVR', '-(I + II)/2'], ['aVL', 'I - II/2'], ['aVF', 'II - I/2']]);
    for (const n of [0, 57, 199]) {
      const i = physical(spec.signals[0], wave(0, n));
      const ii = physical(spec.signals[1], wave(1, n));
      expect(r.signals[2][n]).toBeCloseTo(ii - i, 9);
      expect(r.signals[3][n]).toBeCloseTo(-(i + ii) / 2, 9);
    }
    expect(r.warnings).toContain('leads III, aVR, aVL, aVF derived from I and II (not stored in the file)');
  });

  it('maps EDF+ electrode-pair labels to the limb leads', async () => {
    const spec: EdfSpec = { variant: 'EDF', recordDuration: 1, records: 1, signals: [uv('ECG LA-RA', 10), uv('ECG LL-RA', 10), uv('ECG LL-LA', 10), uv('EKG aVF', 10), uv('ECG1', 10)] };
    const r = await readEdf(put('pairs.edf', edfBytes(spec, wave)));
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'II', 'III', 'aVF', 'ECG1']);
  });
});

describe('broken EDF files', () => {
  const small: EdfSpec = { variant: 'EDF+C', recordDuration: 1, records: 4, annotationSamples: 20, signals: [uv('ECG I', 100), uv('ECG II', 100)] };
  const good = edfBytes(small, wave);

  it('truncated data: fewer bytes than the declared records', async () => {
    const err = await failure(put('cut.edf', good.subarray(0, good.length - 100)));
    expect(err.code).toBe('truncated');
    expect(err.message).toMatch(/declares 4 data records of 440 bytes .*\(3 whole records\)/);
  });

  it('header cut short', async () => {
    expect((await failure(put('short.edf', good.subarray(0, 300)))).code).toBe('truncated');
    expect((await failure(put('tiny.edf', good.subarray(0, 100)))).code).toBe('truncated');
  });

  it('wrong header length field', async () => {
    const err = await failure(put('hlen.edf', edfBytes({ ...small, headerBytesField: '768' }, wave)));
    expect(err.code).toBe('header-length');
    expect(err.message).toContain('says 768 bytes, but 3 signals make it 1024');
  });

  it('bad number of data records', async () => {
    expect(await failure(put('nrec-text.edf', edfBytes({ ...small, recordsField: 'four' }, wave)))).toMatchObject({ code: 'header', message: expect.stringContaining("number of data records 'four' is not a number") });
    expect((await failure(put('nrec-zero.edf', edfBytes({ ...small, recordsField: '0' }, wave)))).code).toBe('records');
    expect((await failure(put('nrec-big.edf', edfBytes({ ...small, recordsField: '5' }, wave)))).code).toBe('truncated');
    // -1 (recording not closed) counts the complete records present.
    const open = await readEdf(put('nrec-open.edf', edfBytes({ ...small, recordsField: '-1' }, wave)));
    expect(open.totalLen).toBe(400);
    expect(open.warnings[0]).toMatch(/-1 .*4 complete records/);
  });

  it('a non-numeric signal field names the signal', async () => {
    const bytes = Buffer.from(good);
    // Samples-per-record field of signal 2: after 16+80+8+8+8+8+8+80 bytes per signal.
    const at = 256 + 3 * (16 + 80 + 8 * 5 + 80) + 8;
    bytes.write('1x0     ', at, 'latin1');
    expect(await failure(put('spr.edf', bytes))).toMatchObject({ code: 'header', message: expect.stringContaining("signal 2 'ECG II': number of samples per data record '1x0'") });
  });

  it('a file that is not EDF', async () => {
    const path = put('notes.edf', Buffer.from('Patient notes, not a recording\n'.repeat(20)));
    expect((await failure(path)).code).toBe('format');
    // Through readRecord the content test does not claim it: no reader knows it.
    await expect(readRecord(path)).rejects.toBeInstanceOf(FormatError);
  });

  it('counts the bytes a header-only open reads', () => {
    const src = new FileSource(put('count.edf', good));
    try {
      readEdfFrom(src, 'count.edf', { from: 0, to: 0 });
      expect(src.bytesRead).toBe(256 * 4);
    } finally {
      src.close();
    }
  });
});

describe('TALs and labels', () => {
  const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

  it('parses onset, duration and every text; the first empty text is the record start', () => {
    const r = parseTals(bytes('+180\x14\x14Lights off\x14\x00+180.5\x1525.25\x14Apnea\x14Ödem\x14\x00-0.065\x14Before start\x14\x00\x00\x00'));
    expect(r.start).toBe(180);
    expect(r.problems).toEqual([]);
    expect(annotationsOf(r.tals)).toEqual([
      { onset: 180, text: 'Lights off' },
      { onset: 180.5, duration: 25.25, text: 'Apnea' },
      { onset: 180.5, duration: 25.25, text: 'Ödem' },
      { onset: -0.065, text: 'Before start' },
    ]);
  });

  it('skips malformed TALs, counting them, and has no start without a time-keeping TAL', () => {
    const r = parseTals(bytes('180\x14x\x14\x00+1\x15-2\x14y\x14\x00+2\x14Ok\x14\x00+3 no separator\x00'));
    expect(r.start).toBeUndefined();
    expect(r.problems).toHaveLength(3);
    expect(annotationsOf(r.tals)).toEqual([{ onset: 2, text: 'Ok' }]);
    expect(parseTals(new Uint8Array(40)).tals).toEqual([]);
  });

  it('maps EDF labels to leads and tells ECG signals from others', () => {
    const cases: [string, string | undefined][] = [['ECG I', 'I'], ['EKG II', 'II'], ['ECG V1', 'V1'], ['ECG-V2', 'V2'], ['ECG aVR', 'aVR'], ['ECG AVL', 'aVL'], ['avf', 'aVF'], ['ECG V4R', 'V4R'], ['ECG LL-RA', 'II'], ['ECG1', undefined], ['EEG Fpz-Cz', undefined], ['Resp', undefined], ['ECG', undefined]];
    for (const [label, lead] of cases) expect(leadOfLabel(label), label).toBe(lead);
    expect(isEcgLabel('ECG1')).toBe(true);
    expect(isEcgLabel('EEG Fpz-Cz')).toBe(false);
  });
});
