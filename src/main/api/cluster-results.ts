// results.cluster: the training curves of a PyTorch cluster run (docs/cluster.md). The trainer
// (cluster/openecg_cluster/train.py, `metric`) appends one JSON object per step to
// `<run>/out/<task>-m<i>/metrics.jsonl`: step, total_steps, epoch, loss, lr, seconds,
// samples_per_s, world_size. The run may still be going, so a last line without its newline that
// does not parse yet is left out, not an error.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ApiError, type ClusterResults, type ClusterTraining } from '../../shared/api.js';

const METRICS = 'metrics.jsonl';
const CHECKPOINT = 'checkpoint.safetensors';

interface MetricLine {
  step: number;
  total_steps?: number;
  epoch?: number;
  loss: number | null;
  lr?: number;
  seconds?: number;
  samples_per_s?: number;
  world_size?: number;
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Python's json.dumps writes a diverged loss as NaN / Infinity, which JSON.parse refuses. */
function parseLine(line: string): MetricLine | null {
  let doc: unknown;
  try {
    doc = JSON.parse(line.replace(/(?<=[:,[]\s*)-?(?:NaN|Infinity)(?=\s*[,}\]])/g, 'null'));
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || typeof (doc as MetricLine).step !== 'number') return null;
  return doc as MetricLine;
}

/** The parsed lines of a metrics.jsonl and whether its last line was left out as still being written. */
export function readMetricLines(file: string): { rows: MetricLine[]; partialLine: boolean } {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // A file ending in '\n' leaves '' as the last piece; anything else there is an unfinished line.
  const tail = lines.pop() ?? '';
  const rows: MetricLine[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const row = parseLine(line);
    if (!row) throw new ApiError('failed', `results.cluster: ${file} line ${i + 1} is not a metrics line: ${line.slice(0, 120)}`);
    rows.push(row);
  });
  let partialLine = false;
  if (tail.trim()) {
    const row = parseLine(tail);
    if (row) rows.push(row);
    else partialLine = true;
  }
  return { rows, partialLine };
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function training(dir: string): ClusterTraining {
  const { rows, partialLine } = readMetricLines(join(dir, METRICS));
  const name = basename(dir);
  const last = rows.at(-1);
  return {
    name,
    task: /^(.+)-m\d+$/.exec(name)?.[1] ?? '',
    folder: dir,
    steps: rows.map((r) => r.step),
    loss: rows.map((r) => (typeof r.loss === 'number' && Number.isFinite(r.loss) ? r.loss : null)),
    lr: rows.map((r) => num(r.lr)),
    samplesPerSecond: rows.map((r) => num(r.samples_per_s)),
    last: last
      ? {
          step: last.step,
          totalSteps: num(last.total_steps),
          epoch: num(last.epoch),
          loss: typeof last.loss === 'number' && Number.isFinite(last.loss) ? last.loss : null,
          lr: num(last.lr),
          seconds: num(last.seconds),
          samplesPerSecond: num(last.samples_per_s),
          worldSize: num(last.world_size),
        }
      : null,
    partialLine,
    checkpoint: existsSync(join(dir, CHECKPOINT)),
    onnx: readdirSync(dir)
      .filter((f) => f.endsWith('.onnx'))
      .sort(),
  };
}

/** One training folder (with metrics.jsonl), or a planned run folder whose out/ holds them. */
export function clusterResults(folder: string): ClusterResults {
  const root = resolve(folder);
  if (!isDir(root)) throw new ApiError('not-found', `results.cluster: no folder ${root}`);
  if (existsSync(join(root, METRICS))) return { folder: root, trainings: [training(root)] };
  const out = join(root, 'out');
  const dirs = isDir(out)
    ? readdirSync(out)
        .sort()
        .map((d) => join(out, d))
        .filter((d) => isDir(d) && existsSync(join(d, METRICS)))
    : [];
  if (!dirs.length) throw new ApiError('not-found', `results.cluster: no ${METRICS} in ${root} nor in its out/<task>-m<i> folders: not a cluster run, or its training has not written a step yet`);
  return { folder: root, trainings: dirs.map(training) };
}
