// Browser mode: the built renderer and the Workstation API over HTTP on 127.0.0.1 only.
//   GET  /?token=T     the page; a valid token also sets an HttpOnly SameSite=Strict cookie so the
//                      page's scripts and styles load
//   GET  /assets/...   static files (cookie or token)
//   POST /api/<method> JSON in, JSON out; the token must come in the X-OpenECG-Token header
//                      (a cookie alone is not enough for the API: no cross-site request can set it)
// Every request is checked in this order: Host (403), Origin and fetch metadata (403), token (401).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../shared/api.js';
import { createWorkstationApi, type WorkstationApi } from '../api/index.js';
import {
  SECURITY_HEADERS,
  TOKEN_COOKIE,
  TOKEN_HEADER,
  cookieValue,
  fetchSiteAllowed,
  hostAllowed,
  newToken,
  originAllowed,
  tokenMatches,
} from './guard.js';
import { defaultRendererDir, staticFile } from './static.js';

export interface ServeOptions {
  readonly workspace: string;
  /** 0 (default): a free port chosen by the system. */
  readonly port?: number;
  /** The built renderer (default: dist/renderer). */
  readonly rendererDir?: string;
  /** Fixed token (tests); default: a new random one per start. */
  readonly token?: string;
}

export interface RunningServer {
  readonly port: number;
  readonly token: string;
  /** http://127.0.0.1:PORT/?token=... : the one address to open. */
  readonly url: string;
  readonly api: WorkstationApi;
  close(): Promise<void>;
}

/** Largest API request body: inputs are small JSON documents. */
const MAX_BODY = 1 << 20;

const STATUS: Record<string, number> = { 'invalid-input': 400, 'not-found': 404, 'unknown-method': 404, unsupported: 501, failed: 500 };

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const api = createWorkstationApi({ workspace: options.workspace });
  const token = options.token ?? newToken();
  const root = options.rendererDir ?? defaultRendererDir();
  let port = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { code: 'failed', message: (err as Error).message ?? String(err) } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, port)) return send(res, 403, { error: { code: 'forbidden', message: 'foreign Host header' } });
    const site = req.headers['sec-fetch-site'];
    if (!originAllowed(req.headers.origin, port) || !fetchSiteAllowed(typeof site === 'string' ? site : undefined)) {
      return send(res, 403, { error: { code: 'forbidden', message: 'foreign Origin' } });
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url.pathname.slice('/api/'.length));
    const fromQuery = url.searchParams.get('token');
    const headerToken = req.headers[TOKEN_HEADER];
    const given = [fromQuery, cookieValue(req.headers.cookie, TOKEN_COOKIE), typeof headerToken === 'string' ? headerToken : undefined];
    if (!given.some((t) => tokenMatches(t, token))) return send(res, 401, { error: { code: 'unauthorized', message: 'open the address with ?token= that `openecg serve` printed' } });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: { code: 'method', message: 'GET only' } }, { Allow: 'GET, HEAD' });
    const file = staticFile(root, url.pathname);
    if (!file) {
      const missing = url.pathname === '/' ? ` (no built renderer in ${root}: run npx vite build)` : '';
      return send(res, 404, { error: { code: 'not-found', message: `not found${missing}` } });
    }
    const headers: Record<string, string> = { 'Content-Type': file.type, 'Cache-Control': 'no-store' };
    if (tokenMatches(fromQuery, token)) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'Content-Length': String(file.body.length) });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const given = req.headers[TOKEN_HEADER];
    if (!tokenMatches(typeof given === 'string' ? given : undefined, token)) {
      return send(res, 401, { error: { code: 'unauthorized', message: `API calls need the ${TOKEN_HEADER} header` } });
    }
    if (req.method !== 'POST') return send(res, 405, { error: { code: 'method', message: 'POST only' } }, { Allow: 'POST' });
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return send(res, 415, { error: { code: 'invalid-input', message: 'send application/json' } });
    }
    let input: unknown;
    try {
      const body = await readBody(req);
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch (err) {
      return send(res, 400, { error: { code: 'invalid-input', message: `unreadable request body: ${(err as Error).message}` } });
    }
    try {
      send(res, 200, await api.callByName(method, input));
    } catch (err) {
      if (err instanceof ApiError) return send(res, STATUS[err.code] ?? 500, { error: { code: err.code, message: err.message } });
      return send(res, 500, { error: { code: 'failed', message: (err as Error).message ?? String(err) } });
    }
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    api,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          api.close();
          done();
        });
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
