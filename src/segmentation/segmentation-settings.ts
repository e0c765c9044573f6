import { InvalidVipTierSettingsError, parseVipTierSettings, type VipTierSettings } from './core/vip-tiers';
import type { ShopsRepository } from '../shops/shops.repository';

/**
 * A shop's segmentation settings, kept in `shops.settings` (jsonb) beside whatever other modules keep there:
 *
 *   vip        VIP tier settings (core/vip-tiers.ts VipTierSettings; missing fields take the defaults).
 *   rfmScheme  'kmeans' (default) or 'shopify': the RFM scheme the shop's reports lead with. Both schemes are
 *              computed at every run (summary.groups and summary.shopifyGroups); this only picks one to show.
 *
 * Stored settings are validated when a run reads them: a bad value fails the run with the field it concerns
 * ("Invalid shop setting vip.relative.gold: …") rather than producing a wrong tier list.
 */
export const RFM_SCHEMES = ['kmeans', 'shopify'] as const;
export type RfmScheme = (typeof RFM_SCHEMES)[number];

export interface SegmentationSettings {
  vip: VipTierSettings;
  rfmScheme: RfmScheme;
}

export class InvalidShopSettingsError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`Invalid shop setting ${field}: ${problem}`);
    this.name = 'InvalidShopSettingsError';
  }
}

/** The segmentation part of a shop's stored settings, validated; other keys are left to their modules. */
export function parseSegmentationSettings(stored: Record<string, unknown>): SegmentationSettings {
  let vip: VipTierSettings;
  try {
    vip = parseVipTierSettings(stored.vip ?? {});
  } catch (error) {
    if (!(error instanceof InvalidVipTierSettingsError)) throw error;
    const field = error.field === 'settings' ? 'vip' : `vip.${error.field}`;
    throw new InvalidShopSettingsError(field, error.message.slice(error.field.length + 2));
  }
  const rfmScheme = stored.rfmScheme ?? 'kmeans';
  if (!RFM_SCHEMES.includes(rfmScheme as RfmScheme)) {
    throw new InvalidShopSettingsError('rfmScheme', `expected "kmeans" or "shopify", got ${JSON.stringify(rfmScheme)}`);
  }
  return { vip, rfmScheme: rfmScheme as RfmScheme };
}

/** The shop's segmentation settings; throws InvalidShopSettingsError naming the field of a bad stored one. */
export async function readSegmentationSettings(shops: ShopsRepository, shopId: number): Promise<SegmentationSettings> {
  return parseSegmentationSettings(await shops.settings(shopId));
}

/**
 * Changes top-level settings (`vip` is replaced as a whole; null removes a key, back to the defaults),
 * refusing a change that would leave the segmentation settings invalid. Returns the validated result.
 */
export async function updateSegmentationSettings(
  shops: ShopsRepository,
  shopId: number,
  patch: { vip?: unknown; rfmScheme?: unknown },
): Promise<SegmentationSettings> {
  const merged: Record<string, unknown> = { ...(await shops.settings(shopId)), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === null) delete merged[key];
  const parsed = parseSegmentationSettings(merged);
  await shops.updateSettings(shopId, patch);
  return parsed;
}
