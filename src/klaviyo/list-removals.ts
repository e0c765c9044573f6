import type { KlaviyoClient } from './klaviyo-client';
import type { KlaviyoSyncRepository } from './klaviyo-sync.repository';
import type { SyncProgress } from './sync-progress';

/** Profiles per list removal call (Klaviyo's maximum). */
const REMOVAL_BATCH = 1_000;
/** External ids per profile lookup (one page of an any() filter). */
const LOOKUP_BATCH = 100;

/**
 * The plan's list departures. Klaviyo removes members by profile id, which a bulk import does not return
 * per profile (fetching a million ids from the jobs would cost 10,000 calls at 150/min). So the ledger
 * keeps an id once known, and the ids still missing are looked up here, only for the customers who leave
 * a list, 100 per call by external_id (75/s). Each removal (1,000 per call) is confirmed in the ledger
 * after Klaviyo's 2xx. Customers Klaviyo has no profile for are in no list: the ledger just forgets them.
 */
export async function removeFromLists(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  syncId: number,
  listIds: Map<string, string>,
  progress: SyncProgress,
): Promise<RemovalFigures> {
  const counts = await repository.removalCounts(shopId, syncId);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const figures: RemovalFigures = { removed: 0, byList: Object.fromEntries(counts), lookedUp: 0 };
  if (total === 0) return figures;
  progress.phase('klaviyo removals', total);

  let after = '';
  for (;;) {
    const missing = await repository.removalsWithoutProfileId(shopId, syncId, after, LOOKUP_BATCH);
    if (missing.length === 0) break;
    after = missing[missing.length - 1];
    figures.lookedUp += missing.length;
    await repository.saveProfileIds(shopId, syncId, await client.profileIdsByExternalId(missing));
  }

  let removed = 0;
  for (const [listKey] of counts) {
    const listId = listIds.get(listKey);
    let cursor = '';
    for (;;) {
      const batch = await repository.removalBatch(shopId, syncId, listKey, cursor, REMOVAL_BATCH);
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1].customer_id;
      const profileIds = batch.map((row) => row.profile_id).filter((id): id is string => id !== null);
      // A list whose row is gone (disabled and never created) has no members to remove in Klaviyo.
      if (listId && profileIds.length) await client.removeFromList(listId, profileIds);
      await repository.applyRemoval(shopId, listKey, batch.map((row) => row.customer_id));
      removed += batch.length;
      progress.advance(batch.length);
    }
  }
  progress.done(`${removed.toLocaleString('en-US')} list removals`);
  figures.removed = removed;
  return figures;
}

export interface RemovalFigures {
  removed: number;
  /** Departures per list key. */
  byList: Record<string, number>;
  /** Customers whose Klaviyo profile id had to be looked up. */
  lookedUp: number;
}
