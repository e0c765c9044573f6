/**
 * When to poll the import jobs a sync is waiting for. Each poll is a call against the endpoint's limit, so
 * a job is polled when it is likely done, not on a clock: Klaviyo works through an account's jobs in the
 * order they came, and the last job found complete tells how long one takes (its own created and
 * completed times, so neither our clock nor our polling lag enters it). Jobs sent at least that long ago
 * are polled together, several calls in flight: one at a time, each poll's round trip (a quarter of a
 * second against a busy server) held the applying back behind the sending, and a million profiles ended
 * with seconds of polls alone.
 */
/**
 * A job is due a quarter later than the last one took: when jobs queue up at Klaviyo each takes longer
 * than the one before. Polled at the last one's age, a million profiles (100 jobs) met up to 10 jobs not
 * done yet, each a wasted call; with the slack, 1 to 4.
 */
const SLACK = 1.25;

export interface WaitingJob {
  /** When Klaviyo accepted the job (ms since the epoch); null for a job an earlier sync sent. */
  sentAt: number | null;
}

export interface PollPlan {
  /** How many of the oldest waiting jobs to poll now (0: none yet). */
  poll: number;
  /** With nothing to poll: how long until the oldest job is due. */
  waitMs: number;
}

/**
 * `jobTakesMs`: how long the last job found complete took, null before any. The oldest job is always due
 * once that long (and the slack) has passed (right away before any is known: the caller backs off when it is not done);
 * a younger one only when it is that old too, or was sent by an earlier sync, and only after a first job
 * was seen complete (otherwise each guess may cost a wasted call).
 */
export function planPolls(waiting: readonly WaitingJob[], now: number, jobTakesMs: number | null, atMost: number): PollPlan {
  if (waiting.length === 0) return { poll: 0, waitMs: 0 };
  const dueIn = (job: WaitingJob) => (job.sentAt === null || jobTakesMs === null ? 0 : job.sentAt + jobTakesMs * SLACK - now);
  const oldest = dueIn(waiting[0]);
  if (oldest > 0) return { poll: 0, waitMs: oldest };
  let poll = 1;
  if (jobTakesMs !== null) {
    while (poll < Math.min(atMost, waiting.length) && dueIn(waiting[poll]) <= 0) poll += 1;
  }
  return { poll, waitMs: 0 };
}
