// PTB-XL's SCP-ECG statements mapped to SNOMED-CT codes of the 24 scored classes.
//
// PTB-XL (Wagner et al., Sci Data 2020; scp_statements.csv) annotates each record with SCP-ECG
// statements of three kinds: diagnostic (with a likelihood 0-100), form and rhythm (likelihood 0:
// "not given", not "absent"). Every statement is kept: one with a class below becomes that class's
// SNOMED code, every statement also stays as the pseudo-code 'scp:<statement>' so nothing is lost
// and a different mapping can be applied later from the catalog.
//
// Choices, statement by statement (PTB-XL description -> class):
//   SR     sinus rhythm                                   -> NSR    426783006
//   AFIB   atrial fibrillation                            -> AF     164889003
//   AFLT   atrial flutter                                 -> AFL    164890007
//   STACH  sinus tachycardia                              -> STach  427084000
//   SBRAD  sinus bradycardia                              -> SB     426177001
//   SARRH  sinus arrhythmia                               -> SA     427393009
//   1AVB   first degree AV block                          -> IAVB   270492004
//   CRBBB  complete right bundle branch block            -> RBBB   59118001 (the class merges 713427006 and 59118001)
//   IRBBB  incomplete right bundle branch block          -> IRBBB  713426002
//   CLBBB  complete left bundle branch block             -> LBBB   164909002
//   LAFB   left anterior fascicular block                 -> LAnFB  445118002
//   IVCD   non-specific intraventricular conduction disturbance (block) -> NSIVCB 698252002
//   LVOLT  low QRS voltages in the frontal and horizontal leads -> LQRSV 251146004
//   PACE   normal functioning artificial pacemaker        -> PR     10370003
//   PAC    atrial premature complex(es)                   -> PAC    284470004
//   SVARR  supraventricular arrhythmia                    -> not mapped: in PTB-XL it means premature
//          supraventricular beats *or* runs, and the PAC class would then count runs as PACs; kept as scp:SVARR.
//   PVC    ventricular premature complex(es)              -> PVC    427172004
//   BIGU, TRIGU  bigeminal / trigeminal pattern           -> not mapped (unknown whether atrial or ventricular)
//   LPR    prolonged PR interval                          -> LPR    164947007
//   LNGQT  long QT interval                               -> LQT    111975006
//   QWAVE  Q waves present                                -> QAb    164917005
//   INVT   inverted T waves                               -> TInv   59931005
//   NT_    non-specific T-wave changes                    -> TAb    164934002
//   NDT    non-diagnostic T abnormalities                 -> TAb    164934002
//   LOWT   low amplitude T waves                          -> TAb    164934002 (CinC 2020 scored "T wave abnormal"
//          as any T-wave abnormality short of inversion; flat/low T is the commonest)
//   TAB_   T-wave abnormality                             -> TAb    164934002
//   NORM   normal ECG                                     -> not mapped: a diagnostic superclass, not a rhythm;
//          PTB-XL states the rhythm separately (SR, SBRAD, ...), so NSR comes only from SR.
//   Bradycardia (Brady 426627000) has no SCP statement of its own: SBRAD is the sinus form and maps to SB.
// heart_axis column (not an SCP statement): LAD, ALAD -> LAD 39732003; RAD, ARAD -> RAD 47665007
// (ALAD/ARAD: abnormal left/right axis; AXL/AXR "axis left/right" are normal variants and stay unmapped).
// Diagnostic statements (MI, ISC_, LVH, ...) have no class among the 24 and stay as scp: codes.

import { FormatError } from '../formats/types.js';

export const SCP_TO_SNOMED: Readonly<Record<string, string>> = {
  SR: '426783006',
  AFIB: '164889003',
  AFLT: '164890007',
  STACH: '427084000',
  SBRAD: '426177001',
  SARRH: '427393009',
  '1AVB': '270492004',
  CRBBB: '59118001',
  IRBBB: '713426002',
  CLBBB: '164909002',
  LAFB: '445118002',
  IVCD: '698252002',
  LVOLT: '251146004',
  PACE: '10370003',
  PAC: '284470004',
  PVC: '427172004',
  LPR: '164947007',
  LNGQT: '111975006',
  QWAVE: '164917005',
  INVT: '59931005',
  NT_: '164934002',
  NDT: '164934002',
  LOWT: '164934002',
  TAB_: '164934002',
};

export const HEART_AXIS_TO_SNOMED: Readonly<Record<string, string>> = {
  LAD: '39732003',
  ALAD: '39732003',
  RAD: '47665007',
  ARAD: '47665007',
};

/**
 * Parses PTB-XL's scp_codes column, a Python dict literal: "{'NORM': 100.0, 'SR': 0.0}".
 * Returns statement -> likelihood in file order. FormatError for anything else.
 */
export function parseScpCodes(literal: string): Map<string, number> {
  const text = literal.trim();
  const result = new Map<string, number>();
  if (text === '' || text === '{}') return result;
  if (!text.startsWith('{') || !text.endsWith('}')) throw new FormatError('ptbxl-scp', `scp_codes is not a dict literal: ${literal}`);
  const body = text.slice(1, -1);
  const item = /\s*(['"])(.*?)\1\s*:\s*([-+0-9.eE]+|nan|NaN)\s*(,|$)/y;
  let pos = 0;
  while (pos < body.length) {
    item.lastIndex = pos;
    const m = item.exec(body);
    if (!m) {
      if (body.slice(pos).trim() === '') break;
      throw new FormatError('ptbxl-scp', `cannot parse scp_codes near "${body.slice(pos, pos + 20)}" in ${literal}`);
    }
    result.set(m[2], Number(m[3]));
    pos = item.lastIndex;
  }
  return result;
}

/** SNOMED codes (deduplicated) then 'scp:' pseudo-codes for every statement, plus the heart-axis code. */
export function ptbxlCodes(statements: ReadonlyMap<string, number>, heartAxis: string | null): string[] {
  const snomed = new Set<string>();
  const pseudo: string[] = [];
  for (const statement of statements.keys()) {
    const code = SCP_TO_SNOMED[statement];
    if (code) snomed.add(code);
    pseudo.push(`scp:${statement}`);
  }
  const axis = heartAxis?.trim();
  if (axis) {
    const code = HEART_AXIS_TO_SNOMED[axis];
    if (code) snomed.add(code);
    pseudo.push(`axis:${axis}`);
  }
  return [...snomed, ...pseudo];
}
