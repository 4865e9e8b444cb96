// Multi-segment WFDB records: a master header listing segment records end to end. Fixed
// layout: every segment has the same signals. Variable layout: the first segment (0 samples)
// is a layout header naming the record's signals; each segment holds some of them, matched by
// name and converted with the segment's own gain; absent signals and null ('~') segments read
// as NaN, as wfdb-python's multi-to-single conversion gives them.
import { join } from 'node:path';
import type { ChannelInfo } from '../types.js';
import { FormatError } from '../types.js';
import type { WfdbHeader } from './header.js';
import { readHeaderFile } from './header-file.js';
import { channelInfo, frameRange, readSingle, type RangeOptions, type SegmentSignals } from './single.js';

/** Values (samples x signals) one multi-segment reading may hold: 2 GiB of float64. */
const MAX_VALUES = 2 ** 28;

export async function readMultiSegment(header: WfdbHeader, dir: string, where: string, opts: RangeOptions): Promise<SegmentSignals> {
  const segments = header.segments ?? [];
  const variable = header.layout === 'variable';
  const parts = variable ? segments.slice(1) : segments;
  const segHeaders = parts.map((s) => (s.name === null ? null : readHeaderFile(join(dir, `${s.name}.hea`))));
  let layoutChannels: ChannelInfo[];
  let samplesPerFrame: number[];
  if (variable) {
    const name = segments[0].name;
    if (name === null) throw new FormatError('header', `${where}: the layout segment cannot be a null segment`);
    const layout = readHeaderFile(join(dir, `${name}.hea`));
    layoutChannels = layout.signals.map(channelInfo);
    samplesPerFrame = layout.signals.map((s) => s.samplesPerFrame);
  } else {
    const first = segHeaders.find((h) => h !== null);
    layoutChannels = first ? first.signals.map(channelInfo) : [];
    samplesPerFrame = first ? first.signals.map((s) => s.samplesPerFrame) : [];
    segHeaders.forEach((h, i) => {
      if (h && h.signals.length !== header.nSig) {
        throw new FormatError('header', `${where}: segment ${parts[i].name} has ${h.signals.length} signals, the record ${header.nSig}`);
      }
    });
  }
  const segmentsLen = parts.reduce((n, s) => n + s.length, 0);
  if (header.sigLen !== undefined && header.sigLen > segmentsLen) {
    throw new FormatError('header', `${where}: the header says ${header.sigLen} samples, its segments ${segmentsLen}`);
  }
  const totalLen = header.sigLen || segmentsLen;
  const { from, to } = frameRange(totalLen, opts, where);
  // Null segments ('~') hold no file that bounds their length: a damaged length must not allocate gigabytes.
  if ((to - from) * layoutChannels.length > MAX_VALUES) {
    throw new FormatError('too-large', `${where}: ${to - from} samples of ${layoutChannels.length} signals are too many to read at once: read a range (from/to)`);
  }
  const signals = layoutChannels.map(() => new Float64Array(to - from).fill(NaN));
  const warnings: string[] = [];
  let start = 0;
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i];
    const end = start + seg.length;
    const a = Math.max(from, start);
    const b = Math.min(to, end);
    const h = segHeaders[i];
    if (h && a < b) {
      const got = await readSingle(h, dir, join(dir, `${seg.name}.hea`), { from: a - start, to: b - start });
      warnings.push(...got.warnings.map((w) => `segment ${seg.name}: ${w}`));
      const used = new Set<number>();
      layoutChannels.forEach((ch, c) => {
        // Fixed layout maps by position; variable layout by signal name.
        let k = c;
        if (variable) {
          k = got.channels.findIndex((g, j) => !used.has(j) && g.name === ch.name);
          if (k < 0) return;
          used.add(k);
        }
        signals[c].set(got.signals[k], a - from);
      });
    }
    start = end;
  }
  return { totalLen, channels: layoutChannels, signals, samplesPerFrame, warnings };
}
