// What `openecg import` loads at start-up: only the modules a CinC/WFDB import needs, on the main
// thread and in its worker threads. Each module loaded is logged by a module hook in a child process.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CINC, REPO } from './corpus.js';
import { tempDir } from '../temp.js';

const DIST = join(REPO, 'dist', 'main');
const BIN = join(REPO, 'bin', 'openecg.js');
const CLINICAL = join(CINC, '..', 'clinical');

/** Packages a WFDB import has no use for: ML runtimes, the renderer, the clinical formats' parsers, the FLAC decoder, the WebAssembly assembler. */
const NOT_FOR_A_WFDB_IMPORT = ['@tensorflow/', 'onnxruntime-node', 'h5wasm', 'react', 'plotly.js', 'wabt', 'fast-xml-parser', 'saxes', 'dicom-parser', '@wasm-audio-decoders/', 'codec-parser'];
/** Our modules that bring them: every clinical reader, the site adapter. */
const NOT_OURS_FOR_A_WFDB_IMPORT = ['/dist/main/formats/index.js', '/dist/main/datasets/site.js', '/dist/main/ml/'];

/** A module hook that appends every URL loaded (main thread and worker threads) to a log file. */
function hooks(): { register: string; log: string } {
  const dir = tempDir('startup-hooks');
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
  return { register: join(dir, 'register.mjs'), log };
}

function loaded(log: string): string[] {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const packages = (urls: readonly string[]) => [...new Set(urls.filter((u) => u.includes('/node_modules/')).map((u) => u.split('/node_modules/').pop()!.split('/').slice(0, 2).join('/')))];
const unwanted = (urls: readonly string[]) => urls.filter((u) => NOT_FOR_A_WFDB_IMPORT.some((p) => u.includes(`/node_modules/${p}`)) || NOT_OURS_FOR_A_WFDB_IMPORT.some((p) => u.includes(p)));

/** Runs ESM `code` in a child process with the hook; the modules it loaded. */
function loadedBy(code: string): string[] {
  const { register, log } = hooks();
  const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return loaded(log);
}

describe('import start-up', () => {
  it('the import command and the worker module load none of the clinical, ML or renderer libraries', () => {
    for (const module of ['cli/import.js', 'import/load.js']) {
      const urls = loadedBy(`await import(${JSON.stringify(pathToFileURL(join(DIST, module)).href)});`);
      expect(urls.some((u) => u.endsWith(`/dist/main/${module}`)), module).toBe(true);
      expect(unwanted(urls), module).toEqual([]);
    }
    // The worker module does not open the catalog, so not even its SQLite and zod are loaded.
    const worker = packages(loadedBy(`await import(${JSON.stringify(pathToFileURL(join(DIST, 'import', 'load.js')).href)});`));
    expect(worker).toEqual([]);
  });

  it('a whole CinC import (main thread and two workers) loads none of them either, and imports every record', () => {
    const { register, log } = hooks();
    const ws = tempDir('startup-ws');
    const folder = join(CINC, 'cpsc');
    const records = readdirSync(folder).filter((n) => n.endsWith('.hea')).length;
    const r = spawnSync(process.execPath, ['--import', register, BIN, 'import', folder, '--workspace', ws, '--workers', '2', '--json'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dataset: 'cinc', imported: records, failed: 0 });
    const urls = loaded(log);
    // The hook sees the worker threads too: the worker module is loaded once per thread.
    expect(urls.filter((u) => u.endsWith('/dist/main/import/load.js')).length).toBe(3);
    expect(unwanted(urls)).toEqual([]);
  });

  it('detection loads the site adapter only where a site folder is still possible', () => {
    const site = tempDir('startup-site');
    const dicom = join(CLINICAL, 'dicom');
    const file = readdirSync(dicom).find((n) => !n.endsWith('.md'))!;
    mkdirSync(join(site, 'ward'));
    copyFileSync(join(dicom, file), join(site, 'ward', 'exam1'));
    const index = JSON.stringify(pathToFileURL(join(DIST, 'datasets', 'index.js')).href);
    const run = (folder: string, expected: string) =>
      loadedBy(`const { detectAdapter } = await import(${index}); const a = await detectAdapter(${JSON.stringify(folder)}); if (a.name !== ${JSON.stringify(expected)}) throw new Error('detected ' + a.name);`);
    const cinc = run(join(CINC, 'cpsc'), 'cinc');
    expect(cinc.filter((u) => u.includes('/dist/main/datasets/site.js'))).toEqual([]);
    const clinical = run(site, 'site');
    expect(clinical.filter((u) => u.includes('/dist/main/datasets/site.js')).length).toBe(1);
  });
});
