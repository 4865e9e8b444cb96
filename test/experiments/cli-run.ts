// The built `openecg` CLI as a real process (bin/openecg.js over dist/): its exit status, stdout and stderr.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/openecg.js', import.meta.url));

export interface Run {
  status: number;
  out: string;
  err: string;
}

export function cli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20, timeout: 300_000 }, (error, out, err) => {
      const code = error ? ((error as { code?: unknown }).code as number) : 0;
      done({ status: typeof code === 'number' ? code : 1, out: String(out), err: String(err) });
    });
  });
}
