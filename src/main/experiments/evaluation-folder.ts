// The output folder of an evaluation (`openecg evaluate --out DIR`, and every evaluate job's own
// folder): evaluation.json (what was scored, how, and the metrics overall and per center),
// predictions.csv, labels.csv, thresholds.csv and patients.csv in the formats `openecg score
// --scores --labels --thresholds --patients` reads (so anyone can re-score the files), records.csv
// (which records: catalog id, name, center, zero padding; records a foreign model could not be fed,
// with the reason) and report.html. evaluation.json is
// checked with zod when read back (`openecg report --evaluation`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Evaluation } from './metrics/index.js';
import { writeFileAtomic, writeJsonAtomic } from './run-folder.js';

export const EVALUATION_FILES = {
  json: 'evaluation.json',
  predictions: 'predictions.csv',
  labels: 'labels.csv',
  thresholds: 'thresholds.csv',
  patients: 'patients.csv',
  records: 'records.csv',
  report: 'report.html',
} as const;

/** One scored record as records.csv lists it. */
export interface EvaluatedRecord {
  readonly id: number;
  readonly patient: number | string;
  readonly center: string;
  /** The record's name in the catalog (a file key for pseudonymised site data). */
  readonly name: string;
  /** Seconds of zero padding at the end (records shorter than the canonical window). */
  readonly paddedS: number;
  /** Why the record was not scored (a foreign model's input could not be made from it); absent: scored. */
  readonly skipped?: string;
}

const interval = z.object({ low: z.number(), high: z.number() }).nullable();
const classResult = z.union([
  z.looseObject({ present: z.literal(true), auroc: z.number(), auprc: z.number(), f1: z.number(), sensitivity: z.number(), specificity: z.number(), threshold: z.number(), positives: z.number(), negatives: z.number(), ci: z.object({ auroc: interval, auprc: interval, f1: interval }).optional() }),
  z.looseObject({ present: z.literal(false), reason: z.string(), threshold: z.number(), positives: z.number(), negatives: z.number() }),
]);
const macro = z.number().nullable();
export const evaluationSchema = z.looseObject({
  records: z.number().int().min(0),
  patients: z.number().int().min(0),
  short_records: z.number().int().min(0).optional(),
  classes_averaged: z.number().int().min(0),
  classes_absent: z.array(z.string()),
  macro_auroc: macro,
  macro_auprc: macro,
  macro_f1: macro,
  macro_sensitivity: macro,
  macro_specificity: macro,
  challenge_metric: macro,
  challenge_metric_note: z.string().optional(),
  per_class: z.record(z.string(), classResult),
  ci: z
    .looseObject({ level: z.number(), replicates: z.number(), seed: z.number(), resampled: z.enum(['patients', 'records']), macro_auroc: interval, macro_auprc: interval, macro_f1: interval, challenge_metric: interval })
    .nullable(),
});

export const thresholdsSourceSchema = z.enum(['validation', 'fixed', 'file', 'card']);
export type ThresholdsSource = z.infer<typeof thresholdsSourceSchema>;

/** evaluation.json. */
export const evaluationDocumentSchema = z.object({
  format: z.literal('openecg-evaluation'),
  version: z.literal(1),
  job: z.number().int(),
  workspace: z.string(),
  bundle: z.string(),
  /** The bundle's identity: its name (folder), task, architecture; a foreign model's card when it has one. */
  model: z.looseObject({ name: z.string(), task: z.string().nullable(), architecture: z.string().nullable(), card: z.record(z.string(), z.unknown()).nullable() }),
  /** bundle.json as read (null when unreadable). */
  manifest: z.record(z.string(), z.unknown()).nullable(),
  engine: z.looseObject({ engine: z.string(), provider: z.string(), reason: z.string() }).nullable(),
  centers: z.array(z.string()),
  split: z.enum(['test', 'all']),
  thresholds: z.object({ source: thresholdsSourceSchema, file: z.string().nullable(), values: z.record(z.string(), z.number()) }),
  bootstrap: z.object({ replicates: z.number().int().min(0), seed: z.number().int() }),
  classes: z.array(z.string()).min(1),
  records: z.number().int().min(0),
  short_records: z.number().int().min(0),
  evaluation: evaluationSchema,
  per_center: z.array(z.object({ center: z.string(), records: z.number().int().min(0), evaluation: evaluationSchema.nullable() })),
  files: z.record(z.string(), z.string()),
  created_at: z.string(),
  /** Wall seconds of the job's stages (selection and engine set-up, scoring, metrics, report). */
  seconds: z.object({ setup: z.number(), scoring: z.number(), metrics: z.number(), report: z.number() }).optional(),
});
export type EvaluationDocument = Omit<z.infer<typeof evaluationDocumentSchema>, 'evaluation' | 'per_center'> & {
  readonly evaluation: Evaluation;
  readonly per_center: readonly { readonly center: string; readonly records: number; readonly evaluation: Evaluation | null }[];
};

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `record,<class>...` with 0/1 per class ([class][record] labels). */
export function labelsCsv(records: readonly { readonly id: number }[], labels: readonly ArrayLike<number>[], classes: readonly string[]): string {
  const lines = [['record', ...classes].join(',')];
  records.forEach((r, i) => lines.push([r.id, ...labels.map((l) => (l[i] ? 1 : 0))].join(',')));
  return lines.join('\n') + '\n';
}

/** The class header and one row of thresholds, each written so it reads back as the same double. */
export function thresholdsCsv(thresholds: readonly number[], classes: readonly string[]): string {
  return `${classes.join(',')}\n${thresholds.map((t) => String(t)).join(',')}\n`;
}

export function patientsCsv(records: readonly EvaluatedRecord[]): string {
  return ['record,patient', ...records.map((r) => `${r.id},${csvCell(r.patient)}`)].join('\n') + '\n';
}

export function recordsCsv(records: readonly EvaluatedRecord[]): string {
  return ['record,patient,center,name,padded_s,skipped', ...records.map((r) => [r.id, csvCell(r.patient), csvCell(r.center), csvCell(r.name), r.skipped === undefined ? r.paddedS : '', csvCell(r.skipped ?? '')].join(','))].join('\n') + '\n';
}

/**
 * The scores as predictions.csv writes them (6 significant digits), so the metrics of
 * evaluation.json are those of the files: `openecg score` on them gives the same values.
 */
export function asWritten(scores: readonly ArrayLike<number>[]): Float64Array[] {
  return scores.map((col) => Float64Array.from(col as ArrayLike<number>, (v) => Number(v.toPrecision(6))));
}

export interface EvaluationFolderFiles {
  readonly document: EvaluationDocument;
  readonly predictions: string;
  readonly labels: string;
  readonly thresholds: string;
  readonly patients: string;
  readonly records: string;
  readonly report: string;
}

/** Writes every file of the folder (each atomically). */
export function writeEvaluationFolder(dir: string, f: EvaluationFolderFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, EVALUATION_FILES.predictions), f.predictions);
  writeFileAtomic(join(dir, EVALUATION_FILES.labels), f.labels);
  writeFileAtomic(join(dir, EVALUATION_FILES.thresholds), f.thresholds);
  writeFileAtomic(join(dir, EVALUATION_FILES.patients), f.patients);
  writeFileAtomic(join(dir, EVALUATION_FILES.records), f.records);
  writeFileAtomic(join(dir, EVALUATION_FILES.report), f.report);
  // Last: a folder with evaluation.json is complete.
  writeJsonAtomic(join(dir, EVALUATION_FILES.json), f.document);
}
