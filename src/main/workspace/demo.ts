// The built-in demo workspace: generate the synthetic multi-center corpus, import every center
// through its real adapter, and store the splits. A second run reuses what exists.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import { ensureLodoFolds, ensurePatientSplit, ensureScalingSet, lodoFolds } from '../catalog/splits.js';
import { generateDemoCorpus } from '../demo/generate.js';
import { writeHospitalSite } from '../demo/hospital-site.js';
import type { DemoManifest } from '../demo/manifest.js';
import { runImport, type ImportEvents, type ImportSummary } from '../import/pipeline.js';

export interface DemoWorkspaceOptions {
  readonly workspace: string;
  /** Records to generate (default 2000). */
  readonly records?: number;
  readonly seed?: number;
  readonly workers?: number;
  /**
   * ECGs of the "hospital site" center: DICOM, HL7 aECG and SCP-ECG files with (fake) patient
   * identities, imported through the 'site' adapter with identities kept out (default 0: none).
   */
  readonly hospitalSite?: number;
  /** Non-rhythm class probabilities replacing the centers' own (the generator's option; tests only: default the demo's mix). */
  readonly prevalence?: Readonly<Record<string, number>>;
}

/** The hospital site's center name in the catalog. */
export const HOSPITAL_SITE_CENTER = 'Hospital site';
/** The demo's default hospital-site size for a corpus of `records` public-style records. */
export const defaultHospitalSite = (records: number): number => (records >= 100 ? Math.max(10, Math.round(records * 0.05)) : 0);

export interface DemoEvents extends ImportEvents {
  generate?(done: number, total: number): void;
  center?(name: string, index: number, count: number): void;
}

export interface DemoSummary {
  readonly workspace: string;
  readonly corpus: string;
  readonly generated: boolean;
  readonly generate_seconds: number | null;
  readonly records: number;
  readonly centers: { name: string; adapter: string; imported: number; skipped: number; failed: number }[];
  readonly split: { id: number; patients: { train: number; val: number; test: number } };
}

const MANIFEST = 'demo-manifest.json';

function readManifest(corpus: string): DemoManifest | null {
  const path = join(corpus, MANIFEST);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as DemoManifest;
}

export async function makeDemoWorkspace(options: DemoWorkspaceOptions, events: DemoEvents = {}): Promise<DemoSummary> {
  const workspace = resolve(options.workspace);
  const corpus = join(workspace, 'demo-corpus');
  const seed = options.seed ?? 1;
  const records = options.records ?? 2000;
  let manifest = readManifest(corpus);
  // A corpus from another seed or size is made again rather than mixed with the new one.
  const prevalence = options.prevalence ?? {};
  const reuse = manifest !== null && manifest.seed === seed && manifest.records.length === records && JSON.stringify(manifest.prevalence ?? {}) === JSON.stringify(prevalence);
  let generateSeconds: number | null = null;
  if (!reuse) {
    const t0 = performance.now();
    manifest = await generateDemoCorpus(corpus, { seed, records, workers: options.workers, prevalence }, events.generate);
    generateSeconds = +((performance.now() - t0) / 1000).toFixed(2);
  }
  const centers: DemoSummary['centers'] = [];
  const list = manifest!.centers;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    events.center?.(c.name, i, list.length);
    const s: ImportSummary = await runImport({ folder: join(corpus, c.folder), workspace, dataset: c.adapter, center: c.name, workers: options.workers }, events);
    centers.push({ name: c.name, adapter: c.adapter, imported: s.imported, skipped: s.skipped, failed: s.failed });
  }
  const site = options.hospitalSite ?? 0;
  if (site > 0) {
    const folder = join(corpus, 'hospital-site');
    const marker = join(corpus, 'hospital-site.json');
    const made = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as { seed: number; records: number }) : null;
    if (!made || made.seed !== seed || made.records !== site) {
      rmSync(folder, { recursive: true, force: true });
      writeHospitalSite(folder, { records: site, seed });
      writeFileSync(marker, JSON.stringify({ seed, records: site }));
    }
    events.center?.(HOSPITAL_SITE_CENTER, list.length, list.length + 1);
    const s: ImportSummary = await runImport({ folder, workspace, dataset: 'site', center: HOSPITAL_SITE_CENTER, workers: options.workers }, events);
    centers.push({ name: HOSPITAL_SITE_CENTER, adapter: 'site', imported: s.imported, skipped: s.skipped, failed: s.failed });
  }
  const catalog = Catalog.open(workspace);
  try {
    const split = ensurePatientSplit(catalog, { seed: 0 });
    ensureLodoFolds(catalog, 0, lodoFolds(catalog));
    ensureScalingSet(catalog, { seed: 0, centers: catalog.summary().centers.map((c) => c.center) });
    return {
      workspace,
      corpus,
      generated: !reuse,
      generate_seconds: generateSeconds,
      records: catalog.summary().records,
      centers,
      split: { id: split.id, patients: split.counts },
    };
  } finally {
    catalog.close();
  }
}
