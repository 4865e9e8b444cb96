// The 12-lead page: canvas for grid and traces, DOM lead labels on top, calipers from two clicks,
// zoom (wheel or buttons, around the pointer) and pan (drag) in a scroll box.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { STANDARD_LEADS } from '../../shared/leads.js';
import type { Annotations, Signals } from '../../shared/api.js';
import { drawAnnotations, annotatorColor, type AnnotationPen } from './annotation-draw.js';
import { exposeAnnotations, layoutAnnotations, snapToAnnotation } from './annotation-layout.js';
import { drawPaper, type Pen } from './draw.js';
import { drawPadding } from './padding.js';
import { caliperPoint, caliperReading, layoutPaper, segmentAt, timeAt, type CaliperPoint, type PaperSettings, type Segment } from './paper.js';
import { anchoredScroll, clampZoom, DRAG_THRESHOLD, draggedScroll, zoomAfterWheel, ZOOM_STEP, type Scroll } from './zoom.js';

interface Mark {
  readonly point: CaliperPoint;
  /** The segment clicked: lead II appears twice in 3x4 (its column and the rhythm strip). */
  readonly seg: Segment;
}

export interface EcgPaperProps {
  readonly signals: Signals | null;
  readonly settings: PaperSettings;
  /** CSS px per paper mm. */
  readonly pxPerMm: number;
  readonly snap: boolean;
  readonly onDrawn?: (ms: number) => void;
  /** WFDB annotations on the same window as `signals` (record.annotations), drawn over the traces. */
  readonly annotations?: Annotations | null;
  /** Annotators switched off. */
  readonly hidden?: ReadonlySet<string>;
  /** First sample of `signals` that is zero padding (a short record's canonical window), drawn hatched. */
  readonly paddedFrom?: number | null;
}

const NONE: ReadonlySet<string> = new Set();

