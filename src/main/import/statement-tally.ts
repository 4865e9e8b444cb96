// Statements of a batch's rows mapped to codes on the import's main thread, where the workspace's
// mapping is read once, with the counts an import reports (how many, how many mapped, the
// statements no mapping covers with their record counts). Site files and WFDB comments share it.
import type { NewRecord } from '../catalog/index.js';
import { StatementMapper } from '../datasets/statements.js';

export interface StatementCounts {
  readonly statements: number;
  readonly mapped_statements: number;
  /** Statements no mapping covers, with how many records of this import carry each; map them with `openecg site map`. */
  readonly unmapped: { statement: string; records: number }[];
}

export class StatementTally {
  private readonly mapper: StatementMapper;
  private readonly unmapped = new Map<string, number>();
  private statements = 0;
  private mapped = 0;

  constructor(workspace: string) {
    this.mapper = StatementMapper.forWorkspace(workspace);
  }

  /** The row with each statement's codes (null: unmapped) and those codes added to its labels. */
  label<R extends NewRecord>(r: R): R {
    if (!r.statements?.length) return r;
    const codes = new Set(r.codes);
    const statements = r.statements.map((s) => {
      const m = this.mapper.map(s.text);
      this.statements++;
      if (m.by) this.mapped++;
      else this.unmapped.set(s.text, (this.unmapped.get(s.text) ?? 0) + 1);
      for (const c of m.codes) codes.add(c);
      return { text: s.text, codes: m.by ? m.codes : null };
    });
    return { ...r, codes: [...codes], statements };
  }

  counts(): StatementCounts {
    return {
      statements: this.statements,
      mapped_statements: this.mapped,
      unmapped: [...this.unmapped].map(([statement, records]) => ({ statement, records })).sort((a, b) => b.records - a.records || (a.statement < b.statement ? -1 : 1)),
    };
  }
}
