import {
  AccountsApi,
  ApiKeySession,
  EventsApi,
  ListEnum,
  ListsApi,
  ProfileEnum,
  ProfilesApi,
  RetryWithExponentialBackoff,
  type ProfileCreateQuery,
} from 'klaviyo-api';
import { FakeKlaviyo } from './index';

/** The fake Klaviyo driven through the real SDK (klaviyo-api 23, revision 2026-07-15), pointed at it by basePath. */
const KEY = 'pk_fake_test_key';

function sdk(fake: FakeKlaviyo, key = KEY) {
  // No SDK retries: each test sees exactly what the fake answers.
  const session = new ApiKeySession(key, new RetryWithExponentialBackoff({ numRetries: 0 }));
  const apis = { accounts: new AccountsApi(session), lists: new ListsApi(session), profiles: new ProfilesApi(session), events: new EventsApi(session) };
  for (const api of Object.values(apis)) api.basePath = fake.baseUrl;
  return apis;
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; headers: Record<string, string>; data: any }> {
  try {
    await promise;
  } catch (error: any) {
    if (error.response) return { status: error.response.status, headers: error.response.headers, data: error.response.data };
    throw error;
  }
  throw new Error('expected the call to fail');
}

const profile = (attributes: Record<string, unknown>) => ({ type: ProfileEnum.Profile, attributes });

