// Runs an experiment (LODO or scaling) step by step into its run folder. A step already recorded
// is skipped, a step with a checkpoint continues from it, so a cancelled or killed run resumes
// where it stopped and a finished one reproduces its numbers from the same config and backend.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../catalog/index.js';
import { chooseBackend, codeVersionOf } from './backend-info.js';
import type { ExperimentConfig } from './config.js';
import { recordRefs } from './data.js';
import { lodoComparisons } from './comparisons.js';
import { backboneLabel, backboneOf, methodLabel, planExperiment, type DownstreamStep, type ExperimentKind, type PlannedStep, type PretrainStep, type RobustnessStep } from './plan.js';
import type { DownstreamRecord, PretrainRecord, RobustnessRecord, StepRecord } from './records.js';
import { robustness } from './robustness-step.js';
import { robustnessByMethod, robustnessCurves, type RobustnessCurve } from './robustness-tables.js';
import { RunFolder, writeJsonAtomic } from './run-folder.js';
import { ShardStore } from '../signal/store.js';
import { probeEngine } from '../ml/index.js';
import { pinRunRoutes, ROUTES_FILE, writeRunRoutes } from '../ml/kernels/route-cache.js';
import { downstream, pretrain, StepCancelled } from './steps.js';
import { StepGraph } from './run-graph.js';
import { describeTrainingEngine, openTrainingEngine, warmTrainingEngine } from './engines/run-engine.js';
import { engineDownstream, enginePretrain, trainerCheckpoint, type EngineContext } from './engines/trainer-steps.js';
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

