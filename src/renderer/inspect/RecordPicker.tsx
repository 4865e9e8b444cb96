// Choosing a record to inspect: a center (any, including ones a model never saw) and a name
// search, then one of the matching records.
import { useEffect, useState } from 'react';
import type { ApiClient, RecordRow } from '../../shared/api.js';

export function RecordPicker({ client, value, onChange }: { client: ApiClient; value: number | null; onChange: (id: number) => void }) {
  const [centers, setCenters] = useState<string[]>([]);
  const [center, setCenter] = useState('');
  const [text, setText] = useState('');
  const [rows, setRows] = useState<RecordRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.call('catalog.summary', {}).then((s) => setCenters(s.centers.map((c) => c.center)), (e: Error) => setError(e.message));
  }, [client]);
  useEffect(() => {
    const filter = { ...(center ? { centers: [center] } : {}), ...(text.trim() ? { text: text.trim() } : {}) };
    client.call('catalog.query', { filter, page: { limit: 200 } }).then((p) => setRows(p.rows), (e: Error) => setError(e.message));
  }, [client, center, text]);
  // Keep the chosen record in the list even when the search no longer matches it.
  const listed = value === null || rows.some((r) => r.id === value) ? rows : [{ id: value, record: `#${value}`, center: '' } as RecordRow, ...rows];
  return (
    <span className="picker" data-testid="record-picker">
      <label>
        Center{' '}
        <select value={center} onChange={(e) => setCenter(e.target.value)} data-testid="pick-center">
          <option value="">all</option>
          {centers.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <input placeholder="record name" value={text} onChange={(e) => setText(e.target.value)} size={10} data-testid="pick-text" />
      <label>
        Record{' '}
        <select value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))} data-testid="pick-record">
          <option value="" disabled>
            choose…
          </option>
          {listed.map((r) => (
            <option key={r.id} value={r.id}>
              {r.record} · {r.center} (#{r.id})
            </option>
          ))}
        </select>
      </label>
      {error && <span className="error">{error}</span>}
    </span>
  );
}
