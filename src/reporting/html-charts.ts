/**
 * Hand-made inline SVG charts for the HTML report. No chart library: the report must be one file that opens
 * offline, and these four charts are simple enough to draw directly. Every chart is role="img" with a <title>
 * and <desc> for screen readers, and every mark has a <title> tooltip with the exact figure.
 * All text that comes from data passes through escapeHtml.
 */
import { escapeHtml as esc, formatInt, formatMoney, formatPercent } from './format';
import { GroupSummary, RunSummary } from '../segmentation/run-summary';

/** Colours say what a group means: cool for the healthy, amber/grey for drifting away, red for the at-risk. */
export const GROUP_COLORS: Record<string, string> = {
  new: '#1f9bb4',
  about_to_sleep: '#e6a23c',
  sleepers: '#98a2b3',
  potential_loyal: '#6b8ef0',
  loyal: '#2e8b57',
  loyal_at_risk: '#d64f4a',
};
const FALLBACK_COLORS = ['#8e6cc9', '#c46fa4', '#5fa59b', '#b08d57'];

export function groupColor(key: string, index = 0): string {
  return GROUP_COLORS[key] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length];
}

const FONT = 'font-family="inherit"';

/** No xmlns: inline SVG in HTML gets its namespace from the parser, and the file then holds no URL at all. */
function svg(id: string, width: number, height: number, title: string, desc: string, body: string): string {
  return (
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-labelledby="${id}-t ${id}-d" ${FONT} class="chart">` +
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${body}</svg>`
  );
}

/** Horizontal bars of group sizes, labelled with count and share; the scale starts at zero. */
export function groupSizeChart(groups: GroupSummary[]): string {
  // Sized for half of the report's width (~480 px) so the page shows it at 1:1 and text keeps its size.
  const labelW = 118;
  const barMax = 238;
  const rowH = 38;
  const top = 8;
  const width = labelW + barMax + 124;
  const height = top * 2 + rowH * groups.length;
  const max = Math.max(1, ...groups.map((g) => g.customers));
  const rows = groups.map((g, i) => {
    const y = top + i * rowH;
    const w = Math.max(g.customers > 0 ? 2 : 0, (g.customers / max) * barMax);
    const label = `${formatInt(g.customers)} \u00b7 ${formatPercent(g.share)}`;
    return (
      `<g><title>${esc(`${g.name}: ${label} of customers`)}</title>` +
      `<text x="${labelW - 12}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="central" class="lbl">${esc(g.name)}</text>` +
      `<rect x="${labelW}" y="${y + 7}" width="${w.toFixed(1)}" height="${rowH - 14}" rx="3" fill="${groupColor(g.group, i)}"/>` +
      `<text x="${(labelW + w + 8).toFixed(1)}" y="${y + rowH / 2}" dominant-baseline="central" class="val">${esc(label)}</text></g>`
    );
  });
  const axis = `<line x1="${labelW}" y1="${top}" x2="${labelW}" y2="${height - top}" class="axis"/>`;
  const desc = groups.map((g) => `${g.name} ${formatInt(g.customers)} (${formatPercent(g.share)})`).join(', ');
  return svg('sizes', width, height, 'Customers per group', desc, axis + rows.join(''));
}

/**
 * Two 100% stacked bars, customers above revenue, with the same group order and colours, so the eye sees at
 * once which groups earn more than their headcount (Loyal) and which less (Sleepers).
 */
