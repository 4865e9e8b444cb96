// The experiment config's `slurm` section: how the Slurm training engine submits each trainer step
// (docs/cluster.md, "The Slurm engine"). Only read when the engine is 'slurm'; absent, the
// defaults make one CPU rank per job on the default partition.
import { z } from 'zod';

/** An sbatch option as written after `#SBATCH` (one word starting with '-'): nothing a shell could run. */
const sbatchOption = z.string().regex(/^--?[A-Za-z][\w-]*(=[^\s'"`$\\;|&<>]*)?$/, 'an sbatch option like --mem=64G (no spaces or shell characters)');
const slurmName = z.string().regex(/^[\w.@+-]+$/, 'letters, digits and . _ - + @ only');

export const slurmSchema = z
  .object({
    partition: slurmName.optional(),
    account: slurmName.optional(),
    qos: slurmName.optional(),
    /** Wall-time limit per job (sbatch --time): a timed-out job is resubmitted and resumes from its checkpoint. */
    time: z.string().regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'D-HH:MM:SS, HH:MM:SS or minutes').default('24:00:00'),
    nodes: z.number().int().positive().default(1),
    /** GPUs per node (one rank each, NCCL, AMP); 0: CPU ranks over gloo. */
    gpusPerNode: z.number().int().min(0).default(0),
    /** CPU ranks per node when gpusPerNode is 0. */
    ranksPerNode: z.number().int().positive().default(1),
    /** DataLoader worker processes per rank (augmentation runs there). */
    workers: z.number().int().min(0).default(0),
    /** torch threads per rank (0: torch's default, the CPUs it is given). */
    threads: z.number().int().min(0).default(0),
    /** sbatch --cpus-per-task of the one task per node (null: (workers + 1) x ranks). */
    cpusPerTask: z.number().int().positive().nullable().default(null),
    /** More #SBATCH options, e.g. ["--mem=64G", "--constraint=a100"]. */
    sbatch: z.array(sbatchOption).default([]),
    /** Shell lines run in the job before the trainer starts, e.g. ["module load pytorch/2.1"]. */
    setup: z.array(z.string()).default([]),
    /** The torchrun executable on the nodes. */
    torchrun: z.string().min(1).default('torchrun'),
    /** Seconds between squeue polls (one call follows every job of the run). */
    pollSeconds: z.number().positive().default(2),
    /** Seconds a started job may take to show its marker in the run folder before the folder is declared not shared. */
    visibleWithin: z.number().positive().default(60),
    /** Trainer steps of one run submitted at once (queued or running); null: every step whose turn has come (the cluster's scheduler decides). */
    maxConcurrentSteps: z.number().int().positive().nullable().default(null),
  })
  .strict();

export type SlurmConfig = z.output<typeof slurmSchema>;

/** The defaults (no `slurm` section in the config). */
export const DEFAULT_SLURM: SlurmConfig = slurmSchema.parse({});

/** Ranks per node the trainer runs: one per GPU, else the CPU ranks. */
export function ranksPerNode(s: SlurmConfig): number {
  return s.gpusPerNode > 0 ? s.gpusPerNode : s.ranksPerNode;
}

export function cpusPerTask(s: SlurmConfig): number {
  return s.cpusPerTask ?? (s.workers + 1) * ranksPerNode(s);
}
