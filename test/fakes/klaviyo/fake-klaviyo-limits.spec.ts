import { ApiKeySession, ListEnum, ListsApi, RetryWithExponentialBackoff } from 'klaviyo-api';
import { FakeKlaviyo } from './index';
import { klaviyoContract } from './openapi';
import { RateLimiter } from './rate-limits';

/** Published rate limits (fixed windows) and injected faults. */
const KEY = 'pk_fake_limits_key';

function listsApi(fake: FakeKlaviyo, retries = 0) {
  const api = new ListsApi(new ApiKeySession(KEY, new RetryWithExponentialBackoff({ numRetries: retries })));
  api.basePath = fake.baseUrl;
  return api;
}

const createList = (api: ListsApi, name: string) => api.createList({ data: { type: ListEnum.List, attributes: { name } } });

function operation(method: string, path: string) {
  return klaviyoContract().route(method, path)!.operation;
}

describe('fake Klaviyo rate limiter (fixed windows per key and operation)', () => {
  it('reads each limit from the OpenAPI document', () => {
    expect(operation('POST', '/api/lists').rateLimit).toEqual({ burst: 10, steady: 150, daily: 150 });
    expect(operation('POST', '/api/profile-bulk-import-jobs').rateLimit).toEqual({ burst: 10, steady: 150 });
    expect(operation('DELETE', '/api/lists/X/relationships/profiles').rateLimit).toEqual({ burst: 10, steady: 150 });
    expect(operation('POST', '/api/events').rateLimit).toEqual({ burst: 350, steady: 3500 });
    expect(operation('POST', '/api/event-bulk-create-jobs').rateLimit).toEqual({ burst: 10, steady: 150 });
  });

  it('admits the burst, throttles the next request of the same second, and opens again in the next second', () => {
    let now = 1_000_000_000_000; // on a second boundary
    const limiter = new RateLimiter('published', 1, () => now);
    const bulk = operation('POST', '/api/profile-bulk-import-jobs');
    for (let i = 0; i < 10; i++) expect(limiter.admit('k', bulk).allowed).toBe(true);
    now += 400;
    expect(limiter.admit('k', bulk)).toMatchObject({ allowed: false, window: 'burst', retryAfterSeconds: 1, retryAfterMs: 600 });
    expect(limiter.admit('other-key', bulk).allowed).toBe(true);
    expect(limiter.admit('k', operation('GET', '/api/lists')).allowed).toBe(true);
    now += 600;
    expect(limiter.admit('k', bulk).allowed).toBe(true);
  });

  it('holds the steady limit over the minute and the daily cap on list creation', () => {
    let now = 1_000_000_020_000 - (1_000_000_020_000 % 86_400_000); // midnight UTC, a minute boundary
    const limiter = new RateLimiter('published', 1, () => now);
    const bulk = operation('POST', '/api/profile-bulk-import-jobs');
    for (let second = 0; second < 15; second++, now += 1000) {
      for (let i = 0; i < 10; i++) expect(limiter.admit('k', bulk).allowed).toBe(true);
    }
    expect(limiter.admit('k', bulk)).toMatchObject({ allowed: false, window: 'steady', retryAfterSeconds: 45 });
    now += 45_000;
    expect(limiter.admit('k', bulk).allowed).toBe(true);

    const create = operation('POST', '/api/lists');
    for (let minute = 0; minute < 15; minute++, now += 60_000) {
      for (let i = 0; i < 10; i++) expect(limiter.admit('k', create).allowed).toBe(true);
    }
    expect(limiter.admit('k', create)).toMatchObject({ allowed: false, window: 'daily' });
  });

  it('scales every window with timeScale (0.1: a burst window of 100 ms)', () => {
    let now = 1_000_000_000_000;
    const limiter = new RateLimiter({ get_accounts: { burst: 2 } }, 0.1, () => now);
    const accounts = operation('GET', '/api/accounts');
    expect([1, 2, 3].map(() => limiter.admit('k', accounts).allowed)).toEqual([true, true, false]);
    now += 100;
    expect(limiter.admit('k', accounts).allowed).toBe(true);
  });
});

describe('fake Klaviyo over HTTP: 429 with Retry-After, and faults', () => {
  let fake: FakeKlaviyo;
  afterEach(() => fake.close());

  it('answers a burst beyond the published limit with 429, Retry-After and the throttled error; nothing throttled is written', async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY] });
    const api = listsApi(fake);
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => createList(api, `L${i}`)));
    const throttled = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as any).response] : []));
    // 25 requests within a second or across one window boundary: at most 20 fit.
    expect(throttled.length).toBeGreaterThanOrEqual(5);
    for (const response of throttled) {
      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.data.errors[0]).toMatchObject({ status: 429, code: 'throttled', title: 'Request was throttled.' });
    }
    expect(fake.callCounts.create_list).toBe(25);
    expect(fake.throttledCounts.create_list).toBe(throttled.length);
    expect(fake.state.lists.size).toBe(25 - throttled.length);
  });

  it('caps list creation at 150 a day', async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY], rateLimits: { create_list: { burst: 1000, steady: 1000 } } });
    const api = listsApi(fake);
    for (let i = 0; i < 150; i++) await createList(api, `segment ${i}`);
    const refused = await createList(api, 'one too many').catch((error) => error.response);
    expect(refused.status).toBe(429);
    expect(refused.data.errors[0].detail).toMatch(/daily limit/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(1);
    expect(fake.state.lists.size).toBe(150);
  });

  it('drop-after-write applies the write, then drops the connection without an answer', async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY] });
    fake.inject({ operation: 'create_list', kind: 'drop-after-write' });
    const api = listsApi(fake, 3);
    const error = await createList(api, 'Loyal at Risk').catch((e) => e);
    expect(error.response).toBeUndefined();
    expect(error.code).toBe('ECONNRESET');
    expect(fake.listsNamed('Loyal at Risk')).toHaveLength(1);
    // A careful client looks before creating again: the list is there.
    const found = await api.getLists({ filter: 'equals(name,"Loyal at Risk")' });
    expect(found.body.data).toHaveLength(1);
    expect(fake.faultsFired).toEqual([expect.objectContaining({ operation: 'create_list', kind: 'drop-after-write' })]);
  });

  it('timeout holds the answer past the client timeout and writes nothing; 503 writes nothing and a retry succeeds', async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY] });
    fake.inject({ operation: 'create_list', kind: 'timeout' });
    const request = fetch(`${fake.baseUrl}/api/lists`, {
      method: 'POST',
      headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'list', attributes: { name: 'Sleepers' } } }),
      signal: AbortSignal.timeout(300),
    });
    await expect(request).rejects.toThrow(/aborted|timeout/i);
    expect(fake.state.lists.size).toBe(0);

    fake.inject({ operation: 'create_list', kind: '503' });
    const created = await createList(listsApi(fake, 2), 'Sleepers'); // the SDK's own retry covers 503
    expect(created.response.status).toBe(201);
    expect(fake.callCounts.create_list).toBe(3);
    expect(fake.listsNamed('Sleepers')).toHaveLength(1);
  });
});
