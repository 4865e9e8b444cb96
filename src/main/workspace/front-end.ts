// Which front end can start here: Electron where its binary is installed (an optional dependency
// whose download fails offline), else browser mode.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FrontEnd = { kind: 'electron'; binary: string; main: string } | { kind: 'browser'; reason: string };

export function chooseFrontEnd(): FrontEnd {
  const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'index.js');
  let binary: string;
  try {
    // The electron package's entry is the path of its binary; it throws when the download failed.
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    return { kind: 'browser', reason: 'Electron is not installed here (an optional dependency whose binary download failed or was skipped)' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { kind: 'browser', reason: 'the Electron package is present but its binary is missing' };
  if (!existsSync(main)) return { kind: 'browser', reason: 'this build has no Electron main process yet' };
  return { kind: 'electron', binary, main };
}
