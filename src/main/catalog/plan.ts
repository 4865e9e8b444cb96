// Chooses how a filtered record list is read, so a page stays fast whether the filter keeps most rows
// of a center or a handful of 1.2 million. SQLite's planner sees `ORDER BY id LIMIT n` and prefers the
// id-ordered scan, which is right for dense filters and a full-table walk for sparse ones; the kept
// per-center counts tell us which case we are in.
import type { Db } from './database.js';
import { classMask, type RecordFilter } from './filter.js';

/**
 * - id:    walk records in id order (the center index for one center, the table otherwise), stop early
 * - slice: seek the covering index on (center, sex, age), test classes and name inside it, sort the hits
 * - class: start from record_classes rows of the requested classes
 * - text:  start from the trigram index of record names
 */
export type Driver = 'id' | 'slice' | 'class' | 'text';

/** Below this many name matches, the trigram index is worth considering as the start. */
const TEXT_PROBE = 500;
/** Relative cost of one visited row/entry for each way in (measured on a 1.2M-record catalog). */
const COST = { row: 0.25, entry: 0.07, classRow: 0.3, textRow: 5 } as const;

interface CountRow {
  center_id: number;
  kind: string;
  key: number;
  n: number;
}

export interface Estimate {
  /** Records in the centers the filter covers. */
  readonly scope: number;
  /** Records in the whole catalog. */
  readonly all: number;
  /** Expected matches (independence between filters assumed). */
  readonly matches: number;
  /** Index entries the slice driver visits. */
  readonly sliceEntries: number;
  /** record_classes rows the class driver visits, when classes are filtered. */
  readonly classRows?: number;
  /** Exact name matches, when the trigram probe found few. */
  readonly textRows?: number;
}

export function estimate(db: Db, filter: RecordFilter, centerIds: number[] | undefined): Estimate {
  const rows = db.prepare('SELECT center_id, kind, key, n FROM center_counts').all() as CountRow[];
  const byCenter = new Map<number, CountRow[]>();
  for (const r of rows) {
    const list = byCenter.get(r.center_id) ?? [];
    list.push(r);
    byCenter.set(r.center_id, list);
  }
  const inScope = (id: number) => !centerIds || centerIds.includes(id);
  let all = 0;
  let scope = 0;
  let matches = 0;
  let slice = 0;
  let classRows = 0;
  for (const [centerId, list] of byCenter) {
    const n = list.find((r) => r.kind === 'records')?.n ?? 0;
    all += n;
    if (!inScope(centerId) || n === 0) continue;
    scope += n;
    const count = (kind: string, key: number) => list.find((r) => r.kind === kind && r.key === key)?.n ?? 0;
    const pSex = filter.sex ? count('sex', filter.sex === 'M' ? 0 : 1) / n : 1;
    const pAge = ageFraction(list, filter.ageMin, filter.ageMax, n);
    let pClass = 1;
    if (filter.classes && filter.classes.length > 0) {
      const perClass = filter.classes.map((c) => count('class', c));
      const k = filter.classMatch === 'all' ? Math.min(...perClass) : perClass.reduce((a, b) => a + b, 0);
      classRows += k;
      pClass = Math.min(1, k / n);
    }
    slice += n * pSex * pAge;
    matches += n * pSex * pAge * pClass;
  }
  let textRows: number | undefined;
  if (filter.text) {
    if (textIndexable(filter.text)) {
      const found = db
        .prepare('SELECT count(*) FROM (SELECT rowid FROM record_names WHERE record LIKE ? LIMIT ?)')
        .pluck()
        .get(likePattern(filter.text), TEXT_PROBE + 1) as number;
      if (found <= TEXT_PROBE) textRows = found;
    }
    // A short or common substring: guess how much it keeps (numeric names share digits freely).
    const pText = textRows !== undefined ? textRows / Math.max(all, 1) : filter.text.length === 1 ? 0.5 : 0.1;
    matches *= Math.min(1, pText);
  }
  if (filter.part) matches *= filter.part === 'train' ? 0.8 : 0.1;
  return {
    scope,
    all,
    matches,
    sliceEntries: slice,
    classRows: filter.classes && filter.classes.length > 0 ? classRows : undefined,
    textRows,
  };
}

