// Sections 7 (global measurements), 8 (full-text interpretive statements) and 11 (universal
// statement codes) as comment lines. Section 9 is manufacturer-specific and section 10 (per-lead
// measurements) has no text worth showing next to a record; both are only noted.
import type { ScpBytes } from './bytes.js';
import type { ScpSection } from './sections.js';

const UNDEFINED_MEASURE = 29999;

function globalMeasurements(b: ScpBytes, s: ScpSection): string[] {
  if (s.data + 6 > s.end) return [];
  const beats = b.u8(s.data);
  const rr = b.u16(s.data + 2);
  const pp = b.u16(s.data + 4);
  const parts: string[] = [];
  if (rr && rr < UNDEFINED_MEASURE) parts.push(`RR ${rr} ms`);
  if (pp && pp < UNDEFINED_MEASURE) parts.push(`PP ${pp} ms`);
  // Reference beat type 0's onsets and offsets (ms from the start of the reference beat) and axes.
  const p = s.data + 6;
  if (beats > 0 && p + 16 <= s.end) {
    const [pOn, pOff, qrsOn, qrsOff, tOff] = [0, 2, 4, 6, 8].map((k) => b.u16(p + k));
    const [pAx, qrsAx, tAx] = [10, 12, 14].map((k) => b.i16(p + k));
    const ok = (v: number) => v < UNDEFINED_MEASURE && v !== 999;
    if (ok(pOn) && ok(pOff)) parts.push(`P ${pOn}-${pOff} ms`);
    if (ok(qrsOn) && ok(qrsOff)) parts.push(`QRS ${qrsOn}-${qrsOff} ms`);
    if (ok(tOff)) parts.push(`T end ${tOff} ms`);
    const axes = [['P', pAx], ['QRS', qrsAx], ['T', tAx]].filter(([, v]) => ok(Number(v))).map(([n, v]) => `${n} ${v}`);
    if (axes.length) parts.push(`axes ${axes.join(' ')} deg`);
  }
  return parts.length ? [`#Measurements: ${parts.join(', ')}`] : [];
}

/** Sections 8 and 11 share a header: confirmed flag, date (4), time (3), statement count. */
function statements(b: ScpBytes, s: ScpSection, coded: boolean): string[] {
  if (s.data + 9 > s.end) return [];
  const confirmed = b.u8(s.data) === 1;
  const n = b.u8(s.data + 8);
  const out: string[] = [];
  let p = s.data + 9;
  for (let i = 0; i < n && p + 3 <= s.end; i++) {
    const len = b.u16(p + 1);
    const v = p + 3;
    if (v + len > s.end) break;
    // Section 11 statements start with a type byte, then NUL-separated fields (code, text).
    const bytes = b.buf.subarray(coded ? v + 1 : v, v + len);
    const text = Buffer.from(bytes).toString('latin1').split('\0').map((x) => x.trim()).filter(Boolean).join('; ');
    if (text) out.push(`#Statement${confirmed ? ' (confirmed)' : ''}: ${text}`);
    p = v + len;
  }
  return out;
}

export function readStatementSections(b: ScpBytes, sections: ReadonlyMap<number, ScpSection>): string[] {
  const out: string[] = [];
  const s7 = sections.get(7);
  if (s7) out.push(...globalMeasurements(b, s7));
  const s8 = sections.get(8);
  if (s8) out.push(...statements(b, s8, false));
  const s11 = sections.get(11);
  if (s11) out.push(...statements(b, s11, true));
  if (sections.has(9)) out.push('#SCP section 9: manufacturer-specific data (not interpreted)');
  if (sections.has(10)) out.push('#SCP section 10: per-lead measurements (not interpreted)');
  return out;
}
