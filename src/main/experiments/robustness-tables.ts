// Robustness curves from the robustness step records: macro AUROC and F1 against corruption
// strength, per target and model (mean over seeds), and per method averaged over the targets (the
// view in which MAE is set against the contrastive methods).
import type { CorruptionKind } from '../signal/corrupt.js';
import type { BaselineKind } from './plan.js';
import type { RobustnessRecord } from './records.js';
import { groupBy, mean } from './tables.js';

export interface RobustnessCurvePoint {
  readonly strength: number | string;
  readonly macro_auroc: number | null;
  readonly macro_f1: number | null;
}

export interface RobustnessCurve {
  /** null in the per-method view (averaged over targets) and for scaling's pooled test set. */
  readonly target: string | null;
  readonly method: string;
  readonly protocol: 'probe' | 'finetune';
  readonly arm: 'without' | 'with' | null;
  readonly baseline: BaselineKind | null;
  readonly corruption: CorruptionKind;
  /** The clean test set (strength 0 of every corruption). */
  readonly clean_auroc: number | null;
  readonly clean_f1: number | null;
  /** In the config's strength order. */
  readonly points: RobustnessCurvePoint[];
  /** How many targets the per-method view averages (1 per target row). */
  readonly targets: number;
}

const key = (...parts: (string | number | null)[]) => parts.join('\u0000');

function curvesOf(records: readonly RobustnessRecord[], byTarget: boolean): RobustnessCurve[] {
  const out: RobustnessCurve[] = [];
  for (const group of groupBy(records, (r) => key(byTarget ? r.target : '', r.method, r.mode, r.arm)).values()) {
    const first = group[0];
    const kinds = [...new Set(group.flatMap((r) => r.points.map((p) => p.corruption)))];
    // Means over seeds (per target) or over targets after their seed means (per method).
    const perTarget = [...groupBy(group, (r) => String(r.target)).values()];
    const targetMean = (f: (r: RobustnessRecord) => number | null) => mean(perTarget.map((rs) => mean(rs.map(f))));
    for (const corruption of kinds) {
      const strengths = [...new Map(first.points.filter((p) => p.corruption === corruption).map((p) => [String(p.strength), p.strength])).values()];
      const at = (r: RobustnessRecord, s: number | string) => r.points.find((p) => p.corruption === corruption && p.strength === s);
      out.push({
        target: byTarget ? first.target : null,
        method: first.method,
        protocol: first.mode,
        arm: first.arm,
        baseline: first.baseline,
        corruption,
        clean_auroc: targetMean((r) => r.clean.macro_auroc),
        clean_f1: targetMean((r) => r.clean.macro_f1),
        points: strengths.map((s) => ({ strength: s, macro_auroc: targetMean((r) => at(r, s)?.macro_auroc ?? null), macro_f1: targetMean((r) => at(r, s)?.macro_f1 ?? null) })),
        targets: perTarget.length,
      });
    }
  }
  const order = (c: RobustnessCurve) => [c.target ?? '', c.corruption, c.method, c.protocol, c.arm ?? ''].join('\u0000');
  return out.sort((a, b) => order(a).localeCompare(order(b)));
}

/** One curve per target, model (method / baseline, protocol, arm) and corruption. */
export function robustnessCurves(records: readonly RobustnessRecord[]): RobustnessCurve[] {
  return curvesOf(records, true);
}

/** The same curves averaged over targets: one per model and corruption. */
export function robustnessByMethod(records: readonly RobustnessRecord[]): RobustnessCurve[] {
  return curvesOf(records, false);
}
