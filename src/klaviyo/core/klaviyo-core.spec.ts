import { JobChunker, PROFILE_IMPORT_LIMITS } from './job-chunker';
import { jsonBytes } from './json-bytes';
import { e164, profileBytes, profileProperties, toSdkProfile, type SdkProfile } from './profiles';
import { parseRetryAfter, retryDecision } from './retry';
import { enteredSegmentEventId, listCreationsAllowed, parseKlaviyoSettings, syncedSegments } from './synced-segments';
import { formatPlan } from './sync-plan';

describe('job chunking', () => {
  it('closes a job at 10,000 profiles', () => {
    const chunker = new JobChunker<number>({ ...PROFILE_IMPORT_LIMITS, envelopeBytes: 100 });
    const closed = Array.from({ length: 10_001 }, (_, i) => chunker.add(i, 10)).filter((chunk) => chunk !== null);
    expect(closed.map((chunk) => chunk!.items.length)).toEqual([10_000]);
    expect(chunker.flush()?.items).toEqual([10_000]);
  });

  it('closes a job before it passes 5 MB, counting envelope and separators', () => {
    const chunker = new JobChunker<number>({ maxItems: 10_000, maxBytes: 1000, envelopeBytes: 100 });
    // 100 + 4 x 200 + 3 commas = 903; a fifth item would make 1104.
    const closed = [1, 2, 3, 4, 5].map((i) => chunker.add(i, 200));
    expect(closed.slice(0, 4)).toEqual([null, null, null, null]);
    expect(closed[4]).toEqual({ items: [1, 2, 3, 4], bytes: 903 });
  });

  it('refuses an item that could never fit', () => {
    const chunker = new JobChunker<number>({ maxItems: 10, maxBytes: 1000, envelopeBytes: 100 });
    expect(() => chunker.add(1, 950)).toThrow(RangeError);
  });
});

describe('profiles', () => {
  it('reads phones as E.164 only when they already carry a country code', () => {
    expect(e164('+44 (20) 7946-0958')).toBe('+442079460958');
    expect(e164('0044 20 7946 0958')).toBe('+442079460958');
    expect(e164('020 7946 0958')).toBeNull();
    expect(e164('+1 555')).toBeNull();
  });

  it('builds camelCase attributes for the SDK, measured as the snake_case it sends, absent figures as null', () => {
    const profile = toSdkProfile({ customerId: '42', email: ' a@b.test ', phone: '+1 415 555 0100', properties: profileProperties({ rfm_group: 'loyal', r: 5 }) });
    expect(profile.attributes).toEqual({
      email: 'a@b.test',
      phoneNumber: '+14155550100',
      externalId: '42',
      properties: expect.objectContaining({ rfm_group: 'loyal', r: 5, vip_tier: null, predicted_clv: null }),
    });
    expect(Object.keys(profile.attributes.properties)).toHaveLength(14);
    expect(profileBytes(profile)).toBe(Buffer.byteLength(JSON.stringify(wireProfile(profile))));
  });

  it('measures a profile as the bytes the SDK sends, whichever identifiers and values it has', () => {
    const profiles = [
      toSdkProfile({ customerId: '7', email: null, phone: '+14155550100', properties: profileProperties({}) }),
      toSdkProfile({ customerId: '8', email: 'zoë@exämple.test', phone: null, properties: profileProperties({ segments: ['a', 'b"c'], net_spent: 1234.5 }) }),
      toSdkProfile({ customerId: 'x\\y', email: 'a@b.test', phone: null, properties: profileProperties({ rfm_group: 'tab\there', churn_risk: 0.0001 }) }),
    ];
    for (const profile of profiles) expect(profileBytes(profile)).toBe(Buffer.byteLength(JSON.stringify(wireProfile(profile))));
  });
});

/** The profile as the SDK puts it on the wire: snake_case names (the reference profileBytes is held to). */
function wireProfile(profile: SdkProfile): unknown {
  const { email, phoneNumber, externalId, properties } = profile.attributes;
  return {
    type: 'profile',
    attributes: {
      ...(email !== undefined ? { email } : {}),
      ...(phoneNumber !== undefined ? { phone_number: phoneNumber } : {}),
      external_id: externalId,
      properties,
    },
  };
}

