// How far one float array is from a reference: the largest absolute difference over the largest
// reference magnitude (so a tolerance reads as a fraction of the values' scale).
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}
