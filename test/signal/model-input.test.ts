// Records brought to a foreign model's input spec, against an independent computation in Python
// (numpy + SciPy) from the canonical signal at the model's rate and length: lead order, units,
// filter (sosfiltfilt / sosfilt), normalisation, padding and layout. Tolerance: 1e-6 of the lead's
// range (the tensor is float32: about 6e-8 of a value's magnitude is rounding).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import type { Reading } from '../../src/main/formats/types.js';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { parseModelCard, type CardInput } from '../../src/shared/model-card.js';
import { canonicalize } from '../../src/main/signal/index.js';
import { ModelInputError, prepareModelInput, type ModelInputSpec } from '../../src/main/signal/model-input.js';
import { tempDir } from '../temp.js';

const samples = (path: string) => new URL(`../../../shared/ecg-samples/${path}`, import.meta.url).pathname;
const readings = new Map<string, Reading>();
beforeAll(async () => {
  for (const path of ['cinc/cpsc/A0005', 'cinc/chapman/JS00001', 'cinc/ptbxl/HR00599']) readings.set(path, await readRecord(samples(path)));
});

/** The card's input with the rest of a valid card around it (parsed, so spellings are normalised). */
function spec(input: Record<string, unknown>): CardInput {
  const card = parseModelCard({ name: 't', version: '1', source: 'test', licence: 'MIT', input: { name: 'x', ...input }, output: { name: 'y', activation: 'sigmoid', classes: [{ name: 'AF', class: 'AF' }] } });
  return card.input;
}

function keep(r: Reading, names: string[]): Reading {
  const idx = names.map((n) => r.channels.findIndex((c) => c.name.toLowerCase() === n.toLowerCase()));
  return { ...r, channels: idx.map((i) => r.channels[i]), signals: idx.map((i) => r.signals[i]) };
}

const SCRIPT = `
import json, sys
import numpy as np
import scipy.signal as ss
STANDARD = ['I','II','III','aVR','aVL','aVF','V1','V2','V3','V4','V5','V6']
out = []
for c in json.load(open(sys.argv[1])):
    s = c['spec']; n = s['samples']; v = c['valid']
    x = np.asarray(c['canonical'], dtype=np.float64).reshape(12, n)[:, :v]
    rows = [STANDARD.index(l) for l in s['leads']]
    x = x[rows] * (1000.0 if s['units'] == 'uV' else 1.0)
    f = s['filter']
    if f:
        wn = [f['low'], f['high']] if f['type'] == 'bandpass' else (f['low'] if f['type'] == 'highpass' else f['high'])
        sos = ss.butter(f['order'], wn, f['type'], fs=s['rate'], output='sos')
        x = ss.sosfiltfilt(sos, x, axis=1) if f['zeroPhase'] else ss.sosfilt(sos, x, axis=1)
    norm = s['normalization']
    if norm == 'per-lead-zscore':
        x = (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)
    elif norm == 'global-zscore':
        x = (x - x.mean()) / x.std()
    elif isinstance(norm, dict):
        x = (x - np.asarray(norm['mean'])[:, None]) / np.asarray(norm['std'])[:, None]
    t = np.zeros((len(rows), n)); t[:, :v] = x
    if s['layout'] == 'NLC':
        t = t.T
    out.append(t.reshape(-1).tolist())
json.dump(out, sys.stdout)
`;

interface Case {
  readonly path: string;
  readonly reading: Reading;
  readonly spec: ModelInputSpec;
}

function python(cases: Case[]): number[][] {
  const payload = cases.map(({ reading, spec }) => {
    const c = canonicalize(reading, { rate: spec.rate, length: spec.samples });
    return { spec, valid: c.validLength, canonical: Array.from(c.data) };
  });
  const file = join(tempDir('model-input'), 'cases.json');
  writeFileSync(file, JSON.stringify(payload));
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT, file], { encoding: 'utf8', maxBuffer: 1 << 30 })) as number[][];
}

