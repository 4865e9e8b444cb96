// Every shared WFDB and PhysioNet/CinC record against the reference reader's (wfdb-python's)
// reading: header fields, the first 1000 samples within 2e-6, whole-record sums, extremes and
// invalid counts, with the tolerances of ../shared/checks/read_parity.py.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));

interface Reference {
  record: string;
  fs: number;
  n_sig: number;
  sig_len: number;
  sig_name: string[];
  units: string[];
  fmt: string[];
  adc_gain: number[];
  baseline: number[];
  head: (number | null)[][];
  stats: { sum: number[]; sumsq: number[]; min: (number | null)[]; max: (number | null)[]; nan: number[] };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

function findHeader(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      const found = findHeader(join(dir, e.name), name);
      if (found) return found;
    } else if (e.name === `${name}.hea`) return join(dir, e.name);
  }
  return undefined;
}

const cases = ['reference', 'reference-cinc'].flatMap((ref) =>
  jsonFiles(join(SAMPLES, ref)).map((json) => {
    const name = basename(json, '.json');
    const dataDir = ref === 'reference' ? join(SAMPLES, 'wfdb') : join(SAMPLES, 'cinc');
    return { name, json, header: findHeader(dataDir, name) };
  }),
);

describe('shared records read as the reference reader reads them', () => {
  it('finds every reference record (14 WFDB, 52 challenge)', () => {
    expect(cases.length).toBe(66);
    expect(cases.filter((c) => !c.header)).toEqual([]);
  });

  it.each(cases)('$name', async ({ json, header }) => {
    const ref = JSON.parse(readFileSync(json, 'utf8')) as Reference;
    expect(existsSync(header!)).toBe(true);
    const r = await readRecord(header!.replace(/\.hea$/, ''));
    expect(r.record).toBe(ref.record);
    expect(r.fs).toBe(ref.fs);
    expect(r.channels.length).toBe(ref.n_sig);
    expect(r.sigLen).toBe(ref.sig_len);
    expect(r.channels.map((c) => c.name)).toEqual(ref.sig_name);
    expect(r.channels.map((c) => c.units)).toEqual(ref.units);
    expect(r.channels.map((c) => c.fmt)).toEqual(ref.fmt);
    expect(r.channels.map((c) => c.gain)).toEqual(ref.adc_gain);
    expect(r.channels.map((c) => c.baseline)).toEqual(ref.baseline);
    // Header checksums of these records are all right: a mismatch would be a decoding error.
    expect(r.warnings).toEqual([]);
    ref.head.forEach((head, c) => {
      const sig = r.signals[c];
      expect(sig.length).toBe(ref.sig_len);
      const wrong = head.findIndex((want, i) =>
        want === null ? !Number.isNaN(sig[i]) : !(Math.abs(sig[i] - want) <= 2e-6 + 1e-9 * Math.abs(want)),
      );
      expect(wrong < 0 ? 'all head samples agree' : `channel ${c} sample ${wrong}: ${sig[wrong]} vs ${head[wrong]}`).toBe('all head samples agree');
      let sum = 0;
      let sumsq = 0;
      let min = Infinity;
      let max = -Infinity;
      let nan = 0;
      for (const v of sig) {
        if (Number.isNaN(v)) {
          nan++;
          continue;
        }
        sum += v;
        sumsq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const s = ref.stats;
      const scale = Math.sqrt(s.sumsq[c]) * 10;
      expect(Math.abs(sum - s.sum[c]), `channel ${c} sum`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(s.sum[c]), scale) + 1e-3);
      expect(Math.abs(sumsq - s.sumsq[c]), `channel ${c} sumsq`).toBeLessThanOrEqual(1e-6 * Math.max(1, s.sumsq[c]) + 1e-3);
      if (s.min[c] !== null) expect(Math.abs(min - s.min[c]!), `channel ${c} min`).toBeLessThanOrEqual(2e-6 + 1e-9 * Math.abs(s.min[c]!));
      if (s.max[c] !== null) expect(Math.abs(max - s.max[c]!), `channel ${c} max`).toBeLessThanOrEqual(2e-6 + 1e-9 * Math.abs(s.max[c]!));
      expect(nan, `channel ${c} invalid samples`).toBe(s.nan[c]);
    });
  });
});
