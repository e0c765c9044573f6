import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A membership carries when the customer last entered an RFM group or a VIP tier (`last_change_at`), which
 * the segment run carries forward from the previous run's membership: the Klaviyo sync reads it with the
 * run instead of aggregating every change of the shop's history, a cost that grew with each run.
 * Only each shop's latest succeeded run is filled in from the changes: the next run carries its dates
 * forward and the sync only reads the latest run; older runs keep null (not recorded then).
 */
export class LastSegmentChange1764430000000 implements MigrationInterface {
  name = 'LastSegmentChange1764430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_memberships ADD COLUMN last_change_at timestamptz`);
    await db.query(`
      WITH latest AS (
        SELECT DISTINCT ON (shop_id) shop_id, id, run_number FROM segment_runs
        WHERE status = 'succeeded' ORDER BY shop_id, run_number DESC
      ), entered AS (
        SELECT latest.shop_id, latest.id AS run_id, c.customer_id, max(r.as_of) AS at
        FROM latest
        JOIN segment_runs r ON r.shop_id = latest.shop_id AND r.status = 'succeeded' AND r.run_number <= latest.run_number
        JOIN segment_changes c ON c.shop_id = r.shop_id AND c.run_id = r.id AND c.to_group IS NOT NULL
        GROUP BY latest.shop_id, latest.id, c.customer_id
      )
      UPDATE segment_memberships m SET last_change_at = entered.at
      FROM entered
      WHERE m.shop_id = entered.shop_id AND m.run_id = entered.run_id AND m.customer_id = entered.customer_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_memberships DROP COLUMN last_change_at`);
  }
}
