// Workspaces for the API, server and e2e tests: the real CinC samples imported as a user would,
// plus generated WFDB format-16 records whose waves sit at known samples.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { runImport } from '../../src/main/import/pipeline.js';

export const CINC = fileURLToPath(new URL('../../../shared/ecg-samples/cinc/', import.meta.url));

export interface Pulse {
  /** Sample of the peak. */
  readonly at: number;
  readonly mv: number;
}

export interface PulseRecord {
  readonly name: string;
  readonly fs: number;
  readonly length: number;
  readonly pulses: readonly Pulse[];
  /** Added to every sample, mV (a baseline offset the filters should remove). */
  readonly offsetMv?: number;
  /** A sine added to every lead: [Hz, mV amplitude] (mains hum for the notch). */
  readonly hum?: readonly [number, number];
}

/** ADC units per mV: microvolt resolution. */
export const GAIN = 1000;

/** The digital samples of one lead: narrow triangular pulses (10 ms either side of the peak) on a flat line. */
export function pulseSamples(r: PulseRecord, lead: number): Int16Array {
  const x = new Float64Array(r.length).fill(r.offsetMv ?? 0);
  const half = Math.round(0.01 * r.fs);
  // Lead-specific scale so each lead is told apart, same sign so the peaks are maxima everywhere.
  const k = 1 + lead / 24;
  for (const p of r.pulses) for (let d = -half; d <= half; d++) if (p.at + d >= 0 && p.at + d < r.length) x[p.at + d] += k * p.mv * (1 - Math.abs(d) / (half + 1));
  if (r.hum) for (let i = 0; i < r.length; i++) x[i] += r.hum[1] * Math.sin((2 * Math.PI * r.hum[0] * i) / r.fs);
  return Int16Array.from(x, (v) => Math.round(v * GAIN));
}

/** Writes `<dir>/<name>.hea` + `.dat` (format 16, 12 standard leads, checksums and initial values right). */
export function writePulseRecord(dir: string, r: PulseRecord): void {
  mkdirSync(dir, { recursive: true });
  const leads = STANDARD_LEADS.map((_, i) => pulseSamples(r, i));
  const frames = new Int16Array(r.length * leads.length);
  for (let i = 0; i < r.length; i++) for (let l = 0; l < leads.length; l++) frames[i * leads.length + l] = leads[l][i];
  writeFileSync(join(dir, `${r.name}.dat`), Buffer.from(frames.buffer));
  const lines = [`${r.name} ${leads.length} ${r.fs} ${r.length}`];
  leads.forEach((x, l) => {
    let sum = 0;
    for (const v of x) sum += v;
    const checksum = ((((sum % 65536) + 65536) % 65536) << 16) >> 16;
    lines.push(`${r.name}.dat 16 ${GAIN}/mV 16 0 ${x[0]} ${checksum} 0 ${STANDARD_LEADS[l]}`);
  });
  lines.push('#Age: 61', '#Sex: Female', '#Dx: 426783006');
  writeFileSync(join(dir, `${r.name}.hea`), lines.join('\n') + '\n');
}

/** The caliper record: 500 Hz, 10 s, peaks 800 ms apart (1.5 mV then 1.0 mV) and one more at 4 s. */
export const CALIPER_RECORD: PulseRecord = {
  name: 'pulse001',
  fs: 500,
  length: 5000,
  pulses: [
    { at: 500, mv: 1.5 },
    { at: 900, mv: 1.0 },
    { at: 2000, mv: 1.2 },
  ],
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `openecg-${prefix}-`));
}

/** A workspace with the CinC samples and, as center 'generated', the caliper record. */
export async function makeWorkspace(root: string): Promise<{ workspace: string; generated: string }> {
  const workspace = join(root, 'ws');
  const generated = join(root, 'generated');
  writePulseRecord(generated, CALIPER_RECORD);
  await runImport({ folder: CINC, workspace, workers: 0 });
  await runImport({ folder: generated, workspace, dataset: 'wfdb', workers: 0 });
  return { workspace, generated };
}
