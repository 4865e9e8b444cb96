// Int16 frames (the import's undecoded read of a format-16 record) against the ordinary reader:
// which records come as frames, and that unframing them gives readWfdb's signals bit for bit, with
// the same warnings (checksums included), on written records and on the real ones in ../shared.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFramed, readWfdb, readWfdbFrames, unframe, type Reading } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { digitalSamples } from './helpers/samples.js';
import { writeRecord, type WFile } from './helpers/wfdb-writer.js';

const dir = tempDir('frames');
const shared = new URL('../../../shared/ecg-samples/', import.meta.url).pathname;

/** Same signals bit for bit (NaN for NaN), same channels and warnings. */
function expectSame(got: Reading, want: Reading, where: string): void {
  expect(got.channels, where).toEqual(want.channels);
  expect(got.warnings, where).toEqual(want.warnings);
  expect(got.signals.length, where).toBe(want.signals.length);
  got.signals.forEach((s, c) => {
    expect(s.length, where).toBe(want.signals[c].length);
    for (let i = 0; i < s.length; i++) if (!Object.is(s[i], want.signals[c][i])) throw new Error(`${where}: channel ${c} sample ${i}: ${s[i]} != ${want.signals[c][i]}`);
  });
}

const FRAMES = 1001;
function file(format: number, extra: Partial<WFile> = {}, invalidAt: number[] = []): WFile {
  return {
    fileName: 'x.dat',
    format,
    signals: [
      { name: 'I', samples: digitalSamples(16, FRAMES, 1, invalidAt), gain: 1000, baseline: 0 },
      { name: 'II', samples: digitalSamples(16, FRAMES, 2), gain: 12.84, baseline: -7 },
      { name: 'V1', samples: digitalSamples(16, FRAMES, 3), gain: 200, baseline: 5, units: 'uV', checksum: 1234 },
    ],
    ...extra,
  };
}

describe('readWfdbFrames', () => {
  it('gives one format-16 file as frames that unframe to readWfdb’s signals, invalid samples and a checksum mismatch included', async () => {
    for (const [name, f] of [
      ['plain', file(16, {}, [0, 4, 1000])],
      ['offset', file(16, { byteOffset: 24 })],
    ] as const) {
      writeRecord(dir, { name, fs: 500, frames: FRAMES, files: [{ ...f, fileName: `${name}.dat` }] });
      const path = join(dir, name);
      const framed = await readWfdbFrames(path);
      if (!isFramed(framed)) throw new Error(`${name}: not framed`);
      expect(framed.frames.frames).toBe(FRAMES);
      expect(framed.frames.channels).toBe(3);
      expect(framed.frames.invalid).toBe(-32768);
      const got = unframe(framed);
      const want = await readWfdb(path);
      expectSame(got, want, name);
      expect(got.warnings.some((w) => w.startsWith('checksum mismatch on signal 2 (V1)'))).toBe(true);
      expect(Number.isNaN(got.signals[0][4])).toBe(name === 'plain');
    }
  });

  it('reads everything else as readWfdb does: other formats, several files, skew, multi-sample frames', async () => {
    const cases: [string, WFile[]][] = [
      ['f212', [file(212)]],
      ['f61', [file(61)]],
      ['twofiles', [{ ...file(16), fileName: 'twofiles_a.dat', signals: file(16).signals.slice(0, 1) }, { ...file(16), fileName: 'twofiles_b.dat', signals: file(16).signals.slice(1) }]],
      ['skewed', [{ ...file(16), signals: file(16).signals.map((s, i) => ({ ...s, skew: i })) }]],
    ];
    for (const [name, files] of cases) {
      writeRecord(dir, { name, fs: 250, frames: FRAMES, files: files.map((f) => ({ ...f, fileName: f.fileName === 'x.dat' ? `${name}.dat` : f.fileName })) });
      const got = await readWfdbFrames(join(dir, name));
      expect(isFramed(got), name).toBe(false);
      expectSame(got as Reading, await readWfdb(join(dir, name)), name);
    }
  });

  it('unframes every real format-16 record in ../shared to readWfdb’s reading', async () => {
    const records: string[] = [];
    for (const center of readdirSync(join(shared, 'cinc'), { withFileTypes: true })) {
      if (!center.isDirectory()) continue;
      for (const f of readdirSync(join(shared, 'cinc', center.name))) if (f.endsWith('.hea')) records.push(join(shared, 'cinc', center.name, f.slice(0, -4)));
    }
    for (const f of readdirSync(join(shared, 'wfdb'))) if (f.endsWith('.hea')) records.push(join(shared, 'wfdb', f.slice(0, -4)));
    const framed: string[] = [];
    for (const path of records) {
      const got = await readWfdbFrames(path);
      if (isFramed(got)) framed.push(path.slice(shared.length));
      expectSame(isFramed(got) ? unframe(got) : got, await readWfdb(path), path);
    }
    // Every CinC record (.mat, 16+24) and the one-file format-16 WFDB ones (s0010_re keeps X/Y/Z in a second file).
    const cinc = records.filter((p) => p.includes('/cinc/')).length;
    expect(framed.filter((p) => p.startsWith('cinc/')).length).toBe(cinc);
    expect(framed.filter((p) => p.startsWith('wfdb/')).sort()).toEqual(['wfdb/a103l', 'wfdb/test01_00s']);
  });
});
