// Where WFDB annotations go on the paper (mm, the paper's own grid), shared by the viewer and the
// inspection views: beat symbols in a strip above each segment's trace, rhythm bands across that
// strip, wave onsets/peaks/offsets on their own lead's segments. Pure, so drawing, the test hook
// and the calipers agree on one position per mark: x = seg.x + (t - seg.t0) * speed.
import type { AnnotationMark, RhythmBand } from '../../shared/api-annotations.js';
import { STANDARD_LEADS } from '../../shared/leads.js';
import type { PaperGeometry, Segment } from './paper.js';

export interface PlacedMark {
  readonly mark: AnnotationMark;
  /** Index into geometry.segments. */
  readonly segment: number;
  /** mm from the paper's left edge. */
  readonly x: number;
  /** mm from the paper's top: the text's or tick's anchor. */
  readonly y: number;
  /** What is written there. */
  readonly label: string;
}

export interface PlacedBand {
  readonly band: RhythmBand;
  readonly segment: number;
  readonly x0: number;
  readonly x1: number;
  /** Top of the band and its height, mm. */
  readonly y: number;
  readonly height: number;
}

export interface AnnotationLayout {
  readonly marks: PlacedMark[];
  readonly bands: PlacedBand[];
}

/** Height of the strip above a trace where beat symbols and rhythm bands sit, mm. */
export const STRIP_MM = 3.5;

const PEAK_LABELS: Record<string, string> = { P: 'P', QRS: 'R', T: 'T', U: 'U' };

/** Top of the segment's row band, mm (rows are rowHeight tall, the baseline at 60 % of it). */
function rowTop(g: PaperGeometry, seg: Segment): number {
  return seg.baseline - g.rowHeight * 0.6;
}

function inSegment(seg: Segment, t: number): boolean {
  // A mark on the segment's last instant belongs to the next column, as the trace's sample does.
  return t >= seg.t0 - 1e-9 && t < seg.t1 - 1e-9;
}

/** Marks in the window that are visible (their annotator switched on), placed on every segment they belong to. */
export function layoutAnnotations(g: PaperGeometry, speed: number, marks: readonly AnnotationMark[], bands: readonly RhythmBand[], visible: (annotator: string) => boolean): AnnotationLayout {
  const placed: PlacedMark[] = [];
  const placedBands: PlacedBand[] = [];
  g.segments.forEach((seg, s) => {
    const lead = STANDARD_LEADS[seg.lead];
    const top = rowTop(g, seg);
    for (const m of marks) {
      if (!visible(m.annotator) || !inSegment(seg, m.t)) continue;
      const x = seg.x + (m.t - seg.t0) * speed;
      if (m.kind === 'wave') {
        // A delineation belongs to its lead; one with no known lead is shown on every lead.
        if (m.lead !== null && m.lead !== lead) continue;
        const label = m.part === 'peak' ? (PEAK_LABELS[m.wave ?? ''] ?? m.symbol) : m.symbol;
        placed.push({ mark: m, segment: s, x, y: seg.baseline, label });
      } else {
        placed.push({ mark: m, segment: s, x, y: top + STRIP_MM * 0.75, label: m.kind === 'other' && m.aux ? `${m.symbol}${m.aux}` : m.symbol });
      }
    }
    for (const b of bands) {
      if (!visible(b.annotator)) continue;
      const t0 = Math.max(b.t0, seg.t0);
      const t1 = Math.min(b.t1, seg.t1);
      if (t1 <= t0) continue;
      placedBands.push({ band: b, segment: s, x0: seg.x + (t0 - seg.t0) * speed, x1: seg.x + (t1 - seg.t0) * speed, y: top, height: STRIP_MM });
    }
  });
  return { marks: placed, bands: placedBands };
}

/**
 * The annotation a caliper click snaps to: the visible mark nearest in time to `t` on the clicked
 * segment (its own lead's waves, or any beat), within `snapSeconds`; null when none is that close.
 */
export function snapToAnnotation(layout: AnnotationLayout, segment: number, t: number, snapSeconds = 0.04): AnnotationMark | null {
  let best: AnnotationMark | null = null;
  let bestDt = snapSeconds;
  for (const p of layout.marks) {
    if (p.segment !== segment) continue;
    const dt = Math.abs(p.mark.t - t);
    if (dt <= bestDt + 1e-9) {
      best = p.mark;
      bestDt = dt;
    }
  }
  return best;
}

/** Test and accessibility hook: each drawn mark and band in CSS px. */
export function exposeAnnotations(layout: AnnotationLayout, g: PaperGeometry, pxPerMm: number): string {
  return JSON.stringify({
    marks: layout.marks.map((p) => ({ annotator: p.mark.annotator, symbol: p.mark.symbol, kind: p.mark.kind, part: p.mark.part, lead: STANDARD_LEADS[g.segments[p.segment].lead], segment: p.segment, sample: p.mark.sample, t: p.mark.t, x: p.x * pxPerMm })),
    bands: layout.bands.map((b) => ({ annotator: b.band.annotator, rhythm: b.band.rhythm, lead: STANDARD_LEADS[g.segments[b.segment].lead], segment: b.segment, x0: b.x0 * pxPerMm, x1: b.x1 * pxPerMm })),
  });
}
