// The results an experiment reports, computed from its step records: the LODO table (targets x
// methods, with and without the target in pre-training, against the baselines), the baselines
// themselves, and the scaling curves with their saturation points. Values are means over seeds.
import type { BaselineKind } from './plan.js';
import { comparisonKey, BASELINE_OF, type RowComparisons } from './comparisons.js';
import type { PairedDifference } from './paired.js';
import type { DownstreamRecord } from './records.js';

/** A 95% interval in the row's unit. */
export interface Range {
  readonly low: number;
  readonly high: number;
}

/** A paired difference in points (x100): its value and its paired patient-bootstrap interval. */
export interface PointsDifference {
  readonly auroc_points: number | null;
  readonly f1_points: number | null;
  readonly ci_auroc_points: Range | null;
  readonly ci_f1_points: Range | null;
  /** Bootstrap replicates that defined the AUROC interval. */
  readonly replicates: number;
}

export interface LodoRow {
  readonly target: string;
  readonly method: string;
  /** 'resnet18_1d-w0.0625-d0.25': the network, shared with the baselines it is read against. */
  readonly backbone: string;
  readonly protocol: 'probe' | 'finetune';
  /** Macro AUROC / F1 when the target was left out of pre-training. */
  readonly auroc_without: number | null;
  readonly f1_without: number | null;
  /** ... and when it was in (null when the config has no "w/" arm). */
  readonly auroc_with: number | null;
  readonly f1_with: number | null;
  /** (with - without) x 100: AUROC points, the paper's delta. */
  readonly delta_auroc_points: number | null;
  readonly delta_f1_points: number | null;
  /** Paired patient bootstrap of w/ - w/o (same resampled test patients for both arms). */
  readonly delta: PointsDifference | null;
  /** 95% bootstrap intervals of each arm's macro AUROC (first seed). */
  readonly ci_without: Range | null;
  readonly ci_with: Range | null;
  /** The baselines on this target with this backbone (null when the config has none). */
  readonly scratch_auroc: number | null;
  readonly scratch_f1: number | null;
  readonly random_probe_auroc: number | null;
  readonly random_probe_f1: number | null;
  /** w/o - the protocol's baseline (probe: random_probe; finetune: scratch), paired. */
  readonly vs_baseline: (PointsDifference & { readonly baseline: BaselineKind }) | null;
  readonly test_records: number;
}

export interface BaselineRow {
  readonly target: string | null;
  readonly baseline: BaselineKind;
  /** 'scratch-resnet18_1d-w0.0625-d0.25'. */
  readonly method: string;
  readonly backbone: string;
  readonly protocol: 'probe' | 'finetune';
  readonly auroc: number | null;
  readonly f1: number | null;
  /** 95% bootstrap interval of the macro AUROC (first seed). */
  readonly ci: Range | null;
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

export function mean(values: (number | null)[]): number | null {
  const ok = values.filter((v): v is number => v !== null);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
}

const key = (...parts: (string | number | null)[]) => parts.join('\u0000');

export function groupBy<T>(items: readonly T[], k: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const g = out.get(k(it)) ?? [];
    g.push(it);
    out.set(k(it), g);
  }
  return out;
}

const range = (i: { low: number; high: number } | null | undefined): Range | null => (i ? { low: i.low, high: i.high } : null);
const points = (v: number | null) => (v === null ? null : v * 100);

function inPoints(d: PairedDifference | null): PointsDifference | null {
  if (!d) return null;
  const scaled = (i: Range | null) => (i ? { low: i.low * 100, high: i.high * 100 } : null);
  return { auroc_points: points(d.delta_auroc), f1_points: points(d.delta_f1), ci_auroc_points: scaled(d.ci_auroc), ci_f1_points: scaled(d.ci_f1), replicates: d.ci_auroc?.replicates ?? 0 };
}

