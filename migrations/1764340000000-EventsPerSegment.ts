import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's changes now record VIP tier changes besides RFM group changes (segment_changes.family 'rfm' or
 * 'vip'), and a sync's "Entered Segment" events cover both, so one customer can enter two segments in one
 * run: the events table is keyed by the segment entered as well.
 */
export class EventsPerSegment1764340000000 implements MigrationInterface {
  name = 'EventsPerSegment1764340000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_changes ADD COLUMN family text NOT NULL DEFAULT 'rfm'`);
    await db.query(`ALTER TABLE klaviyo_sync_events DROP CONSTRAINT klaviyo_sync_events_pkey`);
    await db.query(`ALTER TABLE klaviyo_sync_events ADD PRIMARY KEY (shop_id, sync_id, run_number, customer_id, to_group)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM klaviyo_sync_events WHERE to_group LIKE 'vip\\_%'`);
    await db.query(`ALTER TABLE klaviyo_sync_events DROP CONSTRAINT klaviyo_sync_events_pkey`);
    await db.query(`ALTER TABLE klaviyo_sync_events ADD PRIMARY KEY (shop_id, sync_id, run_number, customer_id)`);
    await db.query(`DELETE FROM segment_changes WHERE family <> 'rfm'`);
    await db.query(`ALTER TABLE segment_changes DROP COLUMN family`);
  }
}
