import { AccountsApi, DataPrivacyApi, EventsApi, ListsApi, ProfilesApi } from 'klaviyo-api';
import type { SdkProfile } from './core/profiles';
import { AccountLimiter } from './core/rate-limits';
import type { RetryPolicy } from './core/retry';
import { KlaviyoApiError, KlaviyoSession } from './klaviyo-session';

export interface ImportJobStatus {
  status: string;
  total: number;
  completed: number;
  failed: number;
  /** How long Klaviyo took from creating the job to completing it, once complete (its own clock). */
  tookMs: number | null;
}

export interface ImportError {
  externalId: string | null;
  code: string;
  detail: string;
}

export interface EventToSend {
  uniqueId: string;
  time: string;
  properties: Record<string, unknown>;
  profile: { email?: string; phoneNumber?: string; externalId: string };
}

export type DeletionSubject = { profileId: string } | { email: string } | { phoneNumber: string };

/**
 * Everything the sync asks of Klaviyo, through the official SDK pointed at the configured base URL. The SDK
 * appears nowhere else; its requests go through KlaviyoSession (rate limits, retries, timeouts).
 */
export class KlaviyoClient {
  private readonly accounts: AccountsApi;
  private readonly lists: ListsApi;
  private readonly profiles: ProfilesApi;
  private readonly events: EventsApi;
  private readonly privacy: DataPrivacyApi;

  constructor(
    readonly session: KlaviyoSession,
    baseUrl: string,
  ) {
    this.accounts = new AccountsApi(session);
    this.lists = new ListsApi(session);
    this.profiles = new ProfilesApi(session);
    this.events = new EventsApi(session);
    this.privacy = new DataPrivacyApi(session);
    for (const api of [this.accounts, this.lists, this.profiles, this.events, this.privacy]) api.basePath = baseUrl;
  }

  /** The account's name: proves the key works (a wrong key fails with 401, a key without scopes with 403). */
  async accountName(): Promise<string | null> {
    const { body } = await this.accounts.getAccounts();
    const first = body.data?.[0];
    return (first?.attributes as { contactInformation?: { organizationName?: string } } | undefined)?.contactInformation
      ?.organizationName ?? null;
  }

