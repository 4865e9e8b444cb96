// The 24 class probabilities of one record (a foreign model: its own outputs, by card name) beside
// its labels and the thresholds in use; a row's button chooses the class whose saliency is shown.
import type { PredictionResult } from '../../shared/api.js';

/** Without onChoose (a summary beside another view) the saliency column is left out. */
export function ProbabilityTable({ result, chosen, onChoose }: { result: PredictionResult; chosen: number | null; onChoose?: (c: number) => void }) {
  return (
    <table className="compact probabilities" data-testid="probabilities">
      <thead>
        <tr>
          <th>class</th>
          <th>probability</th>
          <th>threshold</th>
          <th>label</th>
          <th>call</th>
          {onChoose && <th />}
        </tr>
      </thead>
      <tbody>
        {result.classes.map((c) => {
          const positive = c.probability >= c.threshold;
          // A foreign model's output without labels in the catalog: only the call is known.
          const outcome = c.label === null ? (positive ? 'pos' : 'neg') : positive ? (c.label ? 'tp' : 'fp') : c.label ? 'fn' : 'tn';
          return (
            <tr key={c.index} className={`${outcome}${chosen === c.index ? ' chosen' : ''}`} data-testid="probability-row" data-class={c.abbreviation} data-probability={c.probability} data-outcome={outcome} title={c.name}>
              <td>{c.abbreviation}</td>
              <td>
                <span className="bar">
                  <span style={{ width: `${(c.probability * 100).toFixed(1)}%` }} />
                  <i style={{ left: `${(c.threshold * 100).toFixed(1)}%` }} />
                </span>{' '}
                <span data-testid="probability">{c.probability.toFixed(3)}</span>
              </td>
              <td>{c.threshold.toFixed(3)}</td>
              <td title={c.label === null ? 'no labels for this output in the catalog' : undefined}>{c.label === null ? '?' : c.label ? '✓' : ''}</td>
              <td>{outcome.toUpperCase()}</td>
              {onChoose && (
                <td>
                  <button onClick={() => onChoose(c.index)} data-testid="saliency-for" disabled={chosen === c.index}>
                    saliency
                  </button>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
