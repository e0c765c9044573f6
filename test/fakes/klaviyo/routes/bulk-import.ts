import { cursorOf, KlaviyoProblem, pageLinks, pageOfArray } from '../json-api';
import { writeProfile, type ProfileResource } from '../profiles';
import type { BulkImportJob, FakeState } from '../state';
import { requireMaxItems, sizeOf, sparse, type RouteContext, type Routes } from './context';
import { listOf } from './lists';

const CHUNK = 1000;

/**
 * Profile bulk import jobs, processed asynchronously like Klaviyo's: `queued` for the first 40% of the job
 * time, then `processing`: from `jobDelayMs` on, profiles are upserted (and added to the job's lists) or
 * recorded as import errors with their original payload, 1,000 at a time, and completed_count grows; then
 * the job is `complete`. Nothing is written while it is queued.
 * The 10,000-profile and 5 MB caps come from the operation's description in the OpenAPI document.
 */
export const bulkImportRoutes: Routes = {
  bulk_import_profiles(context) {
    const { state, body } = context;
    const profiles: ProfileResource[] = body.data.attributes.profiles.data;
    requireMaxItems(context.operation, profiles.length, 'profiles', '/data/attributes/profiles/data');
    const listIds: string[] = (body.data.relationships?.lists?.data ?? []).map((list: { id: string }) => list.id);
    listIds.forEach((id) => listOf(state, id));
    const now = context.now();
    const job: BulkImportJob = {
      id: state.nextId('job'),
      status: 'queued',
      created_at: now,
      started_at: null,
      completed_at: null,
      expires_at: new Date(Date.parse(now) + 7 * 86_400_000).toISOString(),
      total_count: profiles.length,
      completed_count: 0,
      failed_count: 0,
      listIds,
      profileIds: [],
      errors: [],
    };
    state.bulkImportJobs.set(job.id, job);
    const { delayMs } = context.jobs;
    context.jobs.later(delayMs * 0.4, () => {
      if (job.status !== 'queued') return;
      job.status = 'processing';
      job.started_at = context.now();
    });
    unfinished.set(job, { profiles, next: 0, dueAt: Date.now() + delayMs });
    context.jobs.later(delayMs, () => process(context, job, profiles, 0));
    return { status: 202, body: { data: jobResource(job, context), links: { self: `${context.baseUrl}/api/profile-bulk-import-jobs/${job.id}` } } };
  },

  get_bulk_import_profiles_job(context) {
    const job = jobOf(context.state, context.params.job_id);
    catchUp(context, job);
    const included = context.query.get('include')?.includes('lists')
      ? job.listIds.flatMap((id) => {
          const list = context.state.lists.get(id);
          return list ? [{ type: 'list', id, attributes: { name: list.name, created: list.created, updated: list.updated, opt_in_process: list.opt_in_process } }] : [];
        })
      : undefined;
    return { status: 200, body: { data: sparse(context, jobResource(job, context)), ...(included ? { included } : {}) } };
  },

  get_bulk_import_profiles_jobs(context) {
    const jobs = [...context.state.bulkImportJobs.values()];
    const page = pageOfArray(jobs, cursorOf(context.query), sizeOf(context, 20));
    return { status: 200, body: { data: page.items.map((job) => jobResource(job, context)), links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  get_errors_for_bulk_import_profiles_job(context) {
    const job = jobOf(context.state, context.params.id);
    const page = pageOfArray(job.errors, cursorOf(context.query), sizeOf(context, 20));
    const data = page.items.map(({ id, ...attributes }) => ({ type: 'import-error', id, attributes }));
    return { status: 200, body: { data, links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },

  get_list_ids_for_bulk_import_profiles_job(context) {
    const job = jobOf(context.state, context.params.id);
    return { status: 200, body: { data: job.listIds.map((id) => ({ type: 'list', id })) } };
  },

  get_profile_ids_for_bulk_import_profiles_job(context) {
    const job = jobOf(context.state, context.params.id);
    const page = pageOfArray(job.profileIds, cursorOf(context.query), sizeOf(context, 20));
    return { status: 200, body: { data: page.items.map((id) => ({ type: 'profile', id })), links: pageLinks(context.baseUrl, context.path, context.query, page.nextCursor) } };
  },
};

/** Jobs not complete yet: their profiles, the next one to apply, and when applying was due to start. */
const unfinished = new WeakMap<BulkImportJob, { profiles: ProfileResource[]; next: number; dueAt: number }>();
/** How late a job's scheduled step may be before a poll applies the rest itself. */
const CATCH_UP_AFTER_MS = 1_000;

/**
 * A job whose scheduled steps are a second late is finished when it is read: the job's state then depends
 * on time alone, never on a timer firing. (In the crash spec, now and then, a job stayed `processing` for
 * good while its sync polled it; this keeps such a stall from hanging a test, and a step that throws now
 * fails the poll loudly.)
 */
function catchUp(context: RouteContext, job: BulkImportJob): void {
  const pending = unfinished.get(job);
  if (!pending || Date.now() < pending.dueAt + CATCH_UP_AFTER_MS) return;
  while (unfinished.has(job)) process(context, job, pending.profiles, pending.next, false);
}

/** Applies the job in chunks, yielding between them so a big job never stalls other requests for long. */
function process(context: RouteContext, job: BulkImportJob, profiles: ProfileResource[], from: number, scheduled = true): void {
  const pending = unfinished.get(job);
  if (!pending || pending.next !== from) return; // already applied by a poll's catch-up
  const { state } = context;
  const now = context.now();
  job.started_at ??= now;
  const lists = job.listIds.map((id) => state.lists.get(id)).filter((list) => list !== undefined);
  const end = Math.min(profiles.length, from + CHUNK);
  for (let i = from; i < end; i++) {
    const resource = profiles[i];
    const outcome = writeProfile(state, resource, 'upsert', now, `/data/attributes/profiles/data/${i}/attributes`);
    if ('problem' in outcome) {
      const { code, title, detail, pointer } = outcome.problem;
      job.errors.push({ id: state.nextId('error'), code, title, detail, source: { pointer }, original_payload: { ...(resource.attributes ?? {}) } });
      job.failed_count += 1;
      continue;
    }
    job.profileIds.push(outcome.profile.id);
    for (const list of lists) list.members.add(outcome.profile.id);
    job.completed_count += 1;
  }
  for (const list of lists) list.updated = now;
  pending.next = end;
  if (end < profiles.length) {
    if (scheduled) context.jobs.later(0, () => process(context, job, profiles, end));
    return;
  }
  unfinished.delete(job);
  job.status = 'complete';
  job.completed_at = now;
}

function jobOf(state: FakeState, id: string): BulkImportJob {
  const job = state.bulkImportJobs.get(id);
  if (!job) throw KlaviyoProblem.notFound(`A profile bulk import job with id ${id}`);
  return job;
}

function jobResource(job: BulkImportJob, context: RouteContext) {
  const self = `${context.baseUrl}/api/profile-bulk-import-jobs/${job.id}`;
  return {
    type: 'profile-bulk-import-job',
    id: job.id,
    attributes: {
      status: job.status,
      created_at: job.created_at,
      total_count: job.total_count,
      completed_count: job.completed_count,
      failed_count: job.failed_count,
      completed_at: job.completed_at,
      expires_at: job.expires_at,
      started_at: job.started_at,
    },
    relationships: {
      lists: { data: job.listIds.map((id) => ({ type: 'list', id })), links: { self: `${self}/relationships/lists`, related: `${self}/lists` } },
      profiles: { links: { self: `${self}/relationships/profiles`, related: `${self}/profiles` } },
      'import-errors': { links: { self: `${self}/relationships/import-errors`, related: `${self}/import-errors` } },
    },
    links: { self },
  };
}
