// Small real files written at test time: WFDB format-16 records and collection index files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import type { Candidate, DatasetAdapter, ScanReport } from '../../src/main/datasets/types.js';
import { isFramed, unframe } from '../../src/main/formats/index.js';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed after the test file. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `openecg-${prefix}-`));
  created.push(dir);
  return dir;
}

export interface Format16Record {
  /** Record path without extension (folders are created). */
  readonly path: string;
  readonly fs: number;
  readonly leads: readonly string[];
  /** samples[c][i], digital values. */
  readonly samples: readonly (readonly number[])[];
  readonly gain?: number;
  readonly baseline?: number;
  readonly comments?: readonly string[];
  /** Header only, naming a .dat that is not written. */
  readonly withoutData?: boolean;
}

/** Writes `<path>.hea` and `<path>.dat` (format 16, interleaved little-endian int16). */
export function writeFormat16(rec: Format16Record): void {
  mkdirSync(dirname(rec.path), { recursive: true });
  const name = rec.path.slice(rec.path.lastIndexOf('/') + 1);
  const n = rec.samples[0].length;
  const gain = rec.gain ?? 1000;
  const baseline = rec.baseline ?? 0;
  const lines = [`${name} ${rec.leads.length} ${rec.fs} ${n}`];
  for (const lead of rec.leads) lines.push(`${name}.dat 16 ${gain}(${baseline})/mV 16 0 0 0 0 ${lead}`);
  for (const c of rec.comments ?? []) lines.push(`#${c}`);
  writeFileSync(`${rec.path}.hea`, lines.join('\n') + '\n');
  if (rec.withoutData) return;
  const data = Buffer.alloc(n * rec.leads.length * 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < rec.leads.length; c++) data.writeInt16LE(rec.samples[c][i], (i * rec.leads.length + c) * 2);
  writeFileSync(`${rec.path}.dat`, data);
}

/** 12 leads of a deterministic ramp: lead c, sample i -> (c + 1) * 10 + i % 50. */
export function ramp12(n: number): number[][] {
  return Array.from({ length: 12 }, (_, c) => Array.from({ length: n }, (_, i) => (c + 1) * 10 + (i % 50)));
}

export const LEADS_12 = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

export interface ReportedError {
  readonly key: string;
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export function collectingReport(): ScanReport & { readonly errors: ReportedError[] } {
  const errors: ReportedError[] = [];
  return { errors, error: (key, path, code, message) => errors.push({ key, path, code, message }) };
}

export async function collect(iterable: AsyncIterable<Candidate>): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for await (const c of iterable) out.push(c);
  return out;
}

/**
 * The adapter's loadFramed gives load's metadata and, unframed, its reading bit for bit; and does
 * give frames (the fused import path) when `framed` says the record is one int16 file.
 */
export async function expectFramedLikeLoad(adapter: DatasetAdapter, candidate: Candidate, framed: boolean): Promise<void> {
  if (!adapter.loadFramed) throw new Error(`${adapter.name} has no loadFramed`);
  const want = await adapter.load(candidate);
  const got = await adapter.loadFramed(candidate);
  expect(got.meta, candidate.key).toEqual(want.meta);
  expect(isFramed(got.reading), candidate.key).toBe(framed);
  const reading = isFramed(got.reading) ? unframe(got.reading) : got.reading;
  expect({ ...reading, signals: null }, candidate.key).toEqual({ ...want.reading, signals: null });
  reading.signals.forEach((s, c) => expect(Array.from(s).map(String), `${candidate.key} channel ${c}`).toEqual(Array.from(want.reading.signals[c]).map(String)));
}
