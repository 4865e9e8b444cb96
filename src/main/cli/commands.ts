// The registry of subcommands, in the order `openecg --help` lists them. Each command's module is
// loaded only when it runs, so `openecg read` does not pay for SQLite or TensorFlow.js start-up.
import type { Command } from './command.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'start', summary: 'start the workstation (demo workspace on first start; Electron or browser mode)', load: async () => (await import('./start.js')).startCommand },
  { name: 'read', summary: 'read one record and print its signals in physical units', load: async () => (await import('./read.js')).readCommand },
  { name: 'convert', summary: 'write one record as WFDB, DICOM, HL7 aECG or SCP-ECG (patient identity left out unless --keep-patient)', load: async () => (await import('./convert.js')).convertCommand },
  { name: 'import', summary: 'import a folder of ECG records into a workspace (catalog + canonical store)', load: async () => (await import('./import.js')).importCommand },
  { name: 'site', summary: 'site data: map device statements to classes, list unmapped ones, pseudonymisation settings', load: async () => (await import('./site.js')).siteCommand },
  { name: 'catalog', summary: 'counts per center, patients and records per class of a workspace', load: async () => (await import('./catalog.js')).catalogCommand },
  { name: 'demo', summary: 'generate and import the built-in multi-center demo corpus, then run the small experiments', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'splits', summary: 'make and show the patient-level splits, LODO folds and scaling subsets', load: async () => (await import('./splits.js')).splitsCommand },
  { name: 'score', summary: 'score predictions against labels: AUROC, AUPRC, F1, challenge metric, bootstrap CIs', load: async () => (await import('./score.js')).scoreCommand },
  { name: 'evaluate', summary: 'score a classifier bundle on a workspace as a job: per-class and per-center metrics with CIs, predictions, report', load: async () => (await import('./evaluate.js')).evaluateCommand },
  { name: 'experiment', summary: 'run the LODO or data-scaling experiment of a config as a job', load: async () => (await import('./experiment.js')).experimentCommand },
  { name: 'jobs', summary: 'list, cancel and resume jobs (training, experiments, imports) of a workspace', load: async () => (await import('./jobs.js')).jobsCommand },
  { name: 'report', summary: 'write a self-contained HTML report of an experiment run (tables, ROC, LODO heat map, scaling, losses, vs the paper) or of an evaluation', load: async () => (await import('./report.js')).reportCommand },
  { name: 'export', summary: 'export the canonical signals as NumPy .npy (n, 12, 1000) float32 plus a labels/splits CSV', load: async () => (await import('./export.js')).exportCommand },
  { name: 'cluster', summary: 'plan a PyTorch DDP run on a GPU cluster (torchrun, Slurm) from an experiment config', load: async () => (await import('./cluster.js')).clusterCommand },
  { name: 'serve', summary: 'serve the workstation to a local browser (127.0.0.1, per-start token)', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'bench', summary: 'time a training step or an inference of a network (ms/step, samples/s)', load: async () => (await import('./bench.js')).benchCommand },
  { name: 'model', summary: 'import a model made elsewhere: an ONNX graph with its model card (docs/model-card.md)', load: async () => (await import('./model.js')).modelCommand },
  { name: 'bundle', summary: 'model bundle tools: write ONNX graphs into a bundle; import/export PyTorch weights', load: async () => (await import('./bundle.js')).bundleCommand },
];
