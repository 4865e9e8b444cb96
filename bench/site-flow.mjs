#!/usr/bin/env node
// The hospital-site flow from vendor files to the evaluation report (issue 18, item 4), timed as a
// site runs it: N ECGs written as DICOM, HL7 aECG and SCP-ECG (equal shares, fake identities) by
// the project's own writers from synthetic demo records (demo/hospital-site.ts); then each stage a
// whole `openecg` process, start-up and exit included:
//   import    openecg import <files> --dataset site --site-key K   (pseudonymised)
//   evaluate  openecg evaluate --bundle <full-size resnet50_1d> --split all --out DIR
//   model import  openecg model import --onnx model.onnx --card card.json --workspace WS
//   foreign   openecg evaluate --bundle WS/models/<card name> --split all --out DIR
//   report    openecg report --evaluation DIR --out report.html
// The classifier is resnet50_1d at full width and depth with random weights (this measures
// inference speed, not accuracy). The foreign model is a PyTorch 1-D CNN (four strided conv layers,
// 12 -> 128 channels, random weights) exported by torch.onnx with a card: 500 Hz x 5000 samples,
// leads in another order, microvolts, band-pass and per-lead z-score, four outputs of which two map
// to our classes, one to a SNOMED-CT code and one to nothing; it is made with Debian's python3-torch
// (/usr/bin/python3; the stage is skipped with a note where torch is absent) or given by --foreign.
// Writing the files, the bundle and the ONNX model is set-up, timed but outside the total. Prints each stage's seconds and records/s, the total against the 5-minute target for
// N = 10,000, and (for another N) the total projected to 10,000 records by each stage's rate.
//
//   node bench/site-flow.mjs [--records 10000] [--foreign BUNDLE | --no-foreign] [--batch B] [--dir DIR] [--keep]
// Needs: npm run build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'openecg.js');
const dist = (p) => pathToFileURL(join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({
  options: { records: { type: 'string', default: '10000' }, foreign: { type: 'string' }, 'no-foreign': { type: 'boolean', default: false }, batch: { type: 'string' }, dir: { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const count = Number(values.records);
if (!Number.isInteger(count) || count < 3) throw new Error(`--records must be an integer >= 3, got '${values.records}'`);
if (!existsSync(join(root, 'dist', 'main', 'cli.js'))) throw new Error('dist/ is missing: npm run build');
const TARGET_RECORDS = 10000;
const TARGET_S = 300;

const work = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'openecg-site-flow-'));
mkdirSync(work, { recursive: true });
const files = join(work, 'site-files');
const ws = join(work, 'ws');
const bundle = join(work, 'resnet50_1d');
const out = join(work, 'evaluation');
const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
const loadBefore = load();

/**
 * A whole process: its wall time from spawn to exit, and the CPU seconds (user + system) of it and
 * every process it waited for (the job process, worker threads included), from bash's `time`. On a
 * machine shared with other work the CPU seconds move much less than the wall time.
 */
function timed(args, what) {
  const t = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="site-flow-cpu %U %S"; time "$@"', 'bash', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const cpu = /site-flow-cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { seconds, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : null, stdout: r.stdout };
}

function setup() {
  const t0 = performance.now();
  const marker = join(files, `.complete-${count}`);
  let written = null;
  if (!existsSync(marker)) {
    rmSync(files, { recursive: true, force: true });
    // In a child process, like the stages, so this process stays small.
    const script = `const { writeHospitalSite } = await import(${JSON.stringify(dist('demo/hospital-site.js'))});
const s = writeHospitalSite(${JSON.stringify(files)}, { records: ${count}, seed: 18, rotateFormats: true });
const by = {}; for (const r of s.records) by[r.format] = (by[r.format] ?? 0) + 1;
(await import('node:fs')).writeFileSync(${JSON.stringify(marker)}, JSON.stringify({ formats: by, patients: s.identities.length }));`;
    timed(['--input-type=module', '-e', script], 'writing the vendor files');
    written = (performance.now() - t0) / 1000;
  }
  const site = JSON.parse(readFileSync(marker, 'utf8'));
  const t1 = performance.now();
  if (!existsSync(join(bundle, 'bundle.json'))) {
    const script = `const { chooseBackend } = await import(${JSON.stringify(dist('ml/backend.js'))});
const { saveBenchClassifier } = await import(${JSON.stringify(dist('ml/bench.js'))});
await chooseBackend({ prefer: 'auto' });
saveBenchClassifier(${JSON.stringify(bundle)}, 'resnet50_1d', { width: 1, depth: 1, seed: 18 });`;
    timed(['--input-type=module', '-e', script], 'making the resnet50_1d bundle');
  }
  return { site, writeS: written, bundleS: (performance.now() - t1) / 1000 };
}

const s = setup();
rmSync(ws, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
const stages = [];
const imp = timed([cli, 'import', files, '--workspace', ws, '--dataset', 'site', '--site-key', join(work, 'site.key'), '--json'], 'openecg import');
const imported = JSON.parse(imp.stdout);
stages.push({ stage: 'import (site adapter, pseudonymised)', seconds: imp.seconds, cpu: imp.cpu, inner: imported.seconds, records: imported.imported, note: `${imported.failed} failed, ${imported.workers} workers; inside: ${imported.seconds} s, ${imported.records_per_s} records/s` });

const batch = values.batch ? ['--batch', values.batch] : [];
const ev = timed([cli, 'evaluate', '--bundle', bundle, '--workspace', ws, '--split', 'all', '--out', out, ...batch, '--json'], 'openecg evaluate');
const evaluated = JSON.parse(ev.stdout);
const engine = evaluated.engine ? `${evaluated.engine.engine} (${evaluated.engine.provider}${evaluated.engine.threads ? `, ${evaluated.engine.threads} threads` : ''})` : 'engine not recorded';
const js = evaluated.job_seconds;
const inside = (j) => (j ? `; inside the job: set-up ${j.setup} s, scoring ${j.scoring} s (${(evaluated.overall.records / j.scoring).toFixed(1)} records/s), metrics ${j.metrics} s, report ${j.report} s` : '');
stages.push({ stage: 'evaluate resnet50_1d (full size)', seconds: ev.seconds, cpu: ev.cpu, inner: js ? js.scoring + js.metrics + js.report : undefined, records: evaluated.overall.records, note: `${engine}, batch ${values.batch ?? 'config'}${inside(js)}; macro AUROC ${evaluated.overall.macro_auroc?.toFixed(3) ?? 'n/a'} (random weights)` });

// The foreign model: a given bundle, else one made here from PyTorch (set-up) and imported (a stage).
const TORCH_SCRIPT = `
import inspect, sys, torch
torch.manual_seed(18)
class Net(torch.nn.Module):
    def __init__(s):
        super().__init__()
        chans = [12, 32, 64, 96, 128]
        s.convs = torch.nn.ModuleList([torch.nn.Conv1d(a, b, 9, stride=2, padding=4) for a, b in zip(chans, chans[1:])])
        s.fc = torch.nn.Linear(128, 4)
    def forward(s, x):
        for c in s.convs: x = torch.relu(c(x))
        return torch.sigmoid(s.fc(x.mean(dim=2)))
m = Net().eval()
extra = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}
torch.onnx.export(m, torch.zeros(1, 12, 5000), sys.argv[1], input_names=['ecg'], output_names=['probs'], dynamic_axes={'ecg': {0: 'batch'}, 'probs': {0: 'batch'}}, opset_version=17, **extra)
`;
const FOREIGN_CARD = {
  name: 'site-flow-cnn',
  version: '1',
  source: 'bench/site-flow.mjs (PyTorch, random weights)',
  licence: 'MIT',
  input: { name: 'ecg', layout: 'NCL', rate: 500, samples: 5000, leads: ['AVF', 'AVL', 'AVR', 'III', 'II', 'I', 'V6', 'V5', 'V4', 'V3', 'V2', 'V1'], units: 'uV', filter: { type: 'bandpass', design: 'butterworth', order: 4, low: 0.5, high: 40, zeroPhase: true }, normalization: 'per-lead-zscore' },
  output: { name: 'probs', activation: 'sigmoid', classes: [{ name: 'AFIB', class: 'AF' }, { name: 'normal', snomed: '426783006' }, { name: 'myocardial infarction', snomed: '164865005' }, { name: 'ST elevation' }], thresholds: [0.5, 0.4, 0.5, 0.5] },
};

/** The foreign bundle folder to evaluate, or a note why the stage is skipped; the ONNX export is set-up. */
function foreignModel() {
  if (values['no-foreign']) return { note: 'foreign ONNX model: skipped (--no-foreign)' };
  if (values.foreign) return existsSync(join(values.foreign, 'bundle.json')) ? { bundle: resolve(values.foreign), madeS: 0 } : { note: `foreign ONNX model: skipped (no bundle at ${values.foreign})` };
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { note: 'foreign ONNX model: skipped (no PyTorch at /usr/bin/python3: apt-get install python3-torch, or give --foreign BUNDLE)' };
  const dir = join(work, 'foreign');
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const onnx = join(dir, 'model.onnx');
  const card = join(dir, 'card.json');
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, onnx], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`torch.onnx export failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  writeFileSync(card, JSON.stringify(FOREIGN_CARD, null, 2));
  const made = (performance.now() - t) / 1000;
  const mi = timed([cli, 'model', 'import', '--onnx', onnx, '--card', card, '--workspace', ws, '--force', '--json'], 'openecg model import');
  stages.push({ extra: true, stage: 'model import (ONNX + card)', seconds: mi.seconds, cpu: mi.cpu, records: 0, note: `${Math.round(statSync(onnx).size / 1024)} KiB graph, checked and pinned` });
  return { bundle: JSON.parse(mi.stdout).out, madeS: made };
}

let foreignNote = null;
let foreignRate = null;
const fm = foreignModel();
if (fm.note) foreignNote = fm.note;
else {
  const fout = join(work, 'evaluation-foreign');
  rmSync(fout, { recursive: true, force: true });
  const fe = timed([cli, 'evaluate', '--bundle', fm.bundle, '--workspace', ws, '--split', 'all', '--out', fout, '--site-key', join(work, 'site.key'), ...batch, '--json'], 'openecg evaluate (foreign)');
  const fj = JSON.parse(fe.stdout);
  const fs = fj.job_seconds;
  const skipped = fj.foreign?.skipped ?? 0;
  stages.push({ extra: true, stage: 'evaluate foreign ONNX model (PyTorch)', seconds: fe.seconds, cpu: fe.cpu, inner: fs ? fs.scoring + fs.metrics + fs.report : undefined, records: fj.overall.records, note: `${fj.engine ? `${fj.engine.engine} (${fj.engine.provider})` : ''}${fs ? `; inside the job: scoring ${fs.scoring} s (${(fj.overall.records / fs.scoring).toFixed(1)} records/s from source files at 500 Hz)` : ''}; ${skipped} skipped; thresholds ${fj.thresholds_from}; outputs scored ${fj.overall.classes_averaged}${fm.madeS ? `; torch.onnx export ${fm.madeS.toFixed(1)} s (set-up)` : ''}` });
  foreignRate = { seconds: fe.seconds, rate: fj.overall.records / fe.seconds, scoring: fs?.scoring ?? null, records: fj.overall.records };
}

const html = join(work, 'report.html');
const rep = timed([cli, 'report', '--evaluation', out, '--out', html, '--json'], 'openecg report');
stages.push({ stage: 'report --evaluation', seconds: rep.seconds, cpu: rep.cpu, records: evaluated.overall.records, note: `${Math.round(statSync(html).size / 1024)} KiB` });

// The foreign model's stages are beside the site flow, not part of it.
const flow = stages.filter((x) => !x.extra);
const total = flow.reduce((a, x) => a + x.seconds, 0);
const cpuTotal = flow.every((x) => x.cpu !== null) ? flow.reduce((a, x) => a + x.cpu, 0) : null;
const cores = (await import('node:os')).availableParallelism();
const rate = (x) => (x.records ? (x.records / x.seconds).toFixed(1) : '-');
const lines = [
  `site flow, ${count} ECGs written (${Object.entries(s.site.formats).map(([f, n]) => `${f} ${n}`).join(', ')}; ${s.site.patients} patients) in ${work}`,
  `set-up (outside the total): vendor files ${s.writeS === null ? 'reused' : `${s.writeS.toFixed(1)} s`}, resnet50_1d bundle ${s.bundleS.toFixed(1)} s`,
  `${'stage'.padEnd(40)} ${'seconds'.padStart(8)} ${'CPU s'.padStart(8)} ${'records'.padStart(8)} ${'records/s'.padStart(10)}  notes`,
  ...stages.map((x) => `${(x.extra ? `+ ${x.stage}` : x.stage).padEnd(40)} ${x.seconds.toFixed(1).padStart(8)} ${(x.cpu === null ? '-' : x.cpu.toFixed(1)).padStart(8)} ${String(x.records).padStart(8)} ${rate(x).padStart(10)}  ${x.note}`),
  `${'total, vendor files to report (no +)'.padEnd(40)} ${total.toFixed(1).padStart(8)} ${(cpuTotal === null ? '-' : cpuTotal.toFixed(1)).padStart(8)} ${String(count).padStart(8)} ${(count / total).toFixed(1).padStart(10)}  target <= ${TARGET_S} s for ${TARGET_RECORDS} records`,
];
if (cpuTotal !== null) {
  // What the same work would take on this machine with nothing else running: every stage keeps both
  // cores busy (two import workers, two ONNX Runtime threads), so wall ~ CPU / cores. A rough floor.
  const idle = (cpuTotal / cores) * (TARGET_RECORDS / count);
  lines.push(`idle-machine estimate for ${TARGET_RECORDS} records: CPU ${cpuTotal.toFixed(0)} s x ${TARGET_RECORDS / count} / ${cores} cores = ${idle.toFixed(0)} s (${(idle / 60).toFixed(1)} min; assumes every stage keeps all cores busy and start-up scales, so rough)`);
}
if (foreignNote) lines.push(foreignNote);
if (foreignRate) {
  const ours = stages[1];
  const j = js ? js.scoring : null;
  lines.push(`side by side, whole openecg evaluate process: resnet50_1d ${ours.seconds.toFixed(1)} s (${rate(ours)} records/s${j ? `, scoring ${j} s = ${(ours.records / j).toFixed(1)} records/s` : ''}) vs foreign ONNX ${foreignRate.seconds.toFixed(1)} s (${foreignRate.rate.toFixed(1)} records/s${foreignRate.scoring ? `, scoring ${foreignRate.scoring} s = ${(foreignRate.records / foreignRate.scoring).toFixed(1)} records/s` : ''})`);
}
if (count !== TARGET_RECORDS) {
  // Each stage's fixed part (whole process minus the work it reports inside) kept, its work scaled
  // to 10,000 records; a stage without an inside figure is scaled whole (errs high).
  const projected = flow.reduce((a, x) => a + (x.inner === undefined ? x.seconds * (TARGET_RECORDS / x.records) : x.seconds - x.inner + x.inner * (TARGET_RECORDS / x.records)), 0);
  lines.push(`projected to ${TARGET_RECORDS} records: ${projected.toFixed(0)} s (${(projected / 60).toFixed(1)} min): each stage's start-up as measured, its work scaled by records at the measured rate`);
}
lines.push(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${load()} on ${cores} cores`);
process.stdout.write(lines.join('\n') + '\n');
if (!values.keep && !values.dir) rmSync(work, { recursive: true, force: true });
else process.stdout.write(`kept: ${work} (report ${html})\n`);
