import { renderHtmlReport } from './html-report';
import { sampleHistory, sampleRunSummary } from './sample-summary';

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(sampleRunSummary(), sampleHistory());

  it('is one complete HTML document', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>Segment run #42 \u00b7 northwind-apparel.myshopify.com</title>');
    expect(count(html, '<svg')).toBe(count(html, '</svg>'));
  });

  it('loads nothing from anywhere: no URL, script, stylesheet link or font', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|@font-face/i);
    // The only url() is the heatmap's own gradient.
    expect(html.match(/url\([^)]*\)/g)).toEqual(['url(#heat-ramp)']);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
  });

  it('draws the charts, each labelled for screen readers', () => {
    for (const id of ['sizes', 'revenue', 'heatmap', 'history']) {
      expect(html).toContain(`aria-labelledby="${id}-t ${id}-d"`);
      expect(html).toMatch(new RegExp(`<title id="${id}-t">[^<]+</title><desc id="${id}-d">[^<]+</desc>`));
    }
    expect(count(html, 'role="img"')).toBe(4);
  });

  it('shows group sizes with share labels', () => {
    expect(html).toContain('17,935 \u00b7 37.2%');
    expect(html).toContain('>Loyal at Risk</text>');
  });

  it('draws a 5x5 R x F heatmap with counts and axis titles', () => {
    expect(count(html, '<title>R ')).toBe(25);
    expect(html).toContain('<title>R 1, F 1: 6,709 customers, mean spend \u20ac142</title>');
    expect(html).toContain('R: recency score (5 = most recent)');
    expect(html).toContain('F: frequency score (5 = most orders)');
  });

  it('compares customer and revenue shares', () => {
    expect(html).toContain('<title>Loyal: 35.4% of revenue</title>');
    expect(html).toContain('<title>Loyal: 9.1% of customers</title>');
  });

  it('shows the from-to matrix of the previous run with totals', () => {
    expect(html).toContain('<table class="matrix">');
    expect(html).toContain('title="Loyal \u2192 Loyal at Risk: 431"');
    expect(html).toContain('>Not in previous run</th>');
    expect(html).toContain('<th scope="col">Left</th>');
    expect(html).toContain('<li>About to Sleep \u2192 Sleepers: 2,905</li>');
  });

  it('has the group table with a total line', () => {
    expect(html).toMatch(/<tfoot><tr><td>Total<\/td><td>48,213<\/td><td>100.0%<\/td>/);
    expect(html).toContain('<td>\u20ac642.15</td>');
  });

  it('says plainly when this is the first run and there is no history', () => {
    const first = renderHtmlReport({ ...sampleRunSummary(), previousRunId: null, transitions: [], left: 0 });
    expect(first).toContain('First run: no previous run to compare.');
    expect(first).not.toContain('<table class="matrix">');
    expect(first).toContain('Only one run so far');
    expect(first).not.toContain('aria-labelledby="history-t');
  });

  it('escapes every piece of data against HTML injection', () => {
    const evil = '<script>alert("x")</script>&\'';
    const s = sampleRunSummary();
    s.shopDomain = `${evil}.myshopify.com`;
    s.groups[0] = { ...s.groups[0], name: '<img src=x onerror=alert(1)>' };
    s.parameters = { '<b>key</b>': '"><svg onload=alert(1)>' };
    s.currency = '<EUR>';
    const out = renderHtmlReport(s, [{ runNumber: 1, finishedAt: '', groups: [{ group: '<i>odd</i>', customers: 3 }] }]);
    expect(out).not.toMatch(/<script|<img|<b>|<i>|<svg onload|<EUR>/i);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;.myshopify.com');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&lt;b&gt;key&lt;/b&gt;');
    expect(out).toContain('&lt;i&gt;odd&lt;/i&gt;');
  });
});

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}