/** Share of a center's records whose age lies in [min, max], from the per-decade counts. */
function ageFraction(list: CountRow[], min: number | undefined, max: number | undefined, n: number): number {
  if (min === undefined && max === undefined) return 1;
  // Ages are mostly whole years, so [min, max] is taken as [min, max + 1).
  const lo = min ?? 0;
  const hi = max === undefined ? Infinity : max + 1;
  let kept = 0;
  for (const r of list) {
    if (r.kind !== 'age') continue;
    const from = r.key * 10;
    const overlap = Math.max(0, Math.min(hi, from + 10) - Math.max(lo, from));
    kept += (r.n * Math.min(10, overlap)) / 10;
  }
  return Math.min(1, kept / n);
}

/** The cheapest way in for `need` rows (offset + limit + 1 for a page, the cap + 1 for a count). */
export function chooseDriver(est: Estimate, need: number, singleCenter: boolean): Driver {
  const base = singleCenter ? est.scope : est.all;
  const density = base > 0 ? est.matches / base : 1;
  const costs: [Driver, number][] = [
    ['id', COST.row * Math.min(base, need / Math.max(density, 1 / Math.max(base, 1)))],
    ['slice', COST.entry * est.sliceEntries + COST.row * Math.min(est.matches, need * 4)],
  ];
  if (est.classRows !== undefined) costs.push(['class', COST.classRow * est.classRows]);
  if (est.textRows !== undefined) costs.push(['text', COST.textRow * est.textRows]);
  costs.sort((a, b) => a[1] - b[1]);
  return costs[0][0];
}

/** Trigrams need three characters, and LIKE metacharacters would need an ESCAPE the index does not take. */
export function textIndexable(text: string): boolean {
  return text.length >= 3 && !/[\\%_]/.test(text);
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface IdQuery {
  readonly sql: string;
  readonly params: (string | number)[];
}

/**
 * SELECT of matching record ids through the chosen driver. `centerIds` undefined = every center;
 * `allCenterIds` lets the slice driver seek the index when the filter names no center.
 */
export function matchingIds(
  filter: RecordFilter,
  driver: Driver,
  centerIds: number[] | undefined,
  allCenterIds: number[],
  after?: number,
): IdQuery {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const list = (values: readonly (string | number)[]) => {
    params.push(...values);
    return values.map(() => '?').join(',');
  };
  let from = 'records r NOT INDEXED';
  if (driver === 'id' && centerIds?.length === 1) from = 'records r INDEXED BY records_center';
  if (driver === 'slice') from = 'records r INDEXED BY records_filter';
  const centers = centerIds ?? (driver === 'slice' ? allCenterIds : undefined);
  // A unary + keeps SQLite from using an index for the term where the driver says otherwise.
  const centerCol = driver === 'id' && centerIds && centerIds.length > 1 ? '+r.center_id' : 'r.center_id';
  if (centers) where.push(`${centerCol} IN (${list(centers)})`);
  if (driver === 'class') {
    const classes = `class_index IN (${list(filter.classes ?? [])})`;
    const inCenters = centerIds ? ` AND center_id IN (${list(centerIds)})` : '';
    where.push(`r.id IN (SELECT record_id FROM record_classes WHERE ${classes}${inCenters})`);
  }
  if (filter.classes && filter.classes.length > 0) {
    const mask = classMask(filter.classes);
    if (filter.classMatch === 'all') {
      where.push('(r.classes & ?) = ?');
      params.push(mask, mask);
    } else {
      where.push('(r.classes & ?) != 0');
      params.push(mask);
    }
  }
  if (filter.sex) {
    where.push('r.sex = ?');
    params.push(filter.sex);
  }
  if (filter.ageMin !== undefined) {
    where.push('r.age >= ?');
    params.push(filter.ageMin);
  }
  if (filter.ageMax !== undefined) {
    where.push('r.age <= ?');
    params.push(filter.ageMax);
  }
  if (filter.text) {
    // The trigram index serves LIKE only without an ESCAPE clause, so it drives only plain text.
    if (driver === 'text') where.push('r.id IN (SELECT rowid FROM record_names WHERE record LIKE ?)');
    else where.push("r.record LIKE ? ESCAPE '\\'");
    params.push(likePattern(filter.text));
  }
  if (filter.splitSet !== undefined) {
    const part = filter.part ? ' AND part = ?' : '';
    where.push(`r.patient_id IN (SELECT patient_id FROM split_assignments WHERE split_set_id = ?${part})`);
    params.push(filter.splitSet, ...(filter.part ? [filter.part] : []));
  }
  if (after !== undefined) {
    where.push('r.id > ?');
    params.push(after);
  }
  return { sql: `SELECT r.id FROM ${from} WHERE ${where.length ? where.join(' AND ') : '1'}`, params };
}
