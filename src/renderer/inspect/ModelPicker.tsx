// Choosing a model bundle: one the workspace's runs and jobs made (models.list), or any bundle
// folder by path (a model made elsewhere).
import { useEffect, useState } from 'react';
import type { ApiClient, ModelInfo } from '../../shared/api.js';

export function describe(m: ModelInfo): string {
  const where = m.step ? `${m.source}/${m.step}` : (m.source ?? m.path);
  return `${m.task} · ${where}`;
}

export function ModelPicker({ client, tasks, value, onChange, testId }: { client: ApiClient; tasks: readonly string[]; value: string; onChange: (path: string) => void; testId: string }) {
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.call('models.list', {}).then(
      (r) => {
        const fit = r.models.filter((m) => tasks.includes(m.task));
        setModels(fit);
        if (!value && fit[0]) onChange(fit[0].path);
      },
      (e: Error) => setError(e.message),
    );
    // Once per mount: the list only changes when a job finishes.
  }, [client]);
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
