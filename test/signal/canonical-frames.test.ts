// The import's fused path (int16 frames converted, tested and resampled in WebAssembly) against
// canonicalize on the unframed reading: the same canonical record bit for bit, the same lead
// statuses, window and warnings, on the real CinC records and on generated ones that reach every
// branch (rebuilt and derived limb leads, inverted and missing leads, long records whose cleanest
// window is not the first, short ones, gain corrections, checksum mismatches); and a decline (null)
// wherever canonicalize has to take care (invalid samples in use, channels that are no voltage).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correctCincGains } from '../../src/main/datasets/cinc.js';
import { isFramed, readWfdbFrames, unframe, type FramedReading } from '../../src/main/formats/index.js';
import { canonicalizeFrames } from '../../src/main/signal/canonical-frames.js';
import { signalWasm } from '../../src/main/signal/fir-wasm.js';
import { canonicalize, type CanonicalSettings } from '../../src/main/signal/index.js';
import { mulberry32 } from '../../src/shared/random.js';

const shared = new URL('../../../shared/ecg-samples/', import.meta.url).pathname;
const STANDARD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

interface Spec {
  fs: number;
  names: string[];
  /** Digital samples per channel. */
  digital: number[][];
  gains?: number[];
  baselines?: number[];
  units?: string[];
  factor?: number[];
  checksums?: (number | undefined)[];
}

function framed(s: Spec): FramedReading {
  const ch = s.names.length;
  const n = s.digital[0].length;
  const samples = new Int16Array(n * ch);
  for (let c = 0; c < ch; c++) for (let i = 0; i < n; i++) samples[i * ch + c] = s.digital[c][i];
  const gains = s.gains ?? s.names.map(() => 1000);
  const baselines = s.baselines ?? s.names.map(() => 0);
  return {
    record: 'gen',
    fs: s.fs,
    sigLen: n,
    totalLen: n,
    channels: s.names.map((name, c) => ({ name, units: s.units?.[c] ?? 'mV', fmt: '16', gain: gains[c], baseline: baselines[c] })),
    comments: [],
    warnings: ['a reader warning'],
    frames: { samples, frames: n, channels: ch, invalid: -32768, baseline: baselines, gain: gains, factor: s.factor ?? s.names.map(() => 1), checksums: s.checksums ?? s.names.map(() => undefined) },
  };
}

/** A 12-lead-like record in ADC units: smooth waves plus noise, limb leads computed from I and II as carts do. */
function twelveLead(n: number, fs: number, seed: number): number[][] {
  const next = mulberry32(seed);
  const wave = (f: number, a: number, p: number) => Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * f * i) / fs + p) + 40 * (next() - 0.5));
  const I = wave(1.1, 300, 0).map(Math.round);
  const II = wave(1.3, 700, 1).map(Math.round);
  const limb = [I.map((v, i) => II[i] - v), I.map((v, i) => Math.round(-(v + II[i]) / 2)), I.map((v, i) => Math.round(v - II[i] / 2)), I.map((v, i) => Math.round(II[i] - v / 2))];
  const chest = [0, 1, 2, 3, 4, 5].map((k) => wave(0.9 + k / 7, 200 + 150 * k, k).map(Math.round));
  return [I, II, ...limb, ...chest];
}

/** Asserts the fused result equals canonicalize's and returns it (null when the path declined). */
function expectSame(r: FramedReading, settings: CanonicalSettings = {}, where = ''): ReturnType<typeof canonicalizeFrames> {
  const fused = canonicalizeFrames(r, settings);
  const reading = unframe(r);
  const general = canonicalize(reading, settings);
  if (!fused) return null;
  const a = fused.canonical;
  for (let i = 0; i < general.data.length; i++) if (!Object.is(a.data[i], general.data[i])) throw new Error(`${where}: sample ${i}: ${a.data[i]} != ${general.data[i]}`);
  expect({ ...a, data: null }, where).toEqual({ ...general, data: null });
  expect([...r.warnings, ...fused.readerWarnings], where).toEqual(reading.warnings);
  return fused;
}

