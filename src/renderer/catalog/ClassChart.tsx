// Records per class, stacked by center: plotly (basic bundle), loaded only when the chart is shown.
import { useEffect, useRef } from 'react';
import { CLASSES } from '../../shared/classes.js';
import type { CatalogSummary } from '../../shared/api.js';

export function ClassChart({ summary }: { summary: CatalogSummary }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    const el = box.current;
    void import('plotly.js-basic-dist-min').then((mod) => {
      if (cancelled || !el) return;
      const Plotly = mod.default;
      const classes = CLASSES.filter((c) => (summary.per_class[c.abbreviation] ?? 0) > 0);
      const traces = summary.centers.map((center) => ({
        type: 'bar' as const,
        name: center.center,
        x: classes.map((c) => c.abbreviation),
        y: classes.map((c) => center.per_class[c.abbreviation] ?? 0),
        hovertext: classes.map((c) => c.name),
      }));
      void Plotly.newPlot(el, traces, {
        barmode: 'stack',
        height: 320,
        margin: { l: 50, r: 10, t: 30, b: 60 },
        title: { text: 'Records per class, by center' },
        yaxis: { title: { text: 'records' } },
        legend: { orientation: 'h', y: -0.25 },
      }, { displayModeBar: false, responsive: true });
    });
    return () => {
      cancelled = true;
      if (el) void import('plotly.js-basic-dist-min').then((mod) => mod.default.purge(el));
    };
  }, [summary]);
  return <div ref={box} className="class-chart" data-testid="class-chart" />;
}
