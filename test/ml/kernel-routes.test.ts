// Pinned kernel routes (docs/kernels.md, "Pinned routes"): separate processes training the small
// config's SimCLR from one seed with one route table give bit-identical weights, and flipping the
// table's decisions changes them (the routes matter); a resumed run keeps its own table over a
// machine cache that says otherwise; a corrupt cache is ignored with a notice; two data-parallel
// replicas take one route per shape; a run's table pinned in this process wins over the machine's
// cache. The processes run the compiled build (npm run build).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

const run = promisify(execFile);
const script = join(import.meta.dirname, 'fixtures', 'route-train.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'openecg-routes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Trained {
  readonly hash: string;
  readonly startStep: number;
  readonly endStep: number;
  readonly routes: Record<string, { route: 'gemm' | 'xnnpack'; source: 'measured' | 'machine' | 'run' }>;
  readonly stderr: string;
}

/** Trains in a child process with configuration folder `config` into checkpoint folder `dir`. */
async function train(config: string, dir: string, steps: number, stopAfter?: number): Promise<Trained> {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENECG_CONFIG_HOME: config };
  delete env.OPENECG_CONV;
  delete env.OPENECG_KERNEL_CACHE;
  const { stdout, stderr } = await run(process.execPath, [script, JSON.stringify({ steps, dir, stopAfter })], { env, timeout: 120_000 });
  return { ...(JSON.parse(stdout) as Omit<Trained, 'stderr'>), stderr };
}

const cacheOf = (config: string) => JSON.parse(readFileSync(join(config, 'kernel-routes.json'), 'utf8')) as { tables: { routes: Record<string, { route: string }> }[] };
const routesOf = (t: Trained) => Object.fromEntries(Object.entries(t.routes).map(([k, r]) => [k, r.route]));

/** A configuration folder whose machine cache holds `from`'s routes with every decision flipped. */
function flippedConfig(from: string, name: string): string {
  const doc = cacheOf(from);
  for (const t of doc.tables) for (const r of Object.values(t.routes)) r.route = r.route === 'gemm' ? 'xnnpack' : 'gemm';
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'kernel-routes.json'), JSON.stringify(doc));
  return dir;
}

// Each case starts one or two Node processes loading TensorFlow.js and ONNX Runtime: slow on a loaded machine.
describe('pinned kernel routes across processes', { timeout: 240_000 }, () => {
  const measured = join(tmp, 'config-measured');
  let first: Trained;

  it('a second process reuses the machine cache without measuring and gets bit-identical weights', async () => {
    first = await train(measured, join(tmp, 'run-1'), 2);
    expect(Object.values(first.routes).every((r) => r.source === 'measured')).toBe(true);
    expect(Object.keys(first.routes).length).toBeGreaterThan(10);
    expect(Object.keys(cacheOf(measured).tables[0].routes).sort()).toEqual(Object.keys(first.routes).sort());
    const second = await train(measured, join(tmp, 'run-2'), 2);
    expect(Object.values(second.routes).every((r) => r.source === 'machine')).toBe(true);
    expect(routesOf(second)).toEqual(routesOf(first));
    expect(second.hash).toBe(first.hash);
  });

  it('the routes matter: the same training with every decision flipped gives other weights', async () => {
    const flipped = await train(flippedConfig(measured, 'config-flipped'), join(tmp, 'run-3'), 2);
    for (const [key, route] of Object.entries(routesOf(first))) expect(flipped.routes[key]?.route, key).toBe(route === 'gemm' ? 'xnnpack' : 'gemm');
    expect(flipped.hash).not.toBe(first.hash);
  });

  it("a resumed run continues on its own table even when the machine's cache says otherwise", async () => {
    const dir = join(tmp, 'run-4');
    const stopped = await train(measured, dir, 2, 1);
    expect(stopped.endStep).toBe(1);
    expect(existsSync(join(dir, 'kernel-routes.json'))).toBe(true);
    const resumed = await train(flippedConfig(measured, 'config-flipped-2'), dir, 2);
    expect(resumed.startStep).toBe(1);
    expect(routesOf(resumed)).toEqual(routesOf(first));
    expect(Object.values(resumed.routes).every((r) => r.source === 'run')).toBe(true);
    // Exact resume on the same routes: the weights of the run that never stopped.
    expect(resumed.hash).toBe(first.hash);
  });

  it('ignores a corrupt machine cache with a notice, trains, and writes a valid one', async () => {
    const config = join(tmp, 'config-corrupt');
    mkdirSync(config);
    writeFileSync(join(config, 'kernel-routes.json'), '{"format": "openecg-kernel-rou');
    const t = await train(config, join(tmp, 'run-5'), 1);
    expect(t.stderr).toMatch(/kernel route cache .*kernel-routes\.json is unreadable .*: ignored/);
    expect(t.endStep).toBe(1);
    expect(Object.values(t.routes).every((r) => r.source === 'measured')).toBe(true);
    expect(Object.keys(cacheOf(config).tables[0].routes).length).toBe(Object.keys(t.routes).length);
  });

  it("ignores another machine's cache with a notice", async () => {
    const config = join(tmp, 'config-foreign');
    cpSync(measured, config, { recursive: true });
    const doc = JSON.parse(readFileSync(join(config, 'kernel-routes.json'), 'utf8')) as { machine: { cpu: string } };
    doc.machine.cpu = 'Some Other CPU @ 9.99GHz';
    writeFileSync(join(config, 'kernel-routes.json'), JSON.stringify(doc));
    const t = await train(config, join(tmp, 'run-6'), 1);
    expect(t.stderr).toMatch(/measured on another machine \(Some Other CPU @ 9\.99GHz, \d+ cores\): ignored/);
    expect(Object.values(t.routes).every((r) => r.source === 'measured')).toBe(true);
  });
});

