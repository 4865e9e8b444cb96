// The catalog's schema as an ordered list of migrations; PRAGMA user_version holds how many ran.
// A migration is never edited once released: change the schema by appending a new step.

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const initial = `
CREATE TABLE centers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT
);

CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  center_id INTEGER NOT NULL REFERENCES centers(id),
  key TEXT NOT NULL,            -- the collection's patient id, or its pseudonymised key
  own_record INTEGER NOT NULL DEFAULT 0 CHECK (own_record IN (0, 1)),  -- 1: key is the record's source key
  UNIQUE (center_id, key, own_record)  -- a patient id never merges with a record standing for itself
);

CREATE TABLE import_runs (
  id INTEGER PRIMARY KEY,
  folder TEXT NOT NULL,
  dataset TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  records_seen INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  settings TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE import_errors (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  source_key TEXT,
  path TEXT,
  code TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX import_errors_run ON import_errors(run_id);

CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  center_id INTEGER NOT NULL REFERENCES centers(id),
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  source_key TEXT NOT NULL UNIQUE,  -- identity within the import, for resume and dedup
  record TEXT NOT NULL,
  source_path TEXT NOT NULL,
  format TEXT NOT NULL,
  fs REAL NOT NULL,
  sig_len INTEGER NOT NULL,
  duration_s REAL NOT NULL,
  n_leads INTEGER NOT NULL,
  leads TEXT NOT NULL,              -- names as written in the file, comma-separated
  age REAL,
  sex TEXT CHECK (sex IN ('M', 'F')),
  recorded_at TEXT,
  missing_leads TEXT NOT NULL DEFAULT '',  -- canonical leads zero-filled, comma-separated
  classes INTEGER NOT NULL DEFAULT 0,      -- bit i set when a label maps to class i (denormalised for filters)
  shard INTEGER,
  offset INTEGER,
  import_run_id INTEGER REFERENCES import_runs(id)
);
-- Rows of one center in id order: the ordered scan behind dense filters and keyset pages.
CREATE INDEX records_center ON records(center_id);
-- Covering index for selective filters: seek by center, sex and age, test classes and name in the index.
CREATE INDEX records_filter ON records(center_id, sex, age, classes, record);
CREATE INDEX records_patient ON records(patient_id);

-- Trigram index of record names for substring search; external content, so names are stored once.
CREATE VIRTUAL TABLE record_names USING fts5(record, content='records', content_rowid='id', tokenize='trigram', detail='none');
CREATE TRIGGER records_names_delete AFTER DELETE ON records BEGIN
  INSERT INTO record_names (record_names, rowid, record) VALUES ('delete', old.id, old.record);
END;

CREATE TABLE labels (
  record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  code TEXT NOT NULL,               -- SNOMED-CT code as given
  class_index INTEGER,              -- 0..23, NULL for codes outside the scored classes
  PRIMARY KEY (record_id, code)
) WITHOUT ROWID;

-- One row per (record, class): drives filters on rare classes without scanning the center.
CREATE TABLE record_classes (
  class_index INTEGER NOT NULL,
  center_id INTEGER NOT NULL,
  record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  PRIMARY KEY (class_index, center_id, record_id)
) WITHOUT ROWID;
CREATE INDEX record_classes_record ON record_classes(record_id);

-- Counts kept by the insert transaction so the summary never scans records.
-- kind: 'records' | 'patients' | 'class' (key = class index) | 'sex' (key 0 = M, 1 = F) | 'age' (key = decade).
CREATE TABLE center_counts (
  center_id INTEGER NOT NULL REFERENCES centers(id),
  kind TEXT NOT NULL,
  key INTEGER NOT NULL DEFAULT 0,
  n INTEGER NOT NULL,
  PRIMARY KEY (center_id, kind, key)
) WITHOUT ROWID;

CREATE TABLE split_sets (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('patient', 'lodo', 'scaling')),
  seed INTEGER NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);

CREATE TABLE split_assignments (
  split_set_id INTEGER NOT NULL REFERENCES split_sets(id) ON DELETE CASCADE,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  part TEXT NOT NULL CHECK (part IN ('train', 'val', 'test')),
  PRIMARY KEY (split_set_id, patient_id)
) WITHOUT ROWID;
CREATE INDEX split_assignments_part ON split_assignments(split_set_id, part, patient_id);

-- unit_id is a patient id or a record id, as the set's params.unit says; fraction f = rank < f.
CREATE TABLE scaling_membership (
  split_set_id INTEGER NOT NULL REFERENCES split_sets(id) ON DELETE CASCADE,
  unit_id INTEGER NOT NULL,
  rank REAL NOT NULL,
  PRIMARY KEY (split_set_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX scaling_membership_rank ON scaling_membership(split_set_id, rank);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

// Long work (import, training, experiments) runs as jobs in their own processes; the row is how the
// UI, the CLI and a later resume see them. 'interrupted': the process died while running (crash, kill -9).
const jobs = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('import', 'pretrain', 'probe', 'finetune', 'evaluate', 'experiment')),
  params TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  eta_s REAL,
  message TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  pid INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  result TEXT,
  log_path TEXT,
  checkpoint_dir TEXT
);
CREATE INDEX jobs_state ON jobs(state, id);
`;

