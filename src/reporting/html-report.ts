/**
 * One self-contained HTML page for a segment run: the file a merchant or agency can mail around or open from
 * disk with no network. Hence inline CSS, inline SVG, system fonts, and a Content-Security-Policy that forbids
 * every fetch, so a future edit that adds an external resource breaks visibly instead of leaking requests.
 * Every piece of data is escaped: the shop domain, group names and parameters are not ours.
 */
import {
  escapeHtml as esc,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatDuration,
  formatInt,
  formatMoney,
  formatPercent,
} from './format';
import { HistoryRun, groupColor, groupSizeChart, historyChart, revenueShareChart, scoreHeatmap } from './html-charts';
import { GroupSummary, RunSummary, TransitionCount, movedBetweenGroups } from '../segmentation/run-summary';
import { shopifyGroupsSection } from './shopify-groups';

export type { HistoryRun } from './html-charts';

const CSS = `
:root{--ink:#1d2939;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;--accent:#16468c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 28px 48px}
header{margin-bottom:20px}
.eyebrow{margin:0;color:var(--accent);font-size:12px;font-weight:600;letter-spacing:.08em;text-transform:uppercase}
h1{margin:4px 0 2px;font-size:26px;font-weight:650;word-break:break-all}
h2{margin:0 0 4px;font-size:16px;font-weight:600}
.meta,.note{margin:0;color:var(--muted)}
.note{margin-bottom:14px;font-size:13px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:16px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.kpi .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.kpi .v{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}
.kpi .v .up{color:#2e8b57} .kpi .v .down{color:#d64f4a}
.kpi .s{color:var(--muted);font-size:12px}
.row{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-bottom:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:16px;overflow-x:auto}
.row .card{margin-bottom:0}
@media (max-width:900px){.row{grid-template-columns:1fr}}
svg.chart{display:block;max-width:100%;height:auto}
svg .lbl{font-size:13px;fill:var(--ink)} svg .val{font-size:12.5px;fill:var(--muted);font-variant-numeric:tabular-nums}
svg .small{font-size:11.5px;fill:var(--muted)} svg .tiny{font-size:10.5px;opacity:.85}
svg .cnt{font-size:14px;font-weight:600;font-variant-numeric:tabular-nums} svg .in{font-size:12px;fill:#fff;font-weight:600}
svg .axis{stroke:#98a2b3} svg .grid{stroke:var(--line)} svg .axis-title{font-size:12.5px;fill:var(--muted)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th{font-size:11.5px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em;white-space:normal;vertical-align:bottom}
th:first-child,td:first-child{text-align:left}
tfoot td{font-weight:650;border-top:2px solid var(--ink);border-bottom:0}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:8px;vertical-align:0}
table.matrix td,table.matrix th{text-align:center;padding:6px 8px}
table.matrix th[scope=row]{text-align:left;text-transform:none;letter-spacing:0;font-size:13px;font-weight:500;color:var(--ink)}
table.matrix td.stay{font-weight:600}
table.matrix .tot{color:var(--muted);font-weight:600}
.empty{padding:18px;border:1px dashed var(--line);border-radius:8px;color:var(--muted);text-align:center}
h3.sub{margin:16px 0 0;font-size:13px;font-weight:600}
ul.moves{margin:4px 0 0;padding-left:18px;color:var(--ink)}
dl.params{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0 0;font-size:13px}
dl.params dt{color:var(--muted)} dl.params dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
footer{color:var(--muted);font-size:12px;margin-top:8px}
@media print{body{background:#fff}.card,.kpi{break-inside:avoid}}
`;

/** The runs to chart over time, oldest first; the current run is added when the caller left it out. */
function historyWithCurrent(summary: RunSummary, history: HistoryRun[]): HistoryRun[] {
  const runs = [...history];
  if (!runs.some((r) => r.runNumber === summary.runNumber)) {
    runs.push({ runNumber: summary.runNumber, finishedAt: summary.finishedAt, groups: summary.groups });
  }
  return runs.sort((a, b) => a.runNumber - b.runNumber).slice(-30);
}

