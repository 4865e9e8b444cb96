// `openecg site map|unmapped|config|key`: the workspace's statement mapping (site files' statements and
// WFDB header comments' free-text diagnoses alike), the pseudonymisation settings and key for site data.
import { classByAbbreviation, CLASSES } from '../../shared/classes.js';
import { applyStatementCodes, Catalog, unmappedStatements } from '../catalog/index.js';
import { siteKeyStatus } from '../datasets/site-secret.js';
import { exportKey } from './site-key-export.js';
import { normalizeStatement, saveStatementMapping, workspaceMapPath } from '../datasets/statements.js';
import { SITE_SETTINGS } from '../import/site-import.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg site <map|unmapped|config|key> --workspace <dir> [options]

  map --statement "<text>" (--class <abbr>[,<abbr>] | --snomed <code>[,<code>] | --class none)
      saves the statement's mapping in <dir>/site/statement-map.json (used by later site and WFDB
      imports) and relabels the records already imported that carry it (site files, WFDB header
      comments); 'none' marks it reviewed, no class
  unmapped
      lists the statements of imported records (site files, WFDB header comments) that no mapping
      covers, with record counts
  config [--keep-times on|off] [--keep-paths on|off]
      the workspace's defaults for site imports (an import's --keep-times/--keep-paths wins)
  key [--site-key <file>] [--export <file>]
      where the workspace's pseudonymisation key is looked for (the user's configuration folder,
      $OPENECG_SITE_KEY_FILE or --site-key), its fingerprint, and whether the key found is the one
      the workspace was pseudonymised with (exit 1 when it is missing, wrong or protected); never
      the key. --export writes a plain copy (0600, never over a file) for a shared site key file;
      a key the desktop app protected (<id>.safe) is exported by the desktop app, started for it
options: --json  one JSON document on stdout
classes: ${CLASSES.map((c) => c.abbreviation).join(' ')}
See docs/site-data.md and docs/wfdb-comments.md.`;

function codesFrom(cls: string | undefined, snomed: string | undefined): string[] {
  if ((cls === undefined) === (snomed === undefined)) throw new UsageError('give one of --class or --snomed');
  if (snomed !== undefined) {
    const codes = snomed.split(',').map((c) => c.trim()).filter(Boolean);
    for (const c of codes) if (!/^\d{6,18}$/.test(c)) throw new UsageError(`--snomed wants SNOMED-CT concept ids (digits), got '${c}'`);
    return codes;
  }
  if (cls!.trim().toLowerCase() === 'none') return [];
  return cls!.split(',').map((a) => {
    const c = classByAbbreviation(a.trim());
    if (!c) throw new UsageError(`unknown class '${a.trim()}' (known: ${CLASSES.map((k) => k.abbreviation).join(', ')}, or none)`);
    return c.snomed[0];
  });
}

function onOff(value: string | undefined, name: string): 'on' | 'off' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'on' && value !== 'off') throw new UsageError(`--${name} takes on or off, got '${value}'`);
  return value;
}

export const siteCommand: Command = {
  name: 'site',
  summary: 'site data: map device statements to classes, list unmapped ones, pseudonymisation settings and key',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      statement: { type: 'string' },
      class: { type: 'string' },
      snomed: { type: 'string' },
      'keep-times': { type: 'string' },
      'keep-paths': { type: 'string' },
      'site-key': { type: 'string' },
      export: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const action = positionals[0];
    if (positionals.length !== 1 || !['map', 'unmapped', 'config', 'key'].includes(action)) throw new UsageError('give one action: map, unmapped, config or key');
    if (!values.workspace) throw new UsageError('--workspace <dir> is required');
    const workspace = values.workspace;
    if (values['site-key'] !== undefined && action !== 'key') throw new UsageError('--site-key goes with the key action (and with openecg import)');
    if (values.export !== undefined && action !== 'key') throw new UsageError('--export goes with the key action');
    if (action === 'key') {
      if (values['site-key'] !== undefined && !values['site-key'].trim()) throw new UsageError('--site-key wants the path of a key file');
      if (values.export !== undefined) {
        if (!values.export.trim()) throw new UsageError('--export wants the path of the plain key file to write');
        const done = exportKey(workspace, values.export, values['site-key']);
        if (values.json) printJson(done);
        else process.stdout.write(`wrote a plain copy of the site key to ${done.file} (mode 0600, fingerprint ${done.fingerprint}); give it with --site-key or OPENECG_SITE_KEY_FILE, and keep it as safe as the patient ids\n`);
        return 0;
      }
      const doc = siteKeyStatus(workspace, { keyFile: values['site-key'] });
      if (values.json) printJson(doc);
      else {
        const where = doc.key_file ? `${doc.key_file} (${doc.origin === 'option' ? '--site-key' : doc.origin === 'env' ? 'OPENECG_SITE_KEY_FILE' : 'configuration folder'})` : `${doc.keys_folder}/<workspace id>.key`;
        process.stdout.write(`site key: ${doc.status}; looked for ${where}; workspace fingerprint ${doc.fingerprint ?? 'none yet'}\n${doc.message ? `${doc.message}\n` : ''}`);
      }
      return doc.status === 'ok' || doc.status === 'none-yet' ? 0 : 1;
    }
    if (action === 'map') {
      if (!values.statement?.trim()) throw new UsageError('--statement "<text>" is required');
      const codes = codesFrom(values.class, values.snomed);
      saveStatementMapping(workspace, values.statement, codes);
      let relabelled = 0;
      if (Catalog.exists(workspace)) {
        const catalog = Catalog.open(workspace);
        try {
          const key = normalizeStatement(values.statement);
          relabelled = applyStatementCodes(catalog, (t) => normalizeStatement(t) === key, codes);
        } finally {
          catalog.close();
        }
      }
      const doc = { statement: normalizeStatement(values.statement), codes, saved: workspaceMapPath(workspace), relabelled_records: relabelled };
      if (values.json) printJson(doc);
      else process.stdout.write(`mapped "${doc.statement}" -> ${codes.length ? codes.join(', ') : 'no class'}; ${relabelled} records relabelled; saved in ${doc.saved}\n`);
      return 0;
    }
    if (!Catalog.exists(workspace)) throw new UsageError(`no catalog in '${workspace}'`);
    const catalog = Catalog.open(workspace);
    try {
      if (action === 'unmapped') {
        const list = unmappedStatements(catalog);
        if (values.json) printJson({ unmapped: list });
        else process.stdout.write(list.length ? list.map((u) => `${String(u.records).padStart(6)}  ${u.statement}`).join('\n') + '\n' : 'every statement is mapped\n');
        return 0;
      }
      const times = onOff(values['keep-times'], 'keep-times');
      const paths = onOff(values['keep-paths'], 'keep-paths');
      if (times) catalog.setSetting(SITE_SETTINGS.keepTimes, times);
      if (paths) catalog.setSetting(SITE_SETTINGS.keepPaths, paths);
      const doc = { keep_times: catalog.getSetting(SITE_SETTINGS.keepTimes) === 'on', keep_paths: catalog.getSetting(SITE_SETTINGS.keepPaths) === 'on' };
      if (values.json) printJson(doc);
      else process.stdout.write(`keep times: ${doc.keep_times ? 'on' : 'off'}, keep paths: ${doc.keep_paths ? 'on' : 'off'}\n`);
      return 0;
    } finally {
      catalog.close();
    }
  },
};
