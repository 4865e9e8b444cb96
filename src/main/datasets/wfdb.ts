// Any folder of WFDB records (MIT-BIH, PTB Diagnostic, a site's own export, ...): every '.hea'
// is a record, except segment headers a multi-segment master owns (read through the master).
// Center = the imported folder's name (no other source of it); patient = null (WFDB headers carry
// no patient id); age/sex/codes from '#Age:', '#Sex:', '#Dx:' comments where a header has them.
import { basename, dirname } from 'node:path';
import type { WfdbFramedReading, WfdbReading } from '../formats/index.js';
import { commentFields, parseAge, parseDx, parseSex } from './header-facts.js';
import type { Candidate, DatasetAdapter, Loaded, RecordMeta, ScanReport } from './types.js';
import { ANNOTATORS_HINT, withAnnotations } from './annotators.js';
import { hasExtension, walkFiles } from './walk.js';
import { scanHeaders } from './wfdb-scan.js';
import { readWfdbRecord, readWfdbRecordFramed, recordedAt, wfdbFormatName, wfdbSourcePath } from './wfdb-read.js';

const NAME = 'wfdb';

/** A plain WFDB record: its header comments, the center from the scan (or the folder). */
function describe<R extends WfdbReading | WfdbFramedReading>(candidate: Candidate, reading: R): Loaded<R> {
  const header = reading.header;
  const fields = commentFields(header.comments);
  const hinted = candidate.hints?.center;
  const meta: RecordMeta = {
    record: header.record || basename(candidate.path),
    center: typeof hinted === 'string' ? hinted : basename(dirname(candidate.path)),
    patient: null,
    age: parseAge(fields.get('age')),
    sex: parseSex(fields.get('sex')),
    codes: parseDx(fields.get('dx')),
    recordedAt: recordedAt(header),
    sourcePath: wfdbSourcePath(candidate.path, header),
    format: wfdbFormatName(header),
    notes: [],
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
