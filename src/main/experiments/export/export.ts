// `openecg export`: the canonical signals as one .npy (n, 12, 1000) float32 in mV, and a CSV with
// one row per record in the same order (labels as 24 0/1 columns, center, patient, split part):
// the layout a PyTorch job elsewhere reads with numpy.load(mmap_mode='r').
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES } from '../../../shared/classes.js';
import { LEAD_COUNT } from '../../../shared/leads.js';
import { Catalog, ensurePatientSplit } from '../../catalog/index.js';
import { ShardStore } from '../../signal/store.js';
import { writeFileAtomic } from '../run-folder.js';
import { writeNpyFloat32 } from './npy.js';

export interface ExportSummary {
  readonly signals: string;
  readonly labels: string;
  readonly records: number;
  readonly shape: [number, number, number];
  readonly split_set: number;
  readonly seconds: number;
}

interface Row {
  id: number;
  record: string;
  center: string;
  patient: number;
  part: string | null;
  age: number | null;
  sex: string | null;
  classes: number;
  shard: number;
  offset: number;
}

const csvField = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function exportWorkspace(workspace: string, out: string, options: { splitSeed?: number; chunk?: number } = {}): ExportSummary {
  const t0 = performance.now();
  const catalog = Catalog.open(workspace, { create: false });
  const store = ShardStore.openReader(join(workspace, 'store'));
  try {
    const split = ensurePatientSplit(catalog, { seed: options.splitSeed ?? 0 });
    const rows = catalog.db
      .prepare(
        `SELECT r.id, r.record, c.name AS center, r.patient_id AS patient, a.part, r.age, r.sex, r.classes, r.shard, r.offset
         FROM records r JOIN centers c ON c.id = r.center_id
         LEFT JOIN split_assignments a ON a.split_set_id = ? AND a.patient_id = r.patient_id
         WHERE r.shard IS NOT NULL ORDER BY r.id`,
      )
      .all(split.id) as Row[];
    mkdirSync(out, { recursive: true });
    const signals = join(out, 'signals.npy');
    const labels = join(out, 'labels.csv');
    const chunk = options.chunk ?? 256;
    function* chunks(): Generator<Float32Array> {
      for (let i = 0; i < rows.length; i += chunk) yield store.readMany(rows.slice(i, i + chunk));
    }
    const shape: [number, number, number] = [rows.length, LEAD_COUNT, store.length];
    writeNpyFloat32(signals, shape, chunks());
    const header = ['index', 'record_id', 'record', 'center', 'patient', 'part', 'age', 'sex', ...CLASSES.map((c) => c.abbreviation)];
    const lines = [header.join(',')];
    rows.forEach((r, i) => lines.push([i, r.id, csvField(r.record), csvField(r.center), r.patient, r.part, r.age, r.sex, ...CLASSES.map((_, c) => (r.classes >>> c) & 1)].map((v) => csvField(v as string | number | null)).join(',')));
    writeFileAtomic(labels, lines.join('\n') + '\n');
    return { signals, labels, records: rows.length, shape, split_set: split.id, seconds: +((performance.now() - t0) / 1000).toFixed(2) };
  } finally {
    store.close();
    catalog.close();
  }
}
