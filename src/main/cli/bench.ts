// `openecg bench train|infer --model M --batch B [--steps N] [--backend X] [--json]`: milliseconds
// per step (median) and samples/s on the chosen backend, comparable with shared/bench/torch_peer.py.
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';
import { parseBackendRequest } from '../ml/backend.js';
import { runBench } from '../ml/bench.js';
import { isModelName, MODEL_NAMES } from '../ml/models/index.js';

const USAGE = `usage: openecg bench train|infer --model ${MODEL_NAMES.join('|')} --batch B [--steps N] [--backend auto|tensorflow|wasm|cpu]
                     [--engine tfjs|ort] [--threads N] [--workers N] [--samples N] [--width F] [--depth F] [--json]
  --engine   infer only: tfjs (default; the backend above) or ort (ONNX Runtime on the exported graph)
  --threads  ONNX Runtime intra-op threads (default one per core)
  --workers  data-parallel replicas (train: default as experiments choose, docs/defaults.md; infer: 1)
  train: the experiments' fine-tuning loop (our AdamW, data-parallel workers) on one random batch
       openecg bench eval --workspace <dir> [--bundle B | --model M] [--engine auto|ort|tfjs] [--batch B] [--records N] [--json]
  eval: end-to-end evaluation throughput (store -> predict -> metrics) against the bare inference rate`;

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'time a training step or inference of a network on this machine, or an evaluation end to end',
  usage: USAGE,
  async run(argv) {
    if (argv[0] === 'eval') return (await import('./bench-eval.js')).runBenchEval(argv.slice(1));
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      batch: { type: 'string' },
      steps: { type: 'string' },
      backend: { type: 'string' },
      samples: { type: 'string' },
      width: { type: 'string' },
      depth: { type: 'string' },
      workers: { type: 'string' },
      engine: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
    });
    const mode = positionals[0];
    if (mode !== 'train' && mode !== 'infer') throw new UsageError(`expected 'train' or 'infer', got '${mode ?? ''}'`);
    if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
    const model = values.model ?? 'resnet18_1d';
    if (!isModelName(model)) throw new UsageError(`unknown model '${model}' (expected ${MODEL_NAMES.join(', ')})`);
    let backend;
    try {
      backend = parseBackendRequest(values.backend) ?? 'auto';
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const engine = values.engine ?? 'tfjs';
    if (engine !== 'tfjs' && engine !== 'ort') throw new UsageError(`--engine must be tfjs or ort, got '${engine}'`);
    if (engine === 'ort' && mode !== 'infer') throw new UsageError('--engine ort times inference only (training runs on TensorFlow.js)');
    const batch = intOption(values.batch, 'batch', 32)!;
    const steps = intOption(values.steps, 'steps', 5)!;
    if (batch < 1 || steps < 1) throw new UsageError('--batch and --steps must be at least 1');
    const result = await runBench({
      mode,
      model,
      batch,
      steps,
      backend,
      samples: intOption(values.samples, 'samples'),
      width: numberOption(values.width, 'width'),
      depth: numberOption(values.depth, 'depth'),
      workers: intOption(values.workers, 'workers'),
      engine,
      threads: intOption(values.threads, 'threads'),
    });
    if (values.json) {
      printJson(result);
    } else {
      process.stdout.write(`${result.model} ${result.mode} batch ${result.batch} on ${result.engine} (${result.provider})${result.workers > 1 ? ` x${result.workers} workers` : ''}${result.gemm ? `, convolutions and matrix products on ${result.gemm}` : ''}${result.kernelRoutes && result.kernelRoutes.machine + result.kernelRoutes.run > 0 ? ` (${result.kernelRoutes.machine} from the machine's route cache, ${result.kernelRoutes.measured} measured now)` : ''}: ${result.msPerStep} ms/step, ${result.samplesPerSecond} samples/s (median of ${result.steps})\n`);
    }
    return 0;
  },
};
