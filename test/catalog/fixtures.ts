// Test inputs: the 52 real CinC records' metadata (../shared labels.csv) and generated catalogs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { NewRecord } from '../../src/main/catalog/index.js';
import { mulberry32 } from '../../src/shared/random.js';

export const LABELS_CSV = new URL('../../../shared/ecg-samples/reference-cinc/labels.csv', import.meta.url);
export const CLASSES_CSV = new URL('../../../shared/openecg/classes.csv', import.meta.url);

// One folder per test file, removed when the file's tests end.
const root = mkdtempSync(join(tmpdir(), 'openecg-catalog-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

export function workspace(): string {
  return mkdtempSync(join(root, 'ws-'));
}

export interface LabelRow {
  center: string;
  record: string;
  fs: number;
  nSig: number;
  sigLen: number;
  age: number | null;
  sex: 'M' | 'F' | null;
  codes: string[];
}

export function labelRows(): LabelRow[] {
  const lines = readFileSync(LABELS_CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [center, record, fs, nSig, sigLen, age, sex, dx] = line.split(',');
    const a = Number(age);
    return {
      center,
      record,
      fs: Number(fs),
      nSig: Number(nSig),
      sigLen: Number(sigLen),
      age: age === '' || Number.isNaN(a) ? null : a,
      sex: sex === 'Male' ? 'M' : sex === 'Female' ? 'F' : null,
      codes: dx ? dx.split(';') : [],
    };
  });
}

/** Abbreviation of every code in classes.csv, read independently of src/shared/classes.ts. */
export function codeToAbbreviation(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(CLASSES_CSV, 'utf8').trim().split(/\r?\n/).slice(1)) {
    const [, abbreviation, , codes] = line.split(',');
    for (const code of codes.split('|')) map.set(code, abbreviation);
  }
  return map;
}

export function cincRecords(): NewRecord[] {
  return labelRows().map((r) => ({
    sourceKey: `${r.center}/${r.record}`,
    record: r.record,
    center: r.center,
    patient: null,
    sourcePath: `/data/${r.center}/${r.record}.mat`,
    format: 'wfdb-16',
    fs: r.fs,
    sigLen: r.sigLen,
    leads: Array.from({ length: r.nSig }, (_, i) => `L${i}`),
    age: r.age,
    sex: r.sex,
    recordedAt: null,
    codes: r.codes,
  }));
}

/** A seeded generator, so generated catalogs are the same on every run. */
export const rng = mulberry32;

const CODES = ['426783006', '164889003', '270492004', '59118001', '713427006', '111975006', '164884008', '427084000'];

/** `n` records over the given centers, patients with 1-4 records each, 0-3 codes, varied ages and sexes. */
export function generatedRecords(n: number, centers: string[], seed = 1, keyPrefix = ''): NewRecord[] {
  const rand = rng(seed);
  const out: NewRecord[] = [];
  let patient = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    if (left <= 0) {
      patient++;
      left = 1 + Math.floor(rand() * 4);
    }
    left--;
    const center = centers[patient % centers.length];
    const codes = new Set<string>();
    const k = Math.floor(rand() * 4);
    for (let j = 0; j < k; j++) codes.add(CODES[Math.floor(rand() * CODES.length)]);
    out.push({
      sourceKey: `${keyPrefix}${center}/r${i}`,
      record: `${center.slice(0, 2).toUpperCase()}${String(i).padStart(5, '0')}`,
      center,
      patient: `${keyPrefix}p${patient}`,
      sourcePath: `/data/${center}/r${i}.hea`,
      format: 'wfdb-16',
      fs: 500,
      sigLen: 5000,
      leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
      age: rand() < 0.05 ? null : Math.floor(rand() * 95),
      sex: rand() < 0.05 ? null : rand() < 0.5 ? 'M' : 'F',
      recordedAt: null,
      codes: [...codes],
    });
  }
  return out;
}