describe.runIf(signalWasm())('canonicalizeFrames', () => {
  it('equals canonicalize on every real CinC record, with and without a 2020 gain correction', async () => {
    let records = 0;
    for (const center of readdirSync(join(shared, 'cinc'), { withFileTypes: true })) {
      if (!center.isDirectory()) continue;
      for (const f of readdirSync(join(shared, 'cinc', center.name)).filter((x) => x.endsWith('.hea'))) {
        const path = join(shared, 'cinc', center.name, f.slice(0, -4));
        const got = await readWfdbFrames(path);
        if (!isFramed(got)) throw new Error(`${path}: not framed`);
        expect(expectSame(got, {}, path), path).not.toBeNull();
        // The Georgia correction applies to channels at 4880/mV: make them so, and check the factor path.
        const wrong = { ...got, channels: got.channels.map((c) => ({ ...c, gain: 4880 })), frames: { ...got.frames, gain: got.frames.gain.map(() => 4880) } };
        const corrected = correctCincGains(wrong, 'Georgia').reading;
        expect(corrected.frames.factor.every((k) => k === 4.88)).toBe(true);
        expect(expectSame(corrected, {}, `${path} corrected`), path).not.toBeNull();
        records++;
      }
    }
    expect(records).toBeGreaterThan(40);
  });

  it('rebuilds computed limb leads and resamples the rest as canonicalize does, at odd lengths and rates', () => {
    for (const [n, fs, settings] of [
      [5000, 500, {}],
      [4999, 500, {}],
      [2570, 257, {}],
      [10001, 1000, { rate: 250, length: 2500 }],
      [1003, 100, {}],
    ] as const) {
      const r = framed({ fs, names: STANDARD, digital: twelveLead(n, fs, n) });
      expect(expectSame(r, settings, `${n} @ ${fs}`)).not.toBeNull();
    }
  });

  it('chooses the same window in a long record (cleanest, first, center) and pads a short one', () => {
    const long = twelveLead(30000, 500, 7);
    for (let i = 0; i < 2500; i++) long[1][i] = 12; // II flat for 5 s: the cleanest window starts after it
    for (const window of ['cleanest', 'first', 'center'] as const) {
      const got = expectSame(framed({ fs: 500, names: STANDARD, digital: long }), { window }, window);
      expect(got?.canonical.windowStart, window).toBe(window === 'cleanest' ? 2500 : window === 'first' ? 0 : 12500);
    }
    const short = expectSame(framed({ fs: 500, names: STANDARD, digital: twelveLead(3000, 500, 8) }));
    expect(short?.canonical.validLength).toBe(600);
    expect(short?.canonical.warnings.some((w) => w.includes('zero-padded'))).toBe(true);
  });

  it('handles inverted, missing, unknown and duplicate leads, other units, baselines and a gain correction factor', () => {
    const d = twelveLead(5000, 500, 3);
    const cases: [string, Spec][] = [
      ['inverted aVR, MLII', { fs: 500, names: ['I', 'MLII', 'III', '-aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], digital: d.map((x, c) => (c === 3 ? x.map((v) => -v) : x)) }],
      ['limb leads only', { fs: 500, names: ['I', 'II', 'X', 'V1'], digital: [d[0], d[1], d[7], d[6]] }],
      ['I and III (II derived)', { fs: 500, names: ['I', 'III', 'V2', 'V2'], digital: [d[0], d[2], d[7], d[8]] }],
      ['uV and baselines', { fs: 500, names: STANDARD, digital: d, units: STANDARD.map((_, c) => (c % 2 ? 'uV' : 'mV')), baselines: STANDARD.map((_, c) => 3 * c - 10), gains: STANDARD.map((_, c) => (c % 2 ? 1 : 1000.5)) }],
      ['factor', { fs: 500, names: STANDARD, digital: d, gains: STANDARD.map(() => 4880), factor: STANDARD.map((_, c) => (c < 6 ? 4.88 : 1)) }],
    ];
    for (const [name, spec] of cases) expect(expectSame(framed(spec), {}, name), name).not.toBeNull();
  });

  it('verifies the checksums as the reader would', () => {
    const d = twelveLead(5000, 500, 4);
    const sum = (x: number[]) => (x.reduce((s, v) => (s + v) | 0, 0) << 16) >> 16;
    const checksums = d.map((x, c) => (c === 5 ? sum(x) + 1 : sum(x)));
    const got = expectSame(framed({ fs: 500, names: STANDARD, digital: d, checksums }));
    expect(got?.readerWarnings).toEqual([`checksum mismatch on signal 5 (aVF): header says ${checksums[5]}, samples sum to ${sum(d[5])}`]);
  });

  it('declines invalid samples in a channel in use and channels that are no voltage, not elsewhere', () => {
    const d = twelveLead(5000, 500, 5);
    const withGap = d.map((x, c) => (c === 1 ? x.map((v, i) => (i >= 100 && i < 110 ? -32768 : v)) : x));
    expect(expectSame(framed({ fs: 500, names: STANDARD, digital: withGap }))).toBeNull();
    // In the last frames (the decoder's scalar tail) too.
    const atEnd = d.map((x, c) => (c === 8 ? x.map((v, i) => (i === 4999 ? -32768 : v)) : x));
    expect(expectSame(framed({ fs: 500, names: STANDARD, digital: atEnd }))).toBeNull();
    const unused = [...d, d[0].map(() => -32768)];
    expect(expectSame(framed({ fs: 500, names: [...STANDARD, 'X'], digital: unused }))).not.toBeNull();
    expect(expectSame(framed({ fs: 500, names: [...STANDARD, 'BP'], digital: [...d, d[0]], units: [...STANDARD.map(() => 'mV'), 'mmHg'] }))).toBeNull();
    expect(canonicalizeFrames(framed({ fs: 500, names: ['I'], digital: [[]] }))).toBeNull();
  });
});
