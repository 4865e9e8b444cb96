// A plotly chart in a div (the basic bundle, loaded on demand like the catalog's chart): redrawn
// with Plotly.react when the data change, purged on unmount. Reports how long the drawing took.
import { useEffect, useRef } from 'react';
import type { Config, Data, Layout } from 'plotly.js-basic-dist-min';

export function usePlot(data: Data[] | null, layout: Partial<Layout>, onDrawn?: (ms: number) => void) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !data) return;
    let live = true;
    const t0 = performance.now();
    void import('plotly.js-basic-dist-min').then(async (mod) => {
      if (!live) return;
      const config: Partial<Config> = { displayModeBar: false, responsive: true };
      await mod.default.react(el, data, { margin: { l: 50, r: 10, t: 30, b: 40 }, ...layout }, config);
      const ms = performance.now() - t0;
      el.dataset.drawMs = ms.toFixed(1);
      onDrawn?.(ms);
    });
    return () => {
      live = false;
    };
    // layout is a fresh object per render; the data decide when to redraw.
  }, [data]);
  useEffect(() => {
    const el = box.current;
    // Plotly's `responsive` follows the window only; a panel that narrows (two runs side by side) must
    // resize it too (the width only: the layout's height stays).
    const watch =
      el && typeof ResizeObserver !== 'undefined'
        ? new ResizeObserver(() => {
            if (!el.dataset.drawMs || el.clientWidth === 0) return;
            void import('plotly.js-basic-dist-min').then((mod) => mod.default.relayout(el, { width: el.clientWidth }));
          })
        : null;
    if (el) watch?.observe(el);
    return () => {
      watch?.disconnect();
      if (el) void import('plotly.js-basic-dist-min').then((mod) => mod.default.purge(el));
    };
  }, []);
  return box;
}
