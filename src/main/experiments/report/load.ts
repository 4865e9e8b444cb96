// Reads a run folder into the report's model, validating every file it uses so a damaged or
// half-written run fails with the file and field named rather than as a broken page. A run still
// in progress loads what is recorded so far and is marked partial.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import Database from 'better-sqlite3';
import { Catalog, CATALOG_FILE } from '../../catalog/index.js';
import type { DownstreamRecord, PretrainRecord } from '../records.js';
import { parsePredictionsCsv, PredictionsCsvError } from '../predictions-csv.js';
import type { JobStatus, OtherStep, Predictions, RunInfo, RunModel, SnapshotSize } from './model.js';
import { sqliteBinding } from '../../platform/electron-native.js';

export class RunLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLoadError';
  }
}

const num = z.number();
const interval = z.looseObject({ low: num, high: num });

const runInfoSchema = z.looseObject({
  kind: z.string(),
  config: z.looseObject({ name: z.string() }),
  config_file: z.string().nullable().default(null),
  code_version: z.string(),
  backend: z.looseObject({ name: z.string(), tf: z.string().optional(), reason: z.string().optional() }),
  engine: z.looseObject({ requested: z.enum(['tfjs', 'torch', 'slurm', 'auto']), name: z.enum(['tfjs', 'torch', 'slurm']), reason: z.string(), python: z.string().optional(), torch: z.string().nullable().optional(), device: z.enum(['cpu', 'cuda']).optional(), threads: num.optional(), gpu: z.string().optional() }).optional(),
  seeds: z.array(num),
  split_set: num.nullable().default(null),
  centers: z.array(z.string()),
  targets: z.array(z.string()),
  skipped_targets: z.array(z.looseObject({ target: z.string(), reason: z.string() })).default([]),
  steps: z.array(z.string()),
  created_at: z.string().nullable().default(null),
});

const losses = z.array(num.nullable());

const pretrainSchema = z.looseObject({
  name: z.string(),
  kind: z.literal('pretrain'),
  method: z.string(),
  seed: num,
  pool: z.array(z.string()),
  fraction: num.nullable(),
  records: num,
  snapshot_sha256: z.string(),
  steps: num,
  losses,
});

const evaluationSchema = z.looseObject({
  records: num,
  short_records: num.optional(),
  macro_auroc: num.nullable(),
  macro_f1: num.nullable(),
  per_class: z.record(z.string(), z.looseObject({ present: z.boolean() })),
  ci: z.looseObject({ macro_auroc: interval.nullable(), macro_f1: interval.nullable() }).optional(),
});

const downstreamSchema = z.looseObject({
  name: z.string(),
  kind: z.literal('downstream'),
  method: z.string(),
  mode: z.enum(['probe', 'finetune']),
  seed: num,
  pretrain: z.string().nullable(),
  // Absent in runs written before baselines existed: such a run has none.
  baseline: z.string().nullable().default(null),
  backbone: z.string().optional(),
  target: z.string().nullable(),
  arm: z.string().nullable(),
  fraction: num.nullable(),
  pretrain_records: num,
  train_records: num,
  val_records: num,
  test_records: num,
  snapshot_sha256: z.string(),
  losses,
  evaluation: evaluationSchema,
});

function problems(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RunLoadError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RunLoadError(`${file} is not valid JSON (${(err as Error).message}); the run may be damaged`);
  }
}

function parse<T>(schema: z.ZodType<T>, doc: unknown, file: string): T {
  const r = schema.safeParse(doc);
  if (!r.success) throw new RunLoadError(`${file} is not a run record this report reads: ${problems(r.error)}`);
  return r.data;
}

/** record, patient, then one column per class: the file steps.ts writes. */
export function parsePredictions(text: string, file: string): Predictions {
  try {
    const { records, classes, scores } = parsePredictionsCsv(text, file);
    return { records, classes, scores };
  } catch (err) {
    if (err instanceof PredictionsCsvError) throw new RunLoadError(err.message);
    throw err;
  }
}

function snapshotSize(file: string): SnapshotSize {
  const doc = readJsonFile(file);
  const out: Record<string, number> = {};
  if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) if (Array.isArray(v)) out[k] = v.length;
  return out;
}

/**
 * Opens the workspace catalog read-only as it is, without the schema-version check of
 * Catalog.open: a report may be written from an older workspace, and must never migrate it. Only
 * the records(id, classes) and jobs(id, state, ...) columns are read.
 */
