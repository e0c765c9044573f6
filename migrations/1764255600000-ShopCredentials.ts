import { MigrationInterface, QueryRunner } from 'typeorm';

/** Vendor credentials per shop and service, sealed with AES-256-GCM (never stored in clear text). */
export class ShopCredentials1764255600000 implements MigrationInterface {
  name = 'ShopCredentials1764255600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE shop_credentials (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        service text NOT NULL,
        sealed text NOT NULL,
        scopes text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, service)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE shop_credentials`);
  }
}
