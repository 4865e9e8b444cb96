// The small selects several views share: a class of the 24, a run step, a name from a list, the paper layout.
import { CLASSES } from '../../shared/classes.js';
import type { Layout } from '../viewer/paper.js';

/** One of the 24 classes by index; with `none`, an empty choice (null) comes first. */
/** `names`: a foreign model's outputs (card names, by output index) instead of our 24 classes. */
export function ClassSelect({ label, value, onChange, testId, none, names }: { label: string; value: number | null; onChange: (index: number | null) => void; testId: string; none?: string; names?: readonly string[] | null }) {
  const options = names ? names.map((name, index) => ({ index, name })) : CLASSES.map((c) => ({ index: c.index, name: c.abbreviation }));
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} data-testid={testId}>
        {none !== undefined && <option value="">{none}</option>}
        {options.map((c) => (
          <option key={c.index} value={c.index}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** One name of a list (a run step, an experiment config), shown as itself. */
export function NameSelect({ label, names, value, onChange, testId }: { label: string; names: readonly string[]; value: string; onChange: (name: string) => void; testId: string }) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A step of a run, by name. */
export function StepSelect({ steps, value, onChange, testId }: { steps: readonly { name: string }[]; value: string; onChange: (name: string) => void; testId: string }) {
  return <NameSelect label="Step" names={steps.map((s) => s.name)} value={value} onChange={onChange} testId={testId} />;
}

/** The overlay views' paper layouts. */
export function LayoutSelect({ value, onChange }: { value: Layout; onChange: (layout: Layout) => void }) {
  return (
    <label>
      Layout{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as Layout)}>
        <option value="12x1">12x1</option>
        <option value="3x4">3x4</option>
      </select>
    </label>
  );
}
