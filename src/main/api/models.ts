// The model bundles a workspace offers for inspection: every bundle an experiment run's steps
// wrote (runs/<run>/steps/*.json) and every single job's (jobs/<id>/bundle), with what the run
// records about it: the pre-training pool's centers, the LODO target and arm, the thresholds; and
// the bundles under models/ (foreign ones from `openecg model import`, or ours copied there).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ApiError, type ModelInfo } from '../../shared/api.js';
import type { DownstreamRecord, PretrainRecord, StepRecord } from '../experiments/records.js';
import { bundleSchema, type BundleJson } from '../ml/bundle-format.js';
import { DEMO_MODELS_FILE, type DemoModelEntry } from '../jobs/demo-models.js';
import { isForeignBundle, readForeignBundle, type ForeignBundle } from '../ml/foreign/bundle.js';
import { mapCardClasses } from '../../shared/model-card.js';

/** Where `openecg model import --workspace` puts bundles, and where the workstation looks for bundles made elsewhere. */
export const MODELS_DIR = 'models';

export interface KnownModel {
  readonly info: ModelInfo;
  /** The step record's per-class thresholds (downstream steps of a run). */
  readonly thresholds: number[] | null;
  readonly record: ModelStep | null;
}

/** The steps that leave a model bundle (a robustness step scores another step's model). */
export type ModelStep = PretrainRecord | DownstreamRecord;
export const hasBundle = (r: StepRecord): r is ModelStep => (r.kind === 'pretrain' || r.kind === 'downstream') && typeof r.bundle === 'string';

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** bundle.json checked against the bundle schema (weights are only read when the model loads). */
export function readBundleJson(dir: string): BundleJson | null {
  const parsed = bundleSchema.safeParse(readJsonFile(join(dir, 'bundle.json')));
  return parsed.success ? parsed.data : null;
}

/** A bundle folder the caller named: absolute, or relative to the workspace. */
export function resolveBundle(workspace: string, path: string): string {
  const dir = isAbsolute(path) ? resolve(path) : resolve(workspace, path);
  if (!existsSync(join(dir, 'bundle.json'))) throw new ApiError('not-found', `no model bundle at ${dir} (no bundle.json)`);
  return dir;
}

/**
 * A step record's bundle path where it is now: run folders store absolute paths, and a workspace
 * may have moved since, so the part from runs/ on is rebased onto the current workspace.
 */
export function rebase(workspace: string, path: string): string {
  const at = path.lastIndexOf(`${sep}runs${sep}`);
  if (existsSync(path) || at < 0) return resolve(path);
  return join(workspace, path.slice(at + 1));
}

