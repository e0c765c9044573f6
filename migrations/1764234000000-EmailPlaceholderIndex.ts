import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers created from an orders export before the customers export (`email:<address>` placeholders) are
 * rare; this small partial index lets every customers batch learn in one probe that there is none to adopt.
 */
export class EmailPlaceholderIndex1764234000000 implements MigrationInterface {
  name = 'EmailPlaceholderIndex1764234000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX customers_email_placeholders ON customers (shop_id) WHERE customer_id LIKE 'email:%'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS customers_email_placeholders`);
  }
}
