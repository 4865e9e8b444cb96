// WFDB header parsing: every field of the record and signal lines with its default, the
// variants real downloads contain, multi-segment layouts, and bad headers' messages.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commentValue, FormatError, parseHeader, readWfdbHeaderFile } from '../../src/main/formats/index.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));

function headerError(text: string): FormatError {
  try {
    parseHeader(text, 'x.hea');
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('header parsed without error');
}

describe('record line', () => {
  it('reads every field: segments absent, counter frequency and base counter, time with ms, date', () => {
    const h = parseHeader('rec 2 360/720(12.5) 650000 12:30:05.250 25/12/2001\nrec.dat 16\nrec.dat 16\n');
    expect(h).toMatchObject({ record: 'rec', nSig: 2, fs: 360, counterFreq: 720, baseCounter: 12.5, sigLen: 650000, baseTime: '12:30:05.250', baseDate: '25/12/2001' });
    expect(h.segments).toBeUndefined();
  });

  it('gives the defaults when fields are omitted (fs 250, no length, no time)', () => {
    const h = parseHeader('rec\n');
    expect(h).toMatchObject({ record: 'rec', nSig: 0, fs: 250, signals: [] });
    expect(h.sigLen).toBeUndefined();
    expect(h.baseTime).toBeUndefined();
  });

  it('tolerates a record name with .mat and a date before the time (challenge headers)', () => {
    const h = readWfdbHeaderFile(`${SAMPLES}cinc/georgia/E00666.hea`);
    expect(h).toMatchObject({ record: 'E00666', nSig: 12, fs: 500, sigLen: 5000, baseDate: '05-May-2020', baseTime: '14:50:55' });
  });

  it('reads CRLF headers and comments with a space after #', () => {
    const h = readWfdbHeaderFile(`${SAMPLES}cinc/chapman/JS00001.hea`);
    expect(h.signals[11].description).toBe('V6');
    expect(h.signals[0].units).toBe('mV');
    const ptbxl = readWfdbHeaderFile(`${SAMPLES}cinc/ptbxl/HR06000.hea`);
    expect(commentValue(ptbxl.comments, 'dx')).toBe('164934002,426783006');
    expect(commentValue(ptbxl.comments, 'Age')).toBe('59');
    expect(commentValue(ptbxl.comments, 'Sx')).toBe('Unknown');
    expect(commentValue(readWfdbHeaderFile(`${SAMPLES}cinc/georgia/E07500.hea`).comments, 'Sx')).toBeUndefined();
  });
});

describe('signal lines', () => {
  it('reads format with samples per frame, skew and byte offset, gain with baseline and units', () => {
    const h = parseHeader('r 1 500 10\nr.dat 212x4:3+512 2963.77(-12)/mmHg 12 5 67 -11266 0 ABP left arm \n');
    expect(h.signals[0]).toEqual({
      fileName: 'r.dat', format: 212, samplesPerFrame: 4, skew: 3, byteOffset: 512, adcGain: 2963.77, uncalibrated: false,
      baseline: -12, units: 'mmHg', adcResolution: 12, adcZero: 5, initialValue: 67, checksum: -11266, blockSize: 0, description: 'ABP left arm',
    });
  });

  it('defaults: gain 200, units mV, baseline = ADC zero, resolution by format, initial value = ADC zero', () => {
    const h = parseHeader('r 3\nr.dat 16\nr.dat 212 100 0 7\nr.dat 310 50/uV\n');
    const [a, b, c] = h.signals;
    expect(a).toMatchObject({ adcGain: 200, units: 'mV', baseline: 0, adcResolution: 16, adcZero: 0, initialValue: 0, blockSize: 0, description: '', samplesPerFrame: 1, skew: 0, byteOffset: 0 });
    expect(a.checksum).toBeUndefined();
    expect(b).toMatchObject({ adcGain: 100, baseline: 7, adcZero: 7, initialValue: 7, adcResolution: 12 });
    expect(c).toMatchObject({ adcGain: 50, units: 'uV', adcResolution: 10 });
  });

  it('keeps units as written (1000.0(0)/mv) and reads exponents in gains', () => {
    const h = readWfdbHeaderFile(`${SAMPLES}cinc/ptbxl/HR06000.hea`);
    expect(h.signals[0]).toMatchObject({ format: 16, samplesPerFrame: 1, byteOffset: 24, adcGain: 1000, baseline: 0, units: 'mv' });
    const a = readWfdbHeaderFile(`${SAMPLES}wfdb/a103l.hea`);
    expect(a.signals.map((s) => s.adcGain)).toEqual([7247, 10520, 12530]);
    expect(a.comments).toEqual(['Asystole', 'False alarm']);
  });

  it('marks a zero gain as uncalibrated and reads it with the default gain 200', () => {
    const h = parseHeader('r 1\nr.dat 16 0(5)/mV\n');
    expect(h.signals[0]).toMatchObject({ uncalibrated: true, adcGain: 200, baseline: 5 });
  });

  it('skips blank lines and comments between signal lines', () => {
    const h = readWfdbHeaderFile(`${SAMPLES}wfdb/100.hea`);
    expect(h.signals.map((s) => s.description)).toEqual(['MLII', 'V5']);
    expect(h.comments).toEqual(['unnecessary comment', '69 M 1085 1629 x1', 'Aldomet, Inderal']);
  });
});

describe('multi-segment headers', () => {
  it('fixed layout: segment lines, no layout header', () => {
    const h = readWfdbHeaderFile(`${SAMPLES}wfdb/multi-segment/041s/041s.hea`);
    expect(h).toMatchObject({ record: '041s', nSig: 7, fs: 125, sigLen: 2000, layout: 'fixed', signals: [] });
    expect(h.segments).toEqual([{ name: '041s01', length: 1000 }, { name: '041s02', length: 1000 }]);
  });

  it('variable layout with a null segment', () => {
    const h = parseHeader('big/3 2 250 300\nbig_layout 0\n~ 100\nbig_0001 200\n');
    expect(h.layout).toBe('variable');
    expect(h.segments).toEqual([{ name: 'big_layout', length: 0 }, { name: null, length: 100 }, { name: 'big_0001', length: 200 }]);
  });
});

describe('bad headers', () => {
  it.each([
    ['', 'no record line'],
    ['r 3 250 10\nr.dat 16\nr.dat 16\n', 'line 1: 3 signals declared but only 2 signal lines follow'],
    ['r two 250\n', "number of signals 'two' is not an integer"],
    ['r 1 fast\nr.dat 16\n', "sampling frequency 'fast' is not a number"],
    ['r 1 250 10.5\nr.dat 16\n', "number of samples '10.5' is not an integer"],
    ['r 1 250 10\nr.dat 99\n', 'line 2: unknown signal format 99'],
    ['r 1 250 10\nr.dat 16y2\n', "format field '16y2' is not"],
    ['r 1 250 10\nr.dat 16 high\n', "ADC gain 'high' is not a number"],
    ['r 1 250 10\nr.dat 16 200(x)/mV\n', "baseline 'x' is not an integer"],
    ['r 1 250 10\nr.dat 16 200 16 zero\n', "ADC zero 'zero' is not an integer"],
    ['r 1 250 10\nr.dat 16 200 16 0 0 sum\n', "checksum 'sum' is not an integer"],
    ['r 1 250 10 noon\nr.dat 16\n', "'noon' is neither a base time"],
    ['r/2 1 250 10\ns1 5\n', '2 segments declared but 1 segment lines follow'],
    ['r/2 1 250 10\ns1 5\ns2 five\n', "segment length 'five' is not an integer"],
  ])('%j -> %s', (text, message) => {
    const err = headerError(text);
    expect(err.code).toBe('header');
    expect(err.message).toContain(message);
    expect(err.message.startsWith('x.hea')).toBe(true);
  });

  it('the shared headers all parse', () => {
    for (const name of ['100', '03700181', 's0010_re', 'test01_00s_skew', 'v102s', '3000003_0003']) {
      const text = readFileSync(`${SAMPLES}wfdb/${name}.hea`, 'latin1');
      expect(parseHeader(text).record).toBe(name);
    }
  });
});
