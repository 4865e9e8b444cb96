// The record on ECG paper (the viewer's layout and drawing) with an inspection overlay on top:
// MAE hidden patches and reconstruction, or a saliency. Canvas, with DOM lead labels like the viewer.
import { useLayoutEffect, useMemo, useRef } from 'react';
import { STANDARD_LEADS } from '../../shared/leads.js';
import type { Annotations } from '../../shared/api.js';
import { annotatorColor, drawAnnotations, type AnnotationPen } from '../viewer/annotation-draw.js';
import { exposeAnnotations, layoutAnnotations } from '../viewer/annotation-layout.js';
import { drawPaper, type Pen } from '../viewer/draw.js';
import { layoutPaper, type Layout } from '../viewer/paper.js';
import { drawOverlay, type Overlay, type OverlayPen } from './overlay-draw.js';

export interface OverlayPaperProps {
  readonly fs: number;
  /** Per lead (STANDARD_LEADS order), mV. */
  readonly leads: readonly (readonly number[])[];
  readonly overlay: Overlay | null;
  readonly layout: Layout;
  /** CSS px per paper mm. */
  readonly pxPerMm?: number;
  readonly onDrawn?: (ms: number) => void;
  /** WFDB annotations on the canonical window (record.annotations, source 'canonical'). */
  readonly annotations?: Annotations | null;
  readonly hidden?: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

export function OverlayPaper({ fs, leads, overlay, layout, pxPerMm = 3.2, onDrawn, annotations = null, hidden = NONE }: OverlayPaperProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const samples = leads[0]?.length ?? 0;
  const settings = useMemo(() => ({ layout, speed: 25, gain: 10, seconds: samples / fs }), [layout, samples, fs]);
  const geometry = useMemo(() => layoutPaper(settings), [settings]);
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const widthPx = Math.ceil(geometry.width * pxPerMm);
  const heightPx = Math.ceil(geometry.height * pxPerMm);
  const annotatorKey = annotations?.annotators.map((a) => a.name).join(',') ?? '';
  const annotationLayout = useMemo(
    // A record without annotation files draws (and redraws) nothing more.
    () => (annotations && annotations.annotators.length > 0 ? layoutAnnotations(geometry, settings.speed, annotations.annotations, annotations.rhythms, (a) => !hidden.has(a)) : null),
    [annotations, geometry, settings.speed, hidden],
  );

  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    el.width = Math.ceil(widthPx * dpr);
    el.height = Math.ceil(heightPx * dpr);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const t0 = performance.now();
    drawPaper(ctx as unknown as Pen, geometry, settings, { fs, leads }, pxPerMm, dpr);
    const stats = overlay ? drawOverlay(ctx as unknown as OverlayPen, geometry, settings, overlay, pxPerMm, dpr, STANDARD_LEADS.length) : null;
    if (annotationLayout) {
      const index = new Map(annotatorKey.split(',').map((name, i) => [name, i] as const));
      drawAnnotations(ctx as unknown as AnnotationPen, annotationLayout, pxPerMm * dpr, (name) => annotatorColor(index.get(name) ?? 0));
    }
    ctx.getImageData(0, 0, 1, 1); // rasterise now, so the time is the real drawing time
    const ms = performance.now() - t0;
    el.dataset.drawMs = ms.toFixed(1);
    el.dataset.overlay = JSON.stringify(
      stats ? STANDARD_LEADS.map((lead, l) => ({ lead, hidden: stats.hidden[l], visible: stats.visible[l], points: stats.points[l] })) : [],
    );
    onDrawn?.(ms);
  }, [geometry, settings, fs, leads, overlay, pxPerMm, widthPx, heightPx, dpr, onDrawn, annotationLayout, annotatorKey]);

  const exposed = JSON.stringify({
    pxPerMm,
    speed: settings.speed,
    gain: settings.gain,
    rowHeight: geometry.rowHeight,
    segments: geometry.segments.map((s) => ({ lead: STANDARD_LEADS[s.lead], x: s.x * pxPerMm, baseline: s.baseline * pxPerMm, width: s.width * pxPerMm, t0: s.t0, t1: s.t1 })),
  });
  return (
    <div className="paper-scroll">
      <div className="paper" style={{ width: widthPx, height: heightPx }} data-testid="overlay-paper" data-geometry={exposed} data-annotations={annotationLayout ? exposeAnnotations(annotationLayout, geometry, pxPerMm) : undefined}>
        <canvas ref={canvas} style={{ width: widthPx, height: heightPx }} data-testid="overlay-canvas" />
        {geometry.segments.map((s, i) => (
          <span key={i} className="lead-label" style={{ left: (s.x + 1) * pxPerMm, top: (s.baseline - geometry.rowHeight * 0.5) * pxPerMm }} data-testid="overlay-lead-label">
            {STANDARD_LEADS[s.lead]}
          </span>
        ))}
      </div>
    </div>
  );
}
