// Shared pieces of the writer round-trip tests: generated and real records, the comparison at
// the quantisation step, and libbiosig's save2gdf (Debian biosig-tools) as an independent reader.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import type { WritableEcg } from '../../src/main/formats/clinical/write-record.js';
import type { Reading } from '../../src/main/formats/index.js';
import { synthesizeRecord } from '../../src/main/demo/synth/record.js';
import { tempDir } from '../temp.js';

export const SAMPLES = new URL('../../../shared/ecg-samples/', import.meta.url).pathname;
export const STD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** A synthetic 12-lead ECG at 500 Hz, already on a `stepUv` grid (so writing it loses nothing). */
export function generatedEcg(seed: number, seconds = 10, stepUv = 1, classes: string[] = ['NSR']): WritableEcg {
  const fs = 500;
  const { leads } = synthesizeRecord({ seed, patientSeed: seed + 1, fs, samples: seconds * fs, classes, noise: { baselineMv: 0.05, emgUv: 8, mainsHz: 50, mainsUv: 5 } });
  const signals = leads.map((x) => x.map((v) => (Math.round((v * 1000) / stepUv) * stepUv) / 1000));
  return { fs, leads: STD, signals, stepUv };
}

/** Real records of every format in ../shared/ecg-samples: the clinical files, one CinC record per source, some WFDB records. */
export function realRecords(): string[] {
  const clinical = ['dicom/ecgtoolkit_Example.dcm', 'hl7aecg/hl7_example_aECG.xml', 'hl7aecg/philips_ad4d3d80-d165_1-04_converted.xml', 'scp-ecg/ecgtoolkit_Example.scp', 'muse/braveheart_example1.xml', 'philips/129DYPRG.XML', 'philips/3191723_ZZDEMOPTONLY_1-04_orig.xml'].map((f) => join(SAMPLES, 'clinical', f));
  const cinc = readdirSync(join(SAMPLES, 'cinc'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(SAMPLES, 'cinc', d.name, readdirSync(join(SAMPLES, 'cinc', d.name)).filter((f) => f.endsWith('.hea')).sort()[0].replace(/\.hea$/, '')));
  const wfdb = ['100_3chan', 's0010_re', 'test01_00s', '3000003_0003'].map((r) => join(SAMPLES, 'wfdb', r));
  return [...clinical, ...cinc, ...wfdb];
}

/** Index of lead `name` in `r`. */
export function leadIndex(r: Pick<Reading, 'channels'>, name: string): number {
  const k = r.channels.findIndex((c) => c.name === name);
  expect(k, `lead ${name} in ${r.channels.map((c) => c.name).join(',')}`).toBeGreaterThanOrEqual(0);
  return k;
}

/**
 * `got` holds `want`'s leads (by name) with the same length and, sample by sample, the same count
 * of `stepUv` (and within 1e-9 mV of it); samples `want` marks invalid are skipped. `byPosition`
 * pairs leads by index instead (SCP-ECG has one code, 0, for every lead it does not know).
 */
export function expectSameAtStep(got: Pick<Reading, 'channels' | 'signals'>, want: { leads: readonly string[]; signals: readonly Float64Array[] }, stepUv: number, label: string, byPosition = false): void {
  if (byPosition) expect(got.signals.length, `${label} leads`).toBeGreaterThanOrEqual(want.signals.length);
  want.leads.forEach((name, c) => {
    const g = got.signals[byPosition ? c : leadIndex(got, name)];
    const w = want.signals[c];
    expect(g.length, `${label} ${name} length`).toBe(w.length);
    let bad = -1;
    for (let i = 0; i < w.length && bad < 0; i++) {
      if (w[i] !== w[i]) continue;
      const exact = Math.round((g[i] * 1000) / stepUv) === Math.round((w[i] * 1000) / stepUv) && Math.abs(g[i] - Math.round((w[i] * 1000) / stepUv) * stepUv / 1000) < 1e-9;
      if (!exact) bad = i;
    }
    expect(bad < 0 ? 'same' : `${label} ${name}[${bad}]: ${g[bad]} vs ${w[bad]} (step ${stepUv} uV)`).toBe('same');
  });
}

export const hasTool = (path: string): boolean => existsSync(path);
export const SAVE2GDF = '/usr/bin/save2gdf';
export const DCIODVFY = '/usr/bin/dciodvfy';

export interface BiosigReading {
  readonly fs: number[];
  readonly labels: string[];
  readonly units: string[];
  readonly signals: number[][];
}

/** The file as libbiosig reads it: save2gdf's ASCII export (one value file per channel). */
export function biosigRead(path: string): BiosigReading {
  const dir = tempDir('biosig');
  const out = join(dir, 'out.txt');
  execFileSync(SAVE2GDF, ['-f=ASCII', path, out], { stdio: 'pipe' });
  const header = readFileSync(out, 'latin1');
  const blocks = header.split(/\n(?=Filename\s*=)/).filter((b) => /^Label\s*=/m.test(b));
  const field = (b: string, k: string) => new RegExp(`^${k}\\s*=\\s*([^\\t#\\n]*)`, 'm').exec(b)?.[1].trim() ?? '';
  return {
    fs: blocks.map((b) => Number(field(b, 'SamplingRate'))),
    labels: blocks.map((b) => field(b, 'Label')),
    units: blocks.map((b) => field(b, 'PhysicalUnits')),
    signals: blocks.map((b) => readFileSync(join(dir, basename(field(b, 'Filename'))), 'latin1').trim().split(/\s+/).map(Number)),
  };
}
