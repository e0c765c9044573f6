import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sync's plan is no longer stored: its rows are read through a cursor as the database finds them and cut
 * into import jobs at once (writing a million-row plan and reading it back cost more server time than
 * finding it). What stays is the part the list removals read list by list, and where looked-up profile ids
 * are written: the customers leaving a list. The table keeps what it was (unlogged, rebuilt by every sync,
 * a resumed one included), so its rows are dropped rather than converted.
 */
export class SyncDepartures1764400000000 implements MigrationInterface {
  name = 'SyncDepartures1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`TRUNCATE klaviyo_sync_plan`);
    await db.query(`DROP INDEX klaviyo_sync_plan_adds`);
    await db.query(`
      ALTER TABLE klaviyo_sync_plan
        DROP COLUMN email, DROP COLUMN phone, DROP COLUMN properties_hash, DROP COLUMN upsert, DROP COLUMN add_lists,
        DROP COLUMN add_key, DROP COLUMN rfm_group, DROP COLUMN rfm_score, DROP COLUMN r, DROP COLUMN f, DROP COLUMN m,
        DROP COLUMN recency_days, DROP COLUMN orders, DROP COLUMN net_spent, DROP COLUMN aov, DROP COLUMN vip_tier,
        DROP COLUMN segments, DROP COLUMN last_segment_change, DROP COLUMN predicted_clv, DROP COLUMN churn_risk`);
    await db.query(`ALTER TABLE klaviyo_sync_plan RENAME TO klaviyo_sync_departures`);
    await db.query(`ALTER TABLE klaviyo_sync_departures RENAME CONSTRAINT klaviyo_sync_plan_pkey TO klaviyo_sync_departures_pkey`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`TRUNCATE klaviyo_sync_departures`);
    await db.query(`ALTER TABLE klaviyo_sync_departures RENAME CONSTRAINT klaviyo_sync_departures_pkey TO klaviyo_sync_plan_pkey`);
    await db.query(`ALTER TABLE klaviyo_sync_departures RENAME TO klaviyo_sync_plan`);
    await db.query(`
      ALTER TABLE klaviyo_sync_plan
        ADD COLUMN email text, ADD COLUMN phone text, ADD COLUMN properties_hash text, ADD COLUMN upsert boolean NOT NULL,
        ADD COLUMN add_lists text[] NOT NULL, ADD COLUMN add_key text NOT NULL, ADD COLUMN rfm_group text,
        ADD COLUMN rfm_score smallint, ADD COLUMN r smallint, ADD COLUMN f smallint, ADD COLUMN m smallint,
        ADD COLUMN recency_days integer, ADD COLUMN orders integer, ADD COLUMN net_spent numeric(14,2),
        ADD COLUMN aov numeric(14,2), ADD COLUMN vip_tier text, ADD COLUMN segments text[],
        ADD COLUMN last_segment_change timestamptz, ADD COLUMN predicted_clv numeric(14,2), ADD COLUMN churn_risk double precision`);
    await db.query(`CREATE INDEX klaviyo_sync_plan_adds ON klaviyo_sync_plan (shop_id, sync_id, add_key, customer_id)`);
  }
}
