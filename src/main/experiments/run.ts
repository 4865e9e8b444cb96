// Runs an experiment (LODO or scaling) step by step into its run folder. A step already recorded
// is skipped, a step with a checkpoint continues from it, so a cancelled or killed run resumes
// where it stopped and a finished one reproduces its numbers from the same config and backend.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../catalog/index.js';
import { chooseBackend, codeVersionOf } from './backend-info.js';
import type { ExperimentConfig } from './config.js';
import { recordRefs } from './data.js';
import { lodoComparisons } from './comparisons.js';
import { backboneLabel, backboneOf, methodLabel, planExperiment, type DownstreamStep, type ExperimentKind, type PlannedStep, type RobustnessStep } from './plan.js';
import type { DownstreamRecord, PretrainRecord, RobustnessRecord, StepRecord } from './records.js';
import { robustness } from './robustness-step.js';
import { robustnessByMethod, robustnessCurves, type RobustnessCurve } from './robustness-tables.js';
import { RunFolder, writeJsonAtomic } from './run-folder.js';
import { ShardStore } from '../signal/store.js';
import { probeEngine } from '../ml/index.js';
import { downstream, pretrain } from './steps.js';
import { describeTrainingEngine, openTrainingEngine, warmTrainingEngine } from './engines/run-engine.js';
import { engineDownstream, enginePretrain, type EngineContext } from './engines/trainer-steps.js';
import { baselineTable, lodoTable, scalingCurves, type BaselineRow, type LodoRow, type ScalingCurve } from './tables.js';

export interface ExperimentOptions {
  readonly workspace: string;
  readonly runDir: string;
  readonly kind: ExperimentKind;
  readonly config: ExperimentConfig;
  readonly configFile?: string;
  readonly signal?: AbortSignal;
  /** Overall fraction done (by training steps and inference batches) and what runs now. */
  onProgress?(fraction: number, message: string): void;
  log?(line: string): void;
}

export interface ExperimentSummary {
  readonly kind: ExperimentKind;
  readonly run_dir: string;
  readonly backend: string;
  /** Who trained the steps: 'tfjs', or the PyTorch trainer and where, e.g. 'torch 1.13.0 (cpu, 2 threads)'. Absent in runs made before engines existed. */
  readonly engine?: string;
  /** The inference engine that scored the records, e.g. 'ort (cpu)' or 'tfjs (wasm)'. */
  readonly inference?: string;
  readonly code_version: string;
  readonly steps: number;
  /** Steps found already recorded (a resumed run). */
  readonly steps_reused: number;
  readonly skipped_targets: { target: string; reason: string }[];
  readonly lodo?: LodoRow[];
  readonly scaling?: ScalingCurve[];
  /** Scratch and random-encoder baselines per target (scaling: target null, the pooled test set). Absent in runs made before baselines existed. */
  readonly baselines?: BaselineRow[];
  /** Macro AUROC / F1 against corruption strength per target and model; empty without robustness steps. */
  readonly robustness?: RobustnessCurve[];
  /** The same averaged over targets, per model (method or baseline, protocol, arm) and corruption. */
  readonly robustness_by_method?: RobustnessCurve[];
  readonly seconds: number;
}

const sha256 = (ids: readonly number[]) => createHash('sha256').update(ids.join(',')).digest('hex');

