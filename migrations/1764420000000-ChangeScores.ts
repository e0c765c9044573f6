import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A segment change carries the customer's RFM score at that run, which the "Entered Segment" event sends:
 * read from the change, the events of a run no longer scan the run's whole membership (a million rows for
 * the score of the few thousand who moved). Changes written before are given their run's score where the
 * run's memberships are still kept.
 */
export class ChangeScores1764420000000 implements MigrationInterface {
  name = 'ChangeScores1764420000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_changes ADD COLUMN rfm_score smallint`);
    await db.query(`
      UPDATE segment_changes c SET rfm_score = m.rfm_score
      FROM segment_memberships m
      WHERE m.shop_id = c.shop_id AND m.run_id = c.run_id AND m.customer_id = c.customer_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_changes DROP COLUMN rfm_score`);
  }
}
