// A small SVG plotting kit for the report: line plots with axes, ticks and legends, and heat maps
// whose cells carry <title> tooltips. Output is plain inline SVG, no script, no external font.
import { html, join, raw, type Html } from './html.js';

export interface Axis {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** log10 scale (every value must be > 0). */
  readonly log?: boolean;
  /** Tick values; default 5 even steps (linear) or the given points. */
  readonly ticks?: readonly number[];
  readonly format?: (v: number) => string;
}

export interface Series {
  readonly name: string;
  /** null y breaks the line (a lost loss value). */
  readonly points: readonly (readonly [number, number | null])[];
  readonly color: string;
  readonly dashed?: boolean;
  /** Draw a dot on every point (short curves such as scaling). */
  readonly dots?: boolean;
}

export interface Marker {
  readonly x: number;
  readonly y: number;
  readonly color: string;
  readonly label: string;
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The plotting rectangle of a width x height figure (margins hold the tick labels). */
export function frame(width: number, height: number): Frame {
  return { width, height, left: 48, top: 10, right: width - 12, bottom: height - 40 };
}

export function scaler(axis: Axis, from: number, to: number): (v: number) => number {
  const t = axis.log ? Math.log10 : (v: number) => v;
  const a = t(axis.min);
  const b = t(axis.max);
  const span = b - a || 1;
  return (v) => from + ((t(v) - a) / span) * (to - from);
}

/** Pixel coordinates with one decimal: enough for a screen, short in the file. */
export const px = (v: number): string => (Math.round(v * 10) / 10).toString();
/** Data values as written into data-xy attributes. */
export const datum = (v: number): string => String(+v.toPrecision(6));

/** Categorical colours (Tableau 10), then shades for more series. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export function color(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  return `hsl(${(i * 137.5) % 360}, 55%, 45%)`;
}

/** About five round tick values (steps of 1, 2 or 5 x 10^k) inside [min, max]. */
export function niceTicks(min: number, max: number): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= 6) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function ticksOf(axis: Axis): readonly number[] {
  return axis.ticks ?? niceTicks(axis.min, axis.max);
}

const defaultFormat = (v: number) => String(+v.toPrecision(3));

/** Splits a series at null values into drawable runs. */
function runs(points: Series['points']): [number, number][][] {
  const out: [number, number][][] = [];
  let cur: [number, number][] = [];
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push([x, y]);
  }
  if (cur.length) out.push(cur);
  return out;
}

export interface LinePlot {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly Series[];
  readonly markers?: readonly Marker[];
  /** The chance diagonal of a ROC plot. */
  readonly diagonal?: boolean;
}

export function linePlot(p: LinePlot): Html {
  const f = frame(p.width ?? 320, p.height ?? 260);
  const sx = scaler(p.x, f.left, f.right);
  const sy = scaler(p.y, f.bottom, f.top);
  const fx = p.x.format ?? defaultFormat;
  const fy = p.y.format ?? defaultFormat;
  const grid = join([
    ...ticksOf(p.x).map((t) => html`<line x1="${px(sx(t))}" x2="${px(sx(t))}" y1="${f.top}" y2="${f.bottom}" stroke="#eef0f4"/><text x="${px(sx(t))}" y="${f.bottom + 14}" text-anchor="middle" font-size="10">${fx(t)}</text>`),
    ...ticksOf(p.y).map((t) => html`<line x1="${f.left}" x2="${f.right}" y1="${px(sy(t))}" y2="${px(sy(t))}" stroke="#eef0f4"/><text x="${f.left - 4}" y="${px(sy(t) + 3)}" text-anchor="end" font-size="10">${fy(t)}</text>`),
  ]);
  const axes = html`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="#9aa3b2"/>
<text x="${px((f.left + f.right) / 2)}" y="${f.height - 8}" text-anchor="middle" font-size="11">${p.x.label}</text>
<text x="12" y="${px((f.top + f.bottom) / 2)}" text-anchor="middle" font-size="11" transform="rotate(-90 12 ${px((f.top + f.bottom) / 2)})">${p.y.label}</text>
`;
  const diag = p.diagonal ? html`<line x1="${px(sx(p.x.min))}" y1="${px(sy(p.y.min))}" x2="${px(sx(p.x.max))}" y2="${px(sy(p.y.max))}" stroke="#c3c8d2" stroke-dasharray="4 3"/>` : null;
  const lines = join(
    p.series.flatMap((s) =>
      runs(s.points).map((run) => {
        const pts = run.map(([x, y]) => `${px(sx(x))},${px(sy(y))}`).join(' ');
        const xy = run.map(([x, y]) => `${datum(x)},${datum(y)}`).join(' ');
        const dots = s.dots ? join(run.map(([x, y]) => html`<circle cx="${px(sx(x))}" cy="${px(sy(y))}" r="2.5" fill="${s.color}"><title>${s.name}: ${fx(x)}, ${fy(y)}</title></circle>`)) : null;
        return html`<g class="series" data-series="${s.name}"><polyline points="${pts}" data-xy="${xy}" fill="none" stroke="${s.color}" stroke-width="1.6"${raw(s.dashed ? ' stroke-dasharray="5 3"' : '')}><title>${s.name}</title></polyline>${dots}</g>`;
      }),
    ),
  );
  const marks = join(
    (p.markers ?? []).map(
      (m) => html`<g class="marker" data-x="${datum(m.x)}"><line x1="${px(sx(m.x))}" x2="${px(sx(m.x))}" y1="${f.top}" y2="${f.bottom}" stroke="${m.color}" stroke-dasharray="2 3"/><circle cx="${px(sx(m.x))}" cy="${px(sy(m.y))}" r="5" fill="none" stroke="${m.color}" stroke-width="2"><title>${m.label}</title></circle></g>`,
    ),
  );
  return html`<svg class="plot" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" role="img"><title>${p.title}</title>${grid}${axes}${diag}${lines}${marks}</svg>`;
}

