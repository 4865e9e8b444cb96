// The main thread's part of importing WFDB-family records (wfdb, cinc, ptbxl): a patient id a
// header comment or folder names becomes an HMAC key under the workspace secret, as a site
// file's patient id does (so one person's exams under different record names or folders are one
// patient, and no person spans two splits), and free-text diagnoses are mapped to classes by the
// same statement map as site data. The id as written is never stored. docs/wfdb-comments.md.
import type { NewRecord } from '../catalog/index.js';
import { patientKey, workspaceSecret } from '../datasets/site-secret.js';
import type { RecordMeta } from '../datasets/types.js';
import { StatementTally, type StatementCounts } from './statement-tally.js';

/** Adapters whose records come with WFDB header comments. */
export const HEADER_COMMENT_ADAPTERS: ReadonlySet<string> = new Set(['wfdb', 'cinc', 'ptbxl']);

export interface HeaderImportSummary extends StatementCounts {
  /** Records keyed to a patient by a header comment or folder (pseudonymised). */
  readonly records_with_patient_id: number;
  /** Distinct (center, patient) keys among them. */
  readonly patients_from_ids: number;
}

export class HeaderImport {
  private readonly tally: StatementTally;
  private secret: Buffer | undefined;
  private withId = 0;
  private readonly patients = new Set<string>();

  constructor(readonly workspace: string) {
    this.tally = new StatementTally(workspace);
  }

  /** Patient keys and statement codes for one batch: rows[i] was made from metas[i]. */
  complete(rows: readonly NewRecord[], metas: readonly RecordMeta[]): NewRecord[] {
    return rows.map((r, i) => {
      const id = metas[i].patientId;
      let row = r;
      if (r.patient === null && id) {
        // Made on first need only: a collection without ids leaves the workspace without a secret.
        this.secret ??= workspaceSecret(this.workspace, true);
        row = { ...r, patient: patientKey(this.secret, id) };
        this.withId++;
        this.patients.add(`${row.center}\0${row.patient}`);
      }
      return this.tally.label(row);
    });
  }

  summary(): HeaderImportSummary {
    return { records_with_patient_id: this.withId, patients_from_ids: this.patients.size, ...this.tally.counts() };
  }
}