// Site data (hospital files): the device's statements as text with the codes a mapping gave them,
// and each pseudonymous patient's time anchor, sealed with the workspace secret (docs/site-data.md).
const site = `
CREATE TABLE record_statements (
  record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  codes TEXT,                       -- SNOMED-CT codes the mapping gave, comma-separated; '' reviewed without a class; NULL unmapped
  PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;
CREATE INDEX record_statements_text ON record_statements(text);

CREATE TABLE site_time_anchors (
  center TEXT NOT NULL,
  patient_key TEXT NOT NULL,
  anchor BLOB NOT NULL,             -- the patient's earliest acquisition time, AES-GCM sealed
  PRIMARY KEY (center, patient_key)
) WITHOUT ROWID;
`;

// The demo's models job ('demo-models', jobs/demo-models.ts): SQLite cannot change a CHECK, so the
// jobs table is rebuilt with the longer kind list and its rows copied over.
const demoModelsJobs = `
CREATE TABLE jobs_next (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('import', 'pretrain', 'probe', 'finetune', 'evaluate', 'experiment', 'demo-models')),
  params TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  eta_s REAL,
  message TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  pid INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  result TEXT,
  log_path TEXT,
  checkpoint_dir TEXT
);
INSERT INTO jobs_next SELECT id, kind, params, state, progress, eta_s, message, created_at, started_at, finished_at, pid, attempts, error, result, log_path, checkpoint_dir FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_next RENAME TO jobs;
CREATE INDEX jobs_state ON jobs(state, id);
`;

// WFDB annotation files found beside a record at import (docs/annotations.md): which annotators
// exist, how many annotations each holds and of which kinds, and the codes they implied (labels
// come from them only where the record had none). window_start: the canonical window's first
// source sample, so annotations can be placed on the canonical view; NULL for rows imported before.
const annotators = `
CREATE TABLE record_annotators (
  record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  annotator TEXT NOT NULL,          -- the file's extension: 'atr', 'qrs', 'i', 'v1', ...
  count INTEGER NOT NULL,
  kinds TEXT NOT NULL,              -- comma-separated: beat, rhythm, wave, noise, other
  codes TEXT NOT NULL DEFAULT '',   -- SNOMED-CT codes its annotations imply, comma-separated
  PRIMARY KEY (record_id, annotator)
) WITHOUT ROWID;
ALTER TABLE records ADD COLUMN window_start INTEGER;
`;

// Records shorter than the canonical window are zero-padded at its end (docs/defaults.md, "short
// records"): padded_s says how much, so training can leave them out and evaluations count them.
// Rows imported before this step get it from their length and the store's settings (the import's
// own count, ceil(sig_len * rate / fs) output samples, computed the same way).
const padding = `
ALTER TABLE records ADD COLUMN padded_s REAL NOT NULL DEFAULT 0;
UPDATE records SET padded_s = max(0,
    (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'store.length')
    - ceil(sig_len * (SELECT CAST(value AS REAL) FROM settings WHERE key = 'store.rate') / fs))
  / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'store.rate')
  WHERE shard IS NOT NULL AND fs > 0
    AND EXISTS (SELECT 1 FROM settings WHERE key = 'store.rate') AND EXISTS (SELECT 1 FROM settings WHERE key = 'store.length');
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'initial schema', sql: initial },
  { version: 2, description: 'jobs', sql: jobs },
  { version: 3, description: 'site statements and time anchors', sql: site },
  { version: 4, description: "jobs of kind 'demo-models'", sql: demoModelsJobs },
  { version: 5, description: 'WFDB annotators per record, canonical window start', sql: annotators },
  { version: 6, description: 'zero padding of short records', sql: padding },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