  /** Ids of every list with exactly this name (Klaviyo does not keep names unique), oldest first. */
  async listIdsNamed(name: string): Promise<string[]> {
    const ids: { id: string; created: string }[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await this.lists.getLists({
        filter: `equals(name,${JSON.stringify(name)})`,
        fieldsList: ['name', 'created'],
        pageCursor: cursor,
      });
      for (const list of body.data ?? []) {
        const attributes = list.attributes as { name?: string; created?: Date | string };
        if (attributes.name === name) ids.push({ id: String(list.id), created: String(attributes.created ?? '') });
      }
      cursor = cursorOf(body.links?.next);
    } while (cursor);
    return ids.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id)).map((list) => list.id);
  }

  async createList(name: string): Promise<string> {
    const { body } = await this.lists.createList({ data: { type: 'list', attributes: { name } } } as never);
    return String(body.data.id);
  }

  /** Starts a bulk import of these profiles, each added to the lists; returns the job id. */
  async startProfileImport(profiles: SdkProfile[], listIds: string[]): Promise<string> {
    const { body } = await this.profiles.bulkImportProfiles({
      data: {
        type: 'profile-bulk-import-job',
        attributes: { profiles: { data: profiles } },
        ...(listIds.length ? { relationships: { lists: { data: listIds.map((id) => ({ type: 'list', id })) } } } : {}),
      },
    } as never);
    return String(body.data.id);
  }

  async importJob(jobId: string): Promise<ImportJobStatus> {
    const { body } = await this.profiles.getBulkImportProfilesJob(jobId);
    const attributes = body.data.attributes as {
      status: string;
      totalCount?: number;
      completedCount?: number;
      failedCount?: number;
      createdAt?: Date | string | null;
      completedAt?: Date | string | null;
    };
    const { createdAt, completedAt } = attributes;
    const took = createdAt && completedAt ? new Date(completedAt).getTime() - new Date(createdAt).getTime() : null;
    return {
      status: String(attributes.status),
      total: attributes.totalCount ?? 0,
      completed: attributes.completedCount ?? 0,
      failed: attributes.failedCount ?? 0,
      // An unreadable date gives NaN, which is not >= 0.
      tookMs: took !== null && took >= 0 ? took : null,
    };
  }

  /** A finished job's per-profile errors, each tied back to the customer by the external_id it carried. */
  async importErrors(jobId: string): Promise<ImportError[]> {
    const errors: ImportError[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await this.profiles.getErrorsForBulkImportProfilesJob(jobId, { pageSize: 100, pageCursor: cursor });
      for (const error of body.data ?? []) {
        const attributes = error.attributes as { code?: string; title?: string; detail?: string; originalPayload?: Record<string, unknown> };
        const payload = attributes.originalPayload ?? {};
        const externalId = (payload.external_id ?? payload.externalId ?? null) as string | null;
        errors.push({ externalId, code: attributes.code ?? 'error', detail: attributes.detail ?? attributes.title ?? '' });
      }
      cursor = cursorOf(body.links?.next);
    } while (cursor);
    return errors;
  }

  /** Klaviyo profile ids by external id, for at most 100 external ids (one page of an any() filter). */
  async profileIdsByExternalId(externalIds: string[]): Promise<Map<string, string>> {
    if (externalIds.length > 100) throw new RangeError('at most 100 external ids per lookup');
    const found = new Map<string, string>();
    if (externalIds.length === 0) return found;
    const { body } = await this.profiles.getProfiles({
      filter: `any(external_id,${JSON.stringify(externalIds)})`,
      fieldsProfile: ['external_id'],
      pageSize: 100,
    });
    for (const profile of body.data ?? []) {
      const externalId = (profile.attributes as { externalId?: string }).externalId;
      if (externalId && profile.id) found.set(externalId, String(profile.id));
    }
    return found;
  }

  /** Removes profiles (at most 1,000) from a list; their subscriptions are untouched. */
  async removeFromList(listId: string, profileIds: string[]): Promise<void> {
    if (profileIds.length > 1000) throw new RangeError('at most 1,000 profiles per list removal');
    await this.lists.removeProfilesFromList(listId, { data: profileIds.map((id) => ({ type: 'profile', id })) } as never);
  }

  /** Sends events of one metric (at most 1,000) in one bulk job; Klaviyo stores each unique_id once. */
  async sendEvents(metric: string, events: EventToSend[]): Promise<void> {
    if (events.length > 1000) throw new RangeError('at most 1,000 events per bulk job');
    await this.events.bulkCreateEvents({
      data: {
        type: 'event-bulk-create-job',
        attributes: {
          eventsBulkCreate: {
            data: events.map((event) => ({
              type: 'event-bulk-create',
              attributes: {
                profile: { data: { type: 'profile', attributes: event.profile } },
                events: {
                  data: [
                    {
                      type: 'event',
                      attributes: {
                        properties: event.properties,
                        time: new Date(event.time),
                        uniqueId: event.uniqueId,
                        metric: { data: { type: 'metric', attributes: { name: metric } } },
                      },
                    },
                  ],
                },
              },
            })),
          },
        },
      },
    } as never);
  }

  /** Asks Klaviyo to delete a profile and everything it holds about it (Data Privacy API). */
  async requestDeletion(subject: DeletionSubject): Promise<void> {
    const profile =
      'profileId' in subject
        ? { data: { type: 'profile', id: subject.profileId, attributes: {} } }
        : { data: { type: 'profile', attributes: subject } };
    await this.privacy.requestProfileDeletion({
      data: { type: 'data-privacy-deletion-job', attributes: { profile } },
    } as never);
  }
}

/** The page[cursor] of a `links.next` URL, or undefined on the last page. */
function cursorOf(next: string | undefined | null): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next).searchParams.get('page[cursor]') ?? undefined;
  } catch {
    return undefined;
  }
}

export { KlaviyoApiError };

export interface KlaviyoClientOptions {
  /** Per-request timeout, milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Limits to keep per operation (default: the published ones). */
  limits?: ConstructorParameters<typeof AccountLimiter>[0];
  policy?: RetryPolicy;
}

/**
 * Clients for the configured Klaviyo. Rate limits are per account, so every client of one key (one
 * account) in this process shares one limiter.
 */
export function klaviyoClientFactory(baseUrl: string, options: KlaviyoClientOptions = {}): (apiKey: string) => KlaviyoClient {
  const limiters = new Map<string, AccountLimiter>();
  return (apiKey: string) => {
    let limiter = limiters.get(apiKey);
    if (!limiter) {
      limiter = new AccountLimiter(options.limits);
      limiters.set(apiKey, limiter);
    }
    const session = new KlaviyoSession({ apiKey, limiter, timeoutMs: options.timeoutMs, policy: options.policy });
    return new KlaviyoClient(session, baseUrl);
  };
}
