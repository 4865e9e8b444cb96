// Physical units of a channel -> factor to millivolts; anything that is not a voltage is not an ECG lead.

const MICRO = ['u', 'µ', 'μ']; // ASCII u, micro sign U+00B5, Greek mu U+03BC: files use all three

/**
 * Factor that brings a channel in `units` to mV, or null when the units are not a voltage
 * (mmHg, NU, %, ...), i.e. the channel is not an ECG lead.
 * Case is ignored for the volt prefix because files write 'mv', 'MV' and 'mV' alike for millivolts
 * (nobody records an ECG in megavolts). An empty unit is taken as mV, the WFDB default.
 */
export function unitScaleToMv(units: string): number | null {
  const u = units.trim().replace(/\s+/g, '');
  if (u === '') return 1;
  const lower = u.toLowerCase();
  if (lower === 'v' || lower === 'volt' || lower === 'volts') return 1000;
  if (lower === 'mv' || lower === 'millivolt' || lower === 'millivolts') return 1;
  if (lower === 'microvolt' || lower === 'microvolts') return 1e-3;
  if (lower === 'nv' || lower === 'nanovolt' || lower === 'nanovolts') return 1e-6;
  if (u.length === 2 && (u[1] === 'V' || u[1] === 'v') && MICRO.includes(u[0].toLowerCase())) return 1e-3;
  return null;
}
