import { deterministicSample } from '../src/segmentation/deterministic-sample';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

describe.each(testDatabaseTargets())('deterministic sample on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  /** Customers c1..c2000 in a temporary table of one transaction; returns what `sample` returned and the full order. */
  async function withCustomers<T>(sample: (db: Parameters<typeof deterministicSample>[0]) => Promise<T>) {
    return test.database.dataSource.transaction(async (manager) => {
      await manager.query(
        `CREATE TEMP TABLE sample_source ON COMMIT DROP AS SELECT 'c' || n AS customer_id, n FROM generate_series(1, 2000) AS n`,
      );
      const everyone: { customer_id: string }[] = await manager.query(
        `SELECT customer_id FROM sample_source ORDER BY hashtextextended(customer_id, 0), customer_id`,
      );
      return { sampled: await sample(manager), everyone: everyone.map((row) => row.customer_id) };
    });
  }

  it('is the customers with the smallest hashes, the same on every database', async () => {
    const { sampled, everyone } = await withCustomers((db) =>
      deterministicSample<{ customer_id: string }>(db, 'sample_source', 'customer_id', 100, 2000),
    );
    expect(sampled.map((row) => row.customer_id)).toEqual(everyone.slice(0, 100));
    expect(everyone.slice(0, 5)).toEqual(['c316', 'c1700', 'c567', 'c869', 'c932']);
  });

  it('still returns the full sample when the bound keeps too few (population overstated)', async () => {
    const { sampled, everyone } = await withCustomers((db) =>
      deterministicSample<{ customer_id: string }>(db, 'sample_source', 'customer_id', 100, 1_000_000),
    );
    expect(sampled.map((row) => row.customer_id)).toEqual(everyone.slice(0, 100));
  });

  it('is everyone when the sample is larger than the store', async () => {
    const { sampled } = await withCustomers((db) =>
      deterministicSample<{ customer_id: string }>(db, 'sample_source', 'customer_id', 5000, 2000),
    );
    expect(sampled).toHaveLength(2000);
  });
});
