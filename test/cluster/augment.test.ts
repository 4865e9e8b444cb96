// The trainer draws what the workstation draws: the same seeds give the same z-scored records,
// augmented views (every transform on, DEFAULT_AUGMENT), MAE masks and epoch permutation in
// cluster/openecg_cluster as in src/main/ml (mulberry32 and deriveSeed ported bit for bit).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { augmentBatch, DEFAULT_AUGMENT } from '../../src/main/ml/augment.js';
import { normalizeBatch } from '../../src/main/ml/normalize.js';
import { deriveSeed, Rng } from '../../src/main/ml/rng.js';
import { readSafeTensors, writeSafeTensors } from '../../src/main/ml/safetensors.js';
import { randomPatchMask } from '../../src/main/ml/ssl/index.js';
import { tempDir } from '../temp.js';
import { python, torchMissing } from './python.js';

const N = 16;

describe.skipIf(torchMissing !== null)('augmentations, masks and data order: TypeScript = Python', () => {
  it('for 16 records, seed 9', () => {
    const rng = new Rng(5);
    // Records in mV with an offset per lead, so the z-scoring does something.
    const x = Float32Array.from({ length: N * 12 * 1000 }, (_, i) => 0.3 * rng.normal() + (Math.floor(i / 1000) % 12) * 0.1);
    const dir = tempDir('cluster-augment');
    writeSafeTensors(join(dir, 'in.safetensors'), new Map([['x', { shape: [N, 12, 1000], values: x }]]));
    python(['tests/peer_augment.py', join(dir, 'in.safetensors'), join(dir, 'out.safetensors'), '9']);
    const py = readSafeTensors(join(dir, 'out.safetensors')).tensors;
    const z = normalizeBatch(x, N, 12, 'zscore-per-lead').data;
    const views = augmentBatch(z, N, 12, DEFAULT_AUGMENT, deriveSeed(9, 4, 1));
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(diff(py.get('normalised')!.values, z)).toBeLessThan(1e-6);
    expect(diff(py.get('view')!.values, views)).toBeLessThan(1e-5);
    expect(diff(views, z)).toBeGreaterThan(0.1); // the views are not the input
    const order = Float32Array.from(Array.from({ length: N }, (_, i) => Array.from(randomPatchMask(40, 0.75, deriveSeed(9, 4, 3, i)).order)).flat());
    expect(Array.from(py.get('order')!.values)).toEqual(Array.from(order));
    expect(Array.from(py.get('perm')!.values)).toEqual(Array.from(new Rng(deriveSeed(9, 2)).permutation(1000)));
  }, 60_000);
});