export async function runExperiment(options: ExperimentOptions): Promise<ExperimentSummary> {
  const t0 = performance.now();
  const { config, kind } = options;
  const log = options.log ?? (() => {});
  warmTrainingEngine(config.engine);
  const backend = await chooseBackend({ prefer: config.backend });
  const codeVersion = codeVersionOf();
  const folder = new RunFolder(options.runDir);
  const catalog = Catalog.open(options.workspace);
  const store = ShardStore.openReader(join(options.workspace, 'store'));
  try {
    const plan = planExperiment(catalog, config, kind);
    const inference = await probeEngine({ engine: config.inference });
    log(`inference engine: ${inference.engine} (${inference.provider}): ${inference.reason}`);
    const training = await openTrainingEngine(config.engine, config);
    log(`training engine: ${describeTrainingEngine(training.info)}: ${training.info.reason}`);
    const engineCtx: EngineContext | null = training.engine ? { engine: training.engine, workspace: options.workspace, config, splitId: plan.splitId, folder, log } : null;
    if (!existsSync(folder.runFile)) {
      writeJsonAtomic(folder.runFile, {
        kind,
        config,
        config_file: options.configFile ?? null,
        code_version: codeVersion,
        backend: { name: backend.name, tf: backend.tfBackend, reason: backend.reason, ...(backend.gemm ? { gemm: backend.gemm } : {}) },
        // Training on the engine below; scoring always in the workstation on the inference engine (docs/inference.md).
        engine: training.info,
        inference,
        seeds: config.seeds,
        split_set: plan.splitId,
        centers: plan.centers,
        targets: plan.targets,
        skipped_targets: plan.skipped,
        steps: plan.steps.map((s) => s.name),
        created_at: new Date().toISOString(),
      });
    }
    log(`${kind}: ${plan.steps.length} steps, targets ${plan.targets.join(', ')}; backend ${backend.name}${backend.gemm ? ` (convolutions and matrix products on ${backend.gemm})` : ''}${plan.skipped.length ? `; skipped ${plan.skipped.map((s) => `${s.target} (${s.reason})`).join(', ')}` : ''}`);
    const totalWork = plan.steps.reduce((a, s) => a + s.work, 0);
    let doneWork = 0;
    let reused = 0;
    const records: StepRecord[] = [];
    const byName = new Map<string, StepRecord>();
    for (const step of plan.steps) {
      if (folder.hasStep(step.name)) {
        reused++;
      } else {
        log(`step ${step.name}: ${describe(step)}`);
        const io = {
          store,
          signal: options.signal,
          onProgress: (done: number, total: number, loss: number | null) =>
            options.onProgress?.((doneWork + (done / total) * step.work) / totalWork, `${step.name} ${done}/${total}${loss === null ? '' : ` loss ${loss.toFixed(4)}`}`),
        };
        const t = performance.now();
        const record = await runStep(step, folder, byName, catalog, io, config, engineCtx);
        folder.writeStep(step.name, { ...record, seconds: +((performance.now() - t) / 1000).toFixed(2) });
        log(`step ${step.name} done in ${((performance.now() - t) / 1000).toFixed(1)} s${record.kind === 'downstream' ? `: macro AUROC ${fmt(record.evaluation.macro_auroc)}, macro F1 ${fmt(record.evaluation.macro_f1)}` : ''}`);
      }
      const rec = folder.readStep<StepRecord>(step.name);
      records.push(rec);
      byName.set(step.name, rec);
      doneWork += step.work;
      options.onProgress?.(doneWork / totalWork, `${step.name} done`);
    }
    const evals = records.filter((r): r is DownstreamRecord => r.kind === 'downstream');
    const robust = records.filter((r): r is RobustnessRecord => r.kind === 'robustness');
    const comparisons = kind === 'lodo' ? lodoComparisons(catalog, evals, { replicates: config.evaluation.bootstrap, seed: config.seeds[0] }) : undefined;
    const summary: ExperimentSummary = {
      kind,
      run_dir: options.runDir,
      backend: backend.name,
      engine: describeTrainingEngine(training.info),
      inference: `${inference.engine} (${inference.provider})`,
      code_version: codeVersion,
      steps: plan.steps.length,
      steps_reused: reused,
      skipped_targets: plan.skipped,
      ...(kind === 'lodo' ? { lodo: lodoTable(evals, comparisons) } : { scaling: scalingCurves(evals, config.scaling.saturationPoints) }),
      baselines: baselineTable(evals),
      robustness: robustnessCurves(robust),
      robustness_by_method: robustnessByMethod(robust),
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    };
    writeJsonAtomic(join(options.runDir, 'summary.json'), summary);
    return summary;
  } finally {
    store.close();
    catalog.close();
  }
}

const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));

function describe(s: PlannedStep): string {
  if (s.kind === 'pretrain') return `pre-train ${s.methodLabel} seed ${s.seed} on ${s.records.length} records of ${s.pool.join(', ')}${s.fraction !== null ? ` (fraction ${s.fraction})` : ''}`;
  if (s.kind === 'robustness') return `robustness of ${s.model} on ${s.test.length} corrupted test records`;
  return `${s.mode} ${s.methodLabel} on ${s.target ?? 'the targets'} (${s.train.length} train / ${s.val.length} val / ${s.test.length} test records)`;
}

type StepResult = Omit<PretrainRecord, 'seconds'> | Omit<DownstreamRecord, 'seconds'> | Omit<RobustnessRecord, 'seconds'>;

async function runRobustness(step: RobustnessStep, folder: RunFolder, done: ReadonlyMap<string, StepRecord>, catalog: Catalog, io: Parameters<typeof pretrain>[2], config: ExperimentConfig): Promise<Omit<RobustnessRecord, 'seconds'>> {
  const model = done.get(step.model) as DownstreamRecord | undefined;
  if (!model) throw new Error(`${step.name}: its model's step ${step.model} has no record`);
  const r = config.robustness;
  const points = await robustness(
    step.name,
    { bundle: model.bundle, thresholds: model.thresholds, test: recordRefs(catalog, step.test), corruptions: r.corruptions, seed: r.seed, bootstrap: r.bootstrap, bootstrapSeed: step.seed, evalBatch: config.evaluation.batchSize, engine: config.inference, checkpointDir: folder.checkpointDir(step.name) },
    io,
  );
  const { name, methodLabel: method, mode, seed, target, arm, baseline, fraction } = step;
  return {
    name, kind: 'robustness', model: step.model, method, mode, seed, target, arm, baseline, fraction,
    test_records: step.test.length,
    corruption_seed: r.seed,
    rate_hz: io.store.rate,
    corruptions: r.corruptions,
    clean: { macro_auroc: model.evaluation.macro_auroc, macro_f1: model.evaluation.macro_f1 },
    points,
  };
}

