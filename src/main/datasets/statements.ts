// The device's diagnosis statements of a clinical file: found among the reader's comment lines,
// mapped to SNOMED-CT codes by the workspace's own mapping (exact statement text, saved by
// `openecg site map`) first, then by the shipped default (resources/statement-map.json: statement
// codes such as SCP-ECG acronyms or a CinC class abbreviation alone, then text patterns). Unmapped
// statements are kept as text. WFDB header comments' free-text diagnoses go through the same map.
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../formats/types.js';
import { siteDir } from './site-secret.js';
import { shippedPath } from '../platform/app-paths.js';

export const DEFAULT_MAP_FILE = shippedPath('resources', 'statement-map.json');
export const WORKSPACE_MAP_FILE = 'statement-map.json';

interface CodeEntry {
  readonly scheme: string;
  readonly code: string;
  readonly snomed: string;
  readonly source: string;
}

interface PatternEntry {
  readonly pattern: string;
  readonly snomed: string;
  readonly source: string;
}

interface DefaultMapFile {
  readonly version: number;
  readonly negation: string;
  readonly codes: readonly CodeEntry[];
  readonly patterns: readonly PatternEntry[];
}

export interface WorkspaceMapFile {
  readonly version: 1;
  /** Normalised statement text -> SNOMED-CT codes ([]: reviewed, maps to no class). */
  readonly statements: Record<string, string[]>;
}

export interface StatementMapping {
  readonly codes: string[];
  /** 'workspace' (the user's mapping), 'default' (shipped), or null when nothing matched. */
  readonly by: 'workspace' | 'default' | null;
}

// Which comment lines are statements is the readers' business (formats/clinical/statements.ts).
export { statementsOf } from '../formats/clinical/statements.js';

/** Case, spacing and trailing punctuation do not make a different statement. */
export function normalizeStatement(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s.,;:]+$/, '');
}

let defaults: { file: DefaultMapFile; negation: RegExp; patterns: { re: RegExp; snomed: string }[] } | undefined;

function loadDefaults(): NonNullable<typeof defaults> {
  if (defaults) return defaults;
  let file: DefaultMapFile;
  try {
    file = JSON.parse(readFileSync(DEFAULT_MAP_FILE, 'utf8')) as DefaultMapFile;
  } catch (err) {
    throw new FormatError('statement-map', `cannot read the default statement map ${DEFAULT_MAP_FILE}: ${(err as Error).message}`);
  }
  defaults = { file, negation: new RegExp(file.negation, 'i'), patterns: file.patterns.map((p) => ({ re: new RegExp(p.pattern, 'i'), snomed: p.snomed })) };
  return defaults;
}

/** The shipped mapping's entries, for docs and tests. */
export function defaultStatementMap(): DefaultMapFile {
  return loadDefaults().file;
}

export function workspaceMapPath(workspace: string): string {
  return join(siteDir(workspace), WORKSPACE_MAP_FILE);
}

export function readWorkspaceMap(workspace: string): WorkspaceMapFile {
  let text: string;
  try {
    text = readFileSync(workspaceMapPath(workspace), 'utf8');
  } catch {
    return { version: 1, statements: {} };
  }
  const doc = JSON.parse(text) as Partial<WorkspaceMapFile>;
  const statements: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(doc.statements ?? {})) if (Array.isArray(v)) statements[normalizeStatement(k)] = v.map(String);
  return { version: 1, statements };
}

/** Saves (or replaces) one statement's codes in the workspace's mapping; written whole then renamed, so a crash keeps the old file. */
export function saveStatementMapping(workspace: string, statement: string, codes: readonly string[]): WorkspaceMapFile {
  const current = readWorkspaceMap(workspace);
  const next: WorkspaceMapFile = { version: 1, statements: { ...current.statements, [normalizeStatement(statement)]: [...new Set(codes)] } };
  mkdirSync(siteDir(workspace), { recursive: true, mode: 0o700 });
  const file = workspaceMapPath(workspace);
  writeFileSync(`${file}.tmp`, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return next;
}

/** A statement's leading code: Philips '(SB) SINUS BRADYCARDIA', SCP-ECG section 11 'SBRAD; sinus bradycardia'. */
function leadingCode(text: string): { scheme: string; code: string } | null {
  const paren = /^\(([A-Za-z0-9_+-]{1,12})\)\s/.exec(text);
  if (paren) return { scheme: 'philips', code: paren[1].toUpperCase() };
  const scp = /^([A-Za-z0-9_+-]{1,12});/.exec(text);
  if (scp) return { scheme: 'scp', code: scp[1].toUpperCase() };
  return null;
}

export class StatementMapper {
  private readonly own: Record<string, string[]>;

  constructor(workspaceMap: WorkspaceMapFile) {
    this.own = workspaceMap.statements;
  }

  static forWorkspace(workspace: string): StatementMapper {
    return new StatementMapper(readWorkspaceMap(workspace));
  }

  map(statement: string): StatementMapping {
    const own = this.own[normalizeStatement(statement)];
    if (own) return { codes: [...own], by: 'workspace' };
    const d = loadDefaults();
    const codes = new Set<string>();
    const lead = leadingCode(statement);
    if (lead) {
      const hit = d.file.codes.find((c) => c.scheme === lead.scheme && c.code === lead.code);
      if (hit) codes.add(hit.snomed);
    }
    if (codes.size === 0) {
      // A statement that is only a CinC class abbreviation ('#Dx: SB, IRBBB' in some exports).
      const whole = statement.trim().replace(/[\s.]+$/, '').toUpperCase();
      const hit = d.file.codes.find((c) => c.scheme === 'cinc' && c.code === whole);
      if (hit) codes.add(hit.snomed);
    }
    if (codes.size === 0) {
      for (const p of d.patterns) {
        const m = p.re.exec(statement);
        // 'no atrial fibrillation', 'without ST elevation': a negation earlier in the clause cancels the match.
        const clause = m ? statement.slice(0, m.index).split(/[.;]/).pop() ?? '' : '';
        if (m && !d.negation.test(clause)) codes.add(p.snomed);
      }
    }
    return codes.size ? { codes: [...codes], by: 'default' } : { codes: [], by: null };
  }
}
