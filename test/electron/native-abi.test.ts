// better-sqlite3 under Electron: which binding a process loads, and the check `openecg start` runs
// in the Electron binary (as Node) before it opens a window. Here the runtime checked is this Node,
// the same code path Electron-as-Node takes; a broken binding stands in for one of the wrong ABI.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNativeModules, readElectronStamp, REBUILD_HINT, sqliteBinding } from '../../src/main/platform/electron-native.js';
import { tempDir } from '../temp.js';

function stampDir(modules: string): { dir: string; binding: string } {
  const dir = tempDir('electron-native');
  const binding = join(dir, `better_sqlite3-electron-${modules}.node`);
  writeFileSync(binding, 'not a shared object');
  writeFileSync(join(dir, 'stamp.json'), JSON.stringify({ electron: '38.8.6', modules, binding }));
  return { dir, binding };
}

describe('sqliteBinding', () => {
  it("uses the Electron build only inside Electron and only for that build's ABI", () => {
    const { dir, binding } = stampDir('139');
    expect(readElectronStamp(dir)).toEqual({ electron: '38.8.6', modules: '139', binding });
    const electron = { ...process.versions, electron: '38.8.6', modules: '139' } as NodeJS.ProcessVersions;
    expect(sqliteBinding(electron, dir)).toBe(binding);
    expect(sqliteBinding({ ...electron, modules: '140' } as NodeJS.ProcessVersions, dir)).toBeUndefined();
    expect(sqliteBinding(process.versions, dir)).toBeUndefined(); // plain Node: the package's own build
    expect(sqliteBinding(electron, tempDir('no-stamp'))).toBeUndefined();
  });
});

describe('checkNativeModules', () => {
  it('passes where better-sqlite3 loads in the runtime, naming its ABI', () => {
    const r = checkNativeModules(process.execPath, tempDir('no-stamp'));
    expect(r).toEqual({ ok: true, modules: process.versions.modules, electron: null, binding: null });
  });

  it('fails with what to run where the binding does not load', () => {
    const sqlite = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
    const copy = join(tempDir('broken-sqlite'), 'better-sqlite3');
    cpSync(sqlite, copy, { recursive: true });
    mkdirSync(join(copy, 'build', 'Release'), { recursive: true });
    writeFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), 'built for another ABI');
    const r = checkNativeModules(process.execPath, tempDir('no-stamp'), createRequire(join(copy, 'package.json')).resolve('./'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain(`NODE_MODULE_VERSION ${process.versions.modules}`);
      expect(r.reason).toContain(`Run \`${REBUILD_HINT}\``);
      expect(r.reason).not.toContain('\n');
    }
  });

  it('says so when the binary cannot run', () => {
    const r = checkNativeModules(join(tempDir('nothing'), 'electron'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/could not run .*electron as Node/);
  });
});
