import { randomUUID } from 'node:crypto';
import { deferred } from '../async/deferred';
import { settleAll } from '../async/settle-all';
import type { DataSource } from 'typeorm';
import { RFM_GROUPS } from '../segmentation/core/rfm-groups';
import { SegmentRunRepository } from '../segmentation/segment-run.repository';
import type { ShopCredentialsRepository } from '../shops/shop-credentials.repository';
import type { ShopRecord, ShopsRepository } from '../shops/shops.repository';
import { JobDurations, type JobTime } from './core/job-polls';
import { DAILY_LIST_CREATIONS } from './core/rate-limits';
import { parseKlaviyoSettings, syncedSegments, type SyncedSegment } from './core/synced-segments';
import type { KlaviyoClient } from './klaviyo-client';
import { ensureLists } from './klaviyo-lists';
import { KlaviyoSyncRepository, type SyncRow } from './klaviyo-sync.repository';
import { readPlan } from './plan-stream';
import { ProfileImport } from './profile-import';
import { ListDepartures } from './list-removals';
import { prepareEnteredSegmentEvents, sendEnteredSegmentEvents } from './segment-events';
import { processDeletions } from './destination-deletions';
import { VIP_TIERS } from './vip-tiers';
import { SILENT_PROGRESS, type SyncProgress } from './sync-progress';
import { KlaviyoNotConnectedError } from './klaviyo-connect.service';

/** How long a sync's lease on its shop lasts without renewal (a killed sync blocks the next one this long at most). */
const LEASE_SECONDS = 60;
/** Ledger rows written by one sync past which the planner's statistics of the ledger are refreshed. */
const LEDGER_ROWS_WORTH_ANALYZE = 10_000;


export interface SyncReport {
  shop: string;
  runNumber: number;
  baseline: boolean;
  resumed: boolean;
  lists: { created: string[]; recovered: string[]; deferred: string[] };
  profiles: { planned: number; sent: number; confirmed: number; rejected: number; skippedUnreachable: number };
  jobs: number;
  /** Profiles and bytes per set of lists joined (the least number of import jobs follows from them). */
  jobGroups: { lists: number; profiles: number; bytes: number }[];
  /** How long Klaviyo took for the last import jobs seen complete (the next sync polls by them at first). */
  jobTimes: JobTime[];
  removals: number;
  removalsByList: Record<string, number>;
  profileIdsLookedUp: number;
  events: number;
  deletions: number;
  calls: Record<string, number>;
  throttled: number;
  rateLimitWaitSeconds: number;
  seconds: number;
  messages: string[];
}

export type KlaviyoClientFactory = (apiKey: string) => KlaviyoClient;

/**
 * A shop's latest segment run, pushed to Klaviyo by difference: lists ensured, the diff against the
 * ledger found in SQL and read as it is found, profiles imported in bulk jobs meanwhile, list removals, then
 * "Entered Segment" events.
 * One sync per shop at a time (a lease). Killed at any point, the next sync resumes the same
 * one: jobs already sent are polled, the plan is recomputed from the ledger (only what Klaviyo confirmed),
 * and events carry ids Klaviyo stores once.
 */
export class KlaviyoSyncService {
  constructor(
    private readonly db: DataSource,
    private readonly shops: ShopsRepository,
    private readonly credentials: ShopCredentialsRepository,
    private readonly clientFor: KlaviyoClientFactory,
    private readonly secretKey: Buffer | null = null,
    private readonly dailyListCap = DAILY_LIST_CREATIONS,
  ) {}

  async sync(domain: string | null, progress: SyncProgress = SILENT_PROGRESS): Promise<SyncReport> {
    const started = Date.now();
    const shop = await this.shops.resolve(domain);
    const apiKey = await this.credentials.get(shop.id, 'klaviyo');
    if (!apiKey) throw new KlaviyoNotConnectedError(shop.domain);
    const run = await new SegmentRunRepository(this.db).latestSucceededRun(shop.id);
    if (!run) throw new Error(`Shop ${shop.domain} has no segment run to sync yet: run segment-sync segment first`);
    const client = this.clientFor(apiKey);
    const repository = new KlaviyoSyncRepository(this.db);
    const holder = randomUUID();
    if (!(await repository.takeLease(shop.id, holder, LEASE_SECONDS))) {
      throw new Error(`A Klaviyo sync of ${shop.domain} is already running (its lease lasts ${LEASE_SECONDS} s after it stops)`);
    }
    const renewal = setInterval(() => void repository.takeLease(shop.id, holder, LEASE_SECONDS).catch(() => undefined), (LEASE_SECONDS * 1000) / 3);
    renewal.unref();
    try {
      const deletions = await processDeletions(this.db, client, repository, shop.id, this.secretKey);
      const { sync, resumed, lastSynced } = await this.openSync(repository, shop.id, run.id, run.runNumber);
      try {
        const report = await this.work(client, repository, shop, sync, lastSynced, progress);
        const statistics = client.session.statistics;
        const result: SyncReport = {
          ...report,
          resumed,
          deletions,
          calls: Object.fromEntries(statistics.calls),
          throttled: [...statistics.throttled.values()].reduce((a, b) => a + b, 0),
          rateLimitWaitSeconds: Math.round(statistics.rateLimitWaitMs) / 1000,
          seconds: (Date.now() - started) / 1000,
        };
        await repository.clearEvents(shop.id, sync.id);
        await repository.finishSync(sync.id, 'succeeded', result);
        return result;
      } catch (error) {
        await repository.finishSync(sync.id, 'failed', {}, (error as Error).message);
        throw error;
      }
    } finally {
      clearInterval(renewal);
      await repository.releaseLease(shop.id, holder).catch(() => undefined);
    }
  }

