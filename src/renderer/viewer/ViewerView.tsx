// The clinical 12-lead viewer: a record's page with layout, speed, gain, filters and source chosen
// in the toolbar, the current settings always printed, and long records read 10 s at a time.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Annotations, ApiClient, RecordDetail, SignalFilters, Signals } from '../../shared/api.js';
import { AnnotatorList } from './AnnotatorList.js';
import { useHiddenSet } from './useHiddenSet.js';
import { EcgPaper } from './EcgPaper.js';
import { layoutPaper, type Layout, type PaperSettings } from './paper.js';
import { RecordInfo } from './RecordInfo.js';
import { paddedFrom } from './padding.js';
import { Toolbar, type ViewerChoice } from './Toolbar.js';

const WINDOW_SECONDS = 10;

export function ViewerView({ client, id }: { client: ApiClient; id: number }) {
  const [record, setRecord] = useState<RecordDetail | null>(null);
  const [signals, setSignals] = useState<Signals | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<ViewerChoice>({ layout: '3x4', speed: 25, gain: 10, source: 'raw', snap: true, filters: { baseline: false, notch: 0, lowpass: 0 } });
  const [start, setStart] = useState(0);
  const [drawMs, setDrawMs] = useState<number | null>(null);
  const [pxPerMm, setPxPerMm] = useState(4);
  const [annotations, setAnnotations] = useState<Annotations | null>(null);
  const [hidden, toggle, showAll] = useHiddenSet();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setRecord(null);
    setStart(0);
    setAnnotations(null);
    showAll();
    client.call('record.get', { id }).then(setRecord, (e: Error) => setError(e.message));
  }, [client, id]);

  const filters: SignalFilters = choice.filters;
  useEffect(() => {
    if (!record) return;
    const fs = record.fs;
    const input =
      choice.source === 'raw'
        ? { id, source: 'raw' as const, from: Math.round(start * fs), to: Math.min(record.sigLen, Math.round((start + WINDOW_SECONDS) * fs)), filters }
        : { id, source: 'canonical' as const, filters };
    let live = true;
    client.call('record.signals', input).then(
      (s) => {
        if (!live) return;
        setSignals(s);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [client, id, record, choice.source, filters, start]);

  // Annotations of the same window (filters do not move them); a record without annotators answers from the catalog alone.
  useEffect(() => {
    if (!record) return;
    const fs = record.fs;
    const input =
      choice.source === 'raw'
        ? { id, source: 'raw' as const, from: Math.round(start * fs), to: Math.min(record.sigLen, Math.round((start + WINDOW_SECONDS) * fs)) }
        : { id, source: 'canonical' as const };
    let live = true;
    client.call('record.annotations', input).then(
      (a) => live && setAnnotations(a),
      (e: Error) => live && setError(`annotations: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [client, id, record, choice.source, start]);
  // Drawn only with the signals of the same window, so marks never sit on another window's trace.
  const shownAnnotations =
    annotations && signals && annotations.source === signals.source && (signals.source === 'canonical' || Math.abs(annotations.start - signals.from / signals.fs) < 1e-6) ? annotations : null;
  const inWindow = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of shownAnnotations?.annotations ?? []) if (a.t >= 0 && a.t < shownAnnotations!.seconds) m.set(a.annotator, (m.get(a.annotator) ?? 0) + 1);
    return m;
  }, [shownAnnotations]);

  // One object per setting change: the page redraws (and calipers reset) only when a setting changes.
  const settings: PaperSettings = useMemo(() => ({ layout: choice.layout as Layout, speed: choice.speed, gain: choice.gain, seconds: WINDOW_SECONDS }), [choice.layout, choice.speed, choice.gain]);
  // Fit the 25 mm/s page to the window's width; 50 mm/s then doubles it (scroll), keeping the mm.
  useEffect(() => {
    const fit = () => {
      const width = box.current?.clientWidth ?? 1000;
      const mm = layoutPaper({ layout: choice.layout, gain: choice.gain, seconds: WINDOW_SECONDS, speed: 25 }).width;
      setPxPerMm(Math.max(2.5, Math.min(8, Math.floor((width / mm) * 10) / 10)));
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [choice.layout, choice.gain]);

  const onDrawn = useCallback((ms: number) => setDrawMs(ms), []);
  const duration = record ? record.sigLen / record.fs : 0;
  const windowed = choice.source === 'raw' && duration > WINDOW_SECONDS + 1e-9;
  const applied = signals?.filters;
  const filterText = applied
    ? [applied.baseline && 'baseline 0.5 Hz', applied.notch > 0 && `notch ${applied.notch} Hz`, applied.lowpass > 0 && `low-pass ${applied.lowpass} Hz`].filter(Boolean).join(', ')
    : '';

  return (
    <div className="viewer">
      <Toolbar choice={choice} onChange={setChoice} />
      {annotations && <AnnotatorList annotators={annotations.annotators} hidden={hidden} onToggle={toggle} inWindow={inWindow} />}
      {error && <div className="error" data-testid="viewer-error">{error}</div>}
      <div className="viewer-body">
        <div className="viewer-main" ref={box}>
          <div className={`status ${filterText ? 'filtered' : ''}`} data-testid="viewer-status">
            <span>{choice.speed} mm/s</span>
            <span>{choice.gain} mm/mV</span>
            <span>{signals ? `${signals.fs} Hz ${signals.source === 'raw' ? 'raw' : 'canonical store'}` : ''}</span>
            <span data-testid="filter-status">{filterText ? `FILTERED: ${filterText}` : 'unfiltered'}</span>
            {signals && (
              <span data-testid="window">
                {(signals.from / signals.fs).toFixed(1)}–{(signals.to / signals.fs).toFixed(1)} s of {(signals.totalLen / signals.fs).toFixed(1)} s
              </span>
            )}
            {drawMs !== null && <span data-testid="draw-ms">drawn in {drawMs.toFixed(1)} ms</span>}
          </div>
          {windowed && (
            <div className="window-nav">
              <button disabled={start <= 0} onClick={() => setStart(Math.max(0, start - WINDOW_SECONDS))} data-testid="window-prev">
                ◀ {WINDOW_SECONDS} s
              </button>
              <input
                type="range"
                min={0}
                max={Math.max(0, Math.floor(duration - WINDOW_SECONDS))}
                step={1}
                value={start}
                onChange={(e) => setStart(Number(e.target.value))}
                aria-label="window start (s)"
              />
              <button disabled={start + WINDOW_SECONDS >= duration} onClick={() => setStart(Math.min(duration - WINDOW_SECONDS, start + WINDOW_SECONDS))} data-testid="window-next">
                {WINDOW_SECONDS} s ▶
              </button>
            </div>
          )}
          <EcgPaper signals={signals} settings={settings} pxPerMm={pxPerMm} snap={choice.snap} onDrawn={onDrawn} annotations={shownAnnotations} hidden={hidden} paddedFrom={paddedFrom(record, signals)} />
          {signals && signals.notes.length + (shownAnnotations?.notes.length ?? 0) > 0 && (
            <ul className="notes muted">
              {[...signals.notes, ...(shownAnnotations?.notes ?? [])].map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </div>
        {record && <RecordInfo record={record} signals={signals} annotators={annotations?.annotators ?? []} />}
      </div>
    </div>
  );
}
