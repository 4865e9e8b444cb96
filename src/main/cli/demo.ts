// `openecg demo --workspace <dir> [--records N] [--seed S] [--workers N] [--json]`
import { RateMeter, terminalProgress } from '../import/progress.js';
import { defaultHospitalSite, makeDemoWorkspace } from '../workspace/demo.js';
import { runDemoExperiments } from '../workspace/demo-experiments.js';
import { ensureDemoModels } from '../workspace/demo-models.js';
import { waitForJob, type JobRow } from '../jobs/index.js';
import { experimentTable, resolveConfig } from './experiment.js';
import { jobLine } from './jobs.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg demo --workspace <dir> [--records N] [--seed S] [--workers N] [--config C] [--no-experiments] [--json]

Generates the built-in synthetic multi-center corpus (12-lead ECGs from a cardiac dipole model,
written in the real file layouts: PhysioNet/CinC .hea+.mat, WFDB 16 and 212, PTB-XL, MIMIC-IV-ECG
and CODE-15% style, plus a "hospital site" of DICOM, HL7 aECG and SCP-ECG files that carry fake
patient identities, imported with the identities kept out), imports every center through its adapter, stores the patient splits, LODO
folds and scaling subsets, trains the demo models (a small MAE and a linear-probe classifier on it,
what \`openecg start\` trains on first start), then runs the small CPU experiment config
(pre-training, probing, LODO and data scaling) as jobs. A second run reuses what exists.

options:
  --workspace <dir>  the workspace (the corpus goes into <dir>/demo-corpus)   (required)
  --records <n>      records to generate                                       (default 2000)
  --seed <s>         generator seed                                             (default 1)
  --workers <n>      worker threads                                             (default: one per core)
  --hospital-site <n> ECGs of the hospital-site center (0: none)               (default 5% of --records, at least 10)
  --config <c>       experiment config file or bundled name                     (default small-cpu)
  --no-experiments   generate and import only (no demo models, no experiments)
  --json             one JSON summary on stdout`;

/** Trains (or reuses, or resumes) the demo models and waits for them. */
async function demoModels(workspace: string, onUpdate: (row: JobRow) => void) {
  const t0 = performance.now();
  const job = ensureDemoModels(workspace);
  const end = await waitForJob(workspace, job.id, { ...(job.child ? { child: job.child } : {}), onUpdate });
  return { job: job.id, reused: job.action === 'done', state: end.state, minutes: +((performance.now() - t0) / 60000).toFixed(2), error: end.error };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'generate and import the built-in multi-center demo corpus, then run the small experiments',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { workspace: { type: 'string' }, records: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, config: { type: 'string' }, 'hospital-site': { type: 'string' }, 'no-experiments': { type: 'boolean' }, json: { type: 'boolean' } },
      false,
    );
    const configFile = values['no-experiments'] ? null : resolveConfig(values.config ?? 'small-cpu');
    if (!values.workspace) throw new UsageError('--workspace is required');
    const records = intOption(values.records, 'records', 2000)!;
    if (records < 1) throw new UsageError('--records must be at least 1');
    const generateBar = terminalProgress('generate');
    const meter = new RateMeter();
    let importBar = terminalProgress('import');
    let last: ReturnType<RateMeter['progress']> | undefined;
    const summary = await makeDemoWorkspace(
      {
        workspace: values.workspace,
        records,
        seed: intOption(values.seed, 'seed', 1),
        workers: intOption(values.workers, 'workers'),
        hospitalSite: intOption(values['hospital-site'], 'hospital-site', defaultHospitalSite(records)),
      },
      {
        generate: (done, total) => {
          last = meter.progress(done, total, 0);
          if (done >= total) generateBar.end(last);
          else generateBar.update(last);
        },
        center: (name) => {
          importBar = terminalProgress(`import ${name}`);
        },
        progress: (p) => (p.done >= p.total ? importBar.end(p) : importBar.update(p)),
      },
    );
    let lastMessage = '';
    const follow = (what: string) => (row: JobRow) => {
      const line = `${what}: ${jobLine(row)}`.slice(0, 150);
      if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
      else if (row.message !== lastMessage && Math.round(row.progress * 100) % 10 === 0) process.stderr.write(`${line}\n`);
      lastMessage = row.message ?? '';
    };
    // The same demo models `openecg start` trains on first start (a small MAE and a classifier).
    const models = configFile ? await demoModels(summary.workspace, follow('demo models')) : null;
    if (process.stderr.isTTY && models) process.stderr.write('\n');
    const experiments = configFile
      ? await runDemoExperiments(summary.workspace, configFile, (experiment, row) => follow(experiment)(row))
      : [];
    if (process.stderr.isTTY && experiments.length) process.stderr.write('\n');
    if (values.json) printJson({ ...summary, demo_models: models, experiments });
    else {
      const lines = [`demo workspace ${summary.workspace}: ${summary.records} records${summary.generated ? ` (generated in ${summary.generate_seconds} s)` : ' (corpus reused)'}`];
      for (const c of summary.centers) lines.push(`  ${c.name.padEnd(22)} ${c.adapter.padEnd(7)} imported ${c.imported}, already there ${c.skipped}, failed ${c.failed}`);
      lines.push(`  patient split ${summary.split.id}: train ${summary.split.patients.train}, val ${summary.split.patients.val}, test ${summary.split.patients.test}`);
      if (models) lines.push(`demo models (job ${models.job}, ${models.reused ? 'reused' : `${models.minutes} min`}): ${models.state}${models.error ? `: ${models.error}` : ''}`);
      for (const e of experiments) {
        lines.push(`${e.experiment} (job ${e.job}, ${e.reused ? 'reused' : `${e.minutes} min`}): ${e.state}${e.error ? `: ${e.error}` : ''}`);
        if (e.summary) lines.push(experimentTable(e.summary).trimEnd());
      }
      process.stdout.write(lines.join('\n') + '\n');
    }
    return summary.centers.some((c) => c.failed > 0) || (models && models.state !== 'done') || experiments.some((e) => e.state !== 'done') ? 1 : 0;
  },
};
