// `openecg catalog --workspace <dir> [--json]`: what a workspace's catalog holds, per center and class.
import { Catalog, CatalogError, type CatalogSummary } from '../catalog/index.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

export const catalogCommand: Command = {
  name: 'catalog',
  summary: "count a workspace's records, patients and classes per center",
  usage: 'usage: openecg catalog --workspace <dir> [--json]',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } }, false);
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!Catalog.exists(values.workspace)) {
      throw new UsageError(`no catalog in '${values.workspace}': import records into it first (openecg import)`);
    }
    let catalog: Catalog;
    try {
      // Read-only, so it works beside a running import (WAL readers do not block the writer).
      catalog = Catalog.open(values.workspace, { readonly: true });
    } catch (err) {
      if (err instanceof CatalogError) throw new UsageError(err.message);
      throw err;
    }
    try {
      const summary = catalog.summary();
      if (values.json) printJson(summary);
      else process.stdout.write(table(summary));
      return 0;
    } finally {
      catalog.close();
    }
  },
};

function table(s: CatalogSummary): string {
  const rows = [['center', 'records', 'patients', 'classes (records per class)']];
  for (const c of s.centers) {
    const classes = Object.entries(c.per_class).map(([k, n]) => `${k} ${n}`).join(', ');
    rows.push([c.center, String(c.records), String(c.patients), classes || '-']);
  }
  rows.push(['total', String(s.records), String(s.patients), '']);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`.trimEnd();
  const out = rows.map(line);
  out.splice(1, 0, '-'.repeat(widths[0] + widths[1] + widths[2] + 4));
  const overall = Object.entries(s.per_class).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${out.join('\n')}\n\nrecords per class: ${overall || 'none'}\n`;
}
