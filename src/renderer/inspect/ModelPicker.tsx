// Choosing a model bundle: one the workspace's runs and jobs made (models.list), or any bundle
// folder by path (a model made elsewhere).
import { useEffect, useState } from 'react';
import type { ApiClient, ModelInfo } from '../../shared/api.js';

export function describe(m: ModelInfo): string {
  // A model made elsewhere: its card's name, and the input it takes.
  if (m.foreign) return `${m.foreign.name} ${m.foreign.version} · ONNX ${m.foreign.rate} Hz × ${m.foreign.samples} · ${m.path}`;
  const where = m.step ? `${m.source}/${m.step}` : (m.source ?? m.path);
  return `${m.task} · ${where}`;
}

/**
 * `known`: the workspace's models when the caller follows them (they change as jobs finish); without
 * it the picker reads the list once. Either way the first fitting model is chosen while none is.
 */
export function ModelPicker({ client, tasks, value, onChange, testId, known: given }: { client: ApiClient; tasks: readonly string[]; value: string; onChange: (path: string) => void; testId: string; known?: readonly ModelInfo[] | null }) {
  const [fetched, setFetched] = useState<ModelInfo[]>([]);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (given !== undefined) return;
    client.call('models.list', {}).then((r) => setFetched(r.models), (e: Error) => setError(e.message));
  }, [client, given === undefined]); 
  const models = (given ?? fetched).filter((m) => tasks.includes(m.task));
  const first = models[0]?.path;
  useEffect(() => {
    if (!value && first) onChange(first);
  }, [value, first]); 
  const known = models.some((m) => m.path === value);
  return (
    <span className="picker" data-testid={testId}>
      <label>
        Model{' '}
        <select value={known ? value : ''} onChange={(e) => onChange(e.target.value)} data-testid={`${testId}-select`}>
          {!known && <option value="">{value ? `folder: ${value}` : models.length ? 'choose…' : 'no model in this workspace'}</option>}
          {models.map((m) => (
            <option key={m.path} value={m.path} title={m.path}>
              {describe(m)}
            </option>
          ))}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) onChange(typed.trim());
        }}
      >
        <input placeholder="or a bundle folder path" value={typed} onChange={(e) => setTyped(e.target.value)} size={28} data-testid={`${testId}-path`} />
        <button type="submit">Use</button>
      </form>
      {error && <span className="error">{error}</span>}
    </span>
  );
}
