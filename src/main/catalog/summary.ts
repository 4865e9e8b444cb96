// Per-center and per-class counts, read from center_counts (kept by the insert transaction).
import { CLASSES } from '../../shared/classes.js';
import type { Db } from './database.js';
import type { CatalogSummary, CenterSummary } from './types.js';

interface CountRow {
  center_id: number;
  kind: string;
  key: number;
  n: number;
}

export function summarize(db: Db): CatalogSummary {
  const centers = db.prepare('SELECT id, name FROM centers ORDER BY name').all() as { id: number; name: string }[];
  const rows = db
    .prepare("SELECT center_id, kind, key, n FROM center_counts WHERE kind IN ('records', 'patients', 'class')")
    .all() as CountRow[];
  const byCenter = new Map<number, { records: number; patients: number; perClass: number[] }>();
  for (const c of centers) byCenter.set(c.id, { records: 0, patients: 0, perClass: new Array(CLASSES.length).fill(0) });
  for (const row of rows) {
    const entry = byCenter.get(row.center_id);
    if (!entry) continue;
    if (row.kind === 'records') entry.records += row.n;
    else if (row.kind === 'patients') entry.patients += row.n;
    else if (row.key >= 0 && row.key < CLASSES.length) entry.perClass[row.key] += row.n;
  }
  const totalPerClass = new Array<number>(CLASSES.length).fill(0);
  const summaries: CenterSummary[] = [];
  const perCenter: Record<string, number> = {};
  let records = 0;
  let patients = 0;
  for (const c of centers) {
    const e = byCenter.get(c.id)!;
    // A center whose records were all removed stays in `centers` but is not worth listing.
    if (e.records === 0) continue;
    records += e.records;
    patients += e.patients;
    perCenter[c.name] = e.records;
    e.perClass.forEach((n, i) => (totalPerClass[i] += n));
    summaries.push({ center: c.name, records: e.records, patients: e.patients, per_class: nonZero(e.perClass) });
  }
  return { records, patients, per_center: perCenter, centers: summaries, per_class: nonZero(totalPerClass) };
}

function nonZero(perClass: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  perClass.forEach((n, i) => {
    if (n > 0) out[CLASSES[i].abbreviation] = n;
  });
  return out;
}

/** Recomputes center_counts from the records (repair, and the check that the kept counts are right). */
export function recount(db: Db): void {
  db.transaction(() => {
    db.exec('DELETE FROM center_counts');
    db.exec(`INSERT INTO center_counts (center_id, kind, key, n)
      SELECT center_id, 'records', 0, count(*) FROM records GROUP BY center_id`);
    db.exec(`INSERT INTO center_counts (center_id, kind, key, n)
      SELECT center_id, 'patients', 0, count(*) FROM patients p
      WHERE EXISTS (SELECT 1 FROM records r WHERE r.patient_id = p.id) GROUP BY center_id`);
    db.exec(`INSERT INTO center_counts (center_id, kind, key, n)
      SELECT center_id, 'class', class_index, count(*) FROM record_classes GROUP BY center_id, class_index`);
    db.exec(`INSERT INTO center_counts (center_id, kind, key, n)
      SELECT center_id, 'sex', CASE sex WHEN 'M' THEN 0 ELSE 1 END, count(*) FROM records
      WHERE sex IS NOT NULL GROUP BY center_id, sex`);
    db.exec(`INSERT INTO center_counts (center_id, kind, key, n)
      SELECT center_id, 'age', max(0, min(12, CAST(age / 10 AS INTEGER))), count(*) FROM records
      WHERE age IS NOT NULL GROUP BY 1, 3`);
  })();
}
