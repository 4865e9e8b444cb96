import { describe, expect, it } from 'vitest';
import { badSamplePrefix, chooseWindow, type WindowRequest } from '../../src/main/signal/window.js';
import { fillGaps } from '../../src/main/signal/gaps.js';
import { lcgNoise } from './scipy-fixtures.js';

/** Noise channels at `fs` for `seconds`: never flat, never at one extreme for long. */
const channels = (count: number, fs: number, seconds: number) => Array.from({ length: count }, (_, c) => lcgNoise(Math.round(fs * seconds), c + 1));
const request = (signals: Float64Array[], fs: number, up: number, down: number, rule: WindowRequest['rule']): WindowRequest => ({ signals, n: signals[0].length, fs, rate: 100, length: 1000, up, down, rule });

describe('chooseWindow', () => {
  it('starts at 0 and reports the valid length for records no longer than the window', () => {
    const s = channels(2, 500, 7);
    for (const rule of ['first', 'center', 'cleanest'] as const) expect(chooseWindow(request(s, 500, 1, 5, rule))).toEqual({ first: 0, count: 700, start: 0 });
    expect(chooseWindow(request(channels(1, 500, 10), 500, 1, 5, 'center'))).toEqual({ first: 0, count: 1000, start: 0 });
  });

  it('takes the first, the middle or the first clean window of a long record', () => {
    const s = channels(3, 500, 60);
    expect(chooseWindow(request(s, 500, 1, 5, 'first'))).toEqual({ first: 0, count: 1000, start: 0 });
    expect(chooseWindow(request(s, 500, 1, 5, 'center'))).toEqual({ first: 2500, count: 1000, start: 12500 });
    expect(chooseWindow(request(s, 500, 1, 5, 'cleanest'))).toEqual({ first: 0, count: 1000, start: 0, badSamples: 0 });
    s[1].fill(Number.NaN, 3000, 3001); // one NaN at 6 s: windows starting at 0..6 s contain it
    expect(chooseWindow(request(s, 500, 1, 5, 'cleanest'))).toEqual({ first: 700, count: 1000, start: 3500, badSamples: 0 });
  });

  it('keeps the start on a whole source sample at 257 Hz (starts are multiples of up = 100)', () => {
    const s = channels(1, 257, 95);
    const c = chooseWindow(request(s, 257, 100, 257, 'center'));
    expect(c.first % 100).toBe(0);
    expect(c.start).toBe((c.first * 257) / 100);
    expect(c.first).toBe(4200); // (9500 - 1000) / 2 = 4250, down to a multiple of 100
  });

  it('picks the least bad window, the earliest among equals, when none is clean', () => {
    const s = channels(2, 100, 20);
    s[0].fill(0, 0, 2000); // channel 0 flat all along: every window has 1000 bad samples
    s[1].fill(Number.NaN, 0, 300); // and channel 1 drops out at 0-3 s, 9-9.5 s and 17-20 s:
    s[1].fill(Number.NaN, 900, 950); // windows starting at 3..7 s hold the 50 NaN of 9-9.5 s only
    s[1].fill(Number.NaN, 1700, 2000);
    expect(chooseWindow(request(s, 100, 1, 1, 'cleanest'))).toEqual({ first: 300, count: 1000, start: 300, badSamples: 1050 });
  });

  it('considers the last possible window too', () => {
    const s = channels(1, 100, 25.5);
    s[0].fill(Number.NaN, 0, 1520);
    expect(chooseWindow(request(s, 100, 1, 1, 'cleanest'))).toEqual({ first: 1550, count: 1000, start: 1550, badSamples: 0 });
  });
});

describe('badSamplePrefix', () => {
  it('counts NaN, flat lines of 0.5 s and more, and runs at the channel extreme (saturation)', () => {
    const fs = 500;
    const x = lcgNoise(5000, 9); // values in [-0.5, 0.5)
    x.fill(Number.NaN, 100, 110); // 10 NaN
    x.fill(0.2, 1000, 1249); // 249 equal samples: just under 0.5 s, not flat
    x.fill(0.1, 2000, 2250); // 250 equal samples: flat
    x.fill(0.5, 3000, 3010); // 10 samples at the maximum (20 ms): saturated
    x.fill(-0.5, 4000, 4004); // 4 samples at the minimum: a peak, not saturation
    const prefix = badSamplePrefix([x], x.length, fs);
    const bad = (from: number, to: number) => prefix[to] - prefix[from];
    expect(bad(0, 5000)).toBe(10 + 250 + 10);
    expect(bad(100, 110)).toBe(10);
    expect(bad(1000, 1249)).toBe(0);
    expect(bad(2000, 2250)).toBe(250);
    expect(bad(3000, 3010)).toBe(10);
    expect(bad(4000, 4004)).toBe(0);
    const two = badSamplePrefix([x, x], x.length, fs);
    expect(two[5000]).toBe(2 * 270);
  });
});

describe('fillGaps', () => {
  it('bridges inner gaps linearly, holds the edges and lists long gaps', () => {
    const x = Float64Array.from([Number.NaN, Number.NaN, 1, 2, Number.NaN, Number.NaN, Number.NaN, 6, 7, Number.NaN]);
    const r = fillGaps(x, 2);
    expect(Array.from(x)).toEqual([1, 1, 1, 2, 3, 4, 5, 6, 7, 7]);
    expect(r.nanCount).toBe(6);
    expect(r.longGaps).toEqual([[4, 7]]);
    const all = Float64Array.from([Number.NaN, Number.NaN]);
    expect(fillGaps(all, 5).nanCount).toBe(2);
    expect(Array.from(all)).toEqual([0, 0]);
  });
});
