// The renderer's files served on app://openecg/ (a privileged standard scheme) instead of file://:
// a real origin for the CSP's 'self', for module scripts and for the IPC sender check, and nothing
// outside dist/renderer reachable. Every response carries the same security headers as browser mode.
import { SECURITY_HEADERS } from '../server/guard.js';
import { staticFile } from '../server/static.js';
import { APP_HOST, APP_SCHEME } from './ipc-guard.js';

export interface AppResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | string;
}

/** The response for a request to `url` from the renderer folder `root`. */
export function appResponse(root: string, url: string, method = 'GET'): AppResponse {
  const headers = { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, headers: { ...headers, 'Content-Type': 'text/plain' }, body: 'bad request' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 403, headers: { ...headers, 'Content-Type': 'text/plain' }, body: 'forbidden' };
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { ...headers, 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }, body: 'GET only' };
  const file = staticFile(root, parsed.pathname);
  if (!file) return { status: 404, headers: { ...headers, 'Content-Type': 'text/plain' }, body: 'not found' };
  return { status: 200, headers: { ...headers, 'Content-Type': file.type }, body: new Uint8Array(file.body) };
}
