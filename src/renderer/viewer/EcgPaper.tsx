// The 12-lead page: canvas for grid and traces, DOM lead labels on top, calipers from two clicks.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { STANDARD_LEADS } from '../../shared/leads.js';
import type { Signals } from '../../shared/api.js';
import { drawPaper, type Pen } from './draw.js';
import { caliperPoint, caliperReading, layoutPaper, segmentAt, type CaliperPoint, type PaperSettings, type Segment } from './paper.js';

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
}

export function EcgPaper({ signals, settings, pxPerMm, snap, onDrawn }: EcgPaperProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const geometry = useMemo(() => layoutPaper(settings), [settings]);
  const [marks, setMarks] = useState<Mark[]>([]);
  const points = marks.map((m) => m.point);
  const widthPx = Math.ceil(geometry.width * pxPerMm);
  const heightPx = Math.ceil(geometry.height * pxPerMm);

  useEffect(() => setMarks([]), [signals, settings]);

  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = Math.ceil(widthPx * dpr);
    el.height = Math.ceil(heightPx * dpr);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const data = signals ? { fs: signals.fs, leads: signals.leads.map((l) => l.samples) } : null;
    const t0 = performance.now();
    drawPaper(ctx as unknown as Pen, geometry, settings, data, pxPerMm, dpr);
    // Canvas commands are queued; reading one pixel makes the browser rasterise them now, so the
    // time measured is the real drawing time.
    ctx.getImageData(0, 0, 1, 1);
    const ms = performance.now() - t0;
    el.dataset.drawMs = ms.toFixed(1);
    onDrawn?.(ms);
  }, [signals, geometry, settings, pxPerMm, widthPx, heightPx, onDrawn]);

  const click = (e: React.MouseEvent<HTMLDivElement>) => {
    if (!signals) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - rect.left) / pxPerMm;
    const y = (e.clientY - rect.top) / pxPerMm;
    const seg = segmentAt(geometry, x, y);
    if (!seg) return;
    const p = caliperPoint(seg, x, settings.speed, signals.fs, signals.leads[seg.lead].samples, snap);
    setMarks(marks.length >= 2 ? [{ point: p, seg }] : [...marks, { point: p, seg }]);
  };

  const reading = points.length === 2 && signals ? caliperReading(points[0], points[1], signals.fs) : null;
  // Test and accessibility hook: where each segment is, in CSS px relative to the paper.
  const exposed = JSON.stringify({
    pxPerMm,
    speed: settings.speed,
    gain: settings.gain,
    segments: geometry.segments.map((s) => ({ lead: STANDARD_LEADS[s.lead], x: s.x * pxPerMm, baseline: s.baseline * pxPerMm, width: s.width * pxPerMm, t0: s.t0, t1: s.t1 })),
  });

  return (
    <div className="paper-wrap">
      <div className="calipers" data-testid="calipers">
        {points.length === 0 && <span className="muted">Calipers: click two points on a trace{snap ? ' (snaps to the nearest peak)' : ''}.</span>}
        {points.length === 1 && <span>Calipers: first point at {(points[0].t * 1000).toFixed(0)} ms, lead {STANDARD_LEADS[points[0].lead]}; click the second.</span>}
        {reading && (
          <span data-testid="caliper-reading" data-ms={reading.ms} data-mv={reading.mv ?? ''}>
            Δt {reading.ms.toFixed(1)} ms{reading.bpm ? ` (${reading.bpm.toFixed(0)} bpm)` : ''} · ΔV {reading.mv === null ? '–' : `${reading.mv.toFixed(3)} mV`}
          </span>
        )}
      </div>
      <div className="paper" style={{ width: widthPx, height: heightPx }} onClick={click} data-testid="paper" data-geometry={exposed}>
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
  );
}
