import { MIGRATIONS } from '../migrations';
import { testDatabaseTargets } from './support/test-databases';

describe.each(testDatabaseTargets())('database on $name', (target) => {
  it('applies the migrations on open and keeps data across a restart', async () => {
    const test = await target.open();
    try {
      const tables = await test.database.dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      const names = tables.map((row: { table_name: string }) => row.table_name);
      expect(names).toEqual(expect.arrayContaining(['shops', 'customers', 'orders', 'order_lines', 'checkouts', 'segment_runs', 'segment_memberships', 'segment_changes', 'shop_credentials', 'webhook_inbox', 'klaviyo_profiles']));
      // Every table but the tenants themselves and the migrations' own ledger is keyed by shop: by its id, or
      // by its domain where a row must exist before the shop is resolved (the webhook inbox) or outlive it
      // (the privacy audit, kept after shop/redact).
      const keyed = await test.database.dataSource.query(
        `SELECT table_name FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name IN ('shop_id', 'shop_domain')`,
      );
      const unkeyed = names.filter((name: string) => !keyed.some((row: { table_name: string }) => row.table_name === name));
      expect(unkeyed).toEqual(['schema_migrations', 'shops']);
      await test.database.dataSource.query(`INSERT INTO shops (domain) VALUES ($1)`, ['a.myshopify.com']);
      const reopened = await test.reopen();
      const shops = await reopened.dataSource.query(`SELECT domain FROM shops`);
      expect(shops).toEqual([{ domain: 'a.myshopify.com' }]);
      const migrations = await reopened.dataSource.query(`SELECT count(*)::int AS n FROM schema_migrations`);
      expect(migrations).toEqual([{ n: MIGRATIONS.length }]);
    } finally {
      await test.dispose();
    }
  });
});
