// A hospital site's own ECG files: any folder (nested, vendor file names, no or wrong extensions)
// of DICOM waveforms, HL7 aECG, SCP-ECG, GE MUSE, Philips XML, EDF or ISHNE files, each told by
// its content. Identity never leaves load(): the patient id becomes an HMAC key under the
// site key (kept outside the workspace, site-secret.ts), the birth date an age, names are dropped and scrubbed from statements and
// messages; file names and folders are replaced by a file key unless the user keeps paths.
// Acquisition times travel to the import as epoch seconds ('@<s>') and are turned into per-patient
// offsets there (src/main/import/site-import.ts), where all records of a patient meet.
import { basename, dirname } from 'node:path';
import { clinicalKind } from '../formats/clinical/sniff.js';
import { isPhilipsFile } from '../formats/philips/read.js';
import { isScpFile } from '../formats/scp/read.js';
import { FormatError, type Reading } from '../formats/types.js';
import { acquisitionSeconds, identifyingFields, identifyingStrings, scrub, scrubFields, siteAge, siteSex } from './site-identity.js';
import { fileKey, patientKey, workspaceSecret } from './site-secret.js';
import { SITE_DESCRIPTION, SITE_NAME, SITE_SCORE } from './site-lazy.js';
import { statementsOf } from './statements.js';
import type { Candidate, DatasetAdapter, RecordMeta, ScanReport } from './types.js';
import { walkFiles } from './walk.js';

const NAME = SITE_NAME;
export const SITE_FORMATS = ['dicom', 'aecg', 'scp', 'muse', 'philips', 'edf', 'ishne'] as const;
export type SiteFormat = (typeof SITE_FORMATS)[number];

/** The clinical format of a file by its content, or null when it is none we read. */
export function siteFormat(path: string): SiteFormat | null {
  // The same tests formats/index.ts registers its readers under, so a file found here is one readRecord reads.
  const kind = clinicalKind(path);
  if (kind === 'dicom' || kind === 'aecg' || kind === 'muse' || kind === 'edf' || kind === 'ishne') return kind;
  if (isScpFile(path)) return 'scp';
  if (kind === 'xml' && isPhilipsFile(path)) return 'philips';
  return null;
}

/** What the import hands the scan: the workspace (secret, settings) and the user's choices. */
export interface SiteScanContext {
  readonly workspace: string;
  /** Record name and source path are the path relative to the import root (user allowed); else the file key. */
  readonly keepPaths: boolean;
}

/** Per-candidate facts load() needs in the worker; they travel in memory only, never to the catalog. */
interface SiteHints {
  readonly workspace: string;
  readonly rel: string;
  readonly label: string;
  readonly center: string;
  readonly keepPaths: boolean;
}

function hintsOf(c: Candidate): SiteHints {
  const h = c.hints ?? {};
  if (typeof h.workspace !== 'string' || typeof h.rel !== 'string' || typeof h.label !== 'string') {
    throw new FormatError('site-context', 'a site candidate needs its workspace: import site folders with `openecg import --dataset site`');
  }
  return { workspace: h.workspace, rel: h.rel, label: h.label, center: String(h.center ?? 'site'), keepPaths: h.keepPaths === 1 };
}

/** The source key (catalog identity, resume) and the label shown for a file instead of its path. */
export function siteFileLabel(secret: Buffer, root: string, rel: string, keepPaths: boolean): { key: string; label: string } {
  const k = fileKey(secret, root, rel);
  return { key: `site:${k.slice(0, 32)}`, label: keepPaths ? rel : `ecg-${k.slice(0, 12)}` };
}

/**
 * Puts the label in place of a file's path in a message, and removes the names the path is made of
 * (they may carry a patient's name) unless the user keeps paths (label = the relative path).
 */
export function scrubPath(message: string, path: string, rel: string, label: string): string {
  if (label === rel) return message.split(path).join(label);
  const parts = [path, rel, basename(rel), basename(rel).replace(/\.[^.]*$/, ''), ...dirname(rel).split('/').filter((p) => p !== '.')];
  const strings = [...new Set(parts.filter((p) => p.length >= 3))].sort((a, b) => b.length - a.length);
  let out = message;
  for (const s of strings) out = out.split(s).join(s === path ? label : '[path]');
  return out;
}