export function revenueShareChart(groups: GroupSummary[], currency: string): string {
  const labelW = 82;
  const barW = 392;
  const barH = 40;
  const width = labelW + barW + 12;
  const legendRows = Math.ceil(groups.length / 3);
  const height = 24 + 2 * (barH + 18) + legendRows * 24 + 8;
  const bar = (label: string, y: number, share: (g: GroupSummary) => number, what: string): string => {
    let x = labelW;
    const parts = groups.map((g, i) => {
      const w = Math.max(0, share(g)) * barW;
      const text = w >= 27 ? `<text x="${(x + w / 2).toFixed(1)}" y="${y + barH / 2}" text-anchor="middle" dominant-baseline="central" class="in">${formatPercent(share(g), 0)}</text>` : '';
      const part =
        `<g><title>${esc(`${g.name}: ${formatPercent(share(g))} of ${what}`)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${groupColor(g.group, i)}" stroke="#fff" stroke-width="1"/>${text}</g>`;
      x += w;
      return part;
    });
    return `<text x="${labelW - 12}" y="${y + barH / 2}" text-anchor="end" dominant-baseline="central" class="lbl">${label}</text>${parts.join('')}`;
  };
  const y1 = 12;
  const y2 = y1 + barH + 18;
  const legendTop = y2 + barH + 26;
  const desc = groups
    .map((g) => `${g.name}: ${formatPercent(g.share)} of customers, ${formatPercent(g.revenueShare)} of revenue`)
    .join('; ');
  return svg(
    'revenue',
    width,
    height,
    `Share of customers and of revenue (${currency}) per group`,
    desc,
    bar('Customers', y1, (g) => g.share, 'customers') + bar('Revenue', y2, (g) => g.revenueShare, 'revenue') + legend(groups, labelW, legendTop),
  );
}

/** Colour key in rows of three, shared by the charts that stack groups. */
function legend(groups: { group: string; name: string }[], left: number, top: number): string {
  return groups
    .map((g, i) => {
      const x = left + (i % 3) * 134;
      const y = top + Math.floor(i / 3) * 24;
      return (
        `<rect x="${x}" y="${y - 6}" width="12" height="12" rx="2" fill="${groupColor(g.group, i)}"/>` +
        `<text x="${x + 18}" y="${y}" dominant-baseline="central" class="small">${esc(g.name)}</text>`
      );
    })
    .join('');
}

