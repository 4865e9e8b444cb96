// A record's WFDB annotation files at import. The scan already lists each directory once: the
// extensions of every '<record>.<ext>' beside a header (other than the header and its signal
// files) are the record's candidate annotators, passed to the worker in the candidate's hints;
// the worker keeps those whose content parses as annotations, counts them, and derives labels
// where the record has none. No extra directory listing, and nothing at all for records (CinC,
// PTB-XL, MIMIC) with no such sibling file.
import { open } from 'node:fs/promises';
import { looksLikeAnnotations, readAnnotations } from '../formats/wfdb/annotations.js';
import { classifyAnnotations, kindsOf } from './annotation-kinds.js';
import { impliedCodes, type AnnotatorInput } from './annotation-labels.js';
import type { AnnotatorSummary, Candidate, Loaded } from './types.js';

/** Extensions that are never annotation files (signals, headers, documents, images, archives). */
const NOT_ANNOTATIONS = new Set(['hea', 'dat', 'mat', 'edf', 'flac', 'wav', 'csv', 'txt', 'json', 'xml', 'html', 'htm', 'md', 'pdf', 'png', 'jpg', 'jpeg', 'svg', 'zip', 'gz', 'tar', 'h5', 'hdf5', 'dcm', 'scp', 'xyz', 'ini', 'log', 'npy', 'sha256']);

/** Candidate-hint key: candidate annotators, comma-separated. */
export const ANNOTATORS_HINT = 'annotators';

/** Per directory listing: record base name -> extensions of its sibling files. One pass over the names. */
export function extensionsByBase(names: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of names) {
    const dot = name.lastIndexOf('.');
    if (dot <= 0 || dot === name.length - 1) continue;
    const ext = name.slice(dot + 1);
    if (NOT_ANNOTATIONS.has(ext.toLowerCase())) continue;
    const base = name.slice(0, dot);
    const list = out.get(base);
    if (list) list.push(ext);
    else out.set(base, [ext]);
  }
  return out;
}

/** The record's candidate annotators: sibling extensions that are no signal file of its own. */
export function annotatorCandidates(byBase: ReadonlyMap<string, readonly string[]>, base: string, signalFiles: readonly string[]): string[] {
  const exts = byBase.get(base);
  if (!exts) return [];
  const own = new Set(signalFiles);
  return exts.filter((ext) => !own.has(`${base}.${ext}`)).sort();
}

/** Bytes read to decide whether a file is annotations before reading it whole. */
const PROBE_BYTES = 1024;

async function probe(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
    const size = (await file.stat()).size;
    const buf = new Uint8Array(Math.min(PROBE_BYTES, size));
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    return looksLikeAnnotations(buf.subarray(0, bytesRead), size <= PROBE_BYTES);
  } catch {
    return false;
  } finally {
    await file?.close();
  }
}

interface ReadingShape {
  readonly fs: number;
  readonly sigLen: number;
}

/**
 * The candidate's annotators read and summarised; codes they imply become the record's labels
 * when it has none of its own. A file that does not parse is no annotation file: skipped silently
 * (it is some other sibling, e.g. a '.xws' or a note).
 */
export async function withAnnotations<R extends ReadingShape>(candidate: Candidate, loaded: Loaded<R>): Promise<Loaded<R>> {
  const hint = candidate.hints?.[ANNOTATORS_HINT];
  if (typeof hint !== 'string' || hint === '') return loaded;
  // The files are read at once: their I/O overlaps (LUDB has 12 small files per record).
  const read = await Promise.all(
    hint.split(',').map(async (name): Promise<(AnnotatorInput & { count: number; fs: number }) | null> => {
      if (!(await probe(`${candidate.path}.${name}`))) return null;
      try {
        const reading = await readAnnotations(candidate.path, name);
        const list = reading.annotations;
        return { name, list, classified: classifyAnnotations(list), count: reading.total, fs: reading.fs };
      } catch {
        return null;
      }
    }),
  );
  const inputs = read.filter((a): a is NonNullable<typeof a> => a !== null);
  if (inputs.length === 0) return loaded;
  const { reading, meta } = loaded;
  const fs = inputs[0].fs > 0 ? inputs[0].fs : reading.fs;
  const codes = impliedCodes(inputs, fs, Math.round((reading.sigLen * fs) / reading.fs), meta.sex);
  const annotators: AnnotatorSummary[] = inputs.map((a) => ({ name: a.name, count: a.count, kinds: kindsOf(a.classified), codes: codes.get(a.name) ?? [] }));
  const implied = [...new Set(annotators.flatMap((a) => a.codes))];
  // Annotations label a record only where it has no labels of its own (a header's #Dx wins).
  const labels = meta.codes.length === 0 ? implied : meta.codes;
  return { reading, meta: { ...meta, codes: labels, annotators } };
}