export function renderHtmlReport(summary: RunSummary, history: HistoryRun[] = []): string {
  const s = summary;
  const runs = historyWithCurrent(s, history);
  const title = `Segment run #${s.runNumber} \u00b7 ${s.shopDomain}`;
  const body = [
    `<header><p class="eyebrow">segment-sync \u00b7 customer segments</p><h1>${esc(s.shopDomain)}</h1>`,
    `<p class="meta">Segment run #${esc(s.runNumber)} \u00b7 as of ${esc(formatDate(s.asOf))} \u00b7 finished ${esc(formatDateTime(s.finishedAt))} \u00b7 took ${esc(formatDuration(s.durationMs))}</p></header>`,
    keyFigures(s),
    `<div class="row"><section class="card" aria-labelledby="h-sizes"><h2 id="h-sizes">Customers per group</h2>`,
    `<p class="note">Six K-means groups on the store's own R, F and M scores.</p>${groupSizeChart(s.groups)}</section>`,
    `<section class="card" aria-labelledby="h-rev"><h2 id="h-rev">Share of revenue</h2>`,
    `<p class="note">Each group's share of customers against its share of net revenue.</p>${revenueShareChart(s.groups, s.currency)}</section></div>`,
    `<div class="row"><section class="card" aria-labelledby="h-heat"><h2 id="h-heat">Recency \u00d7 frequency scores</h2>`,
    `<p class="note">Customers per score pair; scores are the store's own quintiles, 5 is best. Hover a cell for its mean spend.</p>`,
    `${scoreHeatmap(s.scoreHeatmap, s.currency)}</section>`,
    `<section class="card" aria-labelledby="h-hist"><h2 id="h-hist">Group sizes over time</h2>`,
    runs.length >= 2
      ? `<p class="note">The last ${runs.length} runs, oldest on the left.</p>${historyChart(runs, s.groups)}`
      : `<p class="empty">Only one run so far: the trend appears after the next run.</p>`,
    `</section></div>`,
    `<section class="card" aria-labelledby="h-trans"><h2 id="h-trans">Since the previous run</h2>${transitions(s)}</section>`,
    `<section class="card" aria-labelledby="h-table"><h2 id="h-table">Groups</h2>${groupTable(s)}</section>`,
    shopifyGroupsSection(s),
    `<section class="card" aria-labelledby="h-params"><h2 id="h-params">Run parameters</h2>${parameters(s.parameters)}</section>`,
    `<footer>Run id ${esc(s.runId)} \u00b7 started ${esc(formatDateTime(s.startedAt))} \u00b7 finished ${esc(formatDateTime(s.finishedAt))} \u00b7 currency ${esc(s.currency)}</footer>`,
  ].join('\n');
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">\n` +
    `<title>${esc(title)}</title>\n<style>${CSS}</style></head>\n<body><main>\n${body}\n</main></body></html>\n`
  );
}

function keyFigures(s: RunSummary): string {
  // vHtml is markup built here from formatted numbers only; everything else is escaped.
  const kpi = (k: string, v: string, sub = '', vHtml?: string): string =>
    `<div class="kpi"><div class="k">${esc(k)}</div><div class="v">${vHtml ?? esc(v)}</div><div class="s">${esc(sub)}</div></div>`;
  const change =
    s.previousRunId === null
      ? kpi('Change', 'First run', 'no previous run to compare')
      : kpi(
          'Entered / left',
          '',
          `${formatInt(movedBetweenGroups(s.transitions))} changed group`,
          `<span class="up">+${formatInt(s.entered)}</span> <span class="down">\u2212${formatInt(s.left)}</span>`,
        );
  return (
    `<section class="kpis" aria-label="Key figures">` +
    kpi('Customers', formatInt(s.customers), `${formatInt(s.groups.length)} groups`) +
    kpi('Orders', formatInt(s.orders), `${formatDecimal(s.customers > 0 ? s.orders / s.customers : NaN, 2)} per customer`) +
    kpi('Net revenue', formatMoney(s.revenue, s.currency, 0), s.currency) +
    kpi('Spend per customer', formatMoney(s.customers > 0 ? s.revenue / s.customers : NaN, s.currency), 'mean, net of refunds') +
    change +
    `</section>`
  );
}

/**
 * The from→to matrix. Staying put dominates every row, so the diagonal gets its own grey scale and the moves
 * off it a blue scale of their own; otherwise the moves, which are the interesting part, would all look blank.
 */