/** Sequential blue scale, light (few customers) to dark (many). */
function heat(t: number): string {
  const from = [238, 243, 250];
  const to = [22, 70, 140];
  const c = from.map((a, i) => Math.round(a + (to[i] - a) * Math.min(1, Math.max(0, t))));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The R×F grid: R on the vertical axis (5, most recent, at the top), F on the horizontal axis. */
export function scoreHeatmap(cells: RunSummary['scoreHeatmap'], currency: string): string {
  const cell = 64;
  const left = 70;
  const top = 10;
  const grid = cell * 5;
  const legendX = left + grid + 24;
  const width = legendX + 76;
  const height = top + grid + 64;
  const byKey = new Map(cells.map((c) => [`${c.r}:${c.f}`, c]));
  const max = Math.max(1, ...cells.map((c) => c.customers));
  const out: string[] = [];
  for (let r = 5; r >= 1; r--) {
    const y = top + (5 - r) * cell;
    out.push(`<text x="${left - 10}" y="${y + cell / 2}" text-anchor="end" dominant-baseline="central" class="lbl">${r}</text>`);
    for (let f = 1; f <= 5; f++) {
      const x = left + (f - 1) * cell;
      const c = byKey.get(`${r}:${f}`);
      const n = c?.customers ?? 0;
      const t = n / max;
      const ink = t > 0.45 ? '#fff' : '#1d2939';
      const spend = c && n > 0 ? formatMoney(c.meanMonetary, currency, 0) : '';
      out.push(
        `<g><title>${esc(`R ${r}, F ${f}: ${formatInt(n)} customers${spend ? `, mean spend ${spend}` : ''}`)}</title>` +
          `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${heat(t)}" stroke="#fff" stroke-width="2"/>` +
          `<text x="${x + cell / 2}" y="${y + cell / 2 - 7}" text-anchor="middle" dominant-baseline="central" fill="${ink}" class="cnt">${formatInt(n)}</text>` +
          (spend ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 12}" text-anchor="middle" dominant-baseline="central" fill="${ink}" class="tiny">${esc(spend)}</text>` : '') +
          `</g>`,
      );
    }
  }
  for (let f = 1; f <= 5; f++) {
    out.push(`<text x="${left + (f - 0.5) * cell}" y="${top + grid + 16}" text-anchor="middle" class="lbl">${f}</text>`);
  }
  out.push(`<text x="${left + grid / 2}" y="${top + grid + 44}" text-anchor="middle" class="axis-title">F: frequency score (5 = most orders)</text>`);
  out.push(
    `<text transform="translate(22 ${top + grid / 2}) rotate(-90)" text-anchor="middle" class="axis-title">R: recency score (5 = most recent)</text>`,
  );
  // Legend: the colour ramp with its end values, so the shading can be read as numbers.
  out.push(
    `<defs><linearGradient id="heat-ramp" x1="0" y1="1" x2="0" y2="0"><stop offset="0" stop-color="${heat(0)}"/><stop offset="1" stop-color="${heat(1)}"/></linearGradient></defs>` +
      `<rect x="${legendX}" y="${top}" width="14" height="${grid}" fill="url(#heat-ramp)" stroke="#d0d5dd"/>` +
      `<text x="${legendX + 20}" y="${top + 6}" dominant-baseline="central" class="small">${formatInt(max)}</text>` +
      `<text x="${legendX + 20}" y="${top + grid - 6}" dominant-baseline="central" class="small">0</text>` +
      `<text x="${legendX}" y="${top + grid + 16}" class="small">customers</text>`,
  );
  const total = cells.reduce((a, c) => a + c.customers, 0);
  const desc = `Customers by recency score R and frequency score F, ${formatInt(total)} in all; the busiest cell has ${formatInt(max)}.`;
  return svg('heatmap', width, height, 'Customers by R and F score', desc, out.join(''));
}

export interface HistoryRun {
  runNumber: number;
  finishedAt: string;
  groups: { group: string; customers: number }[];
}

/** Stacked columns of group sizes per run, oldest left, to show how the mix drifts night after night. */
export function historyChart(runs: HistoryRun[], order: GroupSummary[]): string {
  const left = 64;
  const plotH = 200;
  const top = 10;
  const colW = Math.max(14, Math.min(52, Math.floor(400 / runs.length)));
  const width = Math.max(left + colW * runs.length + 16, left + 3 * 134);
  const legendTop = top + plotH + 44;
  const height = legendTop + Math.ceil(order.length / 3) * 24;
  const keys = order.map((g) => g.group);
  for (const run of runs) for (const g of run.groups) if (!keys.includes(g.group)) keys.push(g.group);
  const totals = runs.map((r) => r.groups.reduce((a, g) => a + g.customers, 0));
  const max = niceCeil(Math.max(1, ...totals));
  const scale = (n: number): number => (n / max) * plotH;
  const out: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = top + plotH - scale(v);
    out.push(`<line x1="${left}" x2="${width - 8}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${left - 8}" y="${y.toFixed(1)}" text-anchor="end" dominant-baseline="central" class="small">${formatInt(v)}</text>`);
  }
  const labelEvery = Math.ceil(runs.length / 12);
  runs.forEach((run, i) => {
    const x = left + i * colW + 3;
    let y = top + plotH;
    for (const key of keys) {
      const n = run.groups.find((g) => g.group === key)?.customers ?? 0;
      if (n <= 0) continue;
      const h = scale(n);
      y -= h;
      const name = order.find((g) => g.group === key)?.name ?? key;
      out.push(
        `<rect x="${x}" y="${y.toFixed(1)}" width="${colW - 6}" height="${h.toFixed(1)}" fill="${groupColor(key, keys.indexOf(key))}">` +
          `<title>${esc(`Run #${run.runNumber}: ${name} ${formatInt(n)}`)}</title></rect>`,
      );
    }
    if (i % labelEvery === 0 || i === runs.length - 1) {
      out.push(`<text x="${x + (colW - 6) / 2}" y="${top + plotH + 18}" text-anchor="middle" class="small">#${esc(run.runNumber)}</text>`);
    }
  });
  const desc = runs.map((r, i) => `run #${r.runNumber}: ${formatInt(totals[i])} customers`).join(', ');
  out.push(legend(order, left, legendTop));
  return svg('history', width, height, 'Group sizes over the recent runs', desc, out.join(''));
}

/** Rounds an axis maximum up to 1, 2, 2.5 or 5 times a power of ten, so grid lines fall on round numbers. */
function niceCeil(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}
