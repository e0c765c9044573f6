import { matches } from '../filters';
import { cursorOf, KlaviyoProblem, pageLinks, pageOfArray } from '../json-api';
import { checkIdentifiers, writeProfile, type ProfileResource } from '../profiles';
import type { FakeEvent, FakeMetric } from '../state';
import { filterOf, requireMaxItems, sizeOf, sparse, type RouteContext, type Routes } from './context';
import { written } from './profiles';

interface EventAttributes {
  properties?: Record<string, unknown>;
  time?: string | null;
  value?: number | null;
  unique_id?: string | null;
  metric: { data: { attributes: { name: string } } };
  profile?: { data: ProfileResource & { attributes?: Record<string, unknown> & { meta?: ProfileResource['meta'] } } };
}

/**
 * Events: the metric is created by name on first use; the profile is upserted from the event's profile;
 * an event whose unique_id was already stored for that profile and metric is accepted (202) but stored
 * once, as Klaviyo dedupes. Without a unique_id Klaviyo uses the event time to the second, and so does
 * the fake. Bulk create jobs are applied at once (the real API gives no job to poll either).
 */
export const eventRoutes: Routes = {
  create_event(context) {
    const attributes: EventAttributes = context.body.data.attributes;
    const profile = attributes.profile?.data;
    if (!profile) throw KlaviyoProblem.invalid('An event needs a profile.', '/data/attributes/profile');
    const problem = checkIdentifiers(profile.attributes ?? {}, '/data/attributes/profile/data/attributes');
    if (problem) throw KlaviyoProblem.invalid(problem.detail, problem.pointer);
    store(context, profile, attributes);
    return { status: 202 };
  },

  bulk_create_events(context) {
    const items: Array<{ attributes: { profile: { data: ProfileResource }; events: { data: Array<{ attributes: EventAttributes }> } } }> =
      context.body.data.attributes['events-bulk-create'].data;
    const count = items.reduce((sum, item) => sum + item.attributes.events.data.length, 0);
    requireMaxItems(context.operation, count, 'events', '/data/attributes/events-bulk-create/data');
    // All or nothing: one bad profile rejects the request before anything is written.
    items.forEach((item, i) => {
      const pointer = `/data/attributes/events-bulk-create/data/${i}/attributes/profile/data/attributes`;
      const problem = checkIdentifiers(item.attributes.profile.data.attributes ?? {}, pointer);
      if (problem) throw KlaviyoProblem.invalid(problem.detail, problem.pointer);
    });
    for (const item of items) {
      for (const event of item.attributes.events.data) store(context, item.attributes.profile.data, event.attributes);
    }
    return { status: 202 };
  },

  get_events(context) {
    const conditions = filterOf(context);
    const keep = (event: FakeEvent) => conditions.every((c) => matches(c, (field) => eventField(event, field)));
    const page = pageOfArray(context.state.events, cursorOf(context.query), sizeOf(context, 200), keep);
    const data = page.items.map((event) => sparse(context, eventResource(event)));
    return { status: 200, body: { data, links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  get_event(context) {
    const event = context.state.events.find((e) => e.id === context.params.id);
    if (!event) throw KlaviyoProblem.notFound(`An event with id ${context.params.id}`);
    return { status: 200, body: { data: sparse(context, eventResource(event)) } };
  },

  get_metrics(context) {
    const conditions = filterOf(context);
    const keep = (metric: FakeMetric) => conditions.every((c) => matches(c, (field) => metricField(metric, field)));
    const page = pageOfArray([...context.state.metrics.values()], cursorOf(context.query), 200, keep);
    return { status: 200, body: { data: page.items.map((m) => sparse(context, metricResource(m))), links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  get_metric(context) {
    const metric = context.state.metrics.get(context.params.id);
    if (!metric) throw KlaviyoProblem.notFound(`A metric with id ${context.params.id}`);
    return { status: 200, body: { data: sparse(context, metricResource(metric)) } };
  },
};

function store(context: RouteContext, profileData: ProfileResource, attributes: EventAttributes): void {
  const now = context.now();
  const meta = profileData.meta ?? (profileData.attributes?.meta as ProfileResource['meta']);
  const { profile } = written(writeProfile(context.state, { ...profileData, meta }, 'upsert', now, '/data/attributes/profile/data/attributes'));
  const metric = context.state.metricNamed(attributes.metric.data.attributes.name, now);
  const time = attributes.time ? new Date(attributes.time).toISOString() : now;
  context.state.recordEvent({
    metricId: metric.id,
    profileId: profile.id,
    time,
    ...(typeof attributes.value === 'number' ? { value: attributes.value } : {}),
    uniqueId: attributes.unique_id ?? time.slice(0, 19),
    properties: attributes.properties ?? {},
  });
}

function eventField(event: FakeEvent, field: string): unknown {
  if (field === 'metric_id') return event.metricId;
  if (field === 'profile_id') return event.profileId;
  if (field === 'datetime' || field === 'timestamp') return event.time;
  return undefined;
}

function metricField(metric: FakeMetric, field: string): unknown {
  if (field === 'name') return metric.name;
  if (field === 'integration.category') return 'API';
  return undefined;
}

function eventResource(event: FakeEvent) {
  return {
    type: 'event',
    id: event.id,
    attributes: {
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      event_properties: { ...event.properties, $event_id: event.uniqueId, ...(event.value !== undefined ? { $value: event.value } : {}) },
      datetime: event.time,
      uuid: event.id,
    },
    relationships: {
      metric: { data: { type: 'metric', id: event.metricId } },
      profile: { data: { type: 'profile', id: event.profileId } },
    },
    links: { self: `/api/events/${event.id}` },
  };
}

function metricResource(metric: FakeMetric) {
  return {
    type: 'metric',
    id: metric.id,
    attributes: { name: metric.name, created: metric.created, updated: metric.created, integration: { object: 'integration', id: 'api', name: 'API', category: 'API' } },
    links: { self: `/api/metrics/${metric.id}` },
  };
}
