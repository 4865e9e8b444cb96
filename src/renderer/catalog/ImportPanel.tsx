// Import started from the UI: a folder (typed, or chosen in a native dialog where the front end
// has one), the dataset layout (detected by default), then the job's progress with rate and ETA
// and the per-record errors the catalog keeps. The catalog view refreshes when the job ends.
import { useEffect, useState } from 'react';
import type { ApiClient, ImportJob, SystemInfo } from '../../shared/api.js';

const POLL_MS = 300;
const FINISHED = new Set<ImportJob['state']>(['done', 'failed', 'cancelled']);

function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function ImportPanel({ client, info, onFinished }: { client: ApiClient; info: SystemInfo; onFinished: (job: ImportJob) => void }) {
  const [folder, setFolder] = useState('');
  const [dataset, setDataset] = useState('');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = job !== null && !FINISHED.has(job.state);
  // Open by default on an empty workspace, where importing is the only thing to do.
  const [open, setOpen] = useState(!info.catalog);

  // Poll while the job runs; report the finished job once.
  useEffect(() => {
    if (!job || FINISHED.has(job.state)) return;
    const timer = setTimeout(() => {
      client.call('import.status', { id: job.id }).then(
        (next) => {
          setJob(next);
          if (FINISHED.has(next.state)) onFinished(next);
        },
        (e: Error) => setError(e.message),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [client, job, onFinished]);

  const choose = () => {
    client.call('dialog.chooseFolder', { purpose: 'data' }).then((r) => r.folder !== null && setFolder(r.folder), (e: Error) => setError(e.message));
  };
  const start = () => {
    setError(null);
    client.call('import.start', dataset ? { folder, dataset } : { folder }).then(setJob, (e: Error) => setError(e.message));
  };
  const cancel = () => {
    if (job) client.call('import.cancel', { id: job.id }).then(setJob, (e: Error) => setError(e.message));
  };

  const fraction = job && job.total > 0 ? Math.min(1, job.done / job.total) : job?.state === 'done' ? 1 : 0;
  const percent = Math.round(fraction * 100);
  return (
    <details className="import-panel" data-testid="import-panel" open={open || running} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Import records</summary>
      <div className="import-form">
        <label>
          Folder
          <input type="text" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/records" size={48} data-testid="import-folder" />
        </label>
        {info.capabilities.nativeDialogs && (
          <button onClick={choose} data-testid="import-choose">
            Choose…
          </button>
        )}
        <label>
          Dataset
          <select value={dataset} onChange={(e) => setDataset(e.target.value)} data-testid="import-dataset">
            <option value="">detect from the folder</option>
            {info.importDatasets.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button disabled={running || folder.trim() === ''} onClick={start} data-testid="import-start">
          Import
        </button>
        {running && (
          <button onClick={cancel} data-testid="import-cancel">
            Cancel
          </button>
        )}
      </div>
      {error && <div className="error" data-testid="import-error">{error}</div>}
      {job && (
        <div className="import-job" data-testid="import-job" data-state={job.state}>
          <progress max={100} value={percent} data-testid="import-progress" data-percent={percent} />
          <span data-testid="import-percent">{percent}%</span>
          <span>
            {job.state} · {job.done}/{job.total} records · {job.rate.toFixed(1)} rec/s · ETA {job.state === 'done' ? '0 s' : eta(job.etaS)}
            {job.state === 'done' && ` · imported ${job.imported}, already in the catalog ${job.skipped}`}
          </span>
          <span data-testid="import-failed">{job.failed} failed</span>
          {job.message && <div className="error" data-testid="import-message">{job.message}</div>}
          {job.errors.length > 0 && (
            <table className="import-errors" data-testid="import-errors">
              <thead>
                <tr>
                  <th>record</th>
                  <th>error</th>
                  <th>message</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((e, i) => (
                  <tr key={i} data-testid="import-error-row" data-key={e.key ?? ''}>
                    <td title={e.path ?? ''}>{e.key ?? e.path ?? '–'}</td>
                    <td>{e.code}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </details>
  );
}
