import { ApiKeySession, ListEnum, ListsApi, ProfileEnum, ProfilesApi, RetryWithExponentialBackoff, type ProfileImportJobCreateQuery } from 'klaviyo-api';
import { FakeKlaviyo } from './index';

/** Profile bulk import jobs, data privacy deletions and the per-job caps, through the real SDK. */
const KEY = 'pk_fake_jobs_key';

function sdk(fake: FakeKlaviyo) {
  const session = new ApiKeySession(KEY, new RetryWithExponentialBackoff({ numRetries: 0 }));
  const lists = new ListsApi(session);
  const profiles = new ProfilesApi(session);
  lists.basePath = profiles.basePath = fake.baseUrl;
  return { lists, profiles };
}

function job(profiles: Array<Record<string, unknown>>, listId?: string): ProfileImportJobCreateQuery {
  return {
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: { data: profiles.map((attributes) => ({ type: ProfileEnum.Profile, attributes })) } },
      ...(listId ? { relationships: { lists: { data: [{ type: ListEnum.List, id: listId }] } } } : {}),
    },
  } as unknown as ProfileImportJobCreateQuery;
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; data: any }> {
  try {
    await promise;
  } catch (error: any) {
    if (error.response) return { status: error.response.status, data: error.response.data };
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('fake Klaviyo: profile bulk import jobs', () => {
  let fake: FakeKlaviyo;
  beforeEach(async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY], jobDelayMs: 150 });
  });
  afterEach(() => fake.close());

  it('completes a job asynchronously, then holds its profiles as members of the job list', async () => {
    const { lists, profiles } = sdk(fake);
    const list = (await lists.createList({ data: { type: ListEnum.List, attributes: { name: 'Loyal' } } })).body.data;
    const people = Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@example.com`, externalId: `c${i}`, properties: { rfm_group: 'loyal', r: 5 } }));
    const created = await profiles.bulkImportProfiles(job(people, list.id));
    expect(created.response.status).toBe(202);
    const jobId = created.body.data.id;
    expect(created.body.data.attributes.status).toBe('queued');
    expect(fake.state.lists.get(list.id!)!.members.size).toBe(0);
    expect(fake.state.profiles.size).toBe(0);

    const statuses = new Set<string>();
    let status = '';
    while (status !== 'complete') {
      const polled = await profiles.getBulkImportProfilesJob(jobId);
      status = String(polled.body.data.attributes.status);
      statuses.add(status);
      if (status === 'complete') {
        expect(polled.body.data.attributes).toMatchObject({ totalCount: 30, completedCount: 30, failedCount: 0 });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(statuses.has('processing')).toBe(true);
    const members = [...fake.state.lists.get(list.id!)!.members].map((id) => fake.state.profiles.get(id)!.external_id);
    expect(members).toEqual(people.map((p) => p.externalId));
    expect(fake.profileByExternalId('c7')?.properties).toEqual({ rfm_group: 'loyal', r: 5 });
  });

  it('reports an invalid email or phone as an import error with its original payload; the rest are imported', async () => {
    const { profiles } = sdk(fake);
    const people = [
      { email: 'good@example.com', externalId: 'g1' },
      { email: 'not-an-email', externalId: 'b1' },
      { phoneNumber: '555-0100', externalId: 'b2' },
      { externalId: 'g2' },
    ];
    const jobId = (await profiles.bulkImportProfiles(job(people))).body.data.id;
    await fake.settle();
    const done = await profiles.getBulkImportProfilesJob(jobId);
    expect(done.body.data.attributes).toMatchObject({ status: 'complete', totalCount: 4, completedCount: 2, failedCount: 2 });
    const errors = (await profiles.getErrorsForBulkImportProfilesJob(jobId)).body.data.map((e) => e.attributes);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'invalid', source: { pointer: '/data/attributes/profiles/data/1/attributes/email' }, originalPayload: { email: 'not-an-email', external_id: 'b1' } }),
      expect.objectContaining({ code: 'invalid', source: { pointer: '/data/attributes/profiles/data/2/attributes/phone_number' }, originalPayload: { phone_number: '555-0100', external_id: 'b2' } }),
    ]);
    expect([...fake.state.profiles.values()].map((p) => p.external_id)).toEqual(['g1', 'g2']);
  });

  it('enforces 10,000 profiles and 5 MB per job, and an existing list, before accepting a job', async () => {
    const { profiles } = sdk(fake);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ externalId: `c${i}` }));
    const many = await failure(profiles.bulkImportProfiles(job(tooMany)));
    expect(many.status).toBe(400);
    expect(many.data.errors[0].detail).toBe('10001 profiles sent; bulk_import_profiles accepts at most 10000 per request.');
    const big = Array.from({ length: 9_000 }, (_, i) => ({ externalId: `c${i}`, properties: { note: 'x'.repeat(600) } }));
    expect((await failure(profiles.bulkImportProfiles(job(big)))).status).toBe(413);
    expect((await failure(profiles.bulkImportProfiles(job([{ externalId: 'c1' }], 'NOLIST')))).status).toBe(404);
    expect(fake.state.bulkImportJobs.size).toBe(0);
    expect(fake.rejectedRequests.map((r) => r.status)).toEqual([400, 413]);
  });

  it('deletes a profile and its memberships on a data privacy deletion request', async () => {
    const { profiles } = sdk(fake);
    const list = (await sdk(fake).lists.createList({ data: { type: ListEnum.List, attributes: { name: 'New' } } })).body.data;
    await profiles.bulkImportProfiles(job([{ email: 'gone@example.com' }, { email: 'kept@example.com' }], list.id));
    await fake.settle();
    const response = await fetch(`${fake.baseUrl}/api/data-privacy-deletion-jobs`, {
      method: 'POST',
      headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email: 'gone@example.com' } } } } } }),
    });
    expect(response.status).toBe(202);
    expect(fake.profileByEmail('gone@example.com')).toBeUndefined();
    expect([...fake.state.lists.get(list.id!)!.members].map((id) => fake.state.profiles.get(id)!.email)).toEqual(['kept@example.com']);
  });
});
