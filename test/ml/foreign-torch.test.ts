// Foreign models made with PyTorch and exported by torch.onnx (Debian's python3-torch): their cards
// pass the graph check, real records brought to their spec by prepareModelInput and run by ONNX
// Runtime give PyTorch's own scores on the same tensors (tolerance 1e-5 absolute on probabilities).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import type { Reading } from '../../src/main/formats/types.js';
import { checkCardAgainstGraph } from '../../src/main/ml/foreign/card.js';
import { loadOrt } from '../../src/main/ml/infer/ort.js';
import { prepareModelInput } from '../../src/main/signal/model-input.js';
import { mapCardClasses, parseModelCard, type ModelCard } from '../../src/shared/model-card.js';
import { PYTHON, torchMissing } from '../cluster/python.js';
import { tempDir } from '../temp.js';

const samples = (path: string) => new URL(`../../../shared/ecg-samples/${path}`, import.meta.url).pathname;
const RECORDS = ['cinc/cpsc/A0005', 'cinc/chapman/JS00001', 'cinc/ptbxl/HR00599', 'cinc/georgia/E00793'];

// Two small networks: [batch, leads, samples] with sigmoid outputs, and [batch, samples, leads] with softmax.
const SCRIPT = `
import inspect, json, sys, torch
torch.manual_seed(7)
mode, path = sys.argv[1], sys.argv[2]
class Ncl(torch.nn.Module):
    def __init__(s, leads, classes, nlc, act):
        super().__init__()
        s.nlc, s.act = nlc, act
        s.conv = torch.nn.Conv1d(leads, 8, 15, stride=4)
        s.fc = torch.nn.Linear(8, classes)
    def forward(s, x):
        if s.nlc: x = x.permute(0, 2, 1)
        h = torch.relu(s.conv(x)).mean(dim=2)
        y = s.fc(h)
        return torch.sigmoid(y) if s.act == 'sigmoid' else torch.softmax(y, dim=1)
def model(spec):
    m = Ncl(spec['leads'], spec['classes'], spec['nlc'], spec['act'])
    m.eval()
    return m
if mode == 'export':
    spec = json.loads(sys.argv[3])
    m = model(spec)
    shape = (1, spec['samples'], spec['leads']) if spec['nlc'] else (1, spec['leads'], spec['samples'])
    # the TorchScript exporter: newer torch defaults to dynamo (needs onnxscript), older has no such switch
    extra = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(m, torch.zeros(shape), path, input_names=[spec['input']], output_names=[spec['output']], dynamic_axes={spec['input']: {0: 'batch'}, spec['output']: {0: 'batch'}}, opset_version=17, **extra)
else:
    job = json.load(open(path))
    spec = job['spec']
    m = model(spec)
    x = torch.tensor(job['x'], dtype=torch.float32).reshape(job['shape'])
    with torch.no_grad():
        print(json.dumps(m(x).reshape(-1).tolist()))
`;

interface NetSpec {
  readonly leads: number;
  readonly classes: number;
  readonly nlc: boolean;
  readonly act: 'sigmoid' | 'softmax';
  readonly samples: number;
  readonly input: string;
  readonly output: string;
}

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
  for (const card of [a, b]) {
    CARDS.push({ card, net: { leads: card.input.leads.length, classes: card.output.classes.length, nlc: card.input.layout === 'NLC', act: card.output.activation as 'sigmoid' | 'softmax', samples: card.input.samples, input: card.input.name, output: card.output.name } });
  }
});

describe.skipIf(torchMissing !== null)('foreign models exported by torch.onnx', () => {
  it('pass the card check and give PyTorch scores on real records brought to their spec', async () => {
    const dir = tempDir('foreign-torch');
    const ort = await loadOrt();
    for (const [k, { card, net }] of CARDS.entries()) {
      const file = join(dir, `model-${k}.onnx`);
      execFileSync(PYTHON, ['-c', SCRIPT, 'export', file, JSON.stringify(net)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
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
      const job = join(dir, `job-${k}.json`);
      writeFileSync(job, JSON.stringify({ spec: net, shape, x: Array.from(batch) }));
      const ref = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, 'run', job], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, OMP_NUM_THREADS: '1' } })) as number[];
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
