// ROC and precision-recall curves of one class for a chosen downstream step (its stored test
// predictions), with the operating point of the step's threshold.
import { useEffect, useMemo, useState } from 'react';
import type { Data } from 'plotly.js-basic-dist-min';
import type { ApiClient, Curves, StepSummary } from '../../shared/api.js';
import { ClassSelect, StepSelect } from '../charts/pickers.js';
import { usePlot } from '../charts/usePlot.js';

export function RocPrCharts({ client, run, steps }: { client: ApiClient; run: string; steps: readonly StepSummary[] }) {
  const downstream = steps.filter((s) => s.kind === 'downstream');
  const [step, setStep] = useState(downstream[0]?.name ?? '');
  const [classIndex, setClass] = useState(20);
  const [curves, setCurves] = useState<Curves | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!step) return;
    setError(null);
    client.call('results.curves', { run, step, classIndex }).then(setCurves, (e: Error) => setError(e.message));
  }, [client, run, step, classIndex]);
  const roc = useMemo<Data[] | null>(
    () =>
      curves && [
        { type: 'scatter', mode: 'lines', name: 'ROC', x: curves.roc.fpr, y: curves.roc.tpr, line: { shape: 'linear' } },
        { type: 'scatter', mode: 'lines', name: 'chance', x: [0, 1], y: [0, 1], line: { dash: 'dot', color: '#999' } },
        ...(curves.operating ? [{ type: 'scatter' as const, mode: 'markers' as const, name: `threshold ${curves.threshold.toFixed(3)}`, x: [curves.operating.fpr], y: [curves.operating.tpr], marker: { size: 10, color: '#d62728' } }] : []),
      ],
    [curves],
  );
  const pr = useMemo<Data[] | null>(
    () =>
      curves && [
        { type: 'scatter', mode: 'lines', name: 'PR', x: curves.pr.recall, y: curves.pr.precision, line: { shape: 'hv' } },
        ...(curves.operating?.precision != null ? [{ type: 'scatter' as const, mode: 'markers' as const, name: 'threshold', x: [curves.operating.tpr], y: [curves.operating.precision], marker: { size: 10, color: '#d62728' } }] : []),
      ],
    [curves],
  );
  const rocBox = usePlot(roc, { height: 300, width: 360, title: { text: `ROC · AUROC ${curves?.auroc?.toFixed(3) ?? '–'}` }, xaxis: { title: { text: 'false positive rate' }, range: [-0.01, 1.01] }, yaxis: { title: { text: 'true positive rate' }, range: [0, 1.02] }, showlegend: false });
  const prBox = usePlot(pr, { height: 300, width: 360, title: { text: `PR · AUPRC ${curves?.auprc?.toFixed(3) ?? '–'}` }, xaxis: { title: { text: 'recall' }, range: [0, 1.03] }, yaxis: { title: { text: 'precision' }, range: [0, 1.02] }, showlegend: false });
  if (!downstream.length) return <p className="muted">No finished downstream step yet.</p>;
  return (
    <div data-testid="roc-pr">
      <div className="toolbar">
        <StepSelect steps={downstream} value={step} onChange={setStep} testId="curves-step" />
        <ClassSelect label="Class" value={classIndex} onChange={(i) => setClass(i ?? 0)} testId="curves-class" />
        {curves && (
          <span className="muted" data-testid="curves-counts">
            {curves.positives} positive / {curves.negatives} negative test records
          </span>
        )}
      </div>
      {error && <div className="error">{error}</div>}
      {curves && curves.positives === 0 && <p className="muted">No positive test record of this class: no curve.</p>}
      <div className="charts-row">
        <div ref={rocBox} className="chart" data-testid="roc-chart" />
        <div ref={prBox} className="chart" data-testid="pr-chart" />
      </div>
    </div>
  );
}
