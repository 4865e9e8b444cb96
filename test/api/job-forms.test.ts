// Jobs from the UI's forms through the API: a job of another kind than an experiment (an import of
// a generated folder) submitted, run in its own process, its log tail read back; bad requests
// refused with the field named; resume refused for a finished job. Needs the built job runner
// (npm run build).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api.js';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { JobError, cancelJob, job as jobRow, waitForJob } from '../../src/main/jobs/index.js';
import { CALIPER_RECORD, makeWorkspace, tempDir, writePulseRecord } from './fixtures.js';

let root: string;
let workspace: string;
let api: WorkstationApi;

beforeAll(async () => {
  root = tempDir('job-forms');
  ({ workspace } = await makeWorkspace(root));
  api = createWorkstationApi({ workspace });
}, 120_000);
afterAll(() => {
  api?.close();
  rmSync(root, { recursive: true, force: true });
});

const code = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e as ApiError).code);

/**
 * Stops a job the form started and waits for its end. Cancelled once its process has claimed it
 * (cancelling it while queued does not stop a process already started for it: that claims it
 * anyway), or left to end on its own when it is already over.
 */
async function stopJob(id: number) {
  const t0 = Date.now();
  while (jobRow(workspace, id).state === 'queued') {
    if (Date.now() - t0 > 60_000) throw new Error(`job ${id} never started`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    cancelJob(workspace, id);
  } catch (err) {
    if (!(err instanceof JobError)) throw err; // ended already: nothing to cancel
  }
  return waitForJob(workspace, id, { intervalMs: 200 });
}

describe('jobs.submit, jobs.log, jobs.resume', () => {
  it('runs an import job from the form and reads its log', async () => {
    const folder = join(root, 'more');
    writePulseRecord(folder, { ...CALIPER_RECORD, name: 'pulse002' });
    const before = (await api.call('catalog.summary', {})).records;
    const job = await api.call('jobs.submit', { kind: 'import', folder, dataset: 'wfdb', center: 'Form site', workers: 0 });
    expect(job.kind).toBe('import');
    const end = await waitForJob(workspace, job.id, { intervalMs: 200 });
    expect(end.state).toBe('done');
    const log = await api.call('jobs.log', { id: job.id, tail: 50 });
    expect(log.lines[0]).toMatch(/start import \(attempt 1/);
    expect(log.lines.at(-1)).toMatch(/ done$/);
    expect((await api.call('jobs.log', { id: job.id, tail: 1 })).lines).toEqual([log.lines.at(-1)]);
    const after = await api.call('catalog.summary', {});
    expect(after.records).toBe(before + 1);
    expect(after.per_center['Form site']).toBe(1);
    expect(await code(api.call('jobs.resume', { id: job.id }))).toBe('invalid-input');
  }, 120_000);

  it('refuses bad requests before anything runs', async () => {
    expect(await code(api.call('jobs.submit', { kind: 'experiment', experiment: 'lodo', config: 'no-such-config' }))).toBe('invalid-input');
    expect(await code(api.call('jobs.submit', { kind: 'import', folder: join(root, 'missing') }))).toBe('invalid-input');
    expect(await code(api.call('jobs.submit', { kind: 'evaluate', config: 'small-cpu', bundle: join(root, 'no-bundle') }))).toBe('invalid-input');
    expect(await code(api.call('jobs.submit', { kind: 'evaluate', config: 'small-cpu', bundle: root, folder: root }))).toBe('invalid-input');
    expect(await code(api.call('jobs.submit', { kind: 'train' } as never))).toBe('invalid-input');
    expect(await code(api.call('jobs.submit', { kind: 'experiment', experiment: 'lodo', config: 'small-cpu', engine: 'jax' } as never))).toBe('invalid-input');
    expect(await code(api.call('jobs.resume', { id: 999 }))).toBe('not-found');
    expect((await api.call('jobs.log', { id: 999 })).lines).toEqual([]);
  });

  it("an experiment's engine from the form wins over the config's (the job runs with it)", async () => {
    const job = await api.call('jobs.submit', { kind: 'experiment', experiment: 'lodo', config: 'small-cpu', engine: 'torch' });
    const params = jobRow(workspace, job.id).params as { config: { engine: string; inference: string } };
    expect(params.config.engine).toBe('torch');
    expect(params.config.inference).toBe('auto');
    await stopJob(job.id); // only its parameters matter here
  }, 120_000);

  it("a pretrain or probe job's engine from the form is the job's own; none leaves the config's", async () => {
    const pre = await api.call('jobs.submit', { kind: 'pretrain', config: 'small-cpu', engine: 'torch' });
    const params = jobRow(workspace, pre.id).params as { engine?: string; config: { engine: string } };
    expect(params.engine).toBe('torch');
    expect(params.config.engine).toBe('tfjs'); // the bundled config's, untouched: the job's engine wins when it starts
    const probe = await api.call('jobs.submit', { kind: 'probe', config: 'small-cpu', init: join(workspace, 'no-bundle-needed'), engine: 'auto' });
    expect((jobRow(workspace, probe.id).params as { engine?: string }).engine).toBe('auto');
    const plain = await api.call('jobs.submit', { kind: 'finetune', config: 'small-cpu', init: join(workspace, 'no-bundle-needed') });
    expect((jobRow(workspace, plain.id).params as { engine?: string }).engine).toBeUndefined();
    expect(await code(api.call('jobs.submit', { kind: 'pretrain', config: 'small-cpu', engine: 'jax' } as never))).toBe('invalid-input');
    // Only their parameters matter here (test/engines/torch-single-jobs.test.ts trains on torch).
    for (const id of [pre.id, probe.id, plain.id]) await stopJob(id);
  }, 120_000);
});
