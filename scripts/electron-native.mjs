#!/usr/bin/env node
// postinstall and `npm run electron:native`: where Electron is installed, builds better-sqlite3 for
// Electron's ABI into node_modules/.openecg-electron (the Node build stays in place for the CLI and
// the tests; src/main/platform/electron-native.ts picks the right one at run time). Says one line and
// exits 0 when Electron is absent or the build cannot run (offline: Electron's headers are a download);
// `openecg start` then checks the ABI and says to run this again.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const outDir = join(root, 'node_modules', '.openecg-electron');
const say = (line) => process.stderr.write(`electron-native: ${line}\n`);

function electronBinary() {
  try {
    const binary = require('electron'); // the package's entry is its binary's path; throws when the download failed
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

async function main() {
  const binary = electronBinary();
  if (!binary) return say('Electron is not installed (optional): better-sqlite3 stays built for Node; the workstation runs in browser mode');
  const probe = spawnSync(binary, ['-p', 'JSON.stringify(process.versions)'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 60_000 });
  let versions;
  try {
    versions = JSON.parse(probe.stdout);
  } catch {
    return say(`could not run ${binary} as Node (${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]}); skipped`);
  }
  const stampFile = join(outDir, 'stamp.json');
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    if (stamp.modules === versions.modules && existsSync(stamp.binding)) return say(`better-sqlite3 for Electron ${versions.electron} is up to date`);
  }
  // Rebuild a copy, so the Node build under node_modules/better-sqlite3 is left as it is.
  const work = mkdtempSync(join(tmpdir(), 'openecg-electron-native-'));
  try {
    const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    cpSync(pkgDir, join(work, 'node_modules', 'better-sqlite3'), { recursive: true, filter: (src) => !src.startsWith(join(pkgDir, 'build')) });
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'openecg-electron-native', version: '0.0.0', dependencies: { 'better-sqlite3': pkg.version } }));
    const { rebuild } = await import(require.resolve('@electron/rebuild'));
    await rebuild({ buildPath: work, electronVersion: versions.electron, onlyModules: ['better-sqlite3'], force: true });
    const built = join(work, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new Error(`no ${built} after the rebuild`);
    mkdirSync(outDir, { recursive: true });
    const binding = join(outDir, `better_sqlite3-electron-${versions.modules}.node`);
    cpSync(built, binding);
    writeFileSync(stampFile, JSON.stringify({ electron: versions.electron, modules: versions.modules, binding }, null, 2));
    say(`better-sqlite3 built for Electron ${versions.electron} (NODE_MODULE_VERSION ${versions.modules}) in ${outDir}`);
  } catch (err) {
    say(`could not build better-sqlite3 for Electron ${versions.electron} (${String(err?.message ?? err).split('\n')[0]}); \`openecg start\` will say so, run \`npm run electron:native\` when online`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => say(`skipped (${String(err?.message ?? err).split('\n')[0]})`));
