// The viewer's short-record display: the record info text and the hatched padded stretch.
import { describe, expect, it } from 'vitest';
import { drawPadding, paddedFrom, paddingText } from '../../src/renderer/viewer/padding.js';
import { layoutPaper } from '../../src/renderer/viewer/paper.js';
import type { Pen } from '../../src/renderer/viewer/draw.js';

/** A Pen that records filled rectangles and line segments (mm after dividing by k). */
function recordingPen() {
  const rects: [number, number, number, number][] = [];
  const lines: [number, number, number, number][] = [];
  let at: [number, number] = [0, 0];
  const pen: Pen = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    lineJoin: 'round',
    setTransform: () => undefined,
    fillRect: (x, y, w, h) => void rects.push([x, y, w, h]),
    beginPath: () => undefined,
    moveTo: (x, y) => void (at = [x, y]),
    lineTo: (x, y) => void lines.push([at[0], at[1], x, y]),
    stroke: () => undefined,
  };
  return { pen, rects, lines };
}

describe('short records in the viewer', () => {
  it('say "7.3 s, padded to 10 s" and nothing for a full window', () => {
    expect(paddingText({ durationS: 7.3, paddedS: 2.7 })).toBe('7.3 s, padded to 10 s');
    expect(paddingText({ durationS: 5, paddedS: 5 })).toBe('5 s, padded to 10 s');
    expect(paddingText({ durationS: 10.2, paddedS: 0 })).toBeNull();
  });

  it('find the padded samples only on the canonical page', () => {
    const canonical = { source: 'canonical' as const, fs: 100, from: 0, to: 1000, totalLen: 1000 };
    expect(paddedFrom({ paddedS: 2.7 }, canonical)).toBe(730);
    expect(paddedFrom({ paddedS: 2.7 }, { ...canonical, from: 800, to: 1000 })).toBe(0);
    expect(paddedFrom({ paddedS: 2.7 }, { ...canonical, from: 0, to: 700 })).toBeNull();
    expect(paddedFrom({ paddedS: 2.7 }, { ...canonical, source: 'raw' })).toBeNull();
    expect(paddedFrom({ paddedS: 0 }, canonical)).toBeNull();
  });

  it('shade and hatch exactly the padded part of each segment', () => {
    const settings = { layout: '12x1' as const, speed: 25, gain: 10, seconds: 10 };
    const g = layoutPaper(settings);
    const { pen, rects, lines } = recordingPen();
    drawPadding(pen, g, settings, 100, 730, 1, 1);
    expect(rects).toHaveLength(g.segments.length);
    for (const [i, seg] of g.segments.entries()) {
      const [x, , w] = rects[i];
      expect(x).toBeCloseTo(seg.x + 7.3 * 25, 6);
      expect(x + w).toBeCloseTo(seg.x + 10 * 25, 6);
    }
    expect(lines.length).toBeGreaterThan(g.segments.length);
    // Every hatch line stays inside the padded stretch.
    const left = Math.min(...rects.map((r) => r[0]));
    expect(lines.every(([x0, , x1]) => Math.min(x0, x1) >= left - 1e-9)).toBe(true);
  });
});
