// The path resolver against the two layouts it serves: this checkout, and one that imitates what
// electron-builder makes (resources/app.asar holding package.json and dist/, with resources/ and
// cluster/ beside the archive as extraResources). The packaged case runs the compiled modules from
// inside the imitation in a child process, as the app would run them.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appRoot, compiledScript, compiledScriptOrNull, isPackaged, shippedPath } from '../../src/main/platform/app-paths.js';
import { tempDir } from '../temp.js';

const REPO = appRoot();

describe('app paths in this checkout', () => {
  it('finds resources/, cluster/ and the build from src/', () => {
    expect(isPackaged()).toBe(false);
    expect(existsSync(join(REPO, 'package.json'))).toBe(true);
    expect(existsSync(shippedPath('resources', 'statement-map.json'))).toBe(true);
    expect(existsSync(shippedPath('resources', 'experiments', 'small-cpu.json'))).toBe(true);
    expect(existsSync(shippedPath('cluster', 'openecg_cluster', 'train.py'))).toBe(true);
  });

  it('maps a TypeScript module to its compiled sibling in dist/, and a compiled one to its own folder', () => {
    const fromSrc = pathToFileURL(join(REPO, 'src', 'main', 'jobs', 'control.ts')).href;
    expect(compiledScript(fromSrc, 'runner.js')).toBe(join(REPO, 'dist', 'main', 'jobs', 'runner.js'));
    const fromDist = pathToFileURL('/opt/app/resources/app.asar/dist/main/jobs/control.js').href;
    expect(compiledScript(fromDist, 'runner.js')).toBe('/opt/app/resources/app.asar/dist/main/jobs/runner.js');
    expect(() => compiledScript(fromSrc, 'no-such-script.js')).toThrow(/jobs\/no-such-script\.js is not built .*run npm run build/);
    expect(compiledScriptOrNull(fromSrc, 'no-such-script.js')).toBeNull();
  });
});

describe('app paths in a packaged layout', () => {
  it('finds resources/ and cluster/ beside app.asar, the renderer and the workers inside it', () => {
    const app = join(tempDir('packaged'), 'OpenECG Workstation');
    const res = join(app, 'resources');
    const asar = join(res, 'app.asar');
    mkdirSync(asar, { recursive: true });
    cpSync(join(REPO, 'dist'), join(asar, 'dist'), { recursive: true });
    cpSync(join(REPO, 'package.json'), join(asar, 'package.json'));
    // The archive carries the production dependencies; a link stands in for them here.
    symlinkSync(join(REPO, 'node_modules'), join(asar, 'node_modules'), 'dir');
    // extraResources as electron-builder.yml declares them.
    const builder = parse(readFileSync(join(REPO, 'electron-builder.yml'), 'utf8')) as { extraResources: { from: string; to: string }[] };
    for (const { from, to } of builder.extraResources) cpSync(join(REPO, from), join(res, to), { recursive: true });

    const probe = join(asar, 'dist', 'main', 'probe.js');
    writeFileSync(
      probe,
      `import { appRoot, isPackaged, shippedPath, compiledScript } from './platform/app-paths.js';
       import { DEFAULT_MAP_FILE } from './datasets/statements.js';
       import { BUNDLED_CONFIGS_DIR } from './experiments/bundled.js';
       import { TRAINER_DIR } from './cli/cluster.js';
       import { defaultRendererDir } from './server/static.js';
       import { runnerScript } from './jobs/paths.js';
       process.stdout.write(JSON.stringify({ root: appRoot(), packaged: isPackaged(), map: DEFAULT_MAP_FILE, configs: BUNDLED_CONFIGS_DIR,
         trainer: TRAINER_DIR, renderer: defaultRendererDir(), runner: runnerScript(), worker: compiledScript(new URL('./import/pool.js', import.meta.url).href, 'worker.js'),
         cluster: shippedPath('cluster') }));`,
    );
    const got = JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8' })) as Record<string, string | boolean>;
    expect(got).toEqual({
      root: asar,
      packaged: true,
      map: join(res, 'resources', 'statement-map.json'),
      configs: join(res, 'resources', 'experiments'),
      trainer: join(res, 'cluster', 'openecg_cluster'),
      renderer: join(asar, 'dist', 'renderer'),
      runner: join(asar, 'dist', 'main', 'jobs', 'runner.js'),
      worker: join(asar, 'dist', 'main', 'import', 'worker.js'),
      cluster: join(res, 'cluster'),
    });
    for (const path of ['map', 'configs', 'trainer', 'runner', 'worker']) expect(existsSync(got[path] as string), path).toBe(true);
    expect(existsSync(join(got.renderer as string, 'index.html'))).toBe(true);
    expect(existsSync(join(got.configs as string, 'small-cpu.json'))).toBe(true);
    expect(existsSync(join(got.trainer as string, 'train.py'))).toBe(true);
  });
});
