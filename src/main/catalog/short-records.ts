// Records shorter than the canonical window (CODE-15%'s 7.3 s exams, any short export) are stored
// zero-padded at the end and flagged by records.padded_s (docs/defaults.md, "short records").
// Whether they are trained on is one workspace setting; test parts always keep them, and
// evaluations count how many of the scored records were padded.
import type { Catalog } from './catalog.js';

export type ShortRecordsRule = 'include' | 'exclude';
export const SHORT_RECORDS_RULES: readonly ShortRecordsRule[] = ['include', 'exclude'];
export const SHORT_RECORDS_SETTING = 'training.short_records';
/** Default: kept in training. Padding is zeros after the real signal, and dropping them would lose most of CODE-15%. */
export const DEFAULT_SHORT_RECORDS: ShortRecordsRule = 'include';

export function isShortRecordsRule(value: unknown): value is ShortRecordsRule {
  return typeof value === 'string' && (SHORT_RECORDS_RULES as readonly string[]).includes(value);
}

/** The workspace's rule; an unknown stored value fails loudly rather than changing what is trained on. */
export function shortRecordsRule(catalog: Catalog): ShortRecordsRule {
  const value = catalog.getSetting(SHORT_RECORDS_SETTING);
  if (value === undefined) return DEFAULT_SHORT_RECORDS;
  if (!isShortRecordsRule(value)) throw new Error(`workspace setting ${SHORT_RECORDS_SETTING} is '${value}': expected ${SHORT_RECORDS_RULES.join(' or ')}`);
  return value;
}

export function setShortRecordsRule(catalog: Catalog, rule: ShortRecordsRule): void {
  if (!isShortRecordsRule(rule)) throw new Error(`short records: expected ${SHORT_RECORDS_RULES.join(' or ')}, got '${String(rule)}'`);
  catalog.setSetting(SHORT_RECORDS_SETTING, rule);
}

/**
 * The SQL condition (on records aliased `r`) a part's records meet under the rule: 'exclude' leaves
 * padded records out of the parts models learn from (train, and val, where thresholds are chosen);
 * the test part keeps every record, so evaluations never silently drop one.
 */
export function shortRecordsCondition(rule: ShortRecordsRule, part: 'train' | 'val' | 'test'): string {
  return rule === 'exclude' && part !== 'test' ? ' AND r.padded_s = 0' : '';
}

/** Zero-padded records (shorter than the window) per part of a patient split, whatever the rule. */
export function shortRecordsPerPart(catalog: Catalog, setId: number): Record<'train' | 'val' | 'test', number> {
  const rows = catalog.db
    .prepare(
      `SELECT a.part AS part, count(*) AS n FROM split_assignments a JOIN records r ON r.patient_id = a.patient_id
       WHERE a.split_set_id = ? AND r.padded_s > 0 GROUP BY a.part`,
    )
    .all(setId) as { part: 'train' | 'val' | 'test'; n: number }[];
  const out = { train: 0, val: 0, test: 0 };
  for (const r of rows) out[r.part] = r.n;
  return out;
}
