import { ApiKeySession, EventsApi, MetricsApi, ProfilesApi, RetryWithExponentialBackoff } from 'klaviyo-api';
import { FakeKlaviyo } from './index';

/** Event bulk create jobs, metrics and event filters, profile PATCH, and consent changes being recorded. */
const KEY = 'pk_fake_events_key';

function sdk(fake: FakeKlaviyo) {
  const session = new ApiKeySession(KEY, new RetryWithExponentialBackoff({ numRetries: 0 }));
  const apis = { events: new EventsApi(session), metrics: new MetricsApi(session), profiles: new ProfilesApi(session) };
  for (const api of Object.values(apis)) api.basePath = fake.baseUrl;
  return apis;
}

function bulkEvents(people: Array<{ externalId: string; email?: string; uniqueIds: string[] }>) {
  return {
    data: {
      type: 'event-bulk-create-job',
      attributes: {
        eventsBulkCreate: {
          data: people.map((person) => ({
            type: 'event-bulk-create',
            attributes: {
              profile: { data: { type: 'profile', attributes: { externalId: person.externalId, email: person.email } } },
              events: {
                data: person.uniqueIds.map((uniqueId) => ({
                  type: 'event',
                  attributes: { properties: { segment: 'vip_gold' }, uniqueId, metric: { data: { type: 'metric', attributes: { name: 'Entered Segment' } } } },
                })),
              },
            },
          })),
        },
      },
    },
  } as any;
}

describe('fake Klaviyo: event bulk create jobs, metrics, profile patch, consent', () => {
  let fake: FakeKlaviyo;
  beforeEach(async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [KEY] });
  });
  afterEach(() => fake.close());

  it('applies an event bulk create job at once, deduping unique_ids, and lists the metric and its events', async () => {
    const { events, metrics } = sdk(fake);
    const accepted = await events.bulkCreateEvents(bulkEvents([
      { externalId: 'c1', email: 'c1@example.com', uniqueIds: ['run3:c1', 'run3:c1'] },
      { externalId: 'c2', uniqueIds: ['run3:c2'] },
    ]));
    expect(accepted.response.status).toBe(202);
    expect(fake.eventsOf('Entered Segment').map((e) => [fake.state.profiles.get(e.profileId)!.external_id, e.uniqueId])).toEqual([
      ['c1', 'run3:c1'],
      ['c2', 'run3:c2'],
    ]);
    const metric = (await metrics.getMetrics()).body.data;
    expect(metric.map((m) => m.attributes.name)).toEqual(['Entered Segment']);
    const listed = await events.getEvents({ filter: `equals(metric_id,"${metric[0].id}")` });
    expect(listed.body.data.map((e) => (e.attributes.eventProperties as Record<string, unknown>)?.$event_id)).toEqual(['run3:c1', 'run3:c2']);
  });

  it('rejects a bulk event job over 1,000 events, or with one invalid email, writing nothing', async () => {
    const { events } = sdk(fake);
    const tooMany = bulkEvents([{ externalId: 'c1', uniqueIds: Array.from({ length: 1001 }, (_, i) => `u${i}`) }]);
    await expect(events.bulkCreateEvents(tooMany)).rejects.toMatchObject({ response: { status: 400 } });
    const oneBad = bulkEvents([
      { externalId: 'c1', uniqueIds: ['u1'] },
      { externalId: 'c2', email: 'no-at-sign', uniqueIds: ['u2'] },
    ]);
    const rejected = await events.bulkCreateEvents(oneBad).catch((error) => error.response);
    expect(rejected.data.errors[0].source.pointer).toBe('/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/email');
    expect(fake.state.events).toHaveLength(0);
    expect(fake.state.profiles.size).toBe(0);
  });

  it('patches a profile: properties merge, null clears an attribute, meta.patch_properties.unset removes a property', async () => {
    const { profiles } = sdk(fake);
    const created = await profiles.createProfile({ data: { type: 'profile', attributes: { externalId: '9', firstName: 'Ada', properties: { rfm_group: 'new', churn_risk: 0.2 } } } } as any);
    const id = created.body.data.id!;
    await profiles.updateProfile(id, { data: { type: 'profile', id, attributes: { firstName: null, properties: { rfm_group: 'loyal' } } } } as any);
    expect(fake.profileByExternalId('9')!.properties).toEqual({ rfm_group: 'loyal', churn_risk: 0.2 });
    expect(fake.profileByExternalId('9')!.attributes).toEqual({});
    // klaviyo-api 23 cannot serialize meta.patchProperties.unset (its oneOf string|array throws a TypeError
    // inside ObjectSerializer), so this one goes over plain HTTP.
    const response = await fetch(`${fake.baseUrl}/api/profiles/${id}`, {
      method: 'PATCH',
      headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'profile', id, attributes: {}, meta: { patch_properties: { unset: ['churn_risk'] } } } }),
    });
    expect(response.status).toBe(200);
    expect(fake.profileByExternalId('9')!.properties).toEqual({ rfm_group: 'loyal' });
  });

  it('records every subscription request, so a test can assert a sync never subscribes anyone', async () => {
    const { profiles } = sdk(fake);
    await profiles.bulkSubscribeProfiles({
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'x@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } }] } },
      },
    } as any);
    expect(fake.subscriptionChanges).toEqual([expect.objectContaining({ operation: 'bulk_subscribe_profiles' })]);
  });
});
