import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * klaviyo_sync_plan is rebuilt by every sync and by a resumed one (it holds the diff, never the only copy of
 * anything), so it skips the write-ahead log: writing a million-row plan twice cost seconds. A database
 * crash empties it, which the next sync handles as it handles its own restart.
 */
export class UnloggedSyncPlan1764330000000 implements MigrationInterface {
  name = 'UnloggedSyncPlan1764330000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE klaviyo_sync_plan SET UNLOGGED`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE klaviyo_sync_plan SET LOGGED`);
  }
}
