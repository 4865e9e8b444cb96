// Which data each step read: record counts of its snapshot (snapshots/<step>.json) beside the counts
// its record states, and the SHA-256 that pins the record ids.
import { html, name, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';

const n = (v: number | undefined) => (v === undefined ? html`<span class="missing">n/a</span>` : String(v));

export const dataSection: ReportSection = {
  id: 'data',
  title: 'Data snapshots',
  applies: (run) => run.pretrain.length + run.downstream.length > 0,
  render(run: RunModel): Html {
    const pre = run.pretrain.map((r) => {
      const s = run.snapshots.get(r.name);
      const differs = s?.records !== undefined && s.records !== r.records;
      return html`<tr><td>${name(r.name)}</td><td>${name(r.method)}</td><td>${r.pool.map((c, i) => html`${i ? ', ' : ''}${name(c)}`)}</td><td class="num">${r.fraction ?? ''}</td><td class="num">${r.records}</td><td class="num">${n(s?.records)}${differs ? html` <span class="warn">differs</span>` : null}</td><td><code>${r.snapshot_sha256.slice(0, 12)}</code></td></tr>`;
    });
    const down = run.downstream.map((r) => {
      const s = run.snapshots.get(r.name);
      return html`<tr><td>${name(r.name)}</td><td>${r.target === null ? html`<span class="muted">pooled targets</span>` : name(r.target)}</td><td>${r.arm ?? ''}</td><td class="num">${r.pretrain_records}</td><td class="num">${r.train_records} / ${n(s?.train)}</td><td class="num">${r.val_records} / ${n(s?.val)}</td><td class="num">${r.test_records} / ${n(s?.test)}${r.evaluation.short_records ? html` <span class="muted" title="shorter than the canonical window, scored zero-padded">(${r.evaluation.short_records} short)</span>` : null}</td><td><code>${r.snapshot_sha256.slice(0, 12)}</code></td></tr>`;
    });
    return html`<h3>Pre-training</h3>
<table><tr><th>step</th><th>method</th><th>pool</th><th>fraction</th><th>records</th><th>snapshot records</th><th>SHA-256</th></tr>${pre}</table>
<h3>Downstream (record / snapshot counts)</h3>
<table><tr><th>step</th><th>target</th><th>arm</th><th>pre-training records</th><th>train</th><th>val</th><th>test</th><th>SHA-256</th></tr>${down}</table>`;
  },
};
