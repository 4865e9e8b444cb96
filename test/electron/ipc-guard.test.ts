// The Electron main process's checks, without Electron: which IPC calls reach the API (sender
// origin and frame, method, input), the reply envelope, the app:// file server, the remembered
// window state, and the preload's one channel.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError, IPC_CHANNEL, ipcReplySchema } from '../../src/shared/api.js';
import { appResponse } from '../../src/main/electron/app-protocol.js';
import { APP_ENTRY, checkIpcCall, ipcReply, trustedUrl } from '../../src/main/electron/ipc-guard.js';
import { DEFAULT_WINDOW_STATE, loadWindowState, parseWindowState, saveWindowState, WINDOW_STATE_FILE } from '../../src/main/electron/window-state.js';
import { CONTENT_SECURITY_POLICY } from '../../src/main/server/guard.js';
import { tempDir } from '../api/fixtures.js';

const ours = { url: APP_ENTRY, topFrame: true };
const root = tempDir('electron-guard');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function refused(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to be refused');
}

describe('checkIpcCall', () => {
  it('passes a valid call from our page, with the schema defaults applied', () => {
    const c = checkIpcCall({ url: 'app://openecg/index.html#viewer', topFrame: true }, 'record.signals', { id: 3 });
    expect(c.method).toBe('record.signals');
    expect(c.input).toEqual({ id: 3, source: 'raw', filters: { baseline: false, notch: 0, lowpass: 0 } });
    expect(checkIpcCall(ours, 'system.info', undefined).input).toEqual({});
  });

  it('refuses an unknown method, naming it', () => {
    const e = refused(() => checkIpcCall(ours, 'fs.readFile', { path: '/etc/passwd' }));
    expect(e.code).toBe('unknown-method');
    expect(e.message).toContain('fs.readFile');
    expect(refused(() => checkIpcCall(ours, { toString: () => 'system.info' }, {})).code).toBe('unknown-method');
    expect(refused(() => checkIpcCall(ours, '__proto__', {})).code).toBe('unknown-method');
  });

  it('refuses bad input, naming the field', () => {
    const e = refused(() => checkIpcCall(ours, 'record.get', { id: -1 }));
    expect(e.code).toBe('invalid-input');
    expect(e.message).toMatch(/id/);
    expect(refused(() => checkIpcCall(ours, 'import.start', { folder: '/data', evil: 'x' })).message).toMatch(/evil/);
    expect(refused(() => checkIpcCall(ours, 'dialog.chooseFolder', { purpose: 'home' })).code).toBe('invalid-input');
  });

  it('refuses a foreign sender or a subframe before looking at the call', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'app://openecg:99/index.html', 'app://user@openecg/', 'http://127.0.0.1:3000/', 'devtools://devtools/', '', 'not a url']) {
      const e = refused(() => checkIpcCall({ url, topFrame: true }, 'system.info', {}));
      expect(e.code).toBe('forbidden');
    }
    expect(refused(() => checkIpcCall({ url: APP_ENTRY, topFrame: false }, 'system.info', {})).message).toMatch(/subframe/);
    expect(trustedUrl('app://openecg/assets/x.js')).toBe(true);
    expect(trustedUrl('app://openecg.evil.example/')).toBe(false);
  });
});

describe('ipcReply', () => {
  it('wraps values and keeps error codes', async () => {
    expect(await ipcReply(async () => ({ n: 1 }))).toEqual({ ok: true, value: { n: 1 } });
    expect(await ipcReply(async () => checkIpcCall(ours, 'nope', {}))).toEqual({ ok: false, error: { code: 'unknown-method', message: 'unknown API method "nope"' } });
    const crash = await ipcReply(async () => {
      throw new TypeError('boom');
    });
    expect(crash).toEqual({ ok: false, error: { code: 'failed', message: 'boom' } });
    expect(ipcReplySchema.safeParse(crash).success).toBe(true);
  });

  it('the preload forwards on the same channel the main process listens to', () => {
    const preload = readFileSync(fileURLToPath(new URL('../../src/preload/index.ts', import.meta.url)), 'utf8');
    expect(preload).toContain(`'${IPC_CHANNEL}'`);
    // One function crosses the bridge; no Node module is required besides electron.
    expect(preload.match(/contextBridge\.exposeInMainWorld\(/g)).toHaveLength(1);
    expect([...preload.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1])).toEqual(['electron']);
  });
});

describe('app:// files', () => {
  const dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'assets', 'a.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'no');

  it('serves the renderer folder with the CSP and nothing outside it', () => {
    const index = appResponse(dir, 'app://openecg/');
    expect(index.status).toBe(200);
    expect(index.headers['Content-Type']).toMatch(/text\/html/);
    expect(index.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(Buffer.from(index.body as Uint8Array).toString()).toContain('<title>x</title>');
    expect(appResponse(dir, 'app://openecg/assets/a.js').headers['Content-Type']).toMatch(/javascript/);
    expect(appResponse(dir, 'app://openecg/../secret.txt').status).toBe(404);
    expect(appResponse(dir, 'app://openecg/%2e%2e/secret.txt').status).toBe(404);
    expect(appResponse(dir, 'app://other/index.html').status).toBe(403);
    expect(appResponse(dir, 'app://openecg/index.html', 'POST').status).toBe(405);
    expect(appResponse(dir, 'app://openecg/missing.js').status).toBe(404);
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('round-trips through the user data folder', () => {
    const userData = join(root, 'userdata');
    expect(loadWindowState(userData, screen)).toEqual(DEFAULT_WINDOW_STATE);
    saveWindowState(userData, { x: 100, y: 80, width: 1200.4, height: 800 }, true);
    expect(JSON.parse(readFileSync(join(userData, WINDOW_STATE_FILE), 'utf8'))).toEqual({ x: 100, y: 80, width: 1200, height: 800, maximized: true });
    expect(loadWindowState(userData, screen)).toEqual({ x: 100, y: 80, width: 1200, height: 800, maximized: true });
  });

  it('falls back on corrupt, hostile or off-screen state', () => {
    expect(parseWindowState('{"width": 1200, "height"', screen)).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{"width": 10, "height": 10}', screen)).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{"width": 1200, "height": 800, "__proto__": {"x": 1}}', screen)).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{"width": "1200", "height": 800}', screen)).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('[]', screen)).toEqual(DEFAULT_WINDOW_STATE);
    // A monitor that was unplugged: the size stays, the place is forgotten.
    expect(parseWindowState('{"x": 3000, "y": 100, "width": 1200, "height": 800}', screen)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(parseWindowState('{"x": 3000, "y": 100, "width": 1200, "height": 800}', [...screen, { x: 1920, y: 0, width: 1920, height: 1080 }])).toMatchObject({ x: 3000 });
  });
});
