// Small foreign models built with PyTorch (Debian's python3-torch) and exported by torch.onnx, for the
// foreign-model tests: a strided Conv1d, ReLU, mean over time and a Linear head, ending in sigmoid
// or softmax, in [batch, leads, samples] or [batch, samples, leads] layout. The same seeded weights
// are rebuilt to give PyTorch's own scores on tensors the test hands over as raw float32 files.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelCard, type ModelCard } from '../../src/shared/model-card.js';
import { PYTHON } from '../cluster/python.js';

export const FOREIGN_SCRIPT = `
import inspect, json, sys, numpy, torch
torch.manual_seed(7)
mode, path = sys.argv[1], sys.argv[2]
class Net(torch.nn.Module):
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
    m = Net(spec['leads'], spec['classes'], spec['nlc'], spec['act'])
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
    spec, shape = json.loads(sys.argv[3]), json.loads(sys.argv[4])
    m = model(spec)
    x = torch.from_numpy(numpy.fromfile(path, dtype='<f4').reshape(shape))
    with torch.no_grad():
        m(x).numpy().astype('<f4').tofile(path + '.out')
`;

export interface NetSpec {
  readonly leads: number;
  readonly classes: number;
  readonly nlc: boolean;
  readonly act: 'sigmoid' | 'softmax';
  readonly samples: number;
  readonly input: string;
  readonly output: string;
}

const ENV = () => ({ ...process.env, OMP_NUM_THREADS: '1' });

export function netOf(card: ModelCard): NetSpec {
  return { leads: card.input.leads.length, classes: card.output.classes.length, nlc: card.input.layout === 'NLC', act: card.output.activation as 'sigmoid' | 'softmax', samples: card.input.samples, input: card.input.name, output: card.output.name };
}

/** Exports the card's network to `file` (ONNX, opset 17, symbolic batch). */
export function exportNet(file: string, net: NetSpec): void {
  execFileSync(PYTHON, ['-c', FOREIGN_SCRIPT, 'export', file, JSON.stringify(net)], { encoding: 'utf8', env: ENV() });
}

/** PyTorch's scores [n x classes] for n records of `x` (the card's layout, record-major). */
export function torchScores(dir: string, net: NetSpec, x: Float32Array, n: number): Float32Array {
  const file = join(dir, `x-${process.pid}-${Date.now()}.f32`);
  writeFileSync(file, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  const shape = net.nlc ? [n, net.samples, net.leads] : [n, net.leads, net.samples];
  execFileSync(PYTHON, ['-c', FOREIGN_SCRIPT, 'run', file, JSON.stringify(net), JSON.stringify(shape)], { encoding: 'utf8', env: ENV() });
  const out = readFileSync(`${file}.out`);
  return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}

export const TWELVE_REORDERED = ['AVF', 'AVL', 'AVR', 'III', 'II', 'I', 'V6', 'V5', 'V4', 'V3', 'V2', 'V1'];

/** Card fields around an input and output. */
export function cardJson(input: Record<string, unknown>, output: Record<string, unknown>, name = 'torch-test'): Record<string, unknown> {
  return { name, version: '1', source: 'test/ml/foreign-models.ts', licence: 'MIT', input, output };
}

/** 500 Hz x 5000, leads in another order, microvolts, zero-phase band-pass, per-lead z-score, sigmoid; classes: by abbreviation, by one of our codes, by a code outside our 24, none. */
export function cardA(): Record<string, unknown> {
  return cardJson(
    { name: 'ecg', layout: 'NCL', rate: 500, samples: 5000, leads: TWELVE_REORDERED, units: 'uV', filter: { type: 'bandpass', design: 'butterworth', order: 4, low: 0.5, high: 40, zeroPhase: true }, normalization: 'per-lead-zscore' },
    { name: 'probs', activation: 'sigmoid', classes: [{ name: 'AFIB', class: 'AF' }, { name: 'normal', snomed: '426783006' }, { name: 'myocardial infarction', snomed: '164865005' }, { name: 'ST elevation' }], thresholds: [0.5, 0.4, 0.5, 0.5] },
    'resnet-a',
  );
}

/** 400 Hz x 4096, [batch, samples, leads], 8 leads, causal high-pass, global z-score, softmax. */
export function cardB(): Record<string, unknown> {
  return cardJson(
    { name: 'x', layout: 'NLC', rate: 400, samples: 4096, leads: ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], units: 'mV', filter: { type: 'highpass', design: 'butterworth', order: 2, low: 0.5, zeroPhase: false }, normalization: 'global-zscore' },
    { name: 'y', activation: 'softmax', classes: [{ name: 'normal', snomed: '426783006' }, { name: 'AF', class: 'af' }, { name: 'other' }, { name: 'noise' }] },
    'nlc-b',
  );
}

/** Writes card.json and model.onnx for a card into `dir`; returns their paths and the parsed card. */
export function writeForeignModel(dir: string, json: Record<string, unknown>, tag: string): { onnx: string; card: string; parsed: ModelCard; net: NetSpec } {
  const parsed = parseModelCard(json);
  const net = netOf(parsed);
  const onnx = join(dir, `${tag}.onnx`);
  const card = join(dir, `${tag}.card.json`);
  exportNet(onnx, net);
  writeFileSync(card, JSON.stringify(json, null, 2));
  return { onnx, card, parsed, net };
}
