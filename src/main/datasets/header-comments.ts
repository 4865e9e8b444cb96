// What WFDB header comments say about the patient and the diagnoses, in the forms real collections
// write them (the list, with examples, is docs/wfdb-comments.md):
//   '# Patient ID: 523632' / 'Subject ID:' / 'MRN:' / '<patient>: 7' / INCART's bare '# patient 1'
//   '# Exam ID: 1000' (CODE-15% as WFDB): names the exam, never the patient
//   '# Diagnosis: ...', '#Dx: <text>', 'Interpretation:', 'Rhythm:', PTB's 'Reason for admission:'
//   LUDB and INCART: the untagged lines after '#<diagnoses>:' (or after INCART's '<sex>: F' line)
// and, outside the comments, a patient folder: PTB's 'patient001', MIMIC-IV-ECG's 'p10000032'.
// The id leaves here as written; the import pseudonymises it on its main thread (HMAC).
import { basename, dirname } from 'node:path';

export interface CommentFacts {
  /** The patient id as the header writes it (trimmed); null when it names none. */
  readonly patientId: string | null;
  /** The comment key it came from ('Patient ID', '<patient>', 'patient line'), for messages. */
  readonly patientSource: string | null;
  /** The '# Exam ID:' value (CODE-15% as WFDB): the exam, not the patient. */
  readonly examId: string | null;
  /** Age and sex as written, from '#Age: 61' or the tagged '<age>: 61' (MIT-BIH, LUDB, INCART). */
  readonly age: string | undefined;
  readonly sex: string | undefined;
  /** SNOMED-CT codes of '#Dx:' (digits only), as before. */
  readonly codes: string[];
  /** Free-text diagnoses in header order, deduplicated, trailing full stops dropped. */
  readonly statements: string[];
}

