// The record's annotators (one WFDB annotation file each) with an on/off switch per annotator:
// what each is (known annotators' meaning on hover), how many annotations it holds, which kinds.
import type { AnnotatorInfo } from '../../shared/api-annotations.js';
import { annotatorColor } from './annotation-draw.js';

export interface AnnotatorListProps {
  readonly annotators: readonly AnnotatorInfo[];
  readonly hidden: ReadonlySet<string>;
  readonly onToggle: (name: string, on: boolean) => void;
  /** Marks of each annotator inside the window shown. */
  readonly inWindow?: ReadonlyMap<string, number>;
}

export function AnnotatorList({ annotators, hidden, onToggle, inWindow }: AnnotatorListProps) {
  if (annotators.length === 0) return null;
  return (
    <div className="annotators" data-testid="annotators">
      <span className="muted">Annotations:</span>
      {annotators.map((a, i) => (
        <label key={a.name} title={a.meaning ?? 'annotator not in the known list (docs/annotations.md)'} data-testid="annotator" data-annotator={a.name}>
          <input type="checkbox" checked={!hidden.has(a.name)} onChange={(e) => onToggle(a.name, e.target.checked)} data-testid="annotator-toggle" data-annotator={a.name} />
          <span className="swatch" style={{ background: annotatorColor(i) }} />
          <b>{a.name}</b>
          <span className="muted">
            {' '}
            {a.count.toLocaleString()} {a.kinds.join('/')}
            {inWindow ? `, ${inWindow.get(a.name) ?? 0} here` : ''}
            {a.detector ? ', detector' : ''}
          </span>
        </label>
      ))}
    </div>
  );
}
