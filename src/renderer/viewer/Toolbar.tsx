// Viewer controls: layout, speed, gain, source (raw / canonical), filters, caliper snapping.
import type { SignalFilters } from '../../shared/api.js';
import { GAINS, LAYOUTS, SPEEDS, type Layout } from './paper.js';

export interface ViewerChoice {
  readonly layout: Layout;
  readonly speed: number;
  readonly gain: number;
  readonly source: 'raw' | 'canonical';
  readonly snap: boolean;
  readonly filters: SignalFilters;
}

const LAYOUT_NAMES: Record<Layout, string> = { '3x4': '3×4 + II rhythm', '6x2': '6×2', '12x1': '12×1' };

export function Toolbar({ choice, onChange }: { choice: ViewerChoice; onChange: (c: ViewerChoice) => void }) {
  const set = (patch: Partial<ViewerChoice>) => onChange({ ...choice, ...patch });
  const setFilter = (patch: Partial<SignalFilters>) => set({ filters: { ...choice.filters, ...patch } });
  return (
    <div className="toolbar" data-testid="toolbar">
      <label>
        Layout
        <select value={choice.layout} onChange={(e) => set({ layout: e.target.value as Layout })} data-testid="layout">
          {LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {LAYOUT_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Speed
        <select value={choice.speed} onChange={(e) => set({ speed: Number(e.target.value) })} data-testid="speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} mm/s
            </option>
          ))}
        </select>
      </label>
      <label>
        Gain
        <select value={choice.gain} onChange={(e) => set({ gain: Number(e.target.value) })} data-testid="gain">
          {GAINS.map((g) => (
            <option key={g} value={g}>
              {g} mm/mV
            </option>
          ))}
        </select>
      </label>
      <label>
        Signal
        <select value={choice.source} onChange={(e) => set({ source: e.target.value as 'raw' | 'canonical' })} data-testid="source">
          <option value="raw">raw (own rate)</option>
          <option value="canonical">canonical store (100 Hz)</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={choice.filters.baseline} onChange={(e) => setFilter({ baseline: e.target.checked })} data-testid="filter-baseline" />
        baseline 0.5 Hz
      </label>
      <label>
        Notch
        <select value={choice.filters.notch} onChange={(e) => setFilter({ notch: Number(e.target.value) as SignalFilters['notch'] })} data-testid="filter-notch">
          <option value={0}>off</option>
          <option value={50}>50 Hz</option>
          <option value={60}>60 Hz</option>
        </select>
      </label>
      <label>
        Low-pass
        <select value={choice.filters.lowpass} onChange={(e) => setFilter({ lowpass: Number(e.target.value) as SignalFilters['lowpass'] })} data-testid="filter-lowpass">
          <option value={0}>off</option>
          <option value={40}>40 Hz</option>
          <option value={150}>150 Hz</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={choice.snap} onChange={(e) => set({ snap: e.target.checked })} data-testid="snap" />
        calipers snap to peaks and annotations
      </label>
    </div>
  );
}
