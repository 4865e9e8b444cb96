// Round trips: records written at test time in every WFDB format (FLAC through the `flac`
// encoder) read back to the exact digital values, with invalid samples, skew, byte offsets,
// samples per frame, checksums and sample ranges.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecord, readWfdb, type Reading } from '../../src/main/formats/index.js';
import { writeRecord, type WSignal } from './helpers/wfdb-writer.js';
import { digitalSamples, FORMAT_BITS } from './helpers/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'openecg-wfdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORMATS = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, 516, 524];
const FRAMES = 1001;
const GAINS = [{ gain: 200, baseline: 0 }, { gain: 1000.5, baseline: -12 }, { gain: 12.84, baseline: 7 }];

/** Physical values the reader must give: (d - baseline) / gain, NaN for the invalid value. */
function physical(s: WSignal, format: number): number[] {
  const invalid = format === 8 ? null : -(2 ** (FORMAT_BITS[format] - 1));
  return s.samples.map((d) => (d === invalid ? NaN : (d - (s.baseline ?? 0)) / (s.gain ?? 200)));
}

function expectSame(got: Float64Array, want: readonly number[], label: string): void {
  expect(got.length, label).toBe(want.length);
  const bad = want.findIndex((w, i) => !(Object.is(w, got[i]) || (Number.isNaN(w) && Number.isNaN(got[i]))));
  expect(bad < 0 ? 'equal' : `${label}: sample ${bad} is ${got[bad]}, expected ${want[bad]}`).toBe('equal');
}

function expectRangesAreSlices(whole: Reading, path: string, ranges: [number, number][]) {
  return Promise.all(
    ranges.map(async ([from, to]) => {
      const part = await readRecord(path, { from, to });
      expect(part.sigLen).toBe(to - from);
      expect(part.totalLen).toBe(whole.sigLen);
      part.signals.forEach((s, c) => expectSame(s, Array.from(whole.signals[c].subarray(from, to)), `[${from}, ${to}) channel ${c}`));
      expect(part.warnings).toEqual([]);
    }),
  );
}

describe.each(FORMATS)('format %i', (format) => {
  it.each([3, 2])('%i signals in one file read back exactly, ranges are slices of the whole', async (nSig) => {
    const name = `f${format}_${nSig}`;
    const signals: WSignal[] = Array.from({ length: nSig }, (_, c) => ({
      name: `sig ${c}`,
      samples: digitalSamples(format, FRAMES, format * 10 + c, [5, 6, 1000]),
      ...GAINS[c],
    }));
    writeRecord(dir, { name, fs: 500, frames: FRAMES, files: [{ fileName: `${name}.dat`, format, signals }] });
    const r = await readRecord(join(dir, name));
    expect(r.sigLen).toBe(FRAMES);
    expect(r.channels.map((c) => c.fmt)).toEqual(signals.map(() => String(format)));
    expect(r.channels.map((c) => c.name)).toEqual(signals.map((s) => s.name));
    expect(r.warnings).toEqual([]);
    signals.forEach((s, c) => expectSame(r.signals[c], physical(s, format), `channel ${c}`));
    if (format !== 8) expect(Number.isNaN(r.signals[0][5])).toBe(true);
    await expectRangesAreSlices(r, join(dir, name), [[0, 1], [1, 500], [333, FRAMES], [1000, FRAMES], [500, 500]]);
  });

  it('checksum mismatch is a warning, and the samples still read', async () => {
    const name = `sum${format}`;
    const samples = digitalSamples(format, FRAMES, 7);
    const good = { name: 'a', samples };
    writeRecord(dir, { name, fs: 250, frames: FRAMES, files: [{ fileName: `${name}.dat`, format, signals: [good, { name: 'b', samples, checksum: 12345 }] }] });
    const r = await readRecord(join(dir, name));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^checksum mismatch on signal 1 \(b\): header says 12345, samples sum to -?\d+$/);
    expectSame(r.signals[1], physical(good, format), 'channel 1');
    // A partial read cannot check a whole-record sum, so it does not warn.
    expect((await readRecord(join(dir, name), { from: 1, to: 10 })).warnings).toEqual([]);
  });
});

