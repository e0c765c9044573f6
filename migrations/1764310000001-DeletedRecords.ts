import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a record was deleted at the source (customers/delete): a late, older update of it must not bring it
 * back. Only the source's id and the time, no personal data.
 */
export class DeletedRecords1764310000001 implements MigrationInterface {
  name = 'DeletedRecords1764310000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deleted_records (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        kind text NOT NULL,
        record_id text NOT NULL,
        deleted_at timestamptz NOT NULL,
        PRIMARY KEY (shop_id, kind, record_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deleted_records`);
  }
}
