// Predictions: a record and a classifier bundle; the 24 probabilities against the record's labels
// and thresholds, and the occlusion saliency of a chosen class over the waveform the model read.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CLASSES } from '../../shared/classes.js';
import type { ApiClient, ModelInfo, PredictionResult } from '../../shared/api.js';
import type { Layout } from '../viewer/paper.js';
import { ClassSelect, LayoutSelect } from '../charts/pickers.js';
import { ModelPicker } from './ModelPicker.js';
import { OverlayPaper } from './OverlayPaper.js';
import { CanonicalAnnotationList, useCanonicalAnnotations } from './RecordAnnotations.js';
import { ProbabilityTable } from './ProbabilityTable.js';
import { RecordPicker } from './RecordPicker.js';
import type { Overlay } from './overlay-draw.js';

export interface PredictionTarget {
  readonly record: number | null;
  readonly bundle: string;
  readonly classIndex: number | null;
}

export function PredictionsPanel({ client, target, onTarget, models }: { client: ApiClient; target: PredictionTarget; onTarget: (t: PredictionTarget) => void; models?: readonly ModelInfo[] | null }) {
  const { record, bundle, classIndex } = target;
  const [window_, setWindow] = useState(50);
  const [stride, setStride] = useState(25);
  const [baseline, setBaseline] = useState(0);
  const [layout, setLayout] = useState<Layout>('12x1');
  const [result, setResult] = useState<PredictionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [timing, setTiming] = useState<{ api: number; draw: number | null } | null>(null);
  // The result's own record: the marks belong to the row drawn, not to a newer pick still scoring.
  const marks = useCanonicalAnnotations(client, result?.id ?? null);

  useEffect(() => {
    if (record === null || !bundle) return;
    let live = true;
    const t0 = performance.now();
    setError(null);
    setBusy(true);
    const saliency = classIndex !== null ? { classIndex, window: window_, stride, baseline } : undefined;
    client.call('inspect.predict', { id: record, bundle, ...(saliency ? { saliency } : {}) }).then(
      (r) => {
        if (!live) return;
        setResult(r);
        setBusy(false);
        setTiming({ api: performance.now() - t0, draw: null });
      },
      (e: Error) => {
        if (!live) return;
        setBusy(false);
        setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [client, record, bundle, classIndex, window_, stride, baseline]);

  const onDrawn = useCallback((ms: number) => setTiming((t) => (t ? { ...t, draw: ms } : t)), []);
  const s = result?.saliency ?? null;
  // Memoised: a new overlay or lead array would redraw the canvas, whose timing report re-renders this panel.
  const overlay = useMemo<Overlay | null>(
    () => (s && result ? { kind: 'saliency', fs: result.fs, leads: s.leads, scale: Math.max(1e-6, ...s.leads.map((l) => l.reduce((a, v) => Math.max(a, Math.abs(v)), 0))) } : null),
    [s, result],
  );
  const leads = useMemo(() => result?.leads.map((l) => l.samples) ?? [], [result]);
  // A foreign model (ONNX + card) names its own outputs: they come from the API, not from our 24.
  const model = models?.find((m) => m.path === bundle) ?? null;
  const foreignNames = result?.foreign && result.model.path === model?.path ? result.classes.map((c) => c.abbreviation) : (model?.foreign?.classes.map((c) => c.name) ?? null);
  const className = (i: number) => (result?.foreign ? (result.classes[i]?.abbreviation ?? String(i)) : (CLASSES[i]?.abbreviation ?? String(i)));

  return (
    <section data-testid="predictions-view">
      <div className="toolbar">
        <RecordPicker client={client} value={record} onChange={(id) => onTarget({ ...target, record: id })} />
        <ModelPicker client={client} tasks={['probe', 'classifier']} value={bundle} onChange={(b) => onTarget({ ...target, bundle: b })} testId="classifier-model" known={models} />
      </div>
      <div className="toolbar">
        <ClassSelect label="Saliency class" value={classIndex} onChange={(i) => onTarget({ ...target, classIndex: i })} testId="saliency-class" none="none" names={foreignNames} />
        <span className="muted" title="Occlusion: each lead's window is set to the baseline value and the record scored again; a sample's value is the mean probability drop of the windows covering it.">
          occlusion:
        </span>
        <label>
          window <input type="number" min={2} max={1000} value={window_} onChange={(e) => setWindow(Math.max(2, Number(e.target.value) || 50))} style={{ width: 60 }} data-testid="saliency-window" /> {foreignNames ? '× 10 ms (scaled to the model rate)' : 'samples'}
        </label>
        <label>
          stride <input type="number" min={1} max={1000} value={stride} onChange={(e) => setStride(Math.max(1, Number(e.target.value) || 25))} style={{ width: 60 }} />
        </label>
        <label>
          baseline <input type="number" step={0.1} value={baseline} onChange={(e) => setBaseline(Number(e.target.value) || 0)} style={{ width: 60 }} /> {foreignNames ? "in the model's input units" : 'mV'}
        </label>
        <LayoutSelect value={layout} onChange={setLayout} />
        {busy && <span className="muted" data-testid="predict-busy">scoring…</span>}
      </div>
      {error && <div className="error" data-testid="predictions-error">{error}</div>}
      {result && (
        <>
          <div className="status" data-testid="predictions-status" data-record={result.id}>
            <span>
              record #{result.id} · center {result.center}
            </span>
            <span data-testid="thresholds-from">thresholds: {result.thresholdsFrom === 'run' ? "the run step's (chosen on validation)" : result.thresholdsFrom === 'card' ? "the model card's" : '0.5 (model not from a run here)'}</span>
            {result.foreign && (
              <span data-testid="foreign-input" data-model={result.foreign.name}>
                {result.foreign.name} {result.foreign.version}: the record's file at {result.foreign.rate} Hz × {result.foreign.samples} samples ({result.foreign.leads.length} leads){result.foreign.paddedSamples > 0 ? `, last ${result.foreign.paddedSamples} samples zero padding` : ''}
                {result.foreign.warnings.length > 0 ? ` · ${result.foreign.warnings.join('; ')}` : ''}
              </span>
            )}
            {s && (
              <span data-testid="saliency-status" data-class={className(s.classIndex)}>
                saliency of {className(s.classIndex)}: {s.forwards} forward passes in {s.ms.toFixed(0)} ms (red: evidence for, blue: against)
              </span>
            )}
            {timing && (
              <span className="muted" data-testid="predict-timing" data-api-ms={timing.api.toFixed(0)} data-draw-ms={timing.draw?.toFixed(1) ?? ''}>
                API {timing.api.toFixed(0)} ms ({result.engine}) · draw {timing.draw?.toFixed(0) ?? '…'} ms
              </span>
            )}
          </div>
          <CanonicalAnnotationList state={marks} />
          <div className="inspect-body">
            <OverlayPaper fs={result.fs} leads={leads} overlay={overlay} layout={layout} onDrawn={onDrawn} annotations={marks.annotations} hidden={marks.hidden} />
            <aside className="side">
              <ProbabilityTable result={result} chosen={classIndex} onChoose={(c) => onTarget({ ...target, classIndex: c })} />
            </aside>
          </div>
        </>
      )}
    </section>
  );
}