describe('frame layout', () => {
  it.each([16, 212, 24, 516])('skew shifts a signal and leaves NaN past the file end (format %i)', async (format) => {
    const name = `skew${format}`;
    const signals: WSignal[] = [0, 3, 1].map((skew, c) => ({ name: `s${c}`, skew, samples: digitalSamples(format, FRAMES, 40 + c) }));
    writeRecord(dir, { name, fs: 360, frames: FRAMES, files: [{ fileName: `${name}.dat`, format, signals }] });
    const r = await readRecord(join(dir, name));
    signals.forEach((s, c) => {
      const want = physical(s, format).slice(s.skew).concat(Array(s.skew).fill(NaN));
      expectSame(r.signals[c], want, `channel ${c}`);
    });
    await expectRangesAreSlices(r, join(dir, name), [[5, 10], [990, FRAMES], [997, 999]]);
  });

  it('skew reads real samples where the file holds more frames than the record', async () => {
    const name = 'skewlong';
    const samples = digitalSamples(16, FRAMES + 5, 3);
    writeRecord(dir, { name, fs: 360, frames: FRAMES + 5, files: [{ fileName: `${name}.dat`, format: 16, signals: [{ name: 'a', samples, skew: 4, checksum: 'none' }] }] });
    const hea = join(dir, `${name}.hea`);
    writeFileSync(hea, readFileSync(hea, 'latin1').replace(`${name} 1 360 ${FRAMES + 5}`, `${name} 1 360 ${FRAMES}`));
    const r = await readRecord(join(dir, name));
    expectSame(r.signals[0], samples.slice(4, FRAMES + 4).map((d) => d / 200), 'skewed');
  });

  it.each([16, 212, 311, 8, 524])('byte offset skips a prefix (format %i)', async (format) => {
    const name = `off${format}`;
    const signals: WSignal[] = [0, 1].map((c) => ({ name: `s${c}`, samples: digitalSamples(format, FRAMES, 50 + c) }));
    writeRecord(dir, { name, fs: 500, frames: FRAMES, files: [{ fileName: `${name}.dat`, format, byteOffset: 24 + (format % 7), signals }] });
    const r = await readRecord(join(dir, name));
    expect(r.warnings).toEqual([]);
    signals.forEach((s, c) => expectSame(r.signals[c], physical(s, format), `channel ${c}`));
    await expectRangesAreSlices(r, join(dir, name), [[2, 9], [700, FRAMES]]);
  });

  it.each([212, 16, 8, 516])('samples per frame: expanded samples exact, frames averaged like wfdb-python (format %i)', async (format) => {
    const name = `spf${format}`;
    const spfs = format === 516 ? [3, 3] : [4, 1, 2];
    const signals: WSignal[] = spfs.map((spf, c) => ({
      name: `s${c}`,
      spf,
      samples: digitalSamples(format, FRAMES * spf, 60 + c, [8, 9, 10, 11, 21]),
      gain: 100,
      baseline: 3,
    }));
    writeRecord(dir, { name, fs: 125, frames: FRAMES, files: [{ fileName: `${name}.dat`, format, signals }] });
    const r = await readWfdb(join(dir, name), { expanded: true });
    expect(r.samplesPerFrame).toEqual(spfs);
    expect(r.warnings).toEqual([]);
    const invalid = format === 8 ? null : -(2 ** (FORMAT_BITS[format] - 1));
    signals.forEach((s, c) => {
      expectSame(r.expanded![c], physical(s, format), `expanded channel ${c}`);
      const spf = spfs[c];
      const frames = Array.from({ length: FRAMES }, (_, f) => {
        const block = s.samples.slice(f * spf, f * spf + spf);
        const mean = Math.trunc(block.reduce((a, b) => a + b, 0) / spf);
        return block.every((d) => d === invalid) ? NaN : (mean - 3) / 100;
      });
      expectSame(r.signals[c], frames, `channel ${c}`);
    });
    // Samples 8-11 are invalid: frame 2 (4 per frame) or 3 (3 per frame) is NaN; frame 5 has one invalid sample.
    if (invalid !== null) expect(Number.isNaN(r.signals[0][spfs[0] === 4 ? 2 : 3])).toBe(true);
    if (invalid !== null && spfs[0] === 4) expect(r.signals[0][5]).toBe((Math.trunc((signals[0].samples.slice(20, 24).reduce((a, b) => a + b, 0)) / 4) - 3) / 100);
    await expectRangesAreSlices(r, join(dir, name), [[1, 3], [999, FRAMES]]);
  });

  it('several signal files per record, in different formats', async () => {
    const name = 'twofiles';
    const a: WSignal[] = [{ name: 'I', samples: digitalSamples(16, FRAMES, 1) }, { name: 'II', samples: digitalSamples(16, FRAMES, 2) }];
    const b: WSignal[] = [{ name: 'X', samples: digitalSamples(212, FRAMES, 3) }];
    writeRecord(dir, { name, fs: 1000, frames: FRAMES, files: [{ fileName: `${name}.dat`, format: 16, signals: a }, { fileName: `${name}.xyz`, format: 212, signals: b }] });
    const r = await readRecord(join(dir, name));
    expect(r.channels.map((c) => `${c.name}:${c.fmt}`)).toEqual(['I:16', 'II:16', 'X:212']);
    expectSame(r.signals[2], physical(b[0], 212), 'X');
    expectSame(r.signals[1], physical(a[1], 16), 'II');
  });

  it('format 8 integrates from the initial value', async () => {
    const name = 'init8';
    const samples = digitalSamples(8, FRAMES, 9);
    writeRecord(dir, { name, fs: 100, frames: FRAMES, files: [{ fileName: `${name}.dat`, format: 8, signals: [{ name: 'a', samples, initValue: samples[0] - 50 }] }] });
    const r = await readRecord(join(dir, name));
    expect(readFileSync(join(dir, `${name}.dat`)).readInt8(0)).toBe(50);
    expectSame(r.signals[0], samples.map((d) => d / 200), 'a');
  });

  it("a signal without a file ('~') reads as invalid throughout", async () => {
    const name = 'tilde';
    const samples = digitalSamples(16, 100, 5);
    writeRecord(dir, { name, fs: 250, frames: 100, files: [{ fileName: `${name}.dat`, format: 16, signals: [{ name: 'a', samples, checksum: 'none' }] }] });
    writeFileSync(join(dir, `${name}.hea`), `${name} 2 250 100\n${name}.dat 16\n~ 0 200/mV 16 0 0 0 0 gone\n`);
    const r = await readRecord(join(dir, name));
    expect(r.channels.map((c) => c.name)).toEqual(['', 'gone']);
    expectSame(r.signals[0], samples.map((d) => d / 200), 'a');
    expect(Array.from(r.signals[1]).every(Number.isNaN)).toBe(true);
    expect(r.signals[1].length).toBe(100);
  });

  it('a header without a length takes it from the signal file', async () => {
    const name = 'nolen';
    const samples = digitalSamples(212, 999, 4);
    writeRecord(dir, { name, fs: 360, frames: 999, omitLength: true, files: [{ fileName: `${name}.dat`, format: 212, signals: [{ name: 'a', samples }] }] });
    const r = await readRecord(join(dir, name));
    expect(r.sigLen).toBe(999);
    expectSame(r.signals[0], physical({ name: 'a', samples }, 212), 'a');
  });
});
