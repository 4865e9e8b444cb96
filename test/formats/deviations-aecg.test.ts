// HL7 aECG deviations real files show (docs/format-deviations.md): each file is written here with
// the project's aECG writer and its XML then altered to show one deviation; read with the
// warning (same samples as written), or refused with one clear line.
import { describe, expect, it } from 'vitest';
import { writeAecg } from '../../src/main/formats/aecg/write.js';
import { tempDir } from '../temp.js';
import { deviationFiles } from './helpers/deviation-file.js';
import { expectSameAtStep, generatedEcg } from './write-check.js';

const dir = tempDir('dev-aecg');
const { read, refusal } = deviationFiles(dir);
const ecg = { ...generatedEcg(47, 2, 2.5), date: '2021-03-04', time: '05:06:07' };
const xml = (() => {
  const out = writeAecg(ecg);
  expect(out.warnings).toEqual([]);
  return Buffer.from(out.bytes).toString('utf8');
})();



/** Replaces every match, failing when there is none (so a changed writer cannot make a test vacuous). */
function edit(text: string, pattern: RegExp, by: string | ((m: string, ...g: string[]) => string)): string {
  expect(pattern.test(text), String(pattern)).toBe(true);
  return text.replace(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), by as string);
}

describe('HL7 aECG deviations read with a warning (or silently, where nothing is in doubt)', () => {
  it('no origin on the leads: 0 assumed', async () => {
    const r = await read(edit(xml, /\s*<origin value="0" unit="uV"\/>/, ''), 'noorigin.xml');
    expectSameAtStep(r, ecg, 2.5, 'no origin');
    expect(r.warnings).toEqual(['RHYTHM: no origin for every lead: 0 assumed']);
  });

  it('digits split by newlines, tabs and runs of spaces read the same', async () => {
    let n = 0;
    const r = await read(edit(xml, /<digits>([^<]*)<\/digits>/, (_m, d: string) => `<digits>\n\t ${d.trim().split(' ').map((v) => (++n % 7 ? `${v}  ` : `${v}\r\n\t`)).join('')}\n</digits>`), 'spaces.xml');
    expectSameAtStep(r, ecg, 2.5, 'whitespace');
    expect(r.warnings).toEqual([]);
  });

  it('no effectiveTime and a time head without a date: read, without a date', async () => {
    const text = edit(edit(xml, /\s*<effectiveTime>[\s\S]*?<\/effectiveTime>/, ''), /<head value="\d+"\/>/, '<head value=""/>');
    const r = await read(text, 'notime.xml');
    expectSameAtStep(r, ecg, 2.5, 'no time');
    expect([r.baseDate, r.baseTime]).toEqual([undefined, undefined]);
    const dated = await read(xml, 'dated.xml');
    expect([dated.baseDate, dated.baseTime]).toEqual(['2021-03-04', '05:06:07']);
  });

  it('leads coded the vendors\' ways: numeric MDC codes, LEAD_ prefixes, plain names', async () => {
    const spell: Record<string, string> = { I: '131073', II: 'LEAD_II', III: 'III', AVR: '131134', V1: 'MDC_ECG_LEAD_V1' };
    const r = await read(edit(xml, /code="MDC_ECG_LEAD_(\w+)"/, (m, lead: string) => (spell[lead] ? `code="${spell[lead]}"` : m)), 'codes.xml');
    expectSameAtStep(r, ecg, 2.5, 'codes');
    expect(r.warnings).toEqual([]);
  });

  it('a lead code that names no lead: kept as written, with a warning', async () => {
    const r = await read(edit(xml, /code="MDC_ECG_LEAD_V6"/, 'code="ACME_CH12"'), 'vendor.xml');
    expectSameAtStep(r, { leads: ecg.leads.map((l) => (l === 'V6' ? 'ACME_CH12' : l)), signals: ecg.signals }, 2.5, 'vendor code');
    expect(r.warnings).toEqual(["RHYTHM: lead code 'ACME_CH12' name no lead this reader knows: kept as written"]);
  });

  it('namespace prefixes on every element (hl7:AnnotatedECG)', async () => {
    const prefixed = xml.replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1hl7:$2').replace('xmlns="urn:hl7-org:v3"', 'xmlns:hl7="urn:hl7-org:v3"');
    expect(prefixed).toContain('<hl7:AnnotatedECG xmlns:hl7="urn:hl7-org:v3"');
    const r = await read(prefixed, 'prefixed.xml');
    expectSameAtStep(r, ecg, 2.5, 'prefixed');
    expect(r.warnings).toEqual([]);
  });

  it('a time increment without a unit, whose value in seconds gives an ECG rate', async () => {
    const r = await read(edit(xml, /<increment value="0.002" unit="s"\/>/, '<increment value="0.002"/>'), 'nounit.xml');
    expect(r.fs).toBe(500);
    expectSameAtStep(r, ecg, 2.5, 'increment unit');
    expect(r.warnings).toEqual(['RHYTHM: time increment 0.002 has no unit: read as seconds (500 Hz)']);
  });
});

describe('HL7 aECG deviations refused', () => {
  it('a time increment without a unit that could be seconds or milliseconds', async () => {
    const err = await refusal(edit(xml, /<increment value="0.002" unit="s"\/>/, '<increment value="2"/>'), 'ambiguous.xml');
    expect(err.message).toMatch(/: RHYTHM: no time sequence with a usable increment \(GLIST_TS or GLIST_PQ in s or ms; found 2 without a unit\)$/);
  });

  it('a lead without a scale', async () => {
    let first = true;
    const text = edit(xml, /\s*<scale value="2.5" unit="uV"\/>/, (m) => (first ? ((first = false), '') : m));
    const err = await refusal(text, 'noscale.xml');
    expect(err.message).toMatch(/: RHYTHM: lead MDC_ECG_LEAD_I has no scale$/);
  });
});
