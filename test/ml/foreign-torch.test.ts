// Foreign models made with PyTorch and exported by torch.onnx (Debian's python3-torch): their cards
// pass the graph check, real records brought to their spec by prepareModelInput and run by ONNX
// Runtime give PyTorch's own scores on the same tensors (tolerance 1e-5 absolute on probabilities).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import type { Reading } from '../../src/main/formats/types.js';
import { checkCardAgainstGraph } from '../../src/main/ml/foreign/card.js';
import { loadOrt } from '../../src/main/ml/infer/ort.js';
import { prepareModelInput } from '../../src/main/signal/model-input.js';
import { mapCardClasses, parseModelCard, type ModelCard } from '../../src/shared/model-card.js';
import { torchMissing } from '../cluster/python.js';
import { tempDir } from '../temp.js';
import { exportNet, netOf, torchScores, type NetSpec } from './foreign-models.js';

const samples = (path: string) => new URL(`../../../shared/ecg-samples/${path}`, import.meta.url).pathname;
const RECORDS = ['cinc/cpsc/A0005', 'cinc/chapman/JS00001', 'cinc/ptbxl/HR00599', 'cinc/georgia/E00793'];

const CARDS: { card: ModelCard; net: NetSpec }[] = [];
const readings: Reading[] = [];

function base(input: Record<string, unknown>, output: Record<string, unknown>): ModelCard {
  return parseModelCard({ name: 'torch-test', version: '1', source: 'test/ml/foreign-torch.test.ts', licence: 'MIT', input, output });
}

beforeAll(async () => {
  if (torchMissing) return;
  for (const path of RECORDS) readings.push(await readRecord(samples(path)));
  // 500 Hz x 5000, leads in another order, microvolts, zero-phase band-pass, per-lead z-score; classes partly mapped.
  const a = base(
    { name: 'ecg', layout: 'NCL', rate: 500, samples: 5000, leads: ['AVF', 'AVL', 'AVR', 'III', 'II', 'I', 'V6', 'V5', 'V4', 'V3', 'V2', 'V1'], units: 'uV', filter: { type: 'bandpass', design: 'butterworth', order: 4, low: 0.5, high: 40, zeroPhase: true }, normalization: 'per-lead-zscore' },
    { name: 'probs', activation: 'sigmoid', classes: [{ name: 'AFIB', class: 'AF' }, { name: 'CRBBB', snomed: '713427006' }, { name: 'STE' }] },
  );
  // 400 Hz x 4096, [batch, samples, leads], 8 leads, causal high-pass, global z-score, softmax.
  const b = base(
    { name: 'x', layout: 'NLC', rate: 400, samples: 4096, leads: ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], units: 'mV', filter: { type: 'highpass', design: 'butterworth', order: 2, low: 0.5, zeroPhase: false }, normalization: 'global-zscore' },
    { name: 'y', activation: 'softmax', classes: [{ name: 'normal', snomed: '426783006' }, { name: 'AF', class: 'af' }, { name: 'other' }, { name: 'noise' }] },
  );
  for (const card of [a, b]) CARDS.push({ card, net: netOf(card) });
});

describe.skipIf(torchMissing !== null)('foreign models exported by torch.onnx', () => {
  it('pass the card check and give PyTorch scores on real records brought to their spec', async () => {
    const dir = tempDir('foreign-torch');
    const ort = await loadOrt();
    for (const [k, { card, net }] of CARDS.entries()) {
      const file = join(dir, `model-${k}.onnx`);
      exportNet(file, net);
      const bytes = new Uint8Array(readFileSync(file));
      const check = await checkCardAgainstGraph(card, bytes);
      expect(check.problems, `card ${k}`).toEqual([]);
      const inputs = readings.map((r) => prepareModelInput(r, card.input));
      const per = inputs[0].data.length;
      const batch = new Float32Array(per * inputs.length);
      inputs.forEach((m, i) => batch.set(m.data, i * per));
      const shape = [inputs.length, ...inputs[0].shape];
      const session = await ort.InferenceSession.create(bytes);
      const got = (await session.run({ [card.input.name]: new ort.Tensor('float32', batch, shape) }))[card.output.name].data as Float32Array;
      await session.release();
      const ref = Array.from(torchScores(dir, net, batch, inputs.length));
      expect(got.length).toBe(ref.length);
      let worst = 0;
      ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v))));
      expect(worst, `card ${k}`).toBeLessThanOrEqual(1e-5);
      // the records must give different scores, or equal outputs would prove nothing
      const spread = Math.max(...ref.map((v, i) => Math.abs(v - ref[i % net.classes])));
      expect(spread, `card ${k} scores differ between records`).toBeGreaterThan(1e-4);
      console.log(`foreign model ${k} (${card.input.layout}, ${card.input.rate} Hz x ${card.input.samples}): ONNX Runtime vs PyTorch worst ${worst.toExponential(2)} over ${ref.length} scores`);
    }
    expect(mapCardClasses(CARDS[0].card).map((m) => m.abbreviation)).toEqual(['AF', 'RBBB', null]);
    expect(mapCardClasses(CARDS[1].card).map((m) => m.abbreviation)).toEqual(['NSR', 'AF', null, null]);
  });
});
