// The canonical store: fixed-size records in append-only binary shards, read back by (shard, offset).
//
// <dir>/store.json           settings and format version (written once, atomically)
// <dir>/shard-000000.bin ... records back to back, recordBytes each; every shard but the last is full
// <dir>/writer.lock          pid of the one writer; readers take no lock
// A record is 12 leads x length samples, lead-major, little-endian: int16 microvolts (clipped to
// +-32767 uV, i.e. +-32.767 mV) or float32 millivolts. A crash can leave a partial record at the end
// of the last shard; opening for writing cuts it away. Records written but never committed to the
// catalog are harmless, and truncateTo() lets the importer drop them.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { LEAD_COUNT } from '../../shared/leads.js';
import { acquireLock } from './lock.js';
import { encodeRecord } from './store-encode.js';
import { INT16_PER_MV, StoreError, checkSettings, createStoreFile, readStoreFile, type StoreDtype, type StoreFile, type StoreSettings } from './store-file.js';

export { DEFAULT_RECORDS_PER_SHARD, STORE_FORMAT, STORE_VERSION, StoreError, type StoreDtype, type StoreSettings } from './store-file.js';

export interface StoreLocation {
  readonly shard: number;
  readonly offset: number;
}

export interface AppendedRecord extends StoreLocation {
  /** Samples clipped to +-32767 uV (int16 stores only; always 0 for float32). */
  readonly clipped: number;
}

const shardName = (shard: number) => `shard-${String(shard).padStart(6, '0')}.bin`;
const MAX_OPEN_READERS = 64;

