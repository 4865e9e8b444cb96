// The workstation shell: a header with the workspace, and the catalog browser, the 12-lead viewer,
// model inspection, results or the jobs.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, SystemInfo } from '../shared/api.js';
import { CatalogView } from './catalog/CatalogView.js';
import { ImportPanel } from './catalog/ImportPanel.js';
import { WorkspacePicker } from './WorkspacePicker.js';
import { InspectView } from './inspect/InspectView.js';
import { JobsView } from './jobs/JobsView.js';
import { ResultsView } from './results/ResultsView.js';
import { ViewerView } from './viewer/ViewerView.js';

type View = { kind: 'catalog' } | { kind: 'viewer'; id: number } | { kind: 'jobs' } | { kind: 'inspect' } | { kind: 'results' };

/** The view a link opens on (`#inspect`: the demo's first start; also kept in the address for reloads). */
function viewOfHash(hash: string): View {
  const kind = hash.replace(/^#/, '');
  return kind === 'inspect' || kind === 'results' || kind === 'jobs' ? { kind } : { kind: 'catalog' };
}

export function App({ client }: { client: ApiClient }) {
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<View>(() => viewOfHash(window.location.hash));
  useEffect(() => {
    const hash = view.kind === 'viewer' || view.kind === 'catalog' ? '' : `#${view.kind}`;
    if (window.location.hash !== hash) window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  }, [view.kind]);
  const [lastRecord, setLastRecord] = useState<number | null>(null);
  // Bumped when an import finishes or another workspace opens: the catalog view reloads.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    client.call('system.info', {}).then(setInfo, (e: Error) => setError(e.message));
  }, [client, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const opened = useCallback(
    (next: SystemInfo) => {
      setLastRecord(null);
      setView({ kind: 'catalog' });
      setInfo(next);
      reload();
    },
    [reload],
  );

  // A link to a view that needs a catalog, on a workspace without one, lands on the import instead.
  const shown: View = info && !info.catalog && view.kind !== 'catalog' && view.kind !== 'viewer' ? { kind: 'catalog' } : view;
  const open = (id: number) => {
    setLastRecord(id);
    setView({ kind: 'viewer', id });
  };

  return (
    <div className="app">
      <header className="app-header">
        <strong>OpenECG Workstation</strong>
        <nav>
          <button className={view.kind === 'catalog' ? 'active' : ''} onClick={() => setView({ kind: 'catalog' })} data-testid="nav-catalog">
            Catalog
          </button>
          <button className={view.kind === 'viewer' ? 'active' : ''} disabled={lastRecord === null} title={lastRecord === null ? 'open a record from the catalog first' : undefined} onClick={() => lastRecord !== null && open(lastRecord)} data-testid="nav-viewer">
            12-lead viewer
          </button>
          <button className={view.kind === 'inspect' ? 'active' : ''} disabled={!info?.catalog} onClick={() => setView({ kind: 'inspect' })} data-testid="nav-inspect">
            Inspect models
          </button>
          <button className={view.kind === 'results' ? 'active' : ''} disabled={!info?.catalog} onClick={() => setView({ kind: 'results' })} data-testid="nav-results">
            Results
          </button>
          <button className={view.kind === 'jobs' ? 'active' : ''} disabled={!info?.catalog} onClick={() => setView({ kind: 'jobs' })} data-testid="nav-jobs">
            Train &amp; jobs
          </button>
        </nav>
        {info && <WorkspacePicker client={client} info={info} onOpened={opened} />}
        <span className="muted" data-testid="workspace">
          {info ? `${info.workspace} · v${info.version}${info.store ? ` · store ${info.store.rate} Hz × ${info.store.length}` : ''}` : ''}
        </span>
      </header>
      {error && <div className="error">{error}</div>}
      <main>
        {shown.kind === 'catalog' && info?.catalog === false && <p className="muted">This workspace has no catalog yet: import a folder of records below (or with `openecg import`).</p>}
        {shown.kind === 'catalog' && info && <ImportPanel key={info.workspace} client={client} info={info} onFinished={reload} />}
        {shown.kind === 'catalog' && info?.catalog && <CatalogView key={`${info.workspace}#${generation}`} client={client} onOpen={open} />}
        {shown.kind === 'viewer' && <ViewerView client={client} id={shown.id} />}
        {shown.kind === 'jobs' && <JobsView key={info?.workspace} client={client} />}
        {shown.kind === 'inspect' && <InspectView key={info?.workspace} client={client} initialRecord={lastRecord} />}
        {shown.kind === 'results' && <ResultsView key={info?.workspace} client={client} />}
      </main>
    </div>
  );
}
