import { test } from 'vitest';
import { generateDemoCorpus } from '../../src/main/demo/index.js';
test('scratch', async () => {
  const t = performance.now();
  const m = await generateDemoCorpus('/tmp/h5scratch/corpus', { seed: 3, records: 300, workers: 1 });
  console.log((performance.now() - t).toFixed(0), 'ms', JSON.stringify(m.centers));
});
