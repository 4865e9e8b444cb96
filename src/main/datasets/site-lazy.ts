// The site adapter as the registry holds it: its module (site.ts) brings every clinical-format
// sniffer, the Philips one with an XML parser, so it is loaded when a site folder is imported or
// detection still needs its answer, not by every CinC or PTB-XL import and each of its workers.
import type { Candidate, DatasetAdapter, ScanReport } from './types.js';

export const SITE_NAME = 'site';
export const SITE_DESCRIPTION = "a site's own clinical ECG files (DICOM, HL7 aECG, SCP-ECG, GE MUSE, Philips XML, EDF, ISHNE), told by content; identity pseudonymised";
/** What the site adapter's detect() answers for a folder with a clinical file among its first ones. */
export const SITE_SCORE = 30;

let site: Promise<DatasetAdapter> | undefined;
const siteAdapter = () => (site ??= import('./site.js').then((m) => m.siteAdapter));

export const lazySiteAdapter: DatasetAdapter = {
  name: SITE_NAME,
  description: SITE_DESCRIPTION,
  detectCeiling: SITE_SCORE,
  detect: async (folder: string) => (await siteAdapter()).detect(folder),
  async *scan(folder: string, report: ScanReport): AsyncIterable<Candidate> {
    yield* (await siteAdapter()).scan(folder, report);
  },
  load: async (candidate: Candidate) => (await siteAdapter()).load(candidate),
};
