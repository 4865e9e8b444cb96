// Records shorter than the canonical window are zero-padded at its end (docs/defaults.md): the
// record info says so, and on the canonical page the padded stretch is shaded and hatched so the
// flat line there is never read as signal.
import type { RecordDetail, Signals } from '../../shared/api.js';
import type { Pen } from './draw.js';
import type { PaperGeometry, PaperSettings } from './paper.js';

export const PADDING_COLORS = { shade: 'rgba(110, 110, 110, 0.16)', hatch: 'rgba(90, 90, 90, 0.45)' } as const;
const HATCH_MM = 2;

/** "7.3 s, padded to 10 s" for a padded record; null when the window is all signal. */
export function paddingText(record: Pick<RecordDetail, 'durationS' | 'paddedS'>): string | null {
  if (!(record.paddedS > 0)) return null;
  const window = record.durationS + record.paddedS;
  const s = (x: number) => (Number.isInteger(Math.round(x * 10) / 10) ? Math.round(x).toString() : x.toFixed(1));
  return `${s(record.durationS)} s, padded to ${s(window)} s`;
}

/** First sample of the shown window that is padding (canonical source only); null: none shown. */
export function paddedFrom(record: Pick<RecordDetail, 'paddedS'> | null, signals: Pick<Signals, 'source' | 'fs' | 'from' | 'to' | 'totalLen'> | null): number | null {
  if (!record || !signals || signals.source !== 'canonical' || !(record.paddedS > 0)) return null;
  const start = signals.totalLen - Math.round(record.paddedS * signals.fs) - signals.from;
  return start < signals.to - signals.from ? Math.max(0, start) : null;
}

/** Shades and hatches each segment's part from sample `from` (at fs) on, in the page's mm geometry. */
export function drawPadding(pen: Pen, g: PaperGeometry, s: PaperSettings, fs: number, from: number, pxPerMm: number, scale: number): void {
  const k = pxPerMm * scale;
  const tPad = from / fs;
  pen.setTransform(1, 0, 0, 1, 0, 0);
  for (const seg of g.segments) {
    if (tPad >= seg.t1) continue;
    const x0 = seg.x + (Math.max(tPad, seg.t0) - seg.t0) * s.speed;
    const x1 = seg.x + (seg.t1 - seg.t0) * s.speed;
    const y0 = seg.baseline - 0.6 * g.rowHeight;
    const y1 = seg.baseline + 0.4 * g.rowHeight;
    pen.fillStyle = PADDING_COLORS.shade;
    pen.fillRect(x0 * k, y0 * k, (x1 - x0) * k, (y1 - y0) * k);
    // Diagonal lines x = y + c, clipped to the rectangle by hand (the Pen has no clip).
    pen.beginPath();
    for (let c = Math.ceil((x0 - y1) / HATCH_MM) * HATCH_MM; c <= x1 - y0; c += HATCH_MM) {
      const lo = Math.max(y0, x0 - c);
      const hi = Math.min(y1, x1 - c);
      if (lo >= hi) continue;
      pen.moveTo((lo + c) * k, lo * k);
      pen.lineTo((hi + c) * k, hi * k);
    }
    pen.strokeStyle = PADDING_COLORS.hatch;
    pen.lineWidth = Math.max(1, scale);
    pen.stroke();
  }
}
