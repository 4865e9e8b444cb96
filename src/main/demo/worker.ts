// Worker thread entry of the demo generator: produces the records it is sent, replies with truths
// (and CODE-15 tracings, transferred).
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordPlan } from './plan.js';
import { produceRecord, type Produced } from './produce.js';

export interface DemoBatch {
  readonly plans: readonly RecordPlan[];
}

const outDir = (workerData as { outDir: string }).outDir;

parentPort?.on('message', (batch: DemoBatch) => {
  try {
    const results: Produced[] = batch.plans.map((p) => produceRecord(outDir, p));
    const transfer = results.flatMap((r) => (r.tracing ? [r.tracing.buffer as ArrayBuffer] : []));
    parentPort?.postMessage({ ok: true, results }, transfer);
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: (err as Error).stack ?? String(err) });
  }
});
