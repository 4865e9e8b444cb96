// Where the workstation's own files are, in a checkout and in a packaged Electron app. The one
// place that knows both layouts; every other module asks here instead of counting '..'s.
//
// Checkout (npm ci, tests):  <root>/{package.json, dist/main/..., src/main/..., resources/, cluster/}
// Packaged (electron-builder, asar): <resourcesPath>/app.asar/{package.json, dist/main/...}, and
//   resources/ and cluster/ copied beside the archive as extraResources (<resourcesPath>/resources,
//   <resourcesPath>/cluster): Python cannot read files inside an asar archive, and users may edit them.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file sits at <root>/{src,dist}/main/platform/: the root is three folders up. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The folder holding package.json and dist/ (inside app.asar when packaged). */
export function appRoot(): string {
  return ROOT;
}

/** True when running from an asar archive (a packaged Electron app). */
export function isPackaged(root = ROOT): boolean {
  return basename(root).endsWith('.asar');
}

/** The folders that ship beside the code: resources/ (configs, statement map) and cluster/ (the PyTorch trainer). */
export type ShippedFolder = 'resources' | 'cluster';

/** A file or folder of resources/ or cluster/, wherever this layout keeps them. */
export function shippedPath(folder: ShippedFolder, ...rest: string[]): string {
  const base = isPackaged() ? dirname(ROOT) : ROOT;
  return join(base, folder, ...rest);
}

/**
 * The compiled script `name` beside the calling module (`moduleUrl` = its import.meta.url). From
 * dist/ (or app.asar) that is the caller's own folder; under Vitest the caller is TypeScript in src/
 * and Node 20 cannot start .ts workers or children, so it is the same path in dist/.
 */
export function compiledScript(moduleUrl: string, name: string): string {
  const caller = fileURLToPath(moduleUrl);
  if (caller.endsWith('.js')) return join(dirname(caller), name);
  const fromSrc = relative(join(ROOT, 'src'), dirname(caller));
  const built = join(ROOT, 'dist', fromSrc, name);
  if (fromSrc.startsWith('..') || !existsSync(built)) {
    throw new Error(`${fromSrc.split(sep).join('/')}/${name} is not built (${built} missing): run npm run build`);
  }
  return built;
}

/** compiledScript, or null when there is no compiled copy (callers that can do the work in-process). */
export function compiledScriptOrNull(moduleUrl: string, name: string): string | null {
  try {
    const path = compiledScript(moduleUrl, name);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
