// Learning rate by step: linear warm-up, then constant or cosine decay to minRatio x base.
export type ScheduleKind = 'constant' | 'cosine';

export interface Schedule {
  readonly kind: ScheduleKind;
  readonly base: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  /** Cosine ends at base x minRatio. */
  readonly minRatio?: number;
}

export function learningRateAt(step: number, s: Schedule): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.base * (step + 1)) / s.warmupSteps;
  if (s.kind === 'constant') return s.base;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / span);
  const min = s.base * (s.minRatio ?? 0);
  return min + 0.5 * (s.base - min) * (1 + Math.cos(Math.PI * progress));
}
