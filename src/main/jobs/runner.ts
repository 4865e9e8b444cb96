// The job process: `node dist/main/jobs/runner.js <workspace> <job id> [--from=<state>] [--site-key-over-ipc]`,
// forked by control.ts (with the flag, the desktop app's site key comes over the IPC channel first).
// It takes the job row (only one process can), runs the work, and records the outcome. SIGTERM or
// SIGINT asks the work to stop at its next step boundary: it writes a checkpoint and the job ends
// 'cancelled', ready to resume.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Catalog, claimJob, finishJob, getJob, RESUMABLE_STATES, updateJobProgress } from '../catalog/index.js';
import { StepCancelled } from '../experiments/steps.js';
import { HANDOVER_FLAG, receiveSiteKey } from '../datasets/site-key-handover.js';
import { runJob } from './handlers.js';
import { FROM_FLAG, jobLog } from './paths.js';
import { ThrottledProgress } from './progress.js';

async function main(argv: string[]): Promise<number> {
  const handover = argv.includes(HANDOVER_FLAG);
  const fromArg = argv.find((a) => a.startsWith(FROM_FLAG))?.slice(FROM_FLAG.length);
  const from = RESUMABLE_STATES.find((s) => s === fromArg);
  const [workspace, idText] = argv.filter((a) => a !== HANDOVER_FLAG && !a.startsWith(FROM_FLAG));
  const id = Number(idText);
  if (!workspace || !Number.isInteger(id)) {
    process.stderr.write('usage: runner.js <workspace> <job id>\n');
    return 2;
  }
  const catalog = Catalog.open(workspace, { create: false });
  const logFile = jobLog(workspace, id);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  const controller = new AbortController();
  const stop = (signal: string) => {
    log(`${signal}: stopping at the next step boundary`);
    controller.abort();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (handover) {
    // Started by the desktop app: its keychain-protected site key comes over the IPC channel. Without
    // it the job still runs; an import that needs the key then says what to do.
    try {
      await receiveSiteKey();
    } catch (err) {
      log(`site key not received: ${(err as Error).message}`);
    }
    // The channel has done its work: it must not keep the job process alive.
    process.channel?.unref();
  }
  try {
    if (!claimJob(catalog, id, process.pid, from)) {
      const row = getJob(catalog, id);
      log(`not started: job ${id} is ${row ? row.state : 'missing'}`);
      return 3;
    }
    const job = getJob(catalog, id)!;
    log(`start ${job.kind} (attempt ${job.attempts}, pid ${process.pid})`);
    const progress = new ThrottledProgress((p) => updateJobProgress(catalog, id, p));
    try {
      const result = await runJob(job.kind, job.params, { workspace, id, signal: controller.signal, progress: (f, m) => progress.update(f, m), log });
      progress.flush();
      // An import that saw the stop request returns normally with status 'cancelled'.
      const cancelled = controller.signal.aborted && (result as { status?: string } | null)?.status === 'cancelled';
      finishJob(catalog, id, { state: cancelled ? 'cancelled' : 'done', result });
      log(cancelled ? 'cancelled' : 'done');
      return 0;
    } catch (err) {
      progress.flush();
      if (err instanceof StepCancelled || controller.signal.aborted) {
        finishJob(catalog, id, { state: 'cancelled', error: (err as Error).message });
        log(`cancelled: ${(err as Error).message}`);
        return 0;
      }
      finishJob(catalog, id, { state: 'failed', error: (err as Error).message });
      log(`failed: ${(err as Error).stack ?? String(err)}`);
      return 1;
    }
  } finally {
    catalog.close();
  }
}

// Exit explicitly: worker threads or a WASM backend must not keep a finished job process alive.
process.exit(await main(process.argv.slice(2)));
