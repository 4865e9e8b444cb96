// Raw reads of site records. The catalog keeps a pseudonymous label, never the file's path (it may
// carry a patient's name), so the file is found again by walking its import folder once and
// matching the keyed file names; the map is kept per folder for the session.
import { siteFileLabel } from '../datasets/site.js';
import { workspaceSecret } from '../datasets/site-secret.js';
import { walkFiles } from '../datasets/walk.js';

export interface SiteSource {
  readonly path: string;
  readonly rel: string;
}

export const isSiteRecord = (sourcePath: string): boolean => sourcePath.startsWith('site:');

export class SiteSources {
  private readonly byFolder = new Map<string, Promise<Map<string, SiteSource>>>();

  constructor(readonly workspace: string) {}

  async resolve(folder: string, sourceKey: string): Promise<SiteSource | null> {
    let map = this.byFolder.get(folder);
    if (!map) {
      map = this.index(folder);
      this.byFolder.set(folder, map);
    }
    const found = (await map).get(sourceKey);
    if (found) return found;
    // Files added since the walk: look once more before giving up.
    this.byFolder.delete(folder);
    return (await this.index(folder)).get(sourceKey) ?? null;
  }

  private async index(folder: string): Promise<Map<string, SiteSource>> {
    const secret = workspaceSecret(this.workspace);
    const map = new Map<string, SiteSource>();
    for await (const file of walkFiles(folder, null)) map.set(siteFileLabel(secret, folder, file.rel, false).key, { path: file.path, rel: file.rel });
    return map;
  }
}
