import type { ShopifyResource } from '../core/bulk-failures';
import type { SqlExecutor } from '../../store/sql-executor';

export type SyncMode = 'bulk' | 'incremental';

/** Per shop and resource, the `updated_at` from which the next incremental import reads. */
export class SyncStateRepository {
  constructor(private readonly db: SqlExecutor) {}

  async watermark(shopId: number, resource: ShopifyResource): Promise<Date | null> {
    const rows: { watermark: Date }[] = await this.db.query(
      `SELECT watermark FROM shopify_sync_state WHERE shop_id = $1 AND resource = $2`,
      [shopId, resource],
    );
    return rows.length ? new Date(rows[0].watermark) : null;
  }

  /** Moves the watermark (never backwards within incremental runs; a bulk import sets it to its start). */
  async advance(shopId: number, resource: ShopifyResource, watermark: Date, mode: SyncMode): Promise<void> {
    await this.db.query(
      `INSERT INTO shopify_sync_state (shop_id, resource, watermark, last_mode) VALUES ($1, $2, $3, $4)
       ON CONFLICT (shop_id, resource) DO UPDATE SET
         watermark = CASE WHEN $4 = 'bulk' THEN EXCLUDED.watermark
                          ELSE greatest(shopify_sync_state.watermark, EXCLUDED.watermark) END,
         last_mode = EXCLUDED.last_mode, updated_at = now()`,
      [shopId, resource, watermark.toISOString(), mode],
    );
  }
}
