// The main thread's part of a site import: it owns the site key (resolved here, refused when
// missing or wrong, handed to the workers), the time anchors and the statement mapping, so the rows of a batch get their codes and their per-patient time offsets
// here, just before they are written. Workers send acquisition times as '@<epoch seconds>'; no
// absolute time reaches the catalog unless the user keeps times.
import { offsetText, settleAnchor, type AnchorSeal, type Catalog, type NewRecord } from '../catalog/index.js';
import { join } from 'node:path';
import { MARKER_FILE, readMarker, SITE_DIR, SITE_KEY_FILE_ENV, SiteKeyError } from '../datasets/site-key-store.js';
import { openNumber, sealNumber, siteKeyStatus, workspaceSecret } from '../datasets/site-secret.js';
import { StatementTally, type StatementCounts } from './statement-tally.js';

export const SITE_SETTINGS = { keepTimes: 'site.keepTimes', keepPaths: 'site.keepPaths' } as const;

export interface SiteChoices {
  /** Keep acquisition date and time as written (default: per-patient offsets only). */
  readonly keepTimes?: boolean;
  /** Keep the path relative to the import root as record name and the file's path as source (default: file keys). */
  readonly keepPaths?: boolean;
  /** A site key file shared by the site's workstations (--site-key); default: OPENECG_SITE_KEY_FILE, else the user's configuration folder. */
  readonly keyFile?: string;
}

export interface SiteImportSummary extends StatementCounts {
  readonly keep_times: boolean;
  readonly keep_paths: boolean;
  /** Records whose file named no patient id (each stands for its own patient). */
  readonly records_without_patient_id: number;
  /** Where the pseudonymisation key was read (never the key): its file, how it was chosen, its fingerprint. */
  readonly key: { file: string | null; origin: string | null; fingerprint: string | null };
  /** What the key handling said during this import (a migration out of the workspace, a new key). */
  readonly key_notices: string[];
}

/** An option given for this import wins; else the workspace setting; else off. */
export function siteChoice(catalog: Catalog, option: boolean | undefined, key: string): boolean {
  if (option !== undefined) return option;
  return catalog.getSetting(key) === 'on';
}

/**
 * Site records but no fingerprint (site/key.json deleted, or an old secret lost): a key made now would
 * give their patients new pseudonyms. Refused unless the user names the key (it is then bound).
 */
function refuseUnboundKey(catalog: Catalog, workspace: string, keyFile: string | undefined): void {
  if (keyFile || process.env[SITE_KEY_FILE_ENV] || readMarker(workspace)?.fingerprint) return;
  if (!catalog.db.prepare("SELECT 1 FROM records WHERE source_key LIKE 'site:%' LIMIT 1").get()) return;
  throw new SiteKeyError(
    'site-key-missing',
    `this workspace holds site records but no trace of the key they were pseudonymised with (${join(workspace, SITE_DIR, MARKER_FILE)} is missing); ` +
      `a new key would give their patients new pseudonyms, so nothing is imported: give the key they were made with by --site-key FILE (or ${SITE_KEY_FILE_ENV}=FILE), or import into a new workspace`,
  );
}

export class SiteImport {
  private readonly tally: StatementTally;
  private readonly seal: AnchorSeal;
  private withoutId = 0;
  /** The key, resolved here so the workers need not (and could not, for a keychain-protected one). */
  readonly secret: Buffer;

  constructor(
    private readonly catalog: Catalog,
    readonly workspace: string,
    readonly keepTimes: boolean,
    readonly keepPaths: boolean,
    readonly keyFile?: string,
  ) {
    refuseUnboundKey(catalog, workspace, keyFile);
    const secret = workspaceSecret(workspace, true, { keyFile });
    this.secret = secret;
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
      key: (({ key_file, origin, fingerprint }) => ({ file: key_file, origin, fingerprint }))(siteKeyStatus(this.workspace, { keyFile: this.keyFile })),
      key_notices: [],
    };
  }
}
