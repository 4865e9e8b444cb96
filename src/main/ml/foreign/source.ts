// A catalog record read again from its source file, as its import read it: what a foreign model is
// fed (the canonical store holds 100 Hz x 10 s, not the model's rate and length). The catalog keeps
// the file's path, except for site data, whose file is found again in the import folder by its keyed
// name (the catalog keeps a pseudonymous label only; as api/site-sources.ts does for the viewer).
// The adapters' own corrections apply: CinC's 2020-release gain errors, a CODE-15% exam's row.
import type { Catalog, RecordDetail } from '../../catalog/index.js';
import { adapterByName } from '../../datasets/index.js';
import { correctCincGains } from '../../datasets/cinc.js';
import { siteFileLabel } from '../../datasets/site.js';
import { workspaceSecret } from '../../datasets/site-secret.js';
import { walkFiles } from '../../datasets/walk.js';
import { readRecord } from '../../formats/index.js';
import type { Reading } from '../../formats/types.js';

export class SourceReader {
  private readonly runs = new Map<number, { folder: string; dataset: string }>();
  private readonly sites = new Map<string, Promise<Map<string, string>>>();

  constructor(
    readonly workspace: string,
    private readonly catalog: Catalog,
  ) {
    for (const r of catalog.importRuns()) this.runs.set(r.id, { folder: r.folder, dataset: r.dataset });
  }

  /** The record's reading from its file; throws with a one-line reason when it cannot be read. */
  async read(detail: RecordDetail): Promise<Reading> {
    const run = detail.importRunId === null ? undefined : this.runs.get(detail.importRunId);
    if (detail.sourcePath.startsWith('site:')) {
      if (!run) throw new Error('a site record whose import run is unknown: its file cannot be found');
      const path = (await this.siteFiles(run.folder)).get(detail.sourceKey);
      if (!path) throw new Error('its file is no longer in the import folder');
      return readRecord(path);
    }
    const row = /#(\d+)$/.exec(detail.sourceKey);
    if (run?.dataset === 'code15' && row) {
      return (await adapterByName('code15').load({ key: detail.sourceKey, adapter: 'code15', path: detail.sourcePath, index: Number(row[1]) })).reading;
    }
    const reading = await readRecord(detail.sourcePath);
    return run?.dataset === 'cinc' ? correctCincGains(reading, detail.center).reading : reading;
  }

  private siteFiles(folder: string): Promise<Map<string, string>> {
    let map = this.sites.get(folder);
    if (!map) {
      map = (async () => {
        const secret = workspaceSecret(this.workspace);
        const out = new Map<string, string>();
        for await (const file of walkFiles(folder, null)) out.set(siteFileLabel(secret, folder, file.rel, false).key, file.path);
        return out;
      })();
      this.sites.set(folder, map);
    }
    return map;
  }
}
