// The main thread's part of a site import: it owns the workspace secret's anchors and the
// statement mapping, so the rows of a batch get their codes and their per-patient time offsets
// here, just before they are written. Workers send acquisition times as '@<epoch seconds>'; no
// absolute time reaches the catalog unless the user keeps times.
import { offsetText, settleAnchor, type AnchorSeal, type Catalog, type NewRecord } from '../catalog/index.js';
import { openNumber, sealNumber, workspaceSecret } from '../datasets/site-secret.js';
import { StatementTally, type StatementCounts } from './statement-tally.js';

export const SITE_SETTINGS = { keepTimes: 'site.keepTimes', keepPaths: 'site.keepPaths' } as const;

export interface SiteChoices {
  /** Keep acquisition date and time as written (default: per-patient offsets only). */
  readonly keepTimes?: boolean;
  /** Keep the path relative to the import root as record name and the file's path as source (default: file keys). */
  readonly keepPaths?: boolean;
}

export interface SiteImportSummary extends StatementCounts {
  readonly keep_times: boolean;
  readonly keep_paths: boolean;
  /** Records whose file named no patient id (each stands for its own patient). */
  readonly records_without_patient_id: number;
}

/** An option given for this import wins; else the workspace setting; else off. */
export function siteChoice(catalog: Catalog, option: boolean | undefined, key: string): boolean {
  if (option !== undefined) return option;
  return catalog.getSetting(key) === 'on';
}

export class SiteImport {
  private readonly tally: StatementTally;
  private readonly seal: AnchorSeal;
  private withoutId = 0;

  constructor(
    private readonly catalog: Catalog,
    readonly workspace: string,
    readonly keepTimes: boolean,
    readonly keepPaths: boolean,
  ) {
    const secret = workspaceSecret(workspace, true);
    this.tally = new StatementTally(workspace);
    this.seal = { seal: (s) => sealNumber(secret, s), open: (b) => openNumber(secret, b) };
  }

  /** Codes from statements and acquisition times as offsets (or times) for one batch of rows. */
  complete(rows: readonly NewRecord[]): NewRecord[] {
    // The earliest time per patient in the batch settles each anchor once, before any offset is taken.
    const earliest = new Map<string, { center: string; key: string; at: number }>();
    const times = rows.map((r) => (r.recordedAt?.startsWith('@') ? Number(r.recordedAt.slice(1)) : null));
    rows.forEach((r, i) => {
      const at = times[i];
      if (at === null || r.patient === null || this.keepTimes) return;
      const k = `${r.center}\0${r.patient}`;
      const e = earliest.get(k);
      if (!e || at < e.at) earliest.set(k, { center: r.center, key: r.patient, at });
    });
    const anchors = new Map<string, number>();
    for (const [k, e] of earliest) anchors.set(k, settleAnchor(this.catalog, this.seal, e.center, e.key, e.at));
    return rows.map((r, i) => {
      const at = times[i];
      let recordedAt: string | null = null;
      if (at !== null) {
        if (this.keepTimes) recordedAt = new Date(at * 1000).toISOString().slice(0, 19).replace('T', ' ');
        else recordedAt = r.patient === null ? offsetText(0) : offsetText(at - (anchors.get(`${r.center}\0${r.patient}`) ?? at));
      }
      if (r.patient === null) this.withoutId++;
      return this.tally.label({ ...r, recordedAt });
    });
  }

  summary(): SiteImportSummary {
    return {
      keep_times: this.keepTimes,
      keep_paths: this.keepPaths,
      records_without_patient_id: this.withoutId,
      ...this.tally.counts(),
    };
  }
}
