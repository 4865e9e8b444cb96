// electron-builder.yml: parsed with a YAML parser and checked for the targets the issue asks for
// (Linux AppImage + deb, Windows NSIS, macOS dmg) and for the fields that matter for security and
// for the app starting at all (asar, unpacked native and WebAssembly files, fuses).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// electron-builder's own configuration loader and schema check (the package electron-builder runs).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  directories: { buildResources: string; output: string };
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[]; hardenedRuntime: boolean };
  publish: null;
}

const config = parse(readFileSync(`${REPO}electron-builder.yml`, 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { main: string; dependencies: Record<string, string> };

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s own validation as `electron-builder --linux dir` loads it (no download)', async () => {
    const load = async (extra: Record<string, unknown>) => {
      const c = await getConfig(REPO, null, { linux: { target: ['dir'] }, ...extra });
      await validateConfiguration(c, new DebugLogger(false));
      return c;
    };
    const c = await load({});
    expect(c.linux?.target).toContain('dir');
    expect(c.extraResources).toEqual([
      { from: 'resources/', to: 'resources/', filter: ['**/*', '!README.md'] },
      { from: 'cluster/', to: 'cluster/', filter: ['openecg_cluster/**/*.py'] },
    ]);
    // The validation is real: a misspelt option is refused with electron-builder's message.
    await expect(load({ asarUnpak: [] })).rejects.toThrow(/does not match the API schema/);
  });

  it('names the app and builds the four installers', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe('OpenECG Workstation');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.publish).toBeNull(); // nothing is uploaded from a build machine
  });

  it('packs what the app runs: the compiled main entry, preload, renderer, CLI', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**/*', 'bin/**/*', 'package.json']));
    expect(pkg.main).toBe('dist/main/index.js');
    expect(existsSync(`${REPO}src/main/index.ts`)).toBe(true);
    expect(existsSync(`${REPO}src/preload/index.ts`)).toBe(true);
    expect(existsSync(`${REPO}${config.directories.buildResources}/icon.svg`)).toBe(true);
  });

  it('keeps the app in an asar archive, unpacking only native and WebAssembly files', () => {
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack.join(' ');
    for (const dep of ['better-sqlite3', '@tensorflow/tfjs-backend-wasm', 'h5wasm']) {
      expect(Object.keys(pkg.dependencies)).toContain(dep);
      expect(unpack).toContain(`node_modules/${dep}/`);
    }
    expect(unpack).toMatch(/better-sqlite3\/\*\*\/\*\.node/);
    expect(unpack).toMatch(/tfjs-backend-wasm\/dist\/\*\.wasm/);
  });

  it('sets the security fuses', () => {
    const f = config.electronFuses;
    expect(f.enableNodeOptionsEnvironmentVariable).toBe(false);
    expect(f.enableNodeCliInspectArguments).toBe(false);
    expect(f.enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(f.onlyLoadAppFromAsar).toBe(true);
    expect(f.grantFileProtocolExtraPrivileges).toBe(false);
    expect(f.enableCookieEncryption).toBe(true);
    // runAsNode stays on: jobs and imports fork the app binary as Node (src/main/platform/processes.ts).
    expect(f.runAsNode).toBe(true);
    expect(readFileSync(`${REPO}src/main/platform/processes.ts`, 'utf8')).toContain("ELECTRON_RUN_AS_NODE: '1'");
    expect(config.mac.hardenedRuntime).toBe(true);
  });
});
