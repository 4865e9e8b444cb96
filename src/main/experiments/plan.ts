// An experiment as an ordered list of named steps, decided before anything trains: which records
// each pre-training reads and which split each evaluation uses. The names are the step records'
// file names, so a resumed run recognises what is already done.
import type { Catalog } from '../catalog/index.js';
import { DEFAULT_BACKBONE, type ModelName } from '../ml/index.js';
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

/** A backbone as built: architecture and its width / depth multipliers. */
export interface BackboneSpec {
  readonly model: ModelName;
  readonly width: number;
  readonly depth: number;
}

export type BaselineKind = 'scratch' | 'random_probe';

export interface DownstreamStep {
  readonly kind: 'downstream';
  readonly name: string;
  /** The pre-training step whose encoder starts this one; null for a baseline (random initialisation). */
  readonly pretrain: string | null;
  readonly baseline: BaselineKind | null;
  readonly backbone: BackboneSpec;
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

/** Scores one downstream step's model on its test records under every configured corruption. */
export interface RobustnessStep {
  readonly kind: 'robustness';
  readonly name: string;
  /** The downstream step whose model (bundle, thresholds) is scored. */
  readonly model: string;
  readonly methodLabel: string;
  readonly mode: 'probe' | 'finetune';
  readonly seed: number;
  readonly target: string | null;
  readonly arm: 'without' | 'with' | null;
  readonly baseline: BaselineKind | null;
  readonly fraction: number | null;
  readonly test: number[];
  readonly work: number;
}

export type PlannedStep = PretrainStep | DownstreamStep | RobustnessStep;

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

export function backboneOf(m: MethodConfig): BackboneSpec {
  return { model: m.backbone ?? DEFAULT_BACKBONE[m.method], width: m.width, depth: m.depth };
}

/** 'resnet18_1d-w0.0625-d0.25': what a method's row is compared with among the baselines. */
export function backboneLabel(b: BackboneSpec): string {
  return `${b.model}-w${b.width}-d${b.depth}`;
}

/** 'scratch-resnet18_1d-w0.0625-d0.25', 'random_probe-vit_1d-w1-d1'. */
export function baselineLabel(kind: BaselineKind, b: BackboneSpec): string {
  return `${kind}-${backboneLabel(b)}`;
}

type DownstreamBase = Omit<DownstreamStep, 'kind' | 'name' | 'mode' | 'work'>;

function evalWork(config: ExperimentConfig, mode: 'probe' | 'finetune', base: Pick<DownstreamBase, 'train' | 'val' | 'test'>): number {
  const batches = (n: number) => Math.ceil(n / config.evaluation.batchSize);
  return stepsOf(config.downstream[mode]!, base.train.length) + batches(base.val.length) + batches(base.test.length);
}

/** The robustness step of a downstream step, when the config scores this experiment's models under corruption. */
function robustnessStep(config: ExperimentConfig, kind: ExperimentKind, d: DownstreamStep): RobustnessStep[] {
  const r = config.robustness;
  if (!r.enabled || !r.experiments.includes(kind) || r.corruptions.length === 0) return [];
  const settings = r.corruptions.reduce((a, c) => a + c.strengths.length, 0);
  const { methodLabel: label, mode, seed, target, arm, baseline, fraction, test } = d;
  return [{ kind: 'robustness', name: `rob-${d.name}`, model: d.name, methodLabel: label, mode, seed, target, arm, baseline, fraction, test, work: settings * Math.ceil(test.length / config.evaluation.batchSize) }];
}

function downstreamSteps(config: ExperimentConfig, kind: ExperimentKind, base: DownstreamBase, stem: string): PlannedStep[] {
  return config.downstream.protocols.flatMap((mode) => {
    const step: DownstreamStep = { kind: 'downstream', name: `${stem}-${mode}`, mode, work: evalWork(config, mode, base), ...base };
    return [step, ...robustnessStep(config, kind, step)];
  });
}

/**
 * The baselines of one evaluation set: per distinct backbone of the methods, the network trained
 * from random weights on the labelled train split (fine-tune budget) and a frozen random encoder
 * under the linear probe. Same train / val / test records as the pre-trained models they face.
 */
function baselineSteps(config: ExperimentConfig, kind: ExperimentKind, args: { seed: number; target: string | null; fraction: null; train: number[]; val: number[]; test: number[] }, stem: string): PlannedStep[] {
  const backbones = new Map(config.methods.map((m) => [backboneLabel(backboneOf(m)), backboneOf(m)]));
  const wanted: [BaselineKind, 'probe' | 'finetune'][] = [];
  if (config.baselines.scratch) wanted.push(['scratch', 'finetune']);
  if (config.baselines.randomProbe) wanted.push(['random_probe', 'probe']);
  const out: PlannedStep[] = [];
  for (const [label, backbone] of backbones) {
    for (const [baseline, mode] of wanted) {
      const name = `base-${baseline === 'scratch' ? 'scratch' : 'rprobe'}-${stem}-${slug(label)}-s${args.seed}`;
      const step: DownstreamStep = { kind: 'downstream', name, pretrain: null, baseline, backbone, mode, methodLabel: baselineLabel(baseline, backbone), arm: null, work: evalWork(config, mode, args), ...args };
      out.push(step, ...robustnessStep(config, kind, step));
    }
  }
  return out;
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
  // Short (zero-padded) records: the config's rule, else the workspace's (recordsOf).
  const shortRecords = config.shortRecords;
  const part = (p: 'train' | 'val' | 'test', cs: string[]) => recordsOf(catalog, splitId, p, cs, shortRecords);
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
    if (kind === 'lodo') {
      for (const target of usable) steps.push(...baselineSteps(config, kind, { seed, target, fraction: null, train: part('train', [target]), val: part('val', [target]), test: part('test', [target]) }, slug(target)));
    } else {
      steps.push(...baselineSteps(config, kind, { seed, target: null, fraction: null, train: part('train', usable), val: part('val', usable), test: part('test', usable) }, 'targets'));
    }
    config.methods.forEach((method, mi) => {
      const label = labels[mi];
      const ms = `${slug(label)}-s${seed}`;
      const model = { backbone: backboneOf(method), baseline: null, methodLabel: label, seed };
      if (kind === 'lodo') {
        const withName = `pre-all-${ms}`;
        if (config.lodo.withArm) steps.push(pretrainStep(config, { name: withName, method, seed, pool: centers, fraction: null, records: part('train', centers) }));
        for (const target of usable) {
          const pool = centers.filter((c) => c !== target);
          const pre = pretrainStep(config, { name: `pre-wo-${slug(target)}-${ms}`, method, seed, pool, fraction: null, records: part('train', pool) });
          steps.push(pre);
          const data = { train: part('train', [target]), val: part('val', [target]), test: part('test', [target]) };
          steps.push(...downstreamSteps(config, kind, { ...model, pretrain: pre.name, target, arm: 'without', fraction: null, ...data }, `eval-wo-${slug(target)}-${ms}`));
          if (config.lodo.withArm) steps.push(...downstreamSteps(config, kind, { ...model, pretrain: withName, target, arm: 'with', fraction: null, ...data }, `eval-w-${slug(target)}-${ms}`));
        }
      } else {
        const data = { train: part('train', usable), val: part('val', usable), test: part('test', usable) };
        for (const fraction of [...config.scaling.fractions].sort((a, b) => a - b)) {
          const { ids } = scalingRecords(catalog, { splitId, pool: centers, seed: config.scaling.seed, unit: config.scaling.unit, fraction, shortRecords });
          const pre = pretrainStep(config, { name: `pre-f${fraction}-${ms}`, method, seed, pool: centers, fraction, records: ids });
          steps.push(pre, ...downstreamSteps(config, kind, { ...model, pretrain: pre.name, target: null, arm: null, fraction, ...data }, `eval-f${fraction}-${ms}`));
        }
      }
    });
  }
  return { kind, splitId, centers, targets: usable, steps, skipped };
}
