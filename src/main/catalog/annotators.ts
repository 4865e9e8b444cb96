// A record's WFDB annotators as the import found them, and where its canonical window starts:
// what the viewer needs to place annotations on either view (record.annotations).
import type { Db } from './database.js';
import type { RecordAnnotator } from './types.js';

export interface RecordAnnotations {
  readonly annotators: RecordAnnotator[];
  /** First source sample of the canonical window; null for rows imported before it was kept. */
  readonly windowStart: number | null;
}

const list = (s: string) => (s === '' ? [] : s.split(','));

/** undefined when the record does not exist. */
export function recordAnnotations(db: Db, id: number): RecordAnnotations | undefined {
  const row = db.prepare('SELECT window_start FROM records WHERE id = ?').get(id) as { window_start: number | null } | undefined;
  if (!row) return undefined;
  const rows = db.prepare('SELECT annotator, count, kinds, codes FROM record_annotators WHERE record_id = ? ORDER BY annotator').all(id) as {
    annotator: string;
    count: number;
    kinds: string;
    codes: string;
  }[];
  return { windowStart: row.window_start, annotators: rows.map((r) => ({ name: r.annotator, count: r.count, kinds: list(r.kinds), codes: list(r.codes) })) };
}
