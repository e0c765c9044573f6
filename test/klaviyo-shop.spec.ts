import { klaviyoClientFactory } from '../src/klaviyo/klaviyo-client';
import { KlaviyoConnectService } from '../src/klaviyo/klaviyo-connect.service';
import { KlaviyoPlanService } from '../src/klaviyo/klaviyo-plan.service';
import { CredentialCipher } from '../src/shops/credential-cipher';
import { API_KEY, expectIntendedState, intendedState, klaviyoSpecHooks, latestRunId, sixteenCustomers, syncWorld } from './klaviyo-fixture';
import { testDatabaseTargets } from './support/test-databases';

jest.setTimeout(300_000);

describe.each(testDatabaseTargets())('Klaviyo per shop: connecting, the daily list cap, privacy deletions, the dry run, on $name', (target) => {
  const spec = klaviyoSpecHooks(target, { jobDelayMs: 30 });
  let shopNumber = 0;

  const world = () => syncWorld(spec.test.database.dataSource, spec.fake, `shop-${++shopNumber}.myshopify.com`, sixteenCustomers());
  const db = () => spec.test.database.dataSource;

  it('connect: a wrong key is reported as such and not stored; a good one is stored sealed, never in clear', async () => {
    const { shop, shops, credentials } = await world();
    await credentials.remove(shop.id, 'klaviyo');
    const connection = new KlaviyoConnectService(shops, credentials, klaviyoClientFactory(spec.fake.baseUrl));
    const wrong = 'pk_wrong_key_9876543210';

    const refusal = await connection.connect(shop.domain, wrong).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(/^Klaviyo rejected the API key \(401\): check it is a private key/);
    expect(`${(refusal as Error).message} ${(refusal as Error).stack} ${JSON.stringify(refusal)}`).not.toContain(wrong);
    expect(await credentials.get(shop.id, 'klaviyo')).toBeNull();
    await expect(connection.connect(shop.domain, 'sk_not_private')).rejects.toThrow(/starts with pk_/);

    await connection.connect(shop.domain, API_KEY);
    expect(await credentials.get(shop.id, 'klaviyo')).toBe(API_KEY);
    const [row] = await db().query(`SELECT sealed FROM shop_credentials WHERE shop_id = $1 AND service = 'klaviyo'`, [shop.id]);
    expect(row.sealed).not.toContain(API_KEY);
  });

  it('beyond the daily cap, lists are deferred with a message and the sync goes on; the next day they are created and filled', async () => {
    const w = await world();
    const first = await w.service({ dailyListCap: 4 }).sync(w.shop.domain);

    expect(first.lists.created).toHaveLength(4);
    expect(first.lists.deferred).toHaveLength(5);
    expect(first.messages.join('\n')).toMatch(/daily cap on new lists is reached: 5 list\(s\) deferred to tomorrow/);
    expect(spec.fake.state.lists.size).toBe(4);
    expect(first.profiles.confirmed).toBe(15);

    // The next day: the cap has room again.
    await db().query(`UPDATE klaviyo_lists SET created_on = created_on - 1 WHERE shop_id = $1`, [w.shop.id]);
    await w.service({ dailyListCap: 4 }).sync(w.shop.domain);
    await db().query(`UPDATE klaviyo_lists SET created_on = created_on - 1 WHERE shop_id = $1`, [w.shop.id]);
    const third = await w.service({ dailyListCap: 4 }).sync(w.shop.domain);

    expect(third.lists.deferred).toEqual([]);
    await expectIntendedState(db(), spec.fake, w.shop.id, await latestRunId(db(), w.shop.id));
  });

  it('a queued privacy deletion is carried out in Klaviyo before the sync, and the ledger forgets the customer', async () => {
    const w = await world();
    await w.service().sync(w.shop.domain);
    const c01 = spec.fake.profileByExternalId('c01')!;
    const sealed = new CredentialCipher(w.secretKey).seal(JSON.stringify({ email: 'c03@example.test', phone: null }));
    await db().query(
      `INSERT INTO destination_deletions (shop_id, destination, subject_key, sealed_contact) VALUES ($1, 'klaviyo', 'c03', $2), ($1, 'klaviyo', 'c01', NULL)`,
      [w.shop.id, sealed],
    );
    // customers/redact erased both from every per-customer table (the ledger too); c03's contact travels sealed
    // in the queue, c01's was not kept: found by external_id.
    for (const table of ['customers', 'segment_memberships', 'segment_changes', 'saved_segment_members', 'klaviyo_profiles']) {
      await db().query(`DELETE FROM ${table} WHERE shop_id = $1 AND customer_id IN ('c01', 'c03')`, [w.shop.id]);
    }

    const report = await w.service().sync(w.shop.domain);

    expect(report.deletions).toBe(2);
    expect(spec.fake.profileByExternalId('c01')).toBeUndefined();
    expect(spec.fake.state.profiles.has(c01.id)).toBe(false);
    expect(spec.fake.profileByExternalId('c03')).toBeUndefined();
    const queue = await db().query(
      `SELECT subject_key, status, sealed_contact FROM destination_deletions WHERE shop_id = $1 ORDER BY subject_key`,
      [w.shop.id],
    );
    expect(queue).toEqual([
      { subject_key: 'c01', status: 'done', sealed_contact: null },
      { subject_key: 'c03', status: 'done', sealed_contact: null },
    ]);
  });

  it('the dry run shows the plan, calls nothing and leaves no row behind', async () => {
    const w = await world();
    const tables = ['klaviyo_lists', 'klaviyo_profiles', 'klaviyo_syncs', 'klaviyo_sync_events', 'klaviyo_import_jobs'];
    const counts = async () =>
      Promise.all(tables.map(async (table) => (await db().query(`SELECT count(*)::int AS n FROM ${table} WHERE shop_id = $1`, [w.shop.id]))[0].n));

    const plan = await new KlaviyoPlanService(db(), w.shops).plan(w.shop.domain);

    expect(plan).toMatchObject({ connected: true, baseline: true, upserts: 15, skippedUnreachable: 1, removals: 0, events: 0 });
    expect(plan.lists.map((list) => list.status)).toEqual(Array(9).fill('create'));
    expect(plan.lists.reduce((sum, list) => sum + list.joining, 0)).toBe(
      15 + Number((await db().query(`SELECT count(*)::int AS n FROM segment_memberships m JOIN customers c USING (shop_id, customer_id) WHERE m.shop_id = $1 AND m.vip_tier IS NOT NULL AND (c.email IS NOT NULL OR c.phone IS NOT NULL)`, [w.shop.id]))[0].n),
    );
    expect(plan.sample.map((profile) => profile.customerId)).toEqual(['c01', 'c02', 'c03']);
    const intended = await intendedState(db(), w.shop.id, await latestRunId(db(), w.shop.id));
    expect(plan.sample.map((profile) => profile.properties)).toEqual(['c01', 'c02', 'c03'].map((id) => intended.properties.get(id)));
    expect(spec.fake.totalCalls()).toBe(0);
    expect(await counts()).toEqual(tables.map(() => 0));
  });
});
