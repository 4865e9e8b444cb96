// predictions.csv, written by every evaluation (experiment steps, the evaluate job) and read by the
// report, the paired comparisons and the inspect view: `record,patient,<class>...`, one row per
// scored record, probabilities to 6 significant digits.
import { CLASSES } from '../../shared/classes.js';

export class PredictionsCsvError extends Error {}

/** Rows of record id, patient id and one probability per class ([class][record], `classes` order). */
export function predictionsCsv(rows: readonly { readonly id: number; readonly patient: number | string }[], scores: readonly ArrayLike<number>[], classes: readonly string[] = CLASSES.map((c) => c.abbreviation)): string {
  if (scores.length !== classes.length) throw new PredictionsCsvError(`predictions: ${scores.length} score columns for ${classes.length} classes`);
  const lines = [['record', 'patient', ...classes].join(',')];
  rows.forEach((r, i) => lines.push([r.id, r.patient, ...scores.map((s) => s[i].toPrecision(6))].join(',')));
  return lines.join('\n') + '\n';
}

export interface ParsedPredictions {
  readonly records: number[];
  /** The patient column; null in a file without one (`record,<class>...`). */
  readonly patients: string[] | null;
  /** Class columns in file order. */
  readonly classes: string[];
  /** [class][record], `classes` order. */
  readonly scores: Float64Array[];
}

/** A predictions file's text, checked cell by cell; `file` names it in errors. */
export function parsePredictionsCsv(text: string, file: string): ParsedPredictions {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (!lines.length) throw new PredictionsCsvError(`${file} is empty`);
  const head = lines[0].split(',');
  if (head[0] !== 'record') throw new PredictionsCsvError(`${file}: the first column must be 'record', got '${head[0]}'`);
  const first = head[1] === 'patient' ? 2 : 1;
  const classes = head.slice(first);
  const scores = classes.map(() => new Float64Array(lines.length - 1));
  const records: number[] = [];
  const patients: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== head.length) throw new PredictionsCsvError(`${file} line ${i + 1}: ${cells.length} cells, the header has ${head.length}`);
    const id = Number(cells[0]);
    if (!Number.isInteger(id)) throw new PredictionsCsvError(`${file} line ${i + 1}: record id '${cells[0]}' is not an integer`);
    records.push(id);
    if (first === 2) patients.push(cells[1]);
    classes.forEach((_, c) => {
      const v = Number(cells[first + c]);
      if (!Number.isFinite(v)) throw new PredictionsCsvError(`${file} line ${i + 1}: score '${cells[first + c]}' is not a number`);
      scores[c][i - 1] = v;
    });
  }
  return { records, patients: first === 2 ? patients : null, classes, scores };
}

/** The 24 classes' columns in CLASSES order; a file lacking one is refused. */
export function classColumns(p: ParsedPredictions, file: string): Float64Array[] {
  return CLASSES.map((c) => {
    const at = p.classes.indexOf(c.abbreviation);
    if (at < 0) throw new PredictionsCsvError(`${file}: no column for class ${c.abbreviation}`);
    return p.scores[at];
  });
}
