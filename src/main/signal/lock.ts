// A writer lock file holding the owner's pid: one writer per store; a lock left by a dead process is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class LockError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`${path} is held by running process ${pid}: only one writer at a time (close it first, or remove the lock if that process is not ours)`);
    this.name = 'LockError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock at `path` or throw LockError; returns the function that releases it. */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = Number.NaN;
    try {
      pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      continue; // removed between our open and read: try again
    }
    // A pid that is ours or alive holds the lock; a dead or unreadable one is stale.
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || alive(pid))) throw new LockError(path, pid);
    try {
      unlinkSync(path);
    } catch {
      // Another process took it over first; the next attempt decides.
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
