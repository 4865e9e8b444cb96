// The two scripts of a cluster run folder: torchrun.sh (one node's share: torchrun with c10d
// rendezvous, PYTHONPATH = the folder holding the openecg_cluster package) and job.sbatch (Slurm:
// srun of torchrun.sh on every node). `openecg cluster plan` writes them for hand submission and
// the Slurm training engine writes them for every step it submits, from this one place, so what a
// site administrator submits by hand is what the workstation submits.
//
// job.sbatch also leaves two files beside itself for whoever follows the job without accounting:
// `visible-<job id>` when it starts (the workstation reads it back: the folder is shared) and
// `exit-<job id>` holding the trainer's exit status when it ends.
import { shippedPath } from '../platform/app-paths.js';

/** POSIX shell single-quoting: any string as one word. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface TorchrunSpec {
  readonly nodes: number;
  /** Processes per node: one per GPU, or CPU ranks (gloo). */
  readonly procsPerNode: number;
  /** The trainer's arguments after the interpreter, already shell-quoted (may use "$RUN"). */
  readonly train: string;
  /** The torchrun executable on the nodes. */
  readonly torchrun?: string;
}

export function torchrunScript(s: TorchrunSpec): string {
  return `#!/bin/sh
# One node's share of the job: run this on every node (the scheduler's job; job.sbatch does it for
# Slurm). MASTER_ADDR is the first node's host name; NODE_RANK 0..${s.nodes - 1}.
set -e
RUN="$(cd "$(dirname "$0")" && pwd)"
export PYTHONPATH="$RUN\${PYTHONPATH:+:$PYTHONPATH}"
MASTER_ADDR="\${MASTER_ADDR:-127.0.0.1}"
exec ${s.torchrun ?? 'torchrun'} --nnodes ${s.nodes} --nproc_per_node ${s.procsPerNode} \\
  --rdzv_backend c10d --rdzv_endpoint "$MASTER_ADDR:\${MASTER_PORT:-29500}" --rdzv_id "\${RDZV_ID:-openecg}" \\
  --redirects 1 --tee 1 \\
  ${s.train}
`;
}

export interface SbatchSpec {
  readonly jobName: string;
  readonly nodes: number;
  /** 0: no GPU request (CPU ranks). */
  readonly gpusPerNode: number;
  readonly cpusPerTask: number;
  /** HH:MM:SS or Slurm's other time forms. */
  readonly time: string;
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  /** More `#SBATCH` options as given (e.g. '--mem=64G', '--constraint=a100'). */
  readonly extra?: readonly string[];
  /** Shell lines run before srun (e.g. 'module load pytorch'). */
  readonly setup?: readonly string[];
  /** A comment line on how to submit (hand submission). */
  readonly howTo?: string;
}

export function sbatchScript(s: SbatchSpec): string {
  const opt = (o: string) => `#SBATCH ${o}\n`;
  const options = [
    `--job-name=${s.jobName}`,
    `--nodes=${s.nodes}`,
    '--ntasks-per-node=1',
    ...(s.gpusPerNode > 0 ? [`--gpus-per-node=${s.gpusPerNode}`] : []),
    `--cpus-per-task=${s.cpusPerTask}`,
    `--time=${s.time}`,
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...(s.qos ? [`--qos=${s.qos}`] : []),
    ...(s.extra ?? []),
    '--output=%x-%j.log',
  ];
  return `#!/bin/bash
${options.map(opt).join('')}${s.howTo ? `# ${s.howTo}\n` : ''}# Resubmitting the same script resumes from the newest checkpoint in the trainer's folder.
set -e
RUN="\${SLURM_SUBMIT_DIR:-$(pwd)}"
# The folder must be shared with the submitting machine: this marker is read back there.
echo "$SLURM_JOB_ID $(hostname)" > "$RUN/visible-$SLURM_JOB_ID"
${(s.setup ?? []).map((l) => `${l}\n`).join('')}export MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"
# A port per job: independent jobs may share a node.
export MASTER_PORT="\${MASTER_PORT:-$((20000 + SLURM_JOB_ID % 20000))}"
export RDZV_ID="$SLURM_JOB_ID"
set +e
srun --kill-on-bad-exit=1 sh "$RUN/torchrun.sh"
code=$?
echo "$code" > "$RUN/exit-$SLURM_JOB_ID.tmp" && mv "$RUN/exit-$SLURM_JOB_ID.tmp" "$RUN/exit-$SLURM_JOB_ID"
exit "$code"
`;
}

/** The Python trainer shipped with the app (repository root -> cluster/openecg_cluster). */
export const TRAINER_DIR = shippedPath('cluster', 'openecg_cluster');
