// The canonical path on real records: PTB (15 leads with Frank X/Y/Z, 1000 Hz) and the CinC centers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import type { Reading } from '../../src/main/formats/types.js';
import { canonicalize, mapLeads, resamplePoly, resampleRatio, ShardStore, unitScaleToMv, type Canonical } from '../../src/main/signal/index.js';
import { limbLeadsFromIandII, withinSignals } from '../../src/main/signal/limb.js';

const samples = (path: string) => new URL(`../../../shared/ecg-samples/${path}`, import.meta.url).pathname;
const RECORDS = ['wfdb/s0010_re', 'cinc/cpsc/A0005', 'cinc/cpsc-extra/Q0006', 'cinc/georgia/E00793', 'cinc/ptbxl/HR00599', 'cinc/ptb/S0003', 'cinc/chapman/JS00001', 'cinc/ningbo/JS45542'];
const readings = new Map<string, Reading>();
beforeAll(async () => {
  for (const path of RECORDS) readings.set(path, await readRecord(samples(path)));
});

/** Channel c of a reading with only the named channels kept (a cart that stored fewer leads). */
function keep(r: Reading, names: string[]): Reading {
  const idx = names.map((n) => r.channels.findIndex((c) => c.name.toLowerCase() === n.toLowerCase()));
  return { ...r, channels: idx.map((i) => r.channels[i]), signals: idx.map((i) => r.signals[i]) };
}

function worstDiff(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let worst = 0;
  for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('canonicalize on real records', () => {
  it('gives 12 present leads equal to resample_poly of each recorded channel', () => {
    for (const [path, r] of readings) {
      const c = canonicalize(r, { window: 'center' });
      expect(c.leadStatus.every((s) => s === 'present'), path).toBe(true);
      expect(c.validLength, path).toBe(1000);
      const { up, down } = resampleRatio(r.fs, 100);
      const first = (c.windowStart * up) / down;
      expect(Number.isInteger(first)).toBe(true);
      for (let lead = 0; lead < 12; lead++) {
        const direct = resamplePoly(r.signals[lead], up, down); // whole record, as scipy would
        let worst = 0;
        for (let k = 0; k < 1000; k++) worst = Math.max(worst, Math.abs(c.data[lead * 1000 + k] - direct[first + k]));
        // I, II and V1-V6 are resampled themselves (float32 rounding only); the other limb leads may be
        // rebuilt from I and II (limb.ts), which moves them by less than the carts' own rounding.
        const lsb = 1 / r.channels[lead].gain;
        expect(worst, `${path} lead ${lead}`).toBeLessThan(lead >= 2 && lead <= 5 ? 2 * lsb + 1e-6 : 1e-5);
      }
    }
  });

  it('rebuilds the limb leads carts computed within 2 ADC steps, and resamples the others', () => {
    const rebuilt = (path: string) => {
      const r = readings.get(path) as Reading;
      const map = mapLeads(r.channels.map((c) => c.name));
      const scale = r.channels.map((c) => unitScaleToMv(c.units));
      return [...limbLeadsFromIandII(map, withinSignals(r.signals), scale, r.channels.map((c) => 1 / c.gain), 0, r.sigLen).keys()];
    };
    expect(rebuilt('cinc/cpsc/A0005')).toEqual([2, 3, 4, 5]); // within 1.5 steps
    expect(rebuilt('wfdb/s0010_re')).toEqual([2, 3, 4, 5]);
    expect(rebuilt('cinc/chapman/JS00001')).toEqual([2]); // aVR, aVL, aVF 3.5 steps off: resampled
    expect(rebuilt('cinc/ptbxl/HR00599')).toEqual([2]); // 5 uV steps: only III (one step) within the 5 uV cap
  });

  it('cuts the middle, the first or the cleanest window of a 25 s CPSC record', () => {
    const r = readings.get('cinc/cpsc/A0005') as Reading;
    expect(r.sigLen).toBe(12500);
    expect(canonicalize(r, { window: 'center' }).windowStart).toBe(3750);
    expect(canonicalize(r, { window: 'first' }).windowStart).toBe(0);
    expect(canonicalize(r).windowStart).toBe(0); // clean from the start
  });

  it('leaves the Frank leads of a PTB record unmatched', () => {
    const c = canonicalize(readings.get('wfdb/s0010_re') as Reading);
    expect(c.unmatchedChannels).toEqual(['vx', 'vy', 'vz']);
    expect(c.missingLeads).toEqual([]);
  });

  it('derives the limb leads of real records from I and II, and from aVL and aVF, close to the recorded ones', () => {
    for (const path of ['wfdb/s0010_re', 'cinc/ptbxl/HR00599', 'cinc/chapman/JS00001', 'cinc/georgia/E00793']) {
      const r = readings.get(path) as Reading;
      const full = canonicalize(r);
      const lsb = 1 / r.channels[0].gain;
      const fromIandII = canonicalize(keep(r, ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']));
      expect(fromIandII.derivedLeads).toEqual(['III', 'aVR', 'aVL', 'aVF']);
      // The recorded limb leads match I/II combinations within 3.5 ADC steps (carts round each lead).
      expect(worstDiff(fromIandII.data, full.data, 0, 6000), path).toBeLessThan(4 * lsb);
      expect(worstDiff(fromIandII.data, full.data, 6000, 12000), path).toBe(0);
      const fromAugmented = canonicalize(keep(r, ['aVL', 'aVF', 'V1']));
      expect(fromAugmented.derivedLeads).toEqual(['I', 'II', 'III', 'aVR']);
      expect(fromAugmented.missingLeads).toEqual(['V2', 'V3', 'V4', 'V5', 'V6']);
      // aVL and aVF give I = (4 aVL + 2 aVF) / 3 and so on: their rounding is amplified up to 2x.
      expect(worstDiff(fromAugmented.data, full.data, 0, 6000), path).toBeLessThan(10 * lsb);
    }
  });
});

describe('real records through the store', () => {
  let dir = '';
  let rows: Canonical[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openecg-signal-'));
    rows = [...readings.values()].map((r) => canonicalize(r));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps them within half a microvolt as int16 and exactly as float32', () => {
    for (const dtype of ['int16', 'float32'] as const) {
      const store = ShardStore.open(join(dir, dtype), { rate: 100, length: 1000, dtype, recordsPerShard: 5 });
      const at = store.append(rows.map((c) => c.data));
      expect(at.map((a) => [a.shard, a.offset])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [1, 0], [1, 1], [1, 2]]);
      expect(at.every((a) => a.clipped === 0)).toBe(true);
      store.close();
      const reader = ShardStore.openReader(join(dir, dtype));
      const batch = reader.readMany(at);
      rows.forEach((c, i) => {
        const back = batch.subarray(i * 12000, (i + 1) * 12000);
        const worst = worstDiff(back, c.data, 0, 12000);
        if (dtype === 'float32') expect(worst).toBe(0);
        else expect(worst).toBeLessThanOrEqual(0.0005 + 1e-6);
      });
      reader.close();
    }
  });
});