/** Walks the folder and yields a candidate per ECG file; other files are reported ('not-ecg'), nothing is dropped silently. */
export async function* scanSite(folder: string, report: ScanReport, ctx: SiteScanContext, center: string): AsyncGenerator<Candidate> {
  const secret = workspaceSecret(ctx.workspace, true);
  const walkReport: ScanReport = {
    error(rel, path, code, message) {
      const { key, label } = siteFileLabel(secret, folder, rel, ctx.keepPaths);
      report.error(key, label, code, scrubPath(message, path, rel, label));
    },
  };
  let found = 0;
  for await (const file of walkFiles(folder, walkReport)) {
    const { key, label } = siteFileLabel(secret, folder, file.rel, ctx.keepPaths);
    const format = siteFormat(file.path);
    if (!format) {
      report.error(key, label, 'not-ecg', `${label}: not an ECG file this workstation reads (DICOM waveform, HL7 aECG, SCP-ECG, GE MUSE XML, Philips XML, EDF, ISHNE); skipped`);
      continue;
    }
    report.progress?.(++found);
    yield { key, adapter: NAME, path: file.path, hints: { workspace: ctx.workspace, rel: file.rel, label, center, keepPaths: ctx.keepPaths ? 1 : 0, format } };
  }
}

async function readSiteFile(c: Candidate, h: SiteHints): Promise<Reading> {
  try {
    // Every clinical reader and its XML/DICOM libraries: loaded by the first site record, not by every import.
    const { readRecord } = await import('../formats/index.js');
    return await readRecord(c.path);
  } catch (err) {
    // Readers name the file in their messages; the file name may be the patient's name.
    const e = err as Error & { code?: string };
    const code = err instanceof FormatError ? err.code : typeof e.code === 'string' ? e.code : 'error';
    throw new FormatError(code, scrubPath(e.message ?? String(err), c.path, h.rel, h.label));
  }
}

export const siteAdapter: DatasetAdapter = {
  name: NAME,
  description: SITE_DESCRIPTION,

  async detect(folder: string): Promise<number> {
    // A few files decide: any clinical ECG file among the first ones makes this a site folder.
    for await (const file of walkFiles(folder, null, { limit: 20, maxDepth: 3, maxDirectories: 50 })) if (siteFormat(file.path)) return SITE_SCORE;
    return 0;
  },

  scan(): AsyncIterable<Candidate> {
    throw new FormatError('site-context', 'a site folder is scanned with its workspace (scanSite): import it with `openecg import --dataset site`');
  },

  async load(candidate: Candidate): Promise<{ meta: RecordMeta; reading: Reading }> {
    const h = hintsOf(candidate);
    const secret = workspaceSecret(h.workspace);
    const raw = await readSiteFile(candidate, h);
    const patient = raw.patient;
    const strings = identifyingStrings(patient);
    const fields = identifyingFields(patient);
    // Identity first, so a name that is also the file's name reads [redacted], not [path].
    const clean = (s: string) => scrubPath(scrubFields(scrub(s, strings), fields), candidate.path, h.rel, h.label);
    const id = patient?.id?.trim();
    const notes: string[] = [];
    if (!id) notes.push(`${h.label}: the file names no patient id: the record stands for its own patient`);
    const at = acquisitionSeconds(raw.baseDate, raw.baseTime);
    const meta: RecordMeta = {
      record: h.label,
      center: h.center,
      patient: id ? patientKey(secret, id) : null,
      age: siteAge(patient, raw.baseDate),
      sex: siteSex(patient),
      codes: [],
      // Epoch seconds for the import to turn into a per-patient offset (or a time, when kept).
      recordedAt: at === null ? null : `@${at}`,
      sourcePath: h.keepPaths ? candidate.path : `site:${h.label}`,
      format: String(candidate.hints?.format ?? 'site'),
      notes,
      statements: statementsOf(raw.comments).map(clean),
    };
    // The reading goes on to canonicalisation only; drop identity and free text from it all the same.
    const reading: Reading = { ...raw, record: h.label, patient: undefined, comments: [], warnings: raw.warnings.map(clean) };
    return { meta, reading };
  },
};

/**
 * The file behind a pseudonymous site record, found by walking its import root and recomputing file
 * keys (for a raw-signal view); null when the file is gone. Costs one HMAC per file of the root.
 */
export async function resolveSiteSource(workspace: string, root: string, sourceKey: string): Promise<string | null> {
  const secret = workspaceSecret(workspace);
  for await (const file of walkFiles(root, null)) if (siteFileLabel(secret, root, file.rel, false).key === sourceKey) return file.path;
  return null;
}
