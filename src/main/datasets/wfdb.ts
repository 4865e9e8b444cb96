// Any folder of WFDB records (MIT-BIH, PTB Diagnostic, LUDB, INCART, a site's own export, ...): every
// '.hea' is a record, except segment headers a multi-segment master owns (read through the master).
// Center = the imported folder's name (no other source of it); age/sex from '#Age:', '#Sex:'; the
// patient id, '#Dx:' codes and free-text diagnoses from the comment forms of header-comments.ts
// (docs/wfdb-comments.md); a record naming no patient is its own patient.
import { basename, dirname } from 'node:path';
import type { WfdbFramedReading, WfdbReading } from '../formats/index.js';
import { commentFacts, folderPatientId, labelsFromComments } from './header-comments.js';
import { parseAge, parseSex } from './header-facts.js';
import type { Candidate, DatasetAdapter, Loaded, RecordMeta, ScanReport } from './types.js';
import { ANNOTATORS_HINT, withAnnotations } from './annotators.js';
import { hasExtension, walkFiles } from './walk.js';
import { scanHeaders } from './wfdb-scan.js';
import { readWfdbRecord, readWfdbRecordFramed, recordedAt, wfdbFormatName, wfdbSourcePath } from './wfdb-read.js';

const NAME = 'wfdb';

/** A plain WFDB record: its header comments, the center from the scan (or the folder). */
function describe<R extends WfdbReading | WfdbFramedReading>(candidate: Candidate, reading: R): Loaded<R> {
  const header = reading.header;
  const facts = commentFacts(header.comments);
  const labels = labelsFromComments(facts);
  const patientId = facts.patientId ?? folderPatientId(candidate.path);
  const hinted = candidate.hints?.center;
  const meta: RecordMeta = {
    record: header.record || basename(candidate.path),
    center: typeof hinted === 'string' ? hinted : basename(dirname(candidate.path)),
    patient: null,
    ...(patientId !== null ? { patientId } : {}),
    age: parseAge(facts.age),
    sex: parseSex(facts.sex),
    codes: labels.codes,
    recordedAt: recordedAt(header),
    sourcePath: wfdbSourcePath(candidate.path, header),
    format: wfdbFormatName(header),
    notes: labels.notes,
    statements: labels.statements,
  };
  return { meta, reading };
}

export const wfdbAdapter: DatasetAdapter = {
  name: NAME,
  description: 'plain WFDB records (.hea + signal files), center = folder name',

  async detect(folder: string): Promise<number> {
    for await (const _ of walkFiles(folder, null, { accept: (n) => hasExtension(n, '.hea'), limit: 1, maxDirectories: 2000 })) return 10;
    return 0;
  },

  async *scan(folder: string, report: ScanReport): AsyncIterable<Candidate> {
    const center = basename(folder);
    for await (const entry of scanHeaders(folder, report)) {
      yield { key: entry.key, adapter: NAME, path: entry.path, hints: entry.annotators.length > 0 ? { center, [ANNOTATORS_HINT]: entry.annotators.join(',') } : { center } };
    }
  },

  load: (candidate: Candidate) => readWfdbRecord(candidate.path).then((reading) => withAnnotations(candidate, describe(candidate, reading))),
  loadFramed: (candidate: Candidate) => readWfdbRecordFramed(candidate.path).then((reading) => withAnnotations(candidate, describe(candidate, reading))),
};
