// The browser-mode server over real HTTP: token (401), Host and Origin (403), static files confined
// to the renderer folder, security headers, and the API round trip with its error statuses.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/index.js';
import { cookieValue, hostAllowed, originAllowed, tokenMatches } from '../../src/main/server/guard.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { staticFile } from '../../src/main/server/static.js';
import { makeWorkspace, tempDir } from '../api/fixtures.js';

let root: string;
let renderer: string;
let workspace: string;
let server: RunningServer;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { Host: `127.0.0.1:${server.port}`, ...opts.headers };
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  http(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-OpenECG-Token': server.token, ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  root = tempDir('server');
  renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  symlinkSync(join(root, 'secret.txt'), join(renderer, 'assets', 'link.txt'));
  ({ workspace } = await makeWorkspace(root));
  server = await startServer({ workspace, rendererDir: renderer });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('guards', () => {
  it('accept only our own host, origin and token', () => {
    expect(hostAllowed('127.0.0.1:8080', 8080)).toBe(true);
    expect(hostAllowed('localhost:8080', 8080)).toBe(true);
    expect(hostAllowed('127.0.0.1:8081', 8080)).toBe(false);
    expect(hostAllowed('attacker.example:8080', 8080)).toBe(false);
    expect(hostAllowed(undefined, 8080)).toBe(false);
    expect(originAllowed(undefined, 8080)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8080', 8080)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8081', 8080)).toBe(false);
    expect(originAllowed('null', 8080)).toBe(false);
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(cookieValue('a=1; openecg_token=xyz; b=2', 'openecg_token')).toBe('xyz');
  });

  it('a new random token every start, and a random port', async () => {
    const other = await startServer({ workspace, rendererDir: renderer });
    try {
      expect(other.token).not.toBe(server.token);
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.port).not.toBe(server.port);
      expect(other.url).toBe(`http://127.0.0.1:${other.port}/?token=${other.token}`);
    } finally {
      await other.close();
    }
  });
});

describe('page requests', () => {
  it('401 without the token, 200 with it, and a cookie for the assets', async () => {
    expect((await http('/')).status).toBe(401);
    expect((await http('/assets/app.js')).status).toBe(401);
    expect((await http('/?token=wrong')).status).toBe(401);
    const ok = await http(`/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>t</title>');
    expect(ok.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(ok.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await http('/assets/app.js', { headers: { Cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('403 for a foreign Host (DNS rebinding) or Origin, even with the token', async () => {
    expect((await http(`/?token=${server.token}`, { headers: { Host: `rebind.example:${server.port}` } })).status).toBe(403);
    expect((await http(`/?token=${server.token}`, { headers: { Host: '127.0.0.1' } })).status).toBe(403);
    expect((await http(`/?token=${server.token}`, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await http(`/?token=${server.token}`, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    expect((await http(`/?token=${server.token}`, { headers: { Host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('no way out of the renderer folder', async () => {
    const t = `token=${server.token}`;
    for (const path of [`/../secret.txt?${t}`, `/%2e%2e/secret.txt?${t}`, `/assets/%2e%2e%2f%2e%2e%2fsecret.txt?${t}`, `/assets/link.txt?${t}`, `/%00?${t}`, `/assets/..%5c..%5csecret.txt?${t}`]) {
      const r = await http(path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('outside');
    }
    expect(staticFile(renderer, '/assets/../../secret.txt')).toBeNull();
    expect(staticFile(renderer, '/assets/app.js')?.type).toMatch(/javascript/);
  });
});

describe('API requests', () => {
  it('401 without the header token (a cookie is not enough)', async () => {
    const page = await http(`/?token=${server.token}`);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const r = await http('/api/catalog.summary', { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: '{}' });
    expect(r.status).toBe(401);
    expect((await api('catalog.summary', {}, { 'X-OpenECG-Token': 'nope' })).status).toBe(401);
  });

  it('403 for a foreign Origin or Host with a valid token', async () => {
    expect((await api('catalog.summary', {}, { Origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('catalog.summary', {}, { Host: 'evil.example' })).status).toBe(403);
  });

  it('answers with the catalog, and maps errors to statuses', async () => {
    const ok = await api('catalog.summary', {}, { Origin: `http://127.0.0.1:${server.port}` });
    expect(ok.status).toBe(200);
    const catalog = Catalog.open(workspace, { readonly: true });
    try {
      expect(JSON.parse(ok.body)).toEqual(catalog.summary());
    } finally {
      catalog.close();
    }
    const bad = await api('record.get', { id: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('invalid-input');
    expect((await api('record.get', { id: 424242 })).status).toBe(404);
    expect((await api('no.such', {})).status).toBe(404);
    expect((await http('/api/catalog.summary', { headers: { 'X-OpenECG-Token': server.token } })).status).toBe(405);
    expect((await http('/api/catalog.summary', { method: 'POST', headers: { 'X-OpenECG-Token': server.token, 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await http('/api/catalog.summary', { method: 'POST', headers: { 'X-OpenECG-Token': server.token, 'Content-Type': 'application/json' }, body: '{oops' })).status).toBe(400);
  });
});
