import { describe, expect, it } from 'vitest';
import { recycleFrames, recycleSamples, takeFrames, takeSamples } from '../../src/main/formats/sample-pool.js';

describe('sample pool', () => {
  it('hands a recycled array out again, at its length only', () => {
    const a = takeSamples(777);
    a.fill(3);
    recycleSamples([a]);
    expect(takeSamples(778)).not.toBe(a);
    const again = takeSamples(777);
    expect(again).toBe(a);
    expect(takeSamples(777)).not.toBe(a); // taken once, out once
  });

  it('never reuses an array it did not make (a view into a shared buffer)', () => {
    const shared = new Float64Array(1000);
    const view = shared.subarray(0, 500);
    recycleSamples([view, new Float64Array(500)]);
    const got = takeSamples(500);
    expect(got).not.toBe(view);
    got.fill(7);
    expect(shared.every((v) => v === 0)).toBe(true);
  });

  it('keeps an array once even when it comes back twice', () => {
    const a = takeSamples(901);
    recycleSamples([a, a]);
    expect(takeSamples(901)).toBe(a);
    expect(takeSamples(901)).not.toBe(a);
  });
});

describe('frame pool', () => {
  it('hands recycled int16 frames out again and ignores foreign ones', () => {
    const a = takeFrames(1203);
    recycleFrames(a);
    expect(takeFrames(1203)).toBe(a);
    const foreign = new Int16Array(2000).subarray(0, 1203);
    recycleFrames(foreign);
    expect(takeFrames(1203)).not.toBe(foreign);
  });
});
