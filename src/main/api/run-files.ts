// Reading an experiment run folder for the results views: run.json, the step records, a step's
// stored test predictions, and the catalog facts (labels, center, name) of the records they score.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ApiError } from '../../shared/api.js';
import type { TrainingEngineInfo } from '../experiments/engines/info.js';
import type { Catalog } from '../catalog/index.js';
import type { DownstreamRecord, StepRecord } from '../experiments/records.js';
import { classColumns, parsePredictionsCsv, PredictionsCsvError } from '../experiments/predictions-csv.js';

export interface RunJson {
  readonly kind: string;
  readonly config: Record<string, unknown> & { name?: string };
  readonly backend?: { name?: string };
  /** The training engine (absent before engines existed: TensorFlow.js). */
  readonly engine?: TrainingEngineInfo;
  readonly centers?: string[];
  readonly targets?: string[];
  readonly skipped_targets?: { target: string; reason: string }[];
  readonly steps?: string[];
  readonly created_at?: string;
}

export const runDir = (workspace: string, run: string) => join(workspace, 'runs', run);

export function runNames(workspace: string): string[] {
  const dir = join(workspace, 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'run.json')))
    .map((e) => e.name)
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}

export function readRunJson(workspace: string, run: string): RunJson {
  const file = join(runDir(workspace, run), 'run.json');
  if (!existsSync(file)) throw new ApiError('not-found', `no run ${run} in ${workspace}/runs`);
  return JSON.parse(readFileSync(file, 'utf8')) as RunJson;
}

/** The finished steps' records, in the run's planned order. */
export function readSteps(workspace: string, run: string, order: readonly string[] = []): StepRecord[] {
  const dir = join(runDir(workspace, run), 'steps');
  if (!existsSync(dir)) return [];
  const recs = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StepRecord);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return recs.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

export function downstreamStep(workspace: string, run: string, step: string): DownstreamRecord {
  const file = join(runDir(workspace, run), 'steps', `${step}.json`);
  if (!existsSync(file)) throw new ApiError('not-found', `run ${run} has no finished step ${step}`);
  const rec = JSON.parse(readFileSync(file, 'utf8')) as StepRecord;
  if (rec.kind !== 'downstream') throw new ApiError('invalid-input', `${step} is a pre-training step: it has no predictions`);
  return rec;
}

export interface StoredPredictions {
  readonly ids: number[];
  /** [class][record] probabilities. */
  readonly scores: Float64Array[];
}

/** predictions/<step>.csv: record, patient, one probability column per class abbreviation. */
export function readPredictions(workspace: string, run: string, rec: DownstreamRecord): StoredPredictions {
  let file = rec.predictions;
  if (!existsSync(file)) {
    const at = file.lastIndexOf(`${sep}predictions${sep}`);
    file = join(runDir(workspace, run), at >= 0 ? file.slice(at + 1) : join('predictions', `${rec.name}.csv`));
  }
  if (!existsSync(file)) throw new ApiError('not-found', `the predictions of ${run}/${rec.name} are missing (${file})`);
  try {
    const p = parsePredictionsCsv(readFileSync(file, 'utf8'), file);
    return { ids: p.records, scores: classColumns(p, file) };
  } catch (err) {
    if (err instanceof PredictionsCsvError) throw new ApiError('failed', err.message);
    throw err;
  }
}

export interface RecordFacts {
  readonly record: string;
  readonly center: string;
  /** Bit i: the record carries class i. */
  readonly classes: number;
}

export function recordFacts(catalog: Catalog, ids: readonly number[]): Map<number, RecordFacts> {
  const get = catalog.db.prepare('SELECT r.record AS record, c.name AS center, r.classes AS classes FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?');
  const out = new Map<number, RecordFacts>();
  for (const id of ids) {
    const row = get.get(id) as RecordFacts | undefined;
    if (row) out.set(id, row);
  }
  return out;
}
