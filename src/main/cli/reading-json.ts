// The `openecg read --json` document, written as bytes. A 650000 x 2 record has 1.3 million
// numbers; JSON.stringify on typed arrays or joining 1.3 million strings is slow, but samples
// come from integers (physical = (adc - baseline) / gain), so each distinct ADC value is turned
// into text once and its bytes copied after that. Numbers use JavaScript's shortest round-trip
// form, so the text parses back to exactly the reading's values; NaN prints as null.
import type { Reading } from '../formats/index.js';

/** A growing byte buffer the document is written into (also by the annotation fields' writer). */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    if (b.length > 64) {
      this.buf.set(b, this.length); // long texts: one copy
      this.length += b.length;
      return;
    }
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < b.length; i++) buf[at++] = b[i];
    this.length = at;
  }

  /** Text known to be ASCII (numbers, field names), without an intermediate buffer. */
  ascii(s: string): void {
    this.room(s.length);
    if (s.length > 24) {
      this.length += this.buf.write(s, this.length, 'latin1'); // native copy beats the loop on longer texts
      return;
    }
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.length = at;
  }

  /** Any text, UTF-8 encoded straight into the buffer. */
  text(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.room(n);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;
const NULL = Buffer.from('null');
const CACHE_SPAN = 1 << 16;

function writeChannel(w: ByteWriter, sig: Float64Array, gain: number): void {
  // Short channels are cheaper without the cache than with its allocation.
  const cache: (string | undefined)[] | null = sig.length > CACHE_SPAN / 4 ? new Array(CACHE_SPAN) : null;
  const half = CACHE_SPAN / 2;
  w.byte(OPEN);
  for (let i = 0; i < sig.length; i++) {
    if (i > 0) w.byte(COMMA);
    const v = sig[i];
    if (v !== v) {
      w.bytes(NULL);
      continue;
    }
    // v = (adc - baseline) / gain: when v is exactly that for an integer adc - baseline, reuse its text.
    const e = Math.round(v * gain);
    const k = e + half;
    if (cache && k >= 0 && k < CACHE_SPAN && e / gain === v) {
      let t = cache[k];
      if (t === undefined) cache[k] = t = String(v);
      w.ascii(t);
    } else {
      w.ascii(String(v));
    }
  }
  w.byte(CLOSE);
}

/**
 * The whole document: header fields, the fields `extraFields` writes (`"key":value` pairs, e.g.
 * the annotations), then `signals[c][i]` in physical units.
 */
export function readingJsonBytes(r: Reading, extraFields?: (w: ByteWriter) => void): Buffer {
  const head = {
    record: r.record,
    fs: r.fs,
    n_sig: r.channels.length,
    sig_len: r.sigLen,
    total_len: r.totalLen,
    sig_name: r.channels.map((c) => c.name),
    units: r.channels.map((c) => c.units),
    fmt: r.channels.map((c) => c.fmt),
    adc_gain: r.channels.map((c) => c.gain),
    baseline: r.channels.map((c) => c.baseline),
    base_time: r.baseTime ?? null,
    base_date: r.baseDate ?? null,
    comments: r.comments,
    warnings: r.warnings,
  };
  const w = new ByteWriter();
  w.text(`${JSON.stringify(head).slice(0, -1)},`);
  if (extraFields) {
    extraFields(w);
    w.byte(COMMA);
  }
  w.text('"signals":[');
  r.signals.forEach((sig, c) => {
    if (c > 0) w.byte(COMMA);
    writeChannel(w, sig, r.channels[c]?.gain || 1);
  });
  w.text(']}\n');
  return w.result();
}

export function readingJson(r: Reading): string {
  return readingJsonBytes(r).toString('utf8');
}
