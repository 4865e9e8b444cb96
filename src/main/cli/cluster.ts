// `openecg cluster plan --config C --shards DIR --out RUN [--nodes N] [--gpus-per-node G] ...`:
// the run folder a site administrator needs to pre-train on a GPU cluster with torchrun (DDP over
// NCCL) under Slurm or any scheduler: the config, the trainer package, the torchrun command, an
// sbatch script and a README. Nothing runs here; docs/cluster.md describes the whole round trip.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configPath } from '../experiments/bundled.js';
import { readExperimentConfig, type ExperimentConfig } from '../experiments/config.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';
import { sbatchScript, torchrunScript, TRAINER_DIR } from '../experiments/cluster-scripts.js';

export { TRAINER_DIR };

const USAGE = `usage: openecg cluster plan --config <file|name> --shards <dir> --out <run folder>
         [--nodes N] [--gpus-per-node G] [--task pretrain|probe|finetune] [--method-index I]
         [--workers W] [--partition P] [--time HH:MM:SS] [--json]

Writes the run folder for a PyTorch DDP job on a GPU cluster: config.json, the openecg_cluster
trainer package, torchrun.sh (one node's command), job.sbatch (Slurm) and README.md for the site
administrator. --shards is where the shards (openecg export --format shards) will be on the
cluster's shared file system. Default 1 node x 8 GPUs.`;

export interface ClusterPlan {
  readonly run: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly worldSize: number;
  readonly task: string;
  readonly methods: { index: number; method: string; backbone: string | null }[];
  readonly files: string[];
}

function trainArgs(p: { shards: string; task: string; workers: number; methodIndex: number }): string {
  const m = `\${METHOD_INDEX:-${p.methodIndex}}`;
  return `-m openecg_cluster.train --config "$RUN/config.json" --shards "${p.shards}" --task ${p.task} --method-index "${m}" --out "$RUN/out/${p.task}-m${m}" --workers ${p.workers}`;
}

export function writeClusterPlan(args: { config: string; shards: string; out: string; nodes: number; gpusPerNode: number; task: string; workers: number; methodIndex: number; partition?: string; time: string }): ClusterPlan {
  const config: ExperimentConfig = readExperimentConfig(args.config);
  const world = args.nodes * args.gpusPerNode;
  const budget = args.task === 'pretrain' ? config.pretrain : config.downstream[args.task as 'probe' | 'finetune'];
  if (!budget) throw new UsageError(`the config has no downstream.${args.task} budget`);
  if (budget.batchSize % world !== 0) throw new UsageError(`batch size ${budget.batchSize} does not split over ${world} GPUs (${args.nodes} x ${args.gpusPerNode}): choose a batch size that is a multiple of the GPU count`);
  const run = resolve(args.out);
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'config.json'), readFileSync(args.config, 'utf8'));
  const files = ['config.json'];
  if (existsSync(TRAINER_DIR)) {
    cpSync(TRAINER_DIR, join(run, 'openecg_cluster'), { recursive: true, filter: (s) => !s.includes('__pycache__') });
    files.push('openecg_cluster/');
  }
  if (args.methodIndex >= config.methods.length) throw new UsageError(`--method-index ${args.methodIndex}: the config has ${config.methods.length} methods`);
  const train = trainArgs({ shards: args.shards, task: args.task, workers: args.workers, methodIndex: args.methodIndex });
  const torchrun = torchrunScript({ nodes: args.nodes, procsPerNode: args.gpusPerNode, train });
  const sbatch = sbatchScript({
    jobName: `openecg-${config.name}`,
    nodes: args.nodes,
    gpusPerNode: args.gpusPerNode,
    cpusPerTask: Math.max(1, args.workers + 1) * args.gpusPerNode,
    time: args.time,
    partition: args.partition,
    howTo: 'Submit from this folder: sbatch job.sbatch   (another method: sbatch --export=ALL,METHOD_INDEX=1 job.sbatch)',
  });
  writeFileSync(join(run, 'torchrun.sh'), torchrun);
  chmodSync(join(run, 'torchrun.sh'), 0o755);
  writeFileSync(join(run, 'job.sbatch'), sbatch);
  files.push('torchrun.sh', 'job.sbatch');
  const methods = config.methods.map((m, index) => ({ index, method: m.method, backbone: m.backbone ?? null }));
  writeFileSync(join(run, 'README.md'), readme({ ...args, world, config, methods, batch: budget.batchSize }));
  files.push('README.md');
  const plan: ClusterPlan = { run, nodes: args.nodes, gpusPerNode: args.gpusPerNode, worldSize: world, task: args.task, methods, files };
  writeFileSync(join(run, 'plan.json'), JSON.stringify({ ...plan, shards: args.shards, created_at: new Date().toISOString() }, null, 2) + '\n');
  files.push('plan.json');
  return plan;
}

