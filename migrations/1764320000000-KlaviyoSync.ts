import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Klaviyo destination's durable state, per shop:
 * - klaviyo_lists: one row per synced segment and its Klaviyo list. The row is written (status 'creating')
 *   before the list is created, so a crash or a lost response leaves a trace that makes the next attempt
 *   look the list up by name before creating again; created_on counts creations against the daily cap.
 * - klaviyo_profiles: the sync ledger, what each customer's profile was last sent and Klaviyo confirmed:
 *   the hash of its properties, the lists it is in (segment keys), its Klaviyo profile id when known. The
 *   next sync's diff is SQL between the run and this table; no reads from Klaviyo.
 * - klaviyo_syncs: each sync, its run, state and figures; events_cursor marks the events already accepted.
 * - klaviyo_import_jobs: bulk import jobs sent and not yet applied to the ledger, with the profiles each
 *   carries, so a restarted sync polls them instead of sending them again.
 * - klaviyo_import_errors: Klaviyo's per-profile import errors.
 * - klaviyo_sync_plan, klaviyo_sync_events: the current sync's diff and its "Entered Segment" events,
 *   materialised once and read in batches; emptied when the sync ends.
 */
export class KlaviyoSync1764320000000 implements MigrationInterface {
  name = 'KlaviyoSync1764320000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE klaviyo_lists (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        segment_key text NOT NULL,
        list_name text NOT NULL,
        list_id text,
        status text NOT NULL,
        created_on date,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, segment_key)
      )`);
    await db.query(`
      CREATE TABLE klaviyo_profiles (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        profile_id text,
        properties_hash text,
        lists text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, customer_id)
      )`);
    await db.query(`
      CREATE TABLE klaviyo_syncs (
        id bigserial PRIMARY KEY,
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        run_id bigint NOT NULL,
        run_number integer NOT NULL,
        status text NOT NULL,
        baseline boolean NOT NULL,
        events_cursor text,
        figures jsonb NOT NULL DEFAULT '{}',
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    // One sync per shop at a time, across processes and replicas: a lease renewed while the sync works, so a
    // killed sync's lease runs out by itself (session advisory locks would need a connection of their own).
    await db.query(`
      CREATE TABLE klaviyo_sync_leases (
        shop_id integer PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX klaviyo_syncs_shop ON klaviyo_syncs (shop_id, status, run_number)`);
    await db.query(`
      CREATE TABLE klaviyo_import_jobs (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        job_id text NOT NULL,
        sync_id bigint NOT NULL,
        list_keys text[] NOT NULL,
        customer_ids text[] NOT NULL,
        hashes text[] NOT NULL,
        status text NOT NULL DEFAULT 'sent',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, job_id)
      )`);
    await db.query(`
      CREATE TABLE klaviyo_import_errors (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        job_id text NOT NULL,
        customer_id text,
        code text,
        detail text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX klaviyo_import_errors_shop ON klaviyo_import_errors (shop_id, customer_id)`);
    await db.query(`
      CREATE TABLE klaviyo_sync_plan (
        shop_id integer NOT NULL,
        sync_id bigint NOT NULL,
        customer_id text NOT NULL,
        email text,
        phone text,
        properties json,
        properties_hash text,
        upsert boolean NOT NULL,
        add_lists text[] NOT NULL,
        add_key text NOT NULL,
        remove_lists text[] NOT NULL,
        profile_id text,
        PRIMARY KEY (shop_id, sync_id, customer_id)
      )`);
    await db.query(`
      CREATE TABLE klaviyo_sync_events (
        shop_id integer NOT NULL,
        sync_id bigint NOT NULL,
        run_id bigint NOT NULL,
        run_number integer NOT NULL,
        as_of timestamptz NOT NULL,
        customer_id text NOT NULL,
        email text,
        phone text,
        from_group text,
        to_group text NOT NULL,
        rfm_score smallint,
        PRIMARY KEY (shop_id, sync_id, run_number, customer_id)
      )`);
    await db.query(`CREATE INDEX klaviyo_sync_plan_adds ON klaviyo_sync_plan (shop_id, sync_id, add_key, customer_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'klaviyo_sync_events',
      'klaviyo_sync_plan',
      'klaviyo_import_errors',
      'klaviyo_import_jobs',
      'klaviyo_syncs',
      'klaviyo_sync_leases',
      'klaviyo_profiles',
      'klaviyo_lists',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
