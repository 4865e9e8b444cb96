// The catalog browser: per-center counts and the class chart, then the filtered record list,
// paged by keyset (the API's `next`), with the cursors kept so Previous goes back.
import { useEffect, useState } from 'react';
import type { ApiClient, CatalogSummary, RecordFilterInput, RecordPage } from '../../shared/api.js';
import { ClassChart } from './ClassChart.js';
import { Filters } from './Filters.js';
import { RecordTable } from './RecordTable.js';

const PAGE = 50;

export function CatalogView({ client, onOpen }: { client: ApiClient; onOpen: (id: number) => void }) {
  const [summary, setSummary] = useState<CatalogSummary | null>(null);
  const [filter, setFilter] = useState<RecordFilterInput>({});
  // cursors[i] = the `after` of page i (undefined for the first page).
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [page, setPage] = useState<RecordPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.call('catalog.summary', {}).then(setSummary, (e: Error) => setError(e.message));
  }, [client]);

  const at = cursors.length - 1;
  useEffect(() => {
    const after = cursors[cursors.length - 1];
    client.call('catalog.query', { filter, page: after === undefined ? { limit: PAGE } : { limit: PAGE, after } }).then(
      (p) => {
        setPage(p);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [client, filter, cursors]);

  const first = at * PAGE + 1;
  return (
    <div className="catalog">
      {summary && (
        <section className="summary">
          <table className="centers" data-testid="center-table">
            <thead>
              <tr>
                <th>center</th>
                <th>records</th>
                <th>patients</th>
              </tr>
            </thead>
            <tbody>
              {summary.centers.map((c) => (
                <tr key={c.center} data-testid="center-row" data-center={c.center}>
                  <td>{c.center}</td>
                  <td data-testid="center-records">{c.records}</td>
                  <td data-testid="center-patients">{c.patients}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>total</th>
                <th data-testid="total-records">{summary.records}</th>
                <th data-testid="total-patients">{summary.patients}</th>
              </tr>
            </tfoot>
          </table>
          <ClassChart summary={summary} />
        </section>
      )}
      <Filters
        centers={summary?.centers.map((c) => c.center) ?? []}
        onApply={(f) => {
          setFilter(f);
          setCursors([undefined]);
        }}
      />
      {error && <div className="error" data-testid="catalog-error">{error}</div>}
      {page && (
        <>
          <div className="pager">
            <button disabled={at === 0} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="page-prev">
              ◀ Previous
            </button>
            <span data-testid="page-range">
              {page.rows.length ? `${first}–${first + page.rows.length - 1}` : '0'} of {page.totalExact ? page.total : `${page.total.toLocaleString()}+ (about ${page.estimated.toLocaleString()})`}
            </span>
            <button disabled={page.next === null} onClick={() => page.next !== null && setCursors([...cursors, page.next])} data-testid="page-next">
              Next ▶
            </button>
          </div>
          <RecordTable page={page} onOpen={onOpen} />
        </>
      )}
    </div>
  );
}
