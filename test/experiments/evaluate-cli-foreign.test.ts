// `openecg evaluate` on a foreign bundle (a PyTorch model exported by torch.onnx, imported with its
// card, whose outputs partly map to our classes) over real CinC records, as real processes (the built
// CLI, its job in its own process): the same evaluation folder as for our bundles, with the card's
// output names as columns; its metrics, overall and per center, equal `openecg score` on the files it
// wrote; the record too short for the model is listed in records.csv with its reason; `openecg report
// --evaluation` renders the folder; a fixed threshold and `--thresholds FILE` with the output names.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/main/datasets/csv.js';
import { main } from '../../src/main/cli.js';
import { torchMissing } from '../cluster/python.js';
import { cardA, writeForeignModel } from '../ml/foreign-models.js';
import { FOREIGN_RECORDS, TINY_RECORD, foreignWorkspace } from '../ml/foreign-workspace.js';
import { tempDir } from '../temp.js';
import { cli } from './cli-run.js';

const BOOTSTRAP = '30';
const SEED = '1';
const OUTPUTS = ['AFIB', 'normal', 'myocardial infarction', 'ST elevation'];
const LABELLED = OUTPUTS.slice(0, 3);


const METRICS = ['records', 'patients', 'classes_averaged', 'classes_absent', 'macro_auroc', 'macro_auprc', 'macro_f1', 'macro_sensitivity', 'macro_specificity', 'challenge_metric', 'per_class', 'ci'] as const;
const pick = (e: Record<string, unknown>) => Object.fromEntries(METRICS.map((k) => [k, e[k]]));

interface Doc {
  classes: string[];
  records: number;
  short_records: number;
  thresholds: { source: string; file: string | null; values: Record<string, number> };
  evaluation: Record<string, unknown> & { per_class: Record<string, { threshold: number }> };
  per_center: { center: string; records: number; evaluation: Record<string, unknown> | null }[];
  model: { name: string; card: Record<string, unknown> | null };
}

let root: string;
let workspace: string;
let bundle: string;

beforeAll(async () => {
  if (torchMissing) return;
  root = tempDir('evaluate-cli-foreign');
  workspace = await foreignWorkspace(root);
  const m = writeForeignModel(root, cardA(), 'a');
  expect(await main(['model', 'import', '--onnx', m.onnx, '--card', m.card, '--workspace', workspace])).toBe(0);
  bundle = join(workspace, 'models', m.parsed.name);
}, 300_000);