describe('fake Klaviyo: accounts, lists, profiles, events through the real SDK', () => {
  let fake: FakeKlaviyo;
  beforeEach(async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY], jobDelayMs: 60, recordBodies: true });
  });
  afterEach(() => fake.close());

  it('checks the private key like Klaviyo: a wrong key is a 401 not_authenticated in the JSON:API error shape', async () => {
    const ok = await sdk(fake).accounts.getAccounts();
    expect(ok.body.data[0].id).toBe('FAKE01');
    const wrong = await failure(sdk(fake, 'pk_wrong').accounts.getAccounts());
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toBe('application/vnd.api+json');
    expect(wrong.data.errors).toEqual([
      expect.objectContaining({ status: 401, code: 'not_authenticated', title: expect.any(String), detail: 'Incorrect authentication credentials.', source: {} }),
    ]);
    expect(JSON.stringify(wrong.data)).not.toContain('pk_wrong');
  });

  it('creates lists (names are not unique: a second create makes a second list) and finds them by name', async () => {
    const { lists } = sdk(fake);
    const first = await lists.createList({ data: { type: ListEnum.List, attributes: { name: 'VIP Gold' } } });
    await lists.createList({ data: { type: ListEnum.List, attributes: { name: 'VIP Gold' } } });
    await lists.createList({ data: { type: ListEnum.List, attributes: { name: 'Sleepers' } } });
    expect(first.response.status).toBe(201);
    expect(first.body.data.attributes.name).toBe('VIP Gold');
    expect(fake.listsNamed('VIP Gold')).toHaveLength(2);

    const found = await lists.getLists({ filter: 'equals(name,"VIP Gold")' });
    expect(found.body.data.map((list) => list.id).sort()).toEqual(fake.listsNamed('VIP Gold').map((list) => list.id).sort());
    const bad = await failure(lists.getLists({ filter: 'equals(opt_in_process,"x")' }));
    expect(bad.status).toBe(400);
    expect(fake.rejectedRequests).toHaveLength(1);
  });

  it('reads a body that is not ASCII as UTF-8: a list name in Portuguese with a check mark comes back as sent', async () => {
    const { lists } = sdk(fake);
    const name = 'Clientes fiéis ✓ — São Paulo';
    const created = await lists.createList({ data: { type: ListEnum.List, attributes: { name } } });
    expect(created.body.data.attributes.name).toBe(name);
    expect(fake.listsNamed(name)).toHaveLength(1);
  });

  it('rejects a body the real API would reject, naming the pointer; the SDK silently drops snake_case attributes', async () => {
    const { profiles } = sdk(fake);
    // The SDK's model is camelCase (phoneNumber, externalId); snake_case keys are not in its attribute map.
    const snake = { data: profile({ phone_number: '+15005550006', external_id: 'c-1' }) } as unknown as ProfileCreateQuery;
    const dropped = await failure(profiles.createProfile(snake));
    expect(fake.received.at(-1)).toEqual({ operation: 'create_profile', body: { data: { type: 'profile', attributes: {} } } });
    expect(dropped.status).toBe(400);
    expect(dropped.data.errors[0].detail).toMatch(/email, phone_number or external_id is required/);

    // A hand-written body with a field Klaviyo does not know, or a value outside an enum, fails the schema.
    const raw = (body: unknown) =>
      fetch(`${fake.baseUrl}/api/lists`, { method: 'POST', headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' }, body: JSON.stringify(body) });
    const unknownField = await raw({ data: { type: 'list', attributes: { name: 'x', optInProcess: 'single_opt_in' } } });
    expect(unknownField.status).toBe(400);
    expect(((await unknownField.json()) as any).errors[0]).toMatchObject({ code: 'invalid', source: { pointer: '/data/attributes/optInProcess' } });
    const badEnum = await raw({ data: { type: 'list', attributes: { name: 'x', opt_in_process: 'triple' } } });
    expect(((await badEnum.json()) as any).errors[0].source.pointer).toBe('/data/attributes/opt_in_process');
    expect(fake.rejectedRequests.map((r) => r.operation)).toEqual(['create_profile', 'create_list', 'create_list']);
    expect(fake.state.lists.size).toBe(0);

    // The same profile in camelCase goes through.
    const created = await profiles.createProfile({ data: profile({ phoneNumber: '+15005550006', externalId: 'c-1' }) } as ProfileCreateQuery);
    expect(created.body.data.attributes.phoneNumber).toBe('+15005550006');
    expect(fake.profileByExternalId('c-1')?.phone_number).toBe('+15005550006');
  });

  it('upserts profiles by any identifier and merges custom properties key by key', async () => {
    const { profiles } = sdk(fake);
    const first = await profiles.createOrUpdateProfile({ data: profile({ email: 'Ann@Example.com', externalId: '101', properties: { rfm_group: 'new', orders: 1 } }) } as any);
    expect(first.response.status).toBe(201);
    const second = await profiles.createOrUpdateProfile({ data: profile({ email: 'ann@example.com', properties: { rfm_group: 'loyal', vip_tier: 'gold' } }) } as any);
    expect(second.response.status).toBe(200);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(fake.profileByExternalId('101')?.properties).toEqual({ rfm_group: 'loyal', orders: 1, vip_tier: 'gold' });
    const duplicate = await failure(profiles.createProfile({ data: profile({ externalId: '101' }) } as any));
    expect(duplicate.status).toBe(409);
    expect(duplicate.data.errors[0].meta.duplicate_profile_id).toBe(first.body.data.id);

    const byExternal = await profiles.getProfiles({ filter: 'equals(external_id,"101")' });
    expect(byExternal.body.data.map((p) => p.id)).toEqual([first.body.data.id]);
    const byEmails = await profiles.getProfiles({ filter: 'any(email,["ann@example.com","nobody@example.com"])' });
    expect(byEmails.body.data).toHaveLength(1);
    expect(fake.state.profiles.size).toBe(1);
  });

  it('adds and removes list members (at most 1,000 per call) and pages through them with links.next', async () => {
    const { lists, profiles } = sdk(fake);
    const list = (await lists.createList({ data: { type: ListEnum.List, attributes: { name: 'Loyal' } } })).body.data;
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      ids.push((await profiles.createProfile({ data: profile({ externalId: `c${i}` }) } as any)).body.data.id!);
    }
    await lists.addProfilesToList(list.id!, { data: ids.map((id) => ({ type: ProfileEnum.Profile, id })) });
    await lists.removeProfilesFromList(list.id!, { data: ids.slice(0, 5).map((id) => ({ type: ProfileEnum.Profile, id })) });
    expect([...fake.state.lists.get(list.id!)!.members]).toEqual(ids.slice(5));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await lists.getProfileIdsForList(list.id!, { pageCursor: cursor });
      seen.push(...page.body.data.map((p) => p.id));
      cursor = page.body.links?.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids.slice(5));

    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ type: ProfileEnum.Profile, id: ids[i % ids.length] }));
    const rejected = await failure(lists.addProfilesToList(list.id!, { data: tooMany }));
    expect(rejected.status).toBe(400);
    expect(rejected.data.errors[0].detail).toMatch(/at most 1000/);
  });

  it('stores an event once per unique_id, profile and metric, creating the metric on first use', async () => {
    const { events } = sdk(fake);
    const event = (uniqueId: string, email = 'bo@example.com') => ({
      data: {
        type: 'event',
        attributes: {
          properties: { segment: 'loyal', previous_segment: 'new', rfm_score: 545, run_id: 7 },
          uniqueId,
          metric: { data: { type: 'metric', attributes: { name: 'Entered Segment' } } },
          profile: { data: { type: 'profile', attributes: { email } } },
        },
      },
    });
    const first = await events.createEvent(event('run7:c1') as any);
    expect(first.response.status).toBe(202);
    await events.createEvent(event('run7:c1') as any);
    await events.createEvent(event('run8:c1') as any);
    await events.createEvent(event('run7:c1', 'cy@example.com') as any);
    expect(fake.eventsOf('Entered Segment').map((e) => e.uniqueId)).toEqual(['run7:c1', 'run8:c1', 'run7:c1']);
    expect(fake.state.metrics.size).toBe(1);
    expect(fake.eventsOf('Entered Segment')[0].properties).toEqual({ segment: 'loyal', previous_segment: 'new', rfm_score: 545, run_id: 7 });
    expect(fake.subscriptionChanges).toEqual([]);
  });
});