export function lodoTable(records: readonly DownstreamRecord[], comparisons: ReadonlyMap<string, RowComparisons> = new Map()): LodoRow[] {
  const rows: LodoRow[] = [];
  const baselineOf = (target: string, backbone: string, kind: BaselineKind) => records.filter((r) => r.baseline === kind && r.target === target && r.backbone === backbone);
  for (const group of groupBy(records.filter((r) => r.baseline === null), (r) => key(r.target, r.method, r.mode)).values()) {
    const { target, method, mode, backbone } = group[0];
    const without = group.filter((r) => r.arm === 'without');
    const withArm = group.filter((r) => r.arm === 'with');
    const aw = mean(without.map((r) => r.evaluation.macro_auroc));
    const ai = withArm.length ? mean(withArm.map((r) => r.evaluation.macro_auroc)) : null;
    const fw = mean(without.map((r) => r.evaluation.macro_f1));
    const fi = withArm.length ? mean(withArm.map((r) => r.evaluation.macro_f1)) : null;
    const scratch = baselineOf(target!, backbone, 'scratch');
    const probe = baselineOf(target!, backbone, 'random_probe');
    const c = comparisons.get(comparisonKey(target, method, mode));
    const vs = inPoints(c?.vsBaseline ?? null);
    rows.push({
      target: target!,
      method,
      backbone,
      protocol: mode,
      auroc_without: aw,
      f1_without: fw,
      auroc_with: ai,
      f1_with: fi,
      delta_auroc_points: aw !== null && ai !== null ? (ai - aw) * 100 : null,
      delta_f1_points: fw !== null && fi !== null ? (fi - fw) * 100 : null,
      delta: inPoints(c?.arms ?? null),
      ci_without: range(without[0]?.evaluation.ci?.macro_auroc),
      ci_with: range(withArm[0]?.evaluation.ci?.macro_auroc),
      scratch_auroc: mean(scratch.map((r) => r.evaluation.macro_auroc)),
      scratch_f1: mean(scratch.map((r) => r.evaluation.macro_f1)),
      random_probe_auroc: mean(probe.map((r) => r.evaluation.macro_auroc)),
      random_probe_f1: mean(probe.map((r) => r.evaluation.macro_f1)),
      vs_baseline: vs ? { baseline: BASELINE_OF[mode], ...vs } : null,
      test_records: group[0].test_records,
    });
  }
  return rows.sort((a, b) => a.target.localeCompare(b.target) || a.method.localeCompare(b.method) || a.protocol.localeCompare(b.protocol));
}

export function baselineTable(records: readonly DownstreamRecord[]): BaselineRow[] {
  const rows: BaselineRow[] = [];
  for (const group of groupBy(records.filter((r) => r.baseline !== null), (r) => key(r.target, r.method, r.mode)).values()) {
    const first = group[0];
    rows.push({
      target: first.target,
      baseline: first.baseline!,
      method: first.method,
      backbone: first.backbone,
      protocol: first.mode,
      auroc: mean(group.map((r) => r.evaluation.macro_auroc)),
      f1: mean(group.map((r) => r.evaluation.macro_f1)),
      ci: range(first.evaluation.ci?.macro_auroc),
      test_records: first.test_records,
    });
  }
  return rows.sort((a, b) => (a.target ?? '').localeCompare(b.target ?? '') || a.method.localeCompare(b.method));
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
  for (const group of groupBy(records.filter((r) => r.baseline === null), (r) => key(r.method, r.mode)).values()) {
    const points = [...groupBy(group, (r) => String(r.fraction)).values()]
      .map((g) => ({ fraction: g[0].fraction!, pretrain_records: g[0].pretrain_records, macro_auroc: mean(g.map((r) => r.evaluation.macro_auroc)), macro_f1: mean(g.map((r) => r.evaluation.macro_f1)) }))
      .sort((a, b) => a.fraction - b.fraction);
    curves.push({ method: group[0].method, protocol: group[0].mode, points, saturation_fraction: saturationFraction(points, tolerancePoints), tolerance_points: tolerancePoints });
  }
  return curves.sort((a, b) => a.method.localeCompare(b.method) || a.protocol.localeCompare(b.protocol));
}
