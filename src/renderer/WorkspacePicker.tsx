// Switch the workspace: a native folder dialog where the front end has one, a path field otherwise.
import { useState } from 'react';
import type { ApiClient, SystemInfo } from '../shared/api.js';

export function WorkspacePicker({ client, info, onOpened }: { client: ApiClient; info: SystemInfo; onOpened: (info: SystemInfo) => void }) {
  const [editing, setEditing] = useState(false);
  const [path, setPath] = useState(info.workspace);
  const [error, setError] = useState<string | null>(null);
  const open = (folder: string) =>
    client.call('workspace.open', { folder }).then(
      (next) => {
        setEditing(false);
        setError(null);
        onOpened(next);
      },
      (e: Error) => setError(e.message),
    );
  const choose = () => {
    if (!info.capabilities.nativeDialogs) {
      setPath(info.workspace);
      setEditing(true);
      return;
    }
    client.call('dialog.chooseFolder', { purpose: 'workspace' }).then((r) => (r.folder ? open(r.folder) : undefined), (e: Error) => setError(e.message));
  };
  return (
    <span className="workspace-picker">
      <button onClick={choose} data-testid="workspace-open">
        Open workspace…
      </button>
      {editing && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void open(path);
          }}
        >
          <input type="text" value={path} onChange={(e) => setPath(e.target.value)} size={40} data-testid="workspace-path" />
          <button type="submit">Open</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && <span className="error" data-testid="workspace-error">{error}</span>}
    </span>
  );
}
