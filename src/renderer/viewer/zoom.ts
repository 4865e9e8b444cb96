// Zoom and pan of the ECG page, as pure arithmetic. Zoom magnifies the paper itself (CSS px per
// paper mm), never the time or voltage axis alone, so 25 mm/s and 10 mm/mV still hold on the grid
// at any zoom (ECG-DISPLAY.md: "mm" is the grid's own unit). The page then scrolls; the point under
// the pointer stays under it while zooming.

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 6;
/** Each wheel notch or button press multiplies the zoom by this. */
export const ZOOM_STEP = 1.25;
/** Largest canvas we allow, in device pixels (browsers refuse or crawl beyond a few tens of millions). */
export const MAX_CANVAS_PIXELS = 40e6;

/** The zoom clamped to [MIN_ZOOM, MAX_ZOOM] and to what keeps the canvas under MAX_CANVAS_PIXELS. */
export function clampZoom(zoom: number, widthPx: number, heightPx: number, dpr: number): number {
  const area = widthPx * heightPx * dpr * dpr;
  const byArea = area > 0 ? Math.sqrt(MAX_CANVAS_PIXELS / area) : MAX_ZOOM;
  return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, byArea, zoom));
}

/** Zoom after `notches` wheel notches (negative deltaY = in), clamped by the caller. */
export function zoomAfterWheel(zoom: number, deltaY: number): number {
  const notches = Math.max(-3, Math.min(3, -deltaY / 100));
  return zoom * ZOOM_STEP ** notches;
}

export interface Scroll {
  readonly left: number;
  readonly top: number;
}

/**
 * The scroll offsets that keep the paper point under the pointer fixed when the zoom goes from
 * `from` to `to`. `pointer` is the pointer's position in the scroll box's visible area (CSS px).
 */
export function anchoredScroll(scroll: Scroll, pointer: { x: number; y: number }, from: number, to: number): Scroll {
  const k = to / from;
  return { left: Math.max(0, (scroll.left + pointer.x) * k - pointer.x), top: Math.max(0, (scroll.top + pointer.y) * k - pointer.y) };
}

/** Scroll offsets after dragging the paper by (dx, dy) CSS px: the paper follows the pointer. */
export function draggedScroll(start: Scroll, dx: number, dy: number): Scroll {
  return { left: Math.max(0, start.left - dx), top: Math.max(0, start.top - dy) };
}

/** Moves shorter than this (CSS px) are clicks (calipers), longer ones are drags (pan). */
export const DRAG_THRESHOLD = 4;
