// Reconstruction error per patch over time: hidden patches (the ones MAE is scored on) in blue,
// visible ones in grey.
import { useMemo } from 'react';
import type { Data } from 'plotly.js-basic-dist-min';
import { usePlot } from '../charts/usePlot.js';

export function PatchErrorChart({ mse, mask, patchSeconds }: { mse: readonly number[]; mask: readonly number[]; patchSeconds: number }) {
  const data = useMemo<Data[]>(
    () => [
      {
        type: 'bar',
        x: mse.map((_, p) => +((p + 0.5) * patchSeconds).toFixed(3)),
        y: [...mse],
        marker: { color: mask.map((m) => (m ? '#5a8cdc' : '#c8c8c8')) },
        hovertemplate: 'patch at %{x} s: MSE %{y:.4f} mV²<extra></extra>',
      },
    ],
    [mse, mask, patchSeconds],
  );
  const box = usePlot(data, { height: 200, title: { text: 'Error per patch (blue: hidden)' }, xaxis: { title: { text: 's' } }, yaxis: { title: { text: 'MSE mV²' } }, bargap: 0.05 });
  return <div ref={box} className="chart" data-testid="patch-error-chart" />;
}
