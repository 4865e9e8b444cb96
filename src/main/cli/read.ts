// `openecg read <record> [--from N] [--to N] [--annotator EXT]... [--json]`: one record in
// physical units (and its WFDB annotations), as a summary for people or one JSON document for
// scripts (checks/read_parity.py reads it).
import type { Command } from './command.js';
import { intOption, parseCommandArgs, UsageError } from './command.js';
import { FormatError, readRecord, readWfdbHeaderFile, type Reading } from '../formats/index.js';
import { readingJsonBytes } from './reading-json.js';
import { annotationSummary, annotatorNames, readRecordAnnotations, writeAnnotationFields } from './read-annotations.js';

const USAGE = `usage: openecg read <record> [--from N] [--to N] [--annotator EXT]... [--json]

  <record>          a WFDB record (100, 100.hea, 100.dat), a MATLAB v4 .mat, file.hdf5#row, DICOM,
                    aECG, SCP-ECG, MUSE, Philips, EDF/EDF+ or ISHNE file
  --from N          first sample (default 0)
  --to N            sample after the last (default: the record's end)
  --annotator EXT   also read the WFDB annotation file <record>.EXT (atr, qrs, pu0, ii, ...) over the
                    same window; repeat it or give several comma-separated (atr,qrs); see docs/annotations.md
  --json            one JSON document: header fields, "signals" (physical units, null = invalid),
                    with --annotator "annotators" and "annotations" [{sample, symbol, subtype, chan,
                    num, aux, annotator}] in sample order`;

export const readCommand: Command = {
  name: 'read',
  summary: 'read one record and print its signals in physical units',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      from: { type: 'string' },
      to: { type: 'string' },
      annotator: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one record path');
    const from = intOption(values.from, 'from');
    const to = intOption(values.to, 'to');
    const annotators = annotatorNames(values.annotator);
    const reading = await readRecord(positionals[0], { from, to }).catch((err: unknown) => {
      // A WFDB record of annotations alone (a header with no signals, as Holter beat files come): its annotations still read.
      if (annotators.length && err instanceof FormatError && err.code === 'no-signals') return annotationOnlyReading(positionals[0], err);
      throw err;
    });
    const annotations = annotators.length ? await readRecordAnnotations(positionals[0], reading, annotators, from, to) : undefined;
    if (values.json) process.stdout.write(readingJsonBytes(reading, annotations && ((w) => writeAnnotationFields(w, annotations))));
    else process.stdout.write(summary(reading) + (annotations ? annotationSummary(annotations).join('\n') + '\n' : ''));
    return 0;
  },
};

/** A reading with no signals, from the header alone, for a record whose annotations are asked for. */
function annotationOnlyReading(path: string, why: FormatError): Reading {
  const h = readWfdbHeaderFile(path);
  if (h.segments) throw why;
  return { record: h.record, fs: h.fs, sigLen: 0, totalLen: h.sigLen ?? 0, channels: [], signals: [], comments: h.comments, warnings: ['the record has no signals: only its annotations are read'], ...(h.baseTime ? { baseTime: h.baseTime } : {}), ...(h.baseDate ? { baseDate: h.baseDate } : {}) };
}

function summary(r: Reading): string {
  const seconds = r.sigLen / r.fs;
  const lines = [
    `record   ${r.record}`,
    `fs       ${r.fs} Hz`,
    `length   ${r.sigLen} samples (${seconds.toFixed(3)} s)${r.sigLen !== r.totalLen ? ` of ${r.totalLen}` : ''}`,
  ];
  if (r.baseDate || r.baseTime) lines.push(`start    ${[r.baseDate, r.baseTime].filter(Boolean).join(' ')}`);
  lines.push(`channels ${r.channels.length}`);
  const width = Math.max(4, ...r.channels.map((c) => c.name.length));
  r.channels.forEach((c, i) => {
    const sig = r.signals[i];
    let lo = Infinity;
    let hi = -Infinity;
    let invalid = 0;
    for (let k = 0; k < sig.length; k++) {
      const v = sig[k];
      if (v !== v) invalid++;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const range = lo <= hi ? `${fmtNum(lo)} .. ${fmtNum(hi)} ${c.units}` : 'no valid sample';
    lines.push(
      `  ${String(i).padStart(2)} ${(c.name || '-').padEnd(width)}  ${c.units.padEnd(5)} gain ${c.gain} baseline ${c.baseline} fmt ${c.fmt}  ${range}${invalid ? `, ${invalid} invalid` : ''}`,
    );
  });
  if (r.comments.length) lines.push('comments', ...r.comments.map((c) => `  ${c}`));
  lines.push(r.warnings.length ? 'warnings' : 'warnings none', ...r.warnings.map((w) => `  ${w}`));
  return lines.join('\n') + '\n';
}

function fmtNum(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
