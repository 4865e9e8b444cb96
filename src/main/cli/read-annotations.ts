// `openecg read --annotator EXT`: the record's WFDB annotation files, read over the same window
// as the signals, for the --json document ("annotators", "annotations") and the summary.
import { readAnnotations, wfdbHeaderPath, type AnnotationReading, type Reading } from '../formats/index.js';
import { UsageError } from './command.js';
import type { ByteWriter } from './reading-json.js';

const NAME = /^[A-Za-z0-9_~-]+$/;

/** `--annotator atr --annotator qrs,ecg` -> ['atr', 'qrs', 'ecg'] (each once, in order). */
export function annotatorNames(values: readonly string[] | undefined): string[] {
  const names: string[] = [];
  for (const v of values ?? []) {
    for (const raw of v.split(',')) {
      const name = raw.trim();
      if (!NAME.test(name)) throw new UsageError(`--annotator takes annotator names (file extensions such as atr, qrs, pu0), got '${raw}'`);
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

export interface RecordAnnotations {
  readonly readings: readonly AnnotationReading[];
}

/** Reads each annotator of the record at `path` over [from, to). */
export async function readRecordAnnotations(path: string, reading: Reading, names: readonly string[], from?: number, to?: number): Promise<RecordAnnotations> {
  const base = wfdbHeaderPath(path) ?? path.replace(/\.[^./\\]+$/, '');
  const readings: AnnotationReading[] = [];
  for (const name of names) readings.push(await readAnnotations(base, name, { from, to, fs: reading.fs }));
  return { readings };
}

/**
 * Writes the --json fields `"annotators":[...],"annotations":[...]`: per annotator its format and
 * counts, then every annotator's annotations in sample order (file order among equal samples).
 */
export function writeAnnotationFields(w: ByteWriter, a: RecordAnnotations): void {
  const annotators = a.readings.map((r) => ({ annotator: r.annotator, format: r.format, fs: r.fs, total: r.total, count: r.annotations.length, warnings: r.warnings }));
  const rows = a.readings.flatMap((r) => r.annotations.map((x) => ({ sample: x.sample, symbol: x.symbol, subtype: x.subtype, chan: x.chan, num: x.num, aux: x.aux, annotator: r.annotator })));
  if (a.readings.length > 1) rows.sort((p, q) => p.sample - q.sample); // stable: file order kept among equals
  w.text(`"annotators":${JSON.stringify(annotators)},"annotations":${JSON.stringify(rows)}`);
}

/** Summary lines: per annotator the count per symbol and per aux note (rhythms), most frequent first. */
export function annotationSummary(a: RecordAnnotations): string[] {
  const lines: string[] = [];
  for (const r of a.readings) {
    const window = r.annotations.length !== r.total ? ` of ${r.total}` : '';
    lines.push(`annotations ${r.annotator} (${r.format}): ${r.annotations.length}${window}`);
    const symbols = counts(r.annotations.map((x) => x.symbol || '(no symbol)'));
    if (symbols.length) lines.push(`  symbols  ${symbols.join(', ')}`);
    const notes = counts(r.annotations.filter((x) => x.aux !== '').map((x) => x.aux));
    if (notes.length) lines.push(`  aux      ${notes.join(', ')}`);
    for (const w of r.warnings) lines.push(`  warning  ${w}`);
  }
  return lines;
}

function counts(values: string[]): string[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`);
}
