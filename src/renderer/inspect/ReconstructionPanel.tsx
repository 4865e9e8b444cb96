// MAE reconstruction: a record and an MAE bundle; the record (black) and the reconstruction (red)
// on the ECG grid with the hidden patches shaded, per-lead and per-patch error, mask ratio and
// seed, a new mask on demand, and whether the record's center was in the pre-training pool.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiClient, ModelInfo, ReconstructionResult } from '../../shared/api.js';
import type { Layout } from '../viewer/paper.js';
import { LayoutSelect } from '../charts/pickers.js';
import { ModelPicker } from './ModelPicker.js';
import { OverlayPaper } from './OverlayPaper.js';
import { CanonicalAnnotationList, useCanonicalAnnotations } from './RecordAnnotations.js';
import { PatchErrorChart } from './PatchErrorChart.js';
import { RecordPicker } from './RecordPicker.js';
import { RecordPredictions } from './RecordPredictions.js';
import type { Overlay } from './overlay-draw.js';

export function ReconstructionPanel({ client, record, onRecord, models }: { client: ApiClient; record: number | null; onRecord: (id: number) => void; models?: readonly ModelInfo[] | null }) {
  const [bundle, setBundle] = useState('');
  const [ratio, setRatio] = useState<number | null>(null);
  const [seed, setSeed] = useState(1);
  const [everywhere, setEverywhere] = useState(false);
  const [layout, setLayout] = useState<Layout>('12x1');
  const [result, setResult] = useState<ReconstructionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [timing, setTiming] = useState<{ api: number; draw: number | null } | null>(null);
  // The result's own record: the marks belong to the row drawn, not to a newer pick still scoring.
  const marks = useCanonicalAnnotations(client, result?.id ?? null);

  useEffect(() => {
    if (record === null || !bundle) return;
    let live = true;
    const t0 = performance.now();
    setError(null);
    client.call('inspect.reconstruct', { id: record, bundle, seed, ...(ratio !== null ? { maskRatio: ratio } : {}) }).then(
      (r) => {
        if (!live) return;
        setResult(r);
        setTiming({ api: performance.now() - t0, draw: null });
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, record, bundle, seed, ratio]);

  const onDrawn = useCallback((ms: number) => setTiming((t) => (t ? { ...t, draw: ms } : t)), []);
  // Memoised: a new overlay or lead array would redraw the canvas, whose timing report re-renders this panel.
  const overlay = useMemo<Overlay | null>(
    () => (result ? { kind: 'patches', fs: result.fs, patchSamples: result.patchSamples, mask: result.mask, reconstruction: result.leads.map((l) => l.reconstruction), everywhere } : null),
    [result, everywhere],
  );
  const leads = useMemo(() => result?.leads.map((l) => l.original) ?? [], [result]);
  const hidden = result ? result.mask.filter((m) => m === 1).length : 0;

  return (
    <section data-testid="reconstruction-view">
      <div className="toolbar">
        <RecordPicker client={client} value={record} onChange={onRecord} />
        <ModelPicker client={client} tasks={['pretrain-mae']} value={bundle} onChange={setBundle} testId="mae-model" known={models} />
      </div>
      <div className="toolbar">
        <label>
          Mask ratio{' '}
          <input type="range" min={0.1} max={0.9} step={0.05} value={ratio ?? result?.maskRatio ?? 0.75} onChange={(e) => setRatio(Number(e.target.value))} data-testid="mask-ratio" />
          <span data-testid="mask-ratio-value">{(ratio ?? result?.maskRatio ?? 0.75).toFixed(2)}</span>
        </label>
        <label>
          Mask seed <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} style={{ width: 70 }} data-testid="mask-seed" />
        </label>
        <button onClick={() => setSeed((s) => s + 1 + Math.floor(Math.random() * 1000))} data-testid="new-mask">
          New mask
        </button>
        <label>
          <input type="checkbox" checked={everywhere} onChange={(e) => setEverywhere(e.target.checked)} /> reconstruction on visible patches too
        </label>
        <LayoutSelect value={layout} onChange={setLayout} />
      </div>
      {error && <div className="error" data-testid="reconstruction-error">{error}</div>}
      {result && (
        <>
          <div className="status" data-testid="reconstruction-status">
            <span>
              record #{result.id} · center <strong data-testid="recon-center">{result.center}</strong>
            </span>
            <span data-testid="center-in-pool" data-in-pool={String(result.centerInPool)} className={result.centerInPool === false ? 'badge unseen' : 'badge'}>
              {result.centerInPool === null ? 'pre-training pool unknown' : result.centerInPool ? 'center was in the pre-training pool' : 'center NOT seen in pre-training'}
            </span>
            <span data-testid="hidden-patches">
              {hidden}/{result.mask.length} patches hidden (ratio {result.maskRatio.toFixed(2)}, seed {result.seed})
            </span>
            <span data-testid="masked-mse">hidden-patch MSE {result.maskedMse === null ? '–' : result.maskedMse.toFixed(4)} mV²</span>
            {timing && (
              <span className="muted" data-testid="recon-timing" data-api-ms={timing.api.toFixed(0)} data-draw-ms={timing.draw?.toFixed(1) ?? ''}>
                API {timing.api.toFixed(0)} ms (model {result.ms.toFixed(0)} ms, {result.engine}) · draw {timing.draw?.toFixed(0) ?? '…'} ms
              </span>
            )}
          </div>
          <CanonicalAnnotationList state={marks} />
          <div className="inspect-body">
            <OverlayPaper fs={result.fs} leads={leads} overlay={overlay} layout={layout} onDrawn={onDrawn} annotations={marks.annotations} hidden={marks.hidden} />
            <aside className="side">
              <h3>Error per lead (hidden samples)</h3>
              <table className="compact" data-testid="lead-errors">
                <tbody>
                  {result.leads.map((l) => (
                    <tr key={l.lead} data-testid="lead-error" data-lead={l.lead}>
                      <td>{l.lead}</td>
                      <td>{l.mse === null ? '–' : l.mse.toFixed(4)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted legend">
                <span className="swatch hidden" /> hidden patch · <span className="swatch recon" /> reconstruction
              </p>
              {models && <RecordPredictions client={client} record={result.id} models={models} />}
            </aside>
          </div>
          <PatchErrorChart mse={result.patchMse} mask={result.mask} patchSeconds={result.patchSamples / result.fs} />
        </>
      )}
    </section>
  );
}
