// Static files of the built renderer, confined to its folder: no '..', no symlink out, no NUL.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { appRoot } from '../platform/app-paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Where `vite build` put the renderer: dist/renderer beside the compiled main (dist/main/server ->
 * dist/renderer) or, when running from source, <repo>/dist/renderer.
 */
export function defaultRendererDir(): string {
  return join(appRoot(), 'dist', 'renderer');
}

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** The file a URL path names inside `root`, or null (missing, outside, or not a plain file). */
export function staticFile(root: string, urlPath: string): StaticFile | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const full = resolve(base, `.${path}`);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  if (!existsSync(full)) return null;
  // A symlink inside the folder could still point out of it.
  const real = realpathSync(full);
  const realBase = realpathSync(base);
  if (real !== realBase && !real.startsWith(realBase + sep)) return null;
  if (!statSync(real).isFile()) return null;
  return { body: readFileSync(real), type: TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream' };
}
