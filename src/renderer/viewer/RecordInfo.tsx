// What surrounds the trace: identity, demographics, source, labels (class name, SNOMED code on hover).
import { CLASSES, classOfCode } from '../../shared/classes.js';
import type { AnnotatorInfo, RecordDetail, Signals } from '../../shared/api.js';
import { paddingText } from './padding.js';

/** The annotators the labels came from: the import takes labels from annotations only when a record has none, so equal sets mean that is where they came from. */
function labelSource(record: RecordDetail, annotators: readonly AnnotatorInfo[]): string[] {
  const implied = new Set(annotators.flatMap((a) => a.codes));
  const codes = record.labels.map((l) => l.code);
  if (codes.length === 0 || codes.length !== implied.size || !codes.every((c) => implied.has(c))) return [];
  return annotators.filter((a) => a.codes.length > 0).map((a) => a.name);
}

export function RecordInfo({ record, signals, annotators = [] }: { record: RecordDetail; signals: Signals | null; annotators?: readonly AnnotatorInfo[] }) {
  const fromAnnotations = labelSource(record, annotators);
  const scored = record.labels.filter((l) => l.classIndex !== null);
  const other = record.labels.filter((l) => l.classIndex === null);
  const rr = signals?.rhythm.rrMs ?? [];
  const meanRr = rr.length ? rr.reduce((a, b) => a + b, 0) / rr.length : null;
  return (
    <aside className="record-info" data-testid="record-info">
      <h2 data-testid="record-name">{record.record}</h2>
      <dl>
        <dt>Center</dt>
        <dd data-testid="record-center">{record.center}</dd>
        <dt>Age / sex</dt>
        <dd>
          {record.age ?? '–'} / {record.sex ?? '–'}
        </dd>
        {record.recordedAt && (
          <>
            <dt>Recorded</dt>
            <dd>{record.recordedAt}</dd>
          </>
        )}
        <dt>Source</dt>
        <dd className="path" title={record.sourcePath} data-testid="record-source">
          {record.sourcePath.split(/[\\/]/).pop()} ({record.format})
        </dd>
        <dt>Sampling</dt>
        <dd>
          {record.fs} Hz, {record.durationS.toFixed(1)} s, {record.nLeads} leads
        </dd>
        {paddingText(record) && (
          <>
            <dt>Window</dt>
            <dd data-testid="record-padding" title="shorter than the canonical window: zero-padded at the end (hatched on the canonical page)">
              {paddingText(record)}
            </dd>
          </>
        )}
        {record.missingLeads.length > 0 && (
          <>
            <dt>Missing leads</dt>
            <dd>{record.missingLeads.join(', ')}</dd>
          </>
        )}
        <dt>Heart rate</dt>
        <dd data-testid="heart-rate">{signals?.rhythm.bpm != null ? `${Math.round(signals.rhythm.bpm)} bpm` : '–'}</dd>
        <dt>RR (mean)</dt>
        <dd data-testid="rr">{meanRr !== null ? `${Math.round(meanRr)} ms (${rr.length} intervals)` : '–'}</dd>
      </dl>
      <h3>Diagnoses (record labels)</h3>
      {fromAnnotations.length > 0 && (
        <p className="muted" data-testid="labels-from-annotations" title="docs/annotation-labels.md: rhythm notes, beat labels and delineations mapped to classes">
          from the annotations ({fromAnnotations.join(', ')})
        </p>
      )}
      <ul className="labels" data-testid="labels">
        {scored.map((l) => {
          const c = CLASSES[l.classIndex as number];
          return (
            <li key={l.code} title={`SNOMED-CT ${l.code}`} data-code={l.code}>
              <span className="chip">{c.abbreviation}</span> {c.name}
            </li>
          );
        })}
        {scored.length === 0 && <li className="muted">no scored class</li>}
      </ul>
      {other.length > 0 && (
        <p className="muted" title="codes outside the 24 scored classes">
          other codes: {other.map((l) => classOfCode(l.code)?.abbreviation ?? l.code).join(', ')}
        </p>
      )}
    </aside>
  );
}
