import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How far each shop's Shopify data has been read, per resource: the `updated_at` watermark the next
 * incremental import starts from, written in the same transaction as the rows it covers.
 */
export class ShopifySyncState1764300000000 implements MigrationInterface {
  name = 'ShopifySyncState1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE shopify_sync_state (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        resource text NOT NULL,
        watermark timestamptz NOT NULL,
        last_mode text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, resource)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE shopify_sync_state`);
  }
}
