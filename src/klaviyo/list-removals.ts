import { settleAll } from '../async/settle-all';
import type { KlaviyoClient } from './klaviyo-client';
import type { KlaviyoSyncRepository } from './klaviyo-sync.repository';
import type { SyncProgress } from './sync-progress';

/** Profiles per list removal call (Klaviyo's maximum). */
const REMOVAL_BATCH = 1_000;
/** External ids per profile lookup (one page of an any() filter). */
const LOOKUP_BATCH = 100;
/** Lookups sent together (the limiter still paces them): one at a time, round trips and not the limit set the pace. */
const LOOKUPS_AT_ONCE = 10;

/**
 * The plan's list departures. Klaviyo removes members by profile id, which a bulk import does not return
 * per profile (fetching a million ids from the jobs would cost 10,000 calls at 150/min). So the ledger
 * keeps an id once known, and the ids still missing are looked up first (lookUpDepartingProfiles, while the
 * import jobs run), only for the customers who leave a list. Each removal (1,000 per call) is confirmed in the ledger
 * after Klaviyo's 2xx. Removals run while the import jobs do: a customer leaves one list and joins others, never
 * the same. Customers Klaviyo has no profile for are in no list: the ledger just forgets them.
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
  const figures: RemovalFigures = { removed: 0, byList: Object.fromEntries(counts) };
  // Lists at once (the limiter paces the calls); progress as a figure, since the import jobs have the bar.
  await settleAll(
    [...counts.keys()].map(async (listKey) => {
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
        figures.removed += batch.length;
        progress.status({ removed: figures.removed });
      }
    }),
  );
  return figures;
}

/**
 * Klaviyo profile ids of the customers who leave a list and whose id the ledger does not know, looked up
 * 100 per call by external id, LOOKUPS_AT_ONCE calls at a time. Read-only in Klaviyo, so it runs while the
 * import jobs are sent. Returns how many customers were looked up.
 */
export async function lookUpDepartingProfiles(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  syncId: number,
): Promise<number> {
  let lookedUp = 0;
  let after = '';
  for (;;) {
    const missing = await repository.removalsWithoutProfileId(shopId, syncId, after, LOOKUP_BATCH * LOOKUPS_AT_ONCE);
    if (missing.length === 0) return lookedUp;
    after = missing[missing.length - 1];
    lookedUp += missing.length;
    const pages: string[][] = [];
    for (let i = 0; i < missing.length; i += LOOKUP_BATCH) pages.push(missing.slice(i, i + LOOKUP_BATCH));
    const found = await settleAll(pages.map((page) => client.profileIdsByExternalId(page)));
    await repository.saveProfileIds(shopId, syncId, new Map(found.flatMap((ids) => [...ids])));
  }
}

export interface RemovalFigures {
  removed: number;
  /** Departures per list key. */
  byList: Record<string, number>;
}
