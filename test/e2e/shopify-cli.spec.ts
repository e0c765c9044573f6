/**
 * End-to-end: connecting a Shopify store and importing it as a user does, with the compiled command line
 * and HTTP service in child processes (embedded database, fresh data folder) and the fake Shopify Admin API
 * as SHOPIFY_API_BASE_URL. The real `@shopify/shopify-api` library does every request.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Database } from '../../src/database/database';
import { generateSampleStore } from '../../src/demo/sample-store';
import { FakeShopify } from '../fakes/shopify';
import { makeTempDir, removeTempDirs, runCli, startService, type RunningService } from './support/cli';

const KEY = randomBytes(32).toString('hex');
let fake: FakeShopify;
let expected: { customers: number; orders: number; checkouts: number };

beforeAll(async () => {
  fake = await FakeShopify.start({
    shop: 'cli-outfitters.myshopify.com',
    accessToken: `shpat_${randomBytes(16).toString('hex')}`,
    shopName: 'CLI Outfitters',
    currency: 'CAD',
    timezone: 'America/Toronto',
    bulk: { createdMs: 10, runningMs: 30, interleave: true },
  });
  expected = { customers: 0, orders: 0, checkouts: 0 };
  for (const batch of generateSampleStore({ customers: 150, asOf: new Date('2026-11-20T00:00:00Z'), seed: 5 })) {
    fake.seed(batch);
    expected.customers += batch.customers.length;
    expected.orders += batch.orders.length;
    expected.checkouts += batch.checkouts.length;
  }
});

afterAll(async () => {
  await fake?.close();
  removeTempDirs();
});

function env(extra: Record<string, string> = {}) {
  return { SHOPIFY_API_BASE_URL: fake.baseUrl, SEGMENT_SYNC_SECRET_KEY: KEY, ...extra };
}

async function count(dataDir: string, sql: string): Promise<number> {
  const database = await Database.open({ databaseUrl: null, dataDir });
  try {
    const [row] = await database.dataSource.query(sql);
    return Number(Object.values(row)[0]);
  } finally {
    await database.close();
  }
}

describe('segment-sync shops add + shopify import', () => {
  it('connects the store, imports it by bulk export, then reads only changes; the token is never printed', async () => {
    const dataDir = join(makeTempDir(), 'data');

    const added = await runCli(['shops', 'add', '--domain', fake.shop, '--token', fake.accessToken], { dataDir, env: env() });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(
      `Connected ${fake.shop} (CLI Outfitters): currency CAD, time zone America/Toronto\n` +
        `Granted scopes: read_all_orders, read_checkouts, read_customers, read_orders\n`,
    );

    const first = await runCli(['shopify', 'import', '--shop', fake.shop, '--json'], { dataDir, env: env() });
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.resources.map((r: any) => [r.resource, r.mode, r.records])).toEqual([
      ['customers', 'bulk', expected.customers],
      ['orders', 'bulk', expected.orders],
      ['checkouts', 'bulk', expected.checkouts],
    ]);
    const n = (count: number) => count.toLocaleString('en-US');
    expect(first.stderr).toMatch(
      new RegExp(`import: ${n(expected.customers)} customers, ${n(expected.orders)} orders, ${n(expected.checkouts)} checkouts, `),
    );

    const second = await runCli(['shopify', 'import'], { dataDir, env: env() });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`^Imported \\d+ customers \\(changes\\), \\d+ orders \\(changes\\), \\d+ checkouts \\(changes\\) from ${fake.shop} in [0-9.]+ s\\n$`),
    );

    expect(await count(dataDir, `SELECT count(*) FROM orders`)).toBe(expected.orders);
    expect(await count(dataDir, `SELECT count(*) FROM customers WHERE customer_id NOT LIKE 'email:%'`)).toBe(expected.customers);
    expect(await count(dataDir, `SELECT count(*) FROM shop_credentials WHERE sealed LIKE '%${fake.accessToken}%'`)).toBe(0);
    for (const output of [added, first, second]) expect(output.stdout + output.stderr).not.toContain(fake.accessToken);
    expect(fake.rejectedDocuments).toEqual([]);
  });

  it('says plainly that a token is wrong, and that the secret key is missing, echoing no token', async () => {
    const dataDir = join(makeTempDir(), 'data');
    const wrong = 'shpat_thisisnotavalidtoken000000000';

    const refused = await runCli(['shops', 'add', '--domain', fake.shop, '--token', wrong], { dataDir, env: env() });
    const noKey = await runCli(['shops', 'add', '--domain', fake.shop, '--token', fake.accessToken], {
      dataDir,
      env: { SHOPIFY_API_BASE_URL: fake.baseUrl },
    });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: Shopify rejected the access token for ${fake.shop}: it is wrong, revoked, or belongs to another store ` +
        `(create a new Admin API access token in the custom app, or reinstall the app)\n`,
    );
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/^error: SEGMENT_SYNC_SECRET_KEY is not set: it is needed to store the Shopify token sealed/);
    expect(refused.stderr + noKey.stderr).not.toMatch(/shpat_/);
  });
});

describe('the HTTP service: POST /shops and the OAuth install', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({
      dataDir: join(makeTempDir(), 'data'),
      env: env({ SHOPIFY_API_KEY: fake.apiKey, SHOPIFY_API_SECRET: fake.apiSecret, SHOPIFY_APP_URL: 'https://segment-sync.example' }),
    });
  });
  afterAll(async () => service?.kill());

  it('connects a shop from a JSON body, and answers 422 to a wrong token', async () => {
    const post = (token: string) =>
      fetch(`${service.url}/shops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain: fake.shop, token }),
      });

    const ok = await post(fake.accessToken);
    const wrong = await post('shpat_wrong');

    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({
      domain: fake.shop,
      name: 'CLI Outfitters',
      currency: 'CAD',
      timezone: 'America/Toronto',
      scopes: ['read_all_orders', 'read_checkouts', 'read_customers', 'read_orders'],
    });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/^Shopify rejected the access token for cli-outfitters\.myshopify\.com/);
  });

  it('installs through OAuth: redirect with state, callback checked by hmac and state, offline token kept sealed', async () => {
    // The library turns bots away (410): these requests come from the merchant's browser.
    const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36' };
    const begin = await fetch(`${service.url}/shopify/auth?shop=${fake.shop}`, { redirect: 'manual', headers: browser });
    expect(begin.status).toBe(302);
    const consent = new URL(begin.headers.get('location')!);
    expect(consent.origin + consent.pathname).toBe(`https://${fake.shop}/admin/oauth/authorize`);
    expect(consent.searchParams.get('redirect_uri')).toBe('https://segment-sync.example/shopify/auth/callback');
    const state = consent.searchParams.get('state');
    expect(state).toMatch(/^[0-9a-f]{32,}$/);
    const cookies = begin.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');

    // The merchant approves on Shopify (the fake), which sends the browser back with code, state and hmac.
    const approved = await fetch(`${fake.baseUrl}${consent.pathname}${consent.search}`, { redirect: 'manual' });
    const back = new URL(approved.headers.get('location')!);
    const tampered = new URL(back);
    tampered.searchParams.set('shop', 'other-store.myshopify.com');

    const forged = await fetch(`${service.url}${tampered.pathname}${tampered.search}`, { headers: { ...browser, cookie: cookies } });
    expect(forged.status).toBe(400);
    const callback = await fetch(`${service.url}${back.pathname}${back.search}`, { headers: { ...browser, cookie: cookies } });

    expect(callback.status).toBe(200);
    expect(await callback.json()).toEqual({
      connected: fake.shop,
      name: 'CLI Outfitters',
      currency: 'CAD',
      timezone: 'America/Toronto',
      scopes: ['read_all_orders', 'read_customers', 'read_orders', 'read_products'],
    });
    expect(service.stdout() + service.stderr()).not.toMatch(/shpat_/);
  });
});