export function EcgPaper({ signals, settings, pxPerMm: fitPxPerMm, snap, onDrawn, annotations = null, hidden = NONE, paddedFrom = null }: EcgPaperProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const geometry = useMemo(() => layoutPaper(settings), [settings]);
  const [marks, setMarks] = useState<Mark[]>([]);
  const [zoomWanted, setZoom] = useState(1);
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const zoom = clampZoom(zoomWanted, geometry.width * fitPxPerMm, geometry.height * fitPxPerMm, dpr);
  // Where the pointer was when the zoom changed: the scroll box is moved to keep it in place once the new size is laid out.
  const anchor = useRef<{ from: number; pointer: { x: number; y: number } } | null>(null);
  const drag = useRef<{ x: number; y: number; scroll: Scroll; moved: boolean } | null>(null);
  const pxPerMm = fitPxPerMm * zoom;
  const points = marks.map((m) => m.point);
  const widthPx = Math.ceil(geometry.width * pxPerMm);
  const heightPx = Math.ceil(geometry.height * pxPerMm);

  useEffect(() => setMarks([]), [signals, settings]);
  const annotationLayout = useMemo(
    // A record without annotation files draws (and redraws) nothing more.
    () => (annotations && annotations.annotators.length > 0 ? layoutAnnotations(geometry, settings.speed, annotations.annotations, annotations.rhythms, (a) => !hidden.has(a)) : null),
    [annotations, geometry, settings.speed, hidden],
  );
  // Keyed by the annotator names, so a new answer with the same annotators does not redraw the page.
  const annotatorKey = annotations?.annotators.map((a) => a.name).join(',') ?? '';
  const colorOf = useMemo(() => {
    const index = new Map(annotatorKey.split(',').map((name, i) => [name, i] as const));
    return (name: string) => annotatorColor(index.get(name) ?? 0);
  }, [annotatorKey]);

  const zoomTo = (next: number, pointer?: { x: number; y: number }) => {
    const box = scroller.current;
    const to = clampZoom(next, geometry.width * fitPxPerMm, geometry.height * fitPxPerMm, dpr);
    if (to === zoom) return;
    anchor.current = { from: zoom, pointer: pointer ?? { x: (box?.clientWidth ?? 0) / 2, y: (box?.clientHeight ?? 0) / 2 } };
    setZoom(to);
  };
  useLayoutEffect(() => {
    const box = scroller.current;
    const a = anchor.current;
    if (!box || !a) return;
    anchor.current = null;
    const next = anchoredScroll({ left: box.scrollLeft, top: box.scrollTop }, a.pointer, a.from, zoom);
    box.scrollLeft = next.left;
    box.scrollTop = next.top;
  }, [zoom]);
  // The wheel zooms around the pointer; a non-passive listener, since the page must not scroll too.
  const zoomRef = useRef(zoomTo);
  zoomRef.current = zoomTo;
  const zoomNow = useRef(zoom);
  zoomNow.current = zoom;
  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const wheel = (e: WheelEvent) => {
      if (e.shiftKey) return; // shift+wheel keeps its usual sideways scroll
      e.preventDefault();
      const r = box.getBoundingClientRect();
      zoomRef.current(zoomAfterWheel(zoomNow.current, e.deltaY), { x: e.clientX - r.left, y: e.clientY - r.top });
    };
    box.addEventListener('wheel', wheel, { passive: false });
    return () => box.removeEventListener('wheel', wheel);
  }, []);

  const down = (e: React.MouseEvent<HTMLDivElement>) => {
    const box = scroller.current;
    if (e.button !== 0 || !box) return;
    drag.current = { x: e.clientX, y: e.clientY, scroll: { left: box.scrollLeft, top: box.scrollTop }, moved: false };
  };
  const move = (e: React.MouseEvent<HTMLDivElement>) => {
    const d = drag.current;
    const box = scroller.current;
    if (!d || !box || (e.buttons & 1) === 0) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    d.moved = true;
    const next = draggedScroll(d.scroll, dx, dy);
    box.scrollLeft = next.left;
    box.scrollTop = next.top;
  };

  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    el.width = Math.ceil(widthPx * dpr);
    el.height = Math.ceil(heightPx * dpr);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const data = signals ? { fs: signals.fs, leads: signals.leads.map((l) => l.samples) } : null;
    const t0 = performance.now();
    drawPaper(ctx as unknown as Pen, geometry, settings, data, pxPerMm, dpr);
    if (signals && paddedFrom !== null) drawPadding(ctx as unknown as Pen, geometry, settings, signals.fs, paddedFrom, pxPerMm, dpr);
    el.dataset.paddedFrom = paddedFrom === null ? '' : String(paddedFrom);
    if (annotationLayout) drawAnnotations(ctx as unknown as AnnotationPen, annotationLayout, pxPerMm * dpr, colorOf);
    // Canvas commands are queued; reading one pixel makes the browser rasterise them now, so the
    // time measured is the real drawing time.
    ctx.getImageData(0, 0, 1, 1);
    const ms = performance.now() - t0;
    el.dataset.drawMs = ms.toFixed(1);
    onDrawn?.(ms);
  }, [signals, geometry, settings, pxPerMm, widthPx, heightPx, onDrawn, dpr, annotationLayout, colorOf, paddedFrom]);

  const click = (e: React.MouseEvent<HTMLDivElement>) => {
    // The end of a drag is a pan, not a caliper point.
    const dragged = drag.current?.moved === true;
    drag.current = null;
    if (!signals || dragged) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - rect.left) / pxPerMm;
    const y = (e.clientY - rect.top) / pxPerMm;
    const seg = segmentAt(geometry, x, y);
    if (!seg) return;
    let p = caliperPoint(seg, x, settings.speed, signals.fs, signals.leads[seg.lead].samples, snap);
    // An annotation (beat, wave onset, peak or offset) near the click wins over the trace's own peak.
    const near = snap && annotationLayout ? snapToAnnotation(annotationLayout, geometry.segments.indexOf(seg), timeAt(seg, x, settings.speed)) : null;
    if (near) {
      const samples = signals.leads[seg.lead].samples;
      const sample = Math.max(0, Math.min(samples.length - 1, Math.round(near.t * signals.fs)));
      p = { lead: seg.lead, sample, t: sample / signals.fs, mv: samples[sample] ?? null };
    }
    setMarks(marks.length >= 2 ? [{ point: p, seg }] : [...marks, { point: p, seg }]);
  };

  const reading = points.length === 2 && signals ? caliperReading(points[0], points[1], signals.fs) : null;
  // Test and accessibility hook: where each segment is, in CSS px relative to the paper.
  const exposed = JSON.stringify({
    pxPerMm,
    zoom,
    speed: settings.speed,
    gain: settings.gain,
    segments: geometry.segments.map((s) => ({ lead: STANDARD_LEADS[s.lead], x: s.x * pxPerMm, baseline: s.baseline * pxPerMm, width: s.width * pxPerMm, t0: s.t0, t1: s.t1 })),
  });

  return (
    <div className="paper-wrap">
      <div className="calipers" data-testid="calipers">
        {points.length === 0 && <span className="muted">Calipers: click two points on a trace{snap ? (annotationLayout ? ' (snaps to annotations and peaks)' : ' (snaps to the nearest peak)') : ''}.</span>}
        {points.length === 1 && <span>Calipers: first point at {(points[0].t * 1000).toFixed(0)} ms, lead {STANDARD_LEADS[points[0].lead]}; click the second.</span>}
        {reading && (
          <span data-testid="caliper-reading" data-ms={reading.ms} data-mv={reading.mv ?? ''}>
            Δt {reading.ms.toFixed(1)} ms{reading.bpm ? ` (${reading.bpm.toFixed(0)} bpm)` : ''} · ΔV {reading.mv === null ? '–' : `${reading.mv.toFixed(3)} mV`}
          </span>
        )}
        <span className="zoom" data-testid="zoom">
          <button onClick={() => zoomTo(zoom / ZOOM_STEP)} disabled={zoom <= 1} data-testid="zoom-out" title="zoom out (or wheel)">
            −
          </button>
          <span data-testid="zoom-level">{Math.round(zoom * 100)}%</span>
          <button onClick={() => zoomTo(zoom * ZOOM_STEP)} data-testid="zoom-in" title="zoom in (or wheel); drag to pan">
            +
          </button>
          <button onClick={() => zoomTo(1)} disabled={zoom === 1} data-testid="zoom-fit">
            fit
          </button>
        </span>
      </div>
      <div className="paper-scroll" ref={scroller} onMouseDown={down} onMouseMove={move} data-testid="paper-scroll">
        <div
          className="paper"
          style={{ width: widthPx, height: heightPx }}
          onClick={click}
          data-testid="paper"
          data-geometry={exposed}
          data-annotations={annotationLayout ? exposeAnnotations(annotationLayout, geometry, pxPerMm) : undefined}
        >
          <canvas ref={canvas} style={{ width: widthPx, height: heightPx }} data-testid="ecg-canvas" />
          {geometry.segments.map((s, i) => (
            <span key={i} className="lead-label" style={{ left: (s.x + 1) * pxPerMm, top: (s.baseline - geometry.rowHeight * 0.5) * pxPerMm }} data-testid="lead-label">
              {STANDARD_LEADS[s.lead]}
            </span>
          ))}
          {marks.map(({ point: p, seg }, i) => {
            const left = (seg.x + (p.t - seg.t0) * settings.speed) * pxPerMm;
            return <div key={i} className="caliper-mark" style={{ left, top: (seg.baseline - geometry.rowHeight * 0.6) * pxPerMm, height: geometry.rowHeight * pxPerMm }} />;
          })}
        </div>
      </div>
    </div>
  );
}
