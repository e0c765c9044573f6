import { ApiKeySession, ListEnum, ListsApi, ProfileEnum, ProfilesApi, RetryWithExponentialBackoff, type ProfileImportJobCreateQuery } from 'klaviyo-api';
import { startFakeKlaviyoProcess } from './child';

/** The fake in its own process, as the benchmark runs it: same server, inspected through summary(). */
const KEY = 'pk_fake_process_key';

it('serves the SDK from a child process and reports calls, lists and members', async () => {
  const fake = await startFakeKlaviyoProcess({ apiKeys: [KEY], jobDelayMs: 20 });
  try {
    const session = new ApiKeySession(KEY, new RetryWithExponentialBackoff({ numRetries: 0 }));
    const lists = new ListsApi(session);
    const profiles = new ProfilesApi(session);
    lists.basePath = profiles.basePath = fake.baseUrl;
    const list = (await lists.createList({ data: { type: ListEnum.List, attributes: { name: 'Loyal' } } })).body.data;
    const job = {
      data: {
        type: 'profile-bulk-import-job',
        attributes: { profiles: { data: ['a', 'b', 'c'].map((id) => ({ type: ProfileEnum.Profile, attributes: { externalId: id, email: `${id}@example.com` } })) } },
        relationships: { lists: { data: [{ type: ListEnum.List, id: list.id }] } },
      },
    } as unknown as ProfileImportJobCreateQuery;
    await profiles.bulkImportProfiles(job);
    await fake.inject({ operation: 'get_lists', kind: '503' });
    await expect(lists.getLists()).rejects.toMatchObject({ response: { status: 503 } });
    await fake.settle();

    const summary = await fake.summary();
    expect(summary.callCounts).toEqual({ create_list: 1, bulk_import_profiles: 1, get_lists: 1 });
    expect(summary.lists).toEqual([{ id: list.id, name: 'Loyal', members: 3 }]);
    expect(summary.bulkImportJobs).toEqual({ jobs: 1, complete: 1, profiles: 3, completed: 3, failed: 0 });
    expect(summary.rejectedRequests).toEqual([]);
    expect(await fake.members('Loyal')).toEqual([['a', 'b', 'c']]);
    expect((await fake.profiles(['b', 'zz'])).map((p) => p?.email ?? null)).toEqual(['b@example.com', null]);
  } finally {
    await fake.close();
  }
});