describe('JSON byte counts', () => {
  it('equal the UTF-8 length of JSON.stringify for every kind of value a body holds', () => {
    const values: unknown[] = [
      '',
      'plain ascii',
      'quote " and backslash \\',
      'control \u0001 and newline \n',
      'accents é, CJK 日本, emoji 😀, a lone surrogate \ud800',
      0,
      -12.5,
      1e21,
      Number.NaN,
      Infinity,
      true,
      false,
      null,
      [],
      [1, 'two', null, undefined, [3, { four: 4 }]],
      {},
      { a: 1, skipped: undefined, b: [true, 'x'], c: { d: null, é: 'ü' } },
      { when: new Date('2026-11-28T00:00:00Z') },
      new Date('2026-11-28T00:00:00Z'),
    ];
    for (const value of values) expect([value, jsonBytes(value)]).toEqual([value, Buffer.byteLength(JSON.stringify(value))]);
  });
});

describe('retries', () => {
  const noJitter = () => 1;
  it('waits Retry-After on 429, for any call', () => {
    expect(retryDecision({ kind: 'throttled', retryAfterSeconds: 7 }, 1, 1, false)).toEqual({ retry: true, delayMs: 7000, reason: 'throttled' });
  });
  it('backs off on 5xx and lost answers for repeatable calls, doubling up to the cap, then gives up', () => {
    const delays = [1, 2, 3, 4].map((attempt) => retryDecision({ kind: 'server', status: 503 }, attempt, 0, true, undefined, noJitter));
    expect(delays.map((d) => (d.retry ? d.delayMs : null))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDecision({ kind: 'lost' }, 8, 0, true)).toEqual({ retry: false });
  });
  it('hands a lost answer to a list creation back to the caller (it may have created the list)', () => {
    expect(retryDecision({ kind: 'lost' }, 1, 0, false)).toEqual({ retry: false });
    expect(retryDecision({ kind: 'client', status: 400 }, 1, 0, true)).toEqual({ retry: false });
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:05 GMT', Date.parse('2026-11-27T09:00:00Z'))).toBe(5);
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe('synced segments', () => {
  it('names one list per group, tier and enabled segment', () => {
    const segments = syncedSegments([{ key: 'loyal', name: 'Loyal' }], [{ key: 'gold', name: 'Gold' }], [{ key: 'big_spenders', name: 'Big spenders' }]);
    expect(segments).toEqual([
      { key: 'rfm:loyal', listName: 'segment-sync · Loyal' },
      { key: 'vip:gold', listName: 'segment-sync · VIP Gold' },
      { key: 'segment:big_spenders', listName: 'segment-sync · Big spenders' },
    ]);
  });
  it('defers the lists beyond the daily cap', () => {
    expect(listCreationsAllowed(['a', 'b', 'c'], 148, 150)).toEqual({ create: ['a', 'b'], deferred: ['c'] });
  });
  it('validates the klaviyo setting', () => {
    expect(parseKlaviyoSettings({ segments: ['dormant', 'big_spenders', 'dormant'] })).toEqual({ segments: ['big_spenders', 'dormant'] });
    expect(() => parseKlaviyoSettings({ segments: 'x' })).toThrow(/klaviyo.segments/);
  });
  it('makes event ids from shop, run, customer and segment', () => {
    expect(enteredSegmentEventId('s.myshopify.com', 7, '42', 'loyal')).toBe('s.myshopify.com:7:42:loyal');
  });
});

describe('the dry-run plan', () => {
  it('prints lists with joins and departures, counts and a sample', () => {
    const text = formatPlan({
      shop: 's.myshopify.com',
      runNumber: 3,
      connected: false,
      baseline: true,
      lists: [
        { name: 'segment-sync · Loyal', status: 'create', joining: 1200, leaving: 0 },
        { name: 'segment-sync · VIP Gold', status: 'exists', joining: 3, leaving: 1 },
      ],
      upserts: 1203,
      skippedUnreachable: 9,
      removals: 1,
      events: 0,
      sample: [{ customerId: '42', joins: ['segment-sync · Loyal'], properties: { rfm_group: 'loyal', vip_tier: null, segments: ['dormant'] } }],
    });
    expect(text.split('\n')).toEqual([
      'Klaviyo sync plan for s.myshopify.com, segment run #3 (no Klaviyo key connected):',
      '  lists: 2 synced, 1 to create',
      '    segment-sync · Loyal     +    1,200  -        0 (new)',
      '    segment-sync · VIP Gold  +        3  -        1',
      '  profiles to upsert: 1,203 (skipped, no email or phone: 9)',
      '  list removals: 1',
      '  "Entered Segment" events: none (first sync: it sets the baseline, no flow fires for the whole base)',
      '  sample:',
      '    42 joins segment-sync · Loyal: rfm_group=loyal segments=[dormant]',
    ]);
  });
});
