import { RunningTasks } from '../async/running-tasks';
import { JobDurations, planPolls } from './core/job-polls';
import { JobChunker, PROFILE_IMPORT_LIMITS, type Chunk } from './core/job-chunker';
import { profileBytes, toSdkProfile, type SdkProfile } from './core/profiles';
import { KlaviyoApiError, type ImportJobStatus, type KlaviyoClient } from './klaviyo-client';
import type { KlaviyoSyncRepository, PendingJob } from './klaviyo-sync.repository';
import { addLists, type PlanRow, type SettledKeys } from './plan-stream';
import type { SyncProgress } from './sync-progress';

/** The body around the profiles of a bulk import job, with a list relationship per list (measured generously). */
function envelopeBytes(lists: number): number {
  return 200 + lists * 40;
}

/** Import jobs sent at once: bodies are built and sent while earlier ones travel (the limiter still paces them). */
const IN_FLIGHT = 3;
/**
 * Finished jobs of the plan being sent applied to the ledger at once (their customers are disjoint; jobs
 * left by an interrupted sync are applied one by one). One at a time, applying lagged behind sending and a
 * million profiles ended with 10 s of applying alone.
 */
const APPLYING_AT_ONCE = 2;
/** Import jobs polled at once when several are likely done (see core/job-polls.ts). */
const POLLS_AT_ONCE = 3;
/** The states a job stays in once it gets there. */
const FINISHED = new Set(['complete', 'cancelled', 'failed']);
/** How long a sync waits for one import job before it gives up (Klaviyo's jobs take seconds to minutes). */
const JOB_PATIENCE_MS = 30 * 60_000;

export interface ImportFigures {
  /** Per set of lists joined: profiles and serialized bytes, from which the least number of jobs follows. */
  groups: { lists: number; profiles: number; bytes: number }[];
  profilesSent: number;
  jobs: number;
  profilesConfirmed: number;
  profilesRejected: number;
  polls: number;
}

type Entry = { profile: SdkProfile; customerId: string; hash: string; known: boolean };

/** Profiles joining the same lists: one import job adds all its profiles to all its lists. */
interface JobGroup {
  lists: string[];
  chunker: JobChunker<Entry>;
  figures: ImportFigures['groups'][number];
}

/** Hands a planned profile over to be sent; fails once sending has failed, so the plan stops being read. */
export type AddProfile = (row: PlanRow) => Promise<void>;

/**
 * The plan's upserts as bulk import jobs, sent while the plan is read: one group per set of lists to join,
 * cut into jobs of at most 10,000 profiles and 5 MB as its profiles arrive, each recorded (job id, profiles, hashes) as soon as Klaviyo accepts it, so a
 * restart polls it instead of sending it again. Then every pending job is polled to completion and applied
 * to the ledger, its import errors recorded per profile.
 */
export class ProfileImport {
  readonly figures: ImportFigures = { groups: [], profilesSent: 0, jobs: 0, profilesConfirmed: 0, profilesRejected: 0, polls: 0 };
  private readonly pending: PendingJob[] = [];
  /** Whether send() may still add jobs: the drain then waits for them instead of returning. */
  private sending = false;
  /** Set when sending failed: the drain stops at its next step instead of waiting out the pending jobs. */
  private stopped = false;
  private jobArrived: (() => void) | null = null;

