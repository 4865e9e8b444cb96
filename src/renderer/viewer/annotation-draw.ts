// Draws placed annotations (annotation-layout.ts) on the paper's canvas, after the traces: rhythm
// bands as translucent strips with their note, beat symbols as letters above the trace, wave
// onsets and offsets as ticks across the baseline and peaks as letters, coloured by wave so P, QRS
// and T stay apart on a lead. Colours avoid the grid's red and the ink's black.
import type { Pen } from './draw.js';
import type { AnnotationLayout } from './annotation-layout.js';

/** The canvas calls this file needs beyond the paper's Pen (structural, no DOM types). */
export interface AnnotationPen extends Pen {
  font: string;
  textAlign: string;
  textBaseline: string;
  globalAlpha: number;
  fillText(text: string, x: number, y: number): void;
}

export const WAVE_COLORS: Readonly<Record<string, string>> = { P: '#1565c0', QRS: '#6a1b9a', T: '#2e7d32', U: '#00838f' };
/** One colour per annotator, in the order the record lists them. */
export const ANNOTATOR_COLORS = ['#1565c0', '#ef6c00', '#2e7d32', '#6a1b9a', '#00838f', '#5d4037'] as const;
const BAND_COLORS = ['#ffe082', '#b3e5fc', '#c8e6c9', '#e1bee7'] as const;

export function annotatorColor(index: number): string {
  return ANNOTATOR_COLORS[((index % ANNOTATOR_COLORS.length) + ANNOTATOR_COLORS.length) % ANNOTATOR_COLORS.length];
}

/**
 * `k`: device px per mm. `colorOf`: the annotator's colour (its index in the record's list).
 * Text is sized in mm so it scales with the zoom like the grid.
 */
export function drawAnnotations(pen: AnnotationPen, layout: AnnotationLayout, k: number, colorOf: (annotator: string) => string): void {
  const rhythmIndex = new Map<string, number>();
  for (const b of layout.bands) {
    if (!rhythmIndex.has(b.band.rhythm)) rhythmIndex.set(b.band.rhythm, rhythmIndex.size);
    pen.globalAlpha = 0.55;
    pen.fillStyle = BAND_COLORS[(rhythmIndex.get(b.band.rhythm) as number) % BAND_COLORS.length];
    pen.fillRect(b.x0 * k, b.y * k, (b.x1 - b.x0) * k, b.height * k);
    pen.globalAlpha = 1;
    pen.fillStyle = '#5d4037';
    pen.font = `${Math.max(8, 2.2 * k)}px sans-serif`;
    pen.textAlign = 'left';
    pen.textBaseline = 'middle';
    pen.fillText(b.band.rhythm, b.x0 * k + 0.4 * k, (b.y + b.height / 2) * k);
  }
  pen.globalAlpha = 1;
  pen.textAlign = 'center';
  for (const p of layout.marks) {
    const m = p.mark;
    const x = p.x * k;
    if (m.kind === 'wave') {
      const color = WAVE_COLORS[m.wave ?? ''] ?? colorOf(m.annotator);
      pen.strokeStyle = color;
      pen.fillStyle = color;
      pen.lineWidth = Math.max(1, 0.25 * k);
      if (m.part === 'peak') {
        pen.font = `bold ${Math.max(8, 2.4 * k)}px sans-serif`;
        pen.textBaseline = 'top';
        pen.fillText(p.label, x, (p.y + 2.2) * k);
        pen.beginPath();
        pen.moveTo(x, (p.y + 0.6) * k);
        pen.lineTo(x, (p.y + 2) * k);
        pen.stroke();
      } else {
        // Onset '(' and offset ')': a tick across the baseline with a foot pointing into the wave.
        const foot = m.part === 'onset' ? 0.8 : -0.8;
        pen.beginPath();
        pen.moveTo(x + foot * k, (p.y - 2.5) * k);
        pen.lineTo(x, (p.y - 2.5) * k);
        pen.lineTo(x, (p.y + 2.5) * k);
        pen.lineTo(x + foot * k, (p.y + 2.5) * k);
        pen.stroke();
      }
    } else {
      pen.fillStyle = colorOf(m.annotator);
      pen.font = `${m.kind === 'beat' ? 'bold ' : ''}${Math.max(8, 2.6 * k)}px sans-serif`;
      pen.textBaseline = 'alphabetic';
      pen.fillText(p.label, x, p.y * k);
    }
  }
}
