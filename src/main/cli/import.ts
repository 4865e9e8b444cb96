// `openecg import <folder> --workspace <dir> [--dataset NAME] [--workers N] [--json]`
import { ImportArgumentError, runImport, type ImportSummary } from '../import/pipeline.js';
import { terminalProgress } from '../import/progress.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg import <folder> --workspace <dir> [options]

Reads every record in <folder> (its layout detected, or named with --dataset), writes the catalog
and the canonical signal store in <dir>. A second run imports only what is missing.

options:
  --workspace <dir>   workspace folder (created if needed)                      (required)
  --dataset <name>    cinc | ptbxl | mimic | code15 | site | wfdb  (default: detected from the folder)
  --center <name>     center name for every record (default: from the collection's layout)
  --workers <n>       worker threads (default: one per core; 0 = in this thread)
  --rate <hz>         canonical rate, first import of a workspace only            (default 100)
  --length <n>        canonical samples per lead                                  (default 1000)
  --dtype <t>         int16 (microvolts) | float32                                (default int16)
  --window <rule>     cleanest | first | center: which 10 s of a longer record    (default cleanest)
  --keep-times        site data: keep acquisition date and time (default: per-patient offsets; docs/site-data.md)
  --keep-paths        site data: keep file paths and names (default: file keys; docs/site-data.md)
  --site-key <file>   the pseudonymisation key file several workstations of a site share (site data)
                      (made there on first use; default: $OPENECG_SITE_KEY_FILE, else the key of
                      this workspace in the user's configuration folder; docs/site-data.md)
  --json              print one JSON summary on stdout (progress stays on stderr)
exit status: 0 the folder was read (records that failed are listed), 2 unusable arguments, 1 other failure`;

function printSummary(s: ImportSummary): void {
  const lines = [
    `${s.status === 'done' ? 'imported' : 'cancelled after'} ${s.imported} records from ${s.folder} (${s.dataset}) in ${s.seconds} s: ${s.records_per_s} records/s, ${s.MB_per_s} MB/s, ${s.workers} workers`,
    `  seen ${s.records_seen}, already in the catalog ${s.skipped}, failed ${s.failed}, warnings ${s.warnings}${s.clipped_records ? `, ${s.clipped_records} records clipped to +-32.767 mV` : ''}`,
  ];
  const unmapped = (list: readonly { statement: string; records: number }[]) => {
    for (const u of list.slice(0, 10)) lines.push(`    unmapped (${u.records}): ${u.statement}`);
    if (list.length > 10) lines.push(`    ... ${list.length - 10} more: openecg site unmapped --workspace <dir>`);
    if (list.length) lines.push('    map them with: openecg site map --workspace <dir> --statement "<text>" --class <abbreviation>');
  };
  if (s.site) {
    lines.push(`  site: ${s.site.statements} statements, ${s.site.mapped_statements} mapped, ${s.site.unmapped.length} distinct unmapped; ${s.site.records_without_patient_id} records without a patient id`);
    unmapped(s.site.unmapped);
  }
  const c = s.comments;
  if (c && (c.statements > 0 || c.records_with_patient_id > 0)) {
    lines.push(
      `  header comments: ${c.records_with_patient_id} records keyed to ${c.patients_from_ids} patients by their ids (pseudonymised); ${c.statements} diagnosis statements, ${c.mapped_statements} mapped, ${c.unmapped.length} distinct unmapped`,
    );
    unmapped(c.unmapped);
  }
  for (const [code, n] of Object.entries(s.errors_by_code)) lines.push(`  ${n} x ${code}`);
  for (const e of s.errors.slice(0, 10)) lines.push(`  ${e.key || e.path}: ${e.message}`);
  if (s.failed > 10) lines.push(`  ... every error is kept in the catalog (import run ${s.run})`);
  process.stdout.write(lines.join('\n') + '\n');
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a folder of ECG records into a workspace (catalog + canonical store)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      dataset: { type: 'string' },
      center: { type: 'string' },
      workers: { type: 'string' },
      rate: { type: 'string' },
      length: { type: 'string' },
      dtype: { type: 'string' },
      window: { type: 'string' },
      json: { type: 'boolean', default: false },
      'keep-times': { type: 'boolean' },
      'keep-paths': { type: 'boolean' },
      'site-key': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one folder to import');
    if (values['site-key'] !== undefined && !values['site-key'].trim()) throw new UsageError('--site-key wants the path of a key file');
    if (!values.workspace) throw new UsageError('--workspace <dir> is required');
    const rate = values.rate === undefined ? undefined : Number(values.rate);
    if (rate !== undefined && !(rate > 0)) throw new UsageError(`--rate must be a positive number of Hz, got '${values.rate}'`);
    const dtype = values.dtype;
    if (dtype !== undefined && dtype !== 'int16' && dtype !== 'float32') throw new UsageError(`--dtype must be int16 or float32, got '${dtype}'`);
    const window = values.window;
    if (window !== undefined && !['cleanest', 'first', 'center'].includes(window)) throw new UsageError(`--window must be cleanest, first or center, got '${window}'`);
    const bar = terminalProgress('import');
    let lastProgress: Parameters<typeof bar.end>[0] | undefined;
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const summary = await runImport(
        {
          folder: positionals[0],
          workspace: values.workspace,
          dataset: values.dataset,
          center: values.center,
          workers: intOption(values.workers, 'workers'),
          store: { rate, length: intOption(values.length, 'length'), dtype: dtype as 'int16' | 'float32' | undefined, window: window as 'cleanest' | undefined },
          site: { keepTimes: values['keep-times'], keepPaths: values['keep-paths'], keyFile: values['site-key'] },
          signal: abort.signal,
        },
        {
          phase: (phase, detail) => process.stderr.write(`${phase}: ${detail}\n`),
          progress: (p) => {
            lastProgress = p;
            bar.update(p);
          },
        },
      );
      if (lastProgress) bar.end(lastProgress);
      if (values.json) printJson(summary);
      else printSummary(summary);
      return 0;
    } catch (err) {
      if (err instanceof ImportArgumentError) throw new UsageError(err.message);
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
