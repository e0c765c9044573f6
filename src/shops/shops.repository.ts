import type { SqlExecutor } from '../store/sql-executor';

export interface ShopRecord {
  id: number;
  domain: string;
  name: string | null;
  currency: string;
  timezone: string;
}

export interface ShopDetails {
  name?: string | null;
  currency?: string;
  timezone?: string;
}

export class ShopNotFoundError extends Error {
  constructor(domain: string | null, known: string[]) {
    super(
      domain
        ? `No shop '${domain}' in the database${known.length ? ` (known: ${known.join(', ')})` : ''}`
        : known.length
          ? `Several shops are in the database (${known.join(', ')}): name one with --shop`
          : 'No shop in the database yet: import a store first (segment-sync demo, or segment-sync import ...)',
    );
    this.name = 'ShopNotFoundError';
  }
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;

export class ShopsRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** The shop with that domain, created with the given details if it is new (an existing shop keeps its own). */
  async ensure(domain: string, details: ShopDetails = {}): Promise<ShopRecord> {
    const normalised = domain.trim().toLowerCase();
    if (!SHOP_DOMAIN.test(normalised)) {
      throw new Error(`'${domain}' is not a shop domain (expected something like my-store.myshopify.com)`);
    }
    const [row] = await this.db.query(
      `INSERT INTO shops (domain, name, currency, timezone) VALUES ($1, $2, coalesce($3, 'USD'), coalesce($4, 'UTC'))
       ON CONFLICT (domain) DO UPDATE SET domain = EXCLUDED.domain
       RETURNING id, domain, name, currency, timezone`,
      [normalised, details.name ?? null, details.currency ?? null, details.timezone ?? null],
    );
    return row;
  }

  /** Replaces the shop's name, currency and time zone with what its store reports (Shopify connection). */
  async updateDetails(shopId: number, details: Required<ShopDetails>): Promise<ShopRecord> {
    const rows: ShopRecord[] = await this.db.query(
      `WITH updated AS (UPDATE shops SET name = $2, currency = $3, timezone = $4 WHERE id = $1
                        RETURNING id, domain, name, currency, timezone)
       SELECT * FROM updated`,
      [shopId, details.name, details.currency, details.timezone],
    );
    if (rows.length === 0) throw new Error(`No shop with id ${shopId}`);
    return rows[0];
  }

  /** The app is installed again (a token was just proven): an earlier app/uninstalled no longer holds. */
  async markInstalled(shopId: number): Promise<void> {
    await this.db.query(`UPDATE shops SET uninstalled_at = NULL WHERE id = $1`, [shopId]);
  }

  /** The named shop, or the only shop when none is named. */
  async resolve(domain: string | null): Promise<ShopRecord> {
    const rows: ShopRecord[] = await this.db.query(`SELECT id, domain, name, currency, timezone FROM shops ORDER BY domain`);
    if (domain) {
      const match = rows.find((shop) => shop.domain === domain.trim().toLowerCase());
      if (!match) throw new ShopNotFoundError(domain, rows.map((shop) => shop.domain));
      return match;
    }
    if (rows.length !== 1) throw new ShopNotFoundError(null, rows.map((shop) => shop.domain));
    return rows[0];
  }

  /** The shop's stored settings (a JSON object, {} when none); each module validates its own keys. */
  async settings(shopId: number): Promise<Record<string, unknown>> {
    const rows = await this.db.query(`SELECT settings FROM shops WHERE id = $1`, [shopId]);
    if (rows.length === 0) throw new Error(`No shop with id ${shopId}`);
    return rows[0].settings ?? {};
  }

  /**
   * Merges top-level keys into the stored settings in one statement (a key's value is replaced whole; a
   * null value removes the key) and returns the result. Validation is the caller's: see
   * segmentation/segmentation-settings.ts.
   */
  async updateSettings(shopId: number, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const removed = Object.keys(patch).filter((key) => patch[key] === null);
    const kept = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null && value !== undefined));
    const rows = await this.db.query(
      // As a SELECT: TypeORM returns [rows, count] for a bare UPDATE.
      `WITH updated AS (UPDATE shops SET settings = (settings || $2::jsonb) - $3::text[] WHERE id = $1 RETURNING settings)
       SELECT settings FROM updated`,
      [shopId, JSON.stringify(kept), removed],
    );
    if (rows.length === 0) throw new Error(`No shop with id ${shopId}`);
    return rows[0].settings;
  }
}
