import { MIGRATIONS } from '../migrations';
import { testDatabaseTargets } from './support/test-databases';

describe.each(testDatabaseTargets())('database on $name', (target) => {
  it('applies the migrations on open and keeps data across a restart', async () => {
    const test = await target.open();
    try {
      const tables = await test.database.dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual([
        'checkouts',
        'customers',
        'order_lines',
        'orders',
        'product_launches',
        'saved_segment_members',
        'saved_segments',
        'schema_migrations',
        'segment_changes',
        'segment_memberships',
        'segment_runs',
        'shops',
      ]);
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
