// The child process an import started from the UI runs in (forked by import-jobs.ts): the import
// reads and resamples for minutes, and must not share an event loop with the HTTP server or the
// Electron main process. Options come as one JSON argument; progress goes back over the IPC channel,
// and the desktop app's site key comes over it (site-key-handover.ts) when argv has the flag.
import { runImport } from '../import/pipeline.js';
import { ImportArgumentError } from '../import/errors.js';
import { HANDOVER_FLAG, receiveSiteKey } from '../datasets/site-key-handover.js';

export interface ChildOptions {
  readonly folder: string;
  readonly workspace: string;
  readonly dataset?: string;
  readonly workers?: number;
}

/** Messages the child sends its parent, in order: phase*, progress*, then done or error. */
export type ChildMessage =
  | { type: 'phase'; phase: 'scan' | 'import'; detail: string }
  | { type: 'notice'; text: string }
  | { type: 'progress'; done: number; total: number; failed: number; rate: number; etaS: number | null; elapsedS: number }
  | { type: 'done'; run: number; status: 'done' | 'cancelled'; imported: number; skipped: number; failed: number; seconds: number }
  | { type: 'error'; message: string; usage: boolean };

function send(msg: ChildMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send) return done();
    process.send(msg, undefined, {}, () => done());
  });
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
  const abort = new AbortController();
  // Cancel (SIGTERM) and a parent that went away both stop the import at its next batch boundary.
  process.once('SIGTERM', () => abort.abort());
  process.once('disconnect', () => abort.abort());
  let last = 0;
  try {
    // Started by the desktop app: its keychain-protected site key comes over the IPC channel first.
    if (process.argv.includes(HANDOVER_FLAG)) await receiveSiteKey();
    const summary = await runImport(
      { folder: options.folder, workspace: options.workspace, dataset: options.dataset, workers: options.workers, signal: abort.signal },
      {
        phase: (phase, detail) => void send({ type: 'phase', phase, detail }),
        // The site key moved out of the workspace, a new key made: the user must hear it.
        notice: (text) => void send({ type: 'notice', text }),
        progress: (p) => {
          // A few messages a second are enough for a progress bar.
          const now = performance.now();
          if (now - last < 100 && p.done < p.total) return;
          last = now;
          void send({ type: 'progress', done: p.done, total: p.total, failed: p.failed, rate: p.rate, etaS: p.etaS, elapsedS: p.elapsedS });
        },
      },
    );
    await send({ type: 'done', run: summary.run, status: summary.status, imported: summary.imported, skipped: summary.skipped, failed: summary.failed, seconds: summary.seconds });
  } catch (err) {
    await send({ type: 'error', message: (err as Error).message ?? String(err), usage: err instanceof ImportArgumentError });
    process.exitCode = 1;
  } finally {
    // The last message is out (awaited above): let the process end.
    process.disconnect?.();
  }
}

if (process.send) void main();
