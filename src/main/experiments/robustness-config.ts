// The `robustness` section of an experiment config: which corruptions of the test records each
// trained model is scored on, at which strengths, with which seed (docs/experiment-config.md).
import { z } from 'zod';

const strengths = <T extends z.ZodType>(s: T) => z.array(s).min(1);

const corruption = z.discriminatedUnion('kind', [
  /** Run length in samples (>= 100: PAPER.md's 100-sample masking and longer), zeroed on all leads. */
  z.object({ kind: z.literal('time_mask'), strengths: strengths(z.number().int().min(1)), runs: z.number().int().min(1).default(1) }).strict(),
  /** Leads zeroed (1-11), or 'limb-only' (V1-V6 zeroed) or 'single-lead' (only lead I kept). */
  z.object({ kind: z.literal('lead_dropout'), strengths: strengths(z.union([z.number().int().min(1).max(11), z.enum(['limb-only', 'single-lead'])])) }).strict(),
  /** SNR in dB per lead (lower is stronger). */
  z.object({ kind: z.literal('gaussian_noise'), strengths: strengths(z.number()) }).strict(),
  /** Peak amplitude in mV of a 0.05-0.5 Hz sinusoid. */
  z.object({ kind: z.literal('baseline_wander'), strengths: strengths(z.number().positive()) }).strict(),
  /** Peak amplitude in mV of the mains tone. */
  z.object({ kind: z.literal('mains'), strengths: strengths(z.number().positive()), frequency: z.union([z.literal(50), z.literal(60)]).default(50) }).strict(),
]);

export type CorruptionConfig = z.output<typeof corruption>;

/** The paper-scale default sweep; the small config lists a shorter one. */
export const DEFAULT_CORRUPTIONS: CorruptionConfig[] = [
  { kind: 'time_mask', strengths: [100, 200, 400], runs: 1 },
  { kind: 'lead_dropout', strengths: [1, 3, 6, 9, 'limb-only', 'single-lead'] },
  { kind: 'gaussian_noise', strengths: [20, 10, 5, 0] },
  { kind: 'baseline_wander', strengths: [0.1, 0.25, 0.5, 1] },
  { kind: 'mains', strengths: [0.05, 0.1, 0.25], frequency: 50 },
];

const DEFAULT_ROBUSTNESS = { enabled: true, experiments: ['lodo' as const], seed: 0, bootstrap: 0, corruptions: DEFAULT_CORRUPTIONS };

export const robustnessSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Which experiments score their models on corrupted test sets (LODO by default: scaling would multiply the cost). */
    experiments: z.array(z.enum(['lodo', 'scaling'])).default(['lodo']),
    /** Seed of the corruptions; every model sees the same corrupted records (paired comparison). */
    seed: z.number().int().min(0).default(0),
    /** Patient-bootstrap replicates per corrupted evaluation (0: point values only). */
    bootstrap: z.number().int().min(0).default(0),
    corruptions: z.array(corruption).default(DEFAULT_CORRUPTIONS),
  })
  .strict()
  .default(DEFAULT_ROBUSTNESS);

export type RobustnessConfig = z.output<typeof robustnessSchema>;
