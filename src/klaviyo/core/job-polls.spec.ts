import { JobDurations, planPolls } from './job-polls';

/** Jobs of 10,000 profiles sent at these times (null: by an earlier sync). */
const sent = (...at: (number | null)[]) => at.map((sentAt) => ({ sentAt, customerIds: new Array(10_000) }));
/** Durations after jobs of these sizes took these times. */
function took(...jobs: [profiles: number, ms: number][]): JobDurations {
  const durations = new JobDurations();
  for (const [profiles, ms] of jobs) durations.record(profiles, ms);
  return durations;
}

describe('when to poll the import jobs a sync waits for', () => {
  it('polls nothing when no job is waiting', () => {
    expect(planPolls([], 10_000, took([10_000, 2_000]), 3)).toEqual({ poll: 0, waitMs: 0 });
  });

  it('polls the oldest job alone before any job was seen complete', () => {
    expect(planPolls(sent(1_000, 2_000, 3_000), 10_000, took(), 3)).toEqual({ poll: 1, waitMs: 0 });
  });

  it('waits until the oldest job is a quarter older than the last complete one took', () => {
    expect(planPolls(sent(9_000, 9_500), 10_000, took([10_000, 2_000]), 3)).toEqual({ poll: 0, waitMs: 1_500 });
  });

  it('polls together the oldest jobs that are that old, at most as many as allowed', () => {
    expect(planPolls(sent(1_000, 7_000, 7_500, 7_500), 10_000, took([10_000, 2_000]), 3)).toEqual({ poll: 3, waitMs: 0 });
    expect(planPolls(sent(1_000, 7_000, 7_600, 7_500), 10_000, took([10_000, 2_000]), 3)).toEqual({ poll: 2, waitMs: 0 });
  });

  it('counts the jobs an earlier sync sent as due once a job was seen complete', () => {
    expect(planPolls(sent(null, null, null, 9_900), 10_000, took([10_000, 2_000]), 3)).toEqual({ poll: 3, waitMs: 0 });
    expect(planPolls(sent(null, null, null), 10_000, took(), 3)).toEqual({ poll: 1, waitMs: 0 });
  });

  it('expects a job to take as long as the latest one at least as big, or the longest when it is bigger than all', () => {
    // A full job took 2 s, then a group's last job of 300 profiles 0.5 s.
    const durations = took([10_000, 2_000], [300, 500]);
    expect(durations.expectedMs(10_000)).toBe(2_000);
    expect(durations.expectedMs(300)).toBe(500);
    expect(durations.expectedMs(200)).toBe(500);
    expect(took([300, 500], [5_000, 1_200]).expectedMs(10_000)).toBe(1_200);
    // A full job sent 1 s ago is not due yet though the small one's time has passed.
    expect(planPolls(sent(9_000), 10_000, durations, 3)).toEqual({ poll: 0, waitMs: 1_500 });
  });

  it("starts from the times of the shop's last sync: its first job is not polled before it is likely done", () => {
    const last = took([10_000, 800], [2_000, 600]).remembered();
    expect(last).toEqual([{ profiles: 10_000, tookMs: 800 }, { profiles: 2_000, tookMs: 600 }]);
    expect(planPolls(sent(9_500), 10_000, new JobDurations(last), 3)).toEqual({ poll: 0, waitMs: 500 });
  });

  it('remembers the last ten jobs only', () => {
    const durations = took([10_000, 9_000], ...Array.from({ length: 10 }, (): [number, number] => [100, 400]));
    expect(durations.expectedMs(10_000)).toBe(400);
  });
});
