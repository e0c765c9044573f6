/**
 * End-to-end: the HTTP service as a client meets it — `node bin/segment-sync.js serve --port 0` in a child
 * process on a data folder holding the sample store (800 customers), spoken to with fetch.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  makeTempDir,
  removeTempDirs,
  runCli,
  runCliJson,
  startService,
  stripAnsi,
  type RunningService,
  type RunSummary,
} from './support/cli';

const SHOP = 'demo-outfitters.myshopify.com';

let dataDir: string;
let demo: RunSummary;
let service: RunningService;
let base: string;

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: any; type: string | null }> {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: await response.json(), type: response.headers.get('content-type') };
}

function postRun(domain: string, body: string): Promise<{ status: number; body: any; type: string | null }> {
  return getJson(`/shops/${domain}/segment-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

beforeAll(async () => {
  dataDir = join(makeTempDir(), 'data');
  demo = await runCliJson<RunSummary>(
    ['demo', '--customers', '800', '--seed', '3', '--as-of', '2026-11-27', '--json', '--out', join(makeTempDir(), 'r.html')],
    { dataDir },
  );
  service = await startService({ dataDir });
  base = service.url;
});

afterAll(async () => {
  await service?.kill();
  removeTempDirs();
});

describe('segment-sync serve on the sample store', () => {
  it('serve --port 0 listens on a free loopback port and says which', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /health → 200 {status: ok, database: embedded}', async () => {
    const { status, body } = await getJson('/health');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', database: 'embedded' });
  });

  let posted: RunSummary;

  it('POST /shops/:domain/segment-runs {"asOf":"2026-11-28"} → 201 and the summary of run #2', async () => {
    const { status, body, type } = await postRun(SHOP, JSON.stringify({ asOf: '2026-11-28' }));
    expect(status).toBe(201);
    expect(type).toMatch(/^application\/json/);
    posted = body;
    expect(posted).toMatchObject({
      runNumber: 2,
      shopDomain: SHOP,
      asOf: '2026-11-28T00:00:00.000Z',
      previousRunId: demo.runId,
      customers: demo.customers,
      orders: demo.orders,
    });
    expect(posted.groups.map((g) => g.name)).toEqual([
      'New',
      'About to Sleep',
      'Sleepers',
      'Potential Loyal',
      'Loyal',
      'Loyal at Risk',
    ]);
    expect(posted.groups.reduce((n, g) => n + g.customers, 0)).toBe(posted.customers);
  });

  it('GET /shops/:domain/segment-runs → the runs, newest first', async () => {
    const { status, body } = await getJson(`/shops/${SHOP}/segment-runs`);
    expect(status).toBe(200);
    expect(body.map((s: RunSummary) => [s.runNumber, s.runId])).toEqual([
      [2, posted.runId],
      [1, demo.runId],
    ]);
    expect(body[0]).toEqual(posted);
  });

  it('GET /shops/:domain/segment-runs/latest → the summary of the latest run', async () => {
    const { status, body } = await getJson(`/shops/${SHOP}/segment-runs/latest`);
    expect(status).toBe(200);
    expect(body).toEqual(posted);
  });

  it('GET /shops/:domain/segment-runs/latest/report → the self-contained HTML report of run #2', async () => {
    const response = await fetch(`${base}/shops/${SHOP}/segment-runs/latest/report`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<title>Segment run #2 · ${SHOP}</title>`);
    expect(html).toContain(`Run id ${posted.runId} `);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  const UNKNOWN = `No shop 'nope.myshopify.com' in the database (known: ${SHOP})`;

  it('an unknown shop → 404 with a JSON error naming the shop and the known ones', async () => {
    const answers = await Promise.all([
      getJson('/shops/nope.myshopify.com/segment-runs'),
      getJson('/shops/nope.myshopify.com/segment-runs/latest'),
      postRun('nope.myshopify.com', '{}'),
      getJson('/shops/nope.myshopify.com/segment-runs/latest/report'),
    ]);
    for (const { status, body } of answers) {
      expect(status).toBe(404);
      expect(body).toEqual({ statusCode: 404, error: 'ShopNotFoundError', message: UNKNOWN });
    }
    for (const { type } of answers.slice(0, 3)) expect(type).toMatch(/^application\/json/);
  });

  it('the report route answers its errors in JSON, not as text/html', async () => {
    const { type } = await getJson('/shops/nope.myshopify.com/segment-runs/latest/report');
    expect(type).toMatch(/^application\/json/);
  });

  it('a run request with a wrong field → 400 naming the field, and no run is made', async () => {
    const wrongType = await postRun(SHOP, JSON.stringify({ seed: 'x' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toMatch(/^seed: /);
    const unknown = await postRun(SHOP, JSON.stringify({ asOf: '2026-11-28', colour: 'red' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('colour');
    const badDate = await postRun(SHOP, JSON.stringify({ asOf: 'yesterday' }));
    expect(badDate.status).toBe(400);
    expect(badDate.body.message).toMatch(/^asOf: /);
    const notJson = await postRun(SHOP, '{"asOf":');
    expect(notJson.status).toBe(400);
    const latest = await getJson(`/shops/${SHOP}/segment-runs/latest`);
    expect(latest.body.runNumber).toBe(2);
  });

  it('custom segments: preview a query in SQL, save it, list it, remove it; a bad query is a 400 with its position', async () => {
    const json = (method: string, body: unknown) => ({
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const query = "amount_spent > 200 AND customer_countries CONTAINS 'US'";
    const preview = await getJson(`/shops/${SHOP}/segments/preview`, json('POST', { query, sample: 3 }));
    expect(preview.status).toBe(200);
    expect(preview.body.customers).toBeGreaterThan(0);
    expect(preview.body.sample).toHaveLength(3);
    for (const customer of preview.body.sample) expect(customer.amountSpent).toBeGreaterThan(200);

    const saved = await getJson(`/shops/${SHOP}/segments/us_regulars`, json('PUT', { query, name: 'US regulars' }));
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ key: 'us_regulars', name: 'US regulars', query, source: 'custom' });
    const listed = await getJson(`/shops/${SHOP}/segments`);
    expect(listed.body.map((s: { key: string }) => s.key)).toContain('us_regulars');

    const bad = await getJson(`/shops/${SHOP}/segments/preview`, json('POST', { query: 'amount_spent > AND' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ message: "at 15: expected a value after '>' but found 'AND'", position: 15, token: 'AND' });

    const removed = await fetch(`${base}/shops/${SHOP}/segments/us_regulars`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    const gone = await fetch(`${base}/shops/${SHOP}/segments/us_regulars`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
  });

  it('settings: GET shows the defaults, PUT changes them, an invalid value is a 400 naming the field', async () => {
    const shown = await getJson(`/shops/${SHOP}/settings`);
    expect(shown.body).toMatchObject({ rfmScheme: 'kmeans', vip: { mode: 'relative' } });
    const put = (body: unknown) =>
      getJson(`/shops/${SHOP}/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put({ rfmScheme: 'shopify' })).body.rfmScheme).toBe('shopify');
    const bad = await put({ rfmScheme: 'rainbow' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Invalid shop setting rfmScheme: /);
    expect((await put({ rfmScheme: null })).body.rfmScheme).toBe('kmeans');
  });

  it('while the service runs, a command on the same data folder is refused and names the service', async () => {
    const result = await runCli(['segment'], { dataDir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`is in use by process ${service.process.pid}`);
  });

  it('SIGTERM stops the service cleanly and releases the data-folder lock', async () => {
    expect(existsSync(join(dataDir, 'segment-sync.lock'))).toBe(true);
    service.process.kill('SIGTERM');
    const { code, signal } = await service.exited;
    // NestJS's shutdown hook closes the application, then re-raises the signal: exit by SIGTERM or code 0.
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(stripAnsi(service.stderr())).not.toMatch(/error/i);
    expect(stripAnsi(service.stdout())).not.toMatch(/\bERROR\b/);
    expect(existsSync(join(dataDir, 'segment-sync.lock'))).toBe(false);
    // And the folder is usable again: the runs made through HTTP are there.
    const run = await runCliJson<RunSummary>(['segment', '--json', '--as-of', '2026-11-29'], { dataDir });
    expect(run).toMatchObject({ runNumber: 3, previousRunId: posted.runId });
  });
});