function withCatalogFile<T>(workspace: string, read: (db: Database.Database) => T): T {
  const nativeBinding = sqliteBinding();
  const db = new Database(join(workspace, CATALOG_FILE), { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Test-record labels from the workspace catalog (the run folder keeps ids, the catalog their classes). */
function catalogLabels(workspace: string, ids: readonly number[]): Map<number, number> {
  return withCatalogFile(workspace, (db) => {
    const get = db.prepare('SELECT classes FROM records WHERE id = ?').pluck();
    const out = new Map<number, number>();
    for (const id of ids) {
      const bits = get.get(id) as number | null | undefined;
      if (typeof bits === 'number') out.set(id, bits);
    }
    return out;
  });
}

function jobStatus(workspace: string, folder: string): JobStatus | null {
  const m = /^job-(\d+)$/.exec(folder);
  if (!m || !Catalog.exists(workspace)) return null;
  try {
    return withCatalogFile(workspace, (db) => {
      const row = db.prepare('SELECT id, state, message, progress FROM jobs WHERE id = ?').get(Number(m[1])) as JobStatus | undefined;
      return row ?? null;
    });
  } catch {
    return null; // a catalog without a jobs table: no state to show
  }
}

/** The workspace a run folder belongs to: the given one, else <workspace>/runs/<id>'s grandparent. */
export function workspaceOf(runDir: string, workspace?: string): string | null {
  if (workspace) return resolve(workspace);
  const parent = dirname(resolve(runDir));
  return basename(parent) === 'runs' ? dirname(parent) : null;
}

/** Older records have no backbone field: it is the method label without the method ('simclr-resnet18_1d-w1-d1'). */
function withBackbone<T extends { method: string; backbone?: string }>(r: T): T & { backbone: string } {
  return { ...r, backbone: r.backbone ?? r.method.replace(/^[a-z]+-/, '') };
}

export interface LoadOptions {
  /** Where the catalog with the test records' labels is; default: the run folder's workspace. */
  readonly workspace?: string;
}

export function loadRun(runDir: string, options: LoadOptions = {}): RunModel {
  const dir = resolve(runDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunLoadError(`no run folder ${dir}`);
  const runFile = join(dir, 'run.json');
  if (!existsSync(runFile)) throw new RunLoadError(`${dir} has no run.json: not a run folder, or a run that has not started writing (incomplete)`);
  const info = parse(runInfoSchema, readJsonFile(runFile), runFile) as RunInfo;
  const stepsDir = join(dir, 'steps');
  const recorded = existsSync(stepsDir) ? new Set(readdirSync(stepsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5))) : new Set<string>();
  // Planned order first, then any recorded step the plan does not list (a newer writer's extras).
  const names = [...info.steps.filter((s) => recorded.has(s)), ...[...recorded].filter((s) => !info.steps.includes(s)).sort()];
  const pretrain: PretrainRecord[] = [];
  const downstream: DownstreamRecord[] = [];
  const other: OtherStep[] = [];
  for (const name of names) {
    const file = join(stepsDir, `${name}.json`);
    const doc = readJsonFile(file);
    const kind = doc && typeof doc === 'object' && 'kind' in doc ? String((doc as { kind: unknown }).kind) : '(none)';
    if (kind === 'pretrain') pretrain.push(parse(pretrainSchema, doc, file) as unknown as PretrainRecord);
    else if (kind === 'downstream') downstream.push(withBackbone(parse(downstreamSchema, doc, file)) as unknown as DownstreamRecord);
    else other.push({ name, kind, record: doc as Record<string, unknown> });
  }
  const missing = info.steps.filter((s) => !recorded.has(s));
  const warnings: string[] = [];
  const snapshots = new Map<string, SnapshotSize>();
  for (const name of names) {
    const file = join(dir, 'snapshots', `${name}.json`);
    if (existsSync(file)) snapshots.set(name, snapshotSize(file));
  }
  // The predictions file of a step sits in this folder; the record's absolute path may point to
  // where the run was written before it was copied or moved.
  const predictions = new Map<string, Predictions>();
  for (const r of downstream) {
    const file = join(dir, 'predictions', `${r.name}.csv`);
    if (!existsSync(file)) {
      warnings.push(`${r.name}: no predictions file (predictions/${r.name}.csv); its ROC curves are left out`);
      continue;
    }
    predictions.set(r.name, parsePredictions(readFileSync(file, 'utf8'), file));
  }
  const summaryFile = join(dir, 'summary.json');
  const summaryDoc = existsSync(summaryFile) ? readJsonFile(summaryFile) : null;
  const summary = summaryDoc && typeof summaryDoc === 'object' && !Array.isArray(summaryDoc) ? (summaryDoc as Record<string, unknown>) : null;
  const workspace = workspaceOf(dir, options.workspace);
  let labels: Map<number, number> | null = null;
  let labelsSource: string;
  if (workspace && Catalog.exists(workspace)) {
    const ids = [...new Set([...predictions.values()].flatMap((p) => p.records))];
    labels = catalogLabels(workspace, ids);
    labelsSource = join(workspace, 'catalog.sqlite');
    const lost = ids.filter((id) => !labels!.has(id)).length;
    if (lost) warnings.push(`${lost} test records of the predictions are not in the catalog ${labelsSource}; they are left out of the ROC curves`);
  } else {
    labelsSource = workspace ? `no catalog in ${workspace}` : 'no workspace given and the run folder is not under <workspace>/runs/';
    if (predictions.size) warnings.push(`no labels for the ROC curves: ${labelsSource} (pass --workspace)`);
  }
  const job = workspace ? jobStatus(workspace, basename(dir)) : null;
  const partial = missing.length > 0 || (job !== null && job.state !== 'done');
  return { dir, id: basename(dir), info, pretrain, downstream, other, missing, partial, job, snapshots, predictions, labels, labelsSource, summary, warnings };
}
