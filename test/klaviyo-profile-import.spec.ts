import { profileProperties } from '../src/klaviyo/core/profiles';
import { klaviyoClientFactory } from '../src/klaviyo/klaviyo-client';
import { KlaviyoSyncRepository } from '../src/klaviyo/klaviyo-sync.repository';
import type { PlanRow } from '../src/klaviyo/plan-stream';
import { ProfileImport } from '../src/klaviyo/profile-import';
import { SILENT_PROGRESS } from '../src/klaviyo/sync-progress';
import { ShopsRepository } from '../src/shops/shops.repository';
import { API_KEY, klaviyoSpecHooks } from './klaviyo-fixture';
import { testDatabaseTargets } from './support/test-databases';

jest.setTimeout(60_000);

function planned(customerId: string, addKey: string): PlanRow {
  return {
    customer_id: customerId,
    email: `${customerId}@example.test`,
    phone: null,
    properties_hash: `h-${customerId}`,
    upsert: true,
    known: false,
    unreachable: false,
    add_key: addKey,
    remove_lists: [],
    profile_id: null,
    properties: profileProperties({ rfm_group: addKey.slice('rfm:'.length), rfm_score: 345 }),
  };
}

/** Resolves once `done()` holds, checked every 10 ms; fails after 5 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(testDatabaseTargets())('profiles imported as the plan is read, on $name', (target) => {
  const spec = klaviyoSpecHooks(target, { jobDelayMs: 20 });

  it("a group's last job goes out once the plan can hand over no more of its profiles, not at the end", async () => {
    const db = spec.test.database.dataSource;
    const shop = await new ShopsRepository(db).ensure(`import-${target.name}.myshopify.com`);
    const [sync] = await db.query(
      `INSERT INTO klaviyo_syncs (shop_id, run_id, run_number, status, baseline) VALUES ($1, 1, 1, 'running', true) RETURNING id`,
      [shop.id],
    );
    const now = new Date().toISOString();
    for (const [id, name] of [['L0LOYL', 'Loyal'], ['L0SLEE', 'Sleepers']]) {
      spec.fake.state.lists.set(id, { id, name, opt_in_process: 'single_opt_in', created: now, updated: now, members: new Set() });
    }
    const client = klaviyoClientFactory(spec.fake.baseUrl, { timeoutMs: 5_000 })(API_KEY);
    const imports = new ProfileImport(client, new KlaviyoSyncRepository(db), shop.id, SILENT_PROGRESS);
    const jobs = () => [...spec.fake.state.bulkImportJobs.values()];

    await imports.send(sync.id, new Map([['rfm:loyal', 'L0LOYL'], ['rfm:sleepers', 'L0SLEE']]), async (add, settled) => {
      for (const id of ['c1', 'c2', 'c3']) await add(planned(id, 'rfm:loyal'));
      await add(planned('c4', 'rfm:sleepers'));
      await settled((key) => key === 'nothing yet');
      await settled((key) => key < 'rfm:sleepers');
      // Loyal can get no more profiles: its job is sent while the plan is still being read.
      await until(() => jobs().length === 1, "Loyal's job reaches Klaviyo");
      expect(jobs()[0]).toMatchObject({ listIds: ['L0LOYL'], total_count: 3 });
      await add(planned('c5', 'rfm:sleepers'));
    });

    expect(jobs().map((job) => ({ lists: job.listIds, profiles: job.total_count }))).toEqual([
      { lists: ['L0LOYL'], profiles: 3 },
      { lists: ['L0SLEE'], profiles: 2 },
    ]);
    expect(imports.figures).toMatchObject({ jobs: 2, profilesSent: 5, profilesConfirmed: 5, profilesRejected: 0 });
    expect(await db.query(`SELECT customer_id, lists FROM klaviyo_profiles WHERE shop_id = $1 ORDER BY customer_id`, [shop.id])).toEqual([
      { customer_id: 'c1', lists: ['rfm:loyal'] },
      { customer_id: 'c2', lists: ['rfm:loyal'] },
      { customer_id: 'c3', lists: ['rfm:loyal'] },
      { customer_id: 'c4', lists: ['rfm:sleepers'] },
      { customer_id: 'c5', lists: ['rfm:sleepers'] },
    ]);
    expect(spec.fake.rejectedRequests).toEqual([]);
  });

  it('a job planned new to the ledger whose customer reached the ledger meanwhile is applied as any other', async () => {
    const db = spec.test.database.dataSource;
    const shop = await new ShopsRepository(db).ensure(`import-late-${target.name}.myshopify.com`);
    const [sync] = await db.query(
      `INSERT INTO klaviyo_syncs (shop_id, run_id, run_number, status, baseline) VALUES ($1, 1, 1, 'running', true) RETURNING id`,
      [shop.id],
    );
    const now = new Date().toISOString();
    spec.fake.state.lists.set('L1LOYL', { id: 'L1LOYL', name: 'Loyal', opt_in_process: 'single_opt_in', created: now, updated: now, members: new Set() });
    const client = klaviyoClientFactory(spec.fake.baseUrl, { timeoutMs: 5_000 })(API_KEY);
    const imports = new ProfileImport(client, new KlaviyoSyncRepository(db), shop.id, SILENT_PROGRESS);

    await imports.send(sync.id, new Map([['rfm:loyal', 'L1LOYL']]), async (add) => {
      await add(planned('c1', 'rfm:loyal'));
      await add(planned('c2', 'rfm:loyal'));
      // Written after c2 was planned as new: the job's plain insert would break the ledger's key.
      await db.query(`INSERT INTO klaviyo_profiles (shop_id, customer_id, properties_hash, lists) VALUES ($1, 'c2', 'old', '{rfm:champions}')`, [
        shop.id,
      ]);
    });

    expect(imports.figures).toMatchObject({ jobs: 1, profilesConfirmed: 2 });
    expect(await db.query(`SELECT customer_id, properties_hash, lists FROM klaviyo_profiles WHERE shop_id = $1 ORDER BY customer_id`, [shop.id])).toEqual([
      { customer_id: 'c1', properties_hash: 'h-c1', lists: ['rfm:loyal'] },
      { customer_id: 'c2', properties_hash: 'h-c2', lists: ['rfm:champions', 'rfm:loyal'] },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM klaviyo_import_jobs WHERE shop_id = $1`, [shop.id])).toEqual([{ n: 0 }]);
  });
});