  /** The interrupted sync of this same run, resumed; otherwise a new one (the first one is the baseline). */
  private async openSync(repository: KlaviyoSyncRepository, shopId: number, runId: number, runNumber: number) {
    const lastSynced = await repository.lastSyncedRunNumber(shopId);
    const unfinished = await repository.unfinishedSync(shopId);
    if (unfinished && unfinished.runId === runId) {
      await repository.markRunning(unfinished.id);
      return { sync: unfinished, resumed: true, lastSynced };
    }
    if (unfinished) await repository.abandonSync(unfinished.id);
    return { sync: await repository.startSync(shopId, runId, runNumber, lastSynced === null), resumed: false, lastSynced };
  }

  private async work(
    client: KlaviyoClient,
    repository: KlaviyoSyncRepository,
    shop: ShopRecord,
    sync: SyncRow,
    lastSynced: number | null,
    progress: SyncProgress,
  ) {
    const messages: string[] = [];
    const imports = new ProfileImport(client, repository, shop.id, progress, new JobDurations(await repository.lastJobTimes(shop.id)));
    await imports.resumePending();

    const { segments, enabled } = await this.segments(shop.id, messages);
    const lists = await ensureLists(client, repository, shop.id, segments, this.dailyListCap);
    if (lists.deferred.length) {
      messages.push(
        `Klaviyo's daily cap on new lists is reached: ${lists.deferred.length} list(s) deferred to tomorrow ` +
          `(${lists.deferred.join(', ')}); their members join once the lists exist`,
      );
    }

    const query = { shopId: shop.id, runId: sync.runId, enabledSegments: enabled, readyListKeys: [...lists.ready.keys()] };

    progress.phase('klaviyo profiles');
    // While the plan is read, profiles are sent, the departing customers' profile ids looked up and full
    // removal batches sent: other endpoints, other limits. The other queries wait for the whole plan: beside
    // it they would slow it down, after it they fill the time of the rate-limited calls. Events wait for all
    // of it, so a flow they trigger finds the profile and its lists up to date.
    const planRead = deferred();
    const departures = new ListDepartures(client, repository, shop.id, lists.ready, progress);
    const eventsDue = !sync.baseline && lastSynced !== null;
    let skippedUnreachable = 0;
    const [, removals] = await settleAll([
      imports.send(sync.id, lists.ready, async (add, settled) => {
        try {
          await readPlan(
            this.db,
            query,
            async (rows) => {
              await departures.take(rows.filter((row) => row.remove_lists.length > 0));
              for (const row of rows) {
                if (row.unreachable) skippedUnreachable += 1;
                else if (row.upsert) await add(row);
              }
            },
            settled,
          );
          planRead.resolve();
        } catch (error) {
          planRead.reject(error);
          throw error;
        }
      }),
      planRead.promise.then(
        () => departures.remove(),
        async (error) => {
          await departures.abandon();
          throw error;
        },
      ),
      planRead.promise.then(() => (eventsDue ? prepareEnteredSegmentEvents(repository, sync, lastSynced, enabled) : undefined)),
    ]);
    progress.done(
      `${imports.figures.profilesSent.toLocaleString('en-US')} profiles sent in ${imports.figures.jobs} jobs, ` +
        `${removals.removed.toLocaleString('en-US')} list removals`,
    );
    // Beside the events, which read no ledger row: ahead of them it kept the flows waiting for nothing.
    const [events] = await settleAll([
      eventsDue ? sendEnteredSegmentEvents(client, repository, shop.domain, sync, progress) : Promise.resolve(0),
      imports.figures.profilesConfirmed >= LEDGER_ROWS_WORTH_ANALYZE ? repository.refreshLedgerStatistics() : Promise.resolve(),
    ]);
    if (!eventsDue) {
      messages.push('First sync: the baseline is set and no "Entered Segment" event is sent (no flow fires for the whole base)');
    }
    return {
      shop: shop.domain,
      runNumber: sync.runNumber,
      baseline: sync.baseline,
      lists: { created: lists.created, recovered: lists.recovered, deferred: lists.deferred },
      profiles: {
        planned: imports.figures.groups.reduce((sum, group) => sum + group.profiles, 0),
        sent: imports.figures.profilesSent,
        confirmed: imports.figures.profilesConfirmed,
        rejected: imports.figures.profilesRejected,
        skippedUnreachable,
      },
      jobs: imports.figures.jobs,
      jobGroups: imports.figures.groups,
      jobTimes: imports.durations.remembered(),
      removals: removals.removed,
      removalsByList: removals.byList,
      profileIdsLookedUp: removals.lookedUp,
      events,
      messages,
    };
  }

  /** The segments synced as lists, and the enabled saved segment keys that exist. */
  async segments(shopId: number, messages: string[]): Promise<{ segments: SyncedSegment[]; enabled: string[] }> {
    const settings = parseKlaviyoSettings((await this.shops.settings(shopId)).klaviyo);
    const saved: { key: string; name: string }[] = settings.segments.length
      ? await this.db.query(`SELECT key, name FROM saved_segments WHERE shop_id = $1 AND key = ANY($2::text[]) ORDER BY key`, [
          shopId,
          settings.segments,
        ])
      : [];
    const missing = settings.segments.filter((key) => !saved.some((segment) => segment.key === key));
    if (missing.length) messages.push(`Enabled segments that no longer exist are skipped: ${missing.join(', ')}`);
    return { segments: syncedSegments(RFM_GROUPS, VIP_TIERS, saved), enabled: saved.map((segment) => segment.key) };
  }
}
