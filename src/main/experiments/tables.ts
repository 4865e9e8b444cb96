// The results an experiment reports, computed from its step records: the LODO table (targets x
// methods, with and without the target in pre-training) and the scaling curves with their
// saturation points. Values are means over the config's seeds.
import type { DownstreamRecord } from './records.js';

export interface LodoRow {
  readonly target: string;
  readonly method: string;
  readonly protocol: 'probe' | 'finetune';
  /** Macro AUROC / F1 when the target was left out of pre-training. */
  readonly auroc_without: number | null;
  readonly f1_without: number | null;
  /** ... and when it was in (null when the config has no "w/" arm). */
  readonly auroc_with: number | null;
  readonly f1_with: number | null;
  /** (with - without) x 100: AUROC points, the paper's delta. */
  readonly delta_auroc_points: number | null;
  /** 95% bootstrap interval of auroc_without (first seed). */
  readonly ci_without: { low: number; high: number } | null;
  readonly test_records: number;
}

export interface ScalingPoint {
  readonly fraction: number;
  readonly pretrain_records: number;
  readonly macro_auroc: number | null;
  readonly macro_f1: number | null;
}

export interface ScalingCurve {
  readonly method: string;
  readonly protocol: 'probe' | 'finetune';
  readonly points: ScalingPoint[];
  /** The smallest fraction whose macro AUROC is within `tolerance_points` of the best one. */
  readonly saturation_fraction: number | null;
  readonly tolerance_points: number;
}

function mean(values: (number | null)[]): number | null {
  const ok = values.filter((v): v is number => v !== null);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
}

const key = (...parts: (string | number | null)[]) => parts.join('\u0000');

function groupBy<T>(items: readonly T[], k: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const g = out.get(k(it)) ?? [];
    g.push(it);
    out.set(k(it), g);
  }
  return out;
}

export function lodoTable(records: readonly DownstreamRecord[]): LodoRow[] {
  const rows: LodoRow[] = [];
  for (const group of groupBy(records, (r) => key(r.target, r.method, r.mode)).values()) {
    const without = group.filter((r) => r.arm === 'without');
    const withArm = group.filter((r) => r.arm === 'with');
    const aw = mean(without.map((r) => r.evaluation.macro_auroc));
    const ai = withArm.length ? mean(withArm.map((r) => r.evaluation.macro_auroc)) : null;
    const ci = without[0]?.evaluation.ci?.macro_auroc ?? null;
    rows.push({
      target: group[0].target!,
      method: group[0].method,
      protocol: group[0].mode,
      auroc_without: aw,
      f1_without: mean(without.map((r) => r.evaluation.macro_f1)),
      auroc_with: ai,
      f1_with: withArm.length ? mean(withArm.map((r) => r.evaluation.macro_f1)) : null,
      delta_auroc_points: aw !== null && ai !== null ? (ai - aw) * 100 : null,
      ci_without: ci ? { low: ci.low, high: ci.high } : null,
      test_records: group[0].test_records,
    });
  }
  return rows.sort((a, b) => a.target.localeCompare(b.target) || a.method.localeCompare(b.method) || a.protocol.localeCompare(b.protocol));
}

/** Documented rule (docs/experiment-config.md): first fraction reaching best - tolerance/100. */
export function saturationFraction(points: readonly ScalingPoint[], tolerancePoints: number): number | null {
  const scored = points.filter((p) => p.macro_auroc !== null);
  if (!scored.length) return null;
  const best = Math.max(...scored.map((p) => p.macro_auroc!));
  return [...scored].sort((a, b) => a.fraction - b.fraction).find((p) => p.macro_auroc! >= best - tolerancePoints / 100 - 1e-12)!.fraction;
}

export function scalingCurves(records: readonly DownstreamRecord[], tolerancePoints: number): ScalingCurve[] {
  const curves: ScalingCurve[] = [];
  for (const group of groupBy(records, (r) => key(r.method, r.mode)).values()) {
    const points = [...groupBy(group, (r) => String(r.fraction)).values()]
      .map((g) => ({ fraction: g[0].fraction!, pretrain_records: g[0].pretrain_records, macro_auroc: mean(g.map((r) => r.evaluation.macro_auroc)), macro_f1: mean(g.map((r) => r.evaluation.macro_f1)) }))
      .sort((a, b) => a.fraction - b.fraction);
    curves.push({ method: group[0].method, protocol: group[0].mode, points, saturation_fraction: saturationFraction(points, tolerancePoints), tolerance_points: tolerancePoints });
  }
  return curves.sort((a, b) => a.method.localeCompare(b.method) || a.protocol.localeCompare(b.protocol));
}
