// Training loss curves from the step records: one plot per pre-training method and per downstream
// method and protocol, one line per step (pool, target, arm or fraction). Steps lost to a crash
// between checkpoints are gaps (null).
import { html, join, name, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';
import { color, legend, linePlot, type Series } from '../svg.js';

interface Curve {
  readonly label: string;
  readonly losses: readonly (number | null)[];
}

function plot(title: string, curves: readonly Curve[]): Html {
  const values = curves.flatMap((c) => c.losses).filter((v): v is number => v !== null && Number.isFinite(v));
  if (!values.length) return html`<p class="muted">${title}: no loss values recorded</p>`;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.1;
  const steps = Math.max(...curves.map((c) => c.losses.length));
  const series: Series[] = curves.map((c, i) => ({ name: c.label, points: c.losses.map((v, k) => [k + 1, v] as const), color: color(i) }));
  const svg = linePlot({ title, width: 420, height: 280, x: { label: 'training step', min: 1, max: Math.max(2, steps), format: (v) => String(Math.round(v)) }, y: { label: 'loss', min: lo - pad, max: hi + pad }, series });
  return html`<div class="plot loss"><div class="cap">${title}</div>${svg}${legend(curves.map((c, i) => ({ name: c.label, color: color(i) })))}</div>`;
}

function grouped<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) out.set(key(it), [...(out.get(key(it)) ?? []), it]);
  return out;
}

export const lossSection: ReportSection = {
  id: 'loss',
  title: 'Loss curves',
  applies: (run) => [...run.pretrain, ...run.downstream].some((r) => r.losses.length > 0),
  render(run: RunModel): Html {
    const pre = [...grouped(run.pretrain, (r) => r.method).entries()].map(([method, rs]) =>
      plot(
        `pre-training ${method}`,
        rs.map((r) => ({ label: `${r.fraction !== null ? `fraction ${r.fraction}` : r.pool.length === run.info.centers.length ? 'all centers' : `without ${run.info.centers.filter((c) => !r.pool.includes(c)).join(', ')}`} · seed ${r.seed}`, losses: r.losses })),
      ),
    );
    const down = [...grouped(run.downstream, (r) => `${r.method} ${r.mode}`).entries()].map(([k, rs]) =>
      plot(
        k,
        rs.map((r) => ({ label: `${r.target ?? `fraction ${r.fraction}`}${r.arm ? ` ${r.arm === 'with' ? 'w/' : r.arm === 'without' ? 'w/o' : r.arm}` : ''} · seed ${r.seed}`, losses: r.losses })),
      ),
    );
    return html`<p>Loss per optimiser step as each step record stores it (the objective of the method for pre-training; binary cross-entropy for the downstream head). Methods: ${[...new Set(run.pretrain.map((r) => r.method))].map((m, i) => html`${i ? ', ' : ''}${name(m)}`)}.</p>
<h3>Pre-training</h3><div class="plots">${join(pre)}</div>
<h3>Downstream</h3><div class="plots">${join(down)}</div>`;
  },
};
