// Draws ECG paper on a 2D canvas: 1 mm and 5 mm grid, a calibration pulse at each row start, and
// every segment's trace. One path per grid weight and per segment, so a 12-lead 10 s 500 Hz record
// (60,000 points) is a few dozen strokes.
import { CAL_MV, CAL_SECONDS, calibrationLeft, type PaperGeometry, type PaperSettings } from './paper.js';

/** The part of CanvasRenderingContext2D this file uses (kept structural so it needs no DOM types). */
export interface Pen {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  lineJoin: string;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
}

export const PAPER_COLORS = {
  paper: '#fffaf5',
  minor: '#f5c6c6',
  major: '#e07a7a',
  ink: '#111111',
  separator: '#555555',
} as const;

export interface TraceData {
  readonly fs: number;
  /** Per lead (STANDARD_LEADS order): mV, null = no valid sample. */
  readonly leads: readonly (readonly (number | null)[])[];
}

/**
 * Draws the page at `pxPerMm` CSS pixels per paper millimetre; `scale` is the device pixel ratio.
 * Grid lines sit on whole millimetres from the paper's top-left, so the 5 mm boxes line up with the
 * calibration pulse (0.2 s wide, 1 mV high).
 */
export function drawPaper(pen: Pen, g: PaperGeometry, s: PaperSettings, data: TraceData | null, pxPerMm: number, scale: number): void {
  const k = pxPerMm * scale;
  pen.setTransform(1, 0, 0, 1, 0, 0);
  pen.fillStyle = PAPER_COLORS.paper;
  pen.fillRect(0, 0, Math.ceil(g.width * k), Math.ceil(g.height * k));
  // Half-pixel offsets keep 1 px lines crisp.
  const at = (mm: number) => Math.round(mm * k) + 0.5;
  for (const major of [false, true]) {
    pen.beginPath();
    pen.strokeStyle = major ? PAPER_COLORS.major : PAPER_COLORS.minor;
    pen.lineWidth = major ? Math.max(1, Math.round(scale)) : 1;
    for (let mm = 0; mm <= g.width; mm++) {
      if ((mm % 5 === 0) !== major) continue;
      pen.moveTo(at(mm), 0);
      pen.lineTo(at(mm), g.height * k);
    }
    for (let mm = 0; mm <= g.height; mm++) {
      if ((mm % 5 === 0) !== major) continue;
      pen.moveTo(0, at(mm));
      pen.lineTo(g.width * k, at(mm));
    }
    pen.stroke();
  }

  pen.strokeStyle = PAPER_COLORS.ink;
  pen.lineWidth = Math.max(1, 1.2 * scale);
  pen.lineJoin = 'round';
  // Calibration pulse at each row's start: up 1 mV, across 0.2 s, back down.
  pen.beginPath();
  const calW = CAL_SECONDS * s.speed;
  const calH = CAL_MV * s.gain;
  const x0 = calibrationLeft();
  for (let row = 0; row < g.rows; row++) {
    const base = g.segments.find((seg) => seg.row === row)?.baseline ?? (row + 0.6) * g.rowHeight;
    pen.moveTo((x0 - 1) * k, base * k);
    pen.lineTo(x0 * k, base * k);
    pen.lineTo(x0 * k, (base - calH) * k);
    pen.lineTo((x0 + calW) * k, (base - calH) * k);
    pen.lineTo((x0 + calW) * k, base * k);
    pen.lineTo((x0 + calW + 1) * k, base * k);
  }
  pen.stroke();

  // A short mark where one column's leads end and the next begin.
  pen.beginPath();
  for (const seg of g.segments) {
    if (seg.t0 === 0) continue;
    pen.moveTo(seg.x * k, (seg.baseline - 3) * k);
    pen.lineTo(seg.x * k, (seg.baseline + 3) * k);
  }
  pen.strokeStyle = PAPER_COLORS.separator;
  pen.stroke();

  if (!data) return;
  pen.strokeStyle = PAPER_COLORS.ink;
  for (const seg of g.segments) {
    const x = data.leads[seg.lead];
    if (!x) continue;
    const first = Math.ceil(seg.t0 * data.fs);
    const last = Math.min(x.length, Math.ceil(seg.t1 * data.fs));
    pen.beginPath();
    let down = false;
    for (let i = first; i < last; i++) {
      const v = x[i];
      if (v === null) {
        down = false;
        continue;
      }
      const px = (seg.x + (i / data.fs - seg.t0) * s.speed) * k;
      const py = (seg.baseline - v * s.gain) * k;
      if (down) pen.lineTo(px, py);
      else pen.moveTo(px, py);
      down = true;
    }
    pen.stroke();
  }
}
