// Recursive, sorted folder walk for the scanners. Follows symbolic links (collections are often
// assembled from links to other disks) but visits each real directory once, so a link loop ends.
import { readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ScanReport } from './types.js';

export interface WalkOptions {
  /** Only files whose name passes are yielded (and only such broken entries reported). Default: all. */
  readonly accept?: (name: string) => boolean;
  /** Deepest directory level to enter (0 = the folder itself only). Default: unlimited. */
  readonly maxDepth?: number;
  /** Stop after this many files (detection looks at a few). */
  readonly limit?: number;
  /** Stop after listing this many directories (keeps detection cheap in MIMIC's ~200,000 folders). */
  readonly maxDirectories?: number;
}

export interface WalkedFile {
  /** Absolute path as reached (through links, not resolved). */
  readonly path: string;
  /** Path relative to the walked folder, '/'-separated. */
  readonly rel: string;
}

/** Codes reported to ScanReport: 'unreadable-dir', 'broken-entry' (dangling link, vanished file), 'not-a-file' (FIFO, socket, device), 'symlink-loop'. */
export async function* walkFiles(folder: string, report: ScanReport | null, options: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const accept = options.accept ?? (() => true);
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const maxDirectories = options.maxDirectories ?? Number.POSITIVE_INFINITY;
  let directories = 0;
  // Real directories already entered: a second arrival is a loop (ancestor) or a duplicate view (sibling link).
  const visited = new Set<string>();
  let count = 0;
  const relOf = (p: string) => relative(folder, p).split(sep).join('/');

  async function* visit(dir: string, depth: number, ancestors: ReadonlySet<string>): AsyncGenerator<WalkedFile> {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (err) {
      report?.error(relOf(dir), dir, 'unreadable-dir', `cannot resolve directory ${dir}: ${(err as Error).message}`);
      return;
    }
    if (ancestors.has(real)) {
      report?.error(relOf(dir), dir, 'symlink-loop', `symbolic-link loop: ${dir} leads back to ${real}; not followed`);
      return;
    }
    if (visited.has(real)) return; // the same directory reached by another link: its records are already listed
    visited.add(real);
    if (++directories > maxDirectories) {
      count = limit; // budget spent: end the whole walk
      return;
    }
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      report?.error(relOf(dir), dir, 'unreadable-dir', `cannot list directory ${dir}: ${(err as Error).message}`);
      return;
    }
    // Code-point order, so the walk (and record order) is the same on every platform and locale.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const inside = new Set(ancestors).add(real);
    // Files of a directory come before its subdirectories, so a scanner sees each directory's files together.
    const subdirs: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.')) continue; // hidden files and folders (.git, macOS ._ forks, .DS_Store)
      const path = join(dir, name);
      // Plain files and directories need no stat (a CinC folder has ~176,000 files); links and odd types do.
      if (entry.isFile()) {
        if (!accept(name)) continue;
        yield { path, rel: relOf(path) };
        if (++count >= limit) return;
        continue;
      }
      if (entry.isDirectory()) {
        if (depth < maxDepth) subdirs.push(path);
        continue;
      }
      let info: Stats;
      try {
        info = await stat(path); // follows links
      } catch (err) {
        if (accept(name)) report?.error(relOf(path), path, 'broken-entry', `cannot read ${path}: ${(err as Error).message}`);
        continue;
      }
      if (info.isDirectory()) {
        if (depth < maxDepth) subdirs.push(path);
      } else if (!accept(name)) {
        continue;
      } else if (!info.isFile()) {
        // Opening a FIFO would block the scan forever; devices and sockets hold no records.
        report?.error(relOf(path), path, 'not-a-file', `${path} is not a regular file; skipped`);
      } else {
        yield { path, rel: relOf(path) };
        if (++count >= limit) return;
      }
    }
    for (const path of subdirs) {
      yield* visit(path, depth + 1, inside);
      if (count >= limit) return;
    }
  }

  yield* visit(folder, 0, new Set());
}

/** File name ends with the extension. Case-sensitive, as WFDB itself is: readers append '.hea' to record names. */
export function hasExtension(name: string, ext: string): boolean {
  return name.endsWith(ext);
}

/** Strips the extension: 'g1/A0001.hea' -> 'g1/A0001'. */
export function withoutExtension(path: string): string {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf(sep));
  return dot > slash ? path.slice(0, dot) : path;
}