function transitions(s: RunSummary): string {
  if (s.previousRunId === null) {
    return `<p class="empty">First run: no previous run to compare. Movements between groups appear from the next run on.</p>`;
  }
  const names = new Map(s.groups.map((g) => [g.group, g.name]));
  const keys = s.groups.map((g) => g.group);
  for (const t of s.transitions) for (const k of [t.from, t.to]) if (k !== null && !keys.includes(k)) keys.push(k);
  const froms: (string | null)[] = [...keys, null];
  const tos: (string | null)[] = [...keys, null];
  const count = new Map<string, number>();
  for (const t of s.transitions) count.set(`${t.from}\u0000${t.to}`, (count.get(`${t.from}\u0000${t.to}`) ?? 0) + t.customers);
  const get = (f: string | null, t: string | null): number => count.get(`${f}\u0000${t}`) ?? 0;
  const off = s.transitions.filter((t) => t.from !== t.to).map((t) => t.customers);
  const maxOff = Math.max(1, ...off);
  const maxStay = Math.max(1, ...s.transitions.filter((t) => t.from === t.to).map((t) => t.customers));
  const label = (k: string | null, end: 'from' | 'to'): string =>
    k === null ? (end === 'from' ? 'Not in previous run' : 'Left') : names.get(k) ?? k;

  const head = tos.map((t) => `<th scope="col">${esc(label(t, 'to'))}</th>`).join('');
  const rows = froms.map((f) => {
    const cells = tos.map((t) => {
      const n = get(f, t);
      if (n === 0) return `<td aria-label="0"><span aria-hidden="true">\u00b7</span></td>`;
      const stay = f !== null && f === t;
      const a = stay ? 0.08 + 0.22 * (n / maxStay) : 0.08 + 0.62 * Math.sqrt(n / maxOff);
      const bg = stay ? `rgba(102,112,133,${a.toFixed(2)})` : `rgba(22,70,140,${a.toFixed(2)})`;
      const ink = !stay && a > 0.45 ? '#fff' : 'inherit';
      const tip = `${label(f, 'from')} \u2192 ${label(t, 'to')}: ${formatInt(n)}`;
      return `<td class="${stay ? 'stay' : ''}" style="background:${bg};color:${ink}" title="${esc(tip)}">${formatInt(n)}</td>`;
    });
    const total = tos.reduce((a, t) => a + get(f, t), 0);
    const sw = `<span class="sw" style="background:${f === null ? 'transparent' : groupColor(f, keys.indexOf(f))}"></span>`;
    return `<tr><th scope="row">${sw}${esc(label(f, 'from'))}</th>${cells.join('')}<td class="tot">${formatInt(total)}</td></tr>`;
  });
  const colTotals = tos.map((t) => `<td class="tot">${formatInt(froms.reduce((a, f) => a + get(f, t), 0))}</td>`).join('');
  const moves = [...s.transitions]
    .filter((t) => t.from !== null && t.to !== null && t.from !== t.to)
    .sort((a, b) => b.customers - a.customers)
    .slice(0, 3)
    .map((t: TransitionCount) => `<li>${esc(label(t.from, 'from'))} \u2192 ${esc(label(t.to, 'to'))}: ${formatInt(t.customers)}</li>`);
  return (
    `<p class="note">${formatInt(s.entered)} customers entered, ${formatInt(s.left)} left and ` +
    `${formatInt(movedBetweenGroups(s.transitions))} changed group since the previous run. Rows: group in the previous run; columns: group now.</p>` +
    `<table class="matrix"><caption class="note" style="caption-side:bottom;text-align:left;margin-top:8px">` +
    `Grey: stayed in the same group. Blue: moved, darker is more.</caption>` +
    `<thead><tr><th scope="col">From \\ to</th>${head}<th scope="col">Total</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody><tfoot><tr><td>Total</td>${colTotals}<td class="tot">${formatInt(s.transitions.reduce((a, t) => a + t.customers, 0))}</td></tr></tfoot></table>` +
    (moves.length ? `<h3 class="sub">Largest moves between groups</h3><ul class="moves">${moves.join('')}</ul>` : '')
  );
}

/** The same figures as the terminal table, with a total line weighted by group size. */
function groupTable(s: RunSummary): string {
  const n = s.groups.reduce((a, g) => a + g.customers, 0);
  const mean = (f: (g: GroupSummary) => number): number =>
    n > 0 ? s.groups.reduce((a, g) => a + (g.customers > 0 ? f(g) * g.customers : 0), 0) / n : NaN;
  const cells = (g: Pick<GroupSummary, 'customers' | 'share' | 'meanRecencyDays' | 'meanFrequency' | 'meanMonetary' | 'revenue' | 'revenueShare'>): string =>
    [
      formatInt(g.customers),
      formatPercent(g.share),
      formatInt(g.meanRecencyDays),
      formatDecimal(g.meanFrequency, 2),
      formatMoney(g.meanMonetary, s.currency),
      formatMoney(g.revenue, s.currency, 0),
      formatPercent(g.revenueShare),
    ]
      .map((v) => `<td>${esc(v)}</td>`)
      .join('');
  const rows = s.groups.map(
    (g, i) => `<tr><td><span class="sw" style="background:${groupColor(g.group, i)}"></span>${esc(g.name)}</td>${cells(g)}</tr>`,
  );
  const total = cells({
    customers: s.customers,
    share: s.groups.reduce((a, g) => a + g.share, 0),
    meanRecencyDays: mean((g) => g.meanRecencyDays),
    meanFrequency: mean((g) => g.meanFrequency),
    meanMonetary: mean((g) => g.meanMonetary),
    revenue: s.revenue,
    revenueShare: s.groups.reduce((a, g) => a + g.revenueShare, 0),
  });
  return (
    `<table class="data"><thead><tr><th scope="col">Group</th><th scope="col">Customers</th><th scope="col">Share</th>` +
    `<th scope="col">Recency (days)</th><th scope="col">Frequency (orders)</th><th scope="col">Monetary (mean)</th>` +
    `<th scope="col">Revenue</th><th scope="col">Revenue share</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody><tfoot><tr><td>Total</td>${total}</tr></tfoot></table>`
  );
}

/** Parameters as given, JSON-encoded and truncated: enough to reproduce the run, never a page of noise. */
function parameters(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return `<p class="note">None recorded.</p>`;
  const show = (v: unknown): string => {
    let text: string;
    try {
      text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
    } catch {
      text = String(v);
    }
    return text.length > 200 ? `${text.slice(0, 199)}\u2026` : text;
  };
  return `<dl class="params">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(show(v))}</dd>`).join('')}</dl>`;
}
