// Model inspection: MAE reconstructions, predictions with saliency, the error review that opens
// records in the predictions view, and evaluation of a model on local data. Until the workspace has
// a model, each tab says why it is empty and offers what fills it (the demo models job's progress).
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../shared/api.js';
import { EmptyState } from '../guide/EmptyState.js';
import { DemoModelsStatus, useWorkspaceModels, type WorkspaceModels } from '../guide/useDemoModels.js';
import { ErrorReview } from './ErrorReview.js';
import { EvaluatePanel } from './EvaluatePanel.js';
import { PredictionsPanel, type PredictionTarget } from './PredictionsPanel.js';
import { ReconstructionPanel } from './ReconstructionPanel.js';

export type InspectTab = 'reconstruction' | 'predictions' | 'errors' | 'evaluate';

const TABS: { tab: InspectTab; label: string }[] = [
  { tab: 'reconstruction', label: 'MAE reconstruction' },
  { tab: 'predictions', label: 'Predictions & saliency' },
  { tab: 'errors', label: 'Error review' },
  { tab: 'evaluate', label: 'Evaluate on local data' },
];

export const MAE_TASKS = ['pretrain-mae'] as const;
export const CLASSIFIER_TASKS = ['probe', 'classifier'] as const;

function NoModel({ kind, state, testId }: { kind: 'an MAE' | 'a classifier'; state: WorkspaceModels; testId: string }) {
  return (
    <EmptyState
      testId={testId}
      title={`No ${kind === 'an MAE' ? 'MAE' : 'classifier'} model in this workspace yet`}
      why={`This view needs ${kind} model bundle. Train the demo models, pre-train one under Train & jobs (an experiment leaves one per step), or give a bundle folder made elsewhere (openecg bundle import --torch … writes one).`}
    >
      <DemoModelsStatus state={state} />
    </EmptyState>
  );
}

export function InspectView({ client, initialRecord }: { client: ApiClient; initialRecord: number | null }) {
  const [tab, setTab] = useState<InspectTab>('reconstruction');
  const [reconRecord, setReconRecord] = useState<number | null>(initialRecord);
  const [target, setTarget] = useState<PredictionTarget>({ record: initialRecord, bundle: '', classIndex: null });
  const state = useWorkspaceModels(client);
  const has = (tasks: readonly string[]) => state.models?.some((m) => tasks.includes(m.task)) ?? false;

  // Nothing chosen yet: the first record of the catalog, so the views show something without a click.
  useEffect(() => {
    if (initialRecord !== null) return;
    client.call('catalog.query', { filter: {}, page: { limit: 1 } }).then((p) => {
      const first = p.rows[0]?.id;
      if (first === undefined) return;
      setReconRecord((r) => r ?? first);
      setTarget((t) => (t.record === null ? { ...t, record: first } : t));
    }, () => undefined);
  }, [client, initialRecord]);

  const needs = (tasks: readonly string[]) => state.models !== null && !has(tasks);
  return (
    <section className="inspect" data-testid="inspect-view">
      <nav className="tabs">
        {TABS.map((t) => (
          <button key={t.tab} className={tab === t.tab ? 'active' : ''} onClick={() => setTab(t.tab)} data-testid={`tab-${t.tab}`}>
            {t.label}
          </button>
        ))}
      </nav>
      {tab === 'reconstruction' &&
        (needs(MAE_TASKS) ? <NoModel kind="an MAE" state={state} testId="inspect-empty-mae" /> : <ReconstructionPanel client={client} record={reconRecord} onRecord={setReconRecord} models={state.models} />)}
      {tab === 'predictions' &&
        (needs(CLASSIFIER_TASKS) ? <NoModel kind="a classifier" state={state} testId="inspect-empty-classifier" /> : <PredictionsPanel client={client} target={target} onTarget={setTarget} models={state.models} />)}
      {tab === 'errors' && (
        <ErrorReview
          client={client}
          onOpen={(record, bundle, classIndex) => {
            setTarget({ record, bundle, classIndex });
            setTab('predictions');
          }}
        />
      )}
      {tab === 'evaluate' && (needs(CLASSIFIER_TASKS) ? <NoModel kind="a classifier" state={state} testId="inspect-empty-evaluate" /> : <EvaluatePanel client={client} />)}
    </section>
  );
}
