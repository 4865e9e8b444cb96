// HL7 aECG (PORT_MT020001 AnnotatedECG, urn:hl7-org:v3), the inverse of read.ts: a RHYTHM series
// with one sequence set (GLIST_TS absolute time, one SLIST_PQ per lead with origin 0 uV and the
// step as scale in uV, integer digits, MDC lead codes), an optional REPRESENTATIVE_BEAT derived
// series (GLIST_PQ relative time), the device's statements as MDC_ECG_INTERPRETATION_STATEMENT
// annotations, and the trial subject (id, name, sex, birth time) when a patient is given.
import { standardLeadName } from '../clinical/leads.js';
import { amplitudeStepUv, checkWritable, quantizeLeads, type WritableEcg, type WriteResult } from '../clinical/write-record.js';
import type { PatientIdentity } from '../types.js';
import { createHash } from 'node:crypto';

const ACT_CODE = '2.16.840.1.113883.5.4';
const MDC = '2.16.840.1.113883.6.24';
/** Time stamp written when the acquisition time must not be kept (GLIST_TS needs a head). */
const DUMMY_TS = '19000101000000';

export interface AecgWriteOptions {
  /** Mixed into the document and series ids. */
  readonly idSalt?: string;
  readonly manufacturer?: string;
  readonly model?: string;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** MDC code of a lead name: the standard leads as MDC_ECG_LEAD_<NAME>, others kept as written. */
export function mdcLeadCode(name: string): string {
  const std = standardLeadName(name);
  return /^(I|II|III|aVR|aVL|aVF|V\d+R?|X|Y|Z)$/.test(std) ? `MDC_ECG_LEAD_${std.toUpperCase()}` : name;
}

function uuid(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 'YYYY-MM-DD' + 'HH:MM:SS' as an HL7 TS ('YYYYMMDDHHMMSS'). */
function timestamp(date: string | undefined, time: string | undefined): string {
  if (!date) return DUMMY_TS;
  return `${date.replace(/-/g, '')}${(time ?? '00:00:00').replace(/:/g, '').slice(0, 6).padEnd(6, '0')}`;
}

/** Adds seconds to an HL7 TS (for the series' effective time high bound). */
function addSeconds(ts: string, seconds: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(ts);
  if (!m) return ts;
  const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + Math.round(seconds * 1000));
  return t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function digitsText(x: Int16Array): string {
  const lines: string[] = [];
  for (let i = 0; i < x.length; i += 40) lines.push(Array.prototype.join.call(x.subarray(i, i + 40), ' '));
  return lines.join('\n');
}

function sequenceSet(indent: string, time: string, leads: readonly string[], counts: readonly Int16Array[], stepUv: number): string {
  const i = indent;
  const out = [`${i}<component>`, `${i}  <sequenceSet>`, `${i}    <component>`, `${i}      <sequence>`, time, `${i}      </sequence>`, `${i}    </component>`];
  leads.forEach((name, k) => {
    out.push(
      `${i}    <component>`,
      `${i}      <sequence>`,
      `${i}        <code code="${escapeXml(mdcLeadCode(name))}" codeSystem="${MDC}" codeSystemName="MDC"/>`,
      `${i}        <value xsi:type="SLIST_PQ">`,
      `${i}          <origin value="0" unit="uV"/>`,
      `${i}          <scale value="${stepUv}" unit="uV"/>`,
      `${i}          <digits>${digitsText(counts[k])}</digits>`,
      `${i}        </value>`,
      `${i}      </sequence>`,
      `${i}    </component>`,
    );
  });
  out.push(`${i}  </sequenceSet>`, `${i}</component>`);
  return out.join('\n');
}

function subject(p: PatientIdentity | undefined): string[] {
  if (!p) return [];
  const sex = p.sex === 'M' || p.sex === 'F' ? p.sex : p.sex ? 'UN' : undefined;
  return [
    '            <trialSubject>',
    ...(p.id ? [`              <id root="2.16.840.1.113883.3.999" extension="${escapeXml(p.id)}"/>`] : []),
    '              <subjectDemographicPerson>',
    ...(p.name ? [`                <name>${escapeXml(p.name)}</name>`] : []),
    ...(sex ? [`                <administrativeGenderCode code="${sex}" codeSystem="2.16.840.1.113883.5.1"/>`] : []),
    ...(p.birthDate ? [`                <birthTime value="${escapeXml(p.birthDate.replace(/-/g, ''))}"/>`] : []),
    '              </subjectDemographicPerson>',
    '            </trialSubject>',
  ];
}

function statementsSet(statements: readonly string[]): string[] {
  if (!statements.length) return [];
  return [
    '      <subjectOf>',
    '        <annotationSet>',
    '          <component>',
    '            <annotation>',
    `              <code code="MDC_ECG_INTERPRETATION" codeSystem="${MDC}" codeSystemName="MDC"/>`,
    ...statements.flatMap((s) => [
      '              <component>',
      '                <annotation>',
      `                  <code code="MDC_ECG_INTERPRETATION_STATEMENT" codeSystem="${MDC}" codeSystemName="MDC"/>`,
      `                  <value xsi:type="ST">${escapeXml(s)}</value>`,
      '                </annotation>',
      '              </component>',
    ]),
    '            </annotation>',
    '          </component>',
    '        </annotationSet>',
    '      </subjectOf>',
  ];
}

/** Encodes `ecg` as an HL7 aECG document (UTF-8). */
export function writeAecg(ecg: WritableEcg, opts: AecgWriteOptions = {}): WriteResult {
  const n = checkWritable(ecg, 'aECG');
  const warnings: string[] = [];
  const stepUv = ecg.stepUv ?? amplitudeStepUv(ecg.signals);
  const counts = quantizeLeads(ecg.leads, ecg.signals, stepUv, warnings);
  const head = timestamp(ecg.date, ecg.time);
  const salt = [opts.idSalt ?? '', ecg.patient?.id ?? '', head, n, ecg.fs, ...counts.map((x) => x.subarray(0, 64).join(','))];
  const increment = 1 / ecg.fs;
  const rhythmTime = [
    `            <code code="TIME_ABSOLUTE" codeSystem="${ACT_CODE}" codeSystemName="ActCode"/>`,
    '            <value xsi:type="GLIST_TS">',
    `              <head value="${head}"/>`,
    `              <increment value="${increment}" unit="s"/>`,
    '            </value>',
  ].join('\n');
  const device = opts.manufacturer || opts.model
    ? [
        '      <author>',
        '        <seriesAuthor>',
        '          <manufacturedSeriesDevice>',
        ...(opts.model ? [`            <manufacturerModelName>${escapeXml(opts.model)}</manufacturerModelName>`] : []),
        '          </manufacturedSeriesDevice>',
        ...(opts.manufacturer ? ['          <manufacturerOrganization>', `            <name>${escapeXml(opts.manufacturer)}</name>`, '          </manufacturerOrganization>'] : []),
        '        </seriesAuthor>',
        '      </author>',
      ]
    : [];
  let derived: string[] = [];
  const m = ecg.median;
  if (m && m.signals.length) {
    const mStep = m.stepUv ?? amplitudeStepUv(m.signals, stepUv);
    const mCounts = quantizeLeads(m.leads, m.signals, mStep, warnings, 'median');
    const relTime = [
      `                <code code="TIME_RELATIVE" codeSystem="${ACT_CODE}" codeSystemName="ActCode"/>`,
      '                <value xsi:type="GLIST_PQ">',
      '                  <head value="0" unit="s"/>',
      `                  <increment value="${1 / m.fs}" unit="s"/>`,
      '                </value>',
    ].join('\n');
    derived = [
      '      <derivation>',
      '        <derivedSeries>',
      `          <id root="${uuid('median', ...salt)}"/>`,
      `          <code code="REPRESENTATIVE_BEAT" codeSystem="${ACT_CODE}" codeSystemName="ActCode"/>`,
      sequenceSet('          ', relTime, m.leads, mCounts, mStep),
      '        </derivedSeries>',
      '      </derivation>',
    ];
  }
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:voc="urn:hl7-org:v3/voc" type="Observation">',
    `  <id root="${uuid('document', ...salt)}"/>`,
    '  <code code="93000" codeSystem="2.16.840.1.113883.6.12" codeSystemName="CPT-4"/>',
    `  <effectiveTime><center value="${head}"/></effectiveTime>`,
    '  <componentOf>',
    '    <timepointEvent>',
    '      <code code="UNSCHEDULED" codeSystem="2.16.840.1.113883.3.999"/>',
    '      <componentOf>',
    '        <subjectAssignment>',
    '          <subject>',
    ...(ecg.patient ? subject(ecg.patient) : ['            <trialSubject>', '              <id root="2.16.840.1.113883.3.999" nullFlavor="MSK"/>', '            </trialSubject>']),
    '          </subject>',
    '          <componentOf>',
    '            <clinicalTrial>',
    '              <id root="2.16.840.1.113883.3.999" extension="NONE"/>',
    '            </clinicalTrial>',
    '          </componentOf>',
    '        </subjectAssignment>',
    '      </componentOf>',
    '    </timepointEvent>',
    '  </componentOf>',
    '  <component>',
    '    <series>',
    `      <id root="${uuid('series', ...salt)}"/>`,
    `      <code code="RHYTHM" codeSystem="${ACT_CODE}" codeSystemName="ActCode"/>`,
    `      <effectiveTime><low value="${head}" inclusive="true"/><high value="${addSeconds(head, n / ecg.fs)}" inclusive="false"/></effectiveTime>`,
    ...device,
    sequenceSet('      ', rhythmTime, ecg.leads, counts, stepUv),
    ...statementsSet(ecg.statements ?? []),
    ...derived,
    '    </series>',
    '  </component>',
    '</AnnotatedECG>',
    '',
  ].join('\n');
  return { bytes: new Uint8Array(Buffer.from(xml, 'utf8')), warnings };
}
