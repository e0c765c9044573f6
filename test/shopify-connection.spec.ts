/**
 * Connecting a shop to Shopify and the import's refusals, against the fake Admin API through the real
 * library, on PGlite and on PostgreSQL: the token checked and sealed, a wrong token, a missing key, a missing
 * scope, failed and expired bulk exports, and no token anywhere in clear.
 */
import { ShopifyAuthenticationError } from '../src/shopify/admin/admin-api-client';
import { ShopifyImportError } from '../src/shopify/sync/bulk-operations';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { closeFakes, connectedFake, fakes, logged, SECRET_KEY, services, startFake } from './support/shopify-import-harness';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

afterAll(() => closeFakes());

describe.each(testDatabaseTargets())('Connecting a shop and refusals, on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('connects a shop with its token: details read from the API, token sealed with its scopes, never in clear', async () => {
    const fake = await startFake({ shopName: 'Maison Lumière', currency: 'EUR', timezone: 'Europe/Paris' });
    const { connections } = services(test, fake);

    const connected = await connections.connect(fake.shop.toUpperCase(), fake.accessToken);

    expect(connected.shop).toMatchObject({ domain: fake.shop, name: 'Maison Lumière', currency: 'EUR', timezone: 'Europe/Paris' });
    expect(connected.scopes).toEqual(['read_all_orders', 'read_checkouts', 'read_customers', 'read_orders']);
    const stored = await test.database.dataSource.query(`SELECT * FROM shop_credentials WHERE shop_id = $1`, [connected.shop.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].scopes).toBe('read_all_orders,read_checkouts,read_customers,read_orders');
    expect(JSON.stringify(stored)).not.toContain(fake.accessToken);
    expect(await new ShopCredentialsRepository(test.database.dataSource, SECRET_KEY).get(connected.shop.id, 'shopify')).toBe(fake.accessToken);
  });

  it('reconnecting a shop that uninstalled the app marks it installed again', async () => {
    const fake = await startFake({ shopName: 'Back Again', currency: 'USD', timezone: 'UTC' });
    const { connections } = services(test, fake);
    const first = await connections.connect(fake.shop, fake.accessToken);
    await test.database.dataSource.query(`UPDATE shops SET uninstalled_at = now() WHERE id = $1`, [first.shop.id]);

    await connections.connect(fake.shop, fake.accessToken);

    const [row] = await test.database.dataSource.query(`SELECT uninstalled_at FROM shops WHERE id = $1`, [first.shop.id]);
    expect(row.uninstalled_at).toBeNull();
  });

  it('refuses a wrong token, saying so, and stores nothing', async () => {
    const fake = await startFake();
    const { connections } = services(test, fake);
    const wrong = 'shpat_0000000000000000wrongwrong';

    const failure = await connections.connect(fake.shop, wrong).catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyAuthenticationError);
    expect(failure.message).toBe(
      `Shopify rejected the access token for ${fake.shop}: it is wrong, revoked, or belongs to another store ` +
        `(create a new Admin API access token in the custom app, or reinstall the app)`,
    );
    expect(failure.message + failure.stack).not.toContain(wrong);
    const shops = await test.database.dataSource.query(`SELECT id FROM shops WHERE domain = $1`, [fake.shop]);
    expect(shops).toEqual([]);
  });

  it('refuses to connect without SEGMENT_SYNC_SECRET_KEY, naming the variable', async () => {
    const fake = await startFake();
    const { connections } = services(test, fake, null);
    await expect(connections.connect(fake.shop, fake.accessToken)).rejects.toThrow(/^SEGMENT_SYNC_SECRET_KEY is not set/);
  });

  it('stops before reading anything when the token lacks read_all_orders, saying what to do', async () => {
    const { fake, shop, run } = await connectedFake(test);
    fake.setScopes(['read_customers', 'read_orders']);

    const failure = await run().catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyImportError);
    expect(failure.message).toBe(
      'Shopify refused access to orders: the app needs the read_all_orders scope to read orders older than 60 days; ' +
        "reinstall the app (or edit the custom app's Admin API scopes) with it",
    );
    const [row] = await test.database.dataSource.query(`SELECT count(*)::int AS n FROM customers WHERE shop_id = $1`, [shop.id]);
    expect(row.n).toBe(0);
  });

  it.each([
    [{ status: 'FAILED', errorCode: 'ACCESS_DENIED' } as const, /^Shopify refused access to customers: the app needs the read_customers scope/],
    [{ status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR' } as const, /^Shopify failed while exporting customers \(an internal error on Shopify's side\)\. Nothing was imported; try again later$/],
    [{ status: 'FAILED', errorCode: 'TIMEOUT' } as const, /^Shopify gave up exporting customers: the export took too long/],
    [{ status: 'EXPIRED' } as const, /^Shopify's export of customers expired before it could be downloaded\. Nothing was imported; run the import again$/],
  ])('reports a bulk operation that ends %j in words a merchant understands, writing nothing', async (outcome, message) => {
    const { fake, shop, run } = await connectedFake(test);
    fake.failNextBulkOperation(outcome);

    const failure = await run().catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyImportError);
    expect(failure.message).toMatch(message);
    const [row] = await test.database.dataSource.query(`SELECT count(*)::int AS n FROM customers WHERE shop_id = $1`, [shop.id]);
    expect(row.n).toBe(0);
  });

  it('never shows a token in logs, errors or the database', async () => {
    const tokens = fakes.map((fake) => fake.accessToken);
    const dump = await test.database.dataSource.query(`SELECT * FROM shop_credentials`);
    const text = JSON.stringify(dump) + logged.join('\n');
    for (const token of tokens) expect(text).not.toContain(token);
  });
});
