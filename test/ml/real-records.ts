// A small batch of real CinC records brought to the canonical shape (12 x 1000, 100 Hz, mV).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readRecord } from '../../src/main/formats/index.js';
import { canonicalize } from '../../src/main/signal/index.js';
import { CLASS_COUNT, classOfCode } from '../../src/shared/classes.js';

const CINC = new URL('../../../shared/ecg-samples/cinc/', import.meta.url);

/** `count` records, taken in turn from each center folder so the batch is mixed; lead-major, concatenated. */
export async function realRecords(count: number): Promise<{ data: Float32Array; labels: Float32Array; names: string[] }> {
  const folders = ['cpsc', 'georgia', 'ptbxl', 'chapman', 'ningbo', 'cpsc-extra'];
  const lists = folders.map((f) => readdirSync(fileURLToPath(new URL(f, CINC))).filter((n) => n.endsWith('.hea')).sort().map((n) => `${f}/${n}`));
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const list = lists[i % lists.length];
    names.push(list[Math.floor(i / lists.length) % list.length]);
  }
  const data = new Float32Array(count * 12 * 1000);
  const labels = new Float32Array(count * CLASS_COUNT);
  for (const [i, name] of names.entries()) {
    const reading = await readRecord(fileURLToPath(new URL(name, CINC)));
    data.set(canonicalize(reading).data, i * 12 * 1000);
    // The header's '#Dx:' SNOMED codes, mapped to the 24 scored classes.
    for (const line of reading.comments) {
      const m = /^#?\s*Dx:\s*(.*)$/i.exec(line.trim());
      if (!m) continue;
      for (const code of m[1].split(',')) {
        const c = classOfCode(code);
        if (c) labels[i * CLASS_COUNT + c.index] = 1;
      }
    }
  }
  return { data, labels, names };
}
