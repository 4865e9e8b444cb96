// What one part of the report is. A section renders only when the run holds its data, so a
// section file for data a newer experiment writes (baselines, robustness) can be added to
// SECTIONS in report.ts without touching the others, and older runs simply leave it out.
import type { Html } from './html.js';
import type { RunModel } from './model.js';

export interface ReportSection {
  /** Anchor id in the page (letters, digits, '-'). */
  readonly id: string;
  readonly title: string;
  /** True when the run has this section's data; false leaves the section (and its link) out. */
  applies(run: RunModel): boolean;
  render(run: RunModel): Html;
}
