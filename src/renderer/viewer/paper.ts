// ECG paper geometry, in millimetres of the paper's own grid (ECG-DISPLAY.md): where each lead's
// segment sits for a layout, speed and gain, and how a point on the paper maps back to time and
// amplitude. Pure (no DOM), so the drawing and the calipers share one definition of "where".
import { STANDARD_LEADS } from '../../shared/leads.js';

export type Layout = '3x4' | '6x2' | '12x1';
export const LAYOUTS: readonly Layout[] = ['3x4', '6x2', '12x1'];
export const SPEEDS = [25, 50] as const;
export const GAINS = [5, 10, 20] as const;

export interface PaperSettings {
  readonly layout: Layout;
  /** mm/s */
  readonly speed: number;
  /** mm/mV */
  readonly gain: number;
  /** Seconds the page shows (10 for a standard report). */
  readonly seconds: number;
}

export interface Segment {
  /** Index into STANDARD_LEADS. */
  readonly lead: number;
  readonly row: number;
  /** Left edge and baseline of the segment, mm from the paper's top-left. */
  readonly x: number;
  readonly baseline: number;
  readonly width: number;
  /** Seconds from the window's start that the segment shows: [t0, t1). */
  readonly t0: number;
  readonly t1: number;
}

export interface PaperGeometry {
  readonly width: number;
  readonly height: number;
  readonly rowHeight: number;
  readonly rows: number;
  /** Where the traces start (after the calibration pulse). */
  readonly traceLeft: number;
  readonly segments: Segment[];
}

/** Calibration pulse: 1 mV for 0.2 s, i.e. 10 mm x 5 mm at the default scale. */
export const CAL_MV = 1;
export const CAL_SECONDS = 0.2;
const CAL_MARGIN = 2;
const RIGHT_MARGIN = 3;

export function rowHeight(gain: number): number {
  // About 3 mV of room per row: enough for most QRS complexes, compact enough for a report page.
  return Math.max(20, Math.round(3 * gain));
}

export function calibrationLeft(): number {
  return CAL_MARGIN;
}

export function layoutPaper(s: PaperSettings): PaperGeometry {
  const traceLeft = CAL_MARGIN + CAL_SECONDS * s.speed + CAL_MARGIN;
  const rh = rowHeight(s.gain);
  const lead = (name: string) => STANDARD_LEADS.indexOf(name as (typeof STANDARD_LEADS)[number]);
  // Columns of simultaneous leads, shown one after the other in time (column c covers its own seconds).
  let columns: string[][];
  let rhythm: string | null = null;
  if (s.layout === '3x4') {
    columns = [
      ['I', 'II', 'III'],
      ['aVR', 'aVL', 'aVF'],
      ['V1', 'V2', 'V3'],
      ['V4', 'V5', 'V6'],
    ];
    rhythm = 'II';
  } else if (s.layout === '6x2') {
    columns = [
      ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'],
      ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
    ];
  } else {
    columns = [[...STANDARD_LEADS]];
  }
  const colSeconds = s.seconds / columns.length;
  const colWidth = colSeconds * s.speed;
  const segments: Segment[] = [];
  const baselineOf = (row: number) => row * rh + rh * 0.6;
  columns.forEach((leads, c) =>
    leads.forEach((name, row) =>
      segments.push({ lead: lead(name), row, x: traceLeft + c * colWidth, baseline: baselineOf(row), width: colWidth, t0: c * colSeconds, t1: (c + 1) * colSeconds }),
    ),
  );
  let rows = columns[0].length;
  if (rhythm) {
    segments.push({ lead: lead(rhythm), row: rows, x: traceLeft, baseline: baselineOf(rows), width: s.seconds * s.speed, t0: 0, t1: s.seconds });
    rows++;
  }
  return { width: traceLeft + s.seconds * s.speed + RIGHT_MARGIN, height: rows * rh, rowHeight: rh, rows, traceLeft, segments };
}

/** The segment under a point (mm), by row band and column span. */
export function segmentAt(g: PaperGeometry, x: number, y: number): Segment | undefined {
  const row = Math.floor(y / g.rowHeight);
  return g.segments.find((s) => s.row === row && x >= s.x && x <= s.x + s.width);
}

/** Seconds from the window's start at paper position x inside a segment. */
export function timeAt(seg: Segment, x: number, speed: number): number {
  return seg.t0 + (x - seg.x) / speed;
}

export interface CaliperPoint {
  readonly lead: number;
  /** Sample index in the window, at the signal's rate. */
  readonly sample: number;
  /** Seconds from the window's start. */
  readonly t: number;
  /** mV of the trace at that sample (null where the lead has no valid sample). */
  readonly mv: number | null;
}

/**
 * The trace point a click means: the nearest sample in time, or with `snap`, the sample within
 * `snapSeconds` that stands out most from its surroundings (a wave's peak or trough), the way a
 * reader puts a caliper on the R peak rather than a millimetre beside it.
 */
export function caliperPoint(seg: Segment, x: number, speed: number, fs: number, samples: readonly (number | null)[], snap: boolean, snapSeconds = 0.04): CaliperPoint {
  const t = Math.min(seg.t1, Math.max(seg.t0, timeAt(seg, x, speed)));
  const last = samples.length - 1;
  let best = Math.max(0, Math.min(last, Math.round(t * fs)));
  if (snap) {
    const lo = Math.max(Math.ceil(seg.t0 * fs), best - Math.round(snapSeconds * fs));
    const hi = Math.min(Math.min(last, Math.ceil(seg.t1 * fs) - 1), best + Math.round(snapSeconds * fs));
    const a = samples[lo];
    const b = samples[hi];
    if (a !== null && b !== null && hi > lo) {
      const ref = (a + b) / 2;
      let bestDev = -1;
      for (let i = lo; i <= hi; i++) {
        const v = samples[i];
        if (v === null) continue;
        const dev = Math.abs(v - ref);
        // Ties go to the sample nearest the click.
        if (dev > bestDev || (dev === bestDev && Math.abs(i - t * fs) < Math.abs(best - t * fs))) {
          bestDev = dev;
          best = i;
        }
      }
    }
  }
  return { lead: seg.lead, sample: best, t: best / fs, mv: samples[best] ?? null };
}

export interface CaliperReading {
  readonly ms: number;
  /** The rate the interval implies when read as an RR interval. */
  readonly bpm: number | null;
  readonly mv: number | null;
}

export function caliperReading(a: CaliperPoint, b: CaliperPoint, fs: number): CaliperReading {
  const ms = (Math.abs(b.sample - a.sample) * 1000) / fs;
  return { ms, bpm: ms > 0 ? 60000 / ms : null, mv: a.mv !== null && b.mv !== null ? b.mv - a.mv : null };
}