  constructor(
    private readonly client: KlaviyoClient,
    private readonly repository: KlaviyoSyncRepository,
    private readonly shopId: number,
    private readonly progress: SyncProgress,
    /** How long the jobs found complete lately took Klaviyo (at first: in the shop's last sync). */
    readonly durations = new JobDurations(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Jobs a previous, interrupted sync sent: polled before anything is planned again. */
  async resumePending(): Promise<void> {
    this.pending.push(...(await this.repository.pendingJobs(this.shopId)));
    await this.drain();
  }

  /**
   * Sends the profiles `plan` adds (see readPlan) as they come, each group's last job once the plan can hand
   * over no more of its profiles (told through the SettledKeys it is given; at the latest once it is read),
   * then waits until every job is applied.
   */
  async send(syncId: number, listIds: Map<string, string>, plan: (add: AddProfile, settled: SettledKeys) => Promise<void>): Promise<void> {
    // A failed job stops the sync at the next submission or at the end, never silently.
    const inFlight = new RunningTasks(IN_FLIGHT);
    // Jobs are polled and applied while later ones are built and sent: polls have a rate limit of their
    // own, and a million profiles take a hundred of them.
    this.sending = true;
    const draining = this.drain(APPLYING_AT_ONCE).catch((error) => inFlight.fail(error));
    const submit = async (chunk: Chunk<Entry> | null, listKeys: string[]) => {
      if (!chunk) return;
      await inFlight.room();
      inFlight.add(this.submit(syncId, chunk.items, listKeys, listIds));
    };
    const groups = new Map<string, JobGroup>();
    const add: AddProfile = async (row) => {
      inFlight.throwIfFailed();
      const group = groups.get(row.add_key) ?? this.newGroup(groups, row);
      const profile = toSdkProfile({ customerId: row.customer_id, email: row.email, phone: row.phone, properties: row.properties });
      const bytes = profileBytes(profile);
      group.figures.profiles += 1;
      group.figures.bytes += bytes;
      await submit(group.chunker.add({ profile, customerId: row.customer_id, hash: row.properties_hash, known: row.known }, bytes), group.lists);
    };
    // A group's last job goes out as soon as no more of its profiles can come: at the end, every group's
    // last job at once met the endpoint's limit of 10 a second and then Klaviyo's queue.
    const settled: SettledKeys = async (isSettled) => {
      for (const [key, group] of groups) if (isSettled(key)) await submit(group.chunker.flush(), group.lists);
    };
    try {
      await plan(add, settled);
      for (const key of [...groups.keys()].sort()) {
        const group = groups.get(key) as JobGroup;
        this.figures.groups.push(group.figures);
        await submit(group.chunker.flush(), group.lists);
      }
    } catch (error) {
      inFlight.fail(error);
    } finally {
      // This waits for the jobs in flight to be recorded or failed.
      await inFlight.settle();
      // A failed send leaves its remaining jobs recorded: the next sync polls them.
      this.sending = false;
      this.stopped = inFlight.failed;
      this.wakeDrain();
    }
    await draining;
    inFlight.throwIfFailed();
  }

  private newGroup(groups: Map<string, JobGroup>, row: PlanRow): JobGroup {
    const lists = addLists(row);
    const group: JobGroup = {
      lists,
      chunker: new JobChunker<Entry>({ ...PROFILE_IMPORT_LIMITS, envelopeBytes: envelopeBytes(lists.length) }),
      figures: { lists: lists.length, profiles: 0, bytes: 0 },
    };
    groups.set(row.add_key, group);
    return group;
  }

  private async submit(syncId: number, items: Entry[], listKeys: string[], listIds: Map<string, string>): Promise<void> {
    const ids = listKeys.map((key) => listIds.get(key) as string);
    const jobId = await this.client.startProfileImport(
      items.map((item) => item.profile),
      ids,
    );
    const job: PendingJob = {
      jobId,
      customerIds: items.map((item) => item.customerId),
      sentAt: Date.now(),
      newToLedger: items.every((item) => !item.known),
    };
    await this.repository.recordJob(this.shopId, syncId, { ...job, listKeys, hashes: items.map((item) => item.hash) });
    this.pending.push(job);
    this.wakeDrain();
    this.figures.jobs += 1;
    this.figures.profilesSent += items.length;
    this.progress.advance(items.length);
    this.progress.status({ jobsPending: this.pending.length, rateLimitWaits: this.client.session.statistics.rateLimitWaits });
  }

  private wakeDrain(): void {
    this.jobArrived?.();
    this.jobArrived = null;
  }

  /**
   * Polls the pending jobs, oldest first, until each is complete and applied (up to `applyingAtOnce` applied
   * at once). A job still unfinished after JOB_PATIENCE_MS stops the sync with an error; it stays recorded
   * and the next sync polls it again.
   */
  private async drain(applyingAtOnce = 1): Promise<void> {
    const applying = new RunningTasks(applyingAtOnce);
    try {
      await this.poll(async (job, status) => {
        applying.add(this.apply(job, status));
        await applying.room();
      });
    } finally {
      await applying.settle();
    }
    applying.throwIfFailed();
  }

  /**
   * The polling loop of drain(): each complete job, taken off `pending`, is handed to `complete`. The oldest
   * jobs are polled when they are likely done (see planPolls), several at once; while the oldest is not
   * done, its polls back off.
   */
  private async poll(complete: (job: PendingJob, status: ImportJobStatus) => Promise<void>): Promise<void> {
    let wait = 500;
    let waitingSince = Date.now();
    let notBefore = 0;
    for (;;) {
      if (this.stopped) return;
      if (this.pending.length === 0) {
        if (!this.sending) return;
        await new Promise<void>((resolve) => (this.jobArrived = resolve));
        wait = 500;
        waitingSince = Date.now();
        continue;
      }
      const oldest = this.pending[0];
      if (Date.now() - waitingSince > JOB_PATIENCE_MS) {
        throw new Error(`Klaviyo import job ${oldest.jobId} is not complete after ${JOB_PATIENCE_MS / 60_000} minutes; the next sync polls it again`);
      }
      const plan = planPolls(this.pending, Date.now(), this.durations, POLLS_AT_ONCE);
      const pause = Math.max(plan.waitMs, notBefore - Date.now());
      if (plan.poll === 0 || pause > 0) {
        // At most the longest back-off: a sync that stopped sending notices it soon.
        await this.sleep(Math.min(pause, 5_000));
        continue;
      }
      const jobs = this.pending.slice(0, plan.poll);
      const statuses = await Promise.all(jobs.map((job) => this.status(job)));
      for (const [i, job] of jobs.entries()) {
        const status = statuses[i];
        if (status && !FINISHED.has(status.status)) continue;
        this.pending.splice(this.pending.indexOf(job), 1);
        if (status?.status === 'complete') {
          if (status.tookMs !== null) this.durations.record(job.customerIds.length, status.tookMs);
          await complete(job, status);
        } else {
          // Unknown to Klaviyo (404), cancelled or failed: its profiles are in the next plan again.
          await this.repository.dropJob(this.shopId, job.jobId);
        }
      }
      if (this.pending[0] === oldest) {
        notBefore = Date.now() + wait;
        wait = Math.min(5_000, wait * 1.5);
      } else {
        wait = 500;
        waitingSince = Date.now();
        notBefore = 0;
      }
    }
  }

  /** A job's status; null when Klaviyo no longer knows it. */
  private async status(job: PendingJob): Promise<ImportJobStatus | null> {
    this.figures.polls += 1;
    try {
      return await this.client.importJob(job.jobId);
    } catch (error) {
      if (error instanceof KlaviyoApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** A complete job's import errors fetched and recorded, its profiles confirmed in the ledger. */
  private async apply(job: PendingJob, status: ImportJobStatus): Promise<void> {
    const errors = status.failed > 0 ? await this.client.importErrors(job.jobId) : [];
    const inJob = new Set(job.customerIds);
    const rejected = errors.map((error) => ({
      customerId: error.externalId && inJob.has(error.externalId) ? error.externalId : null,
      code: error.code,
      detail: error.detail,
    }));
    await this.repository.applyJob(this.shopId, job, rejected);
    this.figures.profilesRejected += rejected.length;
    this.figures.profilesConfirmed += job.customerIds.length - rejected.filter((e) => e.customerId).length;
    this.progress.status({ jobsPending: this.pending.length, rateLimitWaits: this.client.session.statistics.rateLimitWaits });
  }
}
