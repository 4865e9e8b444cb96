// Error review: for a run's downstream step (or a finished evaluate job, also of a foreign model),
// a class and optionally a center, the false positives (most confident first) and false negatives
// (least probable first) of its stored predictions; each opens the record in the predictions view
// with that class's saliency. A job's class names come from the API answer (a foreign model's outputs).
import { useEffect, useState } from 'react';
import { ClassSelect, StepSelect } from '../charts/pickers.js';
import type { ApiClient, ErrorReview as Review, RunDetail, RunSummary } from '../../shared/api.js';

export function ErrorReview({ client, onOpen }: { client: ApiClient; onOpen: (record: number, bundle: string, classIndex: number) => void }) {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [run, setRun] = useState('');
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [step, setStep] = useState('');
  const [classIndex, setClass] = useState(20);
  const [center, setCenter] = useState('');
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [evaluations, setEvaluations] = useState<number[]>([]);
  // 'job:<id>' picks an evaluate job instead of a run.
  const job = run.startsWith('job:') ? Number(run.slice(4)) : null;

  useEffect(() => {
    client.call('jobs.list', {}).then(
      (r) => setEvaluations(r.jobs.filter((j) => j.kind === 'evaluate' && j.state === 'done').map((j) => j.id)),
      () => undefined,
    );
  }, [client]);
  useEffect(() => {
    client.call('results.runs', {}).then(
      (r) => {
        setRuns(r.runs);
        if (r.runs[0]) setRun(r.runs[0].run);
      },
      (e: Error) => setError(e.message),
    );
  }, [client]);
  useEffect(() => {
    if (!run || run.startsWith('job:')) return;
    client.call('results.run', { run }).then(
      (d) => {
        setDetail(d);
        setStep(d.steps.find((s) => s.kind === 'downstream')?.name ?? '');
      },
      (e: Error) => setError(e.message),
    );
  }, [client, run]);
  useEffect(() => {
    if (job === null && (!run || !step)) return;
    setError(null);
    const source = job !== null ? { job } : { run, step };
    client.call('inspect.errors', { ...source, classIndex, ...(center ? { center } : {}) }).then(setReview, (e: Error) => setError(e.message));
  }, [client, run, step, job, classIndex, center]);
  const choose = (value: string) => {
    setRun(value);
    setReview(null);
    setClass(value.startsWith('job:') ? 0 : 20);
  };

  const downstream = detail?.steps.filter((s) => s.kind === 'downstream') ?? [];
  const list = (title: string, items: Review['falsePositives'], kind: 'fp' | 'fn') => (
    <div className="error-list">
      <h3>
        {title} ({kind === 'fp' ? review?.counts.fp : review?.counts.fn})
      </h3>
      <table className="compact" data-testid={`errors-${kind}`}>
        <tbody>
          {items.map((e) => (
            <tr key={e.id} data-testid="error-item" data-kind={kind} data-record={e.id} onClick={() => review && onOpen(e.id, review.bundle, review.classIndex)} className="clickable">
              <td>{e.record}</td>
              <td>{e.center}</td>
              <td>{e.probability.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <p className="muted">none</p>}
    </div>
  );

  return (
    <section data-testid="error-review">
      <div className="toolbar">
        <label>
          Run{' '}
          <select value={run} onChange={(e) => choose(e.target.value)} data-testid="errors-run">
            {runs.map((r) => (
              <option key={r.run} value={r.run}>
                {r.run} · {r.kind} · {r.configName}
              </option>
            ))}
            {evaluations.map((id) => (
              <option key={`job:${id}`} value={`job:${id}`}>
                evaluation job {id}
              </option>
            ))}
          </select>
        </label>
        {job === null && <StepSelect steps={downstream} value={step} onChange={setStep} testId="errors-step" />}
        <ClassSelect label="Class" value={classIndex} onChange={(i) => setClass(i ?? 0)} testId="errors-class" names={job !== null ? (review?.classes ?? null) : null} />
        <label>
          Center{' '}
          <select value={center} onChange={(e) => setCenter(e.target.value)} data-testid="errors-center">
            <option value="">all</option>
            {(review?.centers ?? []).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <div className="error">{error}</div>}
      {runs.length === 0 && evaluations.length === 0 && <p className="muted">No experiment runs or evaluations in this workspace yet: start one under Train &amp; jobs.</p>}
      {review && (
        <>
          {review.note && (
            <p className="muted" data-testid="errors-note">
              {review.note}
            </p>
          )}
          <p className="muted" data-testid="errors-summary">
            threshold {review.threshold.toFixed(3)} · TP {review.counts.tp} · FP {review.counts.fp} · FN {review.counts.fn} · TN {review.counts.tn}. Click a record to open it with its saliency.
          </p>
          <div className="error-lists">
            {list('False positives, most confident first', review.falsePositives, 'fp')}
            {list('False negatives, least probable first', review.falseNegatives, 'fn')}
          </div>
        </>
      )}
    </section>
  );
}