function dirs(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function poolOf(json: BundleJson): string[] | null {
  const snap = json.provenance.data_snapshot;
  return snap?.startsWith('centers:') ? snap.slice('centers:'.length).split('|').filter(Boolean) : null;
}

function info(workspace: string, dir: string, json: BundleJson, from: Partial<ModelInfo>): ModelInfo {
  const rel = relative(workspace, dir);
  return {
    path: rel.startsWith('..') || isAbsolute(rel) ? dir : rel,
    task: json.task,
    architecture: json.architecture.name,
    source: null,
    step: null,
    method: null,
    pool: poolOf(json),
    target: null,
    arm: null,
    createdAt: json.provenance.created_at,
    ...from,
  };
}

/** The bundles a demo-models job listed in its models.json (classifier first: predictions need it). */
function demoModels(workspace: string, id: string): KnownModel[] {
  const listed = readJsonFile(join(workspace, 'jobs', id, DEMO_MODELS_FILE));
  if (!Array.isArray(listed)) return [];
  const out: KnownModel[] = [];
  for (const entry of listed as DemoModelEntry[]) {
    if (typeof entry?.bundle !== 'string') continue;
    const dir = join(workspace, 'jobs', id, entry.bundle);
    const json = readBundleJson(dir);
    const thresholds = Array.isArray(entry.thresholds) && entry.thresholds.every((t) => typeof t === 'number') ? entry.thresholds : null;
    if (json) out.push({ info: info(workspace, dir, json, { source: `jobs/${id}`, step: `demo ${entry.role}`, method: entry.method }), thresholds, record: null });
  }
  return out;
}

/** A foreign bundle's entry: the card's name, classes and thresholds. */
export function foreignModel(workspace: string, b: ForeignBundle, from: Partial<ModelInfo> = {}): KnownModel {
  const rel = relative(workspace, b.dir);
  const { card } = b;
  return {
    info: {
      path: rel.startsWith('..') || isAbsolute(rel) ? b.dir : rel,
      task: 'classifier',
      architecture: 'onnx',
      source: null,
      step: null,
      method: null,
      pool: null,
      target: null,
      arm: null,
      createdAt: b.json.imported.created_at,
      foreign: {
        name: card.name,
        version: card.version,
        source: card.source,
        licence: card.licence,
        rate: card.input.rate,
        samples: card.input.samples,
        leads: [...card.input.leads],
        layout: card.input.layout,
        units: card.input.units,
        activation: card.output.activation,
        classes: mapCardClasses(card).map((m) => ({ name: m.name, abbreviation: m.abbreviation, snomed: m.snomed })),
      },
      ...from,
    },
    thresholds: card.output.thresholds ? [...card.output.thresholds] : null,
    record: null,
  };
}

/** The bundles under models/: foreign ones, and ours placed there by hand. */
function modelsFolder(workspace: string): KnownModel[] {
  const out: KnownModel[] = [];
  for (const name of dirs(join(workspace, MODELS_DIR))) {
    const dir = join(workspace, MODELS_DIR, name);
    if (isForeignBundle(dir)) {
      try {
        out.push(foreignModel(workspace, readForeignBundle(dir), { source: MODELS_DIR }));
      } catch {
        // A damaged foreign bundle is left out of the list; using it by path says what is wrong.
      }
      continue;
    }
    const json = readBundleJson(dir);
    if (json) out.push({ info: info(workspace, dir, json, { source: MODELS_DIR }), thresholds: null, record: null });
  }
  return out;
}

/** Every bundle of the workspace's runs and jobs, runs first (newest run first), then models/. */
export function knownModels(workspace: string): KnownModel[] {
  const out: KnownModel[] = [];
  for (const run of dirs(join(workspace, 'runs')).reverse()) {
    const stepsDir = join(workspace, 'runs', run, 'steps');
    if (!existsSync(stepsDir)) continue;
    const records = new Map<string, ModelStep>();
    for (const f of readdirSync(stepsDir).filter((n) => n.endsWith('.json'))) {
      const rec = readJsonFile(join(stepsDir, f)) as StepRecord | null;
      if (rec && typeof rec.name === 'string' && hasBundle(rec)) records.set(rec.name, rec);
    }
    for (const rec of records.values()) {
      const dir = rebase(workspace, rec.bundle);
      const json = readBundleJson(dir);
      if (!json) continue;
      const pre = rec.kind === 'pretrain' ? rec : rec.pretrain ? records.get(rec.pretrain) : undefined;
      const down = rec.kind === 'downstream' ? (rec as DownstreamRecord) : null;
      out.push({
        info: info(workspace, dir, json, {
          source: `runs/${run}`,
          step: rec.name,
          method: rec.method,
          pool: pre?.kind === 'pretrain' ? pre.pool : null,
          target: down?.target ?? null,
          arm: down?.arm ?? null,
        }),
        thresholds: down?.thresholds ?? null,
        record: rec,
      });
    }
  }
  for (const id of dirs(join(workspace, 'jobs')).reverse()) {
    const dir = join(workspace, 'jobs', id, 'bundle');
    const json = readBundleJson(dir);
    if (json) out.push({ info: info(workspace, dir, json, { source: `jobs/${id}` }), thresholds: null, record: null });
    out.push(...demoModels(workspace, id));
  }
  out.push(...modelsFolder(workspace));
  return out;
}

/** What the workspace knows about a bundle folder; a bundle made elsewhere has only its bundle.json. */
export function describeModel(workspace: string, path: string): KnownModel {
  const dir = resolveBundle(workspace, path);
  const known = knownModels(workspace).find((m) => resolve(workspace, m.info.path) === dir);
  if (known) return known;
  if (isForeignBundle(dir)) {
    try {
      return foreignModel(workspace, readForeignBundle(dir));
    } catch (err) {
      throw new ApiError('invalid-input', (err as Error).message);
    }
  }
  const json = readBundleJson(dir);
  if (!json) throw new ApiError('invalid-input', `${dir}: bundle.json is not a valid model bundle description`);
  return { info: info(workspace, dir, json, {}), thresholds: null, record: null };
}
