// The catalog's public surface: everything above this layer imports from here.
export { Catalog, CATALOG_FILE, CatalogError, type CatalogOpenOptions } from './catalog.js';
export { SCHEMA_VERSION } from './database.js';
export { parseFilter, parsePage } from './filter.js';
export type { RecordFilter, RecordFilterInput, Page, PageInput } from './filter.js';
export { COUNT_CAP, type RecordPage } from './query.js';
export * from './splits.js';
export * from './jobs.js';
export type * from './types.js';
export { applyStatementCodes, offsetText, settleAnchor, unmappedStatements, type AnchorSeal, type StatementCount } from './site.js';
export type { RecordAnnotations } from './annotators.js';
export * from './short-records.js';
