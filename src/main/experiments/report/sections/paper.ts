// Side by side with the paper: our LODO deltas, their signs and the ordering of methods beside
// the figures PAPER.md publishes, our saturation points beside its scaling claim, and what differs
// between the two set-ups. Every number here goes through `figure` with its source (a PAPER.md
// line, or the run's records and config); a figure the paper does not give is "not published".
import type { LodoRow, ScalingCurve } from '../../tables.js';
import { scalingCurves } from '../../tables.js';
import { figure, html, join, name, signed, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import { PAPER_LODO, PAPER_LODO_TABLE_LINES, PAPER_METHODS, PAPER_RANKING, PAPER_SCALING, paperMethodOf, paperTargetOf, type PaperLodoRow, type PaperMethod } from '../paper-figures.js';
import type { ReportSection } from '../section.js';
import { hasLodo, lodoRows } from './lodo.js';
import { scalingRecords, tolerancePoints } from './scaling.js';

/** PAPER.md line 101: "Including the target center always helps." ([S1]) */
const PAPER_GENERAL_FINDING_LINE = 101;
const NOT_PUBLISHED = html`<span class="missing">not published</span>`;
/** A PAPER.md source tag ([A], [S1], [S2], [inf]). */
const tag = (t: 'A' | 'S1' | 'S2' | 'inf') => html`<abbr class="tag" title="PAPER.md source tag">[${t}]</abbr>`;
const cite = (line: number, last?: number) => html`<cite class="ref">PAPER.md ${last === undefined ? `line ${line}` : `lines ${line}–${last}`}</cite>`;
const quote = (text: string, line: number) => html`<q class="paper" data-line="${String(line)}">${text}</q>`;
const paperDelta = (v: number, row: PaperLodoRow) => figure(v, signed(v), `paper:${row.line}`);
const key = (r: LodoRow) => `${r.target}|${r.method}|${r.protocol}`;
const ourDelta = (r: LodoRow) => (r.delta_auroc_points === null ? html`<span class="missing">n/a (no w/ arm)</span>` : figure(r.delta_auroc_points, signed(r.delta_auroc_points), `run:lodo:${key(r)}:delta`));
const ourAuroc = (r: LodoRow, arm: 'with' | 'without') => {
  const v = arm === 'with' ? r.auroc_with : r.auroc_without;
  return v === null ? html`<span class="missing">n/a</span>` : figure(v, v.toFixed(3), `run:lodo:${key(r)}:auroc_${arm}`);
};
const sign = (v: number) => (v > 0 ? 'positive' : v < 0 ? 'negative' : 'zero');

/** Pairs of methods the paper orders strictly, and whether ours order them the same way. */
export function orderingAgreement(paper: Readonly<Record<PaperMethod, number | null>>, ours: ReadonlyMap<PaperMethod, number>): { compared: number; disagreeing: string[] } | null {
  const ms = PAPER_METHODS.filter((m) => paper[m] !== null && ours.has(m));
  let compared = 0;
  const disagreeing: string[] = [];
  for (let i = 0; i < ms.length; i++)
    for (let j = i + 1; j < ms.length; j++) {
      const [a, b] = [ms[i], ms[j]];
      const p = Math.sign(paper[a]! - paper[b]!);
      if (p === 0) continue; // a tie in the paper says nothing about the order
      compared++;
      if (Math.sign(ours.get(a)! - ours.get(b)!) !== p) disagreeing.push(`${a} vs ${b}`);
    }
  return compared ? { compared, disagreeing } : null;
}

const methodName = (m: PaperMethod) => ({ byol: 'BYOL', simclr: 'SimCLR', mae: 'MAE' })[m];

function lodoPart(rows: readonly LodoRow[]): Html {
  const matched = new Map<PaperLodoRow, LodoRow[]>();
  const unmatched: LodoRow[] = [];
  for (const r of rows) {
    const p = paperTargetOf(r.target);
    if (p && paperMethodOf(r.method)) matched.set(p, [...(matched.get(p) ?? []), r]);
    else unmatched.push(r);
  }
  const body = PAPER_LODO.flatMap((p) => {
    const ours = matched.get(p) ?? [];
    return PAPER_METHODS.map((m) => {
      const mine = ours.filter((r) => paperMethodOf(r.method) === m);
      const pd = p.delta[m];
      const paperCells = html`<td>${pd === null ? NOT_PUBLISHED : paperDelta(pd, p)}</td><td>${p.aurocWithout[m] === null ? NOT_PUBLISHED : figure(p.aurocWithout[m]!, p.aurocWithout[m]!.toFixed(3), `paper:${p.line}`)}</td><td>${p.aurocWith[m] === null ? NOT_PUBLISHED : figure(p.aurocWith[m]!, p.aurocWith[m]!.toFixed(3), `paper:${p.line}`)}</td>`;
      if (!mine.length) return html`<tr><td>${p.target}</td><td>${methodName(m)}</td>${paperCells}<td colspan="5" class="muted">no matching center and method in this run</td></tr>`;
      return join(
        mine.map((r) => {
          const agree = pd === null || r.delta_auroc_points === null ? html`<span class="missing">n/a</span>` : sign(pd) === sign(r.delta_auroc_points) ? html`yes (${sign(pd)})` : html`<strong>no</strong> (paper ${sign(pd)}, ours ${sign(r.delta_auroc_points)})`;
          return html`<tr><td>${p.target}</td><td>${methodName(m)}</td>${paperCells}<td>${name(r.target)} · ${name(r.method)} (${r.protocol})</td><td>${ourDelta(r)}</td><td>${agree}</td><td>${ourAuroc(r, 'without')}</td><td>${ourAuroc(r, 'with')}</td></tr>`;
        }),
      );
    });
  });
  // Ordering of methods by Δ, per paper target, our center and protocol.
  const orderings = [...matched.entries()].flatMap(([p, rs]) =>
    [...new Set(rs.map((r) => `${r.target}\u0000${r.protocol}`))].map((tp) => {
      const [target, protocol] = tp.split('\u0000');
      const ours = new Map<PaperMethod, number>();
      for (const r of rs) if (r.target === target && r.protocol === protocol && r.delta_auroc_points !== null && !ours.has(paperMethodOf(r.method)!)) ours.set(paperMethodOf(r.method)!, r.delta_auroc_points);
      const a = orderingAgreement(p.delta, ours);
      const verdict = a === null ? html`<span class="missing">n/a (fewer than two methods to compare)</span>` : a.disagreeing.length === 0 ? html`agrees` : html`<strong>differs</strong>: ${a.disagreeing.map((d) => d.replace(/byol|simclr|mae/g, (x) => methodName(x as PaperMethod))).join(', ')}`;
      return html`<tr><td>${p.target}</td><td>${name(target)} (${protocol})</td><td>${verdict}</td></tr>`;
    }),
  );
  // A target the paper has no row for is still read against its general finding (line 101).
  const extra = unmatched.map((r) => {
    const d = r.delta_auroc_points;
    const finding = d === null ? html`<span class="missing">n/a</span>` : d > 0 ? html`agrees (positive)` : html`<strong>differs</strong> (${sign(d)})`;
    return html`<tr><td>${name(r.target)}</td><td>${name(r.method)} (${r.protocol})</td><td>${ourDelta(r)}</td><td>${NOT_PUBLISHED}</td><td>${finding}</td></tr>`;
  });
  return html`<h3>LODO: Δ = w/ − w/o per target and method</h3>
<p>The paper's Δ from ${cite(PAPER_LODO_TABLE_LINES.header, PAPER_LODO_TABLE_LINES.last)} (source tag ${tag('S1')}; ${quote('The unit is not stated; most likely AUROC in percentage points', PAPER_LODO_TABLE_LINES.unit)}); our Δ is macro AUROC w/ − w/o in points. Absolute AUROC of either arm: ${quote('Absolute LODO AUROC/F1', PAPER_LODO_TABLE_LINES.absolute)} for each method, backbone and center is not available.</p>
<table class="side-by-side"><tr><th>paper target</th><th>method</th><th>paper Δ</th><th>paper AUROC w/o</th><th>paper AUROC w/</th><th>our center · method</th><th>our Δ</th><th>same sign</th><th>our AUROC w/o</th><th>our AUROC w/</th></tr>${body}</table>
<h3>Ordering of methods by Δ</h3>
<p>For every pair of methods the paper orders strictly, whether ours order them the same way (pairs tied in the paper are not compared).</p>
${orderings.length ? html`<table><tr><th>paper target</th><th>our center</th><th>ordering</th></tr>${orderings}</table>` : html`<p class="muted">None of this run's targets is one of the paper's, so no ordering can be compared.</p>`}
${extra.length ? html`<h3>Our targets the paper has no figure for</h3><p>The paper has no Δ for these centers or methods; their sign is read against its general finding, ${quote('Including the target center always helps.', PAPER_GENERAL_FINDING_LINE)}</p><table><tr><th>our center</th><th>method</th><th>our Δ</th><th>paper Δ</th><th>sign vs the general finding</th></tr>${extra}</table>` : null}`;
}

function scalingPart(curves: readonly ScalingCurve[]): Html {
  const rows = curves.map((c) => {
    const m = paperMethodOf(c.method);
    const p = m ? PAPER_SCALING.find((s) => s.method === m) : undefined;
    const ours = c.saturation_fraction === null ? html`<span class="missing">n/a</span>` : figure(c.saturation_fraction, `${+(c.saturation_fraction * 100).toPrecision(3)}%`, `run:scaling:${c.method}|${c.protocol}:saturation`);
    let paperCell: Html = NOT_PUBLISHED;
    let verdict: Html = html`<span class="missing">n/a</span>`;
    if (p) {
      paperCell = p.saturation ? html`${figure(p.saturation[0], `${Math.round(p.saturation[0] * 100)}%`, `paper:${p.line}`)}–${figure(p.saturation[1], `${Math.round(p.saturation[1] * 100)}%`, `paper:${p.line}`)}: ${quote(p.note, p.line)}` : html`${NOT_PUBLISHED} (${quote(p.note, p.line)})`;
      if (p.saturation && c.saturation_fraction !== null) verdict = c.saturation_fraction >= p.saturation[0] && c.saturation_fraction <= p.saturation[1] ? html`inside the paper's range` : html`outside the paper's range`;
    }
    return html`<tr><td>${name(c.method)} (${c.protocol})</td><td>${ours}</td><td>${paperCell}</td><td>${verdict}</td></tr>`;
  });
  return html`<h3>Data scaling: where the curve saturates</h3>
<p>Our rule: the smallest fraction within the config's tolerance of the best macro AUROC (docs/experiment-config.md); our fractions are the config's, so a range between two of them cannot be hit exactly. The paper's per-fraction numbers are not available (${cite(106)}).</p>
<table><tr><th>our method</th><th>our saturation</th><th>paper</th><th>comparison</th></tr>${rows}</table>`;
}

/** Mean macro AUROC w/o over targets per paper method and protocol: what the paper's ranking claim is checked on. */
function rankingPart(rows: readonly LodoRow[]): Html {
  const byProtocol = new Map<string, Map<PaperMethod, number[]>>();
  for (const r of rows) {
    const m = paperMethodOf(r.method);
    if (!m || r.auroc_without === null) continue;
    const t = byProtocol.get(r.protocol) ?? new Map<PaperMethod, number[]>();
    t.set(m, [...(t.get(m) ?? []), r.auroc_without]);
    byProtocol.set(r.protocol, t);
  }
  const items = [...byProtocol.entries()].map(([protocol, t]) => {
    const mean = (m: PaperMethod) => (t.has(m) ? t.get(m)!.reduce((a, b) => a + b, 0) / t.get(m)!.length : null);
    const cells = PAPER_METHODS.map((m) => {
      const v = mean(m);
      return html`<td>${v === null ? html`<span class="missing">n/a</span>` : figure(v, v.toFixed(3), `run:mean-auroc-without:${m}|${protocol}`)}</td>`;
    });
    const w = mean(PAPER_RANKING.worse);
    const checks = PAPER_RANKING.better.map((b) => {
      const v = mean(b);
      return v === null || w === null ? html`${methodName(b)} vs SimCLR: n/a` : v > w ? html`${methodName(b)} beats SimCLR: agrees` : html`${methodName(b)} beats SimCLR: <strong>differs</strong>`;
    });
    return html`<tr><td>${protocol}</td>${cells}<td>${join(checks, '; ')}</td></tr>`;
  });
  return html`<h3>Ranking of methods</h3><p>The paper: ${quote('BYOL and MAE beat SimCLR', PAPER_RANKING.line)} (no numbers published). Ours: mean macro AUROC w/o over this run's targets.</p>
<table><tr><th>protocol</th><th>BYOL</th><th>SimCLR</th><th>MAE</th><th>paper's claim</th></tr>${items}</table>`;
}

function differences(run: RunModel): Html {
  const cfg = run.info.config as { pretrain?: { steps?: number; epochs?: number; batchSize?: number; maxRecords?: number | null }; methods?: { method: string; backbone?: string; width?: number; depth?: number }[]; downstream?: { protocols?: string[] } };
  const largestPool = run.pretrain.reduce((a, r) => (r.records > a.records ? r : a), run.pretrain[0] ?? null);
  const tests = new Map<string, number>();
  for (const r of run.downstream) if (r.target !== null && !tests.has(r.target)) tests.set(r.target, r.test_records);
  const pooled = run.downstream.find((r) => r.target === null);
  const unmatched = run.info.targets.filter((t) => !paperTargetOf(t));
  const methods = (cfg.methods ?? []).map((m, i) => html`${i ? ', ' : ''}${m.method} on ${m.backbone ? name(m.backbone) : 'the default backbone'} (width ×${m.width === undefined ? 'n/a' : figure(m.width, String(m.width), `run:config:methods.${i}.width`)}, depth ×${m.depth === undefined ? 'n/a' : figure(m.depth, String(m.depth), `run:config:methods.${i}.depth`)})`);
  const steps = cfg.pretrain?.steps !== undefined ? html`${figure(cfg.pretrain.steps, String(cfg.pretrain.steps), 'run:config:pretrain.steps')} pre-training steps` : cfg.pretrain?.epochs !== undefined ? html`${figure(cfg.pretrain.epochs, String(cfg.pretrain.epochs), 'run:config:pretrain.epochs')} pre-training epochs` : html`a pre-training budget`;
  return html`<h3>What differs from the paper's set-up</h3>
<p><strong>Centers.</strong> The paper pre-trains on the pooled public sets of ${cite(16)} (the datasets table, ${cite(32, 42)}) and evaluates LODO on six labelled targets (${cite(78)}). This run uses ${figure(run.info.centers.length, String(run.info.centers.length), 'run:centers.length')} centers (${run.info.centers.map((c, i) => html`${i ? ', ' : ''}${name(c)}`)}) with ${figure(run.info.targets.length, String(run.info.targets.length), 'run:targets.length')} targets${unmatched.length ? html`, of which ${unmatched.map((c, i) => html`${i ? ', ' : ''}${name(c)}`)} ${unmatched.length === 1 ? 'has' : 'have'} no counterpart in the paper` : null}.${run.info.targets.some((t) => ['chapmanshaoxing', 'ningbo'].includes(t.toLowerCase().replace(/[^a-z0-9]/g, ''))) ? html` The paper's Chapman pools Shaoxing and Ningbo (${cite(44)}); our Shaoxing and Ningbo are compared with it one by one.` : null}</p>
<p><strong>Record counts.</strong> ${largestPool ? html`Our largest pre-training pool has ${figure(largestPool.records, String(largestPool.records), `run:step:${largestPool.name}:records`)} records (step ${name(largestPool.name)}).` : html`No pre-training step is recorded yet.`} ${tests.size ? html`Test records per target: ${[...tests.entries()].map(([t, n], i) => html`${i ? ', ' : ''}${name(t)} ${figure(n, String(n), `run:lodo-test:${t}`)}`)}.` : null}${pooled ? html` The scaling curves are scored on the targets' pooled test split of ${figure(pooled.test_records, String(pooled.test_records), `run:step:${pooled.name}:test_records`)} records.` : null} The paper's pool is ${quote('about 1.2 million public 12-lead ECGs from nine centers', 16)}; its per-target test counts are not published.</p>
<p><strong>Config.</strong> Ours is ${name(run.info.config.name)}: ${methods}; ${steps}; downstream ${(cfg.downstream?.protocols ?? []).join(' and ') || 'protocol not recorded'}; ${figure(run.info.seeds.length, String(run.info.seeds.length), 'run:seeds.length')} seed(s). The paper: ${quote('ResNet-50 for SimCLR and BYOL, ViT for MAE', 59)}; its pre-training hyperparameters are not available (${cite(71)}) and its downstream protocol is not available (${cite(76)}).</p>`;
}

/** The paper gives no baseline figures: ours stand alone, and are never ranked among the methods. */
function baselinesNote(run: RunModel): Html | null {
  const has = run.downstream.some((r) => r.baseline !== null && r.target !== null);
  return has
    ? html`<p class="baselines-note"><strong>Baselines.</strong> The paper publishes no random-init or supervised baseline figures (${cite(109)}): this run's scratch and random-probe baselines are in <a href="#baselines">Against the baselines</a> with nothing to set them beside, and take no part in the method ordering below.</p>`
    : null;
}

export const paperSection: ReportSection = {
  id: 'paper',
  title: 'Side by side with the paper',
  applies: (run) => hasLodo(run) || scalingRecords(run).length > 0,
  render(run: RunModel): Html {
    const rows = hasLodo(run) ? lodoRows(run) : [];
    const scaling = scalingRecords(run);
    const curves = scaling.length ? scalingCurves(scaling, tolerancePoints(run)) : [];
    return html`<p>Published figures come from ${name('../shared/openecg/PAPER.md')}, transcribed in src/main/experiments/report/paper-figures.ts; a figure it does not give is shown as not published, never estimated.${run.partial ? html` <strong>This run is partial</strong>: only recorded steps are compared.` : null}</p>
${rows.length ? lodoPart(rows) : null}${baselinesNote(run)}${rows.length ? rankingPart(rows) : null}${curves.length ? scalingPart(curves) : null}${differences(run)}`;
  },
};