/** Keys (lower case, '<>', '_' and '-' gone) whose value is a patient id. */
const PATIENT_KEYS = new Set(['patient id', 'patientid', 'patient number', 'patient no', 'patient no.', 'subject id', 'subjectid', 'mrn', 'medical record number']);
/** Keys whose value is an id only when it has a digit: 'Patient: Doe John' is a name, not a key. */
const PATIENT_KEYS_WITH_DIGIT = new Set(['patient', 'subject']);
const EXAM_KEYS = new Set(['exam id', 'examid', 'exam', 'study id']);
/** Keys whose value is a free-text diagnosis. 'Dx' holds codes in CinC, text in some exports. */
const DIAGNOSIS_KEYS = new Set([
  'diagnosis',
  'diagnoses',
  'dx',
  'statement',
  'statements',
  'interpretation',
  'ecg interpretation',
  'conclusion',
  'finding',
  'findings',
  'rhythm',
  'electric axis of the heart',
  'reason for admission',
]);
/** Tags after which a tagged header's untagged lines are diagnoses (LUDB '<diagnoses>:', INCART '<sex>: F'). */
const BLOCK_TAGS = new Set(['diagnoses', 'diagnosis', 'sex']);
const NONE = /^(|-|\?|unknown|none|\(none\)|n\/a|na|nan|null|not available|no data)$/i;
const CODE = /^\d+$/;
/** INCART's '# patient 1', also '# Patient #12', '# patient no. 3'. */
const PATIENT_LINE = /^patient\s*(?:no\.?|number|#)?\s*([A-Za-z]*\d[\w.-]*)$/i;
const TAG = /<([^<>]{1,40})>\s*:?\s*([^<]*)/g;

const keyOf = (raw: string) => raw.toLowerCase().replace(/[<>]/g, '').replace(/[\s_-]+/g, ' ').trim();
const present = (v: string | undefined): v is string => v !== undefined && !NONE.test(v.trim());
const tidy = (s: string) => s.replace(/\s+/g, ' ').trim().replace(/[\s.]+$/, '');

function patientValue(key: string, value: string): string | null {
  const v = value.trim();
  if (!present(v) || v.length > 64) return null;
  if (PATIENT_KEYS.has(key)) return v;
  if (PATIENT_KEYS_WITH_DIGIT.has(key) && /\d/.test(v) && !/\s/.test(v)) return v;
  return null;
}

/** '164889003,59118001' -> codes; text parts ('Sinus bradycardia') -> statements. 'Unknown' is neither. */
export function splitDx(value: string | undefined): { codes: string[]; statements: string[] } {
  const codes: string[] = [];
  const statements: string[] = [];
  for (const part of (value ?? '').split(/[,;]/)) {
    const p = part.trim();
    if (!present(p)) continue;
    const tokens = p.split(/\s+/);
    if (tokens.every((t) => CODE.test(t))) codes.push(...tokens);
    else statements.push(p);
  }
  return { codes, statements };
}

/** Reads a header's comment lines (with or without their '#'). */
export function commentFacts(comments: readonly string[]): CommentFacts {
  let patientId: string | null = null;
  let patientSource: string | null = null;
  let examId: string | null = null;
  let age: string | undefined;
  let sex: string | undefined;
  const codes: string[] = [];
  const statements: string[] = [];
  let inBlock = false;
  const setPatient = (id: string | null, source: string) => {
    if (id !== null && patientId === null) {
      patientId = id;
      patientSource = source;
    }
  };
  const other = (key: string, value: string) => {
    if (key === 'age' && age === undefined) age = value;
    if (key === 'sex' && sex === undefined) sex = value;
    if (EXAM_KEYS.has(key) && present(value) && examId === null) examId = value;
  };
  for (const comment of comments) {
    const text = comment.replace(/^#+\s*/, '').trim();
    if (text === '') continue;
    const bare = text.charCodeAt(0) === 0x70 || text.charCodeAt(0) === 0x50 ? PATIENT_LINE.exec(text) : null; // 'p' / 'P'
    if (bare) {
      setPatient(bare[1], 'patient line');
      continue; // INCART writes it inside the diagnoses block: it neither ends nor joins it
    }
    if (text.startsWith('<')) {
      // Tagged: '<age>: 65 <sex>: F <diagnoses> Coronary artery disease' (MIT-BIH, INCART, LUDB).
      let last = '';
      for (const m of text.matchAll(TAG)) {
        const key = keyOf(m[1]);
        const value = m[2].trim();
        last = key;
        setPatient(patientValue(key, value), `<${m[1].trim()}>`);
        other(key, value);
        if (key === 'dx') statements.push(...splitDx(value).statements);
        else if (DIAGNOSIS_KEYS.has(key) && present(value)) statements.push(value);
      }
      inBlock = BLOCK_TAGS.has(last);
      continue;
    }
    if (inBlock) {
      // LUDB: '#Rhythm: Sinus bradycardia.', '#Left ventricular hypertrophy.'; INCART: '# PVCs, noise'.
      statements.push(text);
      continue;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) continue;
    const key = keyOf(text.slice(0, colon));
    const value = text.slice(colon + 1).trim();
    setPatient(patientValue(key, value), text.slice(0, colon).trim());
    other(key, value);
    if (key === 'dx') {
      const dx = splitDx(value);
      codes.push(...dx.codes);
      statements.push(...dx.statements);
    } else if (DIAGNOSIS_KEYS.has(key) && present(value)) {
      // LUDB-style keys ('Rhythm', 'Electric axis of the heart') say what the value is about.
      statements.push(key === 'rhythm' || key === 'electric axis of the heart' ? text : value);
    }
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of statements.map(tidy)) {
    if (!present(s) || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return { patientId, patientSource, examId, age, sex, codes: [...new Set(codes)], statements: scrubId(out, patientId) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A patient id repeated in a statement is removed; ids under 4 characters are left, so '12' cannot mangle '112 bpm'. */
function scrubId(statements: string[], id: string | null): string[] {
  if (id === null || id.length < 4) return statements;
  const lower = id.toLowerCase();
  if (!statements.some((s) => s.toLowerCase().includes(lower))) return statements;
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${escape(id)}(?![\\p{L}\\p{N}])`, 'giu');
  return statements.map((s) => s.replace(re, '[redacted]'));
}

/**
 * A patient id from the folders a record sits in: PTB's 'patient001/s0010_re' (the folder as
 * written) and MIMIC-IV-ECG's 'p10000032/s40689238/40689238' (the subject id, digits only).
 */
export function folderPatientId(recordPath: string): string | null {
  const parent = basename(dirname(recordPath));
  if (/^patient\d+$/i.test(parent)) return parent;
  for (const folder of [parent, basename(dirname(dirname(recordPath)))]) {
    const m = /^p(\d{8})$/.exec(folder);
    if (m) return m[1];
  }
  return null;
}

/** What an adapter puts in RecordMeta from the comments: codes, or else the statements (docs/wfdb-comments.md). */
export function labelsFromComments(facts: CommentFacts): { codes: string[]; statements: string[]; notes: string[] } {
  if (facts.codes.length === 0) return { codes: [], statements: facts.statements, notes: [] };
  const n = facts.statements.length;
  const notes = n > 0 ? [`${n} free-text diagnosis comment${n > 1 ? 's' : ''} not used as labels: the header's #Dx codes are its labels`] : [];
  return { codes: facts.codes, statements: [], notes };
}
