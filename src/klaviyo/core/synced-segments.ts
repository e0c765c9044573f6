/**
 * The segments a shop syncs to Klaviyo, one Klaviyo list each: the six RFM groups, the VIP tiers, and the
 * saved segments the marketer enables (shop setting `klaviyo.segments`, a list of saved segment keys).
 * A segment's key is stable across runs ("rfm:loyal", "vip:gold", "segment:big_spenders"); the ledger and
 * the list table store keys, never Klaviyo ids, so a list can be recreated without touching the ledger.
 */
export interface SyncedSegment {
  key: string;
  /** The Klaviyo list's name, e.g. "segment-sync · Loyal". Klaviyo does not keep names unique. */
  listName: string;
}

export const LIST_NAME_PREFIX = 'segment-sync · ';

export interface NamedSegment {
  key: string;
  name: string;
}

export interface KlaviyoSettings {
  /** Keys of saved segments synced as lists besides the RFM groups and VIP tiers. */
  segments: string[];
}

export class InvalidKlaviyoSettingsError extends Error {
  constructor(message: string) {
    super(`Invalid shop setting klaviyo.segments: ${message}`);
    this.name = 'InvalidKlaviyoSettingsError';
  }
}

/** The `klaviyo` part of a shop's settings, validated ({} means: no saved segment enabled). */
export function parseKlaviyoSettings(stored: unknown): KlaviyoSettings {
  if (stored === undefined || stored === null) return { segments: [] };
  if (typeof stored !== 'object' || Array.isArray(stored)) throw new InvalidKlaviyoSettingsError('expected an object');
  const segments = (stored as { segments?: unknown }).segments ?? [];
  if (!Array.isArray(segments) || segments.some((key) => typeof key !== 'string' || !/^[a-z0-9_]+$/.test(key))) {
    throw new InvalidKlaviyoSettingsError('expected a list of saved segment keys such as ["big_spenders"]');
  }
  return { segments: [...new Set(segments as string[])].sort() };
}

/**
 * Every segment synced as a list, in a fixed order: RFM groups, then VIP tiers, then enabled saved
 * segments (an enabled key that no longer names a saved segment is left out and reported by the caller).
 */
export function syncedSegments(
  rfmGroups: readonly NamedSegment[],
  vipTiers: readonly NamedSegment[],
  enabledSavedSegments: readonly NamedSegment[],
): SyncedSegment[] {
  return [
    ...rfmGroups.map((group) => ({ key: `rfm:${group.key}`, listName: `${LIST_NAME_PREFIX}${group.name}` })),
    ...vipTiers.map((tier) => ({ key: `vip:${tier.key}`, listName: `${LIST_NAME_PREFIX}VIP ${tier.name}` })),
    ...enabledSavedSegments.map((segment) => ({
      key: `segment:${segment.key}`,
      listName: `${LIST_NAME_PREFIX}${segment.name}`,
    })),
  ];
}

/** Lists to create now and lists deferred to another day by the daily creation cap. */
export function listCreationsAllowed<T>(missing: readonly T[], createdToday: number, dailyCap: number): { create: T[]; deferred: T[] } {
  const room = Math.max(0, dailyCap - createdToday);
  return { create: missing.slice(0, room), deferred: missing.slice(room) };
}

/**
 * The id that makes an "Entered Segment" event unique: a retry or a re-run of the same sync sends the same
 * id, which Klaviyo stores once, so a flow never triggers twice for one entry.
 */
export function enteredSegmentEventId(shopDomain: string, runId: number, customerId: string, segment: string): string {
  return `${shopDomain}:${runId}:${customerId}:${segment}`;
}

export const ENTERED_SEGMENT_METRIC = 'Entered Segment';
