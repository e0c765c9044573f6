import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each membership also keeps the VIP tier the customer's spend alone earned (before the returns exclusion
 * and the one-step behaviour adjustment), so reports can show who was raised, lowered or excluded.
 */
export class VipBaseTier1764244800000 implements MigrationInterface {
  name = 'VipBaseTier1764244800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_memberships ADD COLUMN vip_base_tier text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segment_memberships DROP COLUMN vip_base_tier`);
  }
}