export class ShardStore {
  readonly rate: number;
  readonly length: number;
  readonly dtype: StoreDtype;
  readonly recordsPerShard: number;
  /** Samples per record: 12 * length. */
  readonly values: number;
  readonly recordBytes: number;
  /** Records per shard as far as known; the last entry grows as records are appended. */
  private readonly counts: number[];
  private readonly readers = new Map<number, number>();
  private writeFd: number | null = null;
  private encodeBuffer = new Uint8Array(0);
  private newFiles = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    file: StoreFile,
    private readonly release: (() => void) | null,
  ) {
    this.rate = file.rate;
    this.length = file.length;
    this.dtype = file.dtype;
    this.recordsPerShard = file.recordsPerShard;
    this.values = LEAD_COUNT * file.length;
    this.recordBytes = file.recordBytes;
    this.counts = [];
  }

  /**
   * Open (or create) the store in `dir` for writing. Refuses a store written with other settings,
   * takes the writer lock, and cuts a partial trailing record left by a crash.
   */
  static open(dir: string, settings: StoreSettings): ShardStore {
    if (endianness() !== 'LE') throw new StoreError('corrupt', 'the canonical store is little-endian; this machine is not');
    mkdirSync(dir, { recursive: true });
    const release = acquireLock(join(dir, 'writer.lock'));
    try {
      if (!existsSync(join(dir, 'store.json')) && existsSync(join(dir, shardName(0)))) {
        throw new StoreError('not-a-store', `${dir} holds shards but no store.json: their settings are unknown, so they are left alone`);
      }
      const file = existsSync(join(dir, 'store.json')) ? readStoreFile(dir) : createStoreFile(dir, settings);
      checkSettings(dir, file, settings);
      const store = new ShardStore(dir, file, release);
      store.scan(true);
      return store;
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Open an existing store for reading only (no lock; a concurrent writer may keep appending). */
  static openReader(dir: string): ShardStore {
    if (!existsSync(join(dir, 'store.json'))) throw new StoreError('not-a-store', `${dir} holds no canonical store (no store.json)`);
    const store = new ShardStore(dir, readStoreFile(dir), null);
    store.scan(false);
    return store;
  }

  /** Records in the store. */
  get count(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** Where the next record goes; what the importer commits as its end. */
  end(): StoreLocation {
    const last = this.counts.length - 1;
    if (last < 0) return { shard: 0, offset: 0 };
    return this.counts[last] >= this.recordsPerShard ? { shard: last + 1, offset: 0 } : { shard: last, offset: this.counts[last] };
  }

  /** Append canonical records (Float32Array of 12 * length mV each) in order; returns where each went. */
  append(rows: readonly Float32Array[]): AppendedRecord[] {
    this.writable();
    for (const row of rows) if (row.length !== this.values) throw new StoreError('bad-record', `a record holds ${this.values} samples (12 x ${this.length}); got ${row.length}`);
    const clipped: number[] = [];
    const locs = this.write(rows.length, (i, buffer, at) => clipped.push(encodeRecord(rows[i], this.dtype, buffer, at)));
    return locs.map((loc, i) => ({ ...loc, clipped: clipped[i] }));
  }

  /** Append records already in the store's form (encodeRecord's bytes, recordBytes each), in order. */
  appendEncoded(rows: readonly Uint8Array[]): StoreLocation[] {
    this.writable();
    for (const row of rows) if (row.length !== this.recordBytes) throw new StoreError('bad-record', `an encoded record is ${this.recordBytes} bytes; got ${row.length}`);
    return this.write(rows.length, (i, buffer, at) => buffer.set(rows[i], at));
  }

  /** Writes `n` records that `fill` puts into the write buffer, shard by shard. */
  private write(n: number, fill: (i: number, buffer: Uint8Array, at: number) => void): StoreLocation[] {
    const out: StoreLocation[] = [];
    let i = 0;
    while (i < n) {
      const { shard, offset } = this.end();
      const fd = this.writerFor(shard);
      const take = Math.min(n - i, this.recordsPerShard - offset);
      const bytes = take * this.recordBytes;
      if (this.encodeBuffer.length < bytes) this.encodeBuffer = new Uint8Array(new ArrayBuffer(bytes));
      for (let r = 0; r < take; r++) {
        fill(i + r, this.encodeBuffer, r * this.recordBytes);
        out.push({ shard, offset: offset + r });
      }
      let written = 0;
      while (written < bytes) written += writeSync(fd, this.encodeBuffer, written, bytes - written, offset * this.recordBytes + written);
      this.counts[shard] = offset + take;
      i += take;
    }
    return out;
  }

  /** One record in mV. */
  read(shard: number, offset: number): Float32Array {
    const out = new Float32Array(this.values);
    this.readRun(shard, offset, 1, out, 0);
    return out;
  }

  /**
   * Records at `locations`, one after another in one array (locations.length x 12 x length, mV),
   * ready for a batch tensor. Consecutive locations in one shard are read with one call.
   */
  readMany(locations: readonly StoreLocation[], out = new Float32Array(locations.length * this.values)): Float32Array {
    if (out.length < locations.length * this.values) throw new RangeError(`output holds ${out.length} samples, the batch needs ${locations.length * this.values}`);
    let i = 0;
    while (i < locations.length) {
      const { shard, offset } = locations[i];
      let run = 1;
      while (i + run < locations.length && locations[i + run].shard === shard && locations[i + run].offset === offset + run) run++;
      this.readRun(shard, offset, run, out, i * this.values);
      i += run;
    }
    return out;
  }

  /** Drop every record from (shard, offset) on, e.g. the ones the catalog never committed. */
  truncateTo(shard: number, offset: number): void {
    this.writable();
    const end = this.end();
    if (shard > end.shard || (shard === end.shard && offset > end.offset) || offset < 0 || offset > this.recordsPerShard) {
      throw new StoreError('out-of-range', `cannot truncate to shard ${shard} offset ${offset}: the store ends at shard ${end.shard} offset ${end.offset}`);
    }
    // Nothing beyond the point (every import starts with this call): no write, so no fsyncs to wait for.
    if (shard === end.shard && offset === end.offset) return;
    this.closeWriter();
    // Highest shard first, so that a crash half-way still leaves full shards followed by one last shard.
    for (let s = this.counts.length - 1; s > shard; s--) {
      this.closeReader(s);
      unlinkSync(join(this.dir, shardName(s)));
      this.counts.pop();
    }
    if (shard < this.counts.length) {
      const fd = openSync(join(this.dir, shardName(shard)), 'r+');
      ftruncateSync(fd, offset * this.recordBytes);
      fsyncSync(fd);
      closeSync(fd);
      this.counts[shard] = offset;
    }
    this.syncDir();
  }

  /** Make everything appended so far durable (fsync of the shard and, after new shards, the folder). */
  flush(): void {
    if (this.writeFd !== null) fsyncSync(this.writeFd);
    if (this.newFiles) this.syncDir();
  }

  close(): void {
    if (this.closed) return;
    if (this.release) this.flush();
    this.closeWriter();
    for (const s of [...this.readers.keys()]) this.closeReader(s);
    this.release?.();
    this.closed = true;
  }

  private writable(): void {
    if (this.closed) throw new StoreError('closed', `the store in ${this.dir} is closed`);
    if (!this.release) throw new StoreError('read-only', `the store in ${this.dir} is open for reading only`);
  }

  /** Learn the shard sizes; a writer also repairs a partial trailing record. */
  private scan(repair: boolean): void {
    const names = new Set(readdirSync(this.dir));
    this.counts.length = 0;
    for (let s = 0; names.has(shardName(s)); s++) {
      const size = statSync(join(this.dir, shardName(s))).size;
      this.counts.push(Math.floor(size / this.recordBytes));
      if (size % this.recordBytes !== 0 && repair) {
        if (names.has(shardName(s + 1))) throw new StoreError('corrupt', `${shardName(s)} in ${this.dir} ends in a partial record but is not the last shard`);
        const fd = openSync(join(this.dir, shardName(s)), 'r+');
        ftruncateSync(fd, this.counts[s] * this.recordBytes);
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    this.counts.forEach((n, s) => {
      const last = s === this.counts.length - 1;
      if (n > this.recordsPerShard || (!last && n !== this.recordsPerShard)) {
        throw new StoreError('corrupt', `${shardName(s)} in ${this.dir} holds ${n} records; shards before the last hold exactly ${this.recordsPerShard}`);
      }
    });
  }

  private writerFor(shard: number): number {
    if (this.writeFd !== null && shard === this.counts.length - 1) return this.writeFd;
    if (this.writeFd !== null) {
      fsyncSync(this.writeFd); // the shard is full: make it durable once, before moving on
      this.closeWriter();
    }
    const path = join(this.dir, shardName(shard));
    if (shard === this.counts.length) {
      this.writeFd = openSync(path, 'w+');
      this.counts.push(0);
      this.newFiles = true;
    } else {
      this.writeFd = openSync(path, 'r+');
    }
    return this.writeFd;
  }

  private closeWriter(): void {
    if (this.writeFd !== null) closeSync(this.writeFd);
    this.writeFd = null;
  }

  private readerFor(shard: number): number {
    let fd = this.readers.get(shard);
    if (fd === undefined) {
      if (this.readers.size >= MAX_OPEN_READERS) this.closeReader(this.readers.keys().next().value as number);
      fd = openSync(join(this.dir, shardName(shard)), 'r');
    } else {
      this.readers.delete(shard); // re-inserted below: the map's order is least recently used first
    }
    this.readers.set(shard, fd);
    return fd;
  }

  private closeReader(shard: number): void {
    const fd = this.readers.get(shard);
    if (fd !== undefined) closeSync(fd);
    this.readers.delete(shard);
  }

  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.newFiles = false;
  }

  private readRun(shard: number, offset: number, run: number, out: Float32Array, at: number): void {
    if (this.closed) throw new StoreError('closed', `the store in ${this.dir} is closed`);
    if (!(shard >= 0 && offset >= 0 && Number.isInteger(shard) && Number.isInteger(offset)) || offset + run > this.recordsIn(shard, offset + run)) {
      throw new StoreError('out-of-range', `no record at shard ${shard} offset ${offset + run - 1} (the store holds ${this.count})`);
    }
    const fd = this.readerFor(shard);
    const bytes = run * this.recordBytes;
    if (this.dtype === 'float32') {
      // Read straight into the output's memory: no copy.
      readFully(fd, new Uint8Array(out.buffer, out.byteOffset + at * 4, bytes), offset * this.recordBytes);
      return;
    }
    const raw = new Int16Array(run * this.values);
    readFully(fd, new Uint8Array(raw.buffer), offset * this.recordBytes);
    const perMv = INT16_PER_MV;
    for (let i = 0; i < raw.length; i++) out[at + i] = raw[i] / perMv;
  }

  /** Records in a shard; a reader re-checks the disk when it needs more, since a writer may have appended. */
  private recordsIn(shard: number, need: number): number {
    const known = shard < this.counts.length ? this.counts[shard] : 0;
    if (this.release || known >= need || !existsSync(join(this.dir, shardName(shard)))) return known;
    const n = Math.floor(fstatSync(this.readerFor(shard)).size / this.recordBytes);
    while (this.counts.length <= shard) this.counts.push(0);
    this.counts[shard] = n;
    return n;
  }
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) throw new StoreError('corrupt', `shard ended ${into.length - got} bytes early`);
    got += n;
  }
}
