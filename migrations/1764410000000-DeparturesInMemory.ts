import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sync's list departures are no longer kept in a table: they are removed as the plan hands them over, in
 * batches of at most 1,000 per list, so a sync holds no more than a batch per list. The table only ever held
 * the running sync's rows (unlogged, rebuilt by every sync, a resumed one included): dropped, not converted.
 */
export class DeparturesInMemory1764410000000 implements MigrationInterface {
  name = 'DeparturesInMemory1764410000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE klaviyo_sync_departures`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE klaviyo_sync_departures (
        shop_id integer NOT NULL,
        sync_id bigint NOT NULL,
        customer_id text NOT NULL,
        remove_lists text[] NOT NULL,
        profile_id text,
        CONSTRAINT klaviyo_sync_departures_pkey PRIMARY KEY (shop_id, sync_id, customer_id)
      )`);
  }
}
