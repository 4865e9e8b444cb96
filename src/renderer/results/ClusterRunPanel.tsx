// A PyTorch cluster run (docs/cluster.md) in the results view: the loss curve of each training
// folder from its metrics.jsonl (results.cluster), the newest step's figures, and the command that
// brings a finished checkpoint back as a bundle.
import { useMemo, useState } from 'react';
import type { Data } from 'plotly.js-basic-dist-min';
import type { ApiClient, ClusterResults, ClusterTraining } from '../../shared/api.js';
import { usePlot } from '../charts/usePlot.js';

const fmt = (v: number | null, digits = 4) => (v === null ? '—' : Number(v.toPrecision(digits)).toString());

function TrainingCurve({ t }: { t: ClusterTraining }) {
  const data = useMemo<Data[]>(() => [{ type: 'scatter', mode: 'lines+markers', name: t.name, x: t.steps, y: t.loss, marker: { size: 4 } }], [t]);
  const box = usePlot(data, { height: 260, title: { text: `${t.name}: loss per step` }, xaxis: { title: { text: 'step' } }, yaxis: { title: { text: 'loss' } }, showlegend: false });
  const last = t.last;
  return (
    <div className="cluster-training" data-testid="cluster-training" data-name={t.name} data-points={t.steps.length}>
      <div ref={box} className="chart" data-testid="cluster-loss" />
      {last && (
        <p className="muted" data-testid="cluster-last">
          step {last.step}/{last.totalSteps} · epoch {fmt(last.epoch, 3)} · loss {fmt(last.loss)} · lr {fmt(last.lr, 3)} · {fmt(last.samplesPerSecond, 4)} samples/s · {fmt(last.seconds, 3)} s/step · {last.worldSize} rank{last.worldSize === 1 ? '' : 's'}
          {t.partialLine && ' · a step is being written'}
        </p>
      )}
      {t.checkpoint ? (
        <p data-testid="cluster-import-hint">
          Checkpoint present{t.onnx.length ? ` (ONNX: ${t.onnx.join(', ')})` : ''}. Bring it back as a model bundle:{' '}
          <code>
            openecg bundle import --torch {t.folder}/checkpoint.safetensors --out &lt;bundle&gt;
          </code>
        </p>
      ) : (
        <p className="muted">No checkpoint.safetensors yet.</p>
      )}
    </div>
  );
}

export function ClusterRunPanel({ client }: { client: ApiClient }) {
  const [folder, setFolder] = useState('');
  const [result, setResult] = useState<ClusterResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = () => {
    setBusy(true);
    setError(null);
    client.call('results.cluster', { folder: folder.trim() }).then(
      (r) => {
        setResult(r);
        setBusy(false);
      },
      (e: Error) => {
        setResult(null);
        setError(e.message);
        setBusy(false);
      },
    );
  };
  return (
    <section data-testid="cluster-run-panel">
      <h2>Cluster run</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (folder.trim()) open();
        }}
      >
        <label>
          Run folder <input value={folder} onChange={(e) => setFolder(e.target.value)} size={50} placeholder="RUN of openecg cluster plan, or RUN/out/pretrain-m0" data-testid="cluster-folder" />
        </label>
        <button type="submit" disabled={busy || !folder.trim()} data-testid="cluster-open">
          {result ? 'Reload' : 'Open'}
        </button>
      </form>
      {error && (
        <div className="error" data-testid="cluster-error">
          {error}
        </div>
      )}
      {result && (
        <div data-testid="cluster-trainings" data-count={result.trainings.length}>
          {result.trainings.map((t) => (
            <TrainingCurve key={t.folder} t={t} />
          ))}
        </div>
      )}
    </section>
  );
}
