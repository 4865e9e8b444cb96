// Builds the self-contained HTML report of a run: the sections whose data the run has, in order,
// inside one page with no external resource.
import { statSync } from 'node:fs';
import { writeFileAtomic } from '../run-folder.js';
import { describeTrainingEngine } from '../engines/info.js';
import { html, page, type PageSection } from './html.js';
import { loadRun, type LoadOptions } from './load.js';
import type { RunModel } from './model.js';
import type { ReportSection } from './section.js';
import { baselinesSection } from './sections/baselines.js';
import { dataSection } from './sections/data.js';
import { lodoSection } from './sections/lodo.js';
import { lossSection } from './sections/loss.js';
import { overviewSection } from './sections/overview.js';
import { paperSection } from './sections/paper.js';
import { robustnessSection } from './sections/robustness.js';
import { rocSection } from './sections/roc.js';
import { scalingSection } from './sections/scaling.js';

/** The report's sections in page order; a new section file adds itself here. */
export const SECTIONS: readonly ReportSection[] = [overviewSection, lodoSection, baselinesSection, robustnessSection, scalingSection, paperSection, rocSection, lossSection, dataSection];

export function renderReport(run: RunModel, sections: readonly ReportSection[] = SECTIONS): { html: string; sections: string[] } {
  const used = sections.filter((s) => s.applies(run));
  const parts: PageSection[] = used.map((s) => ({ id: s.id, title: s.title, body: s.render(run) }));
  const recorded = run.pretrain.length + run.downstream.length + run.other.length;
  const banner = run.partial
    ? html`<div class="partial" id="partial"><strong>Partial run.</strong> ${recorded} of ${run.info.steps.length} planned steps are recorded${run.job ? html`; job ${run.job.id} is ${run.job.state}` : null}. Everything below shows what is done so far.</div>`
    : null;
  const subtitle = html`${run.info.kind} experiment, config ${run.info.config.name}, trained on ${run.info.engine ? describeTrainingEngine(run.info.engine) : 'tfjs'}, ${run.info.backend.name} backend, code ${run.info.code_version}${run.partial ? ' (partial)' : ''}`;
  return { html: page(`OpenECG run ${run.id}`, subtitle, banner, parts), sections: used.map((s) => s.id) };
}

export interface ReportSummary {
  readonly run: string;
  readonly out: string;
  readonly bytes: number;
  readonly partial: boolean;
  readonly steps_recorded: number;
  readonly steps_planned: number;
  readonly missing_steps: number;
  readonly sections: string[];
  readonly warnings: readonly string[];
}

export function writeReport(runDir: string, out: string, options: LoadOptions = {}): ReportSummary {
  const run = loadRun(runDir, options);
  const { html: text, sections } = renderReport(run);
  writeFileAtomic(out, text);
  return {
    run: run.dir,
    out,
    bytes: statSync(out).size,
    partial: run.partial,
    steps_recorded: run.pretrain.length + run.downstream.length + run.other.length,
    steps_planned: run.info.steps.length,
    missing_steps: run.missing.length,
    sections,
    warnings: run.warnings,
  };
}