async function runStep(
  step: PlannedStep,
  folder: RunFolder,
  done: ReadonlyMap<string, StepRecord>,
  catalog: Catalog,
  io: Parameters<typeof pretrain>[2],
  config: ExperimentConfig,
  engine: EngineContext | null,
): Promise<StepResult> {
  if (step.kind === 'robustness') return runRobustness(step, folder, done, catalog, io, config);
  if (step.kind === 'pretrain') {
    const sha = sha256(step.records);
    writeJsonAtomic(folder.snapshotFile(step.name), { records: step.records });
    const r = engine
      ? await enginePretrain(engine, { name: step.name, method: step.method, backbone: backboneOf(step.method), seed: step.seed, records: step.records, bundleDir: folder.bundleDir(step.name) }, io)
      : await pretrain(
          step.name,
          { method: step.method, budget: config.pretrain, seed: step.seed, refs: recordRefs(catalog, step.records), checkpointDir: folder.checkpointDir(step.name), bundleDir: folder.bundleDir(step.name), dataSnapshot: `records-sha256:${sha}` },
          io,
        );
    const rec: Omit<PretrainRecord, 'seconds'> = { name: step.name, kind: 'pretrain', method: step.methodLabel, seed: step.seed, pool: step.pool, fraction: step.fraction, records: step.records.length, snapshot_sha256: sha, steps: r.steps, losses: r.losses, resumed_from: r.resumedFrom, bundle: r.bundle, ...engineFields(r) };
    return rec;
  }
  return runDownstream(step, folder, done, catalog, io, config, engine);
}

/** engine and trainer_checkpoint of a step trained by a PyTorch engine; nothing for TensorFlow.js. */
function engineFields(r: object): { engine?: string; trainer_checkpoint?: string } {
  const e = r as { engine?: string; trainer_checkpoint?: string };
  return e.engine ? { engine: e.engine, trainer_checkpoint: e.trainer_checkpoint } : {};
}

async function runDownstream(step: DownstreamStep, folder: RunFolder, done: ReadonlyMap<string, StepRecord>, catalog: Catalog, io: Parameters<typeof pretrain>[2], config: ExperimentConfig, engine: EngineContext | null): Promise<Omit<DownstreamRecord, 'seconds'>> {
  const pre = step.pretrain === null ? null : (done.get(step.pretrain) as PretrainRecord | undefined);
  if (pre === undefined) throw new Error(`${step.name}: its pre-training step ${step.pretrain} has no record`);
  const ids = { train: step.train, val: step.val, test: step.test };
  const sha = sha256([...step.train, -1, ...step.val, -1, ...step.test]);
  writeJsonAtomic(folder.snapshotFile(step.name), ids);
  const method = pre ? (config.methods.find((m) => methodLabel(m) === pre.method) ?? null) : null;
  const r = engine
    ? await engineDownstream(
        engine,
        { name: step.name, mode: step.mode, init: pre ? { checkpoint: pre.trainer_checkpoint, bundle: pre.bundle } : null, method, backbone: step.backbone, seed: step.seed, train: recordRefs(catalog, step.train), val: recordRefs(catalog, step.val), test: recordRefs(catalog, step.test), bundleDir: folder.bundleDir(step.name), predictionsFile: folder.predictionsFile(step.name) },
        io,
      )
    : await downstream(
    step.name,
    {
      mode: step.mode,
      init: pre?.bundle ?? null,
      backbone: step.backbone,
      budget: config.downstream[step.mode]!,
      checkpointEvery: config.downstream.checkpointEvery,
      seed: step.seed,
      train: recordRefs(catalog, step.train),
      val: recordRefs(catalog, step.val),
      test: recordRefs(catalog, step.test),
      bootstrap: config.evaluation.bootstrap,
      evalBatch: config.evaluation.batchSize,
      engine: config.inference,
      checkpointDir: folder.checkpointDir(step.name),
      bundleDir: folder.bundleDir(step.name),
      predictionsFile: folder.predictionsFile(step.name),
      dataSnapshot: `records-sha256:${sha}`,
    },
    io,
  );
  const rec: Omit<DownstreamRecord, 'seconds'> = {
    name: step.name,
    kind: 'downstream',
    method: step.methodLabel,
    mode: step.mode,
    seed: step.seed,
    pretrain: step.pretrain,
    baseline: step.baseline,
    backbone: backboneLabel(step.backbone),
    target: step.target,
    arm: step.arm,
    fraction: step.fraction,
    pretrain_records: pre?.records ?? 0,
    train_records: step.train.length,
    val_records: step.val.length,
    test_records: step.test.length,
    snapshot_sha256: sha,
    steps: r.steps,
    losses: r.losses,
    resumed_from: r.resumedFrom,
    thresholds: r.thresholds,
    evaluation: r.evaluation,
    predictions: r.predictions,
    bundle: r.bundle,
    ...engineFields(r),
  };
  return rec;
}
