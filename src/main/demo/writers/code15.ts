// CODE-15%-style HDF5 part file: `tracings` float32 (N, 4096, 12) at 400 Hz, each exam centred and
// zero-padded, and `exam_id` int64 (N,). Written in row blocks (hyperslabs) so a part of
// thousands of exams never sits in memory whole.
import h5wasm, { type Dataset, type File as H5File } from 'h5wasm/node';

export const CODE15_LENGTH = 4096;
const EPOCH = Date.UTC(2020, 0, 1);

/** HDF5 stamps object headers with the wall clock; a fixed clock makes the file bytes reproducible. */
function atFixedTime<T>(work: () => T): T {
  const now = Date.now;
  Date.now = () => EPOCH;
  try {
    return work();
  } finally {
    Date.now = now;
  }
}

/** Centres `samples` (n x 12, frame-major) in a 4096-sample frame-major row. */
export function padTracing(leads: readonly Float64Array[]): Float32Array {
  const n = Math.min(CODE15_LENGTH, leads[0].length);
  const row = new Float32Array(CODE15_LENGTH * 12);
  const start = Math.floor((CODE15_LENGTH - n) / 2);
  for (let i = 0; i < n; i++) for (let s = 0; s < 12; s++) row[(start + i) * 12 + s] = leads[s][i];
  return row;
}

export class Code15Writer {
  private constructor(
    private readonly file: H5File,
    private readonly tracings: Dataset,
  ) {}

  static async open(path: string, rows: number): Promise<Code15Writer> {
    await h5wasm.ready;
    return atFixedTime(() => {
      const file = new h5wasm.File(path, 'w');
      const tracings = file.create_dataset({
        name: 'tracings',
        data: new Float32Array(0),
        shape: [0, CODE15_LENGTH, 12],
        maxshape: [null, CODE15_LENGTH, 12],
        chunks: [1, CODE15_LENGTH, 12],
        dtype: '<f',
      });
      tracings.resize([rows, CODE15_LENGTH, 12]);
      return new Code15Writer(file, tracings);
    });
  }

  /** Writes consecutive rows starting at `row` (each row CODE15_LENGTH x 12 float32). */
  writeRows(row: number, data: Float32Array): void {
    const count = data.length / (CODE15_LENGTH * 12);
    atFixedTime(() => this.tracings.write_slice([[row, row + count], [], []], data));
  }

  close(examIds: readonly number[]): void {
    atFixedTime(() => {
      this.file.create_dataset({ name: 'exam_id', data: BigInt64Array.from(examIds.map((x) => BigInt(x))), dtype: '<q' });
      this.file.close();
    });
  }
}