/** A legend below a plot: one swatch per series. */
export function legend(items: readonly { name: string | Html; color: string }[]): Html {
  return html`<ul class="legend">${items.map((i) => html`<li><span class="swatch" style="background:${i.color}"></span>${i.name}</li>`)}</ul>`;
}

export interface HeatCell {
  readonly row: string;
  readonly col: string;
  readonly value: number | null;
  readonly text: string;
  readonly tooltip: string;
}

export interface HeatMap {
  readonly title: string;
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  readonly cells: readonly HeatCell[];
  /** Value range of the colour scale; diverging maps are centred on 0. */
  readonly domain: readonly [number, number];
  readonly diverging?: boolean;
}

const mix = (a: readonly number[], b: readonly number[], t: number) => `rgb(${a.map((v, i) => Math.round(v + (b[i] - v) * t)).join(',')})`;

export function heatColor(value: number, domain: readonly [number, number], diverging = false): string {
  const white = [255, 255, 255];
  if (diverging) {
    const m = Math.max(Math.abs(domain[0]), Math.abs(domain[1])) || 1;
    const t = Math.max(-1, Math.min(1, value / m));
    return t >= 0 ? mix(white, [26, 150, 65], t) : mix(white, [215, 48, 39], -t);
  }
  const t = Math.max(0, Math.min(1, (value - domain[0]) / (domain[1] - domain[0] || 1)));
  return mix([247, 251, 255], [8, 81, 156], t);
}

/** Rows x columns of cells; each cell carries data-row, data-col and data-value for readers and tests. */
export function heatMap(h: HeatMap): Html {
  const cw = 170;
  const ch = 34;
  const labelW = Math.min(260, 20 + 7 * Math.max(6, ...h.rows.map((r) => r.length)));
  const headH = 30;
  const width = labelW + cw * h.cols.length + 8;
  const height = 22 + headH + ch * h.rows.length + 6;
  const top = 22 + headH;
  const byKey = new Map(h.cells.map((c) => [`${c.row}\u0000${c.col}`, c]));
  // 'byol-resnet18_1d-w0.0625-d0.25' on two lines: the method, then the network.
  const head = join(
    h.cols.map((c, j) => {
      const cut = c.indexOf('-');
      const [a, b] = cut > 0 ? [c.slice(0, cut), c.slice(cut + 1)] : [c, ''];
      const x = labelW + cw * j + cw / 2;
      return html`<text x="${x}" y="${22 + headH - 18}" text-anchor="middle" font-size="11" font-weight="600">${a}<title>${c}</title></text><text x="${x}" y="${22 + headH - 6}" text-anchor="middle" font-size="10">${b.length > 28 ? `${b.slice(0, 27)}\u2026` : b}<title>${c}</title></text>`;
    }),
  );
  const body = join(
    h.rows.map((r, i) =>
      join([
        html`<text x="${labelW - 6}" y="${top + ch * i + ch / 2 + 4}" text-anchor="end" font-size="11">${r}</text>`,
        ...h.cols.map((c, j) => {
          const cell = byKey.get(`${r}\u0000${c}`);
          const x = labelW + cw * j;
          const y = top + ch * i;
          if (!cell) return html`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="#f3f4f6"/>`;
          const fill = cell.value === null ? '#f3f4f6' : heatColor(cell.value, h.domain, h.diverging);
          const strength = cell.value === null ? 0 : h.diverging ? Math.abs(cell.value) / (Math.max(Math.abs(h.domain[0]), Math.abs(h.domain[1])) || 1) : (cell.value - h.domain[0]) / (h.domain[1] - h.domain[0] || 1);
          const dark = strength > 0.6;
          return html`<g class="cell" data-row="${cell.row}" data-col="${cell.col}" data-value="${cell.value === null ? '' : String(cell.value)}"><rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${fill}"><title>${cell.tooltip}</title></rect><text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 3}" text-anchor="middle" font-size="11" fill="${dark ? '#fff' : '#1d2330'}" pointer-events="none">${cell.text}</text></g>`;
        }),
      ]),
    ),
  );
  return html`<svg class="heatmap" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"><title>${h.title}</title><text x="4" y="15" font-size="12" font-weight="600">${h.title}</text>${head}${body}</svg>`;
}
