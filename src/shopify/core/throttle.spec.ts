import { retryDelayMs, throttleWaitMs } from './throttle';

describe('throttleWaitMs: waiting before the cost bucket runs dry', () => {
  const bucket = { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 };

  it('sends at once when the bucket covers the cost and a 10% reserve', () => {
    expect(throttleWaitMs(90, bucket)).toBe(0);
  });

  it('waits until the refill covers the cost and the reserve: (550 − 100) / 50 per second = 9 s', () => {
    expect(throttleWaitMs(500, bucket)).toBe(9000);
  });

  it('counts what refilled since the last response', () => {
    expect(throttleWaitMs(500, bucket, 4000)).toBe(5000);
    expect(throttleWaitMs(500, bucket, 9000)).toBe(0);
  });

  it('never asks for more than a full bucket', () => {
    expect(throttleWaitMs(5000, bucket)).toBe(18000);
  });

  it('does not wait when the server reports no restore rate', () => {
    expect(throttleWaitMs(500, { ...bucket, restoreRate: 0 })).toBe(0);
  });
});

describe('retryDelayMs: backoff between attempts', () => {
  it("follows the server's Retry-After", () => {
    expect(retryDelayMs(1, 2, 0.5)).toBe(2000);
    expect(retryDelayMs(3, 0.25, 0)).toBe(250);
  });

  it('doubles from 250 ms with jitter in the upper half, capped at 10 s', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, 0))).toEqual([125, 250, 500, 1000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, 0.999))).toEqual([250, 500, 1000, 1999]);
    expect(retryDelayMs(12, null, 0)).toBe(5000);
    expect(retryDelayMs(12, null, 1)).toBe(10000);
  });
});
