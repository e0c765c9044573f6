import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountLimiter, minimumSeconds, OperationLimiter, operationOf, PUBLISHED_LIMITS, type KlaviyoOperation } from './rate-limits';

describe('Klaviyo rate limits', () => {
  it('match x-klaviyo-ratelimit of every operation the sync makes, in the OpenAPI document of revision 2026-07-15', () => {
    const spec = JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../../../shared/specs/klaviyo-openapi-2026-07-15.json.gz'))).toString());
    const published: Record<string, { burst: number; steady: number }> = {};
    for (const operations of Object.values<any>(spec.paths)) {
      for (const operation of Object.values<any>(operations)) {
        const limit = operation['x-klaviyo-ratelimit'];
        if (operation.operationId in PUBLISHED_LIMITS && limit) {
          published[operation.operationId] = { burst: parseInt(limit.burst, 10), steady: parseInt(limit.steady, 10) };
        }
      }
    }
    expect(published).toEqual(PUBLISHED_LIMITS);
  });

  it('names each request of the sync by its operation', () => {
    const cases: [string, string, KlaviyoOperation | null][] = [
      ['GET', 'https://a.klaviyo.com/api/lists?filter=x', 'get_lists'],
      ['POST', '/api/lists', 'create_list'],
      ['DELETE', '/api/lists/Xy12/relationships/profiles', 'remove_profiles_from_list'],
      ['POST', '/api/profile-bulk-import-jobs', 'bulk_import_profiles'],
      ['GET', '/api/profile-bulk-import-jobs/01J/import-errors', 'get_errors_for_bulk_import_profiles_job'],
      ['GET', '/api/profile-bulk-import-jobs/01J', 'get_bulk_import_profiles_job'],
      ['POST', '/api/event-bulk-create-jobs', 'bulk_create_events'],
      ['POST', '/api/profile-subscription-bulk-create-jobs', null],
    ];
    for (const [method, path, operation] of cases) expect([method, path, operationOf(method, new URL(path, 'https://a.klaviyo.com').pathname)]).toEqual([method, path, operation]);
  });

  it('spaces 10/s-150/min calls: 10 at once, the 11th a second later, the 151st a minute after the first', () => {
    const limiter = new OperationLimiter({ burst: 10, steady: 150 }, 0);
    const waits = Array.from({ length: 151 }, () => limiter.reserve(0));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits[10]).toBe(1000);
    expect(waits[149]).toBe(14_000);
    expect(waits[150]).toBe(60_000);
  });

  it('never puts more than the limit in any window, at any start, and never loops on a large clock', () => {
    const limiter = new OperationLimiter({ burst: 3, steady: 7 }, 0.02);
    const start = 1_764_230_400_123.456;
    const times: number[] = [];
    let now = start;
    for (let i = 0; i < 40; i++) {
      now += (i % 5) * 37.3;
      times.push(now + limiter.reserve(now));
    }
    for (const t of times) {
      expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(3);
      expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(7);
    }
  });

  it('keeps one queue per operation for an account', () => {
    const account = new AccountLimiter({ ...PUBLISHED_LIMITS, get_accounts: { burst: 1, steady: 15 } }, 0);
    expect(account.reserve('get_accounts', 0)).toBe(0);
    expect(account.reserve('get_accounts', 0)).toBe(1000);
    expect(account.reserve('get_lists', 0)).toBe(0);
  });

  it('gives the least time a number of calls can take', () => {
    expect(minimumSeconds(1, { burst: 10, steady: 150 })).toBe(0);
    expect(minimumSeconds(10, { burst: 10, steady: 150 })).toBe(0);
    expect(minimumSeconds(150, { burst: 10, steady: 150 })).toBe(14);
    expect(minimumSeconds(300, { burst: 10, steady: 150 })).toBe(74);
  });
});
