// The paired comparisons of a LODO run, from its stored predictions: for each target, method and
// protocol, w/ - w/o (the paper's delta) and w/o - baseline (pre-training against the same network
// from random weights under the same protocol), each with a paired patient-bootstrap interval.
import { readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/index.js';
import { labelColumns, recordRefs } from './data.js';
import { classColumns, parsePredictionsCsv } from './predictions-csv.js';
import { pairedDifference, type PairedDifference, type ScoredModel } from './paired.js';
import type { DownstreamRecord } from './records.js';

export interface Predictions {
  readonly records: number[];
  readonly patients: string[];
  /** [class][record], the class order of CLASSES. */
  readonly scores: Float32Array[];
}

/** predictions/<step>.csv: record, patient, then one probability per class abbreviation. */
export function readPredictions(file: string): Predictions {
  const p = parsePredictionsCsv(readFileSync(file, 'utf8'), file);
  if (!p.patients) throw new Error(`${file}: not a predictions file (no patient column)`);
  return { records: p.records, patients: p.patients, scores: classColumns(p, file).map((s) => Float32Array.from(s)) };
}

/** The baseline a protocol is read against: probe against the random-encoder probe, fine-tune against scratch. */
export const BASELINE_OF = { probe: 'random_probe', finetune: 'scratch' } as const;

export interface RowComparisons {
  /** w/ - w/o over the config's seeds (paired by seed). */
  readonly arms: PairedDifference | null;
  /** w/o - the protocol's baseline of the same backbone (paired by seed). */
  readonly vsBaseline: PairedDifference | null;
}

export const comparisonKey = (target: string | null, method: string, mode: string) => `${target}\u0000${method}\u0000${mode}`;

/**
 * Paired differences for every (target, method, protocol) of the LODO records. Labels come from the
 * catalog; both models of a pair must have scored the same test records (checked).
 */
export function lodoComparisons(catalog: Catalog, records: readonly DownstreamRecord[], options: { replicates: number; seed: number }): Map<string, RowComparisons> {
  const cache = new Map<string, Predictions>();
  const load = (r: DownstreamRecord) => {
    let p = cache.get(r.predictions);
    if (!p) cache.set(r.predictions, (p = readPredictions(r.predictions)));
    return p;
  };
  const model = (r: DownstreamRecord): ScoredModel => ({ scores: load(r).scores, thresholds: r.thresholds });
  const compare = (pairs: [DownstreamRecord, DownstreamRecord][]): PairedDifference | null => {
    if (!pairs.length) return null;
    const first = load(pairs[0][0]);
    for (const [a, b] of pairs) for (const r of [a, b]) if (load(r).records.join(',') !== first.records.join(',')) throw new Error(`${r.name}: scored other test records than ${pairs[0][0].name}`);
    const labels = labelColumns(recordRefs(catalog, first.records));
    return pairedDifference({ labels, patients: first.patients, pairs: pairs.map(([a, b]) => ({ a: model(a), b: model(b) })) }, options);
  };
  const out = new Map<string, RowComparisons>();
  const pretrained = records.filter((r) => r.baseline === null && r.target !== null);
  const keys = new Set(pretrained.map((r) => comparisonKey(r.target, r.method, r.mode)));
  for (const key of keys) {
    const group = pretrained.filter((r) => comparisonKey(r.target, r.method, r.mode) === key);
    const without = group.filter((r) => r.arm === 'without');
    const armPairs = without.flatMap((wo): [DownstreamRecord, DownstreamRecord][] => {
      const w = group.find((r) => r.arm === 'with' && r.seed === wo.seed);
      return w ? [[wo, w]] : [];
    });
    const basePairs = without.flatMap((wo): [DownstreamRecord, DownstreamRecord][] => {
      const base = records.find((r) => r.baseline === BASELINE_OF[wo.mode] && r.target === wo.target && r.backbone === wo.backbone && r.seed === wo.seed);
      return base ? [[base, wo]] : [];
    });
    out.set(key, { arms: compare(armPairs), vsBaseline: compare(basePairs) });
  }
  return out;
}
