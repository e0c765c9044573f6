import { planPolls } from './job-polls';

describe('when to poll the import jobs a sync waits for', () => {
  const sent = (...at: (number | null)[]) => at.map((sentAt) => ({ sentAt }));

  it('polls nothing when no job is waiting', () => {
    expect(planPolls([], 10_000, 2_000, 3)).toEqual({ poll: 0, waitMs: 0 });
  });

  it('polls the oldest job alone before any job was seen complete', () => {
    expect(planPolls(sent(1_000, 2_000, 3_000), 10_000, null, 3)).toEqual({ poll: 1, waitMs: 0 });
  });

  it('waits until the oldest job is a quarter older than the last complete one took', () => {
    expect(planPolls(sent(9_000, 9_500), 10_000, 2_000, 3)).toEqual({ poll: 0, waitMs: 1_500 });
  });

  it('polls together the oldest jobs that are that old, at most as many as allowed', () => {
    expect(planPolls(sent(1_000, 7_000, 7_500, 7_500), 10_000, 2_000, 3)).toEqual({ poll: 3, waitMs: 0 });
    expect(planPolls(sent(1_000, 7_000, 7_600, 7_500), 10_000, 2_000, 3)).toEqual({ poll: 2, waitMs: 0 });
  });

  it('counts the jobs an earlier sync sent as due once a job was seen complete', () => {
    expect(planPolls(sent(null, null, null, 9_900), 10_000, 2_000, 3)).toEqual({ poll: 3, waitMs: 0 });
    expect(planPolls(sent(null, null, null), 10_000, null, 3)).toEqual({ poll: 1, waitMs: 0 });
  });
});