function readme(p: { shards: string; nodes: number; gpusPerNode: number; world: number; task: string; config: ExperimentConfig; methods: ClusterPlan['methods']; batch: number }): string {
  return `# OpenECG cluster run: ${p.config.name} (${p.task})

Written by \`openecg cluster plan\`. ${p.nodes} node(s) x ${p.gpusPerNode} GPU(s) = ${p.world} ranks;
global batch ${p.batch} (${p.batch / p.world} per GPU).

## What to copy where

1. This folder to the cluster's shared file system (every node must see it; checkpoints are
   written into \`out/\` here).
2. The shards (\`openecg export --format shards\`) to \`${p.shards}\`, the path given to the plan
   (edit torchrun.sh if they land elsewhere). Check them with
   \`python3 -c "from openecg_cluster.data import ShardSet; ShardSet('${p.shards}', verify=True)"\`.

## Requirements

Python 3 with PyTorch (1.13 or newer, CUDA build) and numpy on every node; nothing else. NCCL
between GPUs. \`openecg_cluster/\` here is the trainer; \`PYTHONPATH\` is set by torchrun.sh.

## Start

- Slurm: \`sbatch job.sbatch\` from this folder. Methods of the config:
${p.methods.map((m) => `  - METHOD_INDEX=${m.index}: ${m.method}${m.backbone ? ` on ${m.backbone}` : ''} (\`sbatch --export=ALL,METHOD_INDEX=${m.index} job.sbatch\`)`).join('\n')}
- Any other scheduler: run \`MASTER_ADDR=<first node> ./torchrun.sh\` once on each node, with
  \`NODE_RANK\` handled by torchrun's c10d rendezvous.

## Where results appear

\`out/${p.task}-m<METHOD_INDEX>/\`: \`metrics.jsonl\` (one JSON line per step: loss, lr,
samples/s), \`losses.json\`, \`checkpoints/step-<8 digits>/\` (every epoch and every
checkpointEvery steps; the newest two kept) and \`checkpoint.safetensors\` (the newest weights).
When the run finishes, rank 0 also writes the network's ONNX graphs beside it (\`model.onnx\` or
\`encoder.onnx\`, \`mae.onnx\` for MAE, and \`onnx.json\` naming the checkpoint they came from).
A killed or timed-out job resumes from the newest checkpoint when started again.

## Back on the workstation

\`openecg bundle import --torch out/${p.task}-m0/checkpoint.safetensors --out <bundle>\` makes a
model bundle for evaluation, inspection and fine-tuning on the workstation; copy the ONNX files
and \`onnx.json\` along with the checkpoint so the bundle carries PyTorch's own graphs.
`;
}

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'plan a PyTorch DDP run on a GPU cluster (torchrun, Slurm) from an experiment config',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'plan') throw new UsageError(USAGE);
    const { values } = parseCommandArgs(
      rest,
      {
        config: { type: 'string' },
        shards: { type: 'string' },
        out: { type: 'string' },
        nodes: { type: 'string' },
        'gpus-per-node': { type: 'string' },
        task: { type: 'string' },
        'method-index': { type: 'string' },
        workers: { type: 'string' },
        partition: { type: 'string' },
        time: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    if (!values.config || !values.shards || !values.out) throw new UsageError(`--config, --shards and --out are required\n${USAGE}`);
    const config = configPath(values.config);
    if (!config) throw new UsageError(`no config file or bundled config '${values.config}'`);
    const task = values.task ?? 'pretrain';
    if (!['pretrain', 'probe', 'finetune'].includes(task)) throw new UsageError(`--task must be pretrain, probe or finetune, got '${task}'`);
    const nodes = intOption(values.nodes, 'nodes', 1)!;
    const gpus = intOption(values['gpus-per-node'], 'gpus-per-node', 8)!;
    if (nodes < 1 || gpus < 1) throw new UsageError('--nodes and --gpus-per-node must be at least 1');
    const plan = writeClusterPlan({ config, shards: values.shards, out: values.out, nodes, gpusPerNode: gpus, task, workers: intOption(values.workers, 'workers', 8)!, methodIndex: intOption(values['method-index'], 'method-index', 0)!, partition: values.partition, time: values.time ?? '48:00:00' });
    if (values.json) printJson(plan);
    else process.stdout.write(`cluster run planned in ${plan.run}: ${plan.nodes} x ${plan.gpusPerNode} GPUs, ${plan.methods.length} method(s); see ${join(plan.run, 'README.md')}\n`);
    return 0;
  },
};
