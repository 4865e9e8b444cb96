// One page of records; a row opens the record in the viewer.
import { CLASSES } from '../../shared/classes.js';
import type { RecordPage } from '../../shared/api.js';

const nameOf = new Map(CLASSES.map((c) => [c.abbreviation, c.name]));

export function RecordTable({ page, onOpen }: { page: RecordPage; onOpen: (id: number) => void }) {
  return (
    <table className="records" data-testid="record-table">
      <thead>
        <tr>
          <th>id</th>
          <th>record</th>
          <th>center</th>
          <th>age</th>
          <th>sex</th>
          <th>Hz</th>
          <th>s</th>
          <th>classes</th>
        </tr>
      </thead>
      <tbody>
        {page.rows.map((r) => (
          <tr key={r.id} onClick={() => onOpen(r.id)} data-testid="record-row" data-record={r.record}>
            <td>{r.id}</td>
            <td>{r.record}</td>
            <td>{r.center}</td>
            <td>{r.age ?? '–'}</td>
            <td>{r.sex ?? '–'}</td>
            <td>{r.fs}</td>
            <td>{r.durationS.toFixed(1)}</td>
            <td>
              {r.classes.map((c) => (
                <span key={c} className="chip" title={nameOf.get(c)}>
                  {c}
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
