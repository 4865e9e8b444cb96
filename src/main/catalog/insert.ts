// Batch insert of records with their centers, patients, labels and the counts the summary reads.
import { classOfCode } from '../../shared/classes.js';
import { CatalogError, type Db } from './database.js';
import type { InsertResult, NewRecord } from './types.js';

type CountKey = string; // `${centerId}:${kind}:${key}`

export class RecordWriter {
  private readonly centerIds = new Map<string, number>();
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      insertCenter: db.prepare('INSERT INTO centers (name) VALUES (?)'),
      findPatient: db.prepare('SELECT id FROM patients WHERE center_id = ? AND key = ? AND own_record = ?').pluck(),
      insertPatient: db.prepare('INSERT INTO patients (center_id, key, own_record) VALUES (?, ?, ?)'),
      hasKey: db.prepare('SELECT 1 FROM records WHERE source_key = ?').pluck(),
      insertRecord: db.prepare(`INSERT INTO records (center_id, patient_id, source_key, record, source_path, format, fs,
        sig_len, duration_s, n_leads, leads, age, sex, recorded_at, missing_leads, classes, shard, offset, import_run_id, window_start, padded_s)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertName: db.prepare('INSERT INTO record_names (rowid, record) VALUES (?, ?)'),
      insertLabel: db.prepare('INSERT INTO labels (record_id, code, class_index) VALUES (?, ?, ?)'),
      insertStatement: db.prepare('INSERT INTO record_statements (record_id, seq, text, codes) VALUES (?, ?, ?, ?)'),
      insertAnnotator: db.prepare('INSERT INTO record_annotators (record_id, annotator, count, kinds, codes) VALUES (?, ?, ?, ?, ?)'),
      insertClass: db.prepare('INSERT INTO record_classes (class_index, center_id, record_id) VALUES (?, ?, ?)'),
      addCount: db.prepare(`INSERT INTO center_counts (center_id, kind, key, n) VALUES (?, ?, ?, ?)
        ON CONFLICT (center_id, kind, key) DO UPDATE SET n = n + excluded.n`),
    };
    for (const row of db.prepare('SELECT id, name FROM centers').all() as { id: number; name: string }[]) {
      this.centerIds.set(row.name, row.id);
    }
  }

  centerId(name: string): number {
    let id = this.centerIds.get(name);
    if (id === undefined) {
      id = Number(this.stmt.insertCenter.run(name).lastInsertRowid);
      this.centerIds.set(name, id);
    }
    return id;
  }

  /** Inserts the rows in one transaction; a failure rolls all of them back. */
  insert(rows: readonly NewRecord[]): InsertResult {
    const run = this.db.transaction(() => this.insertAll(rows));
    try {
      return run.immediate();
    } catch (err) {
      // The transaction rolled back: forget centers created inside it.
      this.centerIds.clear();
      for (const row of this.db.prepare('SELECT id, name FROM centers').all() as { id: number; name: string }[]) {
        this.centerIds.set(row.name, row.id);
      }
      throw err;
    }
  }

  private insertAll(rows: readonly NewRecord[]): InsertResult {
    const s = this.stmt;
    const counts = new Map<CountKey, number>();
    const bump = (centerId: number, kind: string, key: number) => {
      const k = `${centerId}:${kind}:${key}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    };
    const ids: number[] = [];
    const skipped: string[] = [];
    for (const row of rows) {
      if (s.hasKey.get(row.sourceKey) !== undefined) {
        skipped.push(row.sourceKey);
        continue;
      }
      checkRow(row);
      const centerId = this.centerId(row.center);
      const ownRecord = row.patient === null;
      const key = ownRecord ? row.sourceKey : row.patient!;
      let patientId = s.findPatient.get(centerId, key, ownRecord ? 1 : 0) as number | undefined;
      if (patientId === undefined) {
        patientId = Number(s.insertPatient.run(centerId, key, ownRecord ? 1 : 0).lastInsertRowid);
        bump(centerId, 'patients', 0);
      }
      const codes = [...new Set(row.codes.map((c) => c.trim()).filter((c) => c.length > 0))];
      const classes = new Set<number>();
      for (const code of codes) {
        const cls = classOfCode(code);
        if (cls) classes.add(cls.index);
      }
      let mask = 0;
      for (const c of classes) mask |= 1 << c;
      const id = Number(
        s.insertRecord.run(
          centerId,
          patientId,
          row.sourceKey,
          row.record,
          row.sourcePath,
          row.format,
          row.fs,
          row.sigLen,
          row.sigLen / row.fs,
          row.leads.length,
          row.leads.join(','),
          row.age,
          row.sex,
          row.recordedAt,
          (row.missingLeads ?? []).join(','),
          mask,
          row.shard ?? null,
          row.offset ?? null,
          row.importRunId ?? null,
          row.windowStart ?? null,
          row.paddedS ?? 0,
        ).lastInsertRowid,
      );
      s.insertName.run(id, row.record);
      for (const code of codes) s.insertLabel.run(id, code, classOfCode(code)?.index ?? null);
      for (const a of row.annotators ?? []) s.insertAnnotator.run(id, a.name, a.count, a.kinds.join(','), a.codes.join(','));
      (row.statements ?? []).forEach((st, seq) => s.insertStatement.run(id, seq, st.text, st.codes === null ? null : st.codes.join(',')));
      for (const c of classes) {
        s.insertClass.run(c, centerId, id);
        bump(centerId, 'class', c);
      }
      bump(centerId, 'records', 0);
      if (row.sex) bump(centerId, 'sex', row.sex === 'M' ? 0 : 1);
      if (row.age !== null) bump(centerId, 'age', ageBand(row.age));
      ids.push(id);
    }
    for (const [k, n] of counts) {
      const [centerId, kind, key] = k.split(':');
      s.addCount.run(Number(centerId), kind, Number(key), n);
    }
    return { ids, skipped };
  }
}

/** Decade of age, the granularity of the age counts used to estimate filter sizes. */
export function ageBand(age: number): number {
  return Math.max(0, Math.min(12, Math.floor(age / 10)));
}

function checkRow(row: NewRecord): void {
  const where = `record ${row.sourceKey}`;
  if (!row.sourceKey) throw new CatalogError('a record without a source key');
  if (!row.center) throw new CatalogError(`${where}: no center`);
  if (!(row.fs > 0)) throw new CatalogError(`${where}: sampling frequency must be positive, got ${row.fs}`);
  // The catalog never holds a record without samples (issue 22: garbage once came in as one of 0).
  if (!Number.isInteger(row.sigLen) || row.sigLen < 1) throw new CatalogError(`${where}: a record needs samples, got a signal length of ${row.sigLen}`);
  if (row.leads.length === 0) throw new CatalogError(`${where}: a record needs signals, got none`);
  if (row.paddedS !== undefined && !(row.paddedS >= 0)) throw new CatalogError(`${where}: padding must be a number of seconds >= 0, got ${row.paddedS}`);
  if (row.age !== null && !Number.isFinite(row.age)) throw new CatalogError(`${where}: age must be a number or null`);
  if (row.sex !== null && row.sex !== 'M' && row.sex !== 'F') throw new CatalogError(`${where}: sex must be 'M', 'F' or null`);
  for (const code of row.codes) {
    if (code.includes(',')) throw new CatalogError(`${where}: code '${code}' holds a comma; split codes before insert`);
  }
}
