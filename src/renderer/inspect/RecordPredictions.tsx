// The 24 probabilities of the record on screen by the workspace's first classifier: shown beside
// the MAE reconstruction, so one view holds both things the demo is for.
import { useEffect, useState } from 'react';
import type { ApiClient, ModelInfo, PredictionResult } from '../../shared/api.js';
import { ProbabilityTable } from './ProbabilityTable.js';

export function RecordPredictions({ client, record, models }: { client: ApiClient; record: number; models: readonly ModelInfo[] }) {
  const classifier = models.find((m) => m.task === 'probe' || m.task === 'classifier') ?? null;
  const [result, setResult] = useState<PredictionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!classifier) return;
    let live = true;
    setError(null);
    client.call('inspect.predict', { id: record, bundle: classifier.path }).then(
      (r) => live && setResult(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, record, classifier?.path]); // the model object changes on every poll; its path is what matters
  if (!classifier) return <p className="muted" data-testid="record-predictions-none">No classifier yet: its predictions of this record will show here.</p>;
  return (
    <div data-testid="record-predictions" data-model={classifier.path}>
      <h3>Predictions of this record</h3>
      <p className="muted">
        {classifier.task} · {classifier.source ?? classifier.path}
      </p>
      {error && <div className="error">{error}</div>}
      {result && result.id === record && <ProbabilityTable result={result} chosen={null} />}
    </div>
  );
}
