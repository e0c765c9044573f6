import { DAILY_LIST_CREATIONS } from './core/rate-limits';
import { listCreationsAllowed, type SyncedSegment } from './core/synced-segments';
import { KlaviyoApiError, type KlaviyoClient } from './klaviyo-client';
import type { KlaviyoSyncRepository } from './klaviyo-sync.repository';

export interface ListsOutcome {
  /** Segment key → Klaviyo list id, for every list that exists. */
  ready: Map<string, string>;
  created: string[];
  /** Lists found by name after an interrupted creation (no second list made). */
  recovered: string[];
  /** Lists left for another day by the daily creation cap. */
  deferred: string[];
}

/**
 * One Klaviyo list per synced segment, never two. A list is created only after its intent row is written;
 * a segment whose row says 'creating' (a crash or a lost response came between the intent and the id)
 * is looked up by name first, and adopted when found. Klaviyo names are not unique, so that lookup is the
 * guard. Creations count against the daily cap (intents included: a lost answer may still have created a
 * list); beyond it the list is deferred with a message, and the sync goes on without it.
 */
export async function ensureLists(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  segments: SyncedSegment[],
  dailyCap = DAILY_LIST_CREATIONS,
): Promise<ListsOutcome> {
  const known = await repository.lists(shopId);
  const outcome: ListsOutcome = { ready: new Map(), created: [], recovered: [], deferred: [] };
  const missing: SyncedSegment[] = [];
  for (const segment of segments) {
    const row = known.get(segment.key);
    if (row?.status === 'ready' && row.listId) outcome.ready.set(segment.key, row.listId);
    else if (row?.status === 'creating' && (await adopt(client, repository, shopId, segment, outcome))) continue;
    else missing.push(segment);
  }
  const { create, deferred } = listCreationsAllowed(missing, await repository.listsCreatedToday(shopId), dailyCap);
  for (const segment of deferred) {
    await repository.markListDeferred(shopId, segment.key, segment.listName);
    outcome.deferred.push(segment.listName);
  }
  for (const segment of create) await createOnce(client, repository, shopId, segment, outcome);
  return outcome;
}

/** Adopts the oldest list with the segment's name, if one exists. */
async function adopt(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  segment: SyncedSegment,
  outcome: ListsOutcome,
): Promise<boolean> {
  const [listId] = await client.listIdsNamed(segment.listName);
  if (!listId) return false;
  await repository.markListReady(shopId, segment.key, segment.listName, listId);
  outcome.ready.set(segment.key, listId);
  outcome.recovered.push(segment.listName);
  return true;
}

async function createOnce(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  segment: SyncedSegment,
  outcome: ListsOutcome,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await repository.markListCreating(shopId, segment.key, segment.listName);
    try {
      const listId = await client.createList(segment.listName);
      await repository.markListReady(shopId, segment.key, segment.listName, listId);
      outcome.ready.set(segment.key, listId);
      outcome.created.push(segment.listName);
      return;
    } catch (error) {
      // No answer or a server error: the list may exist all the same. Look before trying again.
      const uncertain = error instanceof KlaviyoApiError && (error.lostResponse || (error.status ?? 0) >= 500);
      if (!uncertain || attempt >= 5) throw error;
      if (await adopt(client, repository, shopId, segment, outcome)) return;
    }
  }
}

