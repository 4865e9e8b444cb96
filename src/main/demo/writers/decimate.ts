// Integer-factor decimation with a windowed-sinc anti-aliasing filter (for PTB-XL's 100 Hz copy).
// A linear filter applied lead by lead keeps the lead relations.

export function decimate(leads: readonly Float64Array[], factor: number): Float64Array[] {
  const half = 4 * factor;
  const taps = new Float64Array(2 * half + 1);
  const cutoff = 0.8 / (2 * factor);
  let sum = 0;
  for (let k = -half; k <= half; k++) {
    const x = 2 * cutoff * k;
    const sinc = k === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const hann = 0.5 + 0.5 * Math.cos((Math.PI * k) / (half + 1));
    taps[k + half] = sinc * hann;
    sum += taps[k + half];
  }
  for (let k = 0; k < taps.length; k++) taps[k] /= sum;
  return leads.map((x) => {
    const n = Math.floor(x.length / factor);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = i * factor;
      let acc = 0;
      for (let k = -half; k <= half; k++) {
        // Edges reflect the signal rather than pad with zeros, so the first samples keep their level.
        let j = c + k;
        if (j < 0) j = -j;
        else if (j >= x.length) j = 2 * x.length - 2 - j;
        acc += taps[k + half] * x[j];
      }
      out[i] = acc;
    }
    return out;
  });
}