describe('pinned kernel routes across data-parallel replicas', { timeout: 240_000 }, () => {
  it('two replicas meeting every shape at once end a step with one route per shape, the process table', async () => {
    const { chooseBackend } = await import('../../src/main/ml/backend.js');
    const { clearRouteDecisions } = await import('../../src/main/ml/kernels/kernel-router.js');
    const { sharedRoutes } = await import('../../src/main/ml/kernels/route-share.js');
    const { setKernelRoute } = await import('../../src/main/ml/kernels/gemm-route.js');
    const { DataParallelTrainer } = await import('../../src/main/ml/parallel/data-parallel.js');
    const { Adam } = await import('../../src/main/ml/train/adam.js');
    const { Replica } = await import('../../src/main/ml/train/replica.js');
    const { buildTask } = await import('../../src/main/ml/train/task.js');
    expect((await chooseBackend({ prefer: 'wasm', env: {} })).name).toBe('wasm');
    setKernelRoute(undefined);
    clearRouteDecisions();
    const spec = {
      kind: 'ssl' as const,
      method: 'simclr' as const,
      options: { model: 'resnet18_1d' as const, modelOptions: { width: 0.0625, depth: 0.25, seed: 1 }, projectorHidden: 128, projectorOut: 64 },
      seed: 1,
      normalisation: 'zscore-per-lead' as const,
      adam: { weightDecay: 1e-6, beta2: 0.999 },
    };
    const local = new Replica(buildTask(spec), new Adam(spec.adam));
    // Shares of 4 and 4 records: both replicas meet the same new shapes in the same step.
    const dp = await DataParallelTrainer.open(local, 2);
    try {
      const n = 8;
      const raw = Float32Array.from({ length: n * 12 * 1000 }, (_, i) => Math.sin(i * 0.013) + ((i * 7919) % 11) / 11);
      await dp.step(local.task.prepare(raw, n, 0), n, 0, 1e-3, 2);
      const [own, worker] = await dp.replicaRoutes();
      const table = sharedRoutes();
      // Either may meet a shape the other does not (the worker's backend check at start-up): compare the common ones.
      const common = [...worker.keys()].filter((k) => own.has(k));
      expect(common.length).toBeGreaterThan(10);
      for (const key of common) expect(worker.get(key), key).toBe(own.get(key));
      for (const [key, route] of [...own, ...worker]) {
        expect(table.get(key)?.route, key).toBe(route);
        expect(table.get(key)?.source, key).toBe('measured');
      }
    } finally {
      await dp.close();
      local.dispose();
    }
  });
});

describe('a run table pinned in this process', { timeout: 120_000 }, () => {
  it("wins over the machine's cache: the next kernels take its routes without measuring", async () => {
    const { chooseBackend } = await import('../../src/main/ml/backend.js');
    const { clearRouteDecisions, routeDecisions } = await import('../../src/main/ml/kernels/kernel-router.js');
    const { machineCacheFile, pinRunRoutes, reloadMachineRoutes, writeRunRoutes } = await import('../../src/main/ml/kernels/route-cache.js');
    expect((await chooseBackend({ prefer: 'wasm', env: {} })).name).toBe('wasm');
    const conv = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([4, 1, 64, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
        const w = tf.randomNormal([1, 5, 8, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x, w]).map((g) => g.dataSync());
      });
    clearRouteDecisions();
    conv();
    const measured = new Map([...routeDecisions()].map(([k, d]) => [k, d.route]));
    expect(measured.size).toBeGreaterThanOrEqual(2);
    // The machine's cache now holds the measured routes; a run's table says the opposite of each.
    const cache = JSON.parse(readFileSync(machineCacheFile(), 'utf8')) as { tables: { routes: Record<string, { route: string }> }[] };
    for (const [k, route] of measured) expect(cache.tables.some((t) => t.routes[k]?.route === route), k).toBe(true);
    const dir = join(tmp, 'run-pinned');
    expect(writeRunRoutes(dir).shapes).toBe(measured.size);
    const table = JSON.parse(readFileSync(join(dir, 'kernel-routes.json'), 'utf8')) as { routes: Record<string, { route: string }> };
    for (const r of Object.values(table.routes)) r.route = r.route === 'gemm' ? 'xnnpack' : 'gemm';
    writeFileSync(join(dir, 'kernel-routes.json'), JSON.stringify(table));
    clearRouteDecisions();
    reloadMachineRoutes();
    expect(pinRunRoutes(dir)).toBe(measured.size);
    conv();
    for (const [k, route] of measured) {
      expect(routeDecisions().get(k)?.route, k).toBe(route === 'gemm' ? 'xnnpack' : 'gemm');
      expect(routeDecisions().get(k)?.source, k).toBe('run');
    }
    clearRouteDecisions();
  });
});
