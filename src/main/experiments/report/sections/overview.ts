// The run itself: what ran, from which code, on which backend and seeds, how far it got, and the
// config as it was run.
import { describeTrainingEngine } from '../../engines/info.js';
import { html, name, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';

const row = (label: string, value: Html | string | number) => html`<tr><th>${label}</th><td>${value}</td></tr>`;
const list = (names: readonly string[]) => (names.length ? html`${names.map((n, i) => html`${i ? ', ' : ''}${name(n)}`)}` : html`<span class="muted">none</span>`);

export const overviewSection: ReportSection = {
  id: 'run',
  title: 'Run',
  applies: () => true,
  render(run: RunModel): Html {
    const { info } = run;
    const recorded = run.pretrain.length + run.downstream.length + run.other.length;
    const job = run.job ? html`job ${run.job.id}: ${run.job.state}${run.job.message ? html` (${run.job.message})` : null}` : html`<span class="muted">not known (no job table entry)</span>`;
    const missing = run.missing.length
      ? html`<h3>Steps not recorded yet (${run.missing.length})</h3><p class="muted">${run.missing.slice(0, 30).map((s, i) => html`${i ? ', ' : ''}${name(s)}`)}${run.missing.length > 30 ? html` and ${run.missing.length - 30} more` : null}</p>`
      : null;
    const warnings = run.warnings.length ? html`<h3>Warnings</h3><ul class="warn">${run.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : null;
    return html`<table>
${row('run folder', name(run.dir))}
${row('experiment', info.kind)}
${row('config', html`${name(info.config.name)}${info.config_file ? html` <span class="muted">(${info.config_file})</span>` : null}`)}
${row('code version', name(info.code_version))}
${row('training engine', info.engine ? html`<span data-testid="training-engine">${describeTrainingEngine(info.engine)}</span>${info.engine.requested !== info.engine.name ? html` (asked: ${info.engine.requested})` : null} <span class="muted">${info.engine.reason}</span>` : html`<span data-testid="training-engine">tfjs</span> <span class="muted">(not recorded: made before training engines existed)</span>`)}
${row('backend', html`${info.backend.name}${info.backend.tf ? html` (tfjs ${info.backend.tf})` : null}${info.backend.reason ? html` <span class="muted">${info.backend.reason}</span>` : null}`)}
${row('seeds', info.seeds.join(', '))}
${row('patient split set', info.split_set ?? 'n/a')}
${row('centers', list(info.centers))}
${row('targets', list(info.targets))}
${row('skipped targets', info.skipped_targets.length ? html`${info.skipped_targets.map((s, i) => html`${i ? '; ' : ''}${name(s.target)}: ${s.reason}`)}` : html`<span class="muted">none</span>`)}
${row('started', info.created_at ?? 'n/a')}
${row('job', job)}
${row('steps recorded', `${recorded} of ${info.steps.length} planned${run.partial ? ' (partial)' : ''}`)}
${row('labels for ROC curves', run.labelsSource)}
</table>${missing}${warnings}
<details><summary>Config as run</summary><pre>${JSON.stringify(info.config, null, 2)}</pre></details>`;
  },
};
