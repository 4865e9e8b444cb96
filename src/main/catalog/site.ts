// Site data in the catalog: per-patient time anchors (sealed; offsets of a patient's records are
// seconds since the anchor) and the device statements with the codes a mapping gave them.
import { classOfCode } from '../../shared/classes.js';
import type { Catalog } from './catalog.js';

/** Seals and opens an anchor (epoch seconds); the catalog never sees the key. */
export interface AnchorSeal {
  seal(seconds: number): Buffer;
  open(sealed: Buffer): number;
}

/** 'recorded_at' of a site record kept as an offset: '+<seconds>s' after the patient's anchor. */
export const offsetText = (s: number): string => `+${Math.round(s)}s`;

/**
 * Reads the patient's anchor, lowers it to `earliest` when that comes before it (shifting the
 * offsets already stored for the patient by the difference, in the same transaction), and returns
 * the anchor now in force.
 */
export function settleAnchor(catalog: Catalog, seal: AnchorSeal, center: string, patientKey: string, earliest: number): number {
  const db = catalog.db;
  return db.transaction(() => {
    const row = db.prepare('SELECT anchor FROM site_time_anchors WHERE center = ? AND patient_key = ?').pluck().get(center, patientKey) as Buffer | undefined;
    const current = row ? seal.open(row) : undefined;
    if (current !== undefined && current <= earliest) return current;
    db.prepare('INSERT INTO site_time_anchors (center, patient_key, anchor) VALUES (?, ?, ?) ON CONFLICT (center, patient_key) DO UPDATE SET anchor = excluded.anchor').run(
      center,
      patientKey,
      seal.seal(earliest),
    );
    if (current !== undefined) {
      const delta = current - earliest;
      db.prepare(
        `UPDATE records SET recorded_at = '+' || CAST(CAST(substr(recorded_at, 2, length(recorded_at) - 2) AS INTEGER) + ? AS INTEGER) || 's'
         WHERE recorded_at GLOB '+*s' AND patient_id IN (
           SELECT p.id FROM patients p JOIN centers c ON c.id = p.center_id WHERE c.name = ? AND p.key = ? AND p.own_record = 0)`,
      ).run(delta, center, patientKey);
    }
    return earliest;
  }).immediate();
}

export interface StatementCount {
  readonly statement: string;
  readonly records: number;
}

/** Statements no mapping gave codes (nor the user reviewed), with how many records carry each. */
export function unmappedStatements(catalog: Catalog): StatementCount[] {
  return catalog.db
    .prepare('SELECT text AS statement, count(DISTINCT record_id) AS records FROM record_statements WHERE codes IS NULL GROUP BY text ORDER BY records DESC, text')
    .all() as StatementCount[];
}

/**
 * Applies a newly saved mapping to the records already in the catalog: every statement whose text
 * `matches` gets `codes`, and its record the labels, class bits and counts that follow. Returns
 * the records relabelled.
 */
export function applyStatementCodes(catalog: Catalog, matches: (text: string) => boolean, codes: readonly string[]): number {
  const db = catalog.db;
  const texts = (db.prepare('SELECT DISTINCT text FROM record_statements').pluck().all() as string[]).filter(matches);
  if (texts.length === 0) return 0;
  return db.transaction(() => {
    const rows = db
      .prepare(`SELECT DISTINCT s.record_id AS id, r.center_id AS center, r.classes, r.sex, r.age FROM record_statements s JOIN records r ON r.id = s.record_id WHERE s.text IN (${texts.map(() => '?').join(',')})`)
      .all(...texts) as { id: number; center: number; classes: number; sex: string | null; age: number | null }[];
    const setCodes = db.prepare('UPDATE record_statements SET codes = ? WHERE text = ?');
    for (const t of texts) setCodes.run(codes.join(','), t);
    const addLabel = db.prepare('INSERT OR IGNORE INTO labels (record_id, code, class_index) VALUES (?, ?, ?)');
    const addClass = db.prepare('INSERT OR IGNORE INTO record_classes (class_index, center_id, record_id) VALUES (?, ?, ?)');
    const setMask = db.prepare('UPDATE records SET classes = ? WHERE id = ?');
    const bump = db.prepare(`INSERT INTO center_counts (center_id, kind, key, n) VALUES (?, 'class', ?, 1)
      ON CONFLICT (center_id, kind, key) DO UPDATE SET n = n + 1`);
    for (const r of rows) {
      let mask = r.classes;
      for (const code of codes) {
        const cls = classOfCode(code);
        addLabel.run(r.id, code, cls?.index ?? null);
        if (cls && (mask & (1 << cls.index)) === 0) {
          mask |= 1 << cls.index;
          addClass.run(cls.index, r.center, r.id);
          bump.run(r.center, cls.index);
        }
      }
      if (mask !== r.classes) setMask.run(mask, r.id);
    }
    return rows.length;
  }).immediate();
}
