// One experiment run on disk: <workspace>/runs/<run id>/ with run.json (config, code version,
// backend, seeds), steps/<step>.json (one per finished step: the per-step records a resume skips),
// snapshots/<step>.json (the record ids a step read), predictions/<step>.csv, bundles/<step>/ and
// checkpoints/<step>/. Every file is written to a temporary name, synced and renamed, so a kill
// leaves either the old file or the new one, and two runs never share a folder.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 1) + '\n');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export class RunFolder {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  get runFile(): string {
    return join(this.dir, 'run.json');
  }
  stepFile(step: string): string {
    return join(this.dir, 'steps', `${step}.json`);
  }
  hasStep(step: string): boolean {
    return existsSync(this.stepFile(step));
  }
  readStep<T>(step: string): T {
    return readJson<T>(this.stepFile(step));
  }
  writeStep(step: string, record: unknown): void {
    writeJsonAtomic(this.stepFile(step), record);
  }
  snapshotFile(step: string): string {
    return join(this.dir, 'snapshots', `${step}.json`);
  }
  predictionsFile(step: string): string {
    return join(this.dir, 'predictions', `${step}.csv`);
  }
  bundleDir(step: string): string {
    return join(this.dir, 'bundles', step);
  }
  checkpointDir(step: string): string {
    return join(this.dir, 'checkpoints', step);
  }
}

/** A center or method name as a file-name part: lower case, runs of other characters as '-'. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '');
}
