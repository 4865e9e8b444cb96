// The diagnosis statements a reading carries, from the comment lines our readers write: aECG/DICOM
// 'Statement:', Philips/SCP/WFDB '#Statement:', GE MUSE 'Diagnosis:' (the over-read, confirmed
// interpretation) and 'Original diagnosis:' (the machine's, before over-reading). One reading of
// them for the site import (datasets/statements.ts) and for the writers (convert).

const STATEMENT = /^#?\s*Statement(?: \(confirmed\))?:\s*(.+)$/;
const DIAGNOSIS = /^#?\s*Diagnosis:\s*(.+)$/;
const ORIGINAL = /^#?\s*Original diagnosis:\s*(.+)$/;

/** The statement lines of the comments, in file order, split into the record's and MUSE's original ones. */
function parts(comments: readonly string[]): { plain: string[]; original: string[] } {
  const plain: string[] = [];
  const original: string[] = [];
  for (const raw of comments) {
    const line = raw.trim();
    const m = STATEMENT.exec(line) ?? DIAGNOSIS.exec(line);
    if (m) plain.push(m[1].trim());
    const o = ORIGINAL.exec(line);
    if (o) original.push(o[1].trim());
  }
  // aECG annotation codes (wave components) ride on the same element but are not statements.
  const keep = (xs: string[]) => [...new Set(xs.filter((s) => s && !/^MDC_ECG_WAVC_/.test(s)))];
  return { plain: keep(plain), original: keep(original) };
}

/** The statements of a reading's comments, in file order. MUSE: the (over-read) Diagnosis, else the machine's OriginalDiagnosis. */
export function statementsOf(comments: readonly string[]): string[] {
  const { plain, original } = parts(comments);
  return plain.length ? plain : original;
}

/** MUSE's machine statements that statementsOf leaves out because an over-read Diagnosis replaces them (and differ from it). */
export function supersededStatements(comments: readonly string[]): string[] {
  const { plain, original } = parts(comments);
  if (!plain.length) return [];
  const kept = new Set(plain);
  return original.filter((s) => !kept.has(s));
}
