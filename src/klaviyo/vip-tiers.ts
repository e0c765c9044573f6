import { VIP_TIER_KEYS } from '../segmentation/core/vip-tiers';

/** The VIP tiers synced as lists ("segment-sync · VIP Gold"), in the segmentation's own order. */
export const VIP_TIERS = VIP_TIER_KEYS.map((key) => ({ key, name: `${key[0].toUpperCase()}${key.slice(1)}` }));
