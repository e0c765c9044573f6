import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * order_lines no longer checks a foreign key per line: the store writer inserts an order's lines right after
 * upserting the order, in the same transaction, so the check only cost time (40% of an import's line writes)
 * and, worse, PostgreSQL caches its plan per connection: planned while `orders` was small, it scanned the
 * whole table for every line of a later large import. Whatever deletes orders deletes their lines with them.
 */
export class OrderLinesWithoutForeignKey1764252000000 implements MigrationInterface {
  name = 'OrderLinesWithoutForeignKey1764252000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE order_lines DROP CONSTRAINT order_lines_shop_id_order_id_fkey`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE order_lines ADD CONSTRAINT order_lines_shop_id_order_id_fkey FOREIGN KEY (shop_id, order_id)
       REFERENCES orders (shop_id, order_id) ON DELETE CASCADE`,
    );
  }
}
