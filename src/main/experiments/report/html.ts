// The page shell and escaping of the run report. Every string that comes from a run folder (center
// names, method labels, config text, job messages) goes through `html` or `text`, so a hostile
// center name cannot open a tag; only values built here as Html pass through unescaped.

/** Markup built by this module's helpers; a plain string is never trusted as markup. */
export interface Html {
  readonly __html: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export const raw = (markup: string): Html => ({ __html: markup });
export const isHtml = (v: unknown): v is Html => typeof v === 'object' && v !== null && '__html' in v;

export type Interpolated = Html | string | number | null | undefined | false | readonly Interpolated[];

function piece(v: Interpolated): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(piece).join('');
  if (isHtml(v)) return v.__html;
  return escapeHtml(String(v));
}

/** Tagged template: literal parts are markup, every interpolated value is escaped unless it is Html. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0];
  values.forEach((v, i) => (out += piece(v) + strings[i + 1]));
  return raw(out);
}

export const join = (parts: readonly Html[], sep = ''): Html => raw(parts.map((p) => p.__html).join(sep));

/** A name taken from the run (center, method, step): marked so a reader (and the tests) can tell it from a figure. */
export const name = (value: string): Html => html`<span class="name">${value}</span>`;

/**
 * A figure, tagged with where it comes from: `paper:<line>` (a line of PAPER.md) or `run:<what>`.
 * The side-by-side section prints numbers only through this, which is what lets a test check that
 * each of them is a published figure or one of the run's.
 */
export const figure = (value: number, shown: string, source: string): Html => html`<data class="fig" value="${String(value)}" data-src="${source}">${shown}</data>`;

export interface PageSection {
  readonly id: string;
  readonly title: string;
  readonly body: Html;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
nav{padding:8px 28px;background:#e8ecf2;font-size:13px}nav a{margin-right:14px;color:#1f3a5f}
main{padding:8px 28px 40px;max-width:1400px}section{background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:12px 18px;margin:16px 0}
h2{font-size:18px;margin:4px 0 10px}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{border:1px solid #dde2ea;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.partial{background:#fff4d6;border:1px solid #e0b94a;padding:8px 12px;border-radius:4px;margin:12px 0}
.warn{color:#8a5a00}.muted{color:#6b7385}.missing{color:#8a8f9c;font-style:italic}
.plots{display:flex;flex-wrap:wrap;gap:12px}.cap{font-size:12px;font-weight:600;max-width:330px;margin:2px 4px;overflow-wrap:anywhere}.plot{border:1px solid #eef0f4;border-radius:4px;padding:4px}
.legend{font-size:12px;margin:2px 0 0;padding:0 4px;list-style:none;max-width:410px}.legend li{display:inline-block;margin-right:10px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
pre{background:#f6f7f9;border:1px solid #eef0f4;padding:8px;overflow:auto;max-height:420px;font-size:12px}
svg text{font-family:system-ui,sans-serif}
`;

/**
 * A complete page with nothing to fetch: inline CSS and SVG only, and a Content-Security-Policy
 * that forbids any network load, so the file reads the same offline.
 */
export function page(title: string, subtitle: Html, banner: Html | null, sections: readonly PageSection[]): string {
  const nav = join(sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`));
  const body = join(sections.map((s) => html`<section id="${s.id}"><h2>${s.title}</h2>${s.body}</section>`));
  const doc = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${raw(STYLE)}</style></head>
<body><header><h1>${title}</h1><p>${subtitle}</p></header><nav>${nav}</nav><main>${banner}${body}</main></body></html>
`;
  return doc.__html;
}

// Number formats shared by the sections.
export const fixed = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
export const signed = (v: number, digits = 1): string => `${v > 0 ? '+' : v < 0 ? '\u2212' : '\u00b1'}${Math.abs(v).toFixed(digits)}`;
