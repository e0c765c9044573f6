import type { SqlExecutor } from '../store/sql-executor';
import type { ShopsRepository } from '../shops/shops.repository';
import { parseKlaviyoSettings, type KlaviyoSettings } from './core/synced-segments';

/** The shop setting `klaviyo.segments`: saved segment keys synced as lists. */
export class KlaviyoSettingsService {
  constructor(
    private readonly db: SqlExecutor,
    private readonly shops: ShopsRepository,
  ) {}

  /** Shows the setting, or replaces it with `keys` ("none" clears it); unknown keys are refused. */
  async segments(domain: string | null, keys: string[] = []): Promise<KlaviyoSettings & { available: string[] }> {
    const shop = await this.shops.resolve(domain);
    const available = await this.available(shop.id);
    if (keys.length === 0) return { ...parseKlaviyoSettings((await this.shops.settings(shop.id)).klaviyo), available };
    const wanted = keys.length === 1 && keys[0] === 'none' ? [] : keys;
    const settings = parseKlaviyoSettings({ segments: wanted });
    const unknown = settings.segments.filter((key) => !available.includes(key));
    if (unknown.length) throw new Error(`No saved segment ${unknown.join(', ')} in ${shop.domain} (see segment-sync segments list)`);
    await this.shops.updateSettings(shop.id, { klaviyo: settings });
    return { ...settings, available };
  }

  private async available(shopId: number): Promise<string[]> {
    const rows: { key: string }[] = await this.db.query(`SELECT key FROM saved_segments WHERE shop_id = $1 ORDER BY key`, [shopId]);
    return rows.map((row) => row.key);
  }
}
