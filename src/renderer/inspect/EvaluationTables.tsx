// An evaluation job's results: per center (macro metrics with the AUROC interval) and per class.
import type { EvaluationResults, EvaluationView } from '../../shared/api.js';

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '–' : v.toFixed(d));

function classTable(v: EvaluationView) {
  return (
    <table className="compact" data-testid="eval-classes">
      <thead>
        <tr>
          <th>class</th>
          <th>pos</th>
          <th>neg</th>
          <th>AUROC</th>
          <th>AUPRC</th>
          <th>F1</th>
          <th>sens</th>
          <th>spec</th>
          <th>threshold</th>
        </tr>
      </thead>
      <tbody>
        {v.perClass.map((c) => (
          <tr key={c.abbreviation} data-testid="eval-class" data-class={c.abbreviation} className={c.present ? '' : 'muted'}>
            <td>{c.abbreviation}</td>
            <td>{c.positives}</td>
            <td>{c.negatives}</td>
            <td>{f(c.auroc)}</td>
            <td>{f(c.auprc)}</td>
            <td>{f(c.f1)}</td>
            <td>{f(c.sensitivity)}</td>
            <td>{f(c.specificity)}</td>
            <td>{f(c.threshold)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EvaluationTables({ results }: { results: EvaluationResults }) {
  const rows = [...(results.overall ? [{ center: 'all', ...results.overall }] : []), ...results.perCenter];
  return (
    <div data-testid="eval-results" data-state={results.state}>
      <p className="muted">
        {results.part === 'all' ? 'every record' : 'test split'} of {results.centers.join(', ')} · thresholds {results.thresholdsFrom} · model {results.bundle}
        {results.report && <> · report: {results.report}</>}
      </p>
      <table className="compact" data-testid="eval-centers">
        <thead>
          <tr>
            <th>center</th>
            <th>records</th>
            <th>patients</th>
            <th title="records shorter than the canonical window, scored zero-padded at the end">short (padded)</th>
            <th>macro AUROC (95% CI)</th>
            <th>macro AUPRC</th>
            <th>macro F1</th>
            <th>challenge</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.center} data-testid="eval-center" data-center={r.center}>
              <td>{r.center}</td>
              <td>{r.records}</td>
              <td>{r.patients}</td>
              <td data-testid="eval-short">{r.shortRecords ?? '–'}</td>
              <td>
                {f(r.macroAuroc)} {r.ciAuroc ? `(${f(r.ciAuroc.low)}–${f(r.ciAuroc.high)})` : ''}
              </td>
              <td>{f(r.macroAuprc)}</td>
              <td>{f(r.macroF1)}</td>
              <td>{f(r.challenge)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {results.overall && (
        <details open>
          <summary>Per class (all records)</summary>
          {classTable(results.overall)}
        </details>
      )}
      {results.state !== 'done' && <p className="muted">The job is {results.state}; results appear when it is done.</p>}
    </div>
  );
}
