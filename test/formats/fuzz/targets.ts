// What the fuzz mutates: every real file in ../shared/ecg-samples that a reader reads (WFDB
// headers and signal files, CinC .hea/.mat, DICOM, HL7 aECG, SCP-ECG, MUSE, Philips), and small
// EDF+, ISHNE and HDF5 (CODE-15%) files generated here with the tests' writers.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import h5wasm from 'h5wasm/node';
import { edfBytes, type EdfSpec } from '../helpers/edf-writer.js';
import { ishneBytes, type IshneSpec } from '../helpers/ishne-writer.js';

export interface Target {
  /** Where the mutated file comes from, relative to the samples (or 'generated/...'). */
  readonly name: string;
  /** The folder whose files the mutant's folder links to. */
  readonly dir: string;
  /** The file (in `dir`) that is mutated. */
  readonly file: string;
  readonly text: boolean;
  /** What readRecord is given, relative to the mutant's folder. */
  readonly read: string;
  /** WFDB: the record path the import's adapter loads, relative to the mutant's folder. */
  readonly load?: string;
  /** Bytes of the original file. */
  readonly size: number;
}

const SIGNAL_FILE = /^(\S+)\s+\d/;

/** Header and signal files of the WFDB records in `dir` (segment headers read through their master). */
function wfdbTargets(samples: string, dir: string): Target[] {
  const names = readdirSync(dir);
  const headers = names.filter((n) => n.endsWith('.hea'));
  const texts = new Map(headers.map((h) => [h, readFileSync(join(dir, h), 'latin1')]));
  // A master's record line is `name/segments`; its segment lines name the segment records.
  const master = new Map<string, string>();
  for (const [h, text] of texts) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
    if (!/^\S+\/\d+/.test(lines[0] ?? '')) continue;
    for (const l of lines.slice(1)) master.set(l.split(/\s+/)[0], h.replace(/\.hea$/, ''));
  }
  const out: Target[] = [];
  const add = (file: string, record: string) => {
    out.push({ name: relative(samples, join(dir, file)), dir, file, text: file.endsWith('.hea'), read: record, load: record, size: statSync(join(dir, file)).size });
  };
  for (const h of headers) {
    const record = h.replace(/\.hea$/, '');
    add(h, master.get(record) ?? record);
  }
  const used = new Set<string>();
  for (const [h, text] of texts) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
    for (const l of lines.slice(1)) {
      const file = SIGNAL_FILE.exec(l)?.[1];
      if (!file || used.has(file) || !names.includes(file)) continue;
      used.add(file);
      add(file, master.get(h.replace(/\.hea$/, '')) ?? h.replace(/\.hea$/, ''));
    }
  }
  return out;
}

function folders(dir: string): string[] {
  const out = [dir];
  for (const n of readdirSync(dir)) if (statSync(join(dir, n)).isDirectory()) out.push(...folders(join(dir, n)));
  return out;
}

/** Every real file the readers read, under `samples` (../shared/ecg-samples). */
export function realTargets(samples: string): Target[] {
  const out: Target[] = [];
  for (const top of ['wfdb', 'cinc']) for (const dir of folders(join(samples, top))) out.push(...wfdbTargets(samples, dir));
  for (const dir of folders(join(samples, 'clinical'))) {
    for (const file of readdirSync(dir)) {
      if (!/\.(xml|dcm|scp)$/i.test(file)) continue;
      out.push({ name: relative(samples, join(dir, file)), dir, file, text: /\.xml$/i.test(file), read: file, size: statSync(join(dir, file)).size });
    }
  }
  return out;
}

const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const wave = (s: number, n: number) => Math.round(800 * Math.sin((n + 37 * s) / 20));

/** Small EDF+, ISHNE and HDF5 (CODE-15% layout) files, written into `dir`. */
export async function generatedTargets(dir: string): Promise<Target[]> {
  mkdirSync(dir, { recursive: true });
  const edf: EdfSpec = {
    variant: 'EDF+C',
    recordDuration: 1,
    records: 3,
    annotationSamples: 30,
    signals: LEADS.map((l) => ({ label: `ECG ${l}`, units: 'uV', physicalMin: -3276.8, physicalMax: 3276.7, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: 250 })),
  };
  writeFileSync(join(dir, 'study.edf'), edfBytes(edf, wave));
  const ishne: IshneSpec = { leadSpec: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], resolutionNv: Array(12).fill(5000), fs: 200, samplesPerLead: 600 };
  writeFileSync(join(dir, 'holter.ecg'), ishneBytes(ishne, wave));
  await h5wasm.ready;
  const path = join(dir, 'exams.hdf5');
  if (!existsSync(path)) {
    const file = new h5wasm.File(path, 'w');
    const data = new Float32Array(2 * 4096 * 12).map((_, i) => 0.001 * wave(i % 12, Math.floor(i / 12)));
    file.create_dataset({ name: 'tracings', data, shape: [2, 4096, 12], dtype: '<f' });
    file.create_dataset({ name: 'exam_id', data: BigInt64Array.from([1n, 2n]), shape: [2], dtype: '<q' });
    file.close();
  }
  const target = (file: string, read: string): Target => ({ name: `generated/${file}`, dir, file, text: false, read, size: statSync(join(dir, file)).size });
  return [target('study.edf', 'study.edf'), target('holter.ecg', 'holter.ecg'), target('exams.hdf5', 'exams.hdf5#1')];
}

export const targetLabel = (t: Target) => `${t.name}${basename(t.read) !== t.file ? ` (read as ${t.read})` : ''}`;
