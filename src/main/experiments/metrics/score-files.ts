// Reads the CSV inputs of `openecg score` into an EvaluationInput: labels (record + one 0/1 column per
// class), scores (the same columns, numbers), optional thresholds (one row) and patients (record,patient).
// Every problem is a FormatError naming the file, which the command turns into exit status 2.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../datasets/csv.js';
import { FormatError } from '../../formats/types.js';
import { DEFAULT_THRESHOLD } from './threshold.js';
import type { EvaluationInput } from './evaluate.js';

export interface ScoreFiles {
  readonly labels: string;
  readonly scores: string;
  readonly thresholds?: string;
  readonly patients?: string;
}

export interface LoadedScoreSet {
  readonly input: EvaluationInput;
  /** Record ids in the order of the labels file (the column order of input arrays). */
  readonly records: readonly string[];
  readonly thresholdSource: 'file' | 'default';
  readonly warnings: readonly string[];
}

interface Table {
  readonly path: string;
  readonly columns: readonly string[];
  readonly rows: readonly string[][];
}

const SHOWN = 5;

function listed(items: readonly string[]): string {
  return items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? ` and ${items.length - SHOWN} more` : '');
}

function readTable(path: string): Table {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FormatError('score-unreadable', `cannot read ${path}: ${(err as Error).message}`);
  }
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new FormatError('score-empty', `${path} is empty (no header row)`);
  const columns = header.map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new FormatError('score-columns', `${path}: column '${c}' appears twice`);
    seen.add(c);
  }
  rows.forEach((row, r) => {
    if (row.length !== columns.length) {
      throw new FormatError('score-row', `${path} line ${r + 2}: ${row.length} fields, the header has ${columns.length}`);
    }
  });
  return { path, columns, rows };
}

function requireColumns(table: Table, required: readonly string[]): void {
  const missing = required.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) {
    throw new FormatError('score-columns', `${table.path} lacks column${missing.length > 1 ? 's' : ''} ${listed(missing)} (found: ${table.columns.join(', ')})`);
  }
}

function extraColumns(table: Table, known: readonly string[], warnings: string[]): void {
  const extra = table.columns.filter((c) => !known.includes(c));
  if (extra.length > 0) warnings.push(`${table.path}: ignored column${extra.length > 1 ? 's' : ''} ${listed(extra)}`);
}

/** Record id -> row, rejecting empty and duplicated ids. */
function rowsByRecord(table: Table): Map<string, string[]> {
  const at = table.columns.indexOf('record');
  const map = new Map<string, string[]>();
  table.rows.forEach((row, r) => {
    const id = row[at].trim();
    if (id === '') throw new FormatError('score-record', `${table.path} line ${r + 2}: empty record id`);
    if (map.has(id)) throw new FormatError('score-record', `${table.path}: record '${id}' appears twice`);
    map.set(id, row);
  });
  return map;
}

function numberAt(table: Table, row: readonly string[], column: string, what: string, line: string): number {
  const text = row[table.columns.indexOf(column)].trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new FormatError('score-value', `${table.path} ${line}, column ${column}: '${text}' is not ${what}`);
  return value;
}

/** A thresholds file: the class header and one row of numbers (`openecg score --thresholds`, `openecg evaluate --thresholds`). */
export function loadThresholds(path: string, classes: readonly string[], warnings: string[] = []): number[] {
  const t = readTable(path);
  requireColumns(t, classes);
  extraColumns(t, classes, warnings);
  if (t.rows.length !== 1) throw new FormatError('score-row', `${t.path}: expected one row of thresholds, found ${t.rows.length}`);
  return classes.map((name) => numberAt(t, t.rows[0], name, 'a number', 'line 2'));
}

/**
 * The classes a score set is about: `known` (our 24) when the labels file has them all, else the
 * labels file's own columns (a foreign model's outputs, as `openecg evaluate` writes labels.csv).
 */
export function scoreClasses(labelsPath: string, known: readonly string[]): string[] {
  const t = readTable(labelsPath);
  if (known.every((c) => t.columns.includes(c))) return [...known];
  const own = t.columns.filter((c) => c !== 'record');
  return t.columns.includes('record') && own.length ? own : [...known];
}

export function loadScoreSet(files: ScoreFiles, classes: readonly string[]): LoadedScoreSet {
  const warnings: string[] = [];
  const labelTable = readTable(files.labels);
  const scoreTable = readTable(files.scores);
  for (const t of [labelTable, scoreTable]) {
    requireColumns(t, ['record', ...classes]);
    extraColumns(t, ['record', ...classes], warnings);
  }
  const labelRows = rowsByRecord(labelTable);
  const scoreRows = rowsByRecord(scoreTable);
  if (labelRows.size === 0) throw new FormatError('score-empty', `${files.labels} has no records`);
  const records = [...labelRows.keys()];
  const missing = records.filter((r) => !scoreRows.has(r));
  if (missing.length > 0) throw new FormatError('score-records', `${files.scores} lacks ${missing.length} record${missing.length > 1 ? 's' : ''} of ${files.labels}: ${listed(missing)}`);
  const extra = [...scoreRows.keys()].filter((r) => !labelRows.has(r));
  if (extra.length > 0) throw new FormatError('score-records', `${files.scores} has ${extra.length} record${extra.length > 1 ? 's' : ''} not in ${files.labels}: ${listed(extra)}`);

  const labels = classes.map(() => new Uint8Array(records.length));
  const scores = classes.map(() => new Float64Array(records.length));
  records.forEach((id, i) => {
    const labelRow = labelRows.get(id)!;
    const scoreRow = scoreRows.get(id)!;
    classes.forEach((name, c) => {
      const label = numberAt(labelTable, labelRow, name, '0 or 1', `record ${id}`);
      if (label !== 0 && label !== 1) throw new FormatError('score-value', `${files.labels} record ${id}, column ${name}: label ${label} is not 0 or 1`);
      labels[c][i] = label;
      scores[c][i] = numberAt(scoreTable, scoreRow, name, 'a number', `record ${id}`);
    });
  });

  const thresholds = files.thresholds ? loadThresholds(files.thresholds, classes, warnings) : classes.map(() => DEFAULT_THRESHOLD);

  let patients: string[] | undefined;
  if (files.patients) {
    const p = readTable(files.patients);
    requireColumns(p, ['record', 'patient']);
    const patientOf = new Map<string, string>();
    const recordAt = p.columns.indexOf('record');
    const patientAt = p.columns.indexOf('patient');
    p.rows.forEach((row, r) => {
      const id = row[recordAt].trim();
      const patient = row[patientAt].trim();
      if (patient === '') throw new FormatError('score-value', `${p.path} line ${r + 2}: empty patient id`);
      const before = patientOf.get(id);
      if (before !== undefined && before !== patient) throw new FormatError('score-record', `${p.path}: record '${id}' has two patients (${before}, ${patient})`);
      patientOf.set(id, patient);
    });
    const without = records.filter((r) => !patientOf.has(r));
    if (without.length > 0) throw new FormatError('score-records', `${p.path} has no patient for ${without.length} record${without.length > 1 ? 's' : ''}: ${listed(without)}`);
    patients = records.map((r) => patientOf.get(r)!);
  }

  return {
    input: { classes, labels, scores, thresholds, ...(patients ? { patients } : {}) },
    records,
    thresholdSource: files.thresholds ? 'file' : 'default',
    warnings,
  };
}
