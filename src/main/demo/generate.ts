// generateDemoCorpus: plans the corpus, produces the records (in worker threads when the compiled
// worker is available, else in-process), writes the HDF5 part and index files and the manifest.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEMO_CENTERS } from './centers.js';
import { writeCode15Index, writeMimicIndex, writePtbxlIndex } from './indexes.js';
import { CODE15_LABELS, snomedCodes } from './labels.js';
import type { DemoManifest, DemoRecordEntry } from './manifest.js';
import { planCorpus, type ClassPrevalence, type RecordPlan } from './plan.js';
import { produceRecord, type Produced } from './produce.js';
import { Code15Writer, CODE15_LENGTH } from './writers/code15.js';
import type { DemoBatch } from './worker.js';
import { compiledScriptOrNull } from '../platform/app-paths.js';

export interface DemoOptions {
  readonly seed?: number;
  /** Total records (default 2000). */
  readonly records?: number;
  /** Worker threads (default 2); 1 or less runs in-process, as do runs from TypeScript sources. */
  readonly workers?: number;
  /** Non-rhythm classes drawn at these probabilities instead of the centers' own (plan.ts); default none: the demo's mix. */
  readonly prevalence?: ClassPrevalence;
}

const BATCH = 16;

/** Receives produced records in any order, hands CODE-15 rows to the HDF5 writer in row order. */
class Collector {
  readonly truths = new Map<number, Produced['truth']>();
  private readonly pendingRows = new Map<number, Float32Array>();
  private nextRow = 0;

  constructor(
    private readonly plans: readonly RecordPlan[],
    private readonly code15: Code15Writer | null,
  ) {}

  add(p: Produced): void {
    this.truths.set(p.index, p.truth);
    if (!p.tracing || !this.code15) return;
    this.pendingRows.set(this.plans[p.index].row, p.tracing);
    // Contiguous rows go out as one hyperslab of up to 64 exams.
    while (this.pendingRows.has(this.nextRow)) {
      const first = this.nextRow;
      const block: Float32Array[] = [];
      while (this.pendingRows.has(this.nextRow) && block.length < 64) {
        block.push(this.pendingRows.get(this.nextRow)!);
        this.pendingRows.delete(this.nextRow++);
      }
      const data = new Float32Array(block.length * CODE15_LENGTH * 12);
      block.forEach((row, i) => data.set(row, i * CODE15_LENGTH * 12));
      this.code15.writeRows(first, data);
    }
  }
}

/** The compiled worker; from the TypeScript sources (tests) the corpus is made on this thread. */
function workerScript(): string | null {
  return fileURLToPath(import.meta.url).endsWith('.js') ? compiledScriptOrNull(import.meta.url, 'worker.js') : null;
}

async function runInWorkers(outDir: string, plans: readonly RecordPlan[], workers: number, script: string, sink: (p: Produced) => void): Promise<void> {
  const batches: RecordPlan[][] = [];
  for (let i = 0; i < plans.length; i += BATCH) batches.push(plans.slice(i, i + BATCH));
  let next = 0;
  const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(script, { workerData: { outDir } }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= batches.length) return resolve();
              const batch: DemoBatch = { plans: batches[next++] };
              w.postMessage(batch);
            };
            w.on('message', (msg: { ok: true; results: Produced[] } | { ok: false; error: string }) => {
              if (!msg.ok) return reject(new Error(`demo worker failed: ${msg.error}`));
              for (const r of msg.results) sink(r);
              send();
            });
            w.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

export async function generateDemoCorpus(outDir: string, options: DemoOptions = {}, onProgress?: (done: number, total: number) => void): Promise<DemoManifest> {
  const seed = options.seed ?? 1;
  const plans = planCorpus(seed, options.records ?? 2000, options.prevalence);
  mkdirSync(outDir, { recursive: true });
  for (const c of DEMO_CENTERS) mkdirSync(join(outDir, c.folder), { recursive: true });
  const code15Plans = plans.filter((p) => p.center === 'serra');
  const code15 = code15Plans.length > 0 ? await Code15Writer.open(join(outDir, 'serra', 'exams_part0.hdf5'), code15Plans.length) : null;
  const collector = new Collector(plans, code15);
  let done = 0;
  const sink = (p: Produced) => {
    collector.add(p);
    onProgress?.(++done, plans.length);
  };
  const script = workerScript();
  const workers = Math.max(1, Math.floor(options.workers ?? 2));
  try {
    if (workers > 1 && script && plans.length > BATCH) await runInWorkers(outDir, plans, workers, script, sink);
    else for (const p of plans) sink(produceRecord(outDir, p));
  } finally {
    code15?.close(code15Plans.map((p) => p.id));
  }

  const byCenter = (folder: string) => plans.filter((p) => p.center === folder);
  writePtbxlIndex(join(outDir, 'fjord'), byCenter('fjord'));
  writeMimicIndex(join(outDir, 'prairie'), byCenter('prairie'));
  writeCode15Index(join(outDir, 'serra'), code15Plans);

  const records: DemoRecordEntry[] = plans.map((p) => {
    const center = DEMO_CENTERS.find((c) => c.folder === p.center)!;
    const truth = collector.truths.get(p.index)!;
    let labelled: string[] = [];
    if (center.layout === 'code15') labelled = snomedCodes(CODE15_LABELS.map(([, cls]) => cls).filter((cls) => p.classes.includes(cls)));
    else if (center.labelled) labelled = snomedCodes(p.classes);
    return { path: p.path, center: p.center, record: p.name, patient: p.patient, age: p.age, sex: p.sex, classes: p.classes, labelled, fs: center.fs, samples: p.samples, hr: truth.hr, truth };
  });
  const manifest: DemoManifest = {
    version: 1,
    seed,
    generator: 'openecg-demo',
    ...(options.prevalence && Object.keys(options.prevalence).length ? { prevalence: options.prevalence } : {}),
    centers: DEMO_CENTERS.map((c) => ({ name: c.name, folder: c.folder, adapter: c.adapter, layout: c.layout, fs: c.fs, count: byCenter(c.folder).length })),
    records,
  };
  writeFileSync(join(outDir, 'demo-manifest.json'), JSON.stringify(manifest) + '\n');
  return manifest;
}
