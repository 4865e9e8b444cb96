// The tail of a job's log, polled while the job runs.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../shared/api.js';

export function JobLog({ client, id, active }: { client: ApiClient; id: number; active: boolean }) {
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const read = () => client.call('jobs.log', { id, tail: 60 }).then((l) => !stopped && setLines(l.lines), (e: Error) => !stopped && setError(e.message));
    void read();
    if (!active) return () => void (stopped = true);
    const t = setInterval(() => void read(), 1500);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [client, id, active]);
  return (
    <pre className="job-log" data-testid="job-log">
      {error ?? (lines.length ? lines.join('\n') : '(empty log)')}
    </pre>
  );
}