describe('prepareModelInput on real records against numpy/SciPy', () => {
  it('gives what numpy and SciPy give from the canonical signal at the model rate', () => {
    const other = ['V6', 'V5', 'V4', 'V3', 'V2', 'V1', 'AVF', 'AVL', 'AVR', 'III', 'II', 'I'];
    const specs: ModelInputSpec[] = [
      // 500 Hz x 5000, leads in another order, uV, zero-phase band-pass, per-lead z-score
      spec({ layout: 'NCL', rate: 500, samples: 5000, leads: other, units: 'uV', filter: { type: 'bandpass', design: 'butterworth', order: 4, low: 0.5, high: 40, zeroPhase: true }, normalization: 'per-lead-zscore' }),
      // 400 Hz x 4096 (CODE-15 style), [batch, samples, leads], causal high-pass, no normalisation
      spec({ layout: 'NLC', rate: 400, samples: 4096, leads: [...STANDARD_LEADS], units: 'mV', filter: { type: 'highpass', design: 'butterworth', order: 2, low: 0.5, zeroPhase: false }, normalization: 'none' }),
      // 257 Hz x 3000 (longer than a 10 s record: padded), a subset, low-pass, global z-score
      spec({ layout: 'NCL', rate: 257, samples: 3000, leads: ['ii', 'V1', 'v5'], units: 'mV', filter: { type: 'lowpass', design: 'butterworth', order: 8, high: 40, zeroPhase: true }, normalization: 'global-zscore' }),
      // fixed mean/std per lead, no filter
      spec({ layout: 'NLC', rate: 100, samples: 1000, leads: ['I', 'aVR'], units: 'uV', filter: null, normalization: { mean: [10, -20], std: [150, 120] } }),
    ];
    const cases: Case[] = [];
    for (const [path, reading] of readings) for (const s of specs) cases.push({ path, reading, spec: s });
    // A cart that stored I, II and V1-V6 only: III, aVR, aVL, aVF derived as the canonical store derives them.
    const chapman = readings.get('cinc/chapman/JS00001') as Reading;
    const eight = keep(chapman, ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    cases.push({ path: 'chapman 8 leads', reading: eight, spec: specs[0] });
    const ref = python(cases);
    let overall = 0;
    cases.forEach(({ path, reading, spec: s }, i) => {
      const got = prepareModelInput(reading, s);
      const L = s.leads.length;
      expect(got.data.length, path).toBe(L * s.samples);
      expect(got.shape).toEqual(s.layout === 'NCL' ? [L, s.samples] : [s.samples, L]);
      let worst = 0;
      for (let l = 0; l < L; l++) {
        const at = (j: number) => (s.layout === 'NCL' ? l * s.samples + j : j * L + l);
        let lo = Infinity;
        let hi = -Infinity;
        for (let j = 0; j < s.samples; j++) [lo, hi] = [Math.min(lo, ref[i][at(j)]), Math.max(hi, ref[i][at(j)])];
        for (let j = 0; j < s.samples; j++) worst = Math.max(worst, Math.abs(got.data[at(j)] - ref[i][at(j)]) / Math.max(hi - lo, 1e-12));
      }
      expect(worst, `${path} at ${s.rate} Hz`).toBeLessThanOrEqual(1e-6);
      overall = Math.max(overall, worst);
      if (path === 'chapman 8 leads') expect(got.leadStatus).toEqual(['present', 'present', 'present', 'present', 'present', 'present', 'derived', 'derived', 'derived', 'derived', 'present', 'present']);
    });
    console.log(`model input: worst difference from numpy/SciPy ${overall.toExponential(2)} of the lead's range over ${cases.length} records x specs`);
  });

  it('states the window of a long record and the padding of a short one', () => {
    const cpsc = readings.get('cinc/cpsc/A0005') as Reading; // 25 s at 500 Hz
    const s = spec({ layout: 'NCL', rate: 500, samples: 5000, leads: ['I'], units: 'mV', normalization: 'none' });
    expect(prepareModelInput(cpsc, s, { window: 'center' })).toMatchObject({ windowStart: 3750, validLength: 5000, paddedSamples: 0 });
    expect(prepareModelInput(cpsc, s).windowStart).toBe(0);
    const chapman = readings.get('cinc/chapman/JS00001') as Reading; // 10 s at 500 Hz
    const long = prepareModelInput(chapman, { ...s, samples: 8192 });
    expect(long).toMatchObject({ windowStart: 0, validLength: 5000, paddedSamples: 3192 });
    expect(long.data.subarray(5000).every((v) => v === 0)).toBe(true);
    expect(long.data.subarray(4990, 5000).some((v) => v !== 0)).toBe(true);
    expect(long.warnings.some((w) => w.includes('5000 of 8192 samples') && w.includes('zero-padded'))).toBe(true);
  });

  it('gives a missing lead as zeros with a warning, and refuses records it cannot use', () => {
    const chapman = readings.get('cinc/chapman/JS00001') as Reading;
    const s = spec({ layout: 'NCL', rate: 500, samples: 5000, leads: ['V1', 'I'], units: 'mV', normalization: 'per-lead-zscore' });
    const limbOnly = keep(chapman, ['I', 'II']);
    const got = prepareModelInput(limbOnly, s);
    expect(got.leadStatus).toEqual(['missing', 'present']);
    expect(got.data.subarray(0, 5000).every((v) => v === 0)).toBe(true);
    expect(got.warnings).toContain('leads the model takes but the record lacks, given as zeros: V1');
    expect(() => prepareModelInput(keep(chapman, ['V2']), { ...s, leads: ['V1'] })).toThrow(ModelInputError);
    const tiny: Reading = { ...chapman, sigLen: 20, signals: chapman.signals.map((x) => x.slice(0, 20)) };
    const filtered = spec({ layout: 'NCL', rate: 500, samples: 5000, leads: ['I'], units: 'mV', filter: { type: 'bandpass', design: 'butterworth', order: 4, low: 0.5, high: 40, zeroPhase: true }, normalization: 'none' });
    expect(() => prepareModelInput(tiny, filtered)).toThrow(/gives 20 samples at 500 Hz; the model's zero-phase filter needs at least 28/);
  });
});
