// Model inspection: MAE reconstructions, predictions with saliency, the error review that opens
// records in the predictions view, and evaluation of a model on local data.
import { useState } from 'react';
import type { ApiClient } from '../../shared/api.js';
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

export function InspectView({ client, initialRecord }: { client: ApiClient; initialRecord: number | null }) {
  const [tab, setTab] = useState<InspectTab>('reconstruction');
  const [reconRecord, setReconRecord] = useState<number | null>(initialRecord);
  const [target, setTarget] = useState<PredictionTarget>({ record: initialRecord, bundle: '', classIndex: null });

  return (
    <section className="inspect" data-testid="inspect-view">
      <nav className="tabs">
        {TABS.map((t) => (
          <button key={t.tab} className={tab === t.tab ? 'active' : ''} onClick={() => setTab(t.tab)} data-testid={`tab-${t.tab}`}>
            {t.label}
          </button>
        ))}
      </nav>
      {tab === 'reconstruction' && <ReconstructionPanel client={client} record={reconRecord} onRecord={setReconRecord} />}
      {tab === 'predictions' && <PredictionsPanel client={client} target={target} onTarget={setTarget} />}
      {tab === 'errors' && (
        <ErrorReview
          client={client}
          onOpen={(record, bundle, classIndex) => {
            setTarget({ record, bundle, classIndex });
            setTab('predictions');
          }}
        />
      )}
      {tab === 'evaluate' && <EvaluatePanel client={client} />}
    </section>
  );
}
