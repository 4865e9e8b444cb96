import { mkdtempSync } from 'node:fs';
const { Catalog } = await import('./dist/main/catalog/catalog.js');
const d = mkdtempSync('/tmp/startup-bench/cat-'); const c = Catalog.open(d); c.close();