/** The kernel routes used so far into the run folder's table, their counts into run.json and the log. */
function recordRoutes(runFile: string, runDir: string, log: (line: string) => void): void {
  const counts = writeRunRoutes(runDir);
  if (!counts.shapes) return; // no routed kernel ran (another backend, a forced route, the PyTorch engine)
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as Record<string, unknown>;
  const before = run.kernel_routes as { shapes?: number } | undefined;
  if (before?.shapes === counts.shapes) return;
  writeJsonAtomic(runFile, { ...run, kernel_routes: { file: ROUTES_FILE, ...counts } });
  log(`kernel routes: ${counts.shapes} shapes pinned in ${ROUTES_FILE} (${counts.gemm} on onnxruntime-gemm, ${counts.xnnpack} on xnnpack)`);
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
    // A resumed run continues on the kernel routes it started with (docs/kernels.md, "Pinned routes").
    const pinned = pinRunRoutes(options.runDir);
    if (pinned) log(`kernel routes: ${pinned} shapes pinned from ${ROUTES_FILE} in the run folder`);
    log(`${kind}: ${plan.steps.length} steps, targets ${plan.targets.join(', ')}; backend ${backend.name}${backend.gemm ? ` (convolutions and matrix products on ${backend.gemm})` : ''}${plan.skipped.length ? `; skipped ${plan.skipped.map((s) => `${s.target} (${s.reason})`).join(', ')}` : ''}`);
    const common = { folder, catalog, store, config, signal: options.signal, log };
    const graph = training.engine?.name === 'slurm' && engineCtx;
    const { reused } = graph
      ? await runAsGraph(plan.steps, { ...common, engine: engineCtx, where: training.engine!.name, maxConcurrent: config.slurm?.maxConcurrentSteps ?? null, onProgress: options.onProgress })
      : await runInOrder(plan.steps, { ...common, engine: engineCtx, onProgress: options.onProgress });
    const records = plan.steps.map((s) => folder.readStep<StepRecord>(s.name));
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

interface StepsContext {
  readonly folder: RunFolder;
  readonly catalog: Catalog;
  readonly store: ShardStore;
  readonly config: ExperimentConfig;
  readonly signal?: AbortSignal;
  readonly engine: EngineContext | null;
  onProgress?(fraction: number, message: string): void;
  log(line: string): void;
}

/** Runs one step and writes its record (atomically: a failed or cancelled step leaves none). */
async function runAndRecord(c: StepsContext, step: PlannedStep, recordOf: RecordLookup, engine: EngineContext | null, onProgress: (done: number, total: number, loss: number | null) => void): Promise<void> {
  c.log(`step ${step.name}: ${describe(step)}`);
  const t = performance.now();
  const record = await runStep(step, c.folder, recordOf, c.catalog, { store: c.store, signal: c.signal, onProgress }, c.config, engine);
  c.folder.writeStep(step.name, { ...record, seconds: +((performance.now() - t) / 1000).toFixed(2) });
  recordRoutes(c.folder.runFile, c.folder.dir, c.log);
  c.log(`step ${step.name} done in ${((performance.now() - t) / 1000).toFixed(1)} s${record.kind === 'downstream' ? `: macro AUROC ${fmt(record.evaluation.macro_auroc)}, macro F1 ${fmt(record.evaluation.macro_f1)}` : ''}`);
}

/** TensorFlow.js and torch share this machine's cores: one step after the other, in plan order. */
async function runInOrder(steps: readonly PlannedStep[], c: StepsContext): Promise<{ reused: number }> {
  const totalWork = steps.reduce((a, s) => a + s.work, 0);
  let doneWork = 0;
  let reused = 0;
  const byName = new Map<string, StepRecord>();
  for (const step of steps) {
    if (c.folder.hasStep(step.name)) reused++;
    else
      await runAndRecord(c, step, (n) => byName.get(n), c.engine, (done, total, loss) =>
        c.onProgress?.((doneWork + (done / total) * step.work) / totalWork, `${step.name} ${done}/${total}${loss === null ? '' : ` loss ${loss.toFixed(4)}`}`),
      );
    byName.set(step.name, c.folder.readStep<StepRecord>(step.name));
    doneWork += step.work;
    c.onProgress?.(doneWork / totalWork, `${step.name} done`);
  }
  return { reused };
}

/**
 * Slurm: the plan as a dependency graph (run-graph.ts), every trainer submitted as soon as what it
 * starts from is submitted; the workstation's part of each step one at a time. Steps independent of
 * a failed one still finish and are recorded; then the run fails naming the failed steps.
 */
async function runAsGraph(steps: readonly PlannedStep[], c: StepsContext & { engine: EngineContext; where: string; maxConcurrent: number | null }): Promise<{ reused: number }> {
  const recordOf: RecordLookup = (n) => (c.folder.hasStep(n) ? c.folder.readStep<StepRecord>(n) : undefined);
  const byName = new Map(steps.map((s) => [s.name, s]));
  const graph: StepGraph = new StepGraph(steps, {
    signal: c.signal,
    maxConcurrent: c.maxConcurrent,
    where: c.where,
    recorded: (n) => c.folder.hasStep(n),
    log: c.log,
    onProgress: c.onProgress,
    run: (step, io) => {
      const engine: EngineContext = { ...c.engine, engine: trackedEngine, local: (fn) => graph.runLocal(step.name, fn) };
      // A pre-training still training: its trainer checkpoint's path is known before its record.
      const pre = io.pending === null ? null : byName.get(io.pending);
      const lookup: RecordLookup = (n) => recordOf(n) ?? (pre && pre.kind === 'pretrain' && n === pre.name ? pendingPretrain(c.folder, pre) : undefined);
      const go = () => runAndRecord(c, step, lookup, engine, io.onProgress);
      return step.kind === 'robustness' ? graph.runLocal(step.name, go) : go();
    },
  });
  const trackedEngine = graph.engine(c.engine.engine);
  if (c.maxConcurrent !== null) c.log(`at most ${c.maxConcurrent} trainer step${c.maxConcurrent === 1 ? '' : 's'} submitted at once (slurm.maxConcurrentSteps)`);
  const out = await graph.run();
  if (out.cancelled) throw new StepCancelled(`experiment (${steps.filter((s) => c.folder.hasStep(s.name)).length} of ${steps.length} steps recorded; running it again resumes)`);
  const missing = steps.filter((s) => !c.folder.hasStep(s.name)).map((s) => s.name);
  if (out.failed.length === 0 && missing.length) throw new Error(`steps not recorded: ${missing.join(', ')}; a rerun runs them`);
  if (out.failed.length) {
    const recorded = steps.filter((s) => c.folder.hasStep(s.name)).length;
    const firstLine = (e: Error) => e.message.split('\n')[0];
    throw new Error(
      `${out.failed.length} of ${steps.length} steps failed: ${out.failed.map((f) => f.name).join(', ')}` +
        (out.blocked.length ? `; not run because a step they start from failed: ${out.blocked.map((b) => b.name).join(', ')}` : '') +
        `; ${recorded} steps are recorded and a rerun reuses them (each failure's log tail is in the job log above)\n` +
        out.failed.map((f) => `  ${firstLine(f.error)}`).join('\n'),
    );
  }
  return { reused: out.reused };
}

/** What a downstream step needs of a pre-training that is still training on the cluster. */
function pendingPretrain(folder: RunFolder, pre: PretrainStep): PendingPretrain {
  return { kind: 'pending-pretrain', name: pre.name, method: pre.methodLabel, records: pre.records.length, bundle: folder.bundleDir(pre.name), trainer_checkpoint: trainerCheckpoint(folder.checkpointDir(pre.name)) };
}

function describe(s: PlannedStep): string {
  if (s.kind === 'pretrain') return `pre-train ${s.methodLabel} seed ${s.seed} on ${s.records.length} records of ${s.pool.join(', ')}${s.fraction !== null ? ` (fraction ${s.fraction})` : ''}`;
  if (s.kind === 'robustness') return `robustness of ${s.model} on ${s.test.length} corrupted test records`;
  return `${s.mode} ${s.methodLabel} on ${s.target ?? 'the targets'} (${s.train.length} train / ${s.val.length} val / ${s.test.length} test records)`;
}

/** A pre-training submitted but not yet finished (Slurm): what its dependents' trainers need, its record still to come. */
interface PendingPretrain {
  readonly kind: 'pending-pretrain';
  readonly name: string;
  readonly method: string;
  readonly records: number;
  readonly bundle: string;
  readonly trainer_checkpoint: string;
}

type RecordLookup = (name: string) => StepRecord | PendingPretrain | undefined;

type StepResult = Omit<PretrainRecord, 'seconds'> | Omit<DownstreamRecord, 'seconds'> | Omit<RobustnessRecord, 'seconds'>;

async function runRobustness(step: RobustnessStep, folder: RunFolder, recordOf: RecordLookup, catalog: Catalog, io: Parameters<typeof pretrain>[2], config: ExperimentConfig): Promise<Omit<RobustnessRecord, 'seconds'>> {
  const model = recordOf(step.model) as DownstreamRecord | undefined;
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
  recordOf: RecordLookup,
  catalog: Catalog,
  io: Parameters<typeof pretrain>[2],
  config: ExperimentConfig,
  engine: EngineContext | null,
): Promise<StepResult> {
  if (step.kind === 'robustness') return runRobustness(step, folder, recordOf, catalog, io, config);
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
  return runDownstream(step, folder, recordOf, catalog, io, config, engine);
}

/** engine and trainer_checkpoint of a step trained by a PyTorch engine; nothing for TensorFlow.js. */
function engineFields(r: object): { engine?: string; trainer_checkpoint?: string } {
  const e = r as { engine?: string; trainer_checkpoint?: string };
  return e.engine ? { engine: e.engine, trainer_checkpoint: e.trainer_checkpoint } : {};
}

async function runDownstream(step: DownstreamStep, folder: RunFolder, recordOf: RecordLookup, catalog: Catalog, io: Parameters<typeof pretrain>[2], config: ExperimentConfig, engine: EngineContext | null): Promise<Omit<DownstreamRecord, 'seconds'>> {
  const pre = step.pretrain === null ? null : (recordOf(step.pretrain) as PretrainRecord | PendingPretrain | undefined);
  if (pre === undefined) throw new Error(`${step.name}: its pre-training step ${step.pretrain} has no record`);
  const ids = { train: step.train, val: step.val, test: step.test };
  const sha = sha256([...step.train, -1, ...step.val, -1, ...step.test]);
  writeJsonAtomic(folder.snapshotFile(step.name), ids);
  const method = pre ? (config.methods.find((m) => methodLabel(m) === pre.method) ?? null) : null;
  const r = engine
    ? await engineDownstream(
        engine,
        { name: step.name, mode: step.mode, init: pre ? { checkpoint: pre.trainer_checkpoint, bundle: pre.bundle, ...(pre.kind === 'pending-pretrain' ? { after: pre.name } : {}) } : null, method, backbone: step.backbone, seed: step.seed, train: recordRefs(catalog, step.train), val: recordRefs(catalog, step.val), test: recordRefs(catalog, step.test), bundleDir: folder.bundleDir(step.name), predictionsFile: folder.predictionsFile(step.name) },
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
