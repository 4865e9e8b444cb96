// A foreign bundle (docs/model-bundle.md, "Foreign bundles"): a model made elsewhere, as the folder
// `openecg model import --onnx --card` writes: its ONNX graph as given, its model card, and a
// bundle.json that marks it foreign (`kind: "foreign"`) and pins both files by size and SHA-256.
// Written like our bundles: into a temporary sibling, every file fsynced, then renamed into place.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ModelCardError, parseModelCard, type ModelCard } from '../../../shared/model-card.js';

export const FOREIGN_FORMAT = 'openecg-model-bundle';
export const FOREIGN_VERSION = 1;
export const FOREIGN_GRAPH = 'model.onnx';
export const FOREIGN_CARD = 'card.json';
const BUNDLE_JSON = 'bundle.json';

const fileSchema = z.object({ file: z.string().min(1), byte_length: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

export const foreignBundleSchema = z
  .object({
    format: z.literal(FOREIGN_FORMAT),
    version: z.literal(FOREIGN_VERSION),
    kind: z.literal('foreign'),
    /** What the model does, for lists: always a classifier (scores per class). */
    task: z.literal('classifier'),
    name: z.string(),
    model_version: z.string(),
    graph: fileSchema,
    card: fileSchema,
    imported: z
      .object({
        created_at: z.string(),
        code_version: z.string(),
        /** Where the files came from (absolute paths at import time). */
        from: z.object({ onnx: z.string(), card: z.string() }).strict(),
        /** The graph check's notes (symbolic axes the card fixes, a fixed batch). */
        notes: z.array(z.string()),
      })
      .strict(),
  })
  .strict();

export type ForeignBundleJson = z.output<typeof foreignBundleSchema>;

export interface ForeignBundle {
  readonly dir: string;
  readonly json: ForeignBundleJson;
  readonly card: ModelCard;
  readonly graphPath: string;
}

/** A foreign bundle that cannot be used: missing, damaged or not one. One line. */
export class ForeignBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignBundleError';
  }
}

/** Whether `dir`'s bundle.json says foreign (no validation beyond that). */
export function isForeignBundle(dir: string): boolean {
  try {
    const head = JSON.parse(readFileSync(join(dir, BUNDLE_JSON), 'utf8')) as { kind?: unknown };
    return head?.kind === 'foreign';
  } catch {
    return false;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** bundle.json and the card, checked (the graph's bytes are checked when it is opened: readForeignGraph). */
export function readForeignBundle(dir: string): ForeignBundle {
  const at = resolve(dir);
  const jsonPath = join(at, BUNDLE_JSON);
  if (!existsSync(jsonPath)) throw new ForeignBundleError(`${at} is not a model bundle: it has no ${BUNDLE_JSON}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new ForeignBundleError(`${jsonPath}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if ((raw as { kind?: unknown })?.kind !== 'foreign') throw new ForeignBundleError(`${at} is not a foreign model bundle (bundle.json has no kind "foreign")`);
  const parsed = foreignBundleSchema.safeParse(raw);
  if (!parsed.success) throw new ForeignBundleError(`${jsonPath}: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'bundle.json'}: ${i.message}`).join('; ')}`);
  const json = parsed.data;
  const cardBytes = readListed(at, json.card, 'model card');
  let card: ModelCard;
  try {
    card = parseModelCard(JSON.parse(Buffer.from(cardBytes).toString('utf8')));
  } catch (err) {
    throw new ForeignBundleError(`${join(at, json.card.file)}: ${err instanceof ModelCardError ? err.message : `not JSON (${(err as Error).message})`}`);
  }
  return { dir: at, json, card, graphPath: join(at, json.graph.file) };
}

/** The graph's bytes, checked against bundle.json's size and SHA-256. */
export function readForeignGraph(bundle: ForeignBundle): Uint8Array {
  return readListed(bundle.dir, bundle.json.graph, 'ONNX graph');
}

function readListed(dir: string, f: z.output<typeof fileSchema>, what: string): Uint8Array {
  const path = join(dir, f.file);
  if (!existsSync(path)) throw new ForeignBundleError(`${dir}: the ${what} ${f.file} listed in bundle.json is missing`);
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length !== f.byte_length || sha256(bytes) !== f.sha256) throw new ForeignBundleError(`${path}: the ${what} differs from bundle.json (size or SHA-256): it was changed or damaged after the import`);
  return bytes;
}

function writeSynced(path: string, bytes: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface ForeignBundleInput {
  readonly graph: Uint8Array;
  readonly card: ModelCard;
  /** The card file as given (kept verbatim, so it reads as its authors wrote it). */
  readonly cardText: string;
  readonly from: { readonly onnx: string; readonly card: string };
  readonly notes: readonly string[];
  readonly codeVersion: string;
}

/** Writes the bundle at `out` atomically (an existing bundle there is replaced only once the new one is complete). */
export function writeForeignBundle(out: string, input: ForeignBundleInput): ForeignBundleJson {
  const target = resolve(out);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    const cardBytes = Buffer.from(input.cardText, 'utf8');
    const json: ForeignBundleJson = {
      format: FOREIGN_FORMAT,
      version: FOREIGN_VERSION,
      kind: 'foreign',
      task: 'classifier',
      name: input.card.name,
      model_version: input.card.version,
      graph: { file: FOREIGN_GRAPH, byte_length: input.graph.length, sha256: sha256(input.graph) },
      card: { file: FOREIGN_CARD, byte_length: cardBytes.length, sha256: sha256(cardBytes) },
      imported: { created_at: new Date().toISOString(), code_version: input.codeVersion, from: { onnx: resolve(input.from.onnx), card: resolve(input.from.card) }, notes: [...input.notes] },
    };
    writeSynced(join(tmp, FOREIGN_GRAPH), input.graph);
    writeSynced(join(tmp, FOREIGN_CARD), cardBytes);
    writeSynced(join(tmp, BUNDLE_JSON), JSON.stringify(json, null, 1) + '\n');
    syncDir(tmp);
    const old = existsSync(target) ? `${tmp}-old` : null;
    if (old) renameSync(target, old);
    renameSync(tmp, target);
    syncDir(parent);
    if (old) rmSync(old, { recursive: true, force: true });
    return json;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
