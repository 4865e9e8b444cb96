// An experiment as an ordered list of named steps, decided before anything trains: which records
// each pre-training reads and which split each evaluation uses. The names are the step records'
// file names, so a resumed run recognises what is already done.
import type { Catalog } from '../catalog/index.js';
import { stepsOf, type ExperimentConfig, type MethodConfig } from './config.js';
import { slug } from './run-folder.js';
import { capRecords, experimentCenters, recordsOf, scalingRecords, splitOf, targetCenters } from './selection.js';

export type ExperimentKind = 'lodo' | 'scaling';

export interface PretrainStep {
  readonly kind: 'pretrain';
  readonly name: string;
  readonly method: MethodConfig;
  readonly methodLabel: string;
  readonly seed: number;
  /** Centers whose train-split patients form the pool. */
  readonly pool: string[];
  readonly fraction: number | null;
  readonly records: number[];
  readonly work: number;
}

export interface DownstreamStep {
  readonly kind: 'downstream';
  readonly name: string;
  readonly pretrain: string;
  readonly mode: 'probe' | 'finetune';
  readonly methodLabel: string;
  readonly seed: number;
  /** LODO: the target center; scaling: null (the fixed pooled test set). */
  readonly target: string | null;
  readonly arm: 'without' | 'with' | null;
  readonly fraction: number | null;
  readonly train: number[];
  readonly val: number[];
  readonly test: number[];
  readonly work: number;
}

export type PlannedStep = PretrainStep | DownstreamStep;

export interface Plan {
  readonly kind: ExperimentKind;
  readonly splitId: number;
  readonly centers: string[];
  readonly targets: string[];
  readonly steps: PlannedStep[];
  /** Targets left out, and why (e.g. no test patients in a tiny center). */
  readonly skipped: { target: string; reason: string }[];
}

/** 'byol-resnet18_1d-w0.0625': methods may repeat with other backbones or sizes. */
export function methodLabel(m: MethodConfig): string {
  return `${m.method}-${m.backbone ?? 'default'}-w${m.width}-d${m.depth}`;
}

function downstreamSteps(config: ExperimentConfig, base: Omit<DownstreamStep, 'kind' | 'name' | 'mode' | 'work'>, stem: string): DownstreamStep[] {
  return config.downstream.protocols.map((mode) => {
    const budget = config.downstream[mode]!;
    const work = stepsOf(budget, base.train.length) + Math.ceil(base.val.length / config.evaluation.batchSize) + Math.ceil(base.test.length / config.evaluation.batchSize);
    return { kind: 'downstream', name: `${stem}-${mode}`, mode, work, ...base };
  });
}

function pretrainStep(config: ExperimentConfig, args: Omit<PretrainStep, 'kind' | 'work' | 'methodLabel' | 'records'> & { records: number[] }): PretrainStep {
  const records = capRecords(args.records, config.pretrain.maxRecords, args.seed);
  if (records.length === 0) throw new Error(`${args.name}: the pre-training pool is empty (centers ${args.pool.join(', ')})`);
  return { kind: 'pretrain', ...args, records, methodLabel: methodLabel(args.method), work: stepsOf(config.pretrain, records.length) };
}

export function planExperiment(catalog: Catalog, config: ExperimentConfig, kind: ExperimentKind): Plan {
  const centers = experimentCenters(catalog, config);
  const targets = targetCenters(catalog, config, centers);
  if (targets.length === 0) throw new Error('no labelled center to evaluate on');
  const splitId = splitOf(catalog, config);
  const part = (p: 'train' | 'val' | 'test', cs: string[]) => recordsOf(catalog, splitId, p, cs);
  const steps: PlannedStep[] = [];
  const skipped: Plan['skipped'] = [];
  const usable = targets.filter((t) => {
    const empty = (['train', 'test'] as const).filter((p) => part(p, [t]).length === 0);
    if (empty.length) skipped.push({ target: t, reason: `no ${empty.join(' or ')} records in the patient split` });
    return empty.length === 0;
  });
  if (usable.length === 0) throw new Error(`no target center has train and test records: ${skipped.map((s) => `${s.target}: ${s.reason}`).join('; ')}`);
  const labels = config.methods.map(methodLabel);
  if (new Set(labels).size !== labels.length) throw new Error(`methods repeat: ${labels.join(', ')}`);
  for (const seed of config.seeds) {
    config.methods.forEach((method, mi) => {
      const label = labels[mi];
      const ms = `${slug(label)}-s${seed}`;
      if (kind === 'lodo') {
        const withName = `pre-all-${ms}`;
        if (config.lodo.withArm) steps.push(pretrainStep(config, { name: withName, method, seed, pool: centers, fraction: null, records: part('train', centers) }));
        for (const target of usable) {
          const pool = centers.filter((c) => c !== target);
          const pre = pretrainStep(config, { name: `pre-wo-${slug(target)}-${ms}`, method, seed, pool, fraction: null, records: part('train', pool) });
          steps.push(pre);
          const data = { train: part('train', [target]), val: part('val', [target]), test: part('test', [target]) };
          steps.push(...downstreamSteps(config, { pretrain: pre.name, methodLabel: label, seed, target, arm: 'without', fraction: null, ...data }, `eval-wo-${slug(target)}-${ms}`));
          if (config.lodo.withArm) steps.push(...downstreamSteps(config, { pretrain: withName, methodLabel: label, seed, target, arm: 'with', fraction: null, ...data }, `eval-w-${slug(target)}-${ms}`));
        }
      } else {
        const data = { train: part('train', usable), val: part('val', usable), test: part('test', usable) };
        for (const fraction of [...config.scaling.fractions].sort((a, b) => a - b)) {
          const { ids } = scalingRecords(catalog, { splitId, pool: centers, seed: config.scaling.seed, unit: config.scaling.unit, fraction });
          const pre = pretrainStep(config, { name: `pre-f${fraction}-${ms}`, method, seed, pool: centers, fraction, records: ids });
          steps.push(pre, ...downstreamSteps(config, { pretrain: pre.name, methodLabel: label, seed, target: null, arm: null, fraction, ...data }, `eval-f${fraction}-${ms}`));
        }
      }
    });
  }
  return { kind, splitId, centers, targets: usable, steps, skipped };
}
