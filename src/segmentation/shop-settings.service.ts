import { ShopsRepository } from '../shops/shops.repository';
import {
  InvalidShopSettingsError,
  readSegmentationSettings,
  updateSegmentationSettings,
  type SegmentationSettings,
} from './segmentation-settings';

/** A shop's segmentation settings (VIP tiers, RFM scheme) for the command line and the HTTP API. */
export class ShopSettingsService {
  constructor(private readonly shops: ShopsRepository) {}

  async show(domain: string | null): Promise<SegmentationSettings> {
    const shop = await this.shops.resolve(domain);
    return readSegmentationSettings(this.shops, shop.id);
  }

  /** Applies a JSON patch of top-level settings ({"vip": {...}, "rfmScheme": "shopify"}); null resets a key. */
  async update(domain: string | null, patch: unknown): Promise<SegmentationSettings> {
    const shop = await this.shops.resolve(domain);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new InvalidShopSettingsError('settings', 'must be a JSON object such as {"rfmScheme":"shopify"}');
    }
    const unknown = Object.keys(patch).filter((key) => key !== 'vip' && key !== 'rfmScheme');
    if (unknown.length > 0) throw new InvalidShopSettingsError(unknown[0], 'is not a setting (known: vip, rfmScheme)');
    return updateSegmentationSettings(this.shops, shop.id, patch as { vip?: unknown; rfmScheme?: unknown });
  }
}
