// What the inspection views draw over the ECG paper (viewer/draw.ts draws grid and record): MAE
// hidden patches as shaded bands with the reconstruction as a second trace, or a saliency as
// coloured bands under the trace. Pure over the Pen, so the geometry is the viewer's own.
import type { Pen } from '../viewer/draw.js';
import type { PaperGeometry, PaperSettings } from '../viewer/paper.js';

export interface OverlayPen extends Pen {
  globalAlpha: number;
}

export const OVERLAY_COLORS = {
  hidden: 'rgba(90, 140, 220, 0.22)',
  reconstruction: '#d0021b',
  positive: [214, 39, 40] as const,
  negative: [31, 119, 180] as const,
} as const;

export interface PatchOverlay {
  readonly kind: 'patches';
  readonly fs: number;
  readonly patchSamples: number;
  /** Per patch: 1 = hidden from the encoder. */
  readonly mask: readonly number[];
  /** Per lead (STANDARD_LEADS order): the decoder's prediction, mV. */
  readonly reconstruction: readonly (readonly number[])[];
  /** Draw the reconstruction on visible patches too (by default only where hidden). */
  readonly everywhere: boolean;
}

export interface SaliencyOverlay {
  readonly kind: 'saliency';
  readonly fs: number;
  /** Per lead, per sample: probability drop when occluded. */
  readonly leads: readonly (readonly number[])[];
  /** The value drawn at full colour (the largest magnitude over all leads). */
  readonly scale: number;
}

export type Overlay = PatchOverlay | SaliencyOverlay;

/** Per lead: hidden and visible patches drawn, and reconstruction points (test and status hook). */
export interface OverlayStats {
  readonly hidden: number[];
  readonly visible: number[];
  readonly points: number[];
}

export function drawOverlay(pen: OverlayPen, g: PaperGeometry, s: PaperSettings, o: Overlay, pxPerMm: number, scale: number, leadCount: number): OverlayStats {
  const k = pxPerMm * scale;
  const stats: OverlayStats = { hidden: new Array<number>(leadCount).fill(0), visible: new Array<number>(leadCount).fill(0), points: new Array<number>(leadCount).fill(0) };
  const band = (seg: PaperGeometry['segments'][number]) => ({ top: (seg.baseline - g.rowHeight * 0.6) * k, height: g.rowHeight * k });
  const xOf = (seg: PaperGeometry['segments'][number], t: number) => (seg.x + (t - seg.t0) * s.speed) * k;
  if (o.kind === 'patches') {
    const P = o.patchSamples;
    pen.fillStyle = OVERLAY_COLORS.hidden;
    for (const seg of g.segments) {
      const { top, height } = band(seg);
      o.mask.forEach((m, p) => {
        const t0 = Math.max(seg.t0, (p * P) / o.fs);
        const t1 = Math.min(seg.t1, ((p + 1) * P) / o.fs);
        if (t1 <= t0) return;
        if (m) {
          pen.fillRect(xOf(seg, t0), top, xOf(seg, t1) - xOf(seg, t0), height);
          stats.hidden[seg.lead]++;
        } else stats.visible[seg.lead]++;
      });
    }
    pen.strokeStyle = OVERLAY_COLORS.reconstruction;
    pen.lineWidth = Math.max(1, 1.2 * scale);
    for (const seg of g.segments) {
      const x = o.reconstruction[seg.lead];
      if (!x) continue;
      const first = Math.ceil(seg.t0 * o.fs);
      const last = Math.min(x.length, Math.ceil(seg.t1 * o.fs));
      pen.beginPath();
      let down = false;
      for (let i = first; i < last; i++) {
        const shown = o.everywhere || o.mask[Math.floor(i / P)] === 1;
        if (!shown) {
          down = false;
          continue;
        }
        const px = xOf(seg, i / o.fs);
        const py = (seg.baseline - x[i] * s.gain) * k;
        if (down) pen.lineTo(px, py);
        else pen.moveTo(px, py);
        down = true;
        stats.points[seg.lead]++;
      }
      pen.stroke();
    }
    return stats;
  }
  const max = o.scale > 0 ? o.scale : 1;
  for (const seg of g.segments) {
    const x = o.leads[seg.lead];
    if (!x) continue;
    const { top, height } = band(seg);
    const first = Math.ceil(seg.t0 * o.fs);
    const last = Math.min(x.length, Math.ceil(seg.t1 * o.fs));
    for (let i = first; i < last; i++) {
      const v = x[i] / max;
      if (Math.abs(v) < 0.02) continue;
      const [r, gg, b] = v > 0 ? OVERLAY_COLORS.positive : OVERLAY_COLORS.negative;
      pen.fillStyle = `rgba(${r}, ${gg}, ${b}, ${Math.min(0.45, Math.abs(v) * 0.45).toFixed(3)})`;
      const x0 = xOf(seg, i / o.fs);
      pen.fillRect(x0, top, xOf(seg, (i + 1) / o.fs) - x0 + 0.5, height);
      if (v > 0) stats.hidden[seg.lead]++;
      else stats.visible[seg.lead]++;
    }
  }
  return stats;
}
