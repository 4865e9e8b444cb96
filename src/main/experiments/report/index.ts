// The run report: load a run folder, render its sections, write one offline HTML file.
export { renderEvaluationReport, type EvaluationReportModel } from './evaluation.js';
export { EvaluationLoadError, loadEvaluationFolder, writeEvaluationReport, type EvaluationReportSummary } from './evaluation-load.js';
export { prCurve, type PrCurve } from './pr.js';
export { escapeHtml, figure, html, join, name, raw, type Html } from './html.js';
export { loadRun, parsePredictions, RunLoadError, workspaceOf, type LoadOptions } from './load.js';
export type { JobStatus, OtherStep, Predictions, RunInfo, RunModel, SnapshotSize } from './model.js';
export { PAPER_LODO, PAPER_RANKING, PAPER_SCALING, paperMethodOf, paperTargetOf, type PaperLodoRow, type PaperMethod } from './paper-figures.js';
export { renderReport, SECTIONS, writeReport, type ReportSummary } from './report.js';
export { rocCurve, type RocCurve } from './roc.js';
export type { ReportSection } from './section.js';
export { heatMap, linePlot, type HeatMap, type LinePlot, type Series } from './svg.js';
