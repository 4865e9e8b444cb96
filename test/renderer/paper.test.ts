// ECG paper geometry and drawing, without a browser: layouts, the calibration pulse, where a
// sample lands on the paper, and calipers mapping a click back to the sample.
import { describe, expect, it } from 'vitest';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { drawPaper, type Pen } from '../../src/renderer/viewer/draw.js';
import { caliperPoint, caliperReading, layoutPaper, segmentAt } from '../../src/renderer/viewer/paper.js';

/** A Pen that records line segments (in canvas px). */
function recorder() {
  const lines: [number, number, number, number][] = [];
  let at: [number, number] = [0, 0];
  const pen: Pen & { lines: typeof lines } = {
    lines,
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    lineJoin: 'miter',
    setTransform() {},
    fillRect() {},
    beginPath() {},
    stroke() {},
    moveTo(x, y) {
      at = [x, y];
    },
    lineTo(x, y) {
      lines.push([at[0], at[1], x, y]);
      at = [x, y];
    },
  };
  return pen;
}

describe('layouts', () => {
  it('3x4 + rhythm: columns of 2.5 s in the standard order, then lead II over 10 s', () => {
    const g = layoutPaper({ layout: '3x4', speed: 25, gain: 10, seconds: 10 });
    expect(g.rows).toBe(4);
    const row0 = g.segments.filter((s) => s.row === 0).map((s) => STANDARD_LEADS[s.lead]);
    expect(row0).toEqual(['I', 'aVR', 'V1', 'V4']);
    const col3 = g.segments.filter((s) => s.t0 === 7.5).map((s) => STANDARD_LEADS[s.lead]);
    expect(col3).toEqual(['V4', 'V5', 'V6']);
    const rhythm = g.segments.find((s) => s.row === 3)!;
    expect([STANDARD_LEADS[rhythm.lead], rhythm.t0, rhythm.t1, rhythm.width]).toEqual(['II', 0, 10, 250]);
    // 2.5 s at 25 mm/s is 62.5 mm per column.
    expect(g.segments[3].x - g.segments[0].x).toBe(62.5);
  });

  it('6x2 and 12x1 show every lead once; speed and gain scale the page', () => {
    for (const layout of ['6x2', '12x1'] as const) {
      const g = layoutPaper({ layout, speed: 25, gain: 10, seconds: 10 });
      expect(g.segments.map((s) => s.lead).sort((a, b) => a - b)).toEqual(STANDARD_LEADS.map((_, i) => i));
    }
    const slow = layoutPaper({ layout: '12x1', speed: 25, gain: 10, seconds: 10 });
    const fast = layoutPaper({ layout: '12x1', speed: 50, gain: 20, seconds: 10 });
    expect(fast.segments[0].width).toBe(2 * slow.segments[0].width);
    expect(fast.rowHeight).toBe(2 * slow.rowHeight);
  });
});

describe('drawing', () => {
  it('calibration pulse is 10 mm high and 5 mm wide at 10 mm/mV, 25 mm/s; a 1 mV sample sits 10 mm above baseline', () => {
    const s = { layout: '12x1' as const, speed: 25, gain: 10, seconds: 10 };
    const g = layoutPaper(s);
    const pen = recorder();
    const px = 4;
    const leads = STANDARD_LEADS.map(() => Array.from({ length: 5000 }, (_, i) => (i === 1000 ? 1 : 0)));
    drawPaper(pen, g, s, { fs: 500, leads }, px, 1);
    const base = g.segments[0].baseline * px;
    // The pulse: a vertical rise of 10 mm from the first row's baseline, then 5 mm across.
    const rise = pen.lines.find(([x1, y1, x2, y2]) => x1 === x2 && y1 === base && Math.abs(y1 - y2 - 10 * px) < 1e-9);
    expect(rise).toBeDefined();
    const top = pen.lines.find(([x1, y1, x2, y2]) => y1 === y2 && y1 === base - 10 * px && Math.abs(x2 - x1 - 5 * px) < 1e-9);
    expect(top).toBeDefined();
    // Sample 1000 = 2 s = 50 mm after the trace start, 10 mm up.
    const peakX = (g.segments[0].x + 50) * px;
    expect(pen.lines.some(([, , x2, y2]) => Math.abs(x2 - peakX) < 1e-9 && Math.abs(y2 - (base - 10 * px)) < 1e-9)).toBe(true);
  });
});

describe('calipers', () => {
  const s = { layout: '3x4' as const, speed: 25, gain: 10, seconds: 10 };
  const g = layoutPaper(s);
  const samples = Array.from({ length: 5000 }, (_, i) => (i === 500 ? 1.5 : i === 900 ? 1.0 : 0));

  it('a click maps to its segment and time; snapping finds the peak within 1 mm', () => {
    const seg = segmentAt(g, g.segments[1].x + 25, g.segments[1].baseline)!;
    expect(STANDARD_LEADS[seg.lead]).toBe('II');
    // 1 s after the segment start = 25 mm; 0.6 mm off the peak.
    const a = caliperPoint(seg, seg.x + 25 + 0.6, 25, 500, samples, true);
    expect(a).toMatchObject({ sample: 500, mv: 1.5 });
    const b = caliperPoint(seg, seg.x + 45 - 0.6, 25, 500, samples, true);
    expect(b).toMatchObject({ sample: 900, mv: 1.0 });
    expect(caliperReading(a, b, 500)).toEqual({ ms: 800, bpm: 75, mv: -0.5 });
    // Without snapping, the nearest sample in time: 0.6 mm = 24 ms = 12 samples late.
    expect(caliperPoint(seg, seg.x + 25 + 0.6, 25, 500, samples, false).sample).toBe(512);
  });

  it('no segment outside the traces', () => {
    expect(segmentAt(g, 1, 5)).toBeUndefined();
    expect(segmentAt(g, 100, g.height + 5)).toBeUndefined();
  });
});
