// HL7 aECG (PORT_MT020001, root AnnotatedECG in urn:hl7-org:v3), streamed: every series (the
// rhythm series and derived series such as representative beats) with its sequence sets, each
// lead's SLIST_PQ digits decoded as origin + scale x digit in the stated units; the time
// sequence's GLIST_TS / GLIST_PQ increment gives the rate; annotations give measurements and
// statements; the trial subject gives the patient identity (kept apart, never in comments).
import { streamXml } from '../clinical/xml-stream.js';
import { FormatError, type PatientIdentity } from '../types.js';
import { scanDigits } from './digits.js';

export interface Quantity {
  readonly value: number;
  readonly unit: string;
}

export interface AecgSequence {
  readonly code: string;
  readonly type: string;
  readonly head?: string;
  readonly increment?: Quantity;
  readonly origin?: Quantity;
  readonly scale?: Quantity;
  /** Digits of samples [from, to) (rhythm series) or all (derived series). */
  readonly digits?: Float64Array;
  readonly count: number;
}

export interface AecgSeries {
  readonly code: string;
  readonly derived: boolean;
  /** Sequence sets in file order. */
  readonly sets: AecgSequence[][];
}

export interface AecgDocument {
  readonly series: AecgSeries[];
  readonly patient: PatientIdentity;
  readonly measurements: string[];
  readonly statements: string[];
  readonly beats: number;
}

interface OpenAnnotation {
  code?: string;
  type?: string;
  value?: string;
  unit?: string;
  display?: string;
  text?: string;
  inBeat: boolean;
}

function quantity(attrs: Readonly<Record<string, string>>): Quantity | undefined {
  const value = Number(attrs.value);
  return Number.isFinite(value) ? { value, unit: attrs.unit ?? '' } : undefined;
}

/** Reads the document; rhythm (non-derived) series digits are kept for samples [from, to) only. */
export async function parseAecg(path: string, from = 0, to = Infinity): Promise<AecgDocument> {
  const series: AecgSeries[] = [];
  const seriesStack: AecgSeries[] = [];
  let seq: { code: string; type: string; head?: string; increment?: Quantity; origin?: Quantity; scale?: Quantity; digits?: Float64Array; count: number } | undefined;
  const patient: Record<string, string> = {};
  const annotations: OpenAnnotation[] = [];
  const measurements: string[] = [];
  const statements: string[] = [];
  let beats = 0;

  await streamXml(path, {
    open(name, attrs, p) {
      const parent = p[p.length - 2] ?? '';
      const current = seriesStack[seriesStack.length - 1];
      if (name === 'series' || name === 'derivedSeries') {
        const s: AecgSeries = { code: '', derived: name === 'derivedSeries', sets: [] };
        series.push(s);
        seriesStack.push(s);
      } else if (name === 'code' && (parent === 'series' || parent === 'derivedSeries') && current) {
        (current as { code: string }).code = attrs.code ?? '';
      } else if (name === 'sequenceSet' && current) {
        current.sets.push([]);
      } else if (name === 'sequence') {
        seq = { code: '', type: '', count: 0 };
      } else if (seq && parent === 'sequence') {
        if (name === 'code') seq.code = attrs.code ?? '';
        if (name === 'value') seq.type = attrs.type ?? '';
      } else if (seq && parent === 'value' && p[p.length - 3] === 'sequence') {
        if (name === 'head') seq.head = attrs.value;
        else if (name === 'increment') seq.increment = quantity(attrs);
        else if (name === 'origin') seq.origin = quantity(attrs);
        else if (name === 'scale') seq.scale = quantity(attrs);
        else if (name === 'digits') return true;
      } else if (name === 'annotation') {
        const outer = annotations[annotations.length - 1];
        annotations.push({ inBeat: outer ? outer.inBeat || outer.code === 'MDC_ECG_BEAT' : false });
      } else if (parent === 'annotation' && annotations.length) {
        const a = annotations[annotations.length - 1];
        if (name === 'code') a.code = attrs.code;
        if (name === 'value') {
          Object.assign(a, { type: attrs.type, value: attrs.value ?? attrs.code, unit: attrs.unit, display: attrs.displayName });
          return attrs.type === 'ST';
        }
      } else if (p.includes('trialSubject')) {
        if (name === 'id' && parent === 'trialSubject' && attrs.extension) patient.id = attrs.extension;
        else if (name === 'name' && parent === 'subjectDemographicPerson') return true;
        else if (name === 'administrativeGenderCode' && attrs.code) patient.sex = attrs.code;
        else if (name === 'birthTime' && attrs.value) patient.birthDate = attrs.value;
      }
      return false;
    },
    text(name, text, p) {
      const parent = p[p.length - 2] ?? '';
      if (name === 'digits' && seq) {
        const rhythm = !seriesStack[seriesStack.length - 1]?.derived;
        const got = scanDigits(text, rhythm ? from : 0, rhythm ? to : Infinity, `${path}: ${seq.code || 'sequence'}`);
        seq.digits = got.values;
        seq.count = got.count;
      } else if (name === 'value' && parent === 'annotation' && annotations.length) {
        annotations[annotations.length - 1].text = text.trim();
      } else if (name === 'name' && parent === 'subjectDemographicPerson') {
        patient.name = text.trim();
      }
    },
    close(name) {
      if (name === 'series' || name === 'derivedSeries') seriesStack.pop();
      else if (name === 'sequence' && seq) {
        const sets = seriesStack[seriesStack.length - 1]?.sets;
        if (!sets?.length) throw new FormatError('aecg', `${path}: a sequence outside any series' sequence set`);
        sets[sets.length - 1].push(seq);
        seq = undefined;
      } else if (name === 'annotation') {
        const a = annotations.pop();
        // Wave boundaries (MDC_ECG_WAVC) and everything inside a beat are per-beat detail, not record text.
        if (!a || a.inBeat || a.code === 'MDC_ECG_WAVC') return;
        if (a.code === 'MDC_ECG_BEAT') beats++;
        else if (a.type === 'PQ' && a.code) measurements.push(`${a.code.replace(/^MDC_ECG_/, '')} ${a.value}${a.unit ? ` ${a.unit}` : ''}`);
        else if (a.type === 'ST' && a.text) statements.push(a.text);
        else if (a.type === 'CE' && (a.display || a.value)) statements.push(a.display ?? a.value ?? '');
      }
    },
  });
  return {
    series,
    patient,
    measurements: [...new Set(measurements)],
    statements: [...new Set(statements)],
    beats,
  };
}
