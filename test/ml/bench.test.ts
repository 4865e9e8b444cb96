// `openecg bench`: argument checking and a real (tiny) measurement through runBench.
import { describe, expect, it } from 'vitest';
import { benchCommand } from '../../src/main/cli/bench.js';
import { UsageError } from '../../src/main/cli/command.js';
import { median, runBench } from '../../src/main/ml/bench.js';

describe('bench', () => {
  it('rejects unknown modes, models and backends', async () => {
    await expect(benchCommand.run(['fly'])).rejects.toThrow(UsageError);
    await expect(benchCommand.run(['train', '--model', 'resnet7'])).rejects.toThrow(/unknown model 'resnet7'/);
    await expect(benchCommand.run(['infer', '--backend', 'cuda'])).rejects.toThrow(/unknown backend 'cuda'/);
  });

  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('times a tiny resnet18_1d training step and inference on WASM', async () => {
    const common = { model: 'resnet18_1d' as const, batch: 2, steps: 2, backend: 'wasm' as const, samples: 100, width: 0.0625, depth: 0.5 };
    for (const mode of ['train', 'infer'] as const) {
      const r = await runBench({ ...common, mode });
      expect(r.backend).toBe('wasm');
      expect(r.timesMs.length).toBe(2);
      expect(r.msPerStep).toBeGreaterThan(0);
      // msPerStep is rounded to 0.1 ms, samplesPerSecond comes from the unrounded median.
      expect(r.samplesPerSecond).toBeGreaterThan(2000 / (r.msPerStep + 0.05) - 0.1);
      expect(r.samplesPerSecond).toBeLessThan(2000 / Math.max(0.01, r.msPerStep - 0.05) + 0.1);
      expect(r.params).toBeGreaterThan(1000);
      expect(r.workers).toBe(1);
    }
  });
});
