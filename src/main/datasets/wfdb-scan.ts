// Shared scan for header-per-record folders (CinC and plain WFDB): walk every '.hea', read its
// header, drop segment headers owned by a multi-segment master, and check the signal files exist
// so a broken record is reported at scan time instead of failing later in a worker.
import { access, readdir } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { FormatError } from '../formats/types.js';
import type { WfdbHeader } from '../formats/wfdb/header.js';
import { annotatorCandidates, extensionsByBase } from './annotators.js';
import { readHeaderSync, segmentNames, signalFiles } from './header-facts.js';
import type { ScanReport } from './types.js';
import { hasExtension, walkFiles, withoutExtension, type WalkedFile } from './walk.js';

export interface HeaderEntry {
  /** Absolute header file path. */
  readonly headerPath: string;
  /** Record path without extension (what readers take). */
  readonly path: string;
  /** Relative record path, '/'-separated, no extension: the candidate key. */
  readonly key: string;
  readonly header: WfdbHeader;
  /** Extensions of sibling '<record>.<ext>' files that may be annotations (annotators.ts); checked by content in the worker. */
  readonly annotators: readonly string[];
}

const isHeader = (name: string) => hasExtension(name, '.hea');

/** Headers read between two returns to the event loop (keeps progress and IPC responsive). */
const BATCH = 256;

/**
 * Headers of one folder tree, grouped per directory so a master's segments (always in the master's
 * directory) are known before any of the directory's headers is yielded.
 */
export async function* scanHeaders(folder: string, report: ScanReport): AsyncGenerator<HeaderEntry> {
  let dir: string | null = null;
  let pending: WalkedFile[] = [];
  let found = 0;
  async function* flush(): AsyncGenerator<HeaderEntry> {
    if (dir === null || pending.length === 0) return;
    const entries = await readHeaders(pending, report);
    pending = [];
    const names = await listNames(dir);
    const byBase = extensionsByBase(names);
    const owned = new Set<string>();
    for (const e of entries) for (const s of segmentNames(e.header)) owned.add(s);
    for (const e of entries) {
      const name = e.path.slice(e.path.lastIndexOf(sep) + 1);
      if (owned.has(name)) continue; // a segment of a multi-segment record: read through its master
      if (!(await signalFilesPresent(e, names, report))) continue;
      found++;
      if (found % 1000 === 0) report.progress?.(found);
      yield { ...e, annotators: annotatorCandidates(byBase, name, signalFiles(e.header)) };
    }
  }
  for await (const file of walkFiles(folder, report, { accept: isHeader })) {
    const here = dirname(file.path);
    if (here !== dir) {
      yield* flush();
      dir = here;
    }
    pending.push(file);
  }
  yield* flush();
  report.progress?.(found);
}

/** Reads and parses headers in walk order (synchronous reads, see readHeaderSync); bad ones go to the report. */
async function readHeaders(files: readonly WalkedFile[], report: ScanReport): Promise<HeaderEntry[]> {
  const out: HeaderEntry[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    const file = files[i];
    const key = withoutExtension(file.rel);
    try {
      out.push({ headerPath: file.path, path: withoutExtension(file.path), key, header: readHeaderSync(file.path), annotators: [] });
    } catch (err) {
      const e = err instanceof FormatError ? err : new FormatError('header-unreadable', (err as Error).message);
      report.error(key, file.path, e.code, e.message);
    }
  }
  return out;
}

/** Names in a directory: one listing instead of one access() per signal file. */
async function listNames(dir: string): Promise<ReadonlySet<string>> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return new Set();
  }
}

async function signalFilesPresent(entry: HeaderEntry, names: ReadonlySet<string>, report: ScanReport): Promise<boolean> {
  const dir = dirname(entry.headerPath);
  for (const file of signalFiles(entry.header)) {
    if (names.has(file)) continue;
    try {
      await access(join(dir, file)); // a name with a folder part, or one the listing missed
    } catch {
      report.error(entry.key, entry.headerPath, 'missing-signal-file', `header ${entry.headerPath} names signal file ${file}, which does not exist`);
      return false;
    }
  }
  return true;
}
