/**
 * When to poll the import jobs a sync is waiting for. Each poll is a call against the endpoint's limit, so
 * a job is polled when it is likely done, not on a clock: Klaviyo works through an account's jobs in the
 * order they came, and the jobs found complete lately tell how long one takes (their own created and
 * completed times, so neither our clock nor our polling lag enters it). Jobs sent at least that long ago
 * are polled together, several calls in flight: one at a time, each poll's round trip (a quarter of a
 * second against a busy server) held the applying back behind the sending, and a million profiles ended
 * with seconds of polls alone.
 */
/**
 * A job is due a quarter later than expected: when jobs queue up at Klaviyo each takes longer than the one
 * before. Polled at the last one's age, a million profiles (100 jobs) met up to 10 jobs not done yet, each
 * a wasted call; with the slack, 1 to 4.
 */
const SLACK = 1.25;
/** Complete jobs remembered for the estimate. */
const REMEMBERED = 10;

export interface WaitingJob {
  /** When Klaviyo accepted the job (ms since the epoch); null for a job an earlier sync sent. */
  sentAt: number | null;
  /** The job's customers: only how many matters here. */
  customerIds: readonly unknown[];
}

export interface PollPlan {
  /** How many of the oldest waiting jobs to poll now (0: none yet). */
  poll: number;
  /** With nothing to poll: how long until the oldest job is due. */
  waitMs: number;
}

/** A complete import job's size and how long Klaviyo took for it. */
export interface JobTime {
  profiles: number;
  tookMs: number;
}

/**
 * How long the import jobs found complete lately took, by size. A group's last job is small and goes out
 * between full ones: the time of a small job, taken for the next full one, had it polled before it was
 * done (a wasted call). So a job is expected to take as long as the latest job at least as big did, or, if
 * it is bigger than all of them, as long as the longest. A sync starts from the times its shop's last sync
 * saw: with none, its first job was polled right away and again half a second later, both too soon.
 */
export class JobDurations {
  private readonly recent: JobTime[];

  constructor(remembered: readonly JobTime[] = []) {
    this.recent = remembered.slice(-REMEMBERED);
  }

  /** The times to start the next sync from. */
  remembered(): JobTime[] {
    return [...this.recent];
  }

  record(profiles: number, tookMs: number): void {
    this.recent.push({ profiles, tookMs });
    if (this.recent.length > REMEMBERED) this.recent.shift();
  }

  /** Whether any job was seen complete. */
  get known(): boolean {
    return this.recent.length > 0;
  }

  /** How long a job of `profiles` is expected to take; null before any job was seen complete. */
  expectedMs(profiles: number): number | null {
    if (!this.known) return null;
    for (let i = this.recent.length - 1; i >= 0; i--) if (this.recent[i].profiles >= profiles) return this.recent[i].tookMs;
    return Math.max(...this.recent.map((job) => job.tookMs));
  }
}

/**
 * The oldest job is always due once its expected time (and the slack) has passed (right away before any
 * job was seen complete: the caller backs off when it is not done); a younger one only when it is that old
 * too, or was sent by an earlier sync, and only after a first job was seen complete (otherwise each guess
 * may cost a wasted call).
 */
export function planPolls(waiting: readonly WaitingJob[], now: number, durations: JobDurations, atMost: number): PollPlan {
  if (waiting.length === 0) return { poll: 0, waitMs: 0 };
  const dueIn = (job: WaitingJob) => {
    const expected = durations.expectedMs(job.customerIds.length);
    return job.sentAt === null || expected === null ? 0 : job.sentAt + expected * SLACK - now;
  };
  const oldest = dueIn(waiting[0]);
  if (oldest > 0) return { poll: 0, waitMs: oldest };
  let poll = 1;
  if (durations.known) {
    while (poll < Math.min(atMost, waiting.length) && dueIn(waiting[poll]) <= 0) poll += 1;
  }
  return { poll, waitMs: 0 };
}
