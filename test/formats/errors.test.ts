// Bad inputs: each gives a FormatError whose code names the kind and whose message says
// which file and what is wrong; a zero gain is a warning, not an error.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, readRecord, readWfdbHeaderFile } from '../../src/main/formats/index.js';
import { encode, writeRecord } from './helpers/wfdb-writer.js';
import { digitalSamples } from './helpers/samples.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'openecg-wfdb-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(path: string, opts = {}): Promise<FormatError> {
  try {
    await readRecord(path, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error(`${path} read without error`);
}

function record(name: string, format = 16, frames = 100) {
  const samples = digitalSamples(format, frames, 1);
  writeRecord(dir, { name, fs: 500, frames, files: [{ fileName: `${name}.dat`, format, signals: [{ name: 'a', samples }, { name: 'b', samples }] }] });
  return join(dir, name);
}

/** A CinC-style record (`.mat` + header `16+24`) whose .mat content the test chooses. */
function challengeRecord(name: string, mat: Buffer, frames = 10): string {
  const lines = [`${name} 2 500 ${frames}`, `${name}.mat 16+24 1000/mV 16 0 0 0 0 I`, `${name}.mat 16+24 1000/mV 16 0 0 0 0 II`];
  writeFileSync(join(dir, `${name}.hea`), lines.join('\n') + '\n');
  writeFileSync(join(dir, `${name}.mat`), mat);
  return join(dir, name);
}

/** MAT v4 header of one little-endian matrix named 'val'. */
function mat4Header(type: number, rows: number, cols: number): Buffer {
  const h = Buffer.alloc(24);
  [type, rows, cols, 0, 4].forEach((v, i) => h.writeInt32LE(v, i * 4));
  h.write('val\0', 20, 'latin1');
  return h;
}

describe('missing and damaged files', () => {
  it('a record without a header', async () => {
    const err = await failure(join(dir, 'nothing'));
    expect(err.code).toBe('missing');
    expect(err.message).toContain('nothing');
    expect(() => readWfdbHeaderFile(join(dir, 'nothing'))).toThrow(/no WFDB header found/);
  });

  it('a header whose signal file is missing', async () => {
    writeFileSync(join(dir, 'nodat.hea'), 'nodat 1 250 10\nnodat.dat 16 200 16 0 0 0 0 a\n');
    const err = await failure(join(dir, 'nodat'));
    expect(err.code).toBe('missing');
    expect(err.message).toBe(`${join(dir, 'nodat.dat')}: signal file not found`);
  });

  it.each([16, 212, 310])('a truncated signal file (format %i)', async (format) => {
    const path = record(`short${format}`, format, 100);
    const hea = `${path}.hea`;
    writeFileSync(hea, `short${format} 2 500 150\nshort${format}.dat ${format}\nshort${format}.dat ${format}\n`);
    const err = await failure(path);
    expect(err.code).toBe('truncated');
    expect(err.message).toContain('truncated: the header says 150 samples, the file holds 100');
  });

  it('an unreadable signal file (a directory where the file should be)', async () => {
    writeFileSync(join(dir, 'isdir.hea'), 'isdir 1 250 10\nisdir.dat 16\n');
    mkdirSync(join(dir, 'isdir.dat'));
    const err = await failure(join(dir, 'isdir'));
    expect(err.code).toBe('unreadable');
    expect(err.message).toContain('cannot read signal file (EISDIR)');
  });

  it('a sample range outside the record', async () => {
    const path = record('range');
    for (const opts of [{ from: 50, to: 40 }, { to: 101 }, { from: 101 }, { from: -1 }]) {
      const err = await failure(path, opts);
      expect(err.code).toBe('range');
      expect(err.message).toContain("outside the record's 100 samples");
    }
  });

  it('signals of one file in different formats', async () => {
    const path = record('mixed');
    writeFileSync(`${path}.hea`, 'mixed 2 500 100\nmixed.dat 16\nmixed.dat 212\n');
    expect((await failure(path)).message).toContain('mix formats 16 and 212');
  });

  it('a FLAC format whose file is not FLAC, or has another channel count', async () => {
    const path = record('notflac');
    writeFileSync(`${path}.hea`, 'notflac 2 500 100\nnotflac.dat 516\nnotflac.dat 516\n');
    expect((await failure(path)).message).toContain("not a FLAC file (no 'fLaC' signature)");
    const samples = digitalSamples(516, 100, 2);
    writeRecord(dir, { name: 'flac3', fs: 500, frames: 100, files: [{ fileName: 'flac3.flac', format: 516, signals: [0, 1, 2].map((c) => ({ name: `s${c}`, samples })) }] });
    writeFileSync(join(dir, 'flac3.hea'), 'flac3 2 500 100\nflac3.flac 516\nflac3.flac 516\n');
    expect((await failure(join(dir, 'flac3'))).message).toContain('FLAC stream has 3 channels, header lists 2 signals');
  });
});

describe('zero ADC gain', () => {
  it('reads with the default gain 200 and says so in the warnings', async () => {
    const path = record('zerogain');
    writeFileSync(`${path}.hea`, 'zerogain 2 500 100\nzerogain.dat 16 0/mV 16 0 0\nzerogain.dat 16 1000/mV 16 0 0\n');
    const r = await readRecord(path);
    expect(r.warnings).toEqual(['zero ADC gain on signal 0 (unnamed): uncalibrated, read with the default gain 200']);
    expect(r.signals[0][0] * 200).toBeCloseTo(r.signals[1][0] * 1000, 9);
  });
});

describe('challenge .mat files are checked as MATLAB v4', () => {
  const frames = 10;
  const values = Buffer.from(Int16Array.from({ length: 2 * frames }, (_, i) => i * 10 - 50).buffer);

  it('a proper MAT v4 int16 leads x samples matrix reads as format 16+24', async () => {
    const r = await readRecord(challengeRecord('good', Buffer.concat([mat4Header(30, 2, frames), values])));
    expect(Array.from(r.signals[1].subarray(0, 3))).toEqual([-0.04, -0.02, 0]);
  });

  it('a MAT v5 file is rejected by name', async () => {
    const v5 = Buffer.alloc(128 + values.length);
    v5.write('MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2020', 0, 'latin1');
    values.copy(v5, 128);
    const err = await failure(challengeRecord('v5', v5));
    expect(err.code).toBe('mat');
    expect(err.message).toContain('not a MATLAB v4 MAT-file: it is a MATLAB 5.0 MAT-file');
  });

  it('garbage is rejected', async () => {
    const junk = Buffer.alloc(24 + values.length, 0x7f);
    const err = await failure(challengeRecord('junk', junk));
    expect(err.code).toBe('mat');
    expect(err.message).toContain('is not a MAT v4 type');
  });

  it('a samples x leads matrix is rejected as transposed', async () => {
    const err = await failure(challengeRecord('transposed', Buffer.concat([mat4Header(30, frames, 2), values])));
    expect(err.message).toContain('it is 10 x 2 (samples x leads); leads x samples is needed');
  });

  it('a double matrix does not match format 16', async () => {
    const err = await failure(challengeRecord('double', Buffer.concat([mat4Header(0, 2, frames), values, values, values, values])));
    expect(err.message).toContain('it holds float64, header format 16 needs int16');
  });

  it('the data offset must be where the matrix data start', async () => {
    const path = challengeRecord('offset', Buffer.concat([mat4Header(30, 2, frames), values]));
    writeFileSync(`${path}.hea`, `offset 2 500 ${frames}\noffset.mat 16+20\noffset.mat 16+20\n`);
    expect((await failure(path)).message).toContain('its data start at byte 24, header says +20');
  });

  it('a real challenge record can be read from its .mat or .hea path', async () => {
    copyFileSync(`${SAMPLES}cinc/cpsc/A0001.hea`, join(dir, 'A0001.hea'));
    copyFileSync(`${SAMPLES}cinc/cpsc/A0001.mat`, join(dir, 'A0001.mat'));
    const a = await readRecord(join(dir, 'A0001.mat'));
    const b = await readRecord(join(dir, 'A0001.hea'));
    expect(a.sigLen).toBe(7500);
    expect(Array.from(a.signals[11].subarray(0, 100))).toEqual(Array.from(b.signals[11].subarray(0, 100)));
  });
});

it('a record is found from its header, its path without extension, or any of its signal files', async () => {
  const base = `${SAMPLES}wfdb/s0010_re`;
  const want = await readRecord(base, { from: 0, to: 50 });
  for (const path of [`${base}.hea`, `${base}.dat`, `${base}.xyz`]) {
    const r = await readRecord(path, { from: 0, to: 50 });
    expect(r.record).toBe('s0010_re');
    expect(Array.from(r.signals[14])).toEqual(Array.from(want.signals[14]));
  }
});

// Keeps the writer's byte encoder honest against a hand-computed 212 pair.
it('format 212 packs two samples in three bytes', () => {
  expect([...encode(212, [-2048, 2047])]).toEqual([0x00, 0x78, 0xff]);
});
