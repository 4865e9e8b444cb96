// Which records an evaluation scores and where its thresholds come from: shared by the evaluate job
// and by `openecg evaluate`, which checks the same before it starts a job (so a request that cannot
// work is a one-line usage error, not a failed job).
import type { z } from 'zod';
import { CLASS_COUNT } from '../../shared/classes.js';
import type { Catalog } from '../catalog/index.js';
import { experimentCenters, labelledCenters, recordsOf, splitOf } from '../experiments/selection.js';
import type { evaluateParams } from './kinds.js';

export type EvaluateParams = z.infer<typeof evaluateParams>;

export class EvaluationSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationSelectionError';
  }
}

/** How thresholds are set: chosen on validation records, a foreign model's card, one value for every class, or given per class. */
export type ThresholdRule = { readonly kind: 'validation' } | { readonly kind: 'card' } | { readonly kind: 'fixed'; readonly value: number } | { readonly kind: 'given'; readonly values: readonly number[]; readonly file: string | null };

export interface EvaluationSelection {
  readonly centers: string[];
  readonly part: 'test' | 'all';
  /** Record ids, ascending: the validation records thresholds are chosen on (empty unless the rule is 'validation'). */
  readonly val: number[];
  readonly scored: number[];
  readonly thresholds: ThresholdRule;
}

export const FIXED_THRESHOLD = 0.5;

/**
 * A foreign model (an ONNX graph with its card) as the selection needs it: its outputs' names (the
 * columns of a thresholds file) and the SNOMED-CT codes they stand for (a center is scored when
 * some record carries one). Its records are read from their source files, so none needs the store.
 */
export interface ForeignOutputs {
  readonly keys: readonly string[];
  readonly codes: readonly string[];
}

/**
 * The job's rule. Our bundles: 'from-validation' by default for the test part, 0.5 for all records.
 * A foreign model: its card's thresholds (else 0.5) by default.
 */
export function thresholdRule(p: EvaluateParams, part: 'test' | 'all', foreign?: ForeignOutputs): ThresholdRule {
  const t = p.thresholds ?? (foreign ? 'card' : part === 'test' ? 'from-validation' : FIXED_THRESHOLD);
  if (t === 'from-validation') return { kind: 'validation' };
  if (t === 'card') {
    if (!foreign) throw new EvaluationSelectionError("thresholds 'card' apply to a foreign model (an ONNX graph with its card) only");
    return { kind: 'card' };
  }
  if (typeof t === 'number') {
    if (!(t >= 0 && t <= 1)) throw new EvaluationSelectionError(`a fixed threshold must lie in [0, 1], got ${t}`);
    return { kind: 'fixed', value: t };
  }
  const count = foreign ? foreign.keys.length : CLASS_COUNT;
  if (t.length !== count) throw new EvaluationSelectionError(`${t.length} thresholds given for ${count} ${foreign ? "of the model's outputs" : 'classes'}`);
  return { kind: 'given', values: t, file: p.thresholds_file ?? null };
}

/** Every record of the centers (stored in the canonical store, unless `anyStored`), ascending id. */
function allRecords(catalog: Catalog, centers: readonly string[], anyStored = false): number[] {
  if (!centers.length) return [];
  return catalog.db
    .prepare(`SELECT r.id FROM records r JOIN centers c ON c.id = r.center_id WHERE ${anyStored ? '' : 'r.shard IS NOT NULL AND '}c.name IN (${centers.map(() => '?').join(',')}) ORDER BY r.id`)
    .pluck()
    .all(...centers) as number[];
}

/** Centers with a record labelled with one of the codes a foreign model's outputs stand for. */
function centersWithCodes(catalog: Catalog, centers: readonly string[], codes: readonly string[]): string[] {
  if (!codes.length || !centers.length) return [];
  const rows = catalog.db
    .prepare(
      `SELECT DISTINCT c.name FROM labels l JOIN records r ON r.id = l.record_id JOIN centers c ON c.id = r.center_id
       WHERE l.code IN (${codes.map(() => '?').join(',')}) AND c.name IN (${centers.map(() => '?').join(',')})`,
    )
    .pluck()
    .all(...codes, ...centers) as string[];
  return centers.filter((c) => rows.includes(c));
}

/** The records to score and threshold on; throws EvaluationSelectionError when there is nothing to do. */
export function selectEvaluation(catalog: Catalog, p: EvaluateParams, foreign?: ForeignOutputs): EvaluationSelection {
  const importing = p.folder !== undefined;
  const part = p.part ?? (importing ? 'all' : 'test');
  const thresholds = thresholdRule(p, part, foreign);
  let wanted: string[];
  try {
    wanted = importing ? [p.center!] : (p.centers ?? experimentCenters(catalog, p.config));
  } catch (err) {
    throw new EvaluationSelectionError((err as Error).message);
  }
  const known = catalog.summary().centers.map((c) => c.center);
  const unknown = wanted.filter((c) => !known.includes(c));
  if (unknown.length) throw new EvaluationSelectionError(`no center ${unknown.map((c) => `'${c}'`).join(', ')} in the workspace (it has ${known.join(', ') || 'none'})`);
  const centers = foreign ? centersWithCodes(catalog, wanted, foreign.codes) : labelledCenters(catalog, wanted);
  if (!centers.length) throw new EvaluationSelectionError(`no ${foreign ? "records carrying a label the model's outputs stand for" : 'labelled records'} in ${wanted.join(', ')}: nothing to score`);
  const needsSplit = part === 'test' || thresholds.kind === 'validation';
  const split = needsSplit ? splitOf(catalog, p.config) : null;
  const scored = part === 'all' ? allRecords(catalog, centers, foreign !== undefined) : recordsOf(catalog, split!, 'test', centers);
  if (!scored.length) throw new EvaluationSelectionError(`no ${part === 'test' ? 'test-split ' : ''}records in ${centers.join(', ')}`);
  const val = thresholds.kind === 'validation' ? recordsOf(catalog, split!, 'val', centers, p.config.shortRecords) : [];
  if (thresholds.kind === 'validation' && !val.length) {
    throw new EvaluationSelectionError(`thresholds from validation: ${centers.join(', ')} ${centers.length > 1 ? 'have' : 'has'} no validation records; give --thresholds FILE or a fixed value such as 0.5`);
  }
  return { centers, part, val, scored, thresholds };
}