async function evaluateTo(out: string, extra: string[] = []): Promise<{ summary: Record<string, unknown>; doc: Doc; err: string }> {
  const r = await cli(['evaluate', '--bundle', bundle, '--workspace', workspace, '--split', 'all', '--out', out, '--bootstrap', BOOTSTRAP, '--batch', '4', '--json', ...extra]);
  expect(r.status, r.err).toBe(0);
  return { summary: JSON.parse(r.out) as Record<string, unknown>, doc: JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8')) as Doc, err: r.err };
}

async function score(dir: string, keep?: Set<string>): Promise<Record<string, unknown>> {
  const file = (f: string) => {
    if (!keep) return join(dir, f);
    const [head, ...rows] = parseCsv(readFileSync(join(dir, f), 'utf8'));
    const path = join(dir, `subset-${f}`);
    writeFileSync(path, [head.join(','), ...rows.filter((r) => keep.has(r[0])).map((r) => r.join(','))].join('\n') + '\n');
    return path;
  };
  const r = await cli(['score', '--labels', file('labels.csv'), '--scores', file('predictions.csv'), '--thresholds', join(dir, 'thresholds.csv'), '--patients', file('patients.csv'), '--bootstrap', BOOTSTRAP, '--seed', SEED, '--json']);
  expect(r.status, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

describe.skipIf(torchMissing !== null)('openecg evaluate on a foreign model', () => {
  let out: string;
  let doc: Doc;

  beforeAll(async () => {
    out = join(root, 'eval-card');
    const r = await evaluateTo(out);
    doc = r.doc;
    expect(r.err).toMatch(/evaluate \[[#.]+\] +\d+% \d+\/\d+/);
    expect(r.summary.thresholds_from).toBe('card');
    expect(r.summary.foreign).toEqual({
      name: 'resnet-a',
      outputs: [
        { name: 'AFIB', labels: 'class', threshold: 0.5 },
        { name: 'normal', labels: 'class', threshold: 0.4 },
        { name: 'myocardial infarction', labels: 'snomed', threshold: 0.5 },
        { name: 'ST elevation', labels: 'none', threshold: 0.5 },
      ],
      skipped: 1,
    });
  }, 300_000);

  it("writes the evaluation folder under the card's output names", () => {
    expect(doc.model.name).toBe('resnet-a');
    expect(doc.model.card).not.toBeNull();
    expect(doc.classes).toEqual(LABELLED);
    expect(doc.thresholds).toEqual({ source: 'card', file: null, values: { AFIB: 0.5, normal: 0.4, 'myocardial infarction': 0.5, 'ST elevation': 0.5 } });
    expect(parseCsv(readFileSync(join(out, 'predictions.csv'), 'utf8'))[0]).toEqual(['record', 'patient', ...OUTPUTS]);
    expect(parseCsv(readFileSync(join(out, 'labels.csv'), 'utf8'))[0]).toEqual(['record', ...LABELLED]);
    expect(parseCsv(readFileSync(join(out, 'thresholds.csv'), 'utf8'))[0]).toEqual(OUTPUTS);
    // 16 CinC records + the 3 s generated one scored (zero-padded); the 40 ms one listed with why not
    expect(doc.records).toBe(FOREIGN_RECORDS.length + 1);
    expect(doc.short_records).toBe(1);
    const [head, ...rows] = parseCsv(readFileSync(join(out, 'records.csv'), 'utf8'));
    expect(head).toEqual(['record', 'patient', 'center', 'name', 'padded_s', 'skipped']);
    const skipped = rows.filter((r) => r[5] !== '');
    expect(skipped.map((r) => r[3])).toEqual([TINY_RECORD]);
    expect(skipped[0][5].length).toBeGreaterThan(5);
    expect(rows.length).toBe(doc.records + 1);
  });

  it('gives the metrics `openecg score` computes on the files it wrote, overall and per center', async () => {
    expect(pick(doc.evaluation)).toEqual(pick(await score(out)));
    const [head, ...rows] = parseCsv(readFileSync(join(out, 'records.csv'), 'utf8'));
    const centerAt = head.indexOf('center');
    const big = doc.per_center.filter((c) => c.evaluation && c.records >= 4);
    expect(big.length).toBeGreaterThan(0);
    for (const c of big) {
      const keep = new Set(rows.filter((r) => r[centerAt] === c.center && r[5] === '').map((r) => r[0]));
      expect(keep.size).toBe(c.records);
      expect(pick(c.evaluation!)).toEqual(pick(await score(out, keep)));
    }
  }, 300_000);

  it('renders the folder with openecg report --evaluation', async () => {
    const html = join(root, 'report-card.html');
    const r = await cli(['report', '--evaluation', out, '--out', html]);
    expect(r.status, r.err).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('data-class="myocardial infarction"');
    expect(page).not.toContain('data-class="ST elevation"');
    expect(page).toMatch(/the model card(&#39;|')s/);
  });

  it('applies a fixed threshold to every output, named so in the report', async () => {
    const dir = join(root, 'eval-fixed');
    const { doc: d, summary } = await evaluateTo(dir, ['--thresholds', '0.3']);
    expect(summary.thresholds_from).toBe('fixed-0.3');
    expect(d.thresholds.source).toBe('fixed');
    expect(Object.values(d.thresholds.values)).toEqual([0.3, 0.3, 0.3, 0.3]);
    for (const c of LABELLED) expect(d.evaluation.per_class[c].threshold).toBe(0.3);
    expect(pick(d.evaluation)).toEqual(pick(await score(dir)));
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('fixed at 0.3 for every class');
    expect(page).not.toContain('no local validation split');
  }, 300_000);

  it('reads --thresholds FILE with the output names as columns, and refuses one with our class names', async () => {
    const file = join(root, 'outputs-thresholds.csv');
    writeFileSync(file, `${OUTPUTS.join(',')}\n0.2,0.6,0.35,0.9\n`);
    const dir = join(root, 'eval-file');
    const { doc: d } = await evaluateTo(dir, ['--thresholds', file]);
    expect(d.thresholds).toEqual({ source: 'file', file, values: { AFIB: 0.2, normal: 0.6, 'myocardial infarction': 0.35, 'ST elevation': 0.9 } });
    expect(pick(d.evaluation)).toEqual(pick(await score(dir)));
    const ours = join(root, 'class-thresholds.csv');
    writeFileSync(ours, 'AF,NSR\n0.5,0.5\n');
    const bad = await cli(['evaluate', '--bundle', bundle, '--workspace', workspace, '--split', 'all', '--out', join(root, 'bad'), '--thresholds', ours]);
    expect(bad.status).toBe(2);
    // one line saying what is wrong (the usage follows it)
    const noKey = await cli(['evaluate', '--bundle', bundle, '--workspace', workspace, '--out', join(root, 'bad'), '--site-key', join(root, 'nowhere.key')]);
    expect(noKey.status).toBe(2);
    expect(noKey.err.split('\n')[0]).toBe(`openecg evaluate: --site-key: no key file '${join(root, 'nowhere.key')}'`);
    expect(bad.err.split('\n')[0]).toMatch(/^openecg evaluate: --thresholds: .* lacks columns AFIB, normal, myocardial infarction, ST elevation \(found: AF, NSR\)$/);
  }, 300_000);
});
