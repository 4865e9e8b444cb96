// Results before any experiment run: why the view is empty, the demo models job's progress (or,
// once it is done, its classifier's scores on the test split), and the buttons that start a run.
import { useEffect, useState } from 'react';
import type { ApiClient, EvaluationResults } from '../../shared/api.js';
import { EmptyState } from '../guide/EmptyState.js';
import { DemoModelsStatus, useWorkspaceModels } from '../guide/useDemoModels.js';
import { EvaluationTables } from '../inspect/EvaluationTables.js';

export function NoRuns({ client, onStarted }: { client: ApiClient; onStarted: () => void }) {
  const state = useWorkspaceModels(client);
  const [scores, setScores] = useState<EvaluationResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const demo = state.demoJob;
  useEffect(() => {
    if (demo?.state !== 'done') return;
    client.call('results.evaluation', { id: demo.id }).then(setScores, (e: Error) => setError(e.message));
  }, [client, demo?.id, demo?.state]);
  const start = (experiment: 'lodo' | 'scaling') => {
    setError(null);
    client.call('jobs.start', { experiment, config: 'small-cpu' }).then(onStarted, (e: Error) => setError(e.message));
  };
  return (
    <EmptyState
      testId="results-empty"
      title="No experiment runs yet"
      why="Per-center results (the leave-one-dataset-out heat map, data-scaling curves, ROC and loss curves) come from an experiment run: pre-training, probing and fine-tuning on this workspace's centers, a few minutes per run with the small CPU config."
    >
      <div className="toolbar">
        <button onClick={() => start('lodo')} data-testid="results-start-lodo">
          Start LODO (small-cpu)
        </button>
        <button onClick={() => start('scaling')} data-testid="results-start-scaling">
          Start data scaling (small-cpu)
        </button>
        <span className="muted">or choose another config under Train &amp; jobs</span>
      </div>
      {error && <div className="error">{error}</div>}
      {demo?.state === 'done' ? (
        scores && (
          <section data-testid="demo-scores">
            <h3>The demo classifier on the test split</h3>
            <EvaluationTables results={scores} />
          </section>
        )
      ) : (
        <DemoModelsStatus state={state} />
      )}
    </EmptyState>
  );
}
