// `openecg site key --export FILE`: a plain copy of the workspace's site key. A plain key is copied
// here; a key the desktop app protected with the OS keychain (<id>.safe) opens only inside Electron's
// main process, so the app is started for it (`--export-site-key FILE`, no window) where installed.
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { exportSiteKey, type ExportedKey } from '../datasets/site-key-export.js';
import { SiteKeyError } from '../datasets/site-key-store.js';
import { chooseFrontEnd } from '../workspace/front-end.js';

const Exported = z.object({ file: z.string(), fingerprint: z.string().regex(/^[0-9a-f]{32}$/) });

export function exportKey(workspace: string, dest: string, keyFile?: string): ExportedKey {
  try {
    return exportSiteKey(workspace, dest, { keyFile });
  } catch (err) {
    if (!(err instanceof SiteKeyError) || err.code !== 'site-key-protected') throw err;
  }
  const front = chooseFrontEnd();
  if (front.kind !== 'electron') {
    throw new SiteKeyError('site-key-protected', `this workspace's site key is protected by the desktop app's OS keychain and the desktop app is not installed here (${front.reason}): export it with \`openecg site key --export FILE\` on the machine and user account that made it`);
  }
  const r = spawnSync(front.binary, [front.main, '--workspace', workspace, '--export-site-key', dest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  let doc: unknown = null;
  try {
    doc = JSON.parse(line);
  } catch {
    // Reported below with what the app said.
  }
  const ok = Exported.safeParse(doc);
  if (r.status === 0 && ok.success) return ok.data;
  const said = (r.stderr ?? '').trim().split('\n').pop() || r.error?.message || `exit ${r.status ?? r.signal}`;
  throw new Error(`the desktop app could not export the site key: ${said}`);
}
