// Filtered, paged record lists and single-record detail.
import { CLASSES } from '../../shared/classes.js';
import type { Db } from './database.js';
import { maskToAbbreviations, type Page, type RecordFilter } from './filter.js';
import { chooseDriver, estimate, matchingIds } from './plan.js';
import type { RecordDetail, RecordRow } from './types.js';

/** Counting stops here: past it the UI shows "10,000+" rather than wait for an exact figure. */
export const COUNT_CAP = 10_000;

export interface RecordPage {
  readonly rows: RecordRow[];
  /** Matching records: exact when totalExact, else COUNT_CAP (more exist). */
  readonly total: number;
  readonly totalExact: boolean;
  /** total when exact, else a guess from the kept per-center counts (filters assumed independent). */
  readonly estimated: number;
  /** Pass as page.after for the next page; null on the last page. */
  readonly next: number | null;
}

interface RawRow {
  id: number;
  record: string;
  center: string;
  patient_id: number;
  age: number | null;
  sex: 'M' | 'F' | null;
  fs: number;
  duration_s: number;
  n_leads: number;
  classes: number;
  missing_leads: string;
}

const COLUMNS = `r.id, r.record, c.name AS center, r.patient_id, r.age, r.sex, r.fs, r.duration_s, r.n_leads,
  r.classes, r.missing_leads`;

export function queryRecords(db: Db, filter: RecordFilter, page: Page): RecordPage {
  const centerIds = filter.centers ? resolveCenters(db, filter.centers) : undefined;
  if (centerIds?.length === 0) return { rows: [], total: 0, totalExact: true, estimated: 0, next: null };
  const allCenterIds = db.prepare('SELECT id FROM centers ORDER BY id').pluck().all() as number[];
  const est = estimate(db, filter, centerIds);
  const single = centerIds?.length === 1;
  const offset = page.offset ?? 0;
  const pageQuery = matchingIds(filter, chooseDriver(est, offset + page.limit + 1, single), centerIds, allCenterIds, page.after);
  // Ids first (index-only where the driver allows), then the columns of at most one page of rows.
  const ids = db
    .prepare(`${pageQuery.sql} ORDER BY r.id LIMIT ? OFFSET ?`)
    .pluck()
    .all(...pageQuery.params, page.limit + 1, offset) as number[];
  const more = ids.length > page.limit;
  const shownIds = ids.slice(0, page.limit);
  const rows = shownIds.length
    ? (db
        .prepare(
          `SELECT ${COLUMNS} FROM records r JOIN centers c ON c.id = r.center_id
           WHERE r.id IN (${shownIds.map(() => '?').join(',')}) ORDER BY r.id`,
        )
        .all(...shownIds) as RawRow[])
    : [];
  let total = fromCounters(db, filter, centerIds);
  let totalExact = true;
  if (total === undefined) {
    const countQuery = matchingIds(filter, chooseDriver(est, COUNT_CAP + 1, single), centerIds, allCenterIds);
    const n = db.prepare(`SELECT count(*) FROM (${countQuery.sql} LIMIT ?)`).pluck().get(...countQuery.params, COUNT_CAP + 1) as number;
    totalExact = n <= COUNT_CAP;
    total = Math.min(n, COUNT_CAP);
  }
  return {
    rows: rows.map(toRow),
    total,
    totalExact,
    estimated: totalExact ? total : Math.max(COUNT_CAP, Math.round(est.matches)),
    next: more ? shownIds[shownIds.length - 1] : null,
  };
}

/** Filters on centers and at most one class are exactly the kept per-center counts. */
function fromCounters(db: Db, filter: RecordFilter, centerIds: number[] | undefined): number | undefined {
  const other = filter.sex || filter.ageMin !== undefined || filter.ageMax !== undefined || filter.text || filter.splitSet;
  const classes = filter.classes ?? [];
  if (other || classes.length > 1) return undefined;
  const kind = classes.length === 1 ? 'class' : 'records';
  const key = classes.length === 1 ? classes[0] : 0;
  const inCenters = centerIds ? `AND center_id IN (${centerIds.map(() => '?').join(',')})` : '';
  return db
    .prepare(`SELECT coalesce(sum(n), 0) FROM center_counts WHERE kind = ? AND key = ? ${inCenters}`)
    .pluck()
    .get(kind, key, ...(centerIds ?? [])) as number;
}

export function resolveCenters(db: Db, names: readonly string[]): number[] {
  if (names.length === 0) return [];
  const rows = db
    .prepare(`SELECT id FROM centers WHERE name IN (${names.map(() => '?').join(',')}) ORDER BY id`)
    .pluck()
    .all(...names) as number[];
  return rows;
}

function toRow(r: RawRow): RecordRow {
  return {
    id: r.id,
    record: r.record,
    center: r.center,
    patientId: r.patient_id,
    age: r.age,
    sex: r.sex,
    fs: r.fs,
    durationS: r.duration_s,
    nLeads: r.n_leads,
    classes: maskToAbbreviations(r.classes),
    missingLeads: splitList(r.missing_leads),
  };
}

function splitList(s: string | null): string[] {
  return s ? s.split(',') : [];
}

export function getRecord(db: Db, id: number): RecordDetail | undefined {
  const r = db
    .prepare(
      `SELECT ${COLUMNS}, r.source_key, r.source_path, r.format, r.sig_len, r.leads, r.recorded_at, r.shard, r.offset,
        r.import_run_id, r.padded_s, p.key AS patient_key, p.own_record
       FROM records r JOIN centers c ON c.id = r.center_id JOIN patients p ON p.id = r.patient_id WHERE r.id = ?`,
    )
    .get(id) as
    | (RawRow & {
        source_key: string;
        source_path: string;
        format: string;
        sig_len: number;
        leads: string;
        recorded_at: string | null;
        shard: number | null;
        offset: number | null;
        import_run_id: number | null;
        padded_s: number;
        patient_key: string;
        own_record: number;
      })
    | undefined;
  if (!r) return undefined;
  const labels = db.prepare('SELECT code, class_index FROM labels WHERE record_id = ? ORDER BY code').all(id) as {
    code: string;
    class_index: number | null;
  }[];
  return {
    ...toRow(r),
    sourceKey: r.source_key,
    sourcePath: r.source_path,
    format: r.format,
    sigLen: r.sig_len,
    leads: splitList(r.leads),
    recordedAt: r.recorded_at,
    patientKey: r.patient_key,
    ownRecord: r.own_record === 1,
    shard: r.shard,
    offset: r.offset,
    importRunId: r.import_run_id,
    paddedS: r.padded_s,
    labels: labels.map((l) => ({
      code: l.code,
      classIndex: l.class_index,
      abbreviation: l.class_index === null ? null : CLASSES[l.class_index].abbreviation,
    })),
  };
}
