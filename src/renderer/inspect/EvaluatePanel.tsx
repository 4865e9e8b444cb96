// Evaluate a model on local data (the hospital-site flow): a bundle made elsewhere, a local folder
// imported through the usual adapters as a center of this workspace, the scoring as a job, then
// per-class and per-center results. Or score the test split of centers already imported.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, EvaluationResults, JobSummary, SystemInfo } from '../../shared/api.js';
import { NameSelect } from '../charts/pickers.js';
import { EvaluationTables } from './EvaluationTables.js';
import { ModelPicker } from './ModelPicker.js';

const ACTIVE = new Set(['queued', 'running']);

export function EvaluatePanel({ client }: { client: ApiClient }) {
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [configs, setConfigs] = useState<string[]>(['small-cpu']);
  const [evaluations, setEvaluations] = useState<JobSummary[]>([]);
  const [bundle, setBundle] = useState('');
  const [folder, setFolder] = useState('');
  const [center, setCenter] = useState('Local site');
  const [dataset, setDataset] = useState('');
  const [config, setConfig] = useState('small-cpu');
  const [job, setJob] = useState<number | null>(null);
  const [results, setResults] = useState<EvaluationResults | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(
    () =>
      client.call('jobs.list', {}).then((l) => {
        setConfigs(l.configs);
        setEvaluations(l.jobs.filter((j) => j.kind === 'evaluate'));
      }, (e: Error) => setError(e.message)),
    [client],
  );
  useEffect(() => {
    client.call('system.info', {}).then(setInfo, (e: Error) => setError(e.message));
    void refresh();
  }, [client, refresh]);
  const current = evaluations.find((j) => j.id === job) ?? null;
  const running = current !== null && ACTIVE.has(current.state);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void refresh(), 1000);
    return () => clearInterval(t);
  }, [running, refresh]);
  useEffect(() => {
    if (job === null || running) return;
    client.call('results.evaluation', { id: job }).then(setResults, (e: Error) => setError(e.message));
  }, [client, job, running, current?.state]);

  const chooseFolder = () => client.call('dialog.chooseFolder', { purpose: 'data' }).then((r) => r.folder && setFolder(r.folder), (e: Error) => setError(e.message));
  const start = () => {
    setError(null);
    setResults(null);
    client
      .call('jobs.submit', { kind: 'evaluate', config, bundle, ...(folder.trim() ? { folder: folder.trim(), center: center.trim(), ...(dataset ? { dataset } : {}) } : {}) })
      .then((j) => {
        setJob(j.id);
        return refresh();
      }, (e: Error) => setError(e.message));
  };

  return (
    <section data-testid="evaluate-view">
      <p className="muted">
        Score a classifier bundle, made here or elsewhere, on this site's records, all offline. With a folder, its records are imported first (as the center named
        below, through the usual format adapters) and every one is scored at thresholds 0.5; without, the test split of the imported centers is scored with
        thresholds chosen on their validation split.
      </p>
      <div className="toolbar">
        <ModelPicker client={client} tasks={['probe', 'classifier']} value={bundle} onChange={setBundle} testId="eval-model" />
      </div>
      <div className="toolbar">
        <label>
          Local folder <input value={folder} onChange={(e) => setFolder(e.target.value)} size={40} placeholder="/path/to/records (optional)" data-testid="eval-folder" />
        </label>
        {info?.capabilities.nativeDialogs && <button onClick={() => void chooseFolder()}>Choose…</button>}
        <label>
          as center <input value={center} onChange={(e) => setCenter(e.target.value)} size={14} data-testid="eval-center-name" />
        </label>
        <label>
          layout{' '}
          <select value={dataset} onChange={(e) => setDataset(e.target.value)} data-testid="eval-dataset">
            <option value="">detect</option>
            {(info?.importDatasets ?? []).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <NameSelect label="settings" names={configs} value={config} onChange={setConfig} testId="eval-config" />
        <button onClick={start} disabled={!bundle || running} data-testid="eval-start">
          Run evaluation
        </button>
        <label>
          or show{' '}
          <select value={job ?? ''} onChange={(e) => setJob(e.target.value ? Number(e.target.value) : null)} data-testid="eval-job">
            <option value="">an earlier evaluation…</option>
            {evaluations.map((j) => (
              <option key={j.id} value={j.id}>
                job {j.id} · {j.state}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <div className="error" data-testid="eval-error">{error}</div>}
      {current && (
        <div className="import-job" data-testid="eval-progress" data-state={current.state}>
          <span>job {current.id}</span>
          <progress max={100} value={Math.round(current.progress * 100)} />
          <span>{current.state}</span>
          <span className="muted">{current.error ?? current.message ?? ''}</span>
        </div>
      )}
      {results && <EvaluationTables results={results} />}
    </section>
  );
}
