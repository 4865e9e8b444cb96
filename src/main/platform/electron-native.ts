// better-sqlite3 under Electron. `npm ci` builds it for Node's ABI, which the CLI, the tests and
// browser mode use; Electron's main process (and Electron run as Node for jobs and imports) needs a
// build for Electron's ABI. scripts/electron-native.mjs makes that second build beside the first
// (node_modules/.openecg-electron) instead of rebuilding in place, so both runtimes keep working on a
// developer's machine; a packaged app has only Electron's (electron-builder rebuilds it: npmRebuild).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from './app-paths.js';

/** What scripts/electron-native.mjs writes beside the Electron build. */
export interface ElectronNativeStamp {
  readonly electron: string;
  /** NODE_MODULE_VERSION of that Electron. */
  readonly modules: string;
  /** The better_sqlite3.node built for it. */
  readonly binding: string;
}

export const electronNativeDir = (root = appRoot()): string => join(root, 'node_modules', '.openecg-electron');

export function readElectronStamp(dir = electronNativeDir()): ElectronNativeStamp | null {
  try {
    const s = JSON.parse(readFileSync(join(dir, 'stamp.json'), 'utf8')) as Partial<ElectronNativeStamp>;
    return typeof s.electron === 'string' && typeof s.modules === 'string' && typeof s.binding === 'string' ? (s as ElectronNativeStamp) : null;
  } catch {
    return null;
  }
}

/**
 * The binding this process must load: the Electron build when running inside Electron and one was
 * made for this ABI; undefined: the package's own (Node's in a checkout, Electron's when packaged).
 */
export function sqliteBinding(versions: NodeJS.ProcessVersions = process.versions, dir = electronNativeDir()): string | undefined {
  if (!versions.electron) return undefined;
  const stamp = readElectronStamp(dir);
  return stamp && stamp.modules === versions.modules && existsSync(stamp.binding) ? stamp.binding : undefined;
}

export type NativeCheck = { readonly ok: true; readonly modules: string; readonly electron: string | null; readonly binding: string | null } | { readonly ok: false; readonly reason: string };

export const REBUILD_HINT = 'npm run electron:native';

/**
 * Opens an in-memory database with better-sqlite3 inside `binary` run as Node (Electron with
 * ELECTRON_RUN_AS_NODE), choosing the binding the way sqliteBinding does there. A wrong ABI
 * fails here, before a window opens, with what to run instead of a crash at the first query.
 */
export function checkNativeModules(binary: string, dir = electronNativeDir(), sqlite = createRequire(import.meta.url).resolve('better-sqlite3')): NativeCheck {
  const script = `
    const fs = require('fs'); const v = process.versions; let binding = null;
    try { const s = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'stamp.json'))}, 'utf8')); if (v.electron && s.modules === v.modules && fs.existsSync(s.binding)) binding = s.binding; } catch {}
    const out = { modules: v.modules, electron: v.electron || null, binding };
    try { const D = require(${JSON.stringify(sqlite)}); new D(':memory:', binding ? { nativeBinding: binding } : {}).prepare('select 1').get(); }
    catch (e) { out.error = String(e && e.message || e).split('\\n')[0]; }
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(binary, ['-e', script], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 60_000 });
  const out = parseReport(r.stdout);
  if (!out) {
    return { ok: false, reason: `could not run ${binary} as Node to check its native modules (${(r.error?.message ?? r.stderr ?? '').trim().split('\n')[0] || `exit ${r.status}`})` };
  }
  if (out.error) {
    const runtime = out.electron ? `Electron ${out.electron}` : `this runtime`;
    return { ok: false, reason: `better-sqlite3 is not built for ${runtime} (NODE_MODULE_VERSION ${out.modules}): ${out.error}. Run \`${REBUILD_HINT}\` (fetches Electron's headers once), then start again` };
  }
  return { ok: true, modules: out.modules ?? '', electron: out.electron ?? null, binding: out.binding ?? null };
}

interface CheckReport {
  modules?: string;
  electron?: string | null;
  binding?: string | null;
  error?: string;
}

function parseReport(stdout: string | null): CheckReport | null {
  try {
    const v = JSON.parse(stdout ?? '') as unknown;
    return v && typeof v === 'object' ? (v as CheckReport) : null;
  } catch {
    return null;
  }
}
